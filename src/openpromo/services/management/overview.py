"""What ``openpromo status`` tells about the account: its applications and how many campaigns run now."""

from __future__ import annotations

from dataclasses import dataclass

from openpromo.services.auth import ManagementPrincipal
from openpromo.services.campaign_filters import state_condition
from openpromo.services.ports import Clock, Eq, UnitOfWorkFactory


@dataclass(frozen=True, slots=True)
class Overview:
    applications: list[tuple[int, str]]
    """(id, name) of every application, by id."""
    running_campaigns: int
    """Enabled campaigns of those applications whose start and end times include now."""


class OverviewService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def overview(self, principal: ManagementPrincipal) -> Overview:
        now = self._clock.now()
        with self._uow(write=False) as uow:
            apps = uow.records.find("applications", {"account_id": principal.account_id, "deleted": False})
            ids = [row["id"] for row in apps.rows]
            running = uow.records.query(
                "campaigns",
                [Eq("application_id", ids), Eq("deleted", False), state_condition("running", now)],
                limit=0,
                with_total=True,
            )
        return Overview([(row["id"], row["name"]) for row in apps.rows], running.total or 0)


__all__ = ["Overview", "OverviewService"]

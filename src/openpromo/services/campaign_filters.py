"""The spec's campaign list filters as list conditions, for the Management API's ``getCampaigns`` and
the Integration API's ``integrationGetAllCampaigns``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from openpromo.services.ports import (
    AllOf,
    AnyOf,
    Caseless,
    Condition,
    Contains,
    Eq,
    HasElement,
    Not,
    Valid,
    Within,
)


def state_condition(state: str, now: datetime) -> Condition:
    """The campaign's stored ``state``, or for an enabled one its ``frontendState`` (``scheduled``,
    ``running``, ``expired``: from its start and end times, as ``services.records.frontend_state``)."""
    by_time: dict[str, Condition] = {
        "scheduled": Valid("start_time", "end_time", "validFuture", now),
        "running": Valid("start_time", "end_time", "validNow", now),
        "expired": AllOf(
            (
                Not(Valid("start_time", "end_time", "validFuture", now)),
                Valid("start_time", "end_time", "expired", now),
            )
        ),
    }
    stored = Eq("state", state)
    if state not in by_time:
        return stored
    return AnyOf((stored, AllOf((Eq("state", "enabled"), by_time[state]))))


def campaign_conditions(filters: dict[str, Any], now: datetime) -> list[Condition]:
    """The spec's campaign filters as list conditions."""
    conditions: list[Condition] = []
    state = filters.get("campaign_state")
    if state is not None:
        conditions.append(state_condition(state, now))
    name, tags = filters.get("name"), filters.get("tags")
    if name is not None or tags is not None:
        # the spec: name and tags together match either; tags match case-insensitively
        either: list[Condition] = []
        if name is not None:
            either.append(Contains("name", name))
        wanted = tuple(dict.fromkeys(t for t in (tags or "").split(",") if t))
        if wanted:
            either.append(HasElement("tags", (Caseless("", wanted),)))
        conditions.append(AnyOf(tuple(either)))
    for column, key in (("created", "created"), ("start_time", "start"), ("end_time", "end")):
        before, after = filters.get(f"{key}_before"), filters.get(f"{key}_after")
        if before is not None or after is not None:
            conditions.append(Within(column, before, after))
    for column, key in (("campaign_groups", "campaign_group_id"), ("linked_store_ids", "store_id")):
        if filters.get(key) is not None:
            conditions.append(HasElement(column, (Eq("", filters[key]),)))
    if filters.get("template_id") is not None:
        conditions.append(Eq("template_id", filters["template_id"]))
    return conditions


__all__ = ["campaign_conditions", "state_condition"]

"""``SessionData``: the narrow, typed port of the session aggregate (sessions, their profiles, the
coupons, referrals and budget counters an evaluation consumes, and what a close commits).

Each method is one call from the evaluation pipeline and as few statements as the database allows
(one round trip where PostgreSQL can chain them). Limits are consumed with atomic conditional updates,
never read-check-write; ``lock`` reads take row locks on PostgreSQL for a closing session.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from openpromo.services.data.catalogs import CatalogEntry
from openpromo.services.data.records import (
    Codes,
    Commit,
    Consumables,
    Consumed,
    Document,
    EventWrite,
    Opened,
    ProfileTotals,
    Release,
    SessionWrite,
    StoredProfile,
    StoredSession,
)


class SessionData(Protocol):
    def config_version(self) -> int:
        """The configuration's version (``config_state``): it changes with every configuration write."""

    def open(
        self,
        application_id: int,
        integration_id: str,
        account_id: int,
        profile: str | None,
        codes: Codes,
        *,
        lock: bool = False,
    ) -> Opened:
        """What a session update reads first: the stored session (without ``effects`` and ``committed``),
        the profile (``profile``; None: the session's; ``""``: none), whether that profile has sessions
        in the application, its audiences, and the coupons (reserved by that profile or not) and the
        referral of ``codes``; ``lock``: the coupons under row locks (PostgreSQL), for a close."""

    def profile(
        self, account_id: int, integration_id: str, application_id: int
    ) -> tuple[StoredProfile | None, bool, frozenset[int]]:
        """A profile, whether it has sessions in the application, and its audiences."""

    def session(self, application_id: int, integration_id: str) -> StoredSession | None:
        """A session, whole (``effects`` and ``committed`` included)."""

    def history(self, session_id: int) -> tuple[list[Document], Document | None]:
        """A session's stored ``effects`` and ``committed`` record (what a rollback gives back)."""

    def giveaways(self, session_id: int) -> list[Document]:
        """The giveaway codes awarded in the session (columns of ``giveaway_codes``)."""

    def returns(self, session_id: int) -> list[Document]:
        """The session's earlier returns (columns of ``returns``), oldest first."""

    def consumables(self, application_id: int, wanted: Consumables, now: datetime, *, lock: bool) -> Consumed:
        """Budget counters (missing ones are zero; with ``lock`` they are created at zero first so that
        they can be locked), achievement progress, and coupons and the referral by id again."""

    def catalog_entries(self, catalog_ids: Sequence[int], skus: Sequence[str]) -> dict[str, CatalogEntry]:
        """SKU → its item in the first of these catalogs that has it."""

    def create_profile(
        self, account_id: int, integration_id: str, now: datetime, attributes: Document | None = None
    ) -> StoredProfile: ...

    def save_profiles(
        self, account_id: int, profiles: Sequence[tuple[str, Document]], now: datetime
    ) -> list[StoredProfile]:
        """Create or update many profiles with these attributes (merged by the caller) in one statement;
        their last activity is now. The profiles in the order given."""

    def create_session(self, session: SessionWrite) -> int:
        """Insert a session (a close that needs its id before its last write); its id."""

    def set_profile_attributes(
        self, profile_id: int, attributes: Document, now: datetime, *, active: bool = False
    ) -> None:
        """Replace a profile's attributes; ``active``: its last activity is now too."""

    def finish(
        self, session: SessionWrite | None, totals: ProfileTotals | None, event: EventWrite, now: datetime
    ) -> tuple[int | None, int]:
        """A request's last writes, in one round trip where the database allows: the session (inserted
        when its id is None), the profile's totals and activity, and the event. The session's and the
        event's ids."""

    def commit(self, commit: Commit, now: datetime) -> bool:
        """Consume the counters and redeem the coupons and referrals, each within its limit; record the
        referrals' friends, the profile's coupon redemptions, the analytics and the effects in force.
        False (and the caller rolls back): a limit was used up by a parallel request."""

    def release(self, release: Release, now: datetime) -> None:
        """Give back what a close consumed (a rollback or a return)."""


__all__ = ["SessionData"]

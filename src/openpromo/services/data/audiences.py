"""``AudienceData``: the narrow, typed port of an account's audiences and their memberships, reached as
``uow.audiences`` (docs/customers.md, "Audiences").

An audience is configuration (a write to ``audiences`` bumps the snapshot version); its memberships are
not. Every write of many memberships or profiles is a handful of statements whatever their number, never
one per item.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from openpromo.services.data.records import StoredProfile


@dataclass(frozen=True, slots=True)
class StoredAudience:
    id: int
    account_id: int
    created: datetime
    name: str
    description: str | None
    integration: str | None
    integration_id: str | None
    sandbox: bool


@dataclass(frozen=True, slots=True)
class NewAudienceRow:
    name: str
    description: str | None
    integration: str | None
    integration_id: str | None
    sandbox: bool


Membership = tuple[int, str]
"""An audience id and a profile's integration id."""


class AudienceData(Protocol):
    def get(self, account_id: int, audience_id: int) -> StoredAudience | None:
        """The audience, unless it does not exist or was deleted."""

    def existing(self, account_id: int, audience_ids: Sequence[int]) -> frozenset[int]:
        """Those of ``audience_ids`` that exist (not deleted)."""

    def find_integration(
        self, account_id: int, integration: str | None, integration_id: str
    ) -> StoredAudience | None:
        """The live audience with this third-party integration and id (``integration`` None: none)."""

    def create(self, account_id: int, audience: NewAudienceRow, now: datetime) -> StoredAudience: ...

    def rename(self, audience: StoredAudience, name: str) -> StoredAudience: ...

    def delete(self, account_id: int, audience_id: int) -> None:
        """Mark the audience deleted and remove its memberships."""

    def clear(self, account_id: int, audience_id: int) -> None:
        """Remove every membership of the audience."""

    def change(
        self, account_id: int, adds: Sequence[Membership], deletes: Sequence[Membership], now: datetime
    ) -> None:
        """Remove the ``deletes`` and add the ``adds`` (an existing membership stays as it is): one
        statement each way per thousand."""

    def ensure_profiles(self, account_id: int, integration_ids: Sequence[str], now: datetime) -> None:
        """Create the profiles that do not exist yet, without attributes or activity (a profile made
        this way is no application's customer until a session or profile update names it); one
        statement per thousand."""

    def set_members_attributes(
        self, account_id: int, audience_id: int, attributes: Mapping[str, Any], now: datetime
    ) -> int:
        """Set these attributes (key by key, the others stay) on every member's profile in one
        statement; the number of profiles changed."""

    def memberships_of(
        self, account_id: int, integration_ids: Sequence[str]
    ) -> dict[str, list[tuple[int, str]]]:
        """The audiences (live ones: id and name, by id) of each of these profiles; one statement."""

    def member_counts(self, account_id: int, audience_ids: Sequence[int]) -> dict[int, int]:
        """The number of members of each of these audiences that exists (not deleted); one statement."""

    def member_page(
        self, account_id: int, audience_id: int, *, skip: int, limit: int, order: str, part: str | None
    ) -> tuple[list[StoredProfile], bool]:
        """A page of the members' profiles and whether more follow, read from the audience's memberships
        (never the account's other profiles): ``order`` is a ``customer_profiles`` column (``-`` first:
        descending, then by id); ``part``: a part of the integration id, case-insensitive."""

    def members(self, account_id: int, audience_id: int) -> list[str]:
        """The integration ids of the audience's members, in order."""


__all__ = ["AudienceData", "Membership", "NewAudienceRow", "StoredAudience"]

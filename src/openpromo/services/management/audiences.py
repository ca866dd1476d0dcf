"""The Management API's audiences: the account's audiences (``getAudiences``), their member counts
(``getAudiencesAnalytics``), an audience's members (``getAudienceMemberships``), their CSV export
(``exportAudiencesMemberships``) and import (``importAudiencesMemberships``, which replaces them).
Audiences themselves are written through the Integration API (``services.integration.audiences``).

Our choices where the spec is silent:
- ``profileQuery`` of the members list is a part of the member's integration id (case-insensitive);
- an import's file has the one column ``profileintegrationid`` (a value of at most 1000 characters on
  every line; a value twice counts once); profiles it names that do not exist are created, as
  ``updateCustomerProfileAudiences`` creates them; its ``Import`` counts the members it leaves;
- members are listed by profile id unless ``sort`` says otherwise (``id``, ``created``,
  ``integrationId``, ``lastActivity``).
"""

from __future__ import annotations

from collections.abc import Sequence

from openpromo.services.auth import ManagementPrincipal
from openpromo.services.data.audiences import StoredAudience
from openpromo.services.errors import ErrorDetail, InvalidInput, NotFound, raise_problems
from openpromo.services.evaluation.documents import profile_record
from openpromo.services.management.uploads import csv_rows, record_import
from openpromo.services.models.audiences import Audience, AudienceAnalytics
from openpromo.services.models.base import Page
from openpromo.services.models.convert import from_row
from openpromo.services.models.coupons import Import
from openpromo.services.paging import PageRequest, list_page
from openpromo.services.ports import Clock, Row, UnitOfWork, UnitOfWorkFactory

_AUDIENCE_SORT = {"id": "id", "created": "created", "name": "name"}
_ANALYTICS_SORT = {
    "audienceId": "audience_id",
    "id": "audience_id",
    "created": "audience_id",  # audiences' ids grow with their creation
    "membersCount": "members_count",
}
_MEMBER_SORT = {
    "id": "id",
    "created": "created",
    "integrationId": "integration_id",
    "lastActivity": "last_activity",
}


def _audience(row: Row) -> Audience:
    return from_row(Audience, row)


def _require(uow: UnitOfWork, account_id: int, audience_id: int) -> StoredAudience:
    found = uow.audiences.get(account_id, audience_id)
    if found is None:
        raise NotFound("audience", audience_id)
    return found


class AudienceManagementService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def list(self, principal: ManagementPrincipal, page: PageRequest, *, with_total: bool = False) -> Page:
        with self._uow(write=False) as uow:
            return list_page(
                uow.records,
                "audiences",
                {"account_id": principal.account_id, "deleted": False},
                page,
                _audience,
                sortable=_AUDIENCE_SORT,
                also_total=with_total,
            )

    def members(
        self, principal: ManagementPrincipal, audience_id: int, page: PageRequest, profile_query: str | None
    ) -> Page:
        """A page of the audience's members (read from its memberships in one query, their audiences in
        one more)."""
        account = principal.account_id
        order = page.order(_MEMBER_SORT)
        with self._uow(write=False) as uow:
            _require(uow, account, audience_id)
            profiles, more = uow.audiences.member_page(
                account, audience_id, skip=page.skip, limit=page.page_size, order=order, part=profile_query
            )
            audiences = uow.audiences.memberships_of(account, [p.integration_id for p in profiles])
        data = [profile_record(p, audiences.get(p.integration_id, [])) for p in profiles]
        return Page(has_more=more, data=data)

    def analytics(
        self, principal: ManagementPrincipal, audience_ids: Sequence[int], sort: str | None
    ) -> Page:
        """The member count of each of these audiences that exists (the others are left out), by
        audience id (``sort``: ``audienceId``, ``id`` or ``created``) or by ``membersCount``, ``-`` first
        for descending."""
        with self._uow(write=False) as uow:
            counts = uow.audiences.member_counts(principal.account_id, audience_ids)
        order = PageRequest(sort=sort).order(_ANALYTICS_SORT, "audience_id")
        key = order.lstrip("-")
        data = sorted(
            (AudienceAnalytics(audience_id=a, members_count=n) for a, n in counts.items()),
            key=lambda item: (getattr(item, key), item.audience_id),
            reverse=order.startswith("-"),
        )
        return Page(has_more=False, data=[*data])

    def import_members(self, principal: ManagementPrincipal, audience_id: int, content: bytes) -> Import:
        """Replace the audience's members with the file's profiles, in one transaction."""
        now = self._clock.now()
        profiles = _member_csv(content)
        with self._uow() as uow:
            _require(uow, principal.account_id, audience_id)
            uow.audiences.clear(principal.account_id, audience_id)
            uow.audiences.ensure_profiles(principal.account_id, profiles, now)
            uow.audiences.change(principal.account_id, [(audience_id, p) for p in profiles], [], now)
            record = record_import(uow, principal, "AudienceMembership", len(profiles), now)
            uow.commit()
        return record

    def export(self, principal: ManagementPrincipal, audience_id: int) -> str:
        """The members' integration ids as CSV, one column ``profileintegrationid``."""
        with self._uow(write=False) as uow:
            _require(uow, principal.account_id, audience_id)
            members = uow.audiences.members(principal.account_id, audience_id)
        lines = [_COLUMN, *(_csv_cell(m) for m in members)]
        return "\n".join(lines) + "\n"


def _member_csv(content: bytes) -> list[str]:
    """The distinct integration ids of a members file, in the file's order; 400 naming each bad line."""
    header, lines = csv_rows(content)
    if header != [_COLUMN]:
        raise InvalidInput(f"the CSV has one column, {_COLUMN}", pointer="/upFile")
    seen: dict[str, None] = {}
    problems: list[ErrorDetail] = []
    for line, cells in lines:
        value = cells.get(_COLUMN, "")
        if not value or len(value) > 1000:
            detail = f"line {line}: an integration id of 1 to 1000 characters"
            problems.append(ErrorDetail("Invalid value", detail, f"/upFile/{line}/{_COLUMN}"))
        else:
            seen[value] = None
    raise_problems(problems)
    return list(seen)


_COLUMN = "profileintegrationid"


def _csv_cell(value: str) -> str:
    if any(c in value for c in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


__all__ = ["AudienceManagementService"]

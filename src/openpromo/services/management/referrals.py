"""Use cases of a campaign's referrals: rules create them (``createReferral``, at close); the Management
API lists, updates and deletes them."""

from __future__ import annotations

from typing import Any

from openpromo.services.access import require_campaign
from openpromo.services.auth import ManagementPrincipal
from openpromo.services.errors import NotFound
from openpromo.services.management.filters import fold, sort_rows, usable, validity, window, within
from openpromo.services.models.base import Page
from openpromo.services.models.convert import from_row, given_fields
from openpromo.services.models.coupons import Referral, UpdateReferral
from openpromo.services.paging import PageRequest, list_page
from openpromo.services.ports import Clock, Row, UnitOfWorkFactory

_SORTABLE = {"id": "id", "created": "created", "code": "code", "expiryDate": "expiry_date"}


def referral_record(row: Row) -> Referral:
    return from_row(Referral, row)


def referral_matches(row: Row, filters: dict[str, Any], now: Any) -> bool:
    code = filters.get("code")
    if code is not None and fold(code) not in fold(row["code"]):
        return False
    if not within(row["created"], filters.get("created_before"), filters.get("created_after")):
        return False
    valid = filters.get("valid")
    if valid is not None and not validity(row["start_date"], row["expiry_date"], valid, now):
        return False
    wanted = filters.get("usable")
    return wanted is None or (wanted == "true") == usable(row["usage_counter"], row["usage_limit"])


class ReferralService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def list(
        self,
        principal: ManagementPrincipal,
        app_id: int,
        campaign_id: int,
        page: PageRequest,
        filters: dict[str, Any],
    ) -> Page:
        """``filters``: ``advocate`` (exact), ``code`` (folded part), ``valid``, ``usable``, a window."""
        where: dict[str, Any] = {"campaign_id": campaign_id}
        if filters.get("advocate"):
            where["advocate_profile_integration_id"] = filters["advocate"]
        scanned = {k: v for k, v in filters.items() if k != "advocate" and v is not None}
        order = page.order(_SORTABLE)
        with self._uow(write=False) as uow:
            require_campaign(uow.records, principal, app_id, campaign_id)
            if not scanned:
                return list_page(uow.records, "referrals", where, page, referral_record, sortable=_SORTABLE)
            rows = uow.records.find("referrals", where).rows
        now = self._clock.now()
        kept = [row for row in sort_rows(rows, order) if referral_matches(row, scanned, now)]
        return window(kept, page, referral_record)

    def update(
        self,
        principal: ManagementPrincipal,
        app_id: int,
        campaign_id: int,
        referral_id: int,
        data: UpdateReferral,
    ) -> Referral:
        with self._uow() as uow:
            require_campaign(uow.records, principal, app_id, campaign_id)
            if uow.records.get("referrals", referral_id, campaign_id=campaign_id) is None:
                raise NotFound("referral", referral_id)
            if fields := given_fields(data):
                uow.records.update("referrals", referral_id, fields)
            row = uow.records.get("referrals", referral_id)
            uow.commit()
        assert row is not None
        return referral_record(row)

    def delete(self, principal: ManagementPrincipal, app_id: int, campaign_id: int, referral_id: int) -> None:
        with self._uow() as uow:
            require_campaign(uow.records, principal, app_id, campaign_id)
            if not uow.records.delete("referrals", referral_id, campaign_id=campaign_id):
                raise NotFound("referral", referral_id)
            uow.commit()


__all__ = ["ReferralService", "referral_record"]

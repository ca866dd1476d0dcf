"""Use cases of a campaign's referrals: rules create them (``createReferral``, at close); the Management
API lists, updates and deletes them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from openpromo.services.access import require_campaign
from openpromo.services.auth import ManagementPrincipal
from openpromo.services.errors import NotFound
from openpromo.services.models.base import Page
from openpromo.services.models.convert import from_row, given_fields
from openpromo.services.models.coupons import Referral, UpdateReferral
from openpromo.services.paging import PageRequest, list_page
from openpromo.services.ports import Clock, Condition, Folded, Row, UnitOfWorkFactory, Usable, Valid, Within

_SORTABLE = {"id": "id", "created": "created", "code": "code", "expiryDate": "expiry_date"}


def referral_record(row: Row) -> Referral:
    return from_row(Referral, row)


def referral_conditions(filters: dict[str, Any], now: datetime) -> list[Condition]:
    """``code`` (a folded part), ``valid``, ``usable`` and the creation window, as list conditions."""
    conditions: list[Condition] = []
    if filters.get("code") is not None:
        conditions.append(Folded("code", filters["code"]))
    before, after = filters.get("created_before"), filters.get("created_after")
    if before is not None or after is not None:
        conditions.append(Within("created", before, after))
    if filters.get("valid") is not None:
        conditions.append(Valid("start_date", "expiry_date", filters["valid"], now))
    if filters.get("usable") is not None:
        conditions.append(Usable("usage_counter", "usage_limit", filters["usable"] == "true"))
    return conditions


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
        # the distribution key first (docs/scaling.md), then the campaign
        where: dict[str, Any] = {"application_id": app_id, "campaign_id": campaign_id}
        if filters.get("advocate"):
            where["advocate_profile_integration_id"] = filters["advocate"]
        conditions = referral_conditions(filters, self._clock.now())
        with self._uow(write=False) as uow:
            require_campaign(uow.records, principal, app_id, campaign_id)
            return list_page(
                uow.records,
                "referrals",
                where,
                page,
                referral_record,
                conditions=conditions,
                sortable=_SORTABLE,
            )

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

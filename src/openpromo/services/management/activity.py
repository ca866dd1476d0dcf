"""Read-side use cases: an application's sessions, customers and events.

An application's customers are the profiles that have sessions in it (profiles are account-level).
Sessions and events are listed newest first. Every list is filtered, sorted and paged by the database
(``Records.query``).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from openpromo.services.access import require_application
from openpromo.services.auth import ManagementPrincipal
from openpromo.services.errors import NotFound
from openpromo.services.evaluation.documents import session_record, wire_effects
from openpromo.services.models.activity import ApplicationCustomer, ApplicationEvent, ApplicationSession
from openpromo.services.models.base import Page, replace
from openpromo.services.models.convert import from_row
from openpromo.services.paging import PageRequest, list_page
from openpromo.services.ports import (
    Condition,
    Contains,
    Eq,
    HasElement,
    Not,
    Records,
    Related,
    Row,
    UnitOfWorkFactory,
    Within,
)

_DISCOUNTS = {
    "setDiscount",
    "setDiscountPerItem",
    "setDiscountPerAdditionalCost",
    "setDiscountPerAdditionalCostPerItem",
}
_SESSION_SORT = {"id": "id", "created": "created", "updated": "updated", "total": "total"}
_EVENT_SORT = {"id": "id", "created": "created", "type": "type"}
# session filters: query name -> column; matched exactly, or as a part with partialMatch
_SESSION_TEXT = {
    "profile": "profile_integration_id",
    "integration_id": "integration_id",
    "store_integration_id": "store_integration_id",
    "referral": "referral_code",
}
_PARTIAL_MIN = 3
_COUPON_EFFECTS = ("acceptCoupon", "rejectCoupon", "couponCreated", "reserveCoupon", "rollbackCoupon")
_REFERRAL_EFFECTS = ("acceptReferral", "rejectReferral", "referralCreated", "rollbackReferral")


def application_session(row: Row) -> ApplicationSession:
    discounts: dict[str, Decimal] = {}
    for effect in row["effects"]:
        if effect["effectType"] in _DISCOUNTS:
            name = effect["props"]["name"]
            discounts[name] = discounts.get(name, Decimal(0)) + Decimal(str(effect["props"]["value"]))
    session = session_record(row)
    return ApplicationSession(
        id=row["id"],
        created=row["created"],
        integration_id=row["integration_id"],
        store_integration_id=row["store_integration_id"],
        application_id=row["application_id"],
        profile_id=row["profile_id"],
        profileintegrationid=row["profile_integration_id"] or None,
        coupon=(row["coupon_codes"] or [""])[0],
        referral=row["referral_code"] or "",
        state=row["state"],
        cart_items=session.cart_items,
        discounts=discounts,
        total_discounts=sum(discounts.values(), Decimal(0)),
        total=row["total"],
        attributes=row["attributes"],
    )


def application_customer(row: Row) -> ApplicationCustomer:
    return from_row(ApplicationCustomer, row, last_activity=row["last_activity"] or row["created"])


def application_event(row: Row, session_ids: dict[str, int] | None = None) -> ApplicationEvent:
    """``session_ids``: session ids by integration id (``sessionId`` of the event)."""
    return ApplicationEvent(
        id=row["id"],
        created=row["created"],
        application_id=row["application_id"],
        profile_id=row["profile_id"],
        store_integration_id=row["store_integration_id"],
        session_id=(session_ids or {}).get(row["session_integration_id"] or ""),
        type=row["type"],
        attributes=row["attributes"],
        effects=wire_effects(row["effects"]),
    )


def _with_sessions(records: Records, app_id: int, page: Page) -> Page:
    """The page's events with their ``sessionId``s (events keep the session's integration id)."""
    rows: list[Row] = page.data
    ids = sorted({r["session_integration_id"] for r in rows if r["session_integration_id"]})
    found = (
        records.find("customer_sessions", {"application_id": app_id, "integration_id": ids}).rows
        if ids
        else []
    )
    session_ids = {s["integration_id"]: s["id"] for s in found}
    return replace(page, data=[application_event(r, session_ids) for r in rows])


def _text(field: str, wanted: str, partial: bool) -> Condition:
    if partial and len(wanted) >= _PARTIAL_MIN:  # shorter terms fall back to exact matching (the spec)
        return Contains(field, wanted)
    return Eq(field, wanted)


def session_conditions(filters: dict[str, Any]) -> list[Condition]:
    """The session list's filters (``partial_match``: text filters match a part, case-insensitively)."""
    if not any(v for k, v in filters.items() if k != "partial_match"):
        return []
    partial = bool(filters.get("partial_match"))
    conditions: list[Condition] = []
    for key, column in _SESSION_TEXT.items():
        wanted = filters.get(key)
        if wanted is not None:
            conditions.append(_text(column, wanted, partial))
    coupon = filters.get("coupon")
    if coupon is not None:
        conditions.append(HasElement("coupon_codes", (_text("", coupon, partial),)))
    if filters.get("state") is not None:
        conditions.append(Eq("state", filters["state"]))
    before, after = filters.get("created_before"), filters.get("created_after")
    if before is not None or after is not None:
        conditions.append(Within("created", before, after))
    return conditions


def event_conditions(filters: dict[str, Any], app_id: int, account_id: int) -> list[Condition]:
    """The event list's filters; the effect filters each look for one effect of the event, the customer
    filters at the event's profile (its ``Name`` and ``Email`` attributes)."""
    conditions: list[Condition] = []
    if filters.get("types") is not None:
        conditions.append(Eq("type", list(filters["types"])))
    for key, column in (("session", "session_integration_id"), ("profile", "profile_integration_id")):
        if filters.get(key) is not None:
            conditions.append(Eq(column, filters[key]))
    before, after = filters.get("created_before"), filters.get("created_after")
    if before is not None or after is not None:
        conditions.append(Within("created", before, after))

    def named(v: str) -> tuple[Condition, ...]:
        campaign = (Eq("application_id", app_id), Contains("name", v))
        return (Related("campaigns", "id", "campaignId", campaign),)

    effects: dict[str, Callable[[str], tuple[Condition, ...]]] = {
        "coupon_code": lambda v: (Eq("effectType", _COUPON_EFFECTS), Eq("props.value", v)),
        "referral_code": lambda v: (Eq("effectType", _REFERRAL_EFFECTS), Eq("props.value", v)),
        "effect_type": lambda v: (Eq("effectType", v),),
        "rule_query": lambda v: (Contains("ruleName", v),),
        "campaign_query": named,
    }
    for key, where in effects.items():
        if filters.get(key) is not None:
            conditions.append(HasElement("effects", where(filters[key])))
    for key, attribute in (("customer_name", "Name"), ("customer_email", "Email")):
        wanted = filters.get(key)
        if wanted is not None:
            profile = (Eq("account_id", account_id), Contains(f"attributes.{attribute}", wanted))
            conditions.append(
                Related("customer_profiles", "integration_id", "profile_integration_id", profile)
            )
    return conditions


class ActivityService:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    def sessions(
        self, principal: ManagementPrincipal, app_id: int, page: PageRequest, filters: dict[str, Any]
    ) -> Page:
        with self._uow(write=False) as uow:
            require_application(uow.records, principal.account_id, app_id)
            return list_page(
                uow.records,
                "customer_sessions",
                {"application_id": app_id},
                page,
                application_session,
                conditions=session_conditions(filters),
                sortable=_SESSION_SORT,
                default_order="-id",
            )

    def session(self, principal: ManagementPrincipal, app_id: int, session_id: int) -> ApplicationSession:
        with self._uow(write=False) as uow:
            require_application(uow.records, principal.account_id, app_id)
            row = uow.records.get("customer_sessions", session_id, application_id=app_id)
        if row is None:
            raise NotFound("session", session_id)
        return application_session(row)

    def customers(
        self,
        principal: ManagementPrincipal,
        app_id: int,
        page: PageRequest,
        integration_id: str | None,
        *,
        with_total: bool = False,
    ) -> Page:
        # the application's customers: the account's profiles with sessions in it
        sessions = (Eq("application_id", app_id),)
        conditions: list[Condition] = [
            Related("customer_sessions", "profile_integration_id", "integration_id", sessions),
            Not(Eq("integration_id", "")),
        ]
        if integration_id is not None:
            conditions.append(Eq("integration_id", integration_id))
        with self._uow(write=False) as uow:
            require_application(uow.records, principal.account_id, app_id)
            return list_page(
                uow.records,
                "customer_profiles",
                {"account_id": principal.account_id},
                page,
                application_customer,
                conditions=conditions,
                default_order="-id",
                also_total=with_total,
            )

    def customer(self, principal: ManagementPrincipal, app_id: int, customer_id: int) -> ApplicationCustomer:
        with self._uow(write=False) as uow:
            require_application(uow.records, principal.account_id, app_id)
            row = uow.records.get("customer_profiles", customer_id, account_id=principal.account_id)
            if row is not None and not uow.records.count(
                "customer_sessions", application_id=app_id, profile_integration_id=row["integration_id"]
            ):
                row = None
        if row is None:
            raise NotFound("customer", customer_id)
        return application_customer(row)

    def events(
        self, principal: ManagementPrincipal, app_id: int, page: PageRequest, filters: dict[str, Any]
    ) -> Page:
        with self._uow(write=False) as uow:
            require_application(uow.records, principal.account_id, app_id)
            rows_page = list_page(
                uow.records,
                "events",
                {"application_id": app_id},
                page,
                lambda r: r,
                conditions=event_conditions(filters, app_id, principal.account_id),
                sortable=_EVENT_SORT,
                default_order="-id",
            )
            return _with_sessions(uow.records, app_id, rows_page)


__all__ = ["ActivityService", "application_customer", "application_event", "application_session"]

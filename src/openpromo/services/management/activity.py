"""Read-side use cases: an application's sessions, customers and events.

An application's customers are the profiles that have sessions in it (profiles are account-level).
Sessions and events are listed newest first. Filters beyond column equality are applied to the
application's rows in memory (``openpromo.services.management.filters``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from openpromo.services.access import require_application
from openpromo.services.auth import ManagementPrincipal
from openpromo.services.errors import NotFound
from openpromo.services.evaluation.documents import session_record, wire_effects
from openpromo.services.management.filters import contains, sort_rows, window, within
from openpromo.services.models.activity import ApplicationCustomer, ApplicationEvent, ApplicationSession
from openpromo.services.models.base import Page, replace
from openpromo.services.models.convert import from_row
from openpromo.services.paging import PageRequest, list_page
from openpromo.services.ports import Records, Row, UnitOfWorkFactory

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


def _text_matches(value: str | None, wanted: str, partial: bool) -> bool:
    if partial and len(wanted) >= _PARTIAL_MIN:  # shorter terms fall back to exact matching (the spec)
        return contains(value, wanted)
    return value == wanted


def session_matches(row: Row, filters: dict[str, Any]) -> bool:
    partial = bool(filters.get("partial_match"))
    for key, column in _SESSION_TEXT.items():
        wanted = filters.get(key)
        if wanted is not None and not _text_matches(row[column], wanted, partial):
            return False
    coupon = filters.get("coupon")
    if coupon is not None and not any(_text_matches(c, coupon, partial) for c in row["coupon_codes"] or ()):
        return False
    if filters.get("state") is not None and row["state"] != filters["state"]:
        return False
    return within(row["created"], filters.get("created_before"), filters.get("created_after"))


def event_matches(row: Row, filters: dict[str, Any], names: dict[str, dict[Any, str]]) -> bool:
    """``names``: campaign names by id, and profile names and emails by integration id."""
    types = filters.get("types")
    if types is not None and row["type"] not in types:
        return False
    for key, column in (("session", "session_integration_id"), ("profile", "profile_integration_id")):
        if filters.get(key) is not None and row[column] != filters[key]:
            return False
    if not within(row["created"], filters.get("created_before"), filters.get("created_after")):
        return False
    effects = row["effects"] or []
    checks = (
        ("coupon_code", lambda e, v: e["effectType"] in _COUPON_EFFECTS and e["props"].get("value") == v),
        ("referral_code", lambda e, v: e["effectType"] in _REFERRAL_EFFECTS and e["props"].get("value") == v),
        ("effect_type", lambda e, v: e["effectType"] == v),
        ("rule_query", lambda e, v: contains(e.get("ruleName"), v)),
        ("campaign_query", lambda e, v: contains(names["campaigns"].get(e.get("campaignId")), v)),
    )
    for key, test in checks:
        wanted = filters.get(key)
        if wanted is not None and not any(test(e, wanted) for e in effects):
            return False
    for key in ("customer_name", "customer_email"):
        wanted = filters.get(key)
        if wanted is not None and not contains(names[key].get(row["profile_integration_id"]), wanted):
            return False
    return True


def _event_names(
    records: Records, app_id: int, account_id: int, rows: list[Row]
) -> dict[str, dict[Any, str]]:
    campaigns = {c["id"]: c["name"] for c in records.find("campaigns", {"application_id": app_id}).rows}
    ids = sorted({r["profile_integration_id"] for r in rows if r["profile_integration_id"]})
    profiles = (
        records.find("customer_profiles", {"account_id": account_id, "integration_id": ids}).rows
        if ids
        else []
    )
    return {
        "campaigns": campaigns,
        "customer_name": {p["integration_id"]: str(p["attributes"].get("Name", "")) for p in profiles},
        "customer_email": {p["integration_id"]: str(p["attributes"].get("Email", "")) for p in profiles},
    }


class ActivityService:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    def sessions(
        self, principal: ManagementPrincipal, app_id: int, page: PageRequest, filters: dict[str, Any]
    ) -> Page:
        order = page.order(_SESSION_SORT, "-id")
        with self._uow(write=False) as uow:
            require_application(uow.records, principal.account_id, app_id)
            where = {"application_id": app_id}
            if not any(v for k, v in filters.items() if k != "partial_match"):
                return list_page(
                    uow.records,
                    "customer_sessions",
                    where,
                    page,
                    application_session,
                    sortable=_SESSION_SORT,
                    default_order="-id",
                )
            rows = uow.records.find("customer_sessions", where).rows
        kept = [r for r in sort_rows(rows, order) if session_matches(r, filters)]
        return window(kept, page, application_session)

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
        with self._uow(write=False) as uow:
            require_application(uow.records, principal.account_id, app_id)
            if integration_id is not None or with_total:
                rows = uow.sessions.application_profiles(app_id, principal.account_id, 0, 2**31)
                kept = [r for r in rows if integration_id is None or r["integration_id"] == integration_id]
                return window(kept, page, application_customer, also_total=with_total)
            rows = uow.sessions.application_profiles(
                app_id, principal.account_id, page.skip, page.page_size + 1
            )
        return Page(
            has_more=len(rows) > page.page_size,
            data=[application_customer(r) for r in rows[: page.page_size]],
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
        order = page.order(_EVENT_SORT, "-id")
        with self._uow(write=False) as uow:
            require_application(uow.records, principal.account_id, app_id)
            where = {"application_id": app_id}
            if not any(v is not None for v in filters.values()):
                rows_page = list_page(
                    uow.records, "events", where, page, lambda r: r, sortable=_EVENT_SORT, default_order="-id"
                )
            else:
                rows = uow.records.find("events", where).rows
                names = _event_names(uow.records, app_id, principal.account_id, rows)
                kept = [r for r in sort_rows(rows, order) if event_matches(r, filters, names)]
                rows_page = window(kept, page, lambda r: r)
            return _with_sessions(uow.records, app_id, rows_page)


__all__ = ["ActivityService", "application_customer", "application_event", "application_session"]

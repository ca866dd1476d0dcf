"""Rows to the session aggregate's records and back (``services.data.records``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from decimal import Decimal
from typing import Any

from openpromo.services.data.records import (
    EventWrite,
    Progress,
    SessionWrite,
    StoredCoupon,
    StoredProfile,
    StoredReferral,
    StoredSession,
)

_COUPON = tuple(f.name for f in fields(StoredCoupon) if f.name not in ("reserved", "profile_redemptions"))
_REFERRAL = tuple(f.name for f in fields(StoredReferral) if f.name != "friends")
_EVENT = tuple(f.name for f in fields(EventWrite))


_SESSION = tuple(f.name for f in fields(StoredSession))
_PROFILE = tuple(f.name for f in fields(StoredProfile))


def stored_session(row: Mapping[str, Any]) -> StoredSession:
    """A session from its row (without ``effects`` and ``committed`` where they were not read)."""
    return StoredSession(**{name: row[name] for name in _SESSION if name in row})


def stored_profile(row: Mapping[str, Any]) -> StoredProfile:
    return StoredProfile(**{name: row[name] for name in _PROFILE if name in row})


def stored_coupon(row: Mapping[str, Any], *, reserved: bool = False, redemptions: int = 0) -> StoredCoupon:
    values = {name: row[name] for name in _COUPON}
    values["attributes"] = values["attributes"] or {}
    values["limits"] = values["limits"] or []
    values["is_reservation_mandatory"] = bool(values["is_reservation_mandatory"])
    values["implicitly_reserved"] = bool(values["implicitly_reserved"])
    return StoredCoupon(**values, reserved=reserved, profile_redemptions=redemptions)


def stored_referral(row: Mapping[str, Any], friends: tuple[str, ...] = ()) -> StoredReferral:
    values = {name: row[name] for name in _REFERRAL}
    values["attributes"] = values["attributes"] or {}
    return StoredReferral(**values, friends=friends)


def progress(row: Mapping[str, Any]) -> Progress:
    return Progress(
        row["id"],
        row["achievement_id"],
        Decimal(row["progress"]),
        row["status"],
        row["end_date"],
        row["period_key"],
        row["start_date"],
        row["completion_date"],
    )


def session_columns(write: SessionWrite) -> dict[str, Any]:
    """The columns a session write sets (an insert sets those only an insert sets too)."""
    f = write.fields
    columns: dict[str, Any] = {
        "profile_integration_id": f.profile_integration_id,
        "store_integration_id": f.store_integration_id,
        "coupon_codes": f.coupon_codes,
        "referral_code": f.referral_code,
        "loyalty_cards": f.loyalty_cards,
        "identifiers": f.identifiers,
        "attributes": f.attributes,
        "cart_items": f.cart_items,
        "additional_costs": f.additional_costs,
        "state": write.state,
        "total": write.total,
        "cart_item_total": write.cart_item_total,
        "additional_cost_total": write.additional_cost_total,
        "effects": write.effects,
        "updated": write.updated,
        "update_count": write.update_count,
        "closed_at": write.closed_at,
    }
    if write.write_committed:
        columns["committed"] = write.committed
    if write.id is None:
        columns.update(
            application_id=write.application_id,
            integration_id=write.integration_id,
            created=write.created,
            first_session=write.first_session,
        )
    return columns


def event_columns(event: EventWrite) -> dict[str, Any]:
    return {name: getattr(event, name) for name in _EVENT}


__all__ = [
    "event_columns",
    "progress",
    "session_columns",
    "stored_coupon",
    "stored_profile",
    "stored_referral",
    "stored_session",
]

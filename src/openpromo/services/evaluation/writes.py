"""Writes a closing session commits beyond budgets and redemptions (DOMAIN A1): coupons and referrals
its rules create, coupon reservations, attribute updates and audience changes.

Each returns the effects to add to the answer (``couponCreated``, ``referralCreated``,
``reserveCoupon``) and fills ``createdCoupons``/``createdReferrals``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

from openpromo import rules
from openpromo.engine.effects import Origin
from openpromo.rules.durations import parse_duration, shift
from openpromo.services.codes import DEFAULT_CHARACTERS, DEFAULT_PATTERN, normalise_code, unique_codes
from openpromo.services.evaluation.case import Owner
from openpromo.services.ports import Row, UnitOfWork


def _envelope(origin: Origin, kind: str, props: dict[str, Any]) -> dict[str, Any]:
    document: dict[str, Any] = {
        "campaignId": origin.campaign_id,
        "rulesetId": origin.ruleset_id,
        "ruleIndex": origin.rule_index,
        "ruleName": origin.rule_name,
        "effectType": kind,
        "props": props,
    }
    if origin.coupon_id is not None:
        document["triggeredByCoupon"] = origin.coupon_id
    if origin.group_id is not None:
        document["evaluationGroupID"] = origin.group_id
        document["evaluationGroupMode"] = origin.group_mode
    return document


class CloseWrites:
    """The writes of the effects a commit defers: created coupons and referrals, reservations."""

    def __init__(
        self, uow: UnitOfWork, app: Row, owner: Owner, referral_advocate: str | None, now: datetime
    ) -> None:
        self.uow = uow
        self.app = app
        self.session_id = owner.session_id
        self.advocate = referral_advocate
        self.now = now
        self.profile = owner.profile
        self.created_coupons: list[Row] = []
        self.created_referrals: list[Row] = []

    def apply(self, deferred: list[tuple[Origin, rules.EffectRequest]]) -> list[dict[str, Any]]:
        handlers: dict[type, Callable[[Origin, Any], dict[str, Any] | None]] = {
            rules.CreateCoupon: self._coupon,
            rules.CreateReferral: self._referral,
            rules.ReserveCoupon: self._reserve,
        }
        effects = []
        for origin, request in deferred:
            effect = handlers[type(request)](origin, request)
            if effect is not None:
                effects.append(effect)
        return effects

    def _codes(self, table: str, column: str, pattern: str | None) -> str:
        case = self.app["case_sensitivity"]
        records = self.uow.records
        app_id = self.app["id"]
        [code] = unique_codes(
            1,
            pattern or DEFAULT_PATTERN,
            DEFAULT_CHARACTERS,
            lambda c: normalise_code(c, case),
            lambda keys: records.existing(table, column, keys, application_id=app_id),
        )
        return normalise_code(code, case) if case != "sensitive" else code

    def _until(self, validity: str | None) -> datetime | None:
        duration = parse_duration(validity) if validity and validity != "unlimited" else None
        return shift(self.now, duration) if duration else None

    def _coupon(self, origin: Origin, request: rules.CreateCoupon) -> dict[str, Any] | None:
        owner = self.advocate if request.recipient == "advocate" else self.profile
        if not owner:
            return None
        code = self._codes("coupons", "lookup_value", request.pattern)
        values = {
            "application_id": self.app["id"],
            "campaign_id": origin.campaign_id,
            "created": self.now,
            "value": code,
            "lookup_value": normalise_code(code, self.app["case_sensitivity"]),
            "usage_limit": request.usage_limit or 1,
            "discount_limit": request.discount_limit,
            "expiry_date": self._until(request.validity),
            "recipient_integration_id": owner,
            "attributes": dict(request.attributes),
            "created_in_session_id": self.session_id,
        }
        coupon_id = self.uow.records.insert("coupons", values)
        self.created_coupons.append(
            {**values, "id": coupon_id, "usage_counter": 0, "discount_counter": Decimal(0)}
        )
        return _envelope(origin, "couponCreated", {"value": code, "profileId": owner})

    def _referral(self, origin: Origin, request: rules.CreateReferral) -> dict[str, Any] | None:
        if not self.profile:
            return None
        code = self._codes("referrals", "lookup_code", None)
        values = {
            "application_id": self.app["id"],
            "campaign_id": request.campaign_id or origin.campaign_id,
            "created": self.now,
            "code": code,
            "lookup_code": normalise_code(code, self.app["case_sensitivity"]),
            "usage_limit": request.usage_limit or 0,
            "expiry_date": self._until(request.validity),
            "advocate_profile_integration_id": self.profile,
            "attributes": {},
            "created_in_session_id": self.session_id,
        }
        referral_id = self.uow.records.insert("referrals", values)
        self.created_referrals.append({**values, "id": referral_id, "usage_counter": 0})
        return _envelope(origin, "referralCreated", {"value": code})

    def _reserve(self, origin: Origin, request: rules.ReserveCoupon) -> dict[str, Any] | None:
        """The coupon reserved for the session's profile within its ``reservationLimit`` (the
        reservation endpoint ignores the limit; the effect does not). No profile, no such coupon, a
        coupon made for another customer, or no room left: the effect is left out."""
        if not self.profile:
            return None
        lookup = normalise_code(request.code, self.app["case_sensitivity"])
        coupon = self.uow.offers.coupon(self.app["id"], lookup)
        if coupon is None or coupon.recipient_integration_id not in (None, "", self.profile):
            return None
        outcome = self.uow.offers.reserve_within_limit(coupon, self.profile, self.now)
        if outcome == "full":
            return None
        props = {
            "couponValue": coupon.value,
            "profileIntegrationId": self.profile,
            "isNewReservation": outcome == "reserved",
        }
        return _envelope(origin, "reserveCoupon", props)


def attribute_updates(
    session_attributes: dict[str, Any], effects: list[dict[str, Any]]
) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """``updateAttributeValue`` effects: the session's attributes after them (None: unchanged) and the
    changes to the profile's (``Profile.Attributes.x``)."""
    profile_changes: dict[str, Any] = {}
    session_changes: dict[str, Any] = {}
    for effect in effects:
        if effect["effectType"] != "updateAttributeValue":
            continue
        root, _, rest = str(effect["props"]["path"]).partition(".")
        section, _, name = rest.partition(".")
        if section != "Attributes" or not name:
            continue
        if root in ("Profile", "CustomerProfile"):
            profile_changes[name] = effect["props"]["value"]
        elif root in ("Session", "CustomerSession"):
            session_changes[name] = effect["props"]["value"]
    return ({**session_attributes, **session_changes} if session_changes else None), profile_changes


def apply_audience_changes(
    uow: UnitOfWork, account_id: int, profile: str, effects: list[dict[str, Any]], now: datetime
) -> None:
    """The ``addToAudience``/``removeFromAudience`` effects, in order (the last on an audience decides),
    as one change of the profile's memberships; effects on an audience that no longer exists are
    dropped."""
    if not profile:
        return
    last: dict[int, bool] = {}
    for effect in effects:
        kind = effect["effectType"]
        if kind in ("addToAudience", "removeFromAudience"):
            last[int(effect["props"]["audienceId"])] = kind == "addToAudience"
    if not last:
        return
    known = uow.audiences.existing(account_id, sorted(last))
    adds = [(a, profile) for a, joins in last.items() if joins and a in known]
    deletes = [(a, profile) for a, joins in last.items() if not joins]
    uow.audiences.change(account_id, adds, deletes, now)


__all__ = ["CloseWrites", "apply_audience_changes", "attribute_updates"]

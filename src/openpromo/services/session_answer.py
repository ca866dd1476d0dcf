"""The answer of a rule-engine call: effects and created entities always, the rest as
``responseContent`` asks (DOMAIN B §1.3). Parts that need the database are read only when asked for,
inside the request's transaction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from openpromo.services.models.convert import from_row
from openpromo.services.models.coupons import InventoryReferral
from openpromo.services.models.programs import Giveaway
from openpromo.services.models.sessions import IntegrationStateV2, Return
from openpromo.services.ports import Row, UnitOfWork
from openpromo.services.session_output import wire_effects

# responseContent value -> attribute of IntegrationStateV2
_FIELDS = {
    "customerSession": "customer_session",
    "customerProfile": "customer_profile",
    "coupons": "coupons",
    "triggeredCampaigns": "triggered_campaigns",
    "referral": "referral",
    "loyalty": "loyalty",
    "event": "event",
    "awardedGiveaways": "awarded_giveaways",
    "ruleFailureReasons": "rule_failure_reasons",
    "previousReturns": "previous_returns",
}


class Answer:
    """Collects the parts of one answer; a part that was not asked for is dropped."""

    def __init__(self, wanted: Iterable[str] | None, effects: list[dict[str, Any]]) -> None:
        self.wanted = frozenset(wanted or ())
        self.effects = effects
        self.created_coupons: list[Any] = []
        self.created_referrals: list[Any] = []
        self.parts: dict[str, Any] = {}

    def __contains__(self, name: str) -> bool:
        return name in self.wanted

    def add(self, name: str, value: Any) -> None:
        if name in self.wanted and value is not None:
            self.parts[_FIELDS[name]] = value

    def state(self, **extra: Any) -> IntegrationStateV2:
        return IntegrationStateV2(
            effects=wire_effects(self.effects),
            created_coupons=list(self.created_coupons),
            created_referrals=list(self.created_referrals),
            **self.parts,
            **extra,
        )


def referral_part(uow: UnitOfWork, row: Row | None) -> InventoryReferral | None:
    """The referral of the session (``InventoryReferral``: with the friends who redeemed it)."""
    if row is None:
        return None
    friends = uow.records.find("referral_friends", {"referral_id": row["id"]}, order="created").rows
    return from_row(
        InventoryReferral, row, referred_customers=[f["friend_profile_integration_id"] for f in friends]
    )


def giveaways_part(uow: UnitOfWork, session_id: int | None) -> list[Giveaway]:
    """Giveaway codes awarded in this session (drawn when it closed)."""
    if not session_id:
        return []
    rows = uow.records.find("giveaway_codes", {"session_id": session_id}).rows
    return [from_row(Giveaway, row, used=True) for row in rows]


def returns_part(uow: UnitOfWork, session_id: int | None) -> list[Return]:
    if not session_id:
        return []
    return [from_row(Return, row) for row in uow.records.find("returns", {"session_id": session_id}).rows]


def event_part(event: Row | None, referral_id: int | None = None) -> dict[str, Any] | None:
    """An event row as the spec's ``Event``; ``meta`` names the first rejected coupon and referral."""
    if event is None:
        return None
    document: dict[str, Any] = {
        "id": event["id"],
        "created": event["created"],
        "applicationId": event["application_id"],
        "type": event["type"],
        "attributes": event["attributes"] or {},
        "effects": event["effects"],
        "meta": _meta(event["effects"], referral_id),
    }
    optional = {
        "profileId": event.get("profile_integration_id"),
        "storeIntegrationId": event.get("store_integration_id"),
        "sessionId": event.get("session_integration_id"),
    }
    document.update({k: v for k, v in optional.items() if v})
    return document


def _meta(effects: Iterable[Mapping[str, Any]], referral_id: int | None) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    for effect in effects:
        props = effect["props"]
        if effect["effectType"] == "rejectCoupon" and "couponRejectionReason" not in meta:
            meta["couponRejectionReason"] = {
                "campaignId": effect["campaignId"],
                "couponId": effect.get("triggeredByCoupon") or 0,
                "reason": props["rejectionReason"],
            }
        elif effect["effectType"] == "rejectReferral" and "referralRejectionReason" not in meta:
            meta["referralRejectionReason"] = {
                "campaignId": effect["campaignId"],
                "referralId": referral_id or 0,
                "reason": props["rejectionReason"],
            }
    return meta


__all__ = ["Answer", "event_part", "giveaways_part", "referral_part", "returns_part"]

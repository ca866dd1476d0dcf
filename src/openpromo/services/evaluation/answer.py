"""The answer of a rule-engine call: effects and created entities always, the rest as
``responseContent`` asks (DOMAIN B §1.3). Parts that need the database are read only when asked for,
inside the request's transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from openpromo.engine.evaluate import Evaluation
from openpromo.services.evaluation.documents import failure_reasons, profile_record, wire_effects
from openpromo.services.evaluation.load import Loaded
from openpromo.services.ledgers import loyalty_answer
from openpromo.services.models.convert import from_row
from openpromo.services.models.coupons import InventoryReferral
from openpromo.services.models.programs import Giveaway
from openpromo.services.models.sessions import IntegrationStateV2, Return
from openpromo.services.ports import Row, UnitOfWork

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

    def add(self, name: str, build: Callable[..., Any], *args: Any) -> None:
        """The part ``name`` as ``build(*args)`` makes it, built only when it was asked for (None: none)."""
        if name in self.wanted and (value := build(*args)) is not None:
            self.parts[_FIELDS[name]] = value

    def state(self, **extra: Any) -> IntegrationStateV2:
        return IntegrationStateV2(
            effects=wire_effects(self.effects),
            created_coupons=list(self.created_coupons),
            created_referrals=list(self.created_referrals),
            **self.parts,
            **extra,
        )


def evaluation_parts(
    uow: UnitOfWork,
    answer: Answer,
    loaded: Loaded,
    evaluation: Evaluation,
    profile_row: Row | None,
    now: datetime,
) -> None:
    """The parts an evaluation answers: profile, failures, campaigns, coupons, referral, loyalty."""
    if profile_row is not None:
        answer.add("customerProfile", lambda: profile_record(profile_row, loaded.audience_names()))
    answer.add("ruleFailureReasons", lambda: failure_reasons(evaluation.failures, loaded.coupon_ids()))
    answer.add("triggeredCampaigns", loaded.triggered_campaigns, evaluation.triggered_campaigns)
    profile = profile_row["integration_id"] if profile_row is not None else ""
    answer.add("coupons", loaded.integration_coupons, uow, profile)
    answer.add("referral", referral_part, uow, loaded.referral_row)
    answer.add("loyalty", loyalty_answer, loaded.loyalty, answer.effects, now)


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


def awarded_to(uow: UnitOfWork, account_id: int, profile: str, at: datetime) -> list[Giveaway]:
    """Giveaway codes awarded to the profile by this request (those drawn at ``at``)."""
    rows = uow.records.find(
        "giveaway_codes", {"account_id": account_id, "profile_integration_id": profile, "awarded_at": at}
    ).rows
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


__all__ = [
    "Answer",
    "awarded_to",
    "evaluation_parts",
    "event_part",
    "giveaways_part",
    "referral_part",
    "returns_part",
]

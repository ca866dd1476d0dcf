"""Answer: the effects and created entities always, the rest as ``responseContent`` asks (DOMAIN B
§1.3), built from what the request loaded and wrote: nothing here reads storage again."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from openpromo.engine.evaluate import Evaluation
from openpromo.services.data.records import Document, StoredCoupon, StoredEvent, StoredReferral
from openpromo.services.evaluation.case import Applied, Case, Commits, Written
from openpromo.services.evaluation.documents import (
    failure_reasons,
    integration_coupon,
    inventory_referral,
    profile_record,
    session_record,
    wire_effects,
)
from openpromo.services.evaluation.load import Reading
from openpromo.services.ledgers import loyalty_answer
from openpromo.services.models.convert import from_row
from openpromo.services.models.programs import Giveaway
from openpromo.services.models.sessions import IntegrationStateV2, Return
from openpromo.services.records import campaign_record

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


@dataclass(slots=True)
class Answer:
    """The parts of one answer; a part that was not asked for is left out."""

    effects: list[Document]
    created_coupons: list[Any] = field(default_factory=list)
    created_referrals: list[Any] = field(default_factory=list)
    parts: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def state(self) -> IntegrationStateV2:
        return IntegrationStateV2(
            effects=wire_effects(self.effects),
            created_coupons=list(self.created_coupons),
            created_referrals=list(self.created_referrals),
            **self.parts,
            **self.extra,
        )


def build(
    case: Case,
    reading: Reading | None,
    evaluation: Evaluation | None,
    applied: Applied,
    written: Written,
) -> Answer:
    answer = Answer(applied.effects, applied.created_coupons, applied.created_referrals, extra=written.extra)
    wanted = case.content
    parts = answer.parts

    def add(name: str, value: Any) -> None:
        if name in wanted and value is not None:
            parts[_FIELDS[name]] = value

    if "customerSession" in wanted and written.session is not None:
        add("customerSession", session_record(written.session))
    profile = written.profile or case.profile
    if "customerProfile" in wanted and profile is not None:
        names = case.snapshot.audiences
        add(
            "customerProfile",
            profile_record(profile, [(a, names.get(a, "")) for a in sorted(case.audiences)]),
        )
    if reading is not None and evaluation is not None:
        _evaluation_parts(add, wanted, case, reading, evaluation, applied)
    if "event" in wanted:
        add("event", event_part(written.event, reading.referral.id if reading and reading.referral else None))
    if "awardedGiveaways" in wanted:
        awarded = [*applied.giveaways, *(written.giveaways or [])]
        add("awardedGiveaways", [from_row(Giveaway, row, used=True) for row in awarded])
    if "previousReturns" in wanted:
        add("previousReturns", [from_row(Return, r) for r in written.returns or []])
    return answer


def _evaluation_parts(
    add: Any, wanted: frozenset[str], case: Case, reading: Reading, evaluation: Evaluation, applied: Applied
) -> None:
    """The parts an evaluation answers: failures, triggered campaigns, coupons, referral, loyalty."""
    coupon_ids = {c.value: c.id for c in reading.coupons}
    if "ruleFailureReasons" in wanted:
        add("ruleFailureReasons", failure_reasons(evaluation.failures, coupon_ids))
    if "triggeredCampaigns" in wanted:
        rows = case.snapshot.campaign_rows
        add(
            "triggeredCampaigns",
            [campaign_record(rows[i], case.now) for i in evaluation.triggered_campaigns if i in rows],
        )
    committed = case.commits is not Commits.NEVER and applied.committed is not None
    if "coupons" in wanted:
        redeemed = set(evaluation.commitments.coupon_redemptions) if committed else set()
        add("coupons", [integration_coupon(_counted(c, redeemed, case.profile_id)) for c in reading.coupons])
    if "referral" in wanted and reading.referral is not None:
        redeemed_referral = committed and reading.referral.id in evaluation.commitments.referral_redemptions
        add("referral", inventory_referral(_befriended(reading.referral, redeemed_referral, case.profile_id)))
    if "loyalty" in wanted:
        add("loyalty", loyalty_answer(reading.loyalty, applied.effects, case.now))


def _counted(coupon: StoredCoupon, redeemed: set[int], profile: str) -> StoredCoupon:
    """The coupon with this close's redemption by the profile counted (the answer follows the commit)."""
    if coupon.id not in redeemed or not profile:
        return coupon
    return replace(coupon, profile_redemptions=coupon.profile_redemptions + 1)


def _befriended(referral: StoredReferral, redeemed: bool, friend: str) -> StoredReferral:
    if not redeemed or not friend or friend in referral.friends:
        return referral
    return replace(referral, friends=(*referral.friends, friend))


def event_part(event: StoredEvent | None, referral_id: int | None = None) -> dict[str, Any] | None:
    """An event as the spec's ``Event``; ``meta`` names the first rejected coupon and referral."""
    if event is None:
        return None
    document: dict[str, Any] = {
        "id": event.id,
        "created": event.created,
        "applicationId": event.application_id,
        "type": event.type,
        "attributes": event.attributes or {},
        "effects": event.effects,
        "meta": _meta(event.effects, referral_id),
    }
    optional = {
        "profileId": event.profile_integration_id,
        "storeIntegrationId": event.store_integration_id,
        "sessionId": event.session_integration_id,
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


__all__ = ["Answer", "build", "event_part"]

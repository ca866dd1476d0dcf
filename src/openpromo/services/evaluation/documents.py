"""Building the session endpoints' answers: effects, rule failures, the session and the profile."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import fields
from typing import Any

import msgspec

from openpromo.engine.effects import Effect as EngineEffect
from openpromo.engine.effects import RuleFailure
from openpromo.services.data.records import StoredCoupon, StoredProfile, StoredReferral, StoredSession
from openpromo.services.models.base import Number, decode_hook
from openpromo.services.models.convert import from_row
from openpromo.services.models.coupons import IntegrationCoupon, InventoryReferral
from openpromo.services.models.sessions import (
    AdditionalCost,
    AudienceMembership,
    CartItem,
    CustomerProfile,
    CustomerSessionV2,
    Effect,
    RuleFailureReason,
)
from openpromo.services.ports import Row


def effect_document(effect: EngineEffect) -> dict[str, Any]:
    """An engine effect as the JSON stored with the session (the wire shape, plus what rollbacks need)."""
    origin = effect.origin
    document: dict[str, Any] = {
        "campaignId": origin.campaign_id,
        "rulesetId": origin.ruleset_id,
        "ruleIndex": origin.rule_index,
        "ruleName": origin.rule_name,
        "effectType": effect.effect_type,
        "props": effect.props,
    }
    if origin.coupon_id is not None:
        document["triggeredByCoupon"] = origin.coupon_id
    if effect.condition_index is not None:
        document["conditionIndex"] = effect.condition_index
    if origin.group_id is not None:
        document["evaluationGroupID"] = origin.group_id
        document["evaluationGroupMode"] = origin.group_mode
    return document


def wire_effects(documents: Iterable[Mapping[str, Any]]) -> list[Effect]:
    return [
        Effect(
            campaign_id=d["campaignId"],
            ruleset_id=d["rulesetId"],
            rule_index=d["ruleIndex"],
            rule_name=d["ruleName"],
            effect_type=d["effectType"],
            triggered_by_coupon=d.get("triggeredByCoupon"),
            condition_index=d.get("conditionIndex"),
            evaluation_group_id=d.get("evaluationGroupID"),
            evaluation_group_mode=d.get("evaluationGroupMode"),
            props=dict(d["props"]),
        )
        for d in documents
    ]


def failure_reasons(
    failures: Iterable[RuleFailure], coupon_ids: Mapping[str, int]
) -> list[RuleFailureReason]:
    return [
        RuleFailureReason(
            campaign_id=f.origin.campaign_id,
            campaign_name=f.campaign_name,
            ruleset_id=f.origin.ruleset_id,
            coupon_id=coupon_ids.get(f.coupon_value) if f.coupon_value else None,
            coupon_value=f.coupon_value,
            referral_id=f.referral_id,
            referral_value=f.referral_value,
            rule_index=f.origin.rule_index,
            rule_name=f.origin.rule_name,
            condition_index=f.condition_index,
            effect_index=f.effect_index,
            details=f.details,
            evaluation_group_id=f.origin.group_id,
            evaluation_group_mode=f.origin.group_mode,
        )
        for f in failures
    ]


def session_record(session: StoredSession | Mapping[str, Any]) -> CustomerSessionV2:
    """A session as the spec's ``CustomerSessionV2`` (from the record, or a row's columns)."""
    stored = session if isinstance(session, StoredSession) else StoredSession.of(session)
    items = []
    for position, item in enumerate(stored.cart_items):
        returned = int(item.get("returnedQuantity") or 0)
        document = {**item, "position": position, "returnedQuantity": returned}
        document["remainingQuantity"] = int(item["quantity"]) - returned
        items.append(_convert_item(document))
    return from_row(
        CustomerSessionV2,
        {
            "id": stored.id,
            "created": stored.created,
            "integration_id": stored.integration_id,
            "application_id": stored.application_id,
            "profile_id": stored.profile_integration_id,
            "store_integration_id": stored.store_integration_id,
            "coupon_codes": stored.coupon_codes,
            "referral_code": stored.referral_code,
            "loyalty_cards": stored.loyalty_cards,
            "state": stored.state,
            "cart_items": items,
            "additional_costs": _costs(stored.additional_costs),
            "identifiers": stored.identifiers,
            "attributes": stored.attributes,
            "first_session": stored.first_session,
            "update_count": stored.update_count,
            "total": stored.total,
            "cart_item_total": stored.cart_item_total,
            "additional_cost_total": stored.additional_cost_total,
            "updated": stored.updated,
        },
    )


def _convert_item(document: Mapping[str, Any]) -> CartItem:
    return msgspec.convert(document, CartItem, dec_hook=decode_hook)


def _costs(costs: Mapping[str, Any]) -> dict[str, Any]:
    return {name: AdditionalCost(price=Number(str(c["price"]))) for name, c in costs.items()}


def integration_coupon(coupon: StoredCoupon) -> IntegrationCoupon:
    """A coupon of the session as the ``coupons`` answer part shows it."""
    return from_row(IntegrationCoupon, _columns(coupon), profile_redemption_count=coupon.profile_redemptions)


def inventory_referral(referral: StoredReferral) -> InventoryReferral:
    """The session's referral as the ``referral`` answer part shows it (with the friends who redeemed it)."""
    return from_row(InventoryReferral, _columns(referral), referred_customers=list(referral.friends))


def _columns(record: Any) -> dict[str, Any]:
    return {f.name: getattr(record, f.name) for f in fields(record)}


def coupon_document(row: Row) -> dict[str, Any]:
    """A coupon as the spec's ``Coupon`` (absent optional fields left out)."""
    document: dict[str, Any] = {
        "id": row["id"],
        "created": row["created"],
        "campaignId": row["campaign_id"],
        "value": row["value"],
        "usageLimit": row.get("usage_limit") or 0,
        "usageCounter": row.get("usage_counter") or 0,
    }
    optional = {
        "discountLimit": row.get("discount_limit"),
        "expiryDate": row.get("expiry_date"),
        "startDate": row.get("start_date"),
        "recipientIntegrationId": row.get("recipient_integration_id"),
        "attributes": row.get("attributes"),
    }
    document.update({k: v for k, v in optional.items() if v is not None})
    return document


def referral_document(row: Row) -> dict[str, Any]:
    document: dict[str, Any] = {
        "id": row["id"],
        "created": row["created"],
        "campaignId": row["campaign_id"],
        "advocateProfileIntegrationId": row["advocate_profile_integration_id"],
        "code": row["code"],
        "usageCounter": row.get("usage_counter") or 0,
        "usageLimit": row.get("usage_limit") or 0,
    }
    if row.get("expiry_date") is not None:
        document["expiryDate"] = row["expiry_date"]
    return document


def profile_record(profile: StoredProfile, audiences: list[tuple[int, str]] | None = None) -> CustomerProfile:
    memberships = [AudienceMembership(id=i, name=n) for i, n in audiences or []]
    return CustomerProfile(
        id=profile.id,
        created=profile.created,
        integration_id=profile.integration_id,
        attributes=profile.attributes,
        account_id=profile.account_id,
        closed_sessions=profile.closed_sessions,
        total_sales=profile.total_sales,
        audience_memberships=memberships,
        last_activity=profile.last_activity or profile.created,
        sandbox=profile.sandbox,
    )


__all__ = [
    "coupon_document",
    "effect_document",
    "failure_reasons",
    "integration_coupon",
    "inventory_referral",
    "profile_record",
    "referral_document",
    "session_record",
    "wire_effects",
]

"""Building the session endpoints' answers: effects, rule failures, the session and the profile."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import msgspec

from openpromo.engine.effects import Effect as EngineEffect
from openpromo.engine.effects import RuleFailure
from openpromo.services.models.base import decode_hook
from openpromo.services.models.convert import from_row
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


def session_record(row: Row) -> CustomerSessionV2:
    items = []
    for position, item in enumerate(row["cart_items"]):
        returned = int(item.get("returnedQuantity") or 0)
        document = {**item, "position": position, "returnedQuantity": returned}
        document["remainingQuantity"] = int(item["quantity"]) - returned
        items.append(_convert_item(document))
    return from_row(
        CustomerSessionV2,
        {
            "id": row["id"],
            "created": row["created"],
            "integration_id": row["integration_id"],
            "application_id": row["application_id"],
            "profile_id": row["profile_integration_id"],
            "store_integration_id": row["store_integration_id"],
            "coupon_codes": row["coupon_codes"],
            "referral_code": row["referral_code"],
            "loyalty_cards": row["loyalty_cards"],
            "state": row["state"],
            "cart_items": items,
            "additional_costs": _costs(row["additional_costs"]),
            "identifiers": row["identifiers"],
            "attributes": row["attributes"],
            "first_session": row["first_session"],
            "update_count": row["update_count"],
            "total": row["total"],
            "cart_item_total": row["cart_item_total"],
            "additional_cost_total": row["additional_cost_total"],
            "updated": row["updated"],
        },
    )


def _convert_item(document: Mapping[str, Any]) -> CartItem:
    return msgspec.convert(document, CartItem, dec_hook=decode_hook)


def _costs(costs: Mapping[str, Any]) -> dict[str, Any]:
    return {name: AdditionalCost(price=Decimal(str(c["price"]))) for name, c in costs.items()}


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


def profile_record(row: Row, audiences: list[tuple[int, str]] | None = None) -> CustomerProfile:
    memberships = [AudienceMembership(id=i, name=n) for i, n in audiences or []]
    last = row["last_activity"] or row["created"]
    return from_row(CustomerProfile, row, last_activity=last, audience_memberships=memberships)


__all__ = [
    "coupon_document",
    "effect_document",
    "failure_reasons",
    "profile_record",
    "referral_document",
    "session_record",
    "wire_effects",
]

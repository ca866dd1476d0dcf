"""A session update's payload: merged onto the stored session, validated, turned into engine values.

Merge (DOMAIN B §1.2, our choice): each top-level key that is sent replaces the stored one, keys that
are omitted are kept; ``couponCodes: []`` and ``referralCode: ""`` clear. A dry run that closes the
session considers the payload alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from openpromo.services.attributes import Definitions, check_attributes
from openpromo.services.data.records import SessionFields
from openpromo.services.errors import ErrorDetail, raise_problems
from openpromo.services.models.sessions import AdditionalCost, CartItemInput, NewCustomerSessionV2

MAX_TOTAL_QUANTITY = 10_000


def merged_fields(
    stored: SessionFields | None, payload: NewCustomerSessionV2, *, payload_only: bool
) -> SessionFields:
    """The session's fields after this update: what was stored, with each key the payload sends."""
    base = SessionFields() if stored is None or payload_only else _copy(stored)
    if payload.profile_id is not None:
        base.profile_integration_id = payload.profile_id
    if payload.store_integration_id is not None:
        base.store_integration_id = payload.store_integration_id
    if payload.coupon_codes is not None:
        base.coupon_codes = list(payload.coupon_codes)
    if payload.referral_code is not None:
        base.referral_code = payload.referral_code or None
    if payload.loyalty_cards is not None:
        base.loyalty_cards = list(payload.loyalty_cards)
    if payload.identifiers is not None:
        base.identifiers = list(payload.identifiers)
    if payload.attributes is not None:
        base.attributes = payload.attributes
    if payload.cart_items is not None:
        base.cart_items = [_item_document(item) for item in payload.cart_items]
    if payload.additional_costs is not None:
        base.additional_costs = cost_document(payload.additional_costs)
    return base


def _copy(stored: SessionFields) -> SessionFields:
    return SessionFields(
        profile_integration_id=stored.profile_integration_id,
        store_integration_id=stored.store_integration_id,
        coupon_codes=stored.coupon_codes,
        referral_code=stored.referral_code,
        loyalty_cards=stored.loyalty_cards,
        identifiers=stored.identifiers,
        attributes=stored.attributes,
        cart_items=stored.cart_items,
        additional_costs=stored.additional_costs,
    )


def _item_document(item: CartItemInput) -> dict[str, Any]:
    document: dict[str, Any] = {"sku": item.sku, "quantity": item.quantity}
    for key in ("name", "price", "category", "weight", "height", "width", "length"):
        value = getattr(item, key)
        if value is not None:
            document[key] = value
    if item.product is not None:
        document["product"] = {"name": item.product.name}
    if item.attributes is not None:
        document["attributes"] = item.attributes
    if item.additional_costs is not None:
        document["additionalCosts"] = {n: {"price": c.price} for n, c in item.additional_costs.items()}
    return document


def validate(fields: SessionFields, definitions: Definitions) -> None:
    """400 for what the schema cannot say: quantities, undefined attributes and costs, attribute types."""
    problems: list[ErrorDetail] = []
    items: Sequence[Mapping[str, Any]] = fields.cart_items
    if sum(int(i["quantity"]) for i in items) > MAX_TOTAL_QUANTITY:
        problems.append(
            ErrorDetail(
                "Invalid value",
                f"the cart may hold at most {MAX_TOTAL_QUANTITY} units in total",
                "/customerSession/cartItems",
            )
        )
    problems += check_attributes(
        fields.attributes, "CustomerSession", "/customerSession/attributes", definitions
    )
    for name in fields.additional_costs:
        problems += _cost(name, ("session", "both"), f"/customerSession/additionalCosts/{name}", definitions)
    for index, item in enumerate(items):
        pointer = f"/customerSession/cartItems/{index}"
        problems += check_attributes(
            item.get("attributes") or {}, "CartItem", f"{pointer}/attributes", definitions
        )
        for name in item.get("additionalCosts") or {}:
            problems += _cost(name, ("item", "both"), f"{pointer}/additionalCosts/{name}", definitions)
    raise_problems(problems)


def _cost(name: str, kinds: tuple[str, ...], pointer: str, definitions: Definitions) -> list[ErrorDetail]:
    cost = definitions.costs.get(name)
    if cost is None:
        return [ErrorDetail("Unknown", f'The additional cost "{name}" is not defined.', pointer)]
    if cost["type"] not in kinds:
        return [
            ErrorDetail("Invalid value", f'The additional cost "{name}" is of type {cost["type"]}.', pointer)
        ]
    return []


def cost_document(costs: Mapping[str, AdditionalCost]) -> dict[str, Any]:
    return {name: {"price": cost.price} for name, cost in costs.items()}


__all__ = ["cost_document", "merged_fields", "validate"]

"""A session update's payload: merged onto the stored session, validated, turned into engine values.

Merge (DOMAIN B §1.2, our choice): each top-level key that is sent replaces the stored one, keys that
are omitted are kept; ``couponCodes: []`` and ``referralCode: ""`` clear. A dry run that closes the
session considers the payload alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from openpromo.engine import model
from openpromo.services.attributes import Definitions, check_attributes
from openpromo.services.errors import ErrorDetail, raise_problems
from openpromo.services.models.sessions import AdditionalCost, CartItemInput, NewCustomerSessionV2
from openpromo.services.ports import Row

MAX_TOTAL_QUANTITY = 10_000


def merged_document(
    stored: Row | None, payload: NewCustomerSessionV2, *, payload_only: bool
) -> dict[str, Any]:
    """The session's fields after this update, as stored (snake_case, spec-shaped JSON values)."""
    base: dict[str, Any] = {
        "profile_integration_id": "",
        "store_integration_id": None,
        "coupon_codes": [],
        "referral_code": None,
        "loyalty_cards": [],
        "identifiers": [],
        "attributes": {},
        "cart_items": [],
        "additional_costs": {},
    }
    if stored is not None and not payload_only:
        base.update({k: stored[k] for k in base})
    sent = {
        "profile_integration_id": payload.profile_id,
        "store_integration_id": payload.store_integration_id,
        "coupon_codes": payload.coupon_codes,
        "referral_code": payload.referral_code,
        "loyalty_cards": payload.loyalty_cards,
        "identifiers": payload.identifiers,
        "attributes": payload.attributes,
    }
    base.update({k: v for k, v in sent.items() if v is not None})
    if payload.cart_items is not None:
        base["cart_items"] = [_item_document(item) for item in payload.cart_items]
    if payload.additional_costs is not None:
        base["additional_costs"] = {
            name: {"price": cost.price} for name, cost in payload.additional_costs.items()
        }
    if base["referral_code"] == "":
        base["referral_code"] = None
    return base


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


def validate(document: Mapping[str, Any], definitions: Definitions) -> None:
    """400 for what the schema cannot say: quantities, undefined attributes and costs, attribute types."""
    problems: list[ErrorDetail] = []
    items: Sequence[Mapping[str, Any]] = document["cart_items"]
    if sum(int(i["quantity"]) for i in items) > MAX_TOTAL_QUANTITY:
        problems.append(
            ErrorDetail(
                "Invalid value",
                f"the cart may hold at most {MAX_TOTAL_QUANTITY} units in total",
                "/customerSession/cartItems",
            )
        )
    problems += check_attributes(
        document["attributes"], "CustomerSession", "/customerSession/attributes", definitions
    )
    for name in document["additional_costs"]:
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


def engine_session(
    row_id: int, integration_id: str, state: str, document: Mapping[str, Any]
) -> model.Session:
    return model.Session(
        id=row_id,
        integration_id=integration_id,
        profile_id=document["profile_integration_id"] or "",
        state=state,
        store_integration_id=document["store_integration_id"],
        coupon_codes=tuple(document["coupon_codes"]),
        referral_code=document["referral_code"],
        loyalty_cards=tuple(document["loyalty_cards"]),
        identifiers=tuple(document["identifiers"]),
        attributes=_numbers(document["attributes"]),
        cart_items=tuple(_engine_item(i, item) for i, item in enumerate(document["cart_items"])),
        additional_costs={name: Decimal(str(c["price"])) for name, c in document["additional_costs"].items()},
    )


def _engine_item(position: int, item: Mapping[str, Any]) -> model.CartItem:
    def number(key: str) -> Decimal | None:
        value = item.get(key)
        if value is None or isinstance(value, Decimal):
            return value
        return Decimal(str(value))

    product = item.get("product")
    return model.CartItem(
        sku=item["sku"],
        quantity=int(item["quantity"]),
        position=position,
        price=number("price") or Decimal(0),
        name=item.get("name"),
        category=item.get("category"),
        product_name=product.get("name") if isinstance(product, Mapping) else None,
        weight=number("weight"),
        height=number("height"),
        width=number("width"),
        length=number("length"),
        attributes=_numbers(item.get("attributes") or {}),
        additional_costs={
            n: Decimal(str(c["price"])) for n, c in (item.get("additionalCosts") or {}).items()
        },
        returned_quantity=int(item.get("returnedQuantity") or 0),
        catalog_item_id=item.get("catalogItemID"),
    )


def _numbers(value: Any) -> Any:
    """JSON numbers as Decimal, the way Talang reads them."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return Decimal(str(value))
    if isinstance(value, Mapping):
        return {k: _numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_numbers(v) for v in value]
    return value


def cost_document(costs: Mapping[str, AdditionalCost]) -> dict[str, Any]:
    return {name: {"price": cost.price} for name, cost in costs.items()}


__all__ = ["engine_session", "merged_document", "validate"]

"""A session from its documents: cart items, costs and attributes as the API spells them and as they are
stored (JSON numbers become ``Decimal``, the way Talang reads them)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, Protocol

from openpromo.engine import model


class Documents(Protocol):
    """A session's fields as stored (cart items and costs as the API spells them)."""

    @property
    def profile_integration_id(self) -> str: ...
    @property
    def store_integration_id(self) -> str | None: ...
    @property
    def coupon_codes(self) -> Sequence[str]: ...
    @property
    def referral_code(self) -> str | None: ...
    @property
    def loyalty_cards(self) -> Sequence[str]: ...
    @property
    def identifiers(self) -> Sequence[str]: ...
    @property
    def attributes(self) -> Mapping[str, Any]: ...
    @property
    def cart_items(self) -> Sequence[Mapping[str, Any]]: ...
    @property
    def additional_costs(self) -> Mapping[str, Mapping[str, Any]]: ...


def session_from(row_id: int, integration_id: str, state: str, documents: Documents) -> model.Session:
    """The session of these documents."""
    d = documents
    return session_of(
        row_id,
        integration_id,
        state,
        profile_id=d.profile_integration_id or "",
        store_integration_id=d.store_integration_id,
        coupon_codes=d.coupon_codes,
        referral_code=d.referral_code,
        loyalty_cards=d.loyalty_cards,
        identifiers=d.identifiers,
        attributes=d.attributes,
        cart_items=d.cart_items,
        additional_costs=d.additional_costs,
    )


def session_of(
    row_id: int,
    integration_id: str,
    state: str,
    *,
    profile_id: str,
    store_integration_id: str | None,
    coupon_codes: Sequence[str],
    referral_code: str | None,
    loyalty_cards: Sequence[str],
    identifiers: Sequence[str],
    attributes: Mapping[str, Any],
    cart_items: Sequence[Mapping[str, Any]],
    additional_costs: Mapping[str, Mapping[str, Any]],
) -> model.Session:
    return model.Session(
        id=row_id,
        integration_id=integration_id,
        profile_id=profile_id,
        state=state,
        store_integration_id=store_integration_id,
        coupon_codes=tuple(coupon_codes),
        referral_code=referral_code,
        loyalty_cards=tuple(loyalty_cards),
        identifiers=tuple(identifiers),
        attributes=_numbers(attributes),
        cart_items=tuple(_engine_item(i, item) for i, item in enumerate(cart_items)),
        additional_costs={name: Decimal(str(c["price"])) for name, c in additional_costs.items()},
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


__all__ = ["Documents", "session_from", "session_of"]

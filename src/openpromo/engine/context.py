"""The Talang roots for a session: ``Session``, ``Item`` units, ``Profile``, ``Coupon``, ``Referral``, ...

Keys are the PascalCase paths of DOMAIN A6. Absent optional values are absent keys, so reading them is a
runtime error the rule can ``catch``.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from openpromo.engine.model import CartItem, Coupon, Profile, Referral, Session

Unit = tuple[int, int]
"""(position, subPosition) of one flattened cart unit."""


def units(session: Session) -> list[tuple[CartItem, int]]:
    """The cart flattened into units of quantity 1 (returned units are gone)."""
    return [(item, sub) for item in session.cart_items for sub in range(item.remaining_quantity)]


def item_root(item: CartItem, sub: int, discounted: Decimal) -> dict[str, Any]:
    root: dict[str, Any] = {
        "Sku": item.sku,
        "Price": item.price,
        "DiscountedPrice": discounted,
        "Quantity": Decimal(1),
        "Position": Decimal(item.position),
        "SubPosition": Decimal(sub),
        "Attributes": dict(item.attributes),
        "AdditionalCosts": {name: {"Price": price} for name, price in item.additional_costs.items()},
    }
    optional = {
        "Name": item.name,
        "Category": item.category,
        "Weight": item.weight,
        "Height": item.height,
        "Width": item.width,
        "Length": item.length,
    }
    root.update({k: v for k, v in optional.items() if v is not None})
    if item.product_name is not None:
        root["Product"] = {"Name": item.product_name}
    return root


def session_root(
    session: Session, items: list[dict[str, Any]], discounted_total: Decimal, discounted_items: Decimal
) -> dict[str, Any]:
    root: dict[str, Any] = {
        "IntegrationId": session.integration_id,
        "State": session.state,
        "Total": session.total,
        "CartItemTotal": session.cart_item_total,
        "AdditionalCostTotal": session.additional_cost_total,
        "DiscountedTotal": discounted_total,
        "DiscountedCartItemTotal": discounted_items,
        "CartItems": items,
        "Coupons": list(session.coupon_codes),
        "Identifiers": list(session.identifiers),
        "AdditionalCosts": {name: {"Price": price} for name, price in session.additional_costs.items()},
        "Attributes": dict(session.attributes),
    }
    if session.coupon_codes:
        root["CouponCode"] = session.coupon_codes[0]
    if session.referral_code:
        root["ReferralCode"] = session.referral_code
    if session.loyalty_cards:
        root["LoyaltyCard"] = session.loyalty_cards[0]
    if session.store_integration_id:
        root["StoreIntegrationId"] = session.store_integration_id
    return root


def profile_root(profile: Profile | None) -> dict[str, Any]:
    if profile is None:
        return {
            "IntegrationId": "",
            "ClosedSessions": Decimal(0),
            "TotalSales": Decimal(0),
            "Audiences": [],
            "Attributes": {},
        }
    return {
        "IntegrationId": profile.integration_id,
        "ClosedSessions": Decimal(profile.closed_sessions),
        "TotalSales": profile.total_sales,
        "Audiences": [Decimal(a) for a in sorted(profile.audiences)],
        "Attributes": dict(profile.attributes),
    }


def coupon_root(coupon: Coupon) -> dict[str, Any]:
    return {"Code": coupon.value, "Attributes": dict(coupon.attributes)}


def referral_root(referral: Referral) -> dict[str, Any]:
    return {
        "Code": referral.code,
        "AdvocateIntegrationId": referral.advocate_integration_id,
        "Attributes": dict(referral.attributes),
    }


def attributes_root(attributes: Mapping[str, Any]) -> dict[str, Any]:
    return {"Attributes": dict(attributes)}


__all__ = [
    "Unit",
    "attributes_root",
    "coupon_root",
    "item_root",
    "profile_root",
    "referral_root",
    "session_root",
    "units",
]

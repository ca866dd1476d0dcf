"""Budget limits (``LimitConfig``) of applications, campaigns and coupons: which actions and entities
the spec allows."""

from __future__ import annotations

from collections.abc import Sequence

from openpromo.services.errors import ErrorDetail
from openpromo.services.models.applications import LimitConfig

LIMIT_ACTIONS = frozenset(
    {
        "redeemCoupon",
        "redeemReferral",
        "setDiscount",
        "setDiscountEffect",
        "createCoupon",
        "createReferral",
        "createLoyaltyPoints",
        "redeemLoyaltyPoints",
        "customEffect",
        "createLoyaltyPointsEffect",
        "redeemLoyaltyPointsEffect",
        "callApi",
        "awardGiveaway",
        "addFreeItemEffect",
        "reserveCoupon",
    }
)
LIMIT_ENTITIES = frozenset({"Coupon", "Referral", "Profile", "Identifier", "Store", "Session"})


def check_limits(limits: Sequence[LimitConfig], pointer: str) -> list[ErrorDetail]:
    """The problems of ``limits`` (at ``pointer``): unknown actions and entities."""
    problems = []
    for index, limit in enumerate(limits):
        if limit.action not in LIMIT_ACTIONS:
            problems.append(
                ErrorDetail("enum", f"unknown limit action {limit.action!r}", f"{pointer}/{index}/action")
            )
        for position, entity in enumerate(limit.entities):
            if entity not in LIMIT_ENTITIES:
                problems.append(
                    ErrorDetail(
                        "enum", f"unknown limit entity {entity!r}", f"{pointer}/{index}/entities/{position}"
                    )
                )
    return problems


__all__ = ["LIMIT_ACTIONS", "LIMIT_ENTITIES", "check_limits"]

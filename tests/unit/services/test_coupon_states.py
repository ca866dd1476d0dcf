"""A coupon's ``state`` in a customer's inventory: the first that applies of pending, used, expired,
disabled and active (docs/customer-data.md)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from openpromo.services.data.customers import HeldCoupon
from openpromo.services.data.records import StoredCoupon
from openpromo.services.integration.customers import coupon_state

NOW = datetime(2026, 12, 7, 12, tzinfo=UTC)
DAY = timedelta(days=1)


def held(campaign: str = "enabled", end: datetime | None = None, **coupon: Any) -> HeldCoupon:
    values: dict[str, Any] = {
        "id": 1,
        "application_id": 1,
        "campaign_id": 1,
        "created": NOW - DAY,
        "value": "CODE",
        "lookup_value": "CODE",
        "usage_limit": 0,
        "usage_counter": 0,
        "discount_limit": None,
        "discount_counter": Decimal(0),
        "start_date": None,
        "expiry_date": None,
        "recipient_integration_id": None,
        "is_reservation_mandatory": False,
        "discount_remainder": None,
        "attributes": {},
        "limits": [],
        **coupon,
    }
    return HeldCoupon(StoredCoupon(**values), campaign, end)


@pytest.mark.parametrize(
    ("coupon", "state"),
    [
        (held(), "active"),
        (held(campaign="enabled", end=NOW + DAY), "active"),
        (held(start_date=NOW + DAY, profile_redemptions=1, expiry_date=NOW - DAY), "pending"),
        (held(profile_redemptions=1, expiry_date=NOW - DAY, campaign="disabled"), "used"),
        (held(usage_limit=2, usage_counter=2), "used"),
        (held(usage_limit=0, usage_counter=9), "active"),
        (held(expiry_date=NOW, campaign="archived"), "expired"),
        (held(campaign="disabled"), "disabled"),
        (held(end=NOW), "disabled"),
    ],
)
def test_the_first_state_that_applies(coupon: HeldCoupon, state: str) -> None:
    assert coupon_state(coupon, NOW) == state

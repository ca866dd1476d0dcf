"""Demo data for ``openpromo serve --demo``: seeded once, found again on later starts.

An application with an Integration API key, a running campaign with a coupon (DEMO-10: 10% off carts
over 50) and a session discount (5% off every cart over 100), and a profile-based loyalty program whose
campaign gives 1 point per 10 spent when a session closes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from openpromo.services.auth import ACCOUNT_ID, ManagementPrincipal
from openpromo.services.container import Services
from openpromo.services.models.applications import CreateApplicationAPIKey, NewApplication
from openpromo.services.models.base import Time
from openpromo.services.ports import UnitOfWork, UnitOfWorkFactory

DEMO_APPLICATION = "OpenPromo demo shop"
DEMO_COUPON = "DEMO-10"

_TOTAL = [".", "Session", "Total"]
COUPON_RULES = [
    {
        "title": "10% off with DEMO-10 over 50",
        "condition": ["and", ["couponValid"], [">", _TOTAL, 50]],
        "effects": [["setDiscount", "10% off with DEMO-10", ["*", _TOTAL, 0.1]]],
    },
    {
        "title": "5% off carts over 100",
        "condition": ["and", [">", _TOTAL, 100]],
        "effects": [["setDiscount", "5% off big carts", ["*", _TOTAL, 0.05]]],
    },
]


def loyalty_rules(program_id: int) -> list[dict[str, Any]]:
    return [
        {
            "title": "1 point per 10 spent",
            "condition": ["and", [">", _TOTAL, 0]],
            "effects": [["addLoyaltyPoints", program_id, ["floor", ["/", _TOTAL, 10]], {"name": "purchase"}]],
        }
    ]


@dataclass(frozen=True, slots=True)
class DemoData:
    application_id: int
    integration_key: str | None
    created: bool


def seed(services: Services, uow: UnitOfWorkFactory, now: datetime) -> DemoData:
    root = ManagementPrincipal(ACCOUNT_ID, None, None, True)
    existing = services.applications.find_by_name(root, DEMO_APPLICATION)
    if existing is not None:
        return DemoData(existing.id, None, False)
    app = services.applications.create(
        root, NewApplication(name=DEMO_APPLICATION, timezone="UTC", currency="EUR", description="Demo data")
    )
    key = services.applications.create_api_key(
        root, app.id, CreateApplicationAPIKey(title="demo", expires=Time.parse("2099-12-31"))
    )
    group = app.default_evaluation_group_id
    with uow() as work:
        program = work.records.insert(
            "loyalty_programs",
            {
                "account_id": ACCOUNT_ID,
                "created": now,
                "modified": now,
                "name": "demo_points",
                "title": "Demo points",
                "description": "1 point per 10 spent",
                "subscribed_applications": [app.id],
                "default_validity": "unlimited",
                "default_pending": "immediate",
                "allow_subledger": False,
                "timezone": "UTC",
            },
        )
        coupon_campaign = _campaign(work, app.id, group, "Welcome offers", ["coupons"], COUPON_RULES, now, 0)
        work.records.insert(
            "coupons",
            {
                "application_id": app.id,
                "campaign_id": coupon_campaign,
                "created": now,
                "value": DEMO_COUPON,
                "lookup_value": DEMO_COUPON,
            },
        )
        _campaign(work, app.id, group, "Demo points", ["loyalty"], loyalty_rules(program), now, 1)
        work.commit()
    return DemoData(app.id, key.key, True)


def _campaign(
    work: UnitOfWork,
    app_id: int,
    group: int | None,
    name: str,
    features: list[str],
    rules: list[dict[str, Any]],
    now: datetime,
    position: int,
) -> int:
    campaign_id = work.records.insert(
        "campaigns",
        {
            "application_id": app_id,
            "account_id": ACCOUNT_ID,
            "created": now,
            "updated": now,
            "name": name,
            "state": "enabled",
            "tags": ["demo"],
            "features": features,
            "limits": [],
            "evaluation_group_id": group,
            "evaluation_position": position,
        },
    )
    ruleset = work.records.insert(
        "rulesets",
        {
            "application_id": app_id,
            "campaign_id": campaign_id,
            "created": now,
            "activated_at": now,
            "rules": rules,
            "bindings": [],
        },
    )
    work.records.update("campaigns", campaign_id, {"active_ruleset_id": ruleset})
    return campaign_id


__all__ = ["DEMO_APPLICATION", "DEMO_COUPON", "DemoData", "seed"]

"""Demo data for ``openpromo serve --demo``: seeded once, found again on later starts.

An application with an Integration API key, a running campaign with a coupon (DEMO-10: 10% off carts
over 50) and a session discount (5% off every cart over 100), and a profile-based loyalty program whose
campaign gives 1 point per 10 spent when a session closes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import msgspec

from openpromo.services.auth import ACCOUNT_ID, ManagementPrincipal
from openpromo.services.container import Services
from openpromo.services.models.applications import CreateApplicationAPIKey, NewApplication
from openpromo.services.models.base import Time
from openpromo.services.models.campaigns import NewCampaign, NewRuleset, Rule
from openpromo.services.models.programs import NewLoyaltyProgram

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


def seed(services: Services) -> DemoData:
    """Create the demo through the use cases, as the Management API would (so its rules are compiled)."""
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
    program = services.programs.create_program(
        root,
        NewLoyaltyProgram(
            name="demo_points",
            title="Demo points",
            description="1 point per 10 spent",
            subscribed_applications=[app.id],
            default_validity="unlimited",
            default_pending="immediate",
            allow_subledger=False,
            sandbox=False,
            timezone="UTC",
        ),
    )
    offers = _campaign(services, root, app.id, "Welcome offers", ["coupons"], COUPON_RULES)
    services.coupons.import_csv(
        root, app.id, offers, f"value\n{DEMO_COUPON}\n".encode(), skip_duplicates=False
    )
    _campaign(services, root, app.id, "Demo points", ["loyalty"], loyalty_rules(program.id))
    return DemoData(app.id, key.key, True)


def _campaign(
    services: Services,
    root: ManagementPrincipal,
    app_id: int,
    name: str,
    features: list[str],
    rules: list[dict[str, Any]],
) -> int:
    campaign = services.campaigns.create(
        root,
        app_id,
        NewCampaign(name=name, state="enabled", tags=["demo"], features=features, limits=[]),  # type: ignore[arg-type]
    )
    ruleset = NewRuleset(rules=msgspec.convert(rules, list[Rule]), bindings=[], activate=True)
    services.campaigns.create_ruleset(root, app_id, campaign.id, ruleset)
    return campaign.id


__all__ = ["DEMO_APPLICATION", "DEMO_COUPON", "DemoData", "seed"]

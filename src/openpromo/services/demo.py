"""Demo data for ``openpromo serve --demo``: seeded once, found again on later starts."""

from __future__ import annotations

from dataclasses import dataclass

from openpromo.services.auth import ACCOUNT_ID, ManagementPrincipal
from openpromo.services.container import Services
from openpromo.services.models.applications import CreateApplicationAPIKey, NewApplication
from openpromo.services.models.base import Time

DEMO_APPLICATION = "OpenPromo demo shop"


@dataclass(frozen=True, slots=True)
class DemoData:
    application_id: int
    integration_key: str | None
    created: bool


def seed(services: Services) -> DemoData:
    root = ManagementPrincipal(ACCOUNT_ID, None, None, True)
    existing = services.applications.find_by_name(root, DEMO_APPLICATION)
    if existing is not None:
        return DemoData(existing.id, None, False)
    app = services.applications.create(
        root, NewApplication(name=DEMO_APPLICATION, timezone="UTC", currency="EUR", description="Demo data")
    )
    key = services.applications.create_api_key(
        root,
        app.id,
        CreateApplicationAPIKey(title="demo", expires=Time.parse("2099-12-31")),
    )
    return DemoData(app.id, key.key, True)


__all__ = ["DEMO_APPLICATION", "DemoData", "seed"]

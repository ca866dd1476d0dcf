"""The routes of the running server (from its ``/openapi.json``), a valid request for each, and a world
of real ids to fill their paths: what the auth and paging matrices iterate over.

A Management route that takes a body needs a valid one in ``BODIES`` (the matrices fail when one is
missing), so that the answer under test is never hidden behind a 400.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from tests.api import factories
from tests.conftest import AppContext, Server, create_application, random_id

PUBLIC = {("post", "/v1/sessions")}
UNKNOWN = 987_654_321
RULE = {"title": "r", "condition": ["and", True], "effects": [["createReferral", {}]]}


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # with {name} placeholders
    operation: str
    kind: str  # "integration" or "management"

    def url(self, ids: dict[str, Any]) -> str:
        return re.sub(r"\{([^}]+)\}", lambda m: str(ids.get(_snake(m.group(1)), 1)), self.path)

    @property
    def names(self) -> list[str]:
        """The path's parameters in snake_case (the document names them like Talon.One: ``applicationId``)."""
        return [_snake(name) for name in re.findall(r"\{([^}]+)\}", self.path)]


def _snake(name: str) -> str:
    return re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), name)


def routes(server: Server) -> list[Route]:
    document = httpx.get(f"{server.base_url}/openapi.json").json()
    routes = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method in {"get", "post", "put", "delete", "patch"} and (method, path) not in PUBLIC:
                kind = "integration" if "integration" in operation.get("tags", []) else "management"
                routes.append(Route(method, path, operation["operationId"], kind))
    return routes


def _csv(text: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda _ids: {"files": {"upFile": ("f.csv", text, "text/csv")}}


def _json(body: Any) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda ids: {"json": body(ids) if callable(body) else body}


CAMPAIGN = {"name": "c", "tags": [], "features": [], "limits": []}
ATTRIBUTE = {
    "entity": "CustomerSession",
    "name": "authMatrix",
    "title": "t",
    "type": "string",
    "description": "",
    "suggestions": [],
    "editable": True,
}
# a valid body for every Management operation that takes one (ids the body names come from ``ids``)
BODIES: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "createApplication": _json({"name": "a", "timezone": "UTC", "currency": "EUR"}),
    "updateApplication": _json({"name": "a", "timezone": "UTC", "currency": "EUR"}),
    "createApplicationAPIKey": _json({"title": "t", "expires": "2099-01-01"}),
    "createCampaign": _json(CAMPAIGN),
    "updateCampaign": _json(CAMPAIGN),
    "createRuleset": _json({"rules": [], "bindings": []}),
    "createCampaignEvaluationGroup": _json(
        lambda ids: {
            "name": "g",
            "parentId": ids["group_id"],
            "evaluationMode": "stackable",
            "evaluationScope": "session",
            "locked": False,
        }
    ),
    "createCoupons": _json({"numberOfCoupons": 1, "usageLimit": 1}),
    "createCouponsForMultipleRecipients": _json({"usageLimit": 1, "recipientsIntegrationIds": ["r"]}),
    "updateCoupon": _json({}),
    "importCoupons": _csv("value\nMATRIX-1\n"),
    "importAudiencesMemberships": _csv("profileintegrationid\nmatrix-member\n"),
    "updateReferral": _json({}),
    "createAttribute": _json(ATTRIBUTE),
    "updateAttribute": _json(ATTRIBUTE),
    "createAdditionalCost": _json({"name": "matrix", "title": "t", "description": ""}),
    "updateAdditionalCost": _json({"name": "matrix", "title": "t", "description": ""}),
    "createEventType": _json({"name": "matrix", "title": "t"}),
    "createStore": _json({"name": "s", "description": "", "integrationId": "matrix"}),
    "updateStore": _json({"name": "s", "description": "", "integrationId": "matrix"}),
    "createLoyaltyProgram": _json(
        {
            "name": "matrix",
            "title": "t",
            "defaultValidity": "unlimited",
            "defaultPending": "immediate",
            "allowSubledger": False,
            "sandbox": False,
            "timezone": "UTC",
        }
    ),
    "updateLoyaltyProgram": _json({}),
    "updateLoyaltyCard": _json({"status": "inactive", "blockReason": "matrix"}),
    "transferLoyaltyCard": _json({"newCardIdentifier": "MATRIX-NEW"}),
    "createBatchLoyaltyCards": _json({"numberOfCards": 1}),
    "addLoyaltyPoints": _json({"points": 1}),
    "priceHistory": _json(
        {"sku": "x", "startDate": "2020-01-01T00:00:00Z", "endDate": "2030-01-01T00:00:00Z"}
    ),
    "removeLoyaltyPoints": _json({"points": 1}),
    "addLoyaltyCardPoints": _json({"points": 1}),
    "deductLoyaltyCardPoints": _json({"points": 1}),
    "importLoyaltyPoints": _csv("identifier,amount\nMATRIX-NONE,1\n"),
    "importLoyaltyCards": _csv("identifier,state\nMATRIX-IMPORTED,active\n"),
    "createGiveawaysPool": _json({"name": "p", "sandbox": False}),
    "importPoolGiveaways": _csv("code\nMATRIX\n"),
    "createCatalog": _json({"name": "c", "description": ""}),
    "createAchievement": _json({"name": "matrix", "title": "t", "description": "", "target": 1}),
    "updateAchievement": _json({}),
    "createAccountCollection": _json({"name": "matrix"}),
    "updateAccountCollection": _json({}),
    "importAccountCollection": _csv("item\nx\n"),
    "createCollection": _json({"name": "matrix"}),
    "updateCollection": _json({}),
    "importCollection": _csv("item\nx\n"),
}

# the query parameters an operation requires
QUERIES: dict[str, dict[str, str]] = {
    "getCampaignAnalytics": {"rangeStart": "2020-01-01", "rangeEnd": "2030-01-01"},
    "getAudiencesAnalytics": {"audienceIds": "1,2"},
    "exportLoyaltyLedger": {"rangeStart": "2020-01-01", "rangeEnd": "2030-01-01"},
    "exportLoyaltyCardLedger": {"rangeStart": "2020-01-01", "rangeEnd": "2030-01-01"},
}
# operations whose loyaltyProgramId is a profile-based program (the world's loyalty_program_id is
# card-based, for the card routes): they take the world's program_id
PROFILE_PROGRAM = {"exportLoyaltyLedger"}


@dataclass
class World:
    """Application A with one of everything an id names, and application B."""

    a: AppContext
    b: AppContext
    ids: dict[str, Any]
    session: str


def build_world(server: Server) -> World:
    with server.management() as mgmt:
        a, b = create_application(mgmt), create_application(mgmt)
        ids: dict[str, Any] = {"application_id": a.id, "group_id": a.body["defaultEvaluationGroupId"]}
        ids["api_key_id"] = mgmt.get(f"/v1/applications/{a.id}/api_keys").json()["data"][0]["id"]
        ids["campaign_id"] = factories.campaign(server, a, [RULE], features=["referrals", "coupons"])
        base = f"/v1/applications/{a.id}/campaigns/{ids['campaign_id']}"
        ids["ruleset_id"] = mgmt.get(f"{base}/rulesets").json()["data"][0]["id"]
        coupons = mgmt.post(
            f"{base}/coupons", params={"silent": "no"}, json={"numberOfCoupons": 1, "usageLimit": 1}
        )
        ids["coupon_id"] = coupons.json()["data"][0]["id"]
        ids["store_id"] = mgmt.post(
            f"/v1/applications/{a.id}/stores",
            json={"name": "s", "description": "", "integrationId": random_id()},
        ).json()["id"]
        ids["achievement_id"] = mgmt.post(
            f"{base}/achievements", json={"name": "once", "title": "t", "description": "", "target": 1}
        ).json()["id"]
        ids["collection_id"] = mgmt.post(f"{base}/collections", json={"name": random_id("c")}).json()["id"]
        name = "world" + random_id("").replace("-", "")
        ids["attribute_id"] = mgmt.post("/v1/attributes", json={**ATTRIBUTE, "name": name}).json()["id"]
        ids["cost_id"] = mgmt.post(
            "/v1/additional_costs", json={"name": name, "title": "t", "description": ""}
        ).json()["id"]
        program = {**BODIES["createLoyaltyProgram"]({})["json"], "name": name}
        ids["program_id"] = mgmt.post("/v1/loyalty_programs", json=program).json()["id"]
        ids["loyalty_program_id"], ids["loyalty_card_id"] = _cards(mgmt, program, name)
        ids["pool_id"] = mgmt.post("/v1/giveaways/pools", json={"name": "p", "sandbox": False}).json()["id"]
        ids["catalog_id"] = mgmt.post("/v1/catalogs", json={"name": "c", "description": ""}).json()["id"]
    session = random_id("s")
    ids["integration_id"] = random_id("p")
    with server.client(f"ApiKey-v1 {a.key}") as client:
        body = {"customerSession": {"profileId": ids["integration_id"], "state": "closed", "cartItems": []}}
        assert client.put(f"/v2/customer_sessions/{session}", json=body).status_code == 200
        ids["audience_id"] = client.post("/v2/audiences", json={"name": "world"}).json()["id"]
    with server.management() as mgmt:
        ids["referral_id"] = mgmt.get(f"{base}/referrals/no_total").json()["data"][0]["id"]
        ids["session_id"] = mgmt.get(f"/v1/applications/{a.id}/sessions").json()["data"][0]["id"]
        ids["customer_id"] = mgmt.get(f"/v1/applications/{a.id}/customers").json()["data"][0]["id"]
    return World(a, b, ids, session)


def _cards(mgmt: httpx.Client, program: dict[str, Any], name: str) -> tuple[int, str]:
    """A card-based program with two cards: its id and a card's identifier."""
    codes = {"validCharacters": ["A", "B", "1"], "couponPattern": "W-######"}
    body = {**program, "name": "cards" + name, "cardBased": True, "cardCodeSettings": codes}
    program_id = mgmt.post("/v1/loyalty_programs", json=body).json()["id"]
    assert (
        mgmt.post(f"/v1/loyalty_programs/{program_id}/cards/batch", json={"numberOfCards": 2}).status_code
        == 200
    )
    card = mgmt.get(f"/v1/loyalty_programs/{program_id}/cards").json()["data"][0]["identifier"]
    return program_id, card


def send(client: httpx.Client, route: Route, ids: dict[str, Any], **kwargs: Any) -> httpx.Response:
    """The route's request with its valid body and required query, its path filled from ``ids``."""
    if route.operation in PROFILE_PROGRAM:
        ids = {**ids, "loyalty_program_id": ids.get("program_id", UNKNOWN)}
    body = BODIES.get(route.operation)
    if body is not None:
        kwargs = {**body(ids), **kwargs}
    kwargs.setdefault("params", QUERIES.get(route.operation))
    return client.request(route.method, route.url(ids), **kwargs)


__all__ = ["BODIES", "QUERIES", "UNKNOWN", "Route", "World", "build_world", "routes", "send"]

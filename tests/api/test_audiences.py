"""Audiences through the Integration API (create, rename, delete, empty; many memberships at once; the
attributes of every member) and the Management API's reads of them, on both databases, through HTTP; the
answers checked with Talon.One's own models. Audiences in rules: an ``inAudience`` discount (and one on
``Profile.Audiences``) applies to a member only, and ``addToAudience`` is committed at close."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
import talon_one
from talon_one.api.integration_api import IntegrationApi
from talon_one.api.management_api import ManagementApi

from openpromo.bootstrap import build_services
from openpromo.services.container import Services
from openpromo.services.models.audiences import (
    CustomerProfileAudienceRequest,
    CustomerProfileAudienceRequestItem,
)
from openpromo.storage.database import Database
from tests.api import factories
from tests.api.factories import campaign, discount_rule
from tests.api.sdk import check
from tests.conftest import AppContext, Server, assert_error, random_id


@pytest.fixture
def integration(server: Server, app: AppContext) -> httpx.Client:
    return server.client(f"ApiKey-v1 {app.key}")


def create(client: httpx.Client, **fields: Any) -> dict[str, Any]:
    response = client.post("/v2/audiences", json={"name": "audience", **fields})
    assert response.status_code == 201, response.text
    return check("Audience", response.json())  # type: ignore[no-any-return]


def members(server: Server, audience: int, **params: Any) -> list[dict[str, Any]]:
    with server.management() as mgmt:
        response = mgmt.get(f"/v1/audiences/{audience}/memberships", params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    for profile in body["data"]:
        check("CustomerProfile", profile)
    return body["data"]  # type: ignore[no-any-return]


def change(client: httpx.Client, *actions: tuple[str, str, int]) -> httpx.Response:
    data = [{"action": a, "profileIntegrationId": p, "audienceId": i} for a, p, i in actions]
    return client.post("/v2/customer_audiences", json={"data": data})


def test_create_rename_delete(server: Server, integration: httpx.Client) -> None:
    external = random_id("seg")
    audience = create(
        integration,
        name="Travel",
        description="travellers",
        integration="mparticle",
        integrationId=external,
        sandbox=False,
        createdIn3rdParty=True,
    )
    assert (audience["name"], audience["description"], audience["integration"]) == (
        "Travel",
        "travellers",
        "mparticle",
    )
    assert audience["integrationId"] == external and audience["accountId"] >= 1
    duplicate = integration.post(
        "/v2/audiences", json={"name": "again", "integration": "mparticle", "integrationId": external}
    )
    assert_error(duplicate, 409, pointer="/integrationId")
    other = create(integration, name="elsewhere", integration="segment", integrationId=external)
    assert other["id"] != audience["id"]
    assert_error(integration.post("/v2/audiences", json={"name": ""}), 400, pointer="/name")
    assert_error(integration.post("/v2/audiences", json={}), 400)

    renamed = integration.put(f"/v2/audiences/{audience['id']}", json={"name": "Travellers"})
    assert renamed.status_code == 200, renamed.text
    assert check("Audience", renamed.json())["name"] == "Travellers"
    assert renamed.json()["integrationId"] == external

    with server.management() as mgmt:
        listed = mgmt.get("/v1/audiences", params={"withTotalResultSize": "true", "sort": "-id"})
    assert listed.status_code == 200, listed.text
    for item in listed.json()["data"]:
        check("Audience", item)
    names = {a["id"]: a["name"] for a in listed.json()["data"]}
    assert names[audience["id"]] == "Travellers" and names[other["id"]] == "elsewhere"
    assert listed.json()["totalResultSize"] >= 2

    assert integration.delete(f"/v2/audiences/{audience['id']}").status_code == 204
    assert_error(integration.delete(f"/v2/audiences/{audience['id']}"), 404)
    assert_error(integration.put(f"/v2/audiences/{audience['id']}", json={"name": "x"}), 404)
    assert_error(integration.delete(f"/v2/audiences/{audience['id']}/memberships"), 404)
    with server.management() as mgmt:
        assert_error(mgmt.get(f"/v1/audiences/{audience['id']}/memberships"), 404)
        ids = [a["id"] for a in mgmt.get("/v1/audiences", params={"pageSize": 1000}).json()["data"]]
    assert audience["id"] not in ids and other["id"] in ids
    # the integration id is free again once its audience is deleted
    create(integration, name="back", integration="mparticle", integrationId=external)


def test_memberships(server: Server, app: AppContext, integration: httpx.Client) -> None:
    audience = create(integration, name="vip")["id"]
    known, fresh, gone = random_id("known"), random_id("fresh"), random_id("gone")
    assert integration.put(f"/v2/customer_profiles/{known}", json={}).status_code == 200
    answer = change(integration, ("add", known, audience), ("add", fresh, audience), ("add", gone, audience))
    assert answer.status_code == 204, answer.text
    # in order: the last action on a membership decides
    answer = change(
        integration, ("delete", gone, audience), ("add", gone, audience), ("delete", gone, audience)
    )
    assert answer.status_code == 204, answer.text
    found = members(server, audience)
    assert sorted(p["integrationId"] for p in found) == sorted([known, fresh])
    assert all(p["audienceMemberships"] == [{"id": audience, "name": "vip"}] for p in found)
    # the unknown profile was created, and is no customer of the application yet
    created = next(p for p in found if p["integrationId"] == fresh)
    assert factories.row(server, "customer_profiles", created["id"])["last_activity"] is None
    with server.management() as mgmt:
        customers = mgmt.get(f"/v1/applications/{app.id}/customers", params={"integrationId": fresh})
        assert customers.json()["data"] == []
        page = mgmt.get(
            f"/v1/audiences/{audience}/memberships", params={"pageSize": 1, "sort": "integrationId"}
        )
        assert page.json()["hasMore"] is True
        assert [p["integrationId"] for p in page.json()["data"]] == [min(known, fresh)]
        only = mgmt.get(f"/v1/audiences/{audience}/memberships", params={"profileQuery": fresh[:-3]})
        assert [p["integrationId"] for p in only.json()["data"]] == [fresh]
        literal = mgmt.get(f"/v1/audiences/{audience}/memberships", params={"profileQuery": "%"})
        assert literal.json()["data"] == []  # a part of the id, never a pattern
        upper = mgmt.get(f"/v1/audiences/{audience}/memberships", params={"profileQuery": fresh.upper()})
        assert [p["integrationId"] for p in upper.json()["data"]] == [fresh]
        newest = mgmt.get(f"/v1/audiences/{audience}/memberships", params={"sort": "-id"}).json()["data"]
        assert [p["id"] for p in newest] == sorted((p["id"] for p in newest), reverse=True)
        wrong = mgmt.get(f"/v1/audiences/{audience}/memberships", params={"sort": "name"})
        assert_error(wrong, 400, parameter="sort")
        export = mgmt.get(f"/v1/audiences/{audience}/memberships/export")
        assert export.status_code == 200 and export.headers["content-type"].startswith("application/csv")
        assert export.text.splitlines() == ["profileintegrationid", *sorted([known, fresh])]
        assert_error(mgmt.get("/v1/audiences/987654321/memberships"), 404)
        assert_error(mgmt.get("/v1/audiences/987654321/memberships/export"), 404)

    # the profile's answer lists its audiences
    profile = integration.put(
        f"/v2/customer_profiles/{known}",
        params={"runRuleEngine": "true"},
        json={"responseContent": ["customerProfile"]},
    )
    assert check("CustomerProfile", profile.json()["customerProfile"])["audienceMemberships"] == [
        {"id": audience, "name": "vip"}
    ]
    # a rename is configuration: the next answer carries the new name
    assert integration.put(f"/v2/audiences/{audience}", json={"name": "very vip"}).status_code == 200
    profile = integration.put(
        f"/v2/customer_profiles/{known}",
        params={"runRuleEngine": "true"},
        json={"responseContent": ["customerProfile"]},
    )
    assert profile.json()["customerProfile"]["audienceMemberships"] == [{"id": audience, "name": "very vip"}]
    assert {p["integrationId"]: p["audienceMemberships"] for p in members(server, audience)}[fresh] == [
        {"id": audience, "name": "very vip"}
    ]

    assert integration.delete(f"/v2/audiences/{audience}/memberships").status_code == 204
    assert members(server, audience) == []
    assert change(integration, ("add", known, audience)).status_code == 204
    assert integration.delete(f"/v2/audiences/{audience}").status_code == 204
    with factories.database(server)(write=False) as uow:
        assert uow.records.find("audience_memberships", {"audience_id": audience}).rows == []


def test_member_counts(server: Server, integration: httpx.Client) -> None:
    big, small, empty = (create(integration, name=n)["id"] for n in ("big", "small", "empty"))
    prefix = random_id("count")
    actions = [("add", f"{prefix}-{i}", big) for i in range(3)] + [("add", f"{prefix}-0", small)]
    assert change(integration, *actions).status_code == 204
    with server.management() as mgmt:
        ids = f"{big},{small},{empty},987654321"
        answer = mgmt.get("/v1/audiences/analytics", params={"audienceIds": ids, "sort": "-membersCount"})
        assert answer.status_code == 200, answer.text
        for item in answer.json()["data"]:
            check("AudienceAnalytics", item)
        assert answer.json() == {
            "hasMore": False,
            "data": [
                {"audienceId": big, "membersCount": 3},
                {"audienceId": small, "membersCount": 1},
                {"audienceId": empty, "membersCount": 0},
            ],
        }
        assert_error(
            mgmt.get("/v1/audiences/analytics", params={"audienceIds": "1,x"}), 400, parameter="audienceIds"
        )
        assert_error(mgmt.get("/v1/audiences/analytics"), 400)
        wrong = mgmt.get("/v1/audiences/analytics", params={"audienceIds": ids, "sort": "name"})
        assert_error(wrong, 400, parameter="sort")


def test_import_replaces_the_members(server: Server, integration: httpx.Client) -> None:
    audience = create(integration, name="imported")["id"]
    before, kept = random_id("before"), random_id("kept")
    assert change(integration, ("add", before, audience), ("add", kept, audience)).status_code == 204
    prefix = random_id("imp")
    imported = [f"{prefix}-{i:04d}" for i in range(1500)]  # more than one statement's thousand
    text = "\n".join(["profileintegrationid", kept, *imported, kept]) + "\n"
    url = f"/v1/audiences/{audience}/memberships/import"
    with server.management() as mgmt:
        answer = mgmt.post(url, files={"upFile": ("members.csv", text, "text/csv")})
        assert answer.status_code == 200, answer.text
        assert check("Import", answer.json())["amount"] == 1501
        assert answer.json()["entity"] == "AudienceMembership"
        export = mgmt.get(f"/v1/audiences/{audience}/memberships/export").text.splitlines()
        assert export == ["profileintegrationid", *sorted([kept, *imported])]
        bad = mgmt.post(url, files={"upFile": ("m.csv", 'profileintegrationid\nok\n""\n', "text/csv")})
        assert_error(bad, 400, pointer="/upFile/3/profileintegrationid")
        wrong = mgmt.post(url, files={"upFile": ("m.csv", "id,profileintegrationid\n1,a\n", "text/csv")})
        assert_error(wrong, 400, pointer="/upFile")
        unknown = mgmt.post(
            "/v1/audiences/987654321/memberships/import",
            files={"upFile": ("m.csv", "profileintegrationid\na\n", "text/csv")},
        )
        assert_error(unknown, 404)
        # a refused file changes nothing
        assert len(mgmt.get(f"/v1/audiences/{audience}/memberships/export").text.splitlines()) == 1502


def test_membership_requests_are_checked(integration: httpx.Client) -> None:
    audience = create(integration, name="checked")["id"]
    profile = random_id("p")
    assert_error(change(integration, ("join", profile, audience)), 400, pointer="/data/0/action")
    too_many = [("add", f"{profile}-{i}", audience) for i in range(1001)]
    assert_error(change(integration, *too_many), 400, pointer="/data")
    missing = integration.post(
        "/v2/customer_audiences", json={"data": [{"action": "add", "audienceId": audience}]}
    )
    assert_error(missing, 400, pointer="/data/0/profileIntegrationId")
    unknown = change(integration, ("add", profile, audience), ("add", profile, 987654321))
    assert_error(unknown, 404)
    operation = httpx.get(f"{integration.base_url}/openapi.json").json()["paths"]["/v2/customer_audiences"][
        "post"
    ]
    assert {"204", "400", "401", "404"} <= set(operation["responses"])  # as the spec says
    assert integration.post("/v2/customer_audiences", json={"data": []}).status_code == 204


def test_thousand_actions(server: Server, integration: httpx.Client) -> None:
    audience = create(integration, name="crowd")["id"]
    prefix = random_id("crowd")
    actions = [("add", f"{prefix}-{i:04d}", audience) for i in range(1000)]
    assert change(integration, *actions).status_code == 204
    with server.management() as mgmt:
        page = mgmt.get(f"/v1/audiences/{audience}/memberships", params={"pageSize": 1000})
    assert len(page.json()["data"]) == 1000 and page.json()["hasMore"] is False


@pytest.fixture
def local(server: Server) -> Iterator[tuple[Services, list[str]]]:
    database = Database(server.database_url, pool_size=2)
    statements: list[str] = []
    sa.event.listen(database.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    try:
        yield build_services(database), statements
    finally:
        database.dispose()


def test_many_actions_are_a_handful_of_statements(
    local: tuple[Services, list[str]], integration: httpx.Client, app: AppContext
) -> None:
    services, statements = local
    audience = create(integration, name="bulk")["id"]
    prefix = random_id("bulk")
    principal = services.auth.integration(app.key)
    items = [
        CustomerProfileAudienceRequestItem(
            action="add" if i % 4 else "delete", profile_integration_id=f"{prefix}-{i}", audience_id=audience
        )
        for i in range(1000)
    ]
    services.audiences.change_memberships(principal, CustomerProfileAudienceRequest())  # the snapshot, read
    statements.clear()
    services.audiences.change_memberships(principal, CustomerProfileAudienceRequest(data=items))
    writes = [s for s in statements if s.lstrip().upper().startswith(("INSERT", "DELETE", "UPDATE"))]
    assert 0 < len(writes) <= 4, writes
    assert len(statements) <= 8, statements


def test_member_attributes(server: Server, integration: httpx.Client) -> None:
    name = "tier" + random_id("").replace("-", "")
    count = "visits" + random_id("").replace("-", "")
    factories.attribute(server, "CustomerProfile", name, "string")
    factories.attribute(server, "CustomerProfile", count, "number")
    audience = create(integration, name="gold")["id"]
    inside, outside = random_id("in"), random_id("out")
    body = {"attributes": {count: 3}}
    assert integration.put(f"/v2/customer_profiles/{inside}", json=body).status_code == 200
    assert integration.put(f"/v2/customer_profiles/{outside}", json=body).status_code == 200
    fresh = random_id("fresh")
    assert change(integration, ("add", inside, audience), ("add", fresh, audience)).status_code == 204

    url = f"/v2/audience_customers/{audience}/attributes"
    assert integration.put(url, json={name: "gold"}).status_code == 204
    found = {p["integrationId"]: p["attributes"] for p in members(server, audience)}
    assert found == {inside: {count: 3, name: "gold"}, fresh: {name: "gold"}}
    with factories.database(server)(write=False) as uow:
        untouched = uow.records.find_one("customer_profiles", integration_id=outside)
    assert untouched is not None and untouched["attributes"] == {count: 3}

    assert_error(integration.put(url, json={count: "many"}), 400, pointer=f"/{count}")
    assert_error(integration.put(url, json={"undefinedThing": 1}), 400, pointer="/undefinedThing")
    assert_error(integration.put(url, json=[1]), 400)
    assert_error(integration.put("/v2/audience_customers/987654321/attributes", json={name: "x"}), 404)
    assert {p["integrationId"]: p["attributes"] for p in members(server, audience)} == found


def _session(client: httpx.Client, profile: str, state: str = "open") -> dict[str, Any]:
    body = {
        "customerSession": {
            "profileId": profile,
            "state": state,
            "cartItems": [{"sku": "a", "quantity": 1, "price": 100}],
        }
    }
    response = client.put(f"/v2/customer_sessions/{random_id('s')}", json=body)
    assert response.status_code == 200, response.text
    return check("IntegrationStateV2", response.json())  # type: ignore[no-any-return]


def test_audience_gated_discount(server: Server, app: AppContext, integration: httpx.Client) -> None:
    audience = create(integration, name="members only")["id"]
    campaign(server, app, [discount_rule("members", ["and", ["inAudience", audience]], 10)], name="gated")
    listed = ["and", ["contains", audience, [".", "Profile", "Audiences"]]]
    campaign(server, app, [discount_rule("listed", listed, 3, name="listed")], name="listed")
    member, stranger = random_id("member"), random_id("stranger")
    assert change(integration, ("add", member, audience)).status_code == 204

    def discounts(profile: str) -> list[Any]:
        effects = _session(integration, profile)["effects"]
        return sorted(e["props"]["value"] for e in effects if e["effectType"] == "setDiscount")

    assert discounts(member) == [3, 10]
    assert discounts(stranger) == []
    assert change(integration, ("delete", member, audience)).status_code == 204
    assert discounts(member) == []
    # audiencesChanges of a profile update joins it again
    joined = integration.put(
        f"/v2/customer_profiles/{member}", json={"audiencesChanges": {"adds": [audience], "deletes": []}}
    )
    assert joined.status_code == 200, joined.text
    assert discounts(member) == [3, 10]
    assert [m["integrationId"] for m in members(server, audience)] == [member]


def test_audience_effects_committed_at_close(
    server: Server, app: AppContext, integration: httpx.Client
) -> None:
    joins = create(integration, name="buyers")["id"]
    leaves = create(integration, name="prospects")["id"]
    rule = {
        "title": "sort",
        "condition": ["and", True],
        "effects": [["addToAudience", joins], ["removeFromAudience", leaves]],
    }
    campaign(server, app, [rule], name="sorting")
    profile = random_id("buyer")
    assert change(integration, ("add", profile, leaves)).status_code == 204
    opened = _session(integration, profile)
    assert {e["effectType"] for e in opened["effects"]} >= {"addToAudience", "removeFromAudience"}
    assert members(server, joins) == [] and len(members(server, leaves)) == 1  # nothing before the close
    _session(integration, profile, state="closed")
    assert [m["integrationId"] for m in members(server, joins)] == [profile]
    assert members(server, leaves) == []


def test_through_talon_ones_client(server: Server, app: AppContext) -> None:
    """Every audience operation, called as Talon.One's own clients call them."""
    config = talon_one.Configuration(host=server.base_url)
    config.api_key["api_key_v1"] = app.key
    config.api_key_prefix["api_key_v1"] = "ApiKey-v1"
    api = IntegrationApi(talon_one.ApiClient(config))
    name = "level" + random_id("").replace("-", "")
    factories.attribute(server, "CustomerProfile", name, "string")
    external = random_id("ext")
    audience = api.create_audience_v2(
        talon_one.NewAudience(name="sdk", integration="segment", integrationId=external)
    )
    assert audience.name == "sdk" and audience.integration_id == external
    with pytest.raises(talon_one.exceptions.ApiException) as conflict:
        api.create_audience_v2(
            talon_one.NewAudience(name="sdk", integration="segment", integrationId=external)
        )
    assert conflict.value.status == 409
    assert api.update_audience_v2(audience.id, talon_one.UpdateAudience(name="sdk 2")).name == "sdk 2"
    profile = random_id("sdk")
    item = talon_one.CustomerProfileAudienceRequestItem(
        action="add", profileIntegrationId=profile, audienceId=audience.id
    )
    api.update_customer_profile_audiences(talon_one.CustomerProfileAudienceRequest(data=[item]))
    api.update_audience_customers_attributes(audience.id, {name: "gold"})
    [member] = members(server, audience.id)
    assert member["integrationId"] == profile and member["attributes"] == {name: "gold"}
    mconfig = talon_one.Configuration(host=server.base_url)
    mconfig.api_key["management_key"] = server.root_key
    mconfig.api_key_prefix["management_key"] = "ManagementKey-v1"
    mgmt = ManagementApi(talon_one.ApiClient(mconfig))
    listed = mgmt.get_audiences(page_size=1000, with_total_result_size=True)
    assert audience.id in [a.id for a in listed.data] and listed.total_result_size >= 1
    [counted] = mgmt.get_audiences_analytics(str(audience.id)).data
    assert (counted.audience_id, counted.members_count) == (audience.id, 1)
    [listed_member] = mgmt.get_audience_memberships(audience.id).data
    assert listed_member.integration_id == profile
    assert listed_member.audience_memberships[0].name == "sdk 2"
    # the SDK decodes no application/csv answer (the spec's type for it): its raw answer, then
    exported = mgmt.export_audiences_memberships_without_preload_content(audience.id)
    assert exported.status == 200 and profile in exported.data.decode()
    api.delete_audience_memberships_v2(audience.id)
    assert members(server, audience.id) == []
    api.delete_audience_v2(audience.id)
    with pytest.raises(talon_one.exceptions.NotFoundException):
        api.delete_audience_v2(audience.id)


def test_profile_audiences_changes(server: Server, integration: httpx.Client) -> None:
    kept, left = create(integration, name="kept")["id"], create(integration, name="left")["id"]
    profile = random_id("changes")
    url = f"/v2/customer_profiles/{profile}"
    both = {"audiencesChanges": {"adds": [kept, left], "deletes": []}}
    assert integration.put(url, json=both).status_code == 200
    # a dry run answers with the changes and writes none
    dry = integration.put(
        url,
        params={"dry": "true", "runRuleEngine": "true"},
        json={"audiencesChanges": {"adds": [], "deletes": [left]}, "responseContent": ["customerProfile"]},
    )
    assert dry.status_code == 200, dry.text
    assert dry.json()["customerProfile"]["audienceMemberships"] == [{"id": kept, "name": "kept"}]
    assert [m["integrationId"] for m in members(server, left)] == [profile]
    # an audience in both lists is joined
    changes = {"audiencesChanges": {"adds": [kept], "deletes": [kept, left]}}
    answer = integration.put(
        url, params={"runRuleEngine": "true"}, json={**changes, "responseContent": ["customerProfile"]}
    )
    assert answer.json()["customerProfile"]["audienceMemberships"] == [{"id": kept, "name": "kept"}]
    assert [m["integrationId"] for m in members(server, kept)] == [profile]
    assert members(server, left) == []
    unknown = integration.put(url, json={"audiencesChanges": {"adds": [], "deletes": [987654321]}})
    assert_error(unknown, 400, pointer="/audiencesChanges/deletes/0")

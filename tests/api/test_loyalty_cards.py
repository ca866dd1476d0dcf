"""Loyalty cards through the Integration API: generate (a given identifier, or one from the program's
``cardCodeSettings``), link and unlink profiles within the card's user limit, identifiers URL-encoded
in paths, and the 400s and 404s; answers checked with Talon.One's own models (and its client)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import talon_one
from talon_one.api.integration_api import IntegrationApi
from talon_one.models.generate_loyalty_card import GenerateLoyaltyCard
from talon_one.models.loyalty_card_registration import LoyaltyCardRegistration

from tests.api import factories
from tests.api.sdk import check
from tests.conftest import AppContext, Server, assert_error, create_application, random_id

CODES = {"validCharacters": ["A", "B", "C", "1"], "couponPattern": "CARD-####"}


@pytest.fixture
def integration(server: Server, app: AppContext) -> httpx.Client:
    return server.client(f"ApiKey-v1 {app.key}")


def card_program(mgmt: httpx.Client, app: AppContext, **fields: Any) -> int:
    body = {"cardBased": True, "usersPerCardLimit": 2, "cardCodeSettings": CODES, **fields}
    return int(factories.loyalty_program(mgmt, app, **body)["id"])


def generate(client: httpx.Client, program_id: int, **body: Any) -> dict[str, Any]:
    response = client.post(f"/v1/loyalty_programs/{program_id}/cards", json=body)
    assert response.status_code == 200, response.text
    return check("LoyaltyCard", response.json())  # type: ignore[no-any-return]


def link(
    client: httpx.Client, program_id: int, card: str, profile: str, verb: str = "link"
) -> httpx.Response:
    path = f"/v2/loyalty_programs/{program_id}/cards/{quote(card, safe='')}/{verb}_profile"
    return client.post(path, json={"integrationId": profile})


def test_a_card_is_generated_with_its_identifier_and_profiles(
    mgmt: httpx.Client, app: AppContext, integration: httpx.Client
) -> None:
    # given a card-based program with a limit of two profiles per card
    program_id = card_program(mgmt, app)
    identifier, ann = random_id("card"), random_id("ann")
    # when a card is generated with an identifier and a profile
    card = generate(integration, program_id, cardIdentifier=identifier, customerProfileIds=[ann])
    # then it is active, takes the program's limit and has a main ledger with nothing in it
    assert (card["identifier"], card["status"], card["programID"]) == (identifier, "active", program_id)
    assert card["usersPerCardLimit"] == 2 and card["programTitle"] == "Points"
    assert [p["integrationId"] for p in card["profiles"]] == [ann]
    assert card["ledger"]["currentBalance"] == 0 and card["ledger"]["pendingBalance"] == 0
    assert "subledgers" not in card


def test_an_identifier_comes_from_the_programs_code_settings(
    mgmt: httpx.Client, app: AppContext, integration: httpx.Client
) -> None:
    program_id = card_program(mgmt, app)
    cards = [generate(integration, program_id) for _ in range(5)]
    for card in cards:
        code = card["identifier"]
        assert code.startswith("CARD-") and set(code[5:]) <= set("ABC1") and len(code) == 9
        assert card["profiles"] == []
    assert len({c["identifier"] for c in cards}) == 5
    # without settings, the default pattern (8 letters and digits)
    plain = card_program(mgmt, app, cardCodeSettings=None)
    code = generate(integration, plain, status="inactive")
    assert code["status"] == "inactive" and len(code["identifier"]) == 9


def test_profiles_are_linked_up_to_the_cards_limit_and_unlinked(
    server: Server, mgmt: httpx.Client, app: AppContext, integration: httpx.Client
) -> None:
    program_id = card_program(mgmt, app)
    identifier = generate(integration, program_id)["identifier"]
    ann, bob, cat = random_id("ann"), random_id("bob"), random_id("cat")
    # a profile that does not exist yet is created by linking it
    first = link(integration, program_id, identifier, ann)
    assert first.status_code == 200, first.text
    assert [p["integrationId"] for p in check("LoyaltyCard", first.json())["profiles"]] == [ann]
    with factories.database(server)() as uow:
        assert uow.records.find_one("customer_profiles", integration_id=ann) is not None
    # linking it again changes nothing
    again = link(integration, program_id, identifier, ann)
    assert again.status_code == 200 and len(again.json()["profiles"]) == 1
    assert link(integration, program_id, identifier, bob).status_code == 200
    # a third profile is over the card's limit of two
    assert_error(link(integration, program_id, identifier, cat), 400, pointer="/integrationId")
    # unlinking frees a place; unlinking a profile the card does not have is a 400
    unlinked = link(integration, program_id, identifier, ann, "unlink")
    assert unlinked.status_code == 200, unlinked.text
    assert [p["integrationId"] for p in check("LoyaltyCard", unlinked.json())["profiles"]] == [bob]
    assert_error(link(integration, program_id, identifier, ann, "unlink"), 400, pointer="/integrationId")
    assert link(integration, program_id, identifier, cat).status_code == 200


def test_a_program_without_a_limit_takes_any_number_of_profiles(
    mgmt: httpx.Client, app: AppContext, integration: httpx.Client
) -> None:
    program_id = card_program(mgmt, app, usersPerCardLimit=0)
    profiles = [random_id("p") for _ in range(4)]
    card = generate(integration, program_id, customerProfileIds=profiles)
    assert card["usersPerCardLimit"] == 0 and len(card["profiles"]) == 4
    assert link(integration, program_id, card["identifier"], random_id("p")).status_code == 200


def test_identifiers_with_special_characters_are_url_encoded_in_paths(
    mgmt: httpx.Client, app: AppContext, integration: httpx.Client
) -> None:
    program_id = card_program(mgmt, app)
    identifier = "New%Card+1@x.y-" + random_id("").replace("-", "")
    generate(integration, program_id, cardIdentifier=identifier)
    linked = link(integration, program_id, identifier, random_id("ann"))
    assert linked.status_code == 200, linked.text
    assert linked.json()["identifier"] == identifier
    encoded = quote(identifier, safe="")
    listed = integration.get(f"/v1/loyalty_programs/{program_id}/cards/{encoded}/transactions")
    assert listed.status_code == 200, listed.text
    # "+" stays a plus in a path, "%25" is "%": a different identifier is unknown
    assert_error(link(integration, program_id, identifier.replace("%", ""), random_id("p")), 404)


def test_bad_generation_requests_are_400s(
    server: Server, mgmt: httpx.Client, app: AppContext, integration: httpx.Client
) -> None:
    program_id = card_program(mgmt, app)
    taken = generate(integration, program_id)["identifier"]
    ann = random_id("ann")
    cases: list[tuple[dict[str, Any], str]] = [
        ({"cardIdentifier": "abc"}, "/cardIdentifier"),
        ({"cardIdentifier": "x" * 109}, "/cardIdentifier"),
        ({"cardIdentifier": "has space"}, "/cardIdentifier"),
        ({"cardIdentifier": taken}, "/cardIdentifier"),
        ({"status": "blocked"}, "/status"),
        ({"customerProfileIds": "ann"}, "/customerProfileIds"),
        ({"customerProfileIds": [ann, ann]}, "/customerProfileIds/1"),
        ({"customerProfileIds": ["a", "b", "c"]}, "/customerProfileIds"),
        ({"customerProfileIds": [""]}, "/customerProfileIds/0"),
    ]
    for body, pointer in cases:
        response = integration.post(f"/v1/loyalty_programs/{program_id}/cards", json=body)
        assert_error(response, 400, pointer=pointer)
    # the spec gives generateLoyaltyCard no 404: the program is a bad parameter
    profile_based = factories.loyalty_program(mgmt, app)["id"]
    other = create_application(mgmt)
    not_subscribed = card_program(mgmt, other)
    for bad in (profile_based, not_subscribed, 987_654_321):
        response = integration.post(f"/v1/loyalty_programs/{bad}/cards", json={})
        assert_error(response, 400, parameter="loyaltyProgramId")
    with factories.database(server)() as uow:
        assert uow.records.count("loyalty_cards", program_id=program_id) == 1


def test_links_name_a_known_program_and_card(
    mgmt: httpx.Client, app: AppContext, integration: httpx.Client
) -> None:
    program_id = card_program(mgmt, app)
    identifier = generate(integration, program_id)["identifier"]
    other = card_program(mgmt, create_application(mgmt))
    for verb in ("link", "unlink"):
        assert_error(link(integration, 987_654_321, identifier, "p", verb), 404)
        assert_error(link(integration, other, identifier, "p", verb), 404)
        assert_error(link(integration, program_id, "NOPE-0000", "p", verb), 404)
        assert_error(link(integration, program_id, "abc", "p", verb), 400, parameter="loyaltyCardId")
        path = f"/v2/loyalty_programs/{program_id}/cards/{identifier}/{verb}_profile"
        assert_error(integration.post(path, json={}), 400, pointer="/integrationId")
        assert_error(integration.post(path, json={"integrationId": ""}), 400, pointer="/integrationId")


def test_the_official_client_generates_and_links_cards(
    server: Server, mgmt: httpx.Client, app: AppContext
) -> None:
    program_id = card_program(mgmt, app)
    config = talon_one.Configuration(host=server.base_url)
    config.api_key["api_key_v1"] = app.key
    config.api_key_prefix["api_key_v1"] = "ApiKey-v1"
    api = IntegrationApi(talon_one.ApiClient(config))
    identifier = random_id("sdk")
    card = api.generate_loyalty_card(program_id, GenerateLoyaltyCard(card_identifier=identifier))
    assert card.identifier == identifier and card.status == "active"
    linked = api.link_loyalty_card_to_profile(
        program_id, identifier, LoyaltyCardRegistration(integration_id="sdk-1")
    )
    assert [p.integration_id for p in linked.profiles or []] == ["sdk-1"]
    unlinked = api.unlink_loyalty_card_from_profile(
        program_id, identifier, LoyaltyCardRegistration(integration_id="sdk-1")
    )
    assert unlinked.profiles == []
    page = api.get_loyalty_card_transactions(program_id, identifier)
    assert page.has_more is False and page.data == []


def test_a_cards_answer_has_its_ledgers_balances_and_tiers(
    server: Server, mgmt: httpx.Client, app: AppContext, integration: httpx.Client
) -> None:
    # given a card with 150 active points (tier silver) on its main ledger and 7 on a subledger
    tiers = [{"name": "silver", "minPoints": 100}, {"name": "gold", "minPoints": 500}]
    program = factories.loyalty_program(
        mgmt, app, cardBased=True, usersPerCardLimit=2, allowSubledger=True, tiers=tiers
    )
    silver = next(t["id"] for t in program["tiers"] if t["name"] == "silver")
    card = generate(integration, program["id"])
    for subledger, points, tier in (("", Decimal(150), silver), ("books", Decimal("7.5"), None)):
        factories.define_row(
            server,
            "loyalty_ledgers",
            program_id=program["id"],
            owner_key=f"card:{card['id']}",
            card_id=card["id"],
            subledger_id=subledger,
            active_points=points,
            pending_points=Decimal(20),
            tier_id=tier,
        )
    # when a profile is linked
    linked = link(integration, program["id"], card["identifier"], random_id("ann"))
    # then the answer shows the balances, the tier and the next one
    answer = check("LoyaltyCard", linked.json())
    main = answer["ledger"]
    assert (main["currentBalance"], main["pendingBalance"], main["tentativeCurrentBalance"]) == (150, 20, 150)
    assert main["currentTier"] == {"id": silver, "name": "silver"}
    assert (main["nextTierName"], main["pointsToNextTier"]) == ("gold", 350)
    books = answer["subledgers"]["books"]
    assert books["currentBalance"] == 7.5 and "currentTier" not in books
    assert (books["nextTierName"], books["pointsToNextTier"]) == ("silver", 92.5)

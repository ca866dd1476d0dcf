"""A card-based program's cards through the Management API: batches, the list and its filters, one card,
blocking and unblocking, transfers (profiles and ledgers move), deletion; answers checked with
Talon.One's own models."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from tests.api import factories
from tests.api.sdk import check, check_page
from tests.conftest import AppContext, Server, assert_error, random_id

CODES = {"validCharacters": ["A", "B", "C", "1"], "couponPattern": "M-#####"}


@pytest.fixture
def integration(server: Server, app: AppContext) -> httpx.Client:
    return server.client(f"ApiKey-v1 {app.key}")


@pytest.fixture
def program_id(mgmt: httpx.Client, app: AppContext) -> int:
    body = {"cardBased": True, "usersPerCardLimit": 3, "cardCodeSettings": CODES, "allowSubledger": True}
    return int(factories.loyalty_program(mgmt, app, **body)["id"])


def cards(mgmt: httpx.Client, program_id: int, **params: Any) -> list[dict[str, Any]]:
    response = mgmt.get(f"/v1/loyalty_programs/{program_id}/cards", params=params)
    assert response.status_code == 200, response.text
    return check_page(response.json(), "LoyaltyCard", total=False)


def generate(integration: httpx.Client, program_id: int, **body: Any) -> dict[str, Any]:
    response = integration.post(f"/v1/loyalty_programs/{program_id}/cards", json=body)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_a_batch_of_cards_and_the_list_with_its_filters(
    server: Server, mgmt: httpx.Client, app: AppContext, integration: httpx.Client, program_id: int
) -> None:
    # given a batch of 30 cards and a card of a profile
    created = mgmt.post(
        f"/v1/loyalty_programs/{program_id}/cards/batch",
        json={"numberOfCards": 30, "batchId": "spring", "status": "inactive"},
    )
    assert created.status_code == 200, created.text
    assert check("LoyaltyCardBatchResponse", created.json()) == {
        "numberOfCardsGenerated": 30,
        "batchId": "spring",
    }
    ann = random_id("ann")
    own = generate(
        integration, program_id, cardIdentifier="Own-Card-" + random_id(""), customerProfileIds=[ann]
    )
    # when the program's cards are listed
    everything = cards(mgmt, program_id)
    # then all are there, in id order, the batch's inactive, with the program's limit
    assert len(everything) == 31 and [c["id"] for c in everything] == sorted(c["id"] for c in everything)
    batch = cards(mgmt, program_id, batchId="spring")
    assert len(batch) == 30 and {c["status"] for c in batch} == {"inactive"}
    assert all(c["identifier"].startswith("M-") and c["batchId"] == "spring" for c in batch)
    assert {c["usersPerCardLimit"] for c in everything} == {3}
    # a part of the identifier, any case; a profile's internal id; paging
    assert [c["id"] for c in cards(mgmt, program_id, identifier="own-card")] == [own["id"]]
    with factories.database(server)() as uow:
        profile = uow.records.find_one("customer_profiles", integration_id=ann)
    assert profile is not None
    assert [c["id"] for c in cards(mgmt, program_id, profileId=profile["id"])] == [own["id"]]
    assert cards(mgmt, program_id, profileId=987654321) == []
    page = mgmt.get(f"/v1/loyalty_programs/{program_id}/cards", params={"pageSize": 10, "skip": 25}).json()
    assert page["hasMore"] is False and len(page["data"]) == 6
    newest = cards(mgmt, program_id, sort="-id", pageSize=1)
    assert newest[0]["id"] == own["id"]
    # a batch without an id gets one; without card code settings, it is a 400
    unnamed = mgmt.post(f"/v1/loyalty_programs/{program_id}/cards/batch", json={"numberOfCards": 1}).json()
    assert len(unnamed["batchId"]) == 8 and unnamed["numberOfCardsGenerated"] == 1


def test_bad_lists_and_batches_are_400s(mgmt: httpx.Client, app: AppContext, program_id: int) -> None:
    base = f"/v1/loyalty_programs/{program_id}/cards"
    assert_error(mgmt.get(base, params={"identifier": "abc"}), 400, parameter="identifier")
    assert_error(mgmt.get(base, params={"profileId": 0}), 400, parameter="profileId")
    assert_error(mgmt.get(base, params={"sort": "status"}), 400, parameter="sort")
    for body, pointer in (
        ({}, "/numberOfCards"),
        ({"numberOfCards": 0}, "/numberOfCards"),
        ({"numberOfCards": 20001}, "/numberOfCards"),
        ({"numberOfCards": 1, "batchId": "abc"}, "/batchId"),
        ({"numberOfCards": 1, "batchId": "a b c d"}, "/batchId"),
        ({"numberOfCards": 1, "status": "blocked"}, "/status"),
        (
            {"numberOfCards": 100, "cardCodeSettings": {"validCharacters": ["A"], "couponPattern": "X-#"}},
            "/cardCodeSettings",
        ),
    ):
        assert_error(mgmt.post(f"{base}/batch", json=body), 400, pointer=pointer)
    plain = factories.loyalty_program(mgmt, app, cardBased=True)["id"]
    no_codes = mgmt.post(f"/v1/loyalty_programs/{plain}/cards/batch", json={"numberOfCards": 1})
    assert_error(no_codes, 400, pointer="/cardCodeSettings")
    profile_based = factories.loyalty_program(mgmt, app)["id"]
    assert_error(
        mgmt.post(f"/v1/loyalty_programs/{profile_based}/cards/batch", json={"numberOfCards": 1}),
        400,
        parameter="loyaltyProgramId",
    )
    assert mgmt.get(f"/v1/loyalty_programs/{profile_based}/cards").json() == {"hasMore": False, "data": []}


def test_a_card_is_read_blocked_unblocked_and_deleted(
    server: Server, mgmt: httpx.Client, integration: httpx.Client, program_id: int
) -> None:
    identifier = "Del%Card+" + random_id("")
    card = generate(integration, program_id, cardIdentifier=identifier, customerProfileIds=[random_id("p")])
    path = f"/v1/loyalty_programs/{program_id}/cards/{quote(identifier, safe='')}"
    read = mgmt.get(path)
    assert read.status_code == 200, read.text
    assert check("LoyaltyCard", read.json())["id"] == card["id"]
    blocked = mgmt.put(path, json={"status": "inactive", "blockReason": "lost"})
    assert blocked.status_code == 200, blocked.text
    assert (blocked.json()["status"], blocked.json()["blockReason"]) == ("inactive", "lost")
    unblocked = check("LoyaltyCard", mgmt.put(path, json={"status": "active"}).json())
    assert unblocked["status"] == "active" and "blockReason" not in unblocked
    assert_error(mgmt.put(path, json={"status": "lost"}), 400, pointer="/status")
    assert_error(mgmt.put(path, json={}), 400, pointer="/status")
    deleted = mgmt.delete(path)
    assert deleted.status_code == 204, deleted.text
    assert_error(mgmt.get(path), 404)
    assert_error(mgmt.delete(path), 404)
    with factories.database(server)() as uow:
        assert uow.records.count("loyalty_card_profiles", card_id=card["id"]) == 0


def test_a_transfer_moves_profiles_and_ledgers_and_blocks_the_old_card(
    server: Server, mgmt: httpx.Client, integration: httpx.Client, program_id: int
) -> None:
    # given a card with a profile, 40 points on its main ledger and a transaction
    ann = random_id("ann")
    old = generate(integration, program_id, customerProfileIds=[ann])
    with factories.database(server)() as uow:
        ledger = uow.records.insert(
            "loyalty_ledgers",
            {
                "account_id": 1,
                "program_id": program_id,
                "owner_key": f"card:{old['id']}",
                "card_id": old["id"],
                "subledger_id": "",
                "active_points": Decimal(40),
            },
        )
        uow.records.insert(
            "loyalty_ledger_entries",
            {
                "account_id": 1,
                "program_id": program_id,
                "ledger_id": ledger,
                "created": datetime.now(UTC),
                "type": "addition",
                "amount": Decimal(40),
                "remaining": Decimal(40),
                "transaction_uuid": random_id("uuid"),
            },
        )
        uow.commit()
    new_identifier = random_id("new")
    path = f"/v1/loyalty_programs/{program_id}/cards/{old['identifier']}"
    # when it is transferred
    moved = mgmt.put(f"{path}/transfer", json={"newCardIdentifier": new_identifier, "blockReason": "stolen"})
    assert moved.status_code == 204, moved.text
    # then the new card has the profile, the balance and the transaction; the old one is blocked
    new = check("LoyaltyCard", mgmt.get(f"/v1/loyalty_programs/{program_id}/cards/{new_identifier}").json())
    assert new["status"] == "active" and new["oldCardIdentifier"] == old["identifier"]
    assert [p["integrationId"] for p in new["profiles"]] == [ann] and new["ledger"]["currentBalance"] == 40
    assert new["usersPerCardLimit"] == 3
    blocked = mgmt.get(path).json()
    assert (blocked["status"], blocked["blockReason"], blocked["newCardIdentifier"]) == (
        "inactive",
        "stolen",
        new_identifier,
    )
    assert blocked["profiles"] == [] and blocked["ledger"]["currentBalance"] == 0
    listed = integration.get(f"/v1/loyalty_programs/{program_id}/cards/{new_identifier}/transactions").json()
    assert [r["amount"] for r in listed["data"]] == [40]
    # a transferred card stays blocked and is not transferred again
    assert_error(mgmt.put(path, json={"status": "active"}), 400, pointer="/status")
    again = mgmt.put(f"{path}/transfer", json={"newCardIdentifier": random_id("x")})
    assert_error(again, 400, parameter="loyaltyCardId")
    # the new identifier must be new and valid
    other = generate(integration, program_id)["identifier"]
    taken = mgmt.put(
        f"/v1/loyalty_programs/{program_id}/cards/{other}/transfer",
        json={"newCardIdentifier": new_identifier},
    )
    assert_error(taken, 400, pointer="/newCardIdentifier")
    bad = mgmt.put(
        f"/v1/loyalty_programs/{program_id}/cards/{other}/transfer", json={"newCardIdentifier": "a b"}
    )
    assert_error(bad, 400, pointer="/newCardIdentifier")

"""A profile's and a card's ledger lists through the Integration API: transactions (every filter, paging,
newest first, how ``expire`` entries and start and expiry dates are answered) and unused points (by
status at request time, sorted); the 400s and 404s. Ledgers and entries are given straight to the
database, as the ledger's writer leaves them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import talon_one
from talon_one.api.integration_api import IntegrationApi

from tests.api import factories
from tests.api.sdk import check_page
from tests.conftest import AppContext, Server, assert_error, create_application, random_id

NOW = datetime.now(UTC).replace(microsecond=0)
DAY = timedelta(days=1)


@pytest.fixture
def integration(server: Server, app: AppContext) -> httpx.Client:
    return server.client(f"ApiKey-v1 {app.key}")


def insert(server: Server, table: str, **values: Any) -> int:
    with factories.database(server)() as uow:
        ident = uow.records.insert(table, {"account_id": 1, **values})
        uow.commit()
    return ident


@dataclass
class Ledger:
    server: Server
    program_id: int
    owner: str
    ids: dict[str, int]

    def ledger(self, subledger: str) -> int:
        if subledger not in self.ids:
            self.ids[subledger] = insert(
                self.server,
                "loyalty_ledgers",
                program_id=self.program_id,
                owner_key=self.owner,
                subledger_id=subledger,
            )
        return self.ids[subledger]

    def entry(self, kind: str, amount: str, created: datetime, subledger: str = "", **values: Any) -> int:
        defaults: dict[str, Any] = {
            "transaction_uuid": random_id("uuid"),
            "source": "session",
            "name": f"{kind} {amount}",
            "remaining": Decimal(amount) if kind == "addition" else 0,
        }
        return insert(
            self.server,
            "loyalty_ledger_entries",
            program_id=self.program_id,
            ledger_id=self.ledger(subledger),
            subledger_id=subledger,
            type=kind,
            amount=Decimal(amount),
            created=created,
            **{**defaults, **values},
        )


def profile_ledger(
    server: Server, mgmt: httpx.Client, app: AppContext, integration: httpx.Client
) -> tuple[Ledger, str]:
    program = factories.loyalty_program(mgmt, app, allowSubledger=True)
    profile = random_id("ann")
    body: dict[str, Any] = {"attributes": {}}
    assert integration.put(f"/v2/customer_profiles/{profile}", json=body).status_code == 200
    return Ledger(server, program["id"], f"profile:{profile}", {}), profile


def transactions(client: httpx.Client, path: str, **params: Any) -> list[dict[str, Any]]:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    return check_page(response.json(), "LedgerTransactionLogEntryIntegrationAPI", total=False)


def test_a_profiles_transactions_newest_first_with_every_filter(
    server: Server, mgmt: httpx.Client, app: AppContext, integration: httpx.Client
) -> None:
    # given a profile's additions, a deduction, an expiry and an addition awaiting activation
    ledger, profile = profile_ledger(server, mgmt, app, integration)
    earned = ledger.entry(
        "addition",
        "100",
        NOW - 5 * DAY,
        customer_session_id="s1",
        rule_name="earn",
        ruleset_id=7,
        expiry_date=NOW + 30 * DAY,
        validity_duration="30D",
    )
    spent = ledger.entry(
        "subtraction", "30.5", NOW - 4 * DAY, source="manual", flags={"createsNegativeBalance": True}
    )
    expired = ledger.entry("expire", "10", NOW - 3 * DAY, name="")
    books = ledger.entry("addition", "7", NOW - 2 * DAY, subledger="books", source="import")
    waiting = ledger.entry(
        "addition", "20", NOW - DAY, customer_session_id="s2", pending_action=True, validity_duration="10D"
    )
    path = f"/v1/loyalty_programs/{ledger.program_id}/profile/{profile}/transactions"
    # when the whole list is read
    rows = transactions(integration, path)
    # then it is newest first, expiries are subtractions, dates are words or times
    assert [r["id"] for r in rows] == [waiting, books, expired, spent, earned]
    by_id = {r["id"]: r for r in rows}
    assert by_id[earned]["type"] == "addition" and by_id[earned]["amount"] == 100
    assert by_id[earned]["startDate"] == "immediate"
    assert by_id[earned]["expiryDate"] == (NOW + 30 * DAY).isoformat().replace("+00:00", "Z")
    assert (by_id[earned]["ruleName"], by_id[earned]["rulesetId"], by_id[earned]["customerSessionId"]) == (
        "earn",
        7,
        "s1",
    )
    assert by_id[earned]["validityDuration"] == "30D" and by_id[earned]["programId"] == ledger.program_id
    assert by_id[spent]["type"] == "subtraction" and by_id[spent]["amount"] == 30.5
    assert by_id[spent]["flags"] == {"createsNegativeBalance": True}
    assert by_id[spent]["expiryDate"] == "unlimited"
    assert (by_id[expired]["type"], by_id[expired]["name"]) == ("subtraction", "Expired points")
    assert by_id[books]["subledgerId"] == "books" and by_id[earned]["subledgerId"] == ""
    assert by_id[waiting]["startDate"] == "on_action"
    # each filter
    uuid = by_id[earned]["transactionUUID"]
    assert [r["id"] for r in transactions(integration, path, customerSessionIDs=["s1", "s2"])] == [
        waiting,
        earned,
    ]
    assert [r["id"] for r in transactions(integration, path, transactionUUIDs=[uuid])] == [earned]
    assert [r["id"] for r in transactions(integration, path, subledgerId="books")] == [books]
    assert [r["id"] for r in transactions(integration, path, subledgerId="")] == [
        waiting,
        expired,
        spent,
        earned,
    ]
    assert [r["id"] for r in transactions(integration, path, loyaltyTransactionType="manual")] == [spent]
    assert [r["id"] for r in transactions(integration, path, loyaltyTransactionType="import")] == [books]
    window = {"startDate": (NOW - 4 * DAY).isoformat(), "endDate": (NOW - 2 * DAY).date().isoformat()}
    assert [r["id"] for r in transactions(integration, path, **window)] == [expired, spent]
    assert [r["id"] for r in transactions(integration, path, awaitsActivation="true")] == [waiting]


def test_transactions_page_in_the_database(
    server: Server, mgmt: httpx.Client, app: AppContext, integration: httpx.Client
) -> None:
    ledger, profile = profile_ledger(server, mgmt, app, integration)
    ids = [ledger.entry("addition", str(i + 1), NOW - (10 - i) * DAY) for i in range(5)]
    path = f"/v1/loyalty_programs/{ledger.program_id}/profile/{profile}/transactions"
    first = integration.get(path, params={"pageSize": 2}).json()
    assert first["hasMore"] is True and [r["id"] for r in first["data"]] == ids[::-1][:2]
    last = integration.get(path, params={"pageSize": 2, "skip": 4}).json()
    assert last["hasMore"] is False and [r["id"] for r in last["data"]] == [ids[0]]
    assert integration.get(path, params={"skip": 5}).json() == {"hasMore": False, "data": []}
    assert len(integration.get(path).json()["data"]) == 5


def test_unused_points_by_status_at_request_time(
    server: Server, mgmt: httpx.Client, app: AppContext, integration: httpx.Client
) -> None:
    # given lots: partly spent active, future, awaiting activation, expired unrecorded and recorded
    ledger, profile = profile_ledger(server, mgmt, app, integration)
    active = ledger.entry(
        "addition", "100", NOW - 9 * DAY, remaining=Decimal("60.25"), expiry_date=NOW + 5 * DAY
    )
    spent = ledger.entry("addition", "5", NOW - 8 * DAY, remaining=0)
    later = ledger.entry("addition", "30", NOW - 7 * DAY, start_date=NOW + 2 * DAY, expiry_date=NOW + 9 * DAY)
    waiting = ledger.entry("addition", "20", NOW - 6 * DAY, pending_action=True)
    activated = ledger.entry(
        "addition", "15", NOW - 5 * DAY, pending_action=True, activated_at=NOW - DAY, subledger="books"
    )
    lapsed = ledger.entry("addition", "40", NOW - 4 * DAY, remaining=Decimal("12"), expiry_date=NOW - DAY)
    recorded = ledger.entry("addition", "50", NOW - 3 * DAY, remaining=0, expiry_date=NOW - 2 * DAY)
    expire = ledger.entry("expire", "8", NOW - 2 * DAY)
    insert(
        server,
        "loyalty_ledger_allocations",
        ledger_id=ledger.ids[""],
        entry_id=expire,
        lot_id=recorded,
        amount=Decimal(8),
        at=NOW - 2 * DAY,
    )
    path = f"/v1/loyalty_programs/{ledger.program_id}/profile/{profile}/points"

    def listed(**params: Any) -> list[tuple[int, Any]]:
        response = integration.get(path, params=params)
        assert response.status_code == 200, response.text
        rows = check_page(response.json(), "LedgerPointsEntryIntegrationAPI", total=False)
        return [(r["id"], r["amount"]) for r in rows]

    assert listed() == [(activated, 15), (active, 60.25)]
    assert listed(status="active") == listed()
    assert spent not in dict(listed(status="active"))
    assert listed(status="pending") == [(waiting, 20), (later, 30)]
    assert listed(status="expired") == [(recorded, 8), (lapsed, 12)]
    # sorted by start or expiry date, ascending (no date first) or descending (no date last)
    assert [i for i, _ in listed(status="pending", sort="startDate")] == [waiting, later]
    assert [i for i, _ in listed(status="pending", sort="-startDate")] == [later, waiting]
    assert [i for i, _ in listed(sort="expiryDate")] == [activated, active]
    assert [i for i, _ in listed(sort="-expiryDate")] == [active, activated]
    # the id filters and paging
    assert listed(subledgerId="books") == [(activated, 15)]
    rows = integration.get(path, params={"pageSize": 1}).json()
    assert rows["hasMore"] is True and len(rows["data"]) == 1
    started = integration.get(path, params={"status": "active"}).json()["data"]
    by_id = {r["id"]: r for r in started}
    assert by_id[activated]["startDate"] == (NOW - DAY).isoformat().replace("+00:00", "Z")
    assert by_id[active]["startDate"] == "immediate" and by_id[activated]["expiryDate"] == "unlimited"
    uuid = by_id[active]["transactionUUID"]
    assert listed(transactionUUIDs=[uuid]) == [(active, 60.25)]
    assert listed(customerSessionIDs=["nope"]) == []


def card_ledger(
    server: Server, mgmt: httpx.Client, app: AppContext, integration: httpx.Client, prefix: str = "c%+@"
) -> tuple[Ledger, str]:
    """A card of a new card-based program (an identifier with the characters paths must encode, unless
    ``prefix`` says otherwise: the official client's models take only ``A-Z a-z 0-9 _ -``)."""
    program = factories.loyalty_program(mgmt, app, cardBased=True, allowSubledger=True, usersPerCardLimit=1)
    identifier = prefix + random_id("").replace("-", "")
    created = integration.post(
        f"/v1/loyalty_programs/{program['id']}/cards", json={"cardIdentifier": identifier}
    )
    assert created.status_code == 200, created.text
    return Ledger(server, program["id"], f"card:{created.json()['id']}", {}), identifier


def test_a_cards_transactions_and_points(
    server: Server, mgmt: httpx.Client, app: AppContext, integration: httpx.Client
) -> None:
    ledger, identifier = card_ledger(server, mgmt, app, integration)
    main = ledger.entry("addition", "10", NOW - 3 * DAY)
    books = ledger.entry("addition", "20", NOW - 2 * DAY, subledger="books")
    shoes = ledger.entry("subtraction", "5", NOW - DAY, subledger="shoes")
    base = f"/v1/loyalty_programs/{ledger.program_id}/cards/{quote(identifier, safe='')}"
    response = integration.get(f"{base}/transactions")
    assert response.status_code == 200, response.text
    rows = check_page(response.json(), "CardLedgerTransactionLogEntryIntegrationAPI", total=False)
    assert [r["id"] for r in rows] == [shoes, books, main]
    assert {r["cardIdentifier"] for r in rows} == {identifier}
    both = integration.get(f"{base}/transactions", params={"subledgerId": ["books", "shoes"]}).json()
    assert [r["id"] for r in both["data"]] == [shoes, books]
    points = integration.get(f"{base}/points", params={"subledgerId": ["", "books"], "sort": "-startDate"})
    assert points.status_code == 200, points.text
    data = check_page(points.json(), "CardLedgerPointsEntryIntegrationAPI", total=False)
    assert [(r["id"], r["amount"]) for r in data] == [(books, 20), (main, 10)]
    card = integration.post(
        f"/v2/loyalty_programs/{ledger.program_id}/cards/{quote(identifier, safe='')}/link_profile",
        json={"integrationId": random_id("p")},
    )
    assert card.status_code == 200, card.text


BAD_QUERIES: list[tuple[str, dict[str, Any], str]] = [
    ("transactions", {"awaitsActivation": "false"}, "awaitsActivation"),
    ("transactions", {"awaitsActivation": "maybe"}, "awaitsActivation"),
    ("transactions", {"loyaltyTransactionType": "event"}, "loyaltyTransactionType"),
    ("transactions", {"startDate": "yesterday"}, "startDate"),
    ("transactions", {"endDate": "2020-13-01"}, "endDate"),
    ("transactions", {"pageSize": 0}, "pageSize"),
    ("transactions", {"pageSize": 1001}, "pageSize"),
    ("transactions", {"skip": -1}, "skip"),
    ("points", {"status": "spent"}, "status"),
    ("points", {"sort": "created"}, "sort"),
    ("points", {"pageSize": "many"}, "pageSize"),
]


@pytest.mark.parametrize(("kind", "params", "parameter"), BAD_QUERIES)
def test_bad_queries_are_400s_naming_the_parameter(
    server: Server,
    mgmt: httpx.Client,
    app: AppContext,
    integration: httpx.Client,
    kind: str,
    params: dict[str, Any],
    parameter: str,
) -> None:
    ledger, profile = profile_ledger(server, mgmt, app, integration)
    card, identifier = card_ledger(server, mgmt, app, integration)
    for path in (
        f"/v1/loyalty_programs/{ledger.program_id}/profile/{profile}/{kind}",
        f"/v1/loyalty_programs/{card.program_id}/cards/{quote(identifier, safe='')}/{kind}",
    ):
        assert_error(integration.get(path, params=params), 400, parameter=parameter)


def test_unknown_programs_profiles_and_cards_are_404s(
    server: Server, mgmt: httpx.Client, app: AppContext, integration: httpx.Client
) -> None:
    ledger, profile = profile_ledger(server, mgmt, app, integration)
    card, identifier = card_ledger(server, mgmt, app, integration)
    other = factories.loyalty_program(mgmt, create_application(mgmt))["id"]
    for kind in ("transactions", "points"):
        for path in (
            f"/v1/loyalty_programs/987654321/profile/{profile}/{kind}",
            f"/v1/loyalty_programs/{other}/profile/{profile}/{kind}",
            f"/v1/loyalty_programs/{ledger.program_id}/profile/{random_id('nobody')}/{kind}",
            f"/v1/loyalty_programs/987654321/cards/{quote(identifier, safe='')}/{kind}",
            f"/v1/loyalty_programs/{card.program_id}/cards/NOPE-0000/{kind}",
        ):
            assert_error(integration.get(path), 404)
        # a profile's list in a card-based program and a card's in a profile-based one
        assert_error(
            integration.get(f"/v1/loyalty_programs/{card.program_id}/profile/{profile}/{kind}"),
            400,
            parameter="loyaltyProgramId",
        )
        assert_error(
            integration.get(f"/v1/loyalty_programs/{ledger.program_id}/cards/NOPE-0000/{kind}"),
            400,
            parameter="loyaltyProgramId",
        )
        assert_error(
            integration.get(f"/v1/loyalty_programs/{card.program_id}/cards/abc/{kind}"),
            400,
            parameter="loyaltyCardId",
        )


def test_the_official_client_reads_the_lists(
    server: Server, mgmt: httpx.Client, app: AppContext, integration: httpx.Client
) -> None:
    # given a profile's addition awaiting activation and a card's addition on a subledger
    ledger, profile = profile_ledger(server, mgmt, app, integration)
    waiting = ledger.entry("addition", "20", NOW - DAY, pending_action=True, customer_session_id="s1")
    card, identifier = card_ledger(server, mgmt, app, integration, prefix="sdk-")
    books = card.entry("addition", "12.5", NOW - DAY, subledger="books")
    config = talon_one.Configuration(host=server.base_url)
    config.api_key["api_key_v1"] = app.key
    config.api_key_prefix["api_key_v1"] = "ApiKey-v1"
    api = IntegrationApi(talon_one.ApiClient(config))
    # when the official client asks, with its own encoding of times, lists and booleans
    since, until = NOW - 2 * DAY, NOW + DAY
    profile_rows = api.get_loyalty_program_profile_transactions(
        ledger.program_id,
        profile,
        customer_session_ids=["s1", "s2"],
        start_date=since,
        end_date=until,
        awaits_activation=True,
        page_size=10,
    )
    pending = api.get_loyalty_program_profile_points(
        ledger.program_id, profile, status="pending", sort="-startDate"
    )
    card_rows = api.get_loyalty_card_transactions(
        card.program_id, identifier, subledger_id=["books", "shoes"]
    )
    card_points = api.get_loyalty_card_points(card.program_id, identifier, subledger_id=["books"])
    # then it reads what the lists hold
    assert [(r.id, r.start_date) for r in profile_rows.data] == [(waiting, "on_action")]
    assert [(p.id, p.amount) for p in pending.data] == [(waiting, 20)]
    assert [(r.id, r.subledger_id, r.type) for r in card_rows.data] == [(books, "books", "addition")]
    assert [(p.id, p.amount) for p in card_points.data] == [(books, 12.5)]

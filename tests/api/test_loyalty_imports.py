"""A loyalty program's CSV imports (points, cards) through the Management API: what they write is seen
by the balances and lists, a bad row is a 400 naming its line and writes nothing; answers checked with
Talon.One's own models."""

from __future__ import annotations

import csv as csv_module
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.api import factories
from tests.api.sdk import check, check_page
from tests.conftest import AppContext, Server, assert_error, random_id

PROGRAM = "/v1/loyalty_programs/{}"


@pytest.fixture
def integration(server: Server, app: AppContext) -> httpx.Client:
    return server.client(f"ApiKey-v1 {app.key}")


def _upload(mgmt: httpx.Client, program_id: int, kind: str, text: str) -> httpx.Response:
    files = {"upFile": ("f.csv", text.encode(), "text/csv")}
    return mgmt.post(f"{PROGRAM.format(program_id)}/import_{kind}", files=files)


def _imported(mgmt: httpx.Client, program_id: int, kind: str, text: str) -> dict[str, Any]:
    answer = _upload(mgmt, program_id, kind, text)
    assert answer.status_code == 200, answer.text
    return check("Import", answer.json())


def _transactions(mgmt: httpx.Client, program_id: int, **params: Any) -> list[dict[str, Any]]:
    found = mgmt.get(f"{PROGRAM.format(program_id)}/transactions", params=params)
    assert found.status_code == 200, found.text
    return check_page(found.json(), "LoyaltyProgramTransaction", total=False)


def _balances(integration: httpx.Client, program_id: int, profile: str, **params: Any) -> dict[str, Any]:
    found = integration.get(f"{PROGRAM.format(program_id)}/profile/{profile}/balances", params=params)
    assert found.status_code == 200, found.text
    return check("LoyaltyBalancesWithTiers", found.json())


def _card(integration: httpx.Client, program_id: int, **body: Any) -> str:
    identifier = "IMP-" + random_id("")[-10:]
    generated = integration.post(
        f"{PROGRAM.format(program_id)}/cards", json={"cardIdentifier": identifier, **body}
    )
    assert generated.status_code == 200, generated.text
    return identifier


def test_points_imported_into_profiles_reach_the_balances_and_the_lists(
    mgmt: httpx.Client, app: AppContext, integration: httpx.Client
) -> None:
    # given a profile-based program with subledgers and a tier at 100 points
    program = factories.loyalty_program(
        mgmt, app, allowSubledger=True, tiers=[{"name": "Gold", "minPoints": 100}], timezone="Europe/Berlin"
    )
    pid = program["id"]
    known, unknown = random_id("known"), random_id("new")
    assert integration.put(f"/v2/customer_profiles/{known}", json={"attributes": {}}).status_code == 200
    soon = (datetime.now(UTC) + timedelta(days=2)).replace(microsecond=0)
    # when a file gives the known profile 120 active points, 30 pending, 20 on action, 5 in a subledger,
    # and a profile nobody has seen 7 that expire
    csv = "\n".join(
        [
            "CustomerProfileId,amount,startdate,expirydate,validityDuration,subledgerid,reason",
            f"{known},120,,,,,welcome",
            f"{known},30,{soon.isoformat()},unlimited,,,later",
            f"{known},20,on_action,,7D,,on action",
            f"{known},5.005,immediate,2099-01-01T00:00:00Z,,shoes,",
            f"{unknown},7,,{(soon + timedelta(days=1)).isoformat()},,,",
        ]
    )
    record = _imported(mgmt, pid, "points", csv + "\n")
    # then the import is recorded with its rows
    assert record["entity"] == "LoyaltyPoints" and record["amount"] == 5
    balances = _balances(integration, pid, known, includeTiers="true")["balance"]
    assert (balances["activePoints"], balances["pendingPoints"]) == (120.0, 50.0)
    assert balances["currentTier"]["name"] == "Gold"  # the import upgraded the tier
    subledger = _balances(integration, pid, known, subledgerId="shoes")["subledgerBalances"]["shoes"]
    assert subledger["activePoints"] == 5.0  # rounded to 2 places
    later = (soon + timedelta(days=3)).isoformat()
    assert _balances(integration, pid, unknown, endDate=later)["balance"]["expiredPoints"] == 7.0
    assert _balances(integration, pid, known, endDate=later)["balance"]["activePoints"] == 150.0
    # the program's transactions list them as imported, with the import's id and the reasons
    rows = _transactions(mgmt, pid, loyaltyTransactionType="import")
    assert len(rows) == 5 and {r["importId"] for r in rows} == {record["id"]}
    assert _transactions(mgmt, pid, loyaltyTransactionType="manual") == []
    by_name = {r["name"]: r for r in rows}
    assert by_name["welcome"]["customerProfileId"] == known
    assert (
        by_name["on action"]["startDate"] == "on_action" and by_name["on action"]["validityDuration"] == "7D"
    )
    assert by_name["later"]["startDate"].startswith(soon.strftime("%Y-%m-%dT%H:%M:%S"))
    assert len({r["transactionUUID"] for r in rows}) == 5
    # and the unknown profile exists now
    assert integration.put(f"/v2/customer_profiles/{unknown}", json={"attributes": {}}).status_code == 200


def test_points_imported_into_cards(mgmt: httpx.Client, app: AppContext, integration: httpx.Client) -> None:
    program = factories.loyalty_program(mgmt, app, cardBased=True)
    pid = program["id"]
    card = _card(integration, pid)
    _imported(mgmt, pid, "points", f"identifier,amount,reason\n{card},40,import\n{card},2.5,again\n")
    found = integration.get(f"{PROGRAM.format(pid)}/cards/{card}/balances")
    assert found.status_code == 200, found.text
    assert check("LoyaltyCardBalances", found.json())["balance"]["activePoints"] == 42.5
    rows = _transactions(mgmt, pid)
    assert {r["cardIdentifier"] for r in rows} == {card}


@pytest.mark.parametrize(
    ("csv", "pointer"),
    [
        ("identifier,amount\n{card},10\nNO-SUCH-CARD,5\n", "/upFile/3/identifier"),
        ("identifier,amount\n{card},ten\n", "/upFile/2/amount"),
        ("identifier,amount\n{card},0\n", "/upFile/2/amount"),
        ("identifier,amount,startdate\n{card},10,tomorrow\n", "/upFile/2/startdate"),
        ("identifier,amount,expirydate\n{card},10,2001-01-01T00:00:00Z\n", "/upFile/2/expirydate"),
        (
            "identifier,amount,expirydate,validityduration\n{card},1,2099-01-01,1D\n",
            "/upFile/2/validityduration",
        ),
        ("identifier,amount,subledgerid\n{card},10,shoes\n", "/upFile/2/subledgerid"),
        ("identifier\n{card}\n", "/upFile"),
        ("customerprofileid,amount\nsomeone,10\n", "/upFile"),
        ("identifier,amount,colour\n{card},10,red\n", "/upFile"),
        ("identifier,amount\n", "/upFile"),
    ],
)
def test_a_bad_points_row_is_a_400_naming_its_line_and_nothing_is_written(
    mgmt: httpx.Client, app: AppContext, integration: httpx.Client, csv: str, pointer: str
) -> None:
    program = factories.loyalty_program(mgmt, app, cardBased=True)
    pid = program["id"]
    card = _card(integration, pid)
    assert_error(_upload(mgmt, pid, "points", csv.format(card=card)), 400, pointer=pointer)
    assert _transactions(mgmt, pid) == []


def test_an_inactive_card_gets_no_imported_points(
    mgmt: httpx.Client, app: AppContext, integration: httpx.Client
) -> None:
    program = factories.loyalty_program(mgmt, app, cardBased=True)
    pid = program["id"]
    card = _card(integration, pid, status="inactive")
    assert_error(
        _upload(mgmt, pid, "points", f"identifier,amount\n{card},1\n"), 400, pointer="/upFile/2/identifier"
    )


def test_every_bad_cell_is_reported(mgmt: httpx.Client, app: AppContext) -> None:
    program = factories.loyalty_program(mgmt, app)
    answer = _upload(mgmt, program["id"], "points", "customerprofileid,amount\na,x\nb,1\n,2\n")
    body = assert_error(answer, 400, pointer="/upFile/2/amount")
    assert [e["source"]["pointer"] for e in body["errors"]] == [
        "/upFile/2/amount",
        "/upFile/4/customerprofileid",
    ]


def test_cards_imported_with_their_profiles(mgmt: httpx.Client, app: AppContext) -> None:
    # given a card-based program whose cards take two profiles
    program = factories.loyalty_program(mgmt, app, cardBased=True, usersPerCardLimit=2)
    pid = program["id"]
    first, second = "CSV-" + random_id("")[-10:], "CSV-" + random_id("")[-10:]
    profile = random_id("holder")
    # when a file gives one active card with two profiles and a blocked one without
    record = _imported(
        mgmt,
        pid,
        "cards",
        "Identifier,State,CustomerProfileIds\n"
        f"{first},active,{profile}; other-{profile}\n{second},inactive,\n",
    )
    assert record["entity"] == "LoyaltyCards" and record["amount"] == 2
    # then the cards are the program's, with their profiles and the program's limit
    card = check("LoyaltyCard", mgmt.get(f"{PROGRAM.format(pid)}/cards/{first}").json())
    assert card["status"] == "active" and card["usersPerCardLimit"] == 2
    assert [p["integrationId"] for p in card["profiles"]] == sorted([profile, f"other-{profile}"])
    blocked = check("LoyaltyCard", mgmt.get(f"{PROGRAM.format(pid)}/cards/{second}").json())
    assert blocked["status"] == "inactive" and blocked["profiles"] == []
    # and importing one of them again is a 400 naming its line; nothing of that file is written
    third = "CSV-" + random_id("")[-10:]
    answer = _upload(mgmt, pid, "cards", f"identifier,state\n{third},active\n{first},active\n")
    assert_error(answer, 400, pointer="/upFile/3/identifier")
    assert mgmt.get(f"{PROGRAM.format(pid)}/cards/{third}").status_code == 404


@pytest.mark.parametrize(
    ("csv", "pointer"),
    [
        ("identifier,state,customerprofileids\nCSV-LIMIT-1,active,a;b;c\n", "/upFile/2/customerprofileids"),
        ("identifier,state,customerprofileids\nCSV-TWICE-1,active,a;a\n", "/upFile/2/customerprofileids"),
        ("identifier,state\nCSV-STATE-1,blocked\n", "/upFile/2/state"),
        ("identifier,state\nno\n", "/upFile/2/identifier"),
        ("identifier,state\nCSV-DUP-1,active\nCSV-DUP-1,active\n", "/upFile/3/identifier"),
        ("identifier\nCSV-NOSTATE\n", "/upFile"),
    ],
)
def test_a_bad_card_row_is_a_400_naming_its_line(
    mgmt: httpx.Client, app: AppContext, csv: str, pointer: str
) -> None:
    program = factories.loyalty_program(mgmt, app, cardBased=True, usersPerCardLimit=2)
    assert_error(_upload(mgmt, program["id"], "cards", csv), 400, pointer=pointer)
    found = mgmt.get(f"{PROGRAM.format(program['id'])}/cards")
    assert found.status_code == 200 and found.json()["data"] == []


def test_imports_answer_404_for_an_unknown_program_and_400_for_cards_of_a_profile_program(
    mgmt: httpx.Client, app: AppContext
) -> None:
    assert_error(_upload(mgmt, 987654321, "points", "customerprofileid,amount\na,1\n"), 404)
    assert_error(_upload(mgmt, 987654321, "cards", "identifier,state\nABCD-1,active\n"), 404)
    program = factories.loyalty_program(mgmt, app)
    answer = _upload(mgmt, program["id"], "cards", "identifier,state\nABCD-1,active\n")
    assert_error(answer, 400, parameter="loyaltyProgramId")


def _csv(answer: httpx.Response) -> list[dict[str, str]]:
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/csv")
    return list(csv_module.DictReader(io.StringIO(answer.text)))


def _header(answer: httpx.Response) -> list[str]:
    return next(csv_module.reader(io.StringIO(answer.text)))


RANGE = {"rangeStart": "2020-01-01", "rangeEnd": "2099-01-01"}


def test_customer_balances_and_a_profiles_log_are_exported(
    mgmt: httpx.Client, app: AppContext, integration: httpx.Client
) -> None:
    # given two profiles with imported points, one with a subledger and a tier, and a deduction by hand
    program = factories.loyalty_program(
        mgmt, app, allowSubledger=True, tiers=[{"name": "Gold", "minPoints": 50}]
    )
    pid = program["id"]
    ann, bob = random_id("ann"), random_id("bob")
    soon = (datetime.now(UTC) + timedelta(days=2)).replace(microsecond=0)
    _imported(
        mgmt,
        pid,
        "points",
        "customerprofileid,amount,startdate,expirydate,subledgerid,reason\n"
        f"{ann},80,,,,gift\n{ann},5,,,shoes,\n"
        f"{bob},10,{soon.isoformat()},{(soon + timedelta(days=1)).isoformat()},,\n",
    )
    deducted = mgmt.put(
        f"{PROGRAM.format(pid)}/profile/{ann}/deduct_points", json={"points": 20, "name": "spent"}
    )
    assert deducted.status_code == 204, deducted.text
    # when the balances are exported now
    url = f"{PROGRAM.format(pid)}/export_customer_balances"
    answer = mgmt.get(url)
    rows = _csv(answer)
    # then the columns are the spec's, one row per ledger
    assert _header(answer) == [
        "loyaltyProgramID",
        "loyaltySubledger",
        "profileIntegrationID",
        "currentBalance",
        "pendingBalance",
        "expiredBalance",
        "spentBalance",
        "currentTier",
    ]
    by_ledger = {(r["profileIntegrationID"], r["loyaltySubledger"]): r for r in rows}
    assert set(by_ledger) == {(ann, ""), (ann, "shoes"), (bob, "")}
    main = by_ledger[ann, ""]
    assert (main["loyaltyProgramID"], main["currentBalance"], main["spentBalance"]) == (
        str(pid),
        "60.00",
        "20.00",
    )
    assert main["currentTier"] == "Gold" and by_ledger[bob, ""]["currentTier"] == ""
    assert (by_ledger[bob, ""]["currentBalance"], by_ledger[bob, ""]["pendingBalance"]) == ("0.00", "10.00")
    # in four days bob's points have come and gone; the legacy route answers the same
    later = {"endDate": (soon + timedelta(days=2)).isoformat()}
    for path in (url, f"{PROGRAM.format(pid)}/export_customer_balance"):
        bob_later = {
            r["profileIntegrationID"]: r
            for r in _csv(mgmt.get(path, params=later))
            if not r["loyaltySubledger"]
        }
        assert (bob_later[bob]["pendingBalance"], bob_later[bob]["expiredBalance"]) == ("0.00", "10.00")
    # and ann's log lists her transactions oldest first, with the spec's columns
    log = mgmt.get(f"{PROGRAM.format(pid)}/profile/{ann}/export_log", params=RANGE)
    entries = _csv(log)
    assert _header(log) == [
        "customerprofileid",
        "customersessionid",
        "rulesetid",
        "rulename",
        "programid",
        "type",
        "name",
        "subledgerid",
        "startdate",
        "expirydate",
        "id",
        "created",
        "amount",
        "archived",
        "campaignid",
        "flags",
        "transactionUUID",
    ]
    assert [(e["type"], e["amount"], e["name"], e["subledgerid"]) for e in entries] == [
        ("addition", "80.00", "gift", ""),
        ("addition", "5.00", "", "shoes"),
        ("subtraction", "20.00", "spent", ""),
    ]
    assert {e["customerprofileid"] for e in entries} == {ann}
    assert entries[0]["startdate"].endswith("Z") and entries[0]["expirydate"] == "unlimited"
    assert entries[0]["created"].endswith("Z") and entries[0]["archived"] == "false"
    excel = _csv(
        mgmt.get(f"{PROGRAM.format(pid)}/profile/{ann}/export_log", params={**RANGE, "dateFormat": "excel"})
    )
    assert len(excel[0]["created"]) == 19 and "T" not in excel[0]["created"]
    # a range before the points were written has none
    empty = mgmt.get(
        f"{PROGRAM.format(pid)}/profile/{ann}/export_log",
        params={"rangeStart": "2020-01-01", "rangeEnd": "2020-02-01"},
    )
    assert _csv(empty) == [] and _header(empty)[0] == "customerprofileid"


def test_card_balances_and_a_cards_log_are_exported(
    mgmt: httpx.Client, app: AppContext, integration: httpx.Client
) -> None:
    program = factories.loyalty_program(mgmt, app, cardBased=True, allowSubledger=True)
    pid = program["id"]
    rich, empty = _card(integration, pid), _card(integration, pid, status="inactive")
    _imported(mgmt, pid, "points", f"identifier,amount,subledgerid\n{rich},12.5,\n{rich},3,extra\n")
    answer = mgmt.get(f"{PROGRAM.format(pid)}/export_card_balances")
    rows = _csv(answer)
    assert _header(answer) == [
        "loyaltyProgramID",
        "loyaltySubledger",
        "cardIdentifier",
        "cardState",
        "currentBalance",
        "pendingBalance",
        "expiredBalance",
        "spentBalance",
    ]
    assert [
        (r["cardIdentifier"], r["loyaltySubledger"], r["cardState"], r["currentBalance"]) for r in rows
    ] == [
        (rich, "", "active", "12.50"),
        (rich, "extra", "active", "3.00"),
        (empty, "", "inactive", "0.00"),
    ]
    log = mgmt.get(f"{PROGRAM.format(pid)}/cards/{rich}/export_log", params=RANGE)
    entries = _csv(log)
    assert _header(log)[0] == "cardidentifier"
    assert [(e["cardidentifier"], e["amount"], e["subledgerid"]) for e in entries] == [
        (rich, "12.50", ""),
        (rich, "3.00", "extra"),
    ]


def test_exports_answer_404_and_400_as_the_spec_says(mgmt: httpx.Client, app: AppContext) -> None:
    unknown = PROGRAM.format(987654321)
    assert_error(mgmt.get(f"{unknown}/export_customer_balances"), 404)
    assert_error(mgmt.get(f"{unknown}/export_card_balances"), 404)
    assert_error(mgmt.get(f"{unknown}/profile/someone/export_log", params=RANGE), 404)
    assert_error(mgmt.get(f"{unknown}/cards/NO-SUCH-CARD/export_log", params=RANGE), 404)
    profiles = PROGRAM.format(factories.loyalty_program(mgmt, app)["id"])
    cards = PROGRAM.format(factories.loyalty_program(mgmt, app, cardBased=True)["id"])
    assert_error(mgmt.get(f"{profiles}/profile/nobody-{random_id('')}/export_log", params=RANGE), 404)
    assert_error(mgmt.get(f"{cards}/cards/NO-SUCH-CARD/export_log", params=RANGE), 404)
    assert_error(mgmt.get(f"{cards}/export_customer_balances"), 400, parameter="loyaltyProgramId")
    assert_error(mgmt.get(f"{profiles}/export_card_balances"), 400, parameter="loyaltyProgramId")
    assert_error(
        mgmt.get(f"{profiles}/export_customer_balances", params={"endDate": "soon"}), 400, parameter="endDate"
    )
    assert_error(
        mgmt.get(f"{profiles}/profile/x/export_log", params={"rangeStart": "2020-01-01"}),
        400,
        parameter="rangeEnd",
    )
    assert_error(
        mgmt.get(f"{profiles}/profile/x/export_log", params={**RANGE, "dateFormat": "word"}),
        400,
        parameter="dateFormat",
    )


def test_big_files_are_imported_and_exported_across_pages(
    mgmt: httpx.Client, app: AppContext, integration: httpx.Client
) -> None:
    # given 1,100 cards imported in one file (two insert statements), each with a profile
    program = factories.loyalty_program(mgmt, app, cardBased=True, usersPerCardLimit=1)
    pid, tag = program["id"], random_id("")[-6:].replace("-", "")
    cards = [f"BIG{tag}-{i:04d}" for i in range(1100)]
    lines = "".join(f"{card},active,holder-{tag}-{i}\n" for i, card in enumerate(cards))
    assert _imported(mgmt, pid, "cards", "identifier,state,customerprofileids\n" + lines)["amount"] == 1100
    last = check("LoyaltyCard", mgmt.get(f"{PROGRAM.format(pid)}/cards/{cards[-1]}").json())
    assert [p["integrationId"] for p in last["profiles"]] == [f"holder-{tag}-1099"]
    # and 1,005 rows of points for one card, all written at the same moment
    rows = "".join(f"{cards[0]},1,,,,row {i}\n" for i in range(1005))
    _imported(mgmt, pid, "points", "identifier,amount,startdate,expirydate,validityduration,reason\n" + rows)
    # when the balances and the card's log are exported, they page past 1,000 rows
    balances = _csv(mgmt.get(f"{PROGRAM.format(pid)}/export_card_balances"))
    assert [r["cardIdentifier"] for r in balances] == cards
    assert balances[0]["currentBalance"] == "1005.00" and balances[1]["currentBalance"] == "0.00"
    log = _csv(mgmt.get(f"{PROGRAM.format(pid)}/cards/{cards[0]}/export_log", params=RANGE))
    assert [e["name"] for e in log] == [f"row {i}" for i in range(1005)]
    assert len({e["id"] for e in log}) == 1005

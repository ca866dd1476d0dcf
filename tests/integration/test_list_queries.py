"""``Records.query`` on both databases: each condition means in SQL what the Management API's filters meant
when they were applied in Python (the reference functions below), and lists sort as Python sorted them
(nulls first, then by id; text by code point)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from openpromo.services import ports as p
from openpromo.services.codes import fold_code
from openpromo.storage.database import Database
from openpromo.storage.migrations import upgrade
from openpromo.storage.records import SqlRecords
from tests.conftest import scratch_database

NOW = datetime(2026, 6, 1, tzinfo=UTC)
DAY = timedelta(days=1)
CODES = ["ABC-123", "abc_123", "xy%z", "Straße-9", "ÄPFEL-1", "\u212aelvin", "B", "a", "é", "ZZZ"]
PARTS = ["abc", "C-1", "c1", "_", "%", "straße", "ss", "äpfel", "kel", "K", "", "Z", "é"]


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    path = tmp_path_factory.mktemp("lists") / "lists.db"
    for database in scratch_database(request, request.param, path, "lists"):
        upgrade(database)
        yield database


@pytest.fixture
def records(database: Database) -> Iterator[SqlRecords]:
    """The database in a transaction that is rolled back after the test."""
    with database.engine.connect() as conn:
        conn.begin()
        yield SqlRecords(conn)
        conn.rollback()


def _postgres(records: SqlRecords) -> bool:
    return records.conn.dialect.name == "postgresql"


def _coupons(records: SqlRecords) -> list[dict[str, Any]]:
    rows = []
    for i, code in enumerate(CODES):
        rows.append(
            {
                "application_id": 1,
                "campaign_id": 7,
                "created": NOW + i * DAY,
                "value": code,
                "lookup_value": code + str(i),
                "usage_limit": i % 3,
                "usage_counter": i % 2,
                "start_date": (NOW + (i - 5) * DAY) if i % 2 else None,
                "expiry_date": (NOW + (i - 3) * DAY) if i % 3 else None,
                "attributes": {"tags": ["x", code], "n": i},
            }
        )
    records.insert_many("coupons", rows)
    records.insert("coupons", {**rows[0], "campaign_id": 8, "lookup_value": "other"})
    return records.query("coupons", [p.Eq("campaign_id", 7)]).rows


def _values(records: SqlRecords, conditions: Sequence[p.Condition], order: str = "id") -> list[str]:
    return [
        r["value"] for r in records.query("coupons", [p.Eq("campaign_id", 7), *conditions], order=order).rows
    ]


def _python_sorted(rows: list[dict[str, Any]], order: str) -> list[dict[str, Any]]:
    """How the lists sorted in Python: by the column (nulls first), then by id; ``-``: all reversed."""
    column = order.lstrip("-")

    def key(row: dict[str, Any]) -> tuple[bool, Any, Any]:
        value = row[column]
        return (value is not None, value if value is not None else 0, row["id"])

    return sorted(rows, key=key, reverse=order.startswith("-"))


def test_the_folded_copy_is_written_with_the_code(records: SqlRecords) -> None:
    rows = _coupons(records)
    assert [r["folded_value"] for r in rows] == [fold_code(c) for c in CODES]
    records.update("coupons", rows[0]["id"], {"value": "New-Code"})
    assert records.get("coupons", rows[0]["id"])["folded_value"] == "newcode"  # type: ignore[index]


@pytest.mark.parametrize("part", PARTS)
def test_contains_is_casefolded_containment(records: SqlRecords, part: str) -> None:
    _coupons(records)
    expected = [c for c in CODES if part.casefold() in c.casefold()]
    if _postgres(records):
        # PostgreSQL folds with lower(): the same wherever lower and casefold agree
        expected = [c for c in CODES if part.lower() in c.lower()]
    assert _values(records, [p.Contains("value", part)]) == expected


@pytest.mark.parametrize("part", PARTS)
def test_folded_matches_codes_as_talon_one_does(records: SqlRecords, part: str) -> None:
    _coupons(records)
    assert _values(records, [p.Folded("value", part)]) == [
        c for c in CODES if fold_code(part) in fold_code(c)
    ]


@pytest.mark.parametrize("wanted", ["abc-123", "ABC_123", "straße-9", "äpfel-1", "b", "nope"])
def test_caseless_is_casefolded_equality(records: SqlRecords, wanted: str) -> None:
    _coupons(records)
    assert _values(records, [p.Caseless("value", (wanted,))]) == [
        c for c in CODES if c.casefold() == wanted.casefold()
    ]


@pytest.mark.parametrize("wanted", ["expired", "validNow", "validFuture"])
def test_validity(records: SqlRecords, wanted: Any) -> None:
    rows = _coupons(records)

    def valid(row: dict[str, Any]) -> bool:
        start, expiry = row["start_date"], row["expiry_date"]
        if wanted == "expired":
            return expiry is not None and expiry <= NOW
        if wanted == "validFuture":
            return start is not None and start > NOW
        return (start is None or start <= NOW) and (expiry is None or expiry > NOW)

    expected = [r["value"] for r in rows if valid(r)]
    assert expected and _values(records, [p.Valid("start_date", "expiry_date", wanted, NOW)]) == expected


@pytest.mark.parametrize("wanted", [True, False])
def test_usable_and_windows(records: SqlRecords, wanted: bool) -> None:
    rows = _coupons(records)
    usable = [
        r["value"] for r in rows if (r["usage_limit"] == 0 or r["usage_counter"] < r["usage_limit"]) == wanted
    ]
    assert _values(records, [p.Usable("usage_counter", "usage_limit", wanted)]) == usable
    window = p.Within("start_date", before=NOW + 3 * DAY, after=NOW - 3 * DAY)
    assert _values(records, [window]) == [
        r["value"]
        for r in rows
        if r["start_date"] is not None and NOW - 3 * DAY < r["start_date"] < NOW + 3 * DAY
    ]
    assert _values(records, [p.Within("start_date")]) == CODES


@pytest.mark.parametrize(
    "order",
    ["id", "-id", "value", "-value", "expiry_date", "-expiry_date", "usage_counter", "-usage_counter"],
)
def test_order_is_pythons_nulls_first_then_id(records: SqlRecords, order: str) -> None:
    rows = _coupons(records)
    expected = [r["value"] for r in _python_sorted(rows, order)]
    assert _values(records, [], order) == expected
    page = records.query("coupons", [p.Eq("campaign_id", 7)], order=order, skip=3, limit=4, with_total=True)
    assert [r["value"] for r in page.rows] == expected[3:7]
    assert page.has_more and page.total == len(CODES)
    last = records.query("coupons", [p.Eq("campaign_id", 7)], order=order, skip=len(CODES) - 2, limit=4)
    assert [r["value"] for r in last.rows] == expected[-2:] and not last.has_more


def test_any_all_not_and_nothing(records: SqlRecords) -> None:
    _coupons(records)
    either = p.AnyOf(
        (p.Eq("value", "B"), p.AllOf((p.Compare("usage_counter", ">", 0), p.Eq("usage_limit", 2))))
    )
    assert _values(records, [either]) == ["\u212aelvin", "B"]
    assert _values(records, [p.Not(p.Eq("value", ["B", "a"]))]) == [c for c in CODES if c not in ("B", "a")]
    assert _values(records, [p.NOTHING]) == []
    assert _values(records, [p.Eq("value", [])]) == []
    assert _values(records, [p.Eq("id", 2**70)]) == []


def test_json_fields_and_elements(records: SqlRecords) -> None:
    _coupons(records)
    assert _values(records, [p.Eq("attributes.n", 3)]) == [CODES[3]]
    assert _values(records, [p.Eq("attributes.n", [1, 2])]) == CODES[1:3]
    assert _values(records, [p.HasElement("attributes.tags", (p.Eq("", "B"),))]) == ["B"]
    assert _values(records, [p.HasElement("attributes.tags", (p.Eq("", ["a", "ZZZ"]),))]) == ["a", "ZZZ"]
    assert _values(records, [p.HasElement("attributes.tags", (p.Contains("", "straß"),))]) == ["Straße-9"]
    assert _values(records, [p.HasElement("attributes.tags", (p.Caseless("", ("x",)),))]) == CODES
    # ints inside arrays, and a row whose JSON is null or not an array
    records.insert(
        "campaigns",
        {
            "application_id": 1,
            "account_id": 1,
            "created": NOW,
            "updated": NOW,
            "name": "linked",
            "state": "enabled",
            "tags": ["Summer"],
            "features": [],
            "limits": [],
            "linked_store_ids": [4, 5],
            "campaign_groups": None,
        },
    )
    records.insert(
        "campaigns",
        {
            "application_id": 1,
            "account_id": 1,
            "created": NOW,
            "updated": NOW,
            "name": "plain",
            "state": "enabled",
            "tags": "not a list",
            "features": [],
            "limits": [],
        },
    )

    def names(*conditions: p.Condition) -> list[str]:
        return [r["name"] for r in records.query("campaigns", list(conditions)).rows]

    assert names(p.HasElement("linked_store_ids", (p.Eq("", 5),))) == ["linked"]
    assert names(p.HasElement("linked_store_ids", (p.Eq("", [3, 4]),))) == ["linked"]
    assert names(p.HasElement("linked_store_ids", (p.Eq("", 6),))) == []
    assert names(p.HasElement("campaign_groups", (p.Eq("", 5),))) == []
    assert names(p.HasElement("tags", (p.Caseless("", ("summer", "winter")),))) == ["linked"]


def test_related_rows(records: SqlRecords) -> None:
    for name in ("ann", "ben", "cy"):
        records.insert(
            "customer_profiles",
            {
                "account_id": 1,
                "created": NOW,
                "modified": NOW,
                "integration_id": name,
                "attributes": {"Name": name},
            },
        )
    ids = []
    for ident, (app, profile) in enumerate([(1, "ann"), (1, "cy"), (2, "ben"), (1, "")]):
        ids.append(
            records.insert(
                "customer_sessions",
                {
                    "application_id": app,
                    "created": NOW,
                    "updated": NOW,
                    "integration_id": f"s{ident}",
                    "profile_integration_id": profile,
                    "state": "open",
                    "coupon_codes": [],
                    "loyalty_cards": [],
                    "identifiers": [],
                    "attributes": {},
                    "cart_items": [],
                    "additional_costs": {},
                    "effects": [{"ruleName": f"Rule {ident}"}],
                },
            )
        )
    # the effect of s1 names s2's id (as an event's effect names a campaign)
    records.update("customer_sessions", ids[1], {"effects": [{"campaignId": ids[2], "ruleName": "Rule 1"}]})
    in_app = p.Related(
        "customer_sessions", "profile_integration_id", "integration_id", (p.Eq("application_id", 1),)
    )
    found = records.query("customer_profiles", [p.Eq("account_id", 1), in_app], order="-id").rows
    assert [r["integration_id"] for r in found] == ["cy", "ann"]
    named = p.Related(
        "customer_profiles",
        "integration_id",
        "profile_integration_id",
        (p.Contains("attributes.Name", "BE"),),
    )
    assert [r["integration_id"] for r in records.query("customer_sessions", [named]).rows] == ["s2"]
    by_campaign = p.HasElement(
        "effects", (p.Related("customer_sessions", "id", "campaignId", (p.Eq("integration_id", "s2"),)),)
    )
    assert [r["integration_id"] for r in records.query("customer_sessions", [by_campaign]).rows] == ["s1"]
    by_rule = p.HasElement("effects", (p.Contains("ruleName", "rule 3"),))
    assert [r["integration_id"] for r in records.query("customer_sessions", [by_rule]).rows] == ["s3"]


def test_elements_of_a_json_array_page_in_order(records: SqlRecords) -> None:
    items = [f"item-{i}" for i in range(25)] + ["[not json]", "ü"]
    ident = records.insert(
        "collections",
        {"account_id": 1, "created": NOW, "name": "c", "items": items, "subscribed_applications_ids": []},
    )
    where = {"id": ident, "account_id": 1}
    page = records.elements("collections", "items", where, skip=5, limit=10)
    assert [r["value"] for r in page.rows] == items[5:15] and page.has_more
    tail = records.elements("collections", "items", where, skip=20, limit=10)
    assert [r["value"] for r in tail.rows] == items[20:] and not tail.has_more
    assert [r["value"] for r in records.elements("collections", "items", where).rows] == items
    assert records.elements("collections", "items", {"id": ident, "account_id": 2}).rows == []


def test_a_database_migrated_before_the_folded_copies_is_backfilled(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'old.db'}", pool_size=1)
    try:
        from alembic import command

        from openpromo.storage.migrations import alembic_config

        config = alembic_config(database)
        with database.transaction() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "0005")
        with database.transaction() as conn:
            conn.exec_driver_sql(
                "INSERT INTO coupons (application_id, campaign_id, created, value, lookup_value) "
                "VALUES (1, 1, '2026-01-01 00:00:00', 'Ab-C.1', 'AB-C.1')"
            )
        upgrade(database)
        with database.transaction() as conn:
            assert (
                SqlRecords(conn).query("coupons", [p.Folded("value", "BC1")]).rows[0]["folded_value"]
                == "abc1"
            )
    finally:
        database.dispose()

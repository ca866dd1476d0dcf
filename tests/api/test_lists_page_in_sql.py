"""Lists are filtered, sorted and paged by the database, on both databases: with thousands of coupons,
sessions, customers and collection items, a page is one statement whose WHERE holds the filter and whose
LIMIT/OFFSET are the page's (a row more than the page, to learn whether more follow), the driver hands
over at most that many rows, and no statement reads the list whole. The use cases run in this process on
the server's database, so every statement is seen (list queries run on the driver's cursor,
``storage.fast.Prepared``; the rest through SQLAlchemy's events); the server answers the same pages
over HTTP."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from openpromo.bootstrap import build_services
from openpromo.services.auth import ManagementPrincipal
from openpromo.services.codes import fold_code
from openpromo.services.container import Services
from openpromo.services.paging import PageRequest
from openpromo.storage import fast
from openpromo.storage.database import Database
from tests.api import factories
from tests.api.factories import campaign
from tests.conftest import AppContext, Server, create_application

N = 3000
PAGE = 50
SKIP = 100
NOW = datetime.now(UTC)


@dataclass
class Big:
    app: AppContext
    campaign_id: int
    collection_id: int
    coupons: list[dict[str, Any]]


@dataclass
class Sent:
    sql: str
    params: Any
    rows: int | None  # rows the driver gave (prepared statements), None when not counted


@dataclass
class InProcess:
    services: Services
    principal: ManagementPrincipal
    statements: list[Sent]

    def sent(self, table: str) -> list[Sent]:
        """The SELECTs from ``table`` since the last call."""
        found = [
            s for s in self.statements if s.sql.lstrip().startswith("SELECT") and f"FROM {table}" in s.sql
        ]
        self.statements.clear()
        return found


@pytest.fixture(scope="module")
def local(server: Server) -> Iterator[InProcess]:
    database = Database(server.database_url, pool_size=2)
    statements: list[Sent] = []

    def seen(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        statements.append(Sent(statement, params, None))

    rows = fast.Prepared.rows

    def counted(self: fast.Prepared, conn: Any, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        found = rows(self, conn, params)
        statements.append(Sent(self.sql, dict(params), len(found)))
        return found

    sa.event.listen(database.engine, "before_cursor_execute", seen)
    fast.Prepared.rows = counted  # type: ignore[method-assign]
    try:
        services = build_services(database)
        yield InProcess(services, services.auth.management_key(server.root_key), statements)
    finally:
        fast.Prepared.rows = rows  # type: ignore[method-assign]
        database.dispose()


def _session(app_id: int, i: int) -> dict[str, Any]:
    return {
        "application_id": app_id,
        "created": NOW - timedelta(minutes=i),
        "updated": NOW,
        "integration_id": f"big-s-{i:05d}",
        "profile_integration_id": f"big-p-{i % (N // 2):05d}",
        "state": "closed" if i % 3 else "open",
        "coupon_codes": [f"BIG-{i:05d}"],
        "loyalty_cards": [],
        "identifiers": [],
        "attributes": {},
        "cart_items": [],
        "additional_costs": {},
        "effects": [],
    }


@pytest.fixture(scope="module")
def big(server: Server, local: InProcess) -> Big:
    account = local.principal.account_id
    with server.management() as mgmt:
        app = create_application(mgmt)
    campaign_id = campaign(server, app, [], name="big")
    coupons = [
        {
            "application_id": app.id,
            "campaign_id": campaign_id,
            "created": NOW,
            "value": f"BIG-{i:05d}",
            "lookup_value": f"BIG-{i:05d}",
            "usage_limit": i % 4,
            "usage_counter": i % 3,
            "expiry_date": NOW + timedelta(days=i % 50 - 10) if i % 5 else None,
        }
        for i in range(N)
    ]
    with factories.database(server)() as uow:
        uow.records.insert_many("coupons", coupons)
        uow.records.insert_many("customer_sessions", [_session(app.id, i) for i in range(N)])
        profiles = [
            {
                "account_id": account,
                "created": NOW,
                "modified": NOW,
                "integration_id": f"big-p-{i:05d}",
                "attributes": {},
            }
            for i in range(N)  # half of them have no session in the application
        ]
        uow.records.insert_many("customer_profiles", profiles)
        items = [f"item-{i}" for i in range(N)]
        collection_id = uow.records.insert(
            "collections", {"account_id": account, "created": NOW, "name": "big", "items": items}
        )
        rows = uow.records.find("coupons", {"campaign_id": campaign_id}).rows
        uow.commit()
    return Big(app, campaign_id, collection_id, rows)


def _paged_once(local: InProcess, table: str, *where: str) -> None:
    """Exactly one statement read ``table``'s rows, paged, with ``where`` in its WHERE, and the driver gave
    it at most a page and one row; at most a count beside it."""
    sent = local.sent(table)
    rows = [s for s in sent if "count(*)" not in s.sql]
    assert len(rows) == 1, sent
    [statement] = rows
    assert "LIMIT" in statement.sql and "OFFSET" in statement.sql, statement
    assert (statement.params["page_limit"], statement.params["page_skip"]) == (PAGE + 1, SKIP)
    assert statement.rows is not None and statement.rows <= PAGE + 1
    clause = statement.sql.split("WHERE", 1)[1]
    for part in where:
        assert part in clause, (part, statement)


def _ids(page: Any) -> list[int]:
    return [item.id for item in page.data]


COUPON_CASES: list[tuple[dict[str, Any], str | None, tuple[str, ...]]] = [
    ({}, None, ("campaign_id",)),
    ({"value": "big-0-1"}, None, ("campaign_id", "folded_value")),
    ({"valid": "validNow"}, None, ("expiry_date", "start_date")),
    ({"usable": "true", "redeemed": None}, "-expiryDate", ("usage_limit", "usage_counter")),
    ({"expires_after": NOW}, "usageCounter", ("expiry_date",)),
]


@pytest.mark.parametrize(("filters", "sort", "where"), COUPON_CASES)
def test_coupon_pages_are_cut_by_the_database(
    server: Server,
    mgmt: httpx.Client,
    big: Big,
    local: InProcess,
    filters: dict[str, Any],
    sort: str | None,
    where: tuple[str, ...],
) -> None:
    page = local.services.coupons.list(
        local.principal, big.app.id, big.campaign_id, PageRequest(SKIP, PAGE, sort), filters
    )
    _paged_once(local, "coupons", *where)
    assert len(page.data) == PAGE and page.has_more
    # the same page as the server answers, and as the filter means
    params: dict[str, Any] = {"pageSize": PAGE, "skip": SKIP, **({"sort": sort} if sort else {})}
    params.update({"value": filters["value"]} if "value" in filters else {})
    params.update({"valid": filters["valid"]} if "valid" in filters else {})
    params.update({"usable": filters["usable"]} if "usable" in filters else {})
    params.update({"expiresAfter": NOW.isoformat()} if "expires_after" in filters else {})
    url = f"/v1/applications/{big.app.id}/campaigns/{big.campaign_id}/coupons/no_total"
    answered = mgmt.get(url, params=params)
    assert answered.status_code == 200, answered.text
    assert [c["id"] for c in answered.json()["data"]] == _ids(page)
    if filters.get("value"):
        wanted = [c["id"] for c in big.coupons if fold_code(filters["value"]) in fold_code(c["value"])]
        assert _ids(page) == wanted[SKIP : SKIP + PAGE]


def test_session_customer_and_item_pages_are_cut_by_the_database(big: Big, local: InProcess) -> None:
    request = PageRequest(SKIP, PAGE)
    sessions = local.services.activity.sessions(local.principal, big.app.id, request, {})
    _paged_once(local, "customer_sessions", "application_id")
    assert len(sessions.data) == PAGE and sessions.has_more
    found = local.services.activity.sessions(
        local.principal, big.app.id, request, {"partial_match": True, "profile": "BIG-P-0", "state": "closed"}
    )
    _paged_once(local, "customer_sessions", "profile_integration_id", "state")
    assert len(found.data) == PAGE and all(s.state == "closed" for s in found.data)
    coupon = local.services.activity.sessions(
        local.principal, big.app.id, PageRequest(0, PAGE), {"coupon": "BIG-00007"}
    )
    assert [s.integration_id for s in coupon.data] == ["big-s-00007"]
    local.statements.clear()

    customers = local.services.activity.customers(local.principal, big.app.id, request, None, with_total=True)
    _paged_once(local, "customer_profiles", "account_id", "customer_sessions")
    assert customers.total_result_size == N // 2 and len(customers.data) == PAGE and customers.has_more

    items = local.services.collections.items(local.principal, big.collection_id, request)
    [paged] = [
        s for s in local.sent("collections") if "json_each" in s.sql or "jsonb_array_elements" in s.sql
    ]
    assert paged.rows == PAGE + 1 and paged.params["page_limit"] == PAGE + 1
    assert [i.item for i in items.data] == [f"item-{i}" for i in range(SKIP, SKIP + PAGE)] and items.has_more

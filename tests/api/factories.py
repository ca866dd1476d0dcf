"""Test data through the Management API (campaigns, coupons, attributes, additional costs), and the
rows no API creates yet (audiences) written straight into the server's database."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import httpx

from openpromo.storage.database import Database
from openpromo.storage.uow import SqlUnitOfWorkFactory
from tests.conftest import AppContext, Server, random_id

_databases: dict[str, Database] = {}


def database(server: Server) -> SqlUnitOfWorkFactory:
    if server.database_url not in _databases:
        _databases[server.database_url] = Database(server.database_url, pool_size=2)
    return SqlUnitOfWorkFactory(_databases[server.database_url])


def campaign(
    server: Server,
    app: AppContext,
    rules: Sequence[dict[str, Any]],
    *,
    name: str = "campaign",
    limits: Sequence[dict[str, Any]] = (),
    state: str = "enabled",
    features: Sequence[str] = ("coupons",),
    group_id: int | None = None,
    position: int = 0,
    start_time: datetime | None = None,
    end_time: datetime | None = None,
    **extra: Any,
) -> int:
    """A campaign with an active ruleset, through the Management API (``position`` orders the campaigns
    of a group: campaigns join their group at the end, so create them in order)."""
    body: dict[str, Any] = {
        "name": name,
        "state": state,
        "tags": [],
        "features": list(features),
        "limits": list(limits),
        **extra,
    }
    if group_id is not None:
        body["evaluationGroupId"] = group_id
    if start_time is not None:
        body["startTime"] = start_time.isoformat()
    if end_time is not None:
        body["endTime"] = end_time.isoformat()
    with server.management() as mgmt:
        created = mgmt.post(f"/v1/applications/{app.id}/campaigns", json=body)
        assert created.status_code == 201, created.text
        campaign_id: int = created.json()["id"]
        ruleset = mgmt.post(
            f"/v1/applications/{app.id}/campaigns/{campaign_id}/rulesets",
            json={"rules": list(rules), "bindings": [], "activate": True},
        )
        assert ruleset.status_code == 201, ruleset.text
    return campaign_id


_CSV_COLUMNS = {
    "expiry_date": "expirydate",
    "start_date": "startdate",
    "recipient_integration_id": "recipientintegrationid",
    "usage_limit": "limitval",
    "discount_limit": "discountlimit",
    "attributes": "attributes",
}
_UPDATE_FIELDS = {
    "is_reservation_mandatory": "isReservationMandatory",
    "implicitly_reserved": "implicitlyReserved",
}


def _cell(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return json.dumps(value)
    return str(value)


def coupon(server: Server, app: AppContext, campaign_id: int, value: str, **fields: Any) -> int:
    """A coupon imported through the API (unlimited uses unless ``usage_limit`` says otherwise), with
    the fields the import has no column for set by ``PUT``; returns its id."""
    fields.setdefault("usage_limit", 0)
    unknown = set(fields) - set(_CSV_COLUMNS) - set(_UPDATE_FIELDS)
    assert not unknown, unknown
    columns = ["value", *(_CSV_COLUMNS[k] for k in fields if k in _CSV_COLUMNS)]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerow([value, *(_cell(v) for k, v in fields.items() if k in _CSV_COLUMNS)])
    base = f"/v1/applications/{app.id}/campaigns/{campaign_id}"
    with server.management() as mgmt:
        imported = mgmt.post(
            f"{base}/import_coupons", files={"upFile": ("c.csv", out.getvalue(), "text/csv")}
        )
        assert imported.status_code == 200, imported.text
        found = mgmt.get(f"{base}/coupons/no_total", params={"value": value, "exactMatch": "true"})
        [created] = found.json()["data"]
        update = {_UPDATE_FIELDS[k]: v for k, v in fields.items() if k in _UPDATE_FIELDS}
        if update:
            updated = mgmt.put(f"{base}/coupons/{created['id']}", json=update)
            assert updated.status_code == 200, updated.text
    coupon_id: int = created["id"]
    return coupon_id


def group(
    server: Server,
    app: AppContext,
    mode: str,
    position: int = 1,
    scope: str = "session",
    parent: int | None = None,
) -> int:
    with server.management() as mgmt:
        created = mgmt.post(
            f"/v1/applications/{app.id}/campaign_evaluation_groups",
            json={
                "name": f"{mode} group",
                "parentId": parent or app.body["defaultEvaluationGroupId"],
                "evaluationMode": mode,
                "evaluationScope": scope,
                "locked": False,
            },
        )
    assert created.status_code == 201, created.text
    group_id: int = created.json()["id"]
    return group_id


def row(server: Server, table: str, ident: int) -> dict[str, Any]:
    with database(server)(write=False) as uow:
        found = uow.records.get(table, ident)
    assert found is not None
    return found


def attribute(server: Server, entity: str, name: str, type: str, **fields: Any) -> None:
    """A custom attribute defined through the API."""
    body = {
        "entity": entity,
        "name": name,
        "title": name,
        "type": type,
        "description": "",
        "suggestions": [],
        "editable": True,
        **fields,
    }
    with server.management() as mgmt:
        created = mgmt.post("/v1/attributes", json=body)
    assert created.status_code == 201, created.text


def additional_cost(server: Server, name: str, type: str = "session") -> None:
    """An additional cost defined through the API."""
    with server.management() as mgmt:
        created = mgmt.post(
            "/v1/additional_costs", json={"name": name, "title": name, "description": "", "type": type}
        )
    assert created.status_code == 201, created.text


def define(server: Server, table: str, **values: Any) -> None:
    """A row of an account-level table no API writes yet (audiences, ledgers, cards)."""
    define_row(server, table, **values)


def define_row(server: Server, table: str, **values: Any) -> int:
    """An account-level row (``account_id`` 1, created now) straight into the database; its id."""
    with database(server)() as uow:
        ident = uow.records.insert(table, {"account_id": 1, "created": datetime.now(UTC), **values})
        uow.commit()
    return ident


def loyalty_program(mgmt: httpx.Client, app: AppContext, **fields: Any) -> dict[str, Any]:
    """A profile-based program subscribed to ``app`` (``fields`` override), as the API answers it."""
    body = {
        "name": random_id("points"),
        "title": "Points",
        "defaultValidity": "unlimited",
        "defaultPending": "immediate",
        "allowSubledger": False,
        "sandbox": False,
        "timezone": "UTC",
        "subscribedApplications": [app.id],
        **fields,
    }
    created = mgmt.post("/v1/loyalty_programs", json=body)
    assert created.status_code == 201, created.text
    return created.json()  # type: ignore[no-any-return]


def discount_rule(title: str, condition: Any, value: Any, *, name: str = "discount") -> dict[str, Any]:
    return {"title": title, "condition": condition, "effects": [["setDiscount", name, value]]}


COUPON_RULE = discount_rule("coupon", ["and", ["couponValid"]], 5, name="5 off")

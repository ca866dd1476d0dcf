"""Test data: campaigns through the Management API, and rows the API does not create yet (coupons with
every field set, definitions) written straight into the server's database."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from openpromo.storage.database import Database
from openpromo.storage.uow import SqlUnitOfWorkFactory
from tests.conftest import AppContext, Server

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


def coupon(server: Server, app: AppContext, campaign_id: int, value: str, **fields: Any) -> int:
    now = datetime.now(UTC)
    with database(server)() as uow:
        coupon_id = uow.records.insert(
            "coupons",
            {
                "application_id": app.id,
                "campaign_id": campaign_id,
                "created": now,
                "value": value,
                "lookup_value": value,
                **fields,
            },
        )
        uow.commit()
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


def define(server: Server, table: str, **values: Any) -> None:
    define_row(server, table, **values)


def define_row(server: Server, table: str, **values: Any) -> int:
    """An account-level row (``account_id`` 1, created now) straight into the database; its id."""
    with database(server)() as uow:
        ident = uow.records.insert(table, {"account_id": 1, "created": datetime.now(UTC), **values})
        uow.commit()
    return ident


def discount_rule(title: str, condition: Any, value: Any, *, name: str = "discount") -> dict[str, Any]:
    return {"title": title, "condition": condition, "effects": [["setDiscount", name, value]]}


COUPON_RULE = discount_rule("coupon", ["and", ["couponValid"]], 5, name="5 off")

"""Test data the Management API does not create yet, written straight into the server's database.

``campaign`` is the one place tests create campaigns with rulesets and coupons; it switches to the
Management API when that lands, and no test changes.
"""

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
) -> int:
    now = datetime.now(UTC)
    with database(server)() as uow:
        campaign_id = uow.records.insert(
            "campaigns",
            {
                "application_id": app.id,
                "account_id": 1,
                "created": now,
                "updated": now,
                "name": name,
                "state": state,
                "tags": [],
                "features": list(features),
                "limits": list(limits),
                "evaluation_group_id": group_id or app.body["defaultEvaluationGroupId"],
                "evaluation_position": position,
                "start_time": start_time,
                "end_time": end_time,
            },
        )
        ruleset_id = uow.records.insert(
            "rulesets",
            {
                "application_id": app.id,
                "campaign_id": campaign_id,
                "created": now,
                "rules": list(rules),
                "bindings": [],
            },
        )
        uow.records.update("campaigns", campaign_id, {"active_ruleset_id": ruleset_id})
        uow.commit()
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


def group(server: Server, app: AppContext, mode: str, position: int = 1) -> int:
    with database(server)() as uow:
        group_id = uow.records.insert(
            "campaign_evaluation_groups",
            {
                "application_id": app.id,
                "created": datetime.now(UTC),
                "name": f"{mode} group",
                "mode": mode,
                "evaluation_scope": "session",
                "position": position,
            },
        )
        uow.commit()
    return group_id


def row(server: Server, table: str, ident: int) -> dict[str, Any]:
    with database(server)(write=False) as uow:
        found = uow.records.get(table, ident)
    assert found is not None
    return found


def define(server: Server, table: str, **values: Any) -> None:
    with database(server)() as uow:
        uow.records.insert(table, {"account_id": 1, "created": datetime.now(UTC), **values})
        uow.commit()


def discount_rule(title: str, condition: Any, value: Any, *, name: str = "discount") -> dict[str, Any]:
    return {"title": title, "condition": condition, "effects": [["setDiscount", name, value]]}


COUPON_RULE = discount_rule("coupon", ["and", ["couponValid"]], 5, name="5 off")

"""Seeding the benchmark shop through the Management and Integration APIs (a thread pool, 8 requests at once).

Everything goes through the APIs except audiences: OpenPromo has no endpoint that creates one yet, so
their rows are written straight into the database, as ``tests/api/factories.define`` does; memberships
then go through ``PUT /v2/customer_profiles/{id}`` with ``audiencesChanges``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

import httpx

from bench import workload as w

T = TypeVar("T")
PARALLEL = 8


class SeedError(RuntimeError):
    pass


@dataclass
class Shop:
    """What the seeding created, kept across the N steps of one database."""

    base_url: str
    root_key: str
    app_id: int = 0
    key: str = ""
    program_id: int = 0
    store_ids: list[int] = field(default_factory=list)
    audience_ids: list[int] = field(default_factory=list)
    campaign_ids: dict[int, int] = field(default_factory=dict)
    """Campaign index (negative: global) → campaign id."""
    coupon_codes: dict[int, list[str]] = field(default_factory=dict)
    """Coupon campaign index → its coupon codes."""
    seeded: int = 0
    members: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


class _Clients:
    def __init__(self, base_url: str, auth: str) -> None:
        self._local = threading.local()
        self._base_url, self._auth = base_url, auth
        self._all: list[httpx.Client] = []
        self._lock = threading.Lock()

    def get(self) -> httpx.Client:
        client = getattr(self._local, "client", None)
        if client is None:
            client = httpx.Client(base_url=self._base_url, headers={"Authorization": self._auth}, timeout=120)
            self._local.client = client
            with self._lock:
                self._all.append(client)
        return client

    def close(self) -> None:
        for client in self._all:
            client.close()


def _check(response: httpx.Response, expected: int, what: str) -> Any:
    if response.status_code != expected:
        raise SeedError(f"{what}: HTTP {response.status_code} {response.text[:2000]}")
    return response.json() if response.content else None


def _parallel(fn: Callable[[T], Any], items: Iterable[T]) -> list[Any]:
    with ThreadPoolExecutor(PARALLEL) as pool:
        return list(pool.map(fn, items))


def create_shop(shop: Shop, database_url: str) -> None:
    """Application, key, 2,000 stores, a loyalty program, 200 audiences with 30% of the profiles, 3
    globals."""
    started = time.perf_counter()
    mgmt = _Clients(shop.base_url, f"ManagementKey-v1 {shop.root_key}")
    try:
        client = mgmt.get()
        app = _check(
            client.post(
                "/v1/applications",
                json={
                    "name": "bench shop",
                    "timezone": "UTC",
                    "currency": "EUR",
                    "description": "make bench",
                },
            ),
            201,
            "create application",
        )
        shop.app_id = app["id"]
        key = _check(
            client.post(
                f"/v1/applications/{shop.app_id}/api_keys",
                json={"title": "bench", "expires": "2099-01-01T00:00:00Z"},
            ),
            201,
            "create API key",
        )
        shop.key = key["key"]
        program = _check(
            client.post(
                "/v1/loyalty_programs",
                json={
                    "title": "Bench points",
                    "name": "bench_points",
                    "description": "make bench",
                    "subscribedApplications": [shop.app_id],
                    "defaultValidity": "unlimited",
                    "defaultPending": "immediate",
                    "allowSubledger": False,
                    "sandbox": False,
                    "timezone": "UTC",
                },
            ),
            201,
            "create loyalty program",
        )
        shop.program_id = program["id"]

        def new_store(s: int) -> int:
            body = {"name": f"Store {s}", "description": "", "integrationId": w.store(s)}
            created = _check(
                mgmt.get().post(f"/v1/applications/{shop.app_id}/stores", json=body), 201, "create store"
            )
            return int(created["id"])

        shop.store_ids = _parallel(new_store, range(w.N_STORES))
    finally:
        mgmt.close()
    shop.audience_ids = _insert_audiences(database_url)
    _join_audiences(shop)
    for spec in w.global_specs():
        _create_campaign(shop, spec)
    shop.seconds["shop"] = time.perf_counter() - started


def _insert_audiences(database_url: str) -> list[int]:
    from openpromo.storage.database import Database
    from openpromo.storage.uow import SqlUnitOfWorkFactory

    database = Database(database_url, pool_size=1)
    try:
        with SqlUnitOfWorkFactory(database)() as uow:
            ids = [
                uow.records.insert(
                    "audiences",
                    {"account_id": 1, "created": datetime.now(UTC), "name": f"bench audience {a}"},
                )
                for a in range(w.N_AUDIENCES)
            ]
            uow.commit()
    finally:
        database.dispose()
    return ids


def _join_audiences(shop: Shop) -> None:
    integration = _Clients(shop.base_url, f"ApiKey-v1 {shop.key}")
    members = [(p, a) for p in range(w.N_PROFILES) if (a := w.audience_of(p)) is not None]

    def join(member: tuple[int, int]) -> None:
        p, a = member
        body = {"audiencesChanges": {"adds": [shop.audience_ids[a]], "deletes": []}}
        _check(
            integration.get().put(f"/v2/customer_profiles/{w.profile(p)}", json=body), 200, "join audience"
        )

    try:
        _parallel(join, members)
    finally:
        integration.close()
    shop.members = len(members)


def _create_campaign(shop: Shop, spec: w.CampaignSpec, clients: _Clients | None = None) -> None:
    own = clients is None
    clients = clients or _Clients(shop.base_url, f"ManagementKey-v1 {shop.root_key}")
    try:
        client = clients.get()
        body: dict[str, Any] = {
            "name": spec.name,
            "state": "enabled",
            "tags": ["bench", spec.kind],
            "features": spec.features,
            "limits": spec.limits,
        }
        if spec.store is not None:
            body["linkedStoreIds"] = [shop.store_ids[spec.store]]
        base = f"/v1/applications/{shop.app_id}/campaigns"
        created = _check(client.post(base, json=body), 201, f"create campaign {spec.index}")
        campaign_id = int(created["id"])
        ruleset = {**spec.ruleset(shop.program_id, shop.audience_ids), "activate": True}
        _check(
            client.post(f"{base}/{campaign_id}/rulesets", json=ruleset),
            201,
            f"ruleset of campaign {spec.index} ({spec.kind})",
        )
        if spec.coupons:
            page = _check(
                client.post(
                    f"{base}/{campaign_id}/coupons",
                    params={"silent": "no"},
                    json={
                        "numberOfCoupons": spec.coupons,
                        "usageLimit": 0,
                        "couponPattern": f"B{spec.index}-#####",
                    },
                ),
                200,
                f"coupons of campaign {spec.index}",
            )
            shop.coupon_codes[spec.index] = [c["value"] for c in page["data"]]
        shop.campaign_ids[spec.index] = campaign_id
    finally:
        if own:
            clients.close()


def add_campaigns(shop: Shop, stop: int) -> float:
    """Create campaigns ``shop.seeded .. stop - 1``; returns the seconds it took."""
    started = time.perf_counter()
    clients = _Clients(shop.base_url, f"ManagementKey-v1 {shop.root_key}")
    specs = [w.campaign_spec(i) for i in range(shop.seeded, stop)]
    try:
        _parallel(lambda spec: _create_campaign(shop, spec, clients), specs)
    finally:
        clients.close()
    shop.seeded = stop
    elapsed = time.perf_counter() - started
    shop.seconds[f"campaigns_to_{stop}"] = elapsed
    return elapsed


__all__ = ["SeedError", "Shop", "add_campaigns", "create_shop"]

"""Trace one session update through OpenPromo's layers: ``python -m bench.trace_update``.

In one process, on a fresh SQLite database: the benchmark's shop in small (its 3 global campaigns and
its first 20 campaigns, a profile, one store), a few warm-up requests so that the configuration snapshot
and the compiled rulesets are built, then one **open update** of an existing session with an existing
profile and one **close** of it, each traced with ``sys.setprofile``. The requests go through the ASGI
app (Litestar's test client, use cases run inline) exactly as a served worker runs them.

It counts, per request:

- **layer runs**: calls into a function of one layer (``api``, ``services``, ``engine``, ``rules``,
  ``storage``, ``bootstrap``/``metrics``/... as their own) from a function of another layer, the nearest
  OpenPromo caller on the stack deciding (frames of libraries are transparent: SQLAlchemy calling one of
  our column types from our storage code stays in ``storage``);
- **services→storage calls**: those of the layer runs that go from ``services`` into ``storage``
  (every method of a port and of the unit of work, properties included);
- **SQL statements**: every statement SQLite ran (``set_trace_callback`` on the connection, ``BEGIN``
  and ``COMMIT`` included).

``--calls`` prints every services→storage call and every statement. docs/architecture.md records the
figures and what they were before the structure change.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sqlite3
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from bench import workload as w

ROOT_KEY = "trace-root-key-0123456789"
CAMPAIGNS = 20


@dataclass
class Trace:
    layer_runs: int = 0
    services_storage: int = 0
    statements: list[str] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    by_layer: Counter[str] = field(default_factory=Counter)


def _layer(frame: FrameType) -> str | None:
    name = frame.f_globals.get("__name__", "")
    if not isinstance(name, str) or not name.startswith("openpromo."):
        return None
    return name.split(".")[1]


@contextmanager
def traced(trace: Trace) -> Iterator[None]:
    stack: list[str | None] = []

    def caller_layer() -> str | None:
        for layer in reversed(stack):
            if layer is not None:
                return layer
        return None

    def profile(frame: FrameType, event: str, _arg: Any) -> None:
        if event == "call":
            layer = _layer(frame)
            if layer is not None:
                before = caller_layer()
                if before is not None and before != layer:
                    trace.layer_runs += 1
                    trace.by_layer[f"{before}->{layer}"] += 1
                    if before == "services" and layer == "storage":
                        trace.services_storage += 1
                        code = frame.f_code
                        trace.calls.append(f"{frame.f_globals['__name__']}.{code.co_qualname}")
            stack.append(layer)
        elif event == "return" and stack:
            stack.pop()

    sys.setprofile(profile)
    try:
        yield
    finally:
        sys.setprofile(None)


def _statements(trace: Trace) -> Callable[[str], None]:
    def seen(sql: str) -> None:
        trace.statements.append(" ".join(sql.split())[:160])

    return seen


def _check(response: Any, status: int, what: str) -> Any:
    if response.status_code != status:
        raise SystemExit(f"{what}: HTTP {response.status_code} {response.text[:500]}")
    return response.json() if response.content else None


async def _seed(client: Any) -> tuple[str, list[str]]:
    """The shop; returns the Integration key and one coupon code of each coupon campaign."""
    mgmt = {"Authorization": f"ManagementKey-v1 {ROOT_KEY}"}
    app = _check(
        await client.post(
            "/v1/applications", headers=mgmt, json={"name": "trace", "timezone": "UTC", "currency": "EUR"}
        ),
        201,
        "application",
    )
    base = f"/v1/applications/{app['id']}"
    key = _check(
        await client.post(
            f"{base}/api_keys", headers=mgmt, json={"title": "t", "expires": "2099-01-01T00:00:00Z"}
        ),
        201,
        "key",
    )["key"]
    program = _check(
        await client.post(
            "/v1/loyalty_programs",
            headers=mgmt,
            json={
                "title": "Points",
                "name": "points",
                "subscribedApplications": [app["id"]],
                "defaultValidity": "unlimited",
                "defaultPending": "immediate",
                "allowSubledger": False,
                "sandbox": False,
                "timezone": "UTC",
            },
        ),
        201,
        "program",
    )
    store = _check(
        await client.post(
            f"{base}/stores", headers=mgmt, json={"name": "S", "description": "", "integrationId": w.store(0)}
        ),
        201,
        "store",
    )
    codes = []
    for spec in [*w.global_specs(), *(w.campaign_spec(i) for i in range(CAMPAIGNS))]:
        body: dict[str, Any] = {
            "name": spec.name,
            "state": "enabled",
            "features": spec.features,
            "limits": spec.limits,
            "tags": [],
        }
        if spec.store is not None:
            body["linkedStoreIds"] = [store["id"]]
        created = _check(await client.post(f"{base}/campaigns", headers=mgmt, json=body), 201, "campaign")
        ruleset = {**spec.ruleset(program["id"], [0] * w.N_AUDIENCES), "activate": True}
        _check(
            await client.post(f"{base}/campaigns/{created['id']}/rulesets", headers=mgmt, json=ruleset),
            201,
            "rules",
        )
        if spec.coupons:
            page = _check(
                await client.post(
                    f"{base}/campaigns/{created['id']}/coupons",
                    headers=mgmt,
                    params={"silent": "no"},
                    json={"numberOfCoupons": 1, "usageLimit": 0, "couponPattern": f"T{spec.index}-#####"},
                ),
                200,
                "coupons",
            )
            codes.append(page["data"][0]["value"])
    return key, codes


CONTENT = [
    "customerSession",
    "customerProfile",
    "coupons",
    "triggeredCampaigns",
    "referral",
    "loyalty",
    "event",
    "awardedGiveaways",
    "ruleFailureReasons",
    "previousReturns",
]
"""Every ``responseContent`` value: the answer's every part is built."""


def _body(state: str, code: str | None, content: bool) -> dict[str, Any]:
    catalog = w.Catalog(CAMPAIGNS)
    tail = {"couponCodes": [code] if code else [], "cartItems": catalog.cart(random.Random(7))}
    body = w.full_body(tail, w.profile(1), w.store(0), state)
    if content:
        body["responseContent"] = CONTENT
    return body


def run(show_calls: bool, with_coupon: bool, content: bool) -> dict[str, Trace]:
    return asyncio.run(_run(show_calls, with_coupon, content))


async def _run(show_calls: bool, with_coupon: bool, content: bool) -> dict[str, Trace]:
    import httpx

    from openpromo.api.routing import run_use_cases
    from openpromo.bootstrap import app_from_settings, prepare
    from openpromo.config import Settings

    folder = Path(tempfile.mkdtemp(prefix="openpromo-trace-"))
    url = f"sqlite:///{folder / 'trace.db'}"
    os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)
    settings = Settings.from_env({"OPENPROMO_DATABASE_URL": url, "OPENPROMO_MANAGEMENT_KEY": ROOT_KEY})
    prepare(settings)
    app = app_from_settings(settings)
    traces = {"open": Trace(), "close": Trace()}
    run_use_cases(settings.threads or 0)  # the app's startup hook: use cases inline, in this thread
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://trace") as client:
        key, codes = await _seed(client)
        headers = {"Authorization": f"ApiKey-v1 {key}"}
        code = codes[0] if with_coupon else None
        for i in range(5):  # the profile's earlier sessions, and a warm worker
            _check(
                await client.put(
                    f"/v2/customer_sessions/warm-{i}", headers=headers, json=_body("closed", code, content)
                ),
                200,
                "warm",
            )
        _check(
            await client.put(
                "/v2/customer_sessions/traced", headers=headers, json=_body("open", code, content)
            ),
            200,
            "first",
        )
        for name, state in (("open", "open"), ("close", "closed")):
            trace = traces[name]
            hook = _statements(trace)
            _install(hook)
            try:
                with traced(trace):
                    response = await client.put(
                        "/v2/customer_sessions/traced", headers=headers, json=_body(state, code, content)
                    )
            finally:
                _install(None)
            _check(response, 200, name)
    for name, trace in traces.items():
        print(
            f"{name:>5}: {trace.layer_runs} layer runs, {trace.services_storage} services→storage calls, "
            f"{len(trace.statements)} SQL statements"
        )
        if show_calls:
            print("   layer runs by edge:", dict(sorted(trace.by_layer.items())))
            for call in trace.calls:
                print("   call", call)
            for statement in trace.statements:
                print("   sql ", statement)
    return traces


_hooks: list[Callable[[str], None] | None] = [None]
_connect = sqlite3.connect


def _install(hook: Callable[[str], None] | None) -> None:
    _hooks[0] = hook


def _traced_connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
    connection = _connect(*args, **kwargs)
    connection.set_trace_callback(lambda sql: _hooks[0](sql) if _hooks[0] is not None else None)
    return connection


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--calls", action="store_true", help="print every services→storage call and statement"
    )
    parser.add_argument("--coupon", action="store_true", help="send a coupon code of a coupon campaign")
    parser.add_argument(
        "--content", action="store_true", help="ask for every part of the answer (responseContent)"
    )
    options = parser.parse_args()
    sqlite3.connect = sqlite3.dbapi2.connect = _traced_connect  # type: ignore[assignment]
    run(options.calls, options.coupon, options.content)


if __name__ == "__main__":
    main()

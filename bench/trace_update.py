"""Trace one session update through OpenPromo's layers: ``python -m bench.trace_update``.

In one process, on a fresh SQLite database: the benchmark's shop in small (its 3 global campaigns and
its first 20 campaigns, a profile, one store), a few warm-up requests so that the configuration snapshot
and the compiled rulesets are built, then one **open update** of an existing session with an existing
profile and one **close** of it, each traced with ``sys.setprofile``. The requests go through the ASGI
app (Litestar's test client, use cases run inline) exactly as a served worker runs them.

Every call from a function of one OpenPromo layer (``api``, ``services``, ``engine``, ``rules``,
``storage``; ``bootstrap`` and ``metrics`` count as layers of their own) into a function of another is a
*crossing*; the nearest OpenPromo caller on the stack decides (library frames are transparent: SQLAlchemy
calling one of our column types from our storage code stays in ``storage``). Crossings are sorted into:

- **layer runs**: the hand-offs that carry the request: ``api``→``services`` (the key check, the use
  case), ``services``→``engine`` (a step of the domain: the state machine, the session, the candidates,
  the evaluation) and ``services``→``storage`` data calls (a read or a write of a port);
- **unit of work**: the transaction's own calls (open, enter, take the writer lock, commit, close), the
  same for every request;
- **callbacks**: the clock, the metrics, the engine asking for an id;
- **values**: constructors of plain records (a dataclass's generated ``__init__``) across layers;
- **rules**: the engine running compiled Talang (one per evaluated campaign and rule), a measure of
  the campaigns evaluated rather than of the structure.

**SQL statements** are every statement SQLite ran (``set_trace_callback``; ``BEGIN`` and ``COMMIT``
included). ``--calls`` lists the crossings and statements. docs/architecture.md records the figures and
what they were before the structure change.
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


_UNIT_OF_WORK = ("__call__", "__enter__", "__exit__", "writing", "commit")
KINDS = ("layer runs", "unit of work", "callbacks", "values", "rules")


@dataclass
class Trace:
    by_kind: Counter[str] = field(default_factory=Counter)
    storage_calls: int = 0
    """Data calls from services into storage (the layer runs among them)."""
    statements: list[str] = field(default_factory=list)
    crossings: list[str] = field(default_factory=list)

    @property
    def layer_runs(self) -> int:
        return self.by_kind["layer runs"]


def kind_of(before: str, layer: str, frame: FrameType) -> str:
    code = frame.f_code
    if code.co_qualname.endswith("__create_fn__.<locals>.__init__"):
        return "values"
    if (before, layer) == ("engine", "rules"):
        return "rules"
    if (before, layer) == ("services", "storage"):
        uow = frame.f_globals["__name__"] == "openpromo.storage.uow" and code.co_name in _UNIT_OF_WORK
        return "unit of work" if uow else "layer runs"
    if (before, layer) in (("api", "services"), ("services", "engine")):
        return "layer runs"
    return "callbacks"


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
                    kind = kind_of(before, layer, frame)
                    trace.by_kind[kind] += 1
                    if kind == "layer runs" and (before, layer) == ("services", "storage"):
                        trace.storage_calls += 1
                    where = f"{frame.f_globals['__name__']}.{frame.f_code.co_qualname}"
                    trace.crossings.append(f"{kind:>12}: {before}->{layer} {where}")
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


CONTENT = w.RESPONSE_CONTENT


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
        kinds = ", ".join(f"{trace.by_kind[k]} {k}" for k in KINDS[1:])
        print(
            f"{name:>5}: {trace.layer_runs} layer runs ({trace.storage_calls} services→storage data calls), "
            f"{len(trace.statements)} SQL statements; also {kinds}"
        )
        if show_calls:
            for crossing in trace.crossings:
                if not crossing.lstrip().startswith(("rules", "values")):
                    print("   ", crossing)
            for statement in trace.statements:
                print("    sql", statement)
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

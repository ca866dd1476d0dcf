"""The per-request cost of the request layer (``api.access``: request id, request metrics, the id echoed)
with the access log off, and on as JSON and as text lines, in process: µs of CPU per request over a bare
ASGI app that answers at once (``python -m bench.access_log``; docs/performance.md, "Access log and JSON
logs"). Log lines go to /dev/null through the same handler and formatters as a served worker's."""

from __future__ import annotations

import contextlib
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

from openpromo import logs
from openpromo.api.access import observed

REQUESTS = int(os.environ.get("BENCH_ACCESS_REQUESTS", "20000"))
ROUNDS = int(os.environ.get("BENCH_ACCESS_ROUNDS", "7"))


class _Handler:
    operation_id = "updateCustomerSessionV2"


_HANDLER = _Handler()
_START = {"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]}
_BODY = {"type": "http.response.body", "body": b"{}", "more_body": False}


async def _routed(scope: Any, receive: Any, send: Any) -> None:
    """What the router leaves in the scope, then a response."""
    scope["route_handler"] = _HANDLER
    scope["path_template"] = "/v2/customer_sessions/{customer_session_id}"
    await send(_START)
    await send(_BODY)


async def _receive() -> Any:
    return {"type": "http.request", "body": b"", "more_body": False}


async def _send(_message: Any) -> None:
    return None


def _scope() -> dict[str, Any]:
    return {
        "type": "http",
        "method": "PUT",
        "path": "/v2/customer_sessions/s-1",
        "headers": [
            (b"host", b"x"),
            (b"authorization", b"ApiKey-v1 k"),
            (b"content-type", b"application/json"),
        ],
    }


def _cpu_per_request(app: Callable[..., Any]) -> float:
    """µs of CPU per request; the coroutine never waits, so it runs to its end in one ``send``."""
    started = time.process_time()
    for _ in range(REQUESTS):
        coroutine = app(_scope(), _receive, _send)
        with contextlib.suppress(StopIteration):
            coroutine.send(None)
    return (time.process_time() - started) / REQUESTS * 1e6


def main() -> None:
    with open(os.devnull, "w") as devnull:
        cells: dict[str, tuple[Callable[..., Any], str | None]] = {
            "bare": (_routed, None),
            "off": (observed(_routed, access_log=False), None),
            "json": (observed(_routed, access_log=True), "json"),
            "text": (observed(_routed, access_log=True), "text"),
        }
        samples: dict[str, list[float]] = {name: [] for name in cells}
        for _ in range(ROUNDS):  # interleaved, so a noisy moment spreads over every cell
            for name, (app, log_format) in cells.items():
                logs.install("info", log_format or "json", stream=devnull)
                samples[name].append(_cpu_per_request(app))
    bare = min(samples["bare"])
    print(f"{REQUESTS} requests x {ROUNDS} rounds; µs of CPU per request over a bare app ({bare:.1f} µs)")
    for name in ("off", "json", "text"):
        best, median = min(samples[name]) - bare, statistics.median(samples[name]) - bare
        print(f"  {name:5} best {best:5.1f}  median {median:5.1f}")


if __name__ == "__main__":
    main()

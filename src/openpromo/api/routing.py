"""Shared pieces of route declarations: tags, running use cases, paging parameters, body documentation.

Handlers are ``async`` and run the whole use case (auth, decoding, one blocking database transaction)
in one call of ``run_blocking``, through ``api.endpoint``: on the event loop itself, or in one hop to
the thread pool (``run_use_cases``, set once per worker).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import anyio.to_thread
from litestar.params import QueryParameter

from openpromo.api.auth import integration_guard, management_guard
from openpromo.services.errors import InvalidInput
from openpromo.services.models.base import Time
from openpromo.services.paging import INTEGRATION_PAGE_SIZE, MANAGEMENT_PAGE_SIZE, PageRequest

T = TypeVar("T")

MANAGEMENT: dict[str, Any] = {"tags": ["management"], "guards": [management_guard]}
INTEGRATION: dict[str, Any] = {"tags": ["integration"], "guards": [integration_guard]}
PUBLIC_MANAGEMENT: dict[str, Any] = {"tags": ["management"]}
"""Route options: the OpenAPI tag, and the guard that wants the kind of credential the API takes."""

PageSize = Annotated[int, QueryParameter(name="pageSize", ge=1, le=1000, required=False)]
Skip = Annotated[int, QueryParameter(name="skip", ge=0, le=2**63 - 1, required=False)]
Sort = Annotated[str | None, QueryParameter(name="sort", required=False)]
WithTotal = Annotated[bool, QueryParameter(name="withTotalResultSize", required=False)]
Text = Annotated[str | None, QueryParameter(required=False)]
"""A text query parameter named as the handler's argument (``name``, ``value``, ...)."""

# Times in query strings arrive as text: ``time_parameter`` also takes the ``+0000`` offset and dates.
CreatedBefore = Annotated[str | None, QueryParameter(name="createdBefore", required=False)]
CreatedAfter = Annotated[str | None, QueryParameter(name="createdAfter", required=False)]
StartBefore = Annotated[str | None, QueryParameter(name="startBefore", required=False)]
StartAfter = Annotated[str | None, QueryParameter(name="startAfter", required=False)]
EndBefore = Annotated[str | None, QueryParameter(name="endBefore", required=False)]
EndAfter = Annotated[str | None, QueryParameter(name="endAfter", required=False)]


_inline = False


def run_use_cases(threads: int) -> None:
    """How this worker runs use cases: ``0``, one at a time on the event loop (SQLite's default: its
    statements are calls into the process, and a hop to a thread and back cost more CPU than the use
    case's own database work, see docs/performance.md); ``n > 0``, at most ``n`` at once in threads
    (PostgreSQL's default, whose round trips wait on the network). Call at startup, in the worker."""
    global _inline
    _inline = threads == 0
    if threads:
        anyio.to_thread.current_default_thread_limiter().total_tokens = threads


async def run_blocking(fn: Callable[[], T]) -> T:
    """Run a blocking use case as ``run_use_cases`` said: inline, or in the thread pool."""
    if _inline:
        return fn()
    return await anyio.to_thread.run_sync(fn)


def time_parameter(name: str, text: str | None) -> Time | None:
    """A query parameter holding a time (RFC 3339, the ``+0000`` form, or a bare date); 400 naming it."""
    if text is None:
        return None
    try:
        return Time.parse(text)
    except ValueError:
        raise InvalidInput(f"{text!r} is not an RFC 3339 time", parameter=name) from None


def time_ranges(**ranges: tuple[str | None, str | None]) -> dict[str, Time | None]:
    """Pairs of time parameters bounding a time: ``created=(before, after)`` gives the filters
    ``created_before`` and ``created_after`` (``Time | None``), a 400 naming ``createdBefore`` or
    ``createdAfter``; parsed in the order given."""
    times: dict[str, Time | None] = {}
    for name, (before, after) in ranges.items():
        times[f"{name}_before"] = time_parameter(f"{name}Before", before)
        times[f"{name}_after"] = time_parameter(f"{name}After", after)
    return times


def required_range(range_start: str | None, range_end: str | None) -> tuple[Time, Time]:
    """``rangeStart`` and ``rangeEnd``: both required, both times (400 naming the one missing or bad)."""
    start = time_parameter("rangeStart", range_start)
    end = time_parameter("rangeEnd", range_end)
    if start is None or end is None:
        missing = "rangeStart" if start is None else "rangeEnd"
        raise InvalidInput(f"{missing} is required", parameter=missing)
    return start, end


def body(model: type[Any], *, names_ids: bool = False) -> dict[str, Any]:
    """Route options that document ``model`` as the JSON request body (see ``openpromo.api.openapi``);
    ``names_ids``: the body names resources by id, so the operation answers 404 for an unknown one even
    without a path parameter."""
    return {"opt": {"body": model, "names_ids": names_ids}}


def page(
    page_size: int | None, skip: int | None, sort: str | None, *, integration: bool = False
) -> PageRequest:
    default = INTEGRATION_PAGE_SIZE if integration else MANAGEMENT_PAGE_SIZE
    return PageRequest(skip=skip or 0, page_size=page_size or default, sort=sort)


__all__ = [
    "INTEGRATION",
    "MANAGEMENT",
    "PUBLIC_MANAGEMENT",
    "CreatedAfter",
    "CreatedBefore",
    "EndAfter",
    "EndBefore",
    "PageSize",
    "Skip",
    "Sort",
    "StartAfter",
    "StartBefore",
    "Text",
    "WithTotal",
    "body",
    "page",
    "required_range",
    "run_blocking",
    "run_use_cases",
    "time_parameter",
    "time_ranges",
]

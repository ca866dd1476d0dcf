"""Shared pieces of route declarations: tags, thread offloading, paging parameters, body documentation.

Handlers are ``async`` and hand the whole use case (auth, decoding, one blocking database
transaction) to the thread pool in one hop with ``in_thread``.
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


async def in_thread(fn: Callable[[], T]) -> T:
    """Run a blocking use case in the worker thread pool."""
    return await anyio.to_thread.run_sync(fn)


def time_parameter(name: str, text: str | None) -> Time | None:
    """A query parameter holding a time (RFC 3339, the ``+0000`` form, or a bare date); 400 naming it."""
    if text is None:
        return None
    try:
        return Time.parse(text)
    except ValueError:
        raise InvalidInput(f"{text!r} is not an RFC 3339 time", parameter=name) from None


def time_parameters(**named: tuple[str, str | None]) -> dict[str, Time | None]:
    """Several time parameters at once: ``key=(wire name, text)`` gives ``key: Time | None``."""
    return {key: time_parameter(name, text) for key, (name, text) in named.items()}


def body(model: type[Any]) -> dict[str, Any]:
    """Route options that document ``model`` as the JSON request body (see ``openpromo.api.openapi``)."""
    return {"opt": {"body": model}}


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
    "PageSize",
    "Skip",
    "Sort",
    "Text",
    "WithTotal",
    "body",
    "in_thread",
    "page",
    "time_parameter",
    "time_parameters",
]

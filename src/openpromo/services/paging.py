"""Paging of list endpoints: ``pageSize`` and ``skip``, answered as ``{hasMore, data}`` or with
``totalResultSize`` where the spec's response has it. Lists are filtered, sorted and paged by the database
(``Records.query``): a page reads the page's rows (and counts when the total is asked for), never the
whole list."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from openpromo.services.errors import InvalidInput
from openpromo.services.models.base import Page
from openpromo.services.ports import Condition, Eq, Records, Row

T = TypeVar("T")

MANAGEMENT_PAGE_SIZE = 1000
INTEGRATION_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000


@dataclass(frozen=True, slots=True)
class PageRequest:
    skip: int = 0
    page_size: int = MANAGEMENT_PAGE_SIZE
    sort: str | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.page_size <= MAX_PAGE_SIZE:
            raise InvalidInput(f"pageSize must be between 1 and {MAX_PAGE_SIZE}", parameter="pageSize")
        if self.skip < 0:
            raise InvalidInput("skip must not be negative", parameter="skip")

    def order(self, allowed: Mapping[str, str], default: str = "id") -> str:
        """Map the API's ``sort`` (a field name, ``-`` prefix for descending) to a column."""
        if not self.sort:
            return default
        descending = self.sort.startswith("-")
        key = self.sort.lstrip("-+")
        if key not in allowed:
            raise InvalidInput(f"cannot sort by {key!r}", parameter="sort")
        return ("-" if descending else "") + allowed[key]


def page_of(rows: Sequence[T], request: PageRequest) -> Page:
    """``{hasMore, data}`` from rows read with one more than the page (``limit=page_size + 1``)."""
    return Page(has_more=len(rows) > request.page_size, data=list(rows[: request.page_size]))


def list_page(
    records: Records,
    table: str,
    where: Mapping[str, Any],
    request: PageRequest,
    build: Callable[[Row], Any],
    *,
    conditions: Sequence[Condition] = (),
    sortable: Mapping[str, str] | None = None,
    with_total: bool = False,
    also_total: bool = False,
    default_order: str = "id",
) -> Page:
    """A page of the rows matching ``where`` (column equality, as ``Records.find``) and ``conditions``,
    answered with ``hasMore``; ``with_total``: with ``totalResultSize`` instead (the spec's lists that
    have no ``hasMore``); ``also_total``: with both (``withTotalResultSize=true``)."""
    order = request.order(sortable or {"created": "created", "id": "id"}, default_order)
    found = records.query(
        table,
        [*(Eq(column, value) for column, value in where.items()), *conditions],
        skip=request.skip,
        limit=request.page_size,
        order=order,
        with_total=with_total or also_total,
    )
    data = [build(row) for row in found.rows]
    if with_total:
        return Page(total_result_size=found.total, data=data)
    return Page(has_more=found.has_more, total_result_size=found.total if also_total else None, data=data)


__all__ = ["INTEGRATION_PAGE_SIZE", "MANAGEMENT_PAGE_SIZE", "PageRequest", "list_page", "page_of"]

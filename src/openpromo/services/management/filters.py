"""List filters the spec defines beyond column equality (time windows, case-insensitive and folded
matching), applied to the rows of one application or campaign, and the page cut from what is kept.

Management lists are small enough (one application's campaigns, one campaign's coupons) to filter in
memory; the unfiltered lists page in SQL (``openpromo.services.paging``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from openpromo.services.models.base import Page
from openpromo.services.paging import PageRequest
from openpromo.services.ports import Row


def fold(text: str) -> str:
    """A code as Talon.One compares it in filters: case-insensitive, non-alphanumerics removed."""
    return "".join(c for c in text.casefold() if c.isalnum())


def contains(text: str | None, part: str) -> bool:
    """Case-insensitive substring match."""
    return text is not None and part.casefold() in text.casefold()


def within(moment: datetime | None, before: datetime | None, after: datetime | None) -> bool:
    """``moment`` lies in the open window (``after``, ``before``); no bounds: always; no moment: never."""
    if before is None and after is None:
        return True
    if moment is None:
        return False
    return (before is None or moment < before) and (after is None or moment > after)


def validity(start: datetime | None, expiry: datetime | None, wanted: str, now: datetime) -> bool:
    """The spec's ``valid`` filter: ``expired``, ``validNow`` or ``validFuture``."""
    if wanted == "expired":
        return expiry is not None and expiry <= now
    if wanted == "validFuture":
        return start is not None and start > now
    return (start is None or start <= now) and (expiry is None or expiry > now)


def usable(counter: int, limit: int) -> bool:
    """Uses left (a limit of 0 is unlimited)."""
    return limit == 0 or counter < limit


def window(
    rows: Sequence[Any],
    page: PageRequest,
    build: Callable[[Any], Any],
    *,
    with_total: bool = False,
    also_total: bool = False,
) -> Page:
    """The page of the kept rows, answered as ``openpromo.services.paging.list_page`` answers."""
    chunk = list(rows[page.skip : page.skip + page.page_size])
    data = [build(row) for row in chunk]
    if with_total:
        return Page(total_result_size=len(rows), data=data)
    more = page.skip + page.page_size < len(rows)
    return Page(has_more=more, total_result_size=len(rows) if also_total else None, data=data)


def sort_rows(rows: list[Row], order: str) -> list[Row]:
    """Rows ordered by a column (``-`` prefix: descending), nulls first, then by id."""
    descending = order.startswith("-")
    column = order.lstrip("-")

    def key(row: Row) -> tuple[bool, Any, Any]:
        value = row.get(column)
        return (value is not None, value if value is not None else 0, row.get("id", 0))

    return sorted(rows, key=key, reverse=descending)


__all__ = ["contains", "fold", "sort_rows", "usable", "validity", "window", "within"]

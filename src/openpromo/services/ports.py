"""What the use cases need from the outside world, as Protocols; ``openpromo.storage`` implements them.

Most of the Management API is create/read/update/delete of records, so one generic ``Records`` port
serves it: a table name and snake_case column values, no SQL. Hot paths (session evaluation, limit
counters, ledgers) get their own narrow ports so they can be served in few round trips.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Any, Protocol, Self

Row = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Slice:
    """One page of rows; ``total`` only when it was asked for."""

    rows: list[Row]
    has_more: bool
    total: int | None = None


class Records(Protocol):
    def insert(self, table: str, values: Mapping[str, Any]) -> int:
        """Insert one row and return its id (0 for tables keyed otherwise)."""

    def insert_many(self, table: str, rows: Sequence[Mapping[str, Any]]) -> None:
        """Insert many rows in one statement (executemany)."""

    def get(self, table: str, ident: int, **scope: Any) -> Row | None:
        """The row with this id, if it also matches every ``scope`` column (e.g. ``application_id``)."""

    def find_one(self, table: str, **where: Any) -> Row | None: ...

    def find(
        self,
        table: str,
        where: Mapping[str, Any],
        *,
        skip: int = 0,
        limit: int | None = None,
        order: str = "id",
        with_total: bool = False,
    ) -> Slice:
        """Rows matching ``where`` (column equality; a list or tuple value means IN), ordered by ``order``
        (a column name, ``-`` prefix for descending)."""

    def count(self, table: str, **where: Any) -> int: ...

    def existing(self, table: str, column: str, values: Sequence[Any], **where: Any) -> set[Any]:
        """Which of ``values`` already occur in ``column`` among rows matching ``where``."""

    def update(self, table: str, ident: int, values: Mapping[str, Any], **scope: Any) -> bool:
        """Update one row; False when no row matched."""

    def delete(self, table: str, ident: int, **scope: Any) -> bool: ...

    def delete_where(self, table: str, **where: Any) -> int: ...


class UnitOfWork(Protocol):
    """One transaction: ``with uow: ...; uow.commit()``; leaving the block without commit rolls back."""

    @property
    def records(self) -> Records: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...

    def commit(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self, *, write: bool = True) -> UnitOfWork: ...


class Clock(Protocol):
    def now(self) -> datetime: ...


__all__ = ["Clock", "Records", "Row", "Slice", "UnitOfWork", "UnitOfWorkFactory"]

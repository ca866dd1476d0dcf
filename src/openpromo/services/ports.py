"""What the use cases need from the outside world, as Protocols; ``openpromo.storage`` implements them.

Most of the Management API is create/read/update/delete of records, so one generic ``Records`` port
serves it: a table name and snake_case column values, no SQL. Hot paths (session evaluation, limit
counters, ledgers) get their own narrow ports so they can be served in few round trips.

Lists are filtered, sorted and paged by the database: ``Records.query`` takes a table, conditions from
the small vocabulary below (``Eq``, ``Contains``, ``Within``, ``Valid``, ``AnyOf``, ``HasElement``, ...)
and an order, and answers one page. A condition names a *field*: a column (``"expiry_date"``), or a
value inside a JSON column (``"product.name"``: the ``name`` of the ``product`` document). Inside
``HasElement`` fields name parts of the JSON array's element instead (``""``: the element itself,
``"props.value"``: a value inside it), and inside ``Related`` columns of the related table. Text
values inside JSON are compared as text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, Protocol, Self

if TYPE_CHECKING:
    from openpromo.services.data.achievements import AchievementData
    from openpromo.services.data.audiences import AudienceData
    from openpromo.services.data.catalogs import CatalogData
    from openpromo.services.data.customers import CustomerData
    from openpromo.services.data.ledgers import LedgerData
    from openpromo.services.data.loyalty import LoyaltyData
    from openpromo.services.data.offers import OfferData
    from openpromo.services.data.prices import PriceData
    from openpromo.services.data.sessions import SessionData

Row = dict[str, Any]

# -- the conditions of list queries --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Eq:
    """``field`` equals ``value``; a list, tuple or set means any of them (an empty one: no row), ``None``
    means the field is null."""

    field: str
    value: Any


@dataclass(frozen=True, slots=True)
class Compare:
    """``field <op> value`` (a null field never matches)."""

    field: str
    op: Literal["<", "<=", ">", ">="]
    value: Any


@dataclass(frozen=True, slots=True)
class Within:
    """``field`` lies in the open window (``after``, ``before``); no bounds: every row; with a bound, a
    null field never matches."""

    field: str
    before: datetime | None = None
    after: datetime | None = None


@dataclass(frozen=True, slots=True)
class Contains:
    """``part`` occurs in ``field``, case-insensitively (a null field never matches)."""

    field: str
    part: str


@dataclass(frozen=True, slots=True)
class Caseless:
    """``field`` equals one of ``values``, case-insensitively."""

    field: str
    values: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Folded:
    """``part`` occurs in ``field`` as Talon.One matches codes: case-insensitive, non-alphanumerics removed
    from both (``"ab-1"`` finds ``"XAB1"``). For the fields storage keeps a folded copy of: a coupon's
    ``value``, a referral's ``code``."""

    field: str
    part: str


@dataclass(frozen=True, slots=True)
class Valid:
    """The spec's ``valid`` filter over a start and an expiry field: ``expired`` (expiry at or before
    ``now``), ``validFuture`` (start after ``now``), ``validNow`` (neither; missing bounds are open)."""

    start: str
    expiry: str
    wanted: Literal["expired", "validNow", "validFuture"]
    now: datetime


@dataclass(frozen=True, slots=True)
class Usable:
    """Uses left (``wanted=True``: ``counter < limit`` or a ``limit`` of 0, which is unlimited), or none
    left (``wanted=False``)."""

    counter: str
    limit: str
    wanted: bool


@dataclass(frozen=True, slots=True)
class AnyOf:
    """At least one of ``conditions`` holds (none given: no row matches)."""

    conditions: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class AllOf:
    """Every one of ``conditions`` holds (for grouping inside ``AnyOf``)."""

    conditions: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class Not:
    condition: Condition


@dataclass(frozen=True, slots=True)
class HasElement:
    """Some element of the JSON array in ``field`` meets every one of ``where`` (fields there name parts
    of the element: ``""`` the element itself)."""

    field: str
    where: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class Related:
    """A row of ``table`` exists whose ``column`` equals this row's ``field`` and that meets every one of
    ``where`` (fields there are ``table``'s)."""

    table: str
    column: str
    field: str
    where: tuple[Condition, ...]


Condition = (
    Eq
    | Compare
    | Within
    | Contains
    | Caseless
    | Folded
    | Valid
    | Usable
    | AnyOf
    | AllOf
    | Not
    | HasElement
    | Related
)
NOTHING = AnyOf(())
"""A condition no row meets."""


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
        """Insert many rows (one statement per 16 rows of the same columns)."""

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

    def query(
        self,
        table: str,
        conditions: Sequence[Condition],
        *,
        order: str = "id",
        skip: int = 0,
        limit: int | None = None,
        with_total: bool = False,
    ) -> Slice:
        """One page of the rows meeting every condition, in the database. ``order``: a column, ``-`` prefix
        for descending; ascending puts nulls first, descending last, and ties go by id the same way
        (text compares by code point). ``has_more`` says whether rows follow the page; ``with_total``
        counts every matching row."""

    def elements(
        self, table: str, column: str, where: Mapping[str, Any], *, skip: int = 0, limit: int | None = None
    ) -> Slice:
        """A page of the elements of the JSON array in ``column`` of the row matching ``where`` (column
        equality), in their order, as rows ``{"value": element}`` (none when no row matches)."""

    def count(self, table: str, **where: Any) -> int: ...

    def existing(self, table: str, column: str, values: Sequence[Any], **where: Any) -> set[Any]:
        """Which of ``values`` already occur in ``column`` among rows matching ``where``."""

    def update(self, table: str, ident: int, values: Mapping[str, Any], **scope: Any) -> bool:
        """Update one row; False when no row matched."""

    def delete(self, table: str, ident: int, **scope: Any) -> bool: ...

    def delete_where(self, table: str, **where: Any) -> int: ...


CounterKey = tuple[int, str, str, str]


class UnitOfWork(Protocol):
    """One transaction: ``with uow: ...; uow.commit()``; leaving the block without commit rolls back."""

    @property
    def records(self) -> Records: ...

    @property
    def sessions(self) -> SessionData:
        """The session aggregate's narrow port (``services.data.sessions``)."""

    @property
    def ledgers(self) -> LedgerData:
        """The loyalty ledgers' narrow port (``services.data.ledgers``)."""

    @property
    def loyalty(self) -> LoyaltyData:
        """Loyalty cards and the ledger lists (``services.data.loyalty``)."""

    @property
    def customers(self) -> CustomerData:
        """What a customer holds, and the deletion of its personal data (``services.data.customers``)."""

    @property
    def audiences(self) -> AudienceData:
        """An account's audiences and their memberships (``services.data.audiences``)."""

    @property
    def achievements(self) -> AchievementData:
        """Customers' progress in achievements (``services.data.achievements``)."""

    @property
    def catalogs(self) -> CatalogData:
        """Catalogs and their items (``services.data.catalogs``)."""

    @property
    def prices(self) -> PriceData:
        """Price observations, for best prior prices (``services.data.prices``)."""

    @property
    def offers(self) -> OfferData:
        """Coupon reservations and referral codes written in bulk (``services.data.offers``)."""

    def __enter__(self) -> Self: ...

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...

    def commit(self) -> None: ...

    def writing(self) -> None:
        """Say that the unit of work writes from here on (a no-op unless it was made with
        ``late_write``)."""

    @property
    def writes_later(self) -> bool:
        """True while a ``late_write`` unit of work reads without the database's writer lock (SQLite,
        before ``writing()``); always False on PostgreSQL."""

    @property
    def version(self) -> int | None:
        """The configuration's version when the unit of work read it with its request keys (None: not
        read; ``sessions.config_version()`` reads it)."""


class UnitOfWorkFactory(Protocol):
    def __call__(
        self, *, write: bool = True, locks: Sequence[str] = (), late_write: bool = False
    ) -> UnitOfWork:
        """A unit of work; with ``locks`` (request keys such as a session's) it first takes them without
        waiting, and raises ``Conflict`` (409) when another request holds one.

        ``late_write``: the use case reads first and calls ``writing()`` before its first write. Until
        then it may read without the database's writer lock (SQLite), so what it read may be older than
        what it then writes over: only for use cases whose writes depend on rows that their ``locks``
        protect, or on shared counters they change with conditional, commutative updates (a session
        update). A write before ``writing()`` fails."""


class Clock(Protocol):
    def now(self) -> datetime: ...


@dataclass(frozen=True, slots=True)
class Committed:
    """What one request committed, for the business counters (``Telemetry.committed``): the effects in
    force it applied, and how the session changed."""

    effects: tuple[str, ...] = ()
    """The type of every effect applied (``acceptCoupon``, ``setDiscount``, ...)."""
    coupon_rejections: tuple[str, ...] = ()
    """The rejection reason of every coupon rejected (``CouponNotFound``, ...)."""
    referral_rejections: tuple[str, ...] = ()
    budgets_reached: tuple[str, ...] = ()
    """The action of every campaign budget counter this request used up (``setDiscount``, ...)."""
    session_change: str | None = None
    """``closed``, ``cancelled``, ``returned`` (items returned) or ``reopened``; None: no such change."""


class Telemetry(Protocol):
    """What the pipeline reports (``openpromo.metrics`` counts it; services know no metrics library)."""

    def committed(self, what: Committed) -> None:
        """A request committed ``what``."""

    def rule_errors(self, campaign_ids: Sequence[int]) -> None:
        """An evaluation's rules failed with runtime errors, one campaign id per failed rule."""

    def snapshot_built(self, seconds: float) -> None:
        """An application's configuration snapshot (its campaigns and compiled rules) was built."""

    def evaluated(self, seconds: float) -> None:
        """One engine evaluation took ``seconds``."""

    def rule_bug(self) -> None:
        """An exception escaped the engine (rule failures are values: this is a bug)."""

    def close_reevaluated(self) -> None:
        """A close on SQLite was evaluated again under the writer lock: what it consumes had changed."""


__all__ = [
    "NOTHING",
    "AllOf",
    "AnyOf",
    "Caseless",
    "Clock",
    "Committed",
    "Compare",
    "Condition",
    "Contains",
    "CounterKey",
    "Eq",
    "Folded",
    "HasElement",
    "Not",
    "Records",
    "Related",
    "Row",
    "Slice",
    "Telemetry",
    "UnitOfWork",
    "UnitOfWorkFactory",
    "Usable",
    "Valid",
    "Within",
]

"""The CSV files of the loyalty imports, read into typed rows (docs/loyalty.md "Imports and exports").

``importLoyaltyPoints``: ``customerprofileid`` (profile-based programs) or ``identifier`` (card-based),
``amount``, ``startdate`` (RFC 3339, ``immediate`` or ``on_action``; empty: immediate), ``expirydate``
(RFC 3339 or ``unlimited``; empty: unlimited), ``validityDuration``, ``subledgerid``, ``reason``.
``importLoyaltyCards``: ``identifier``, ``state`` (``active`` or ``inactive``), ``customerprofileids``
(``;``-separated). Header names are case-insensitive. Every bad cell is reported, each as
``/upFile/<line>/<column>`` (the file's line; line 1 is the header), and nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from openpromo.rules.durations import parse_duration, shift
from openpromo.services.cards import IDENTIFIER
from openpromo.services.errors import ErrorDetail, InvalidInput, raise_problems
from openpromo.services.management.points import CENT, MAX_POINTS
from openpromo.services.management.uploads import csv_rows
from openpromo.services.models.base import Time
from openpromo.services.ports import Row

POINT_COLUMNS = frozenset(
    {
        "customerprofileid",
        "identifier",
        "amount",
        "startdate",
        "expirydate",
        "validityduration",
        "subledgerid",
        "reason",
    }
)
CARD_COLUMNS = frozenset({"identifier", "state", "customerprofileids"})
MAX_PROFILE_ID = 1000
MAX_SUBLEDGER = 64
MAX_REASON = 1000


class CellError(ValueError):
    """A bad cell: the column it is in and why."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column


def problem(line: int, error: CellError) -> ErrorDetail:
    return ErrorDetail(
        "Invalid value", f"line {line}, column {error.column}: {error}", f"/upFile/{line}/{error.column}"
    )


@dataclass(frozen=True, slots=True)
class PointsRow:
    """One line of a points import: whose points (a profile's integration id or a card's identifier),
    how many, when they count (``start`` None: awaiting activation, ``validity`` then counted from
    the activation), in which subledger, and why."""

    line: int
    owner: str
    amount: Decimal
    start: datetime | None
    expiry: datetime | None
    validity: str | None
    subledger: str
    reason: str


@dataclass(frozen=True, slots=True)
class CardRow:
    line: int
    identifier: str
    status: str
    profiles: tuple[str, ...]


def _header(header: list[str], columns: frozenset[str], required: tuple[str, ...]) -> None:
    missing = [c for c in required if c not in header]
    if missing:
        raise InvalidInput(f"the CSV needs the columns {', '.join(required)}", pointer="/upFile")
    unknown = sorted(set(header) - columns)
    if unknown:
        raise InvalidInput(f"unknown columns: {', '.join(unknown)}", pointer="/upFile")


def parse_points_csv(content: bytes, program: Row, now: datetime) -> list[PointsRow]:
    """The rows of a points import into ``program``; 400 naming the line and column of every bad cell."""
    owner = "identifier" if program["card_based"] else "customerprofileid"
    other = "customerprofileid" if program["card_based"] else "identifier"
    header, lines = csv_rows(content)
    if other in header:
        kind = (
            "card-based: its rows name cards"
            if program["card_based"]
            else "profile-based: its rows name profiles"
        )
        raise InvalidInput(f"the loyalty program is {kind} ({owner})", pointer="/upFile")
    _header(header, POINT_COLUMNS - {other}, (owner, "amount"))
    rows: list[PointsRow] = []
    problems: list[ErrorDetail] = []
    for line, cells in lines:
        try:
            rows.append(_points_row(line, cells, owner, program, now))
        except CellError as exc:
            problems.append(problem(line, exc))
    raise_problems(problems)
    if not rows:
        raise InvalidInput("the CSV has no rows", pointer="/upFile")
    return rows


def _points_row(line: int, cells: dict[str, str], owner: str, program: Row, now: datetime) -> PointsRow:
    who = cells.get(owner, "")
    if owner == "identifier" and not IDENTIFIER.match(who):
        raise CellError(owner, "a card identifier has 4 to 108 of the characters A-Z a-z 0-9 . _ % + @ -")
    if not 1 <= len(who) <= MAX_PROFILE_ID:
        raise CellError(owner, f"an integration id has 1 to {MAX_PROFILE_ID} characters")
    subledger = cells.get("subledgerid", "")
    if subledger and not program["allow_subledger"]:
        raise CellError("subledgerid", "the loyalty program has no subledgers")
    if len(subledger) > MAX_SUBLEDGER:
        raise CellError("subledgerid", f"a subledger id has at most {MAX_SUBLEDGER} characters")
    reason = cells.get("reason", "")
    if len(reason) > MAX_REASON:
        raise CellError("reason", f"a reason has at most {MAX_REASON} characters")
    start, expiry, validity = _window(cells, program, now)
    return PointsRow(line, who, _amount(cells.get("amount", "")), start, expiry, validity, subledger, reason)


def _amount(text: str) -> Decimal:
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise CellError("amount", "not a number") from None
    if not amount.is_finite() or not 0 < amount <= MAX_POINTS:
        raise CellError("amount", f"points are more than 0 and at most {MAX_POINTS}")
    return amount.quantize(CENT)


def _time(cells: dict[str, str], column: str) -> datetime:
    try:
        return Time.parse(cells[column])
    except ValueError:
        raise CellError(column, "not an RFC 3339 time") from None


def _window(
    cells: dict[str, str], program: Row, now: datetime
) -> tuple[datetime | None, datetime | None, str | None]:
    """(start: None awaits activation, expiry, the validity counted from the activation)."""
    zone = ZoneInfo(program["timezone"] or "UTC")
    text = cells.get("startdate", "") or "immediate"
    start = now if text == "immediate" else None if text == "on_action" else _time(cells, "startdate")
    expires, validity = cells.get("expirydate", "") or "unlimited", cells.get("validityduration", "")
    if expires != "unlimited" and validity:
        raise CellError("validityduration", "send expirydate or validityDuration, not both")
    if validity:
        duration = parse_duration(validity)
        if duration is None:
            raise CellError("validityduration", f"{validity!r} is not a duration")
        return (None, None, validity) if start is None else (start, shift(start, duration, zone=zone), None)
    if expires == "unlimited":
        return start, None, None
    expiry = _time(cells, "expirydate")
    if expiry <= (start or now):
        raise CellError("expirydate", "the expiry is after the points become active")
    return start, expiry, None


def parse_cards_csv(content: bytes, users_per_card_limit: int) -> list[CardRow]:
    """The rows of a cards import; 400 naming the line and column of every bad cell."""
    header, lines = csv_rows(content)
    _header(header, CARD_COLUMNS, ("identifier", "state"))
    rows: list[CardRow] = []
    problems: list[ErrorDetail] = []
    for line, cells in lines:
        try:
            rows.append(_card_row(line, cells, users_per_card_limit))
        except CellError as exc:
            problems.append(problem(line, exc))
    raise_problems(problems)
    if not rows:
        raise InvalidInput("the CSV has no cards", pointer="/upFile")
    return rows


def _card_row(line: int, cells: dict[str, str], limit: int) -> CardRow:
    identifier = cells.get("identifier", "")
    if not IDENTIFIER.match(identifier):
        raise CellError(
            "identifier", "a card identifier has 4 to 108 of the characters A-Z a-z 0-9 . _ % + @ -"
        )
    status = cells.get("state", "")
    if status not in ("active", "inactive"):
        raise CellError("state", "the state is active or inactive")
    profiles = tuple(p.strip() for p in cells.get("customerprofileids", "").split(";") if p.strip())
    if len(set(profiles)) < len(profiles):
        raise CellError("customerprofileids", "a profile is named twice")
    if any(len(p) > MAX_PROFILE_ID for p in profiles):
        raise CellError("customerprofileids", f"an integration id has at most {MAX_PROFILE_ID} characters")
    if limit and len(profiles) > limit:
        raise CellError("customerprofileids", f"a card of this program has at most {limit} profiles")
    return CardRow(line, identifier, status, profiles)


__all__ = [
    "CARD_COLUMNS",
    "POINT_COLUMNS",
    "CardRow",
    "CellError",
    "PointsRow",
    "parse_cards_csv",
    "parse_points_csv",
    "problem",
]

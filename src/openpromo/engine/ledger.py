"""Loyalty ledgers: points as lots, balances as of any moment, FIFO spending, rollbacks by return policy.

A ledger (one program, one owner, one subledger) is a list of entries that is only ever appended to:

* an **addition** is a *lot* of points: pending until its start (``None``: until it is activated), then
  active until its expiry (``None``: never);
* a **subtraction** takes points: a deduction (they count as spent) or the rollback of an addition;
* an **expire** entry records what was left of a lot when it expired.

Every subtraction and expire entry says where its points came from, as *allocations* (lot, amount, when).
An allocation without a lot is owed: a negative balance (a rollback the program's return policy lets go
below zero); a negative allocation without a lot pays it back. So for any moment ``t``:

* a lot holds its amount less what was allocated from it up to ``t``; that rest is pending, active or
  expired at ``t`` by its start and expiry;
* spent is the sum of the deductions up to ``t``, negative the sum of what is owed up to ``t``;
* and additions - subtractions - expire entries = active + pending + (expired, not yet recorded) - negative.

A lot that is active pays a negative balance first: when it is added active, when it starts, and when it is
activated (an allocation from the lot and a negative owed one, on the addition itself). So a negative
balance always means no active points.

Everything here is pure: it works on the lots a storage adapter hands it and says what to write.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from decimal import Decimal
from enum import Enum

ZERO = Decimal(0)
POINTS = Decimal("0.01")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class State(Enum):
    PENDING = "pending"
    ACTIVE = "active"
    EXPIRED = "expired"


class ReturnPolicy(Enum):
    """What a rollback of added points may take (the program's ``returnPolicy``)."""

    ONLY_PENDING = "only_pending"
    """Only what is still pending of the points added; the rest stays with the customer."""
    WITHIN_BALANCE = "within_balance"
    """Pending first, then active points, down to an active balance of zero."""
    UNLIMITED = "unlimited"
    """Pending first, then active points, and the rest as a negative balance."""

    @classmethod
    def of(cls, value: str | None) -> ReturnPolicy:
        return cls(value) if value else cls.ONLY_PENDING


def points(value: Decimal) -> Decimal:
    """Points have two decimal places."""
    return value.quantize(POINTS)


@dataclass(slots=True)
class Lot:
    """An addition entry and what is left of it."""

    id: int
    remaining: Decimal
    start: datetime | None
    """When the points become active; ``None``: when they are activated."""
    expiry: datetime | None
    """When what is left expires; ``None``: never."""

    def state(self, at: datetime) -> State:
        if self.start is None or self.start > at:
            return State.PENDING
        if self.expiry is not None and self.expiry <= at:
            return State.EXPIRED
        return State.ACTIVE


def spending_order(lot: Lot) -> tuple[bool, datetime, datetime, int]:
    """FIFO: the earliest expiry first (never-expiring last), then the earliest start, then the oldest."""
    return (lot.expiry is None, lot.expiry or EPOCH, lot.start or EPOCH, lot.id)


@dataclass(slots=True)
class Figures:
    """A ledger's balances at one moment."""

    active: Decimal = ZERO
    pending: Decimal = ZERO
    spent: Decimal = ZERO
    expired: Decimal = ZERO
    negative: Decimal = ZERO

    def add(self, state: State, amount: Decimal) -> None:
        if state is State.ACTIVE:
            self.active += amount
        elif state is State.PENDING:
            self.pending += amount
        else:
            self.expired += amount

    def copy(self) -> Figures:
        return replace(self)


def figures_of(
    lots: Iterable[Lot], at: datetime, spent: Decimal, expired: Decimal, negative: Decimal
) -> Figures:
    """The balances at ``at`` from the open lots (what is left of them), the deductions and the recorded
    expirations so far, and what is owed."""
    result = Figures(spent=spent, expired=expired, negative=negative)
    for lot in lots:
        if lot.remaining:
            result.add(lot.state(at), lot.remaining)
    return result


Settlement = tuple[int, Decimal, datetime]
"""(lot id, amount, when): a lot that became active paid that much of a negative balance."""


def roll_forward_settling(
    figures: Figures, changing: Iterable[Lot], since: datetime, until: datetime
) -> tuple[Figures, list[Settlement]]:
    """The balances at ``until`` from those at ``since`` and the open lots whose start or expiry falls in
    ``(since, until]`` (no other lot changes state in between), and what the lots that became active paid
    of a negative balance, in the order they started (an active lot pays what is owed first)."""
    result = figures.copy()
    settled: list[Settlement] = []
    for lot in sorted(changing, key=lambda x: (x.start or EPOCH, x.id)):
        before, after = lot.state(since), lot.state(until)
        if before is after or not lot.remaining:
            continue
        rest = lot.remaining
        if before is State.PENDING and lot.start is not None and result.negative > 0:
            paid = min(result.negative, rest)
            result.negative -= paid
            result.pending -= paid
            rest -= paid
            settled.append((lot.id, paid, lot.start))
        result.add(before, -rest)
        result.add(after, rest)
    return result, settled


def roll_forward(figures: Figures, changing: Iterable[Lot], since: datetime, until: datetime) -> Figures:
    """The balances at ``until`` (``roll_forward_settling`` without the settlements)."""
    return roll_forward_settling(figures, changing, since, until)[0]


def next_change(lots: Iterable[Lot], after: datetime) -> datetime | None:
    """The first moment after ``after`` at which an open lot becomes active or expires."""
    moments = [
        moment
        for lot in lots
        if lot.remaining
        for moment in (lot.start, lot.expiry)
        if moment is not None and moment > after
    ]
    return min(moments, default=None)


Allocation = tuple[int | None, Decimal]
"""(lot id, amount); a lot id of ``None`` is owed (a negative balance), a negative amount pays it back."""


@dataclass(slots=True)
class Taken:
    """Where the points of one subtraction came from, and what could not be taken."""

    allocations: list[Allocation] = field(default_factory=list)
    short: Decimal = ZERO

    @property
    def amount(self) -> Decimal:
        return sum((a for lot, a in self.allocations if lot is not None), ZERO)


def take_fifo(lots: Sequence[Lot], amount: Decimal, at: datetime) -> Taken:
    """Take ``amount`` from the lots active at ``at``, FIFO; what they cannot cover is ``short``."""
    taken = Taken()
    left = amount
    for lot in sorted(
        (x for x in lots if x.remaining > 0 and x.state(at) is State.ACTIVE), key=spending_order
    ):
        if left <= 0:
            break
        part = min(lot.remaining, left)
        lot.remaining -= part
        left -= part
        taken.allocations.append((lot.id, part))
    taken.short = left
    return taken


def take_rollback(
    original: Lot | None, others: Sequence[Lot], amount: Decimal, policy: ReturnPolicy, at: datetime
) -> Taken:
    """Take back ``amount`` of the points an addition (``original``, when it is still open) added.

    Pending points of the addition go first. ``only_pending`` stops there; ``within_balance`` goes on
    with what is active of the addition and then of the other lots (FIFO), ``unlimited`` as well and owes
    the rest (a negative balance). What no policy covers is dropped (``short``)."""
    taken = Taken()
    left = amount
    if original is not None and original.remaining > 0:
        state = original.state(at)
        if state is State.PENDING or (state is State.ACTIVE and policy is not ReturnPolicy.ONLY_PENDING):
            part = min(original.remaining, left)
            original.remaining -= part
            left -= part
            taken.allocations.append((original.id, part))
    if left > 0 and policy is not ReturnPolicy.ONLY_PENDING:
        more = take_fifo([lot for lot in others if original is None or lot.id != original.id], left, at)
        taken.allocations += more.allocations
        left = more.short
    if left > 0 and policy is ReturnPolicy.UNLIMITED:
        taken.allocations.append((None, left))
        left = ZERO
    taken.short = left
    return taken


def settle(lot: Lot, owed: Decimal, at: datetime) -> Decimal:
    """Pay a negative balance from a lot that is active at ``at``; returns what was paid."""
    if owed <= 0 or lot.state(at) is not State.ACTIVE:
        return ZERO
    paid = min(owed, lot.remaining)
    lot.remaining -= paid
    return paid


__all__ = [
    "POINTS",
    "ZERO",
    "Allocation",
    "Figures",
    "Lot",
    "ReturnPolicy",
    "Settlement",
    "State",
    "Taken",
    "figures_of",
    "next_change",
    "points",
    "roll_forward",
    "roll_forward_settling",
    "settle",
    "spending_order",
    "take_fifo",
    "take_rollback",
]

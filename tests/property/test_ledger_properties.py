"""Random sequences of additions (immediate, future, awaiting activation; expiring or not), deductions,
activations, rollbacks of either under each return policy, with time moving on, through the book and the
SQL adapter (SQLite): the stored balances are always those the entries and allocations derive, the
balances rolled forward in memory are those a write then records, and no policy is ever violated."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import openpromo.storage.schema  # noqa: F401  (every table on the metadata)
from openpromo.engine.ledger import ZERO, Figures, ReturnPolicy
from openpromo.services.data.ledgers import LedgerOwner, StoredEntry
from openpromo.services.loyalty import Book, Meta, figures_at
from openpromo.storage.database import Database
from openpromo.storage.schema.core import metadata
from openpromo.storage.uow import SqlUnitOfWork

START = datetime(2026, 1, 1, tzinfo=UTC)
OWNER = LedgerOwner(1, 1, "profile:p", "", profile_integration_id="p")
POINTS = st.integers(1, 5000).map(lambda n: Decimal(n).scaleb(-2))
HOURS = st.integers(0, 48)

operation = st.one_of(
    st.tuples(st.just("add"), POINTS, st.one_of(st.none(), HOURS), st.one_of(st.none(), st.integers(1, 72))),
    st.tuples(st.just("deduct"), POINTS),
    st.tuples(st.just("roll_back_add"), st.integers(0, 20), st.sampled_from([Decimal(1), Decimal("0.5")])),
    st.tuples(st.just("roll_back_deduct"), st.integers(0, 20)),
    st.tuples(st.just("activate"), st.integers(0, 20)),
    st.tuples(st.just("wait"), st.integers(1, 60)),
)


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    path: Path = tmp_path_factory.mktemp("ledger") / "ledger.db"
    database = Database(f"sqlite:///{path}", pool_size=1)
    metadata.create_all(database.engine)
    yield database
    database.dispose()


def _entries(uow: SqlUnitOfWork, kind: str, *, rollback: bool = False) -> list[StoredEntry]:
    (found,) = [ledger for _, ledger in uow.ledgers.ledgers_of(1, OWNER.owner_key)]
    ids = [
        e.id
        for e in uow.ledgers.session_entries(1, "s")
        if e.type == kind and e.rollback is rollback and e.ledger_id == found.id
    ]
    return uow.ledgers.lots(ids)


def _apply(uow: SqlUnitOfWork, book: Book, step: tuple[object, ...], policy: ReturnPolicy) -> None:
    meta = Meta(name="x", transaction_uuid="t", customer_session_id="s")
    kind, now = step[0], book.now
    if kind == "add":
        _, amount, start, validity = step
        begin = None if start is None else now + timedelta(hours=int(start))  # type: ignore[call-overload]
        expiry = None if validity is None else (begin or now) + timedelta(hours=int(validity))  # type: ignore[call-overload]
        book.add(amount, meta, start=begin, expiry=expiry if begin else None)  # type: ignore[arg-type]
    elif kind == "deduct":
        active = book.ledger.figures.active
        assert book.deduct(step[1], meta) is (active >= step[1])  # type: ignore[arg-type]
    elif kind == "roll_back_add":
        additions = _entries(uow, "addition")
        if additions:
            original = additions[int(step[1]) % len(additions)]  # type: ignore[call-overload]
            book.roll_back_addition(original, original.amount * step[2], policy, meta)  # type: ignore[operator]
    elif kind == "roll_back_deduct":
        deductions = _entries(uow, "subtraction")
        if deductions:
            original = deductions[int(step[1]) % len(deductions)]  # type: ignore[call-overload]
            book.roll_back_deduction(original, original.amount, meta)
    elif kind == "activate":
        waiting = [e for e in _entries(uow, "addition") if e.pending_action]
        if waiting:
            entry = waiting[int(step[1]) % len(waiting)]  # type: ignore[call-overload]
            book.activate(entry, now + timedelta(hours=24))


def _sum(uow: SqlUnitOfWork) -> Decimal:
    sign = {"addition": 1, "subtraction": -1, "expire": -1}
    found = uow.ledgers.session_entries(1, "s") + [
        e for e in uow.ledgers.entries(1, [""]) if e.type == "expire"
    ]
    return sum((e.amount * sign[e.type] for e in {e.id: e for e in found}.values()), ZERO)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(operation, max_size=25), policy=st.sampled_from(list(ReturnPolicy)))
def test_balances_are_the_entries_and_the_policy_holds(
    database: Database, steps: list[tuple[object, ...]], policy: ReturnPolicy
) -> None:
    now = START
    history: dict[datetime, Figures] = {}
    """The balances after the last write at each moment (the past a later ``derive`` must give)."""
    with SqlUnitOfWork(database) as uow:  # never committed: every example starts empty
        for step in steps:
            if step[0] == "wait":
                now += timedelta(hours=int(step[1]))  # type: ignore[call-overload]
                continue
            ledger = uow.ledgers.find(OWNER)
            predicted = figures_at(uow.ledgers, ledger, now) if ledger is not None else None
            book = Book.open(uow.ledgers, OWNER, now)
            if predicted is not None:
                assert book.ledger.figures == predicted  # rolled forward in memory == recorded by a write
            _apply(uow, book, step, policy)
            book.close()
            figures = book.ledger.figures
            assert uow.ledgers.derive(book.id, now) == figures
            assert min(figures.active, figures.pending, figures.negative, figures.expired) >= 0
            assert figures.negative == 0 or (policy is ReturnPolicy.UNLIMITED and figures.active == 0)
            assert _sum(uow) == figures.active + figures.pending - figures.negative
            history[now] = figures.copy()
        ledger = uow.ledgers.find(OWNER)
        for moment, past in history.items():
            assert ledger is not None and uow.ledgers.derive(ledger.id, moment) == past


def test_a_lot_that_starts_or_is_activated_pays_a_negative_balance_first(database: Database) -> None:
    meta = Meta(name="x", transaction_uuid="t", customer_session_id="s")
    with SqlUnitOfWork(database) as uow:
        # given 10 points spent, then their addition rolled back under unlimited: 10 owed
        book = Book.open(uow.ledgers, OWNER, START)
        book.add(Decimal(10), meta, start=START, expiry=None)
        assert book.deduct(Decimal(10), meta)
        [addition] = _entries(uow, "addition")
        assert book.roll_back_addition(addition, Decimal(10), ReturnPolicy.UNLIMITED, meta) == 10
        # and 6 points that start in an hour, 8 that await activation
        book.add(Decimal(6), meta, start=START + timedelta(hours=1), expiry=None)
        book.add(Decimal(8), meta, start=None, expiry=None)
        book.close()
        assert book.ledger.figures.negative == 10 and book.ledger.figures.pending == 14
        # when the hour has passed: the 6 points paid what is owed (as read, and as written)
        later = START + timedelta(hours=2)
        ledger = uow.ledgers.find(OWNER)
        assert ledger is not None
        predicted = figures_at(uow.ledgers, ledger, later)
        assert (predicted.active, predicted.negative, predicted.pending) == (0, 4, 8)
        book = Book.open(uow.ledgers, OWNER, later)
        assert book.ledger.figures == predicted
        # and activating the 8 pays the remaining 4
        waiting = [e for e in _entries(uow, "addition") if e.pending_action]
        book.activate(waiting[0], None)
        book.close()
        figures = book.ledger.figures
        assert (figures.active, figures.negative, figures.pending) == (4, 0, 0)
        assert uow.ledgers.derive(book.id, later) == figures
        assert _sum(uow) == 4

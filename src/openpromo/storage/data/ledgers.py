"""``LedgerData`` on SQL: a ledger row under its row lock, its open lots by the partial indexes on
``remaining > 0``, entries and allocations appended in batches.

The ledger row is created with ``INSERT ... ON CONFLICT DO NOTHING`` and read back ``FOR UPDATE NOWAIT``
on PostgreSQL: a close has usually locked its ledgers already when it read the balances (in the order of
their ids); a ledger another request holds (a card named by ``cardIdentifier``) is a 409 at once rather
than a wait that two requests could make in opposite orders. SQLite has one writer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from openpromo.engine.ledger import ZERO, Figures, Lot
from openpromo.metrics import points_written
from openpromo.services.data.ledgers import (
    ADDITION,
    EXPIRE,
    SUBTRACTION,
    LedgerOwner,
    NewEntry,
    OpenLedger,
    ProgramLedger,
    StoredEntry,
)
from openpromo.services.errors import Conflict
from openpromo.storage.schema.loyalty import (
    loyalty_card_profiles,
    loyalty_cards,
    loyalty_ledger_allocations,
    loyalty_ledger_entries,
    loyalty_ledgers,
)

L = loyalty_ledgers.c
E = loyalty_ledger_entries.c
A = loyalty_ledger_allocations.c
LOCK_NOT_AVAILABLE = "55P03"
BUSY = "the loyalty ledger is being written by a parallel request; retry the request"
OPEN = sa.text("loyalty_ledger_entries.remaining > 0")
"""As the partial indexes say it (a bound 0 would not match their predicate)."""


def _ledger(row: Any) -> OpenLedger:
    m = row._mapping
    figures = Figures(
        m["active_points"], m["pending_points"], m["spent_points"], m["expired_points"], m["negative_points"]
    )
    return OpenLedger(
        m["id"],
        figures,
        m["as_of"],
        m["valid_until"],
        m["tier_id"],
        m["tier_entered_at"],
        m["tier_expires_at"],
        m["joined_at"],
    )


def _program_ledger(row: Any) -> ProgramLedger:
    m = row._mapping
    return ProgramLedger(
        m["owner_key"], m["subledger_id"] or "", m["profile_integration_id"], m["card_id"], _ledger(row)
    )


def _entry(row: Any) -> StoredEntry:
    m = row._mapping
    return StoredEntry(
        id=m["id"],
        ledger_id=m["ledger_id"],
        program_id=m["program_id"],
        type=m["type"],
        amount=m["amount"],
        remaining=m["remaining"],
        created=m["created"],
        name=m["name"],
        subledger_id=m["subledger_id"],
        transaction_uuid=m["transaction_uuid"],
        start_date=m["start_date"],
        expiry_date=m["expiry_date"],
        pending_action=bool(m["pending_action"]),
        rollback=bool(m["rollback"]),
        validity_duration=m["validity_duration"],
        customer_session_id=m["customer_session_id"],
        owner_key=m["owner_key"],
        flags=m["flags"],
    )


_ENTRIES = sa.select(loyalty_ledger_entries, L.owner_key).join(loyalty_ledgers, L.id == E.ledger_id)


class SqlLedgerData:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._postgres = conn.dialect.name == "postgresql"

    def _where(self, owner: LedgerOwner) -> sa.Select[Any]:
        return sa.select(loyalty_ledgers).where(
            L.program_id == owner.program_id,
            L.owner_key == owner.owner_key,
            L.subledger_id == owner.subledger_id,
        )

    def open(self, owner: LedgerOwner, now: datetime) -> OpenLedger:
        insert = (postgresql.insert if self._postgres else sqlite.insert)(loyalty_ledgers)
        self.conn.execute(
            insert.values(
                account_id=owner.account_id,
                program_id=owner.program_id,
                owner_key=owner.owner_key,
                subledger_id=owner.subledger_id,
                profile_integration_id=owner.profile_integration_id,
                card_id=owner.card_id,
                as_of=now,
            ).on_conflict_do_nothing()
        )
        query = self._where(owner)
        if not self._postgres:
            return _ledger(self.conn.execute(query).one())
        try:  # a row another request holds: 409 at once, never a wait that could deadlock
            return _ledger(self.conn.execute(query.with_for_update(nowait=True)).one())
        except sa.exc.OperationalError as exc:
            if getattr(exc.orig, "sqlstate", None) == LOCK_NOT_AVAILABLE:
                raise Conflict(BUSY) from None
            raise

    def find(self, owner: LedgerOwner) -> OpenLedger | None:
        row = self.conn.execute(self._where(owner)).first()
        return _ledger(row) if row is not None else None

    def ledgers_of(self, program_id: int, owner_key: str) -> list[tuple[str, OpenLedger]]:
        rows = self.conn.execute(
            sa.select(loyalty_ledgers)
            .where(L.program_id == program_id, L.owner_key == owner_key)
            .order_by(L.subledger_id)
        )
        return [(row._mapping["subledger_id"], _ledger(row)) for row in rows]

    def program_ledgers(
        self, account_id: int, program_id: int, after: int, limit: int
    ) -> list[ProgramLedger]:
        query = (
            sa.select(loyalty_ledgers)
            .where(L.account_id == account_id, L.program_id == program_id, L.id > after)
            .order_by(L.id)
            .limit(limit)
        )
        return [_program_ledger(row) for row in self.conn.execute(query)]

    def card_ledgers(self, account_id: int, program_id: int, card_ids: Sequence[int]) -> list[ProgramLedger]:
        if not card_ids:
            return []
        query = (
            sa.select(loyalty_ledgers)
            .where(L.account_id == account_id, L.program_id == program_id, L.card_id.in_(list(card_ids)))
            .order_by(L.card_id, L.subledger_id)
        )
        return [_program_ledger(row) for row in self.conn.execute(query)]

    def changing(self, ledger_id: int, since: datetime | None, until: datetime) -> list[Lot]:
        def within(column: Any) -> Any:
            return sa.and_(column <= until, column > since) if since is not None else column <= until

        rows = self.conn.execute(
            sa.select(E.id, E.remaining, E.start_date, E.expiry_date).where(
                E.ledger_id == ledger_id, OPEN, sa.or_(within(E.start_date), within(E.expiry_date))
            )
        )
        return [Lot(r.id, r.remaining, r.start_date, r.expiry_date) for r in rows]

    def active_lots(self, ledger_id: int, at: datetime) -> list[Lot]:
        rows = self.conn.execute(
            sa.select(E.id, E.remaining, E.start_date, E.expiry_date).where(
                E.ledger_id == ledger_id,
                OPEN,
                E.start_date <= at,
                sa.or_(E.expiry_date.is_(None), E.expiry_date > at),
            )
        )
        return [Lot(r.id, r.remaining, r.start_date, r.expiry_date) for r in rows]

    def open_lots(self, ledger_id: int) -> list[StoredEntry]:
        query = _ENTRIES.where(E.ledger_id == ledger_id, OPEN).order_by(E.id)
        return [_entry(r) for r in self.conn.execute(query)]

    def next_change(self, ledger_id: int, after: datetime) -> datetime | None:
        moments = [
            self.conn.execute(
                sa.select(sa.func.min(column)).where(E.ledger_id == ledger_id, OPEN, column > after)
            ).scalar()
            for column in (E.start_date, E.expiry_date)
        ]
        found = [m for m in moments if m is not None]
        return min(found) if found else None

    def entries(self, program_id: int, transaction_uuids: Sequence[str]) -> list[StoredEntry]:
        query = _ENTRIES.where(E.transaction_uuid.in_(list(transaction_uuids)), E.program_id == program_id)
        return [_entry(r) for r in self.conn.execute(query.order_by(E.id))]

    def session_entries(self, program_id: int, session_integration_id: str) -> list[StoredEntry]:
        query = _ENTRIES.where(
            E.program_id == program_id, E.customer_session_id == session_integration_id
        ).order_by(E.id)
        return [_entry(r) for r in self.conn.execute(query)]

    def taken_from(self, entry_id: int) -> list[tuple[int | None, Decimal]]:
        rows = self.conn.execute(sa.select(A.lot_id, A.amount).where(A.entry_id == entry_id).order_by(A.id))
        return [(r.lot_id, r.amount) for r in rows]

    def lots(self, ids: Sequence[int]) -> list[StoredEntry]:
        if not ids:
            return []
        return [_entry(r) for r in self.conn.execute(_ENTRIES.where(E.id.in_(list(ids))).order_by(E.id))]

    def append(self, entries: Sequence[NewEntry]) -> list[int]:
        ids: list[int] = []
        allocations: list[dict[str, Any]] = []
        for entry in entries:
            values = asdict(entry)
            values.pop("allocations")
            ident = self.conn.execute(
                loyalty_ledger_entries.insert().values(**values).returning(E.id)
            ).scalar_one()
            ids.append(ident)
            allocations += [
                {
                    "account_id": entry.account_id,
                    "ledger_id": entry.ledger_id,
                    "entry_id": ident,
                    "lot_id": ident if lot == -1 else lot,
                    "amount": amount,
                    "at": entry.created,
                }
                for lot, amount in entry.allocations
            ]
        if allocations:
            self.conn.execute(loyalty_ledger_allocations.insert(), allocations)
        points_written(self.conn.info, [(e.program_id, e.type, e.amount) for e in entries])
        return ids

    def settle(
        self, ledger_id: int, account_id: int, settled: Sequence[tuple[int, Decimal, datetime]]
    ) -> None:
        rows = [
            {
                "account_id": account_id,
                "ledger_id": ledger_id,
                "entry_id": lot,
                "lot_id": owed,
                "amount": a,
                "at": at,
            }
            for lot, amount, at in settled
            for owed, a in ((lot, amount), (None, -amount))
        ]
        if rows:
            self.conn.execute(loyalty_ledger_allocations.insert(), rows)

    def set_remaining(self, remaining: dict[int, Decimal]) -> None:
        if remaining:
            statement = (
                loyalty_ledger_entries.update()
                .where(E.id == sa.bindparam("b_id"))
                .values(remaining=sa.bindparam("b_remaining"))
            )
            self.conn.execute(
                statement, [{"b_id": k, "b_remaining": v} for k, v in sorted(remaining.items())]
            )

    def set_dates(
        self, entry_id: int, start: datetime | None, expiry: datetime | None, activated: datetime | None
    ) -> None:
        values: dict[str, Any] = {"start_date": start, "expiry_date": expiry}
        if activated is not None:
            values.update(activated_at=activated, pending_action=False)
        self.conn.execute(loyalty_ledger_entries.update().where(E.id == entry_id).values(**values))

    def save(self, ledger: OpenLedger) -> None:
        f = ledger.figures
        self.conn.execute(
            loyalty_ledgers.update()
            .where(L.id == ledger.id)
            .values(
                active_points=f.active,
                pending_points=f.pending,
                spent_points=f.spent,
                expired_points=f.expired,
                negative_points=f.negative,
                as_of=ledger.as_of,
                valid_until=ledger.valid_until,
                tier_id=ledger.tier_id,
                tier_entered_at=ledger.tier_entered_at,
                tier_expires_at=ledger.tier_expires_at,
                joined_at=ledger.joined_at,
                version=L.version + 1,
            )
        )

    def derive(self, ledger_id: int, at: datetime) -> Figures:
        entries = self.conn.execute(
            sa.select(E.id, E.type, E.amount, E.rollback, E.start_date, E.expiry_date).where(
                E.ledger_id == ledger_id, E.created <= at
            )
        ).all()
        kinds = {e.id: e.type for e in entries}
        allocations = self.conn.execute(
            sa.select(A.entry_id, A.lot_id, A.amount).where(A.ledger_id == ledger_id, A.at <= at)
        ).all()
        taken: dict[int, Decimal] = {}
        figures = Figures()
        for a in allocations:
            if a.lot_id is None:
                figures.negative += a.amount
            elif kinds.get(a.entry_id) != EXPIRE:  # an expired rest counts by the lot's state
                taken[a.lot_id] = taken.get(a.lot_id, ZERO) + a.amount
        for e in entries:
            if e.type == ADDITION:
                rest = e.amount - taken.get(e.id, ZERO)
                if rest:
                    figures.add(Lot(e.id, rest, e.start_date, e.expiry_date).state(at), rest)
                if e.rollback:
                    figures.spent -= e.amount
            elif e.type == SUBTRACTION and not e.rollback:
                figures.spent += e.amount
        return figures

    def delete_entries(self, ledger_ids: Sequence[int]) -> None:
        if not ledger_ids:
            return
        ids = list(ledger_ids)
        self.conn.execute(loyalty_ledger_allocations.delete().where(A.ledger_id.in_(ids)))
        self.conn.execute(loyalty_ledger_entries.delete().where(E.ledger_id.in_(ids)))
        self.conn.execute(
            loyalty_ledgers.update()
            .where(L.id.in_(ids))
            .values(
                active_points=0,
                pending_points=0,
                spent_points=0,
                expired_points=0,
                negative_points=0,
                as_of=None,
                valid_until=None,
            )
        )

    def card(self, program_id: int, identifier: str) -> tuple[int, str] | None:
        row = self.conn.execute(
            sa.select(loyalty_cards.c.id, loyalty_cards.c.status).where(
                loyalty_cards.c.program_id == program_id, loyalty_cards.c.identifier == identifier
            )
        ).first()
        return (row.id, row.status) if row is not None else None

    def card_profiles(self, card_id: int) -> list[tuple[str, datetime]]:
        rows = self.conn.execute(
            sa.select(loyalty_card_profiles.c.profile_integration_id, loyalty_card_profiles.c.created)
            .where(loyalty_card_profiles.c.card_id == card_id)
            .order_by(loyalty_card_profiles.c.created)
        )
        return [(r.profile_integration_id, r.created) for r in rows]


__all__ = ["SqlLedgerData"]

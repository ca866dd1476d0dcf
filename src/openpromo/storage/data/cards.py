"""Loyalty cards in SQL: found by their unique key ``(program_id, identifier)``, listed a page at a time
(their profiles and ledgers read for the whole page in two more statements), written one statement
per change; a card's ledgers are ``loyalty_ledgers`` rows owned by ``card:<id>``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from openpromo.services.data.loyalty import CardFilter, LedgerBalance, NewCard, StoredCard
from openpromo.storage.data.statements import upsert
from openpromo.storage.schema.loyalty import (
    loyalty_card_profiles,
    loyalty_cards,
    loyalty_ledger_allocations,
    loyalty_ledger_entries,
    loyalty_ledgers,
)

_cards = loyalty_cards
_links = loyalty_card_profiles
_ORDERS = {"id", "created", "modified", "identifier"}


def _owner(card_id: int) -> str:
    return f"card:{card_id}"


def _balance(row: Any) -> LedgerBalance:
    return LedgerBalance(
        Decimal(row.active_points or 0),
        Decimal(row.pending_points or 0),
        Decimal(row.negative_points or 0),
        row.tier_id,
        row.tier_entered_at,
        row.tier_expires_at,
    )


def stored(conn: Connection, program_id: int, rows: Sequence[Any]) -> list[StoredCard]:
    """The cards of ``rows`` (of one account) with their profiles and ledgers (two statements for all of
    them; every statement names ``account_id``, the tables' distribution key)."""
    if not rows:
        return []
    ids, account_id = [row.id for row in rows], rows[0].account_id
    profiles: dict[int, list[tuple[str, datetime]]] = {}
    for link in conn.execute(
        sa.select(_links.c.card_id, _links.c.profile_integration_id, _links.c.created)
        .where(_links.c.account_id == account_id, _links.c.card_id.in_(ids))
        .order_by(_links.c.card_id, _links.c.created, _links.c.profile_integration_id)
    ):
        profiles.setdefault(link.card_id, []).append((link.profile_integration_id, link.created))
    ledgers: dict[str, dict[str, LedgerBalance]] = {}
    for ledger in conn.execute(
        sa.select(loyalty_ledgers).where(
            loyalty_ledgers.c.account_id == account_id,
            loyalty_ledgers.c.program_id == program_id,
            loyalty_ledgers.c.owner_key.in_([_owner(i) for i in ids]),
        )
    ):
        ledgers.setdefault(ledger.owner_key, {})[ledger.subledger_id or ""] = _balance(ledger)
    return [
        StoredCard(
            id=row.id,
            program_id=row.program_id,
            identifier=row.identifier,
            status=row.status,
            users_per_card_limit=int(row.users_per_card_limit or 0),
            created=row.created,
            modified=row.modified,
            block_reason=row.block_reason,
            batch_id=row.batch_id,
            old_card_identifier=row.old_card_identifier,
            new_card_identifier=row.new_card_identifier,
            profiles=tuple(profiles.get(row.id, ())),
            ledgers=ledgers.get(_owner(row.id), {}),
        )
        for row in rows
    ]


def find(
    conn: Connection, account_id: int, program_id: int, identifier: str, *, lock: bool
) -> StoredCard | None:
    query = sa.select(_cards).where(
        _cards.c.account_id == account_id,
        _cards.c.program_id == program_id,
        _cards.c.identifier == identifier,
    )
    row = conn.execute(query.with_for_update() if lock else query).first()
    return None if row is None else stored(conn, program_id, [row])[0]


def listed(
    conn: Connection,
    account_id: int,
    program_id: int,
    where: CardFilter,
    *,
    order: str,
    skip: int,
    limit: int,
) -> list[StoredCard]:
    conditions: list[Any] = [_cards.c.account_id == account_id, _cards.c.program_id == program_id]
    if where.identifier is not None:
        conditions.append(
            sa.func.lower(_cards.c.identifier).contains(where.identifier.lower(), autoescape=True)
        )
    if where.batch_id is not None:
        conditions.append(_cards.c.batch_id == where.batch_id)
    if where.profile_integration_id is not None:
        linked = sa.select(_links.c.card_id).where(
            _links.c.profile_integration_id == where.profile_integration_id
        )
        conditions.append(_cards.c.id.in_(linked.scalar_subquery()))
    name = order.lstrip("-")
    assert name in _ORDERS, order
    column = _cards.c[name]
    descending = order.startswith("-")
    sort = [column.desc(), _cards.c.id.desc()] if descending else [column.asc(), _cards.c.id.asc()]
    rows = conn.execute(sa.select(_cards).where(*conditions).order_by(*sort).offset(skip).limit(limit)).all()
    return stored(conn, program_id, rows)


def taken(conn: Connection, account_id: int, program_id: int, identifiers: Sequence[str]) -> set[str]:
    """Which of ``identifiers`` the program's cards have (asked 1000 at a time: SQLite bounds the
    number of bound values of a statement)."""
    found: set[str] = set()
    for start in range(0, len(identifiers), 1000):
        chunk = list(identifiers[start : start + 1000])
        query = sa.select(_cards.c.identifier).where(
            _cards.c.account_id == account_id,
            _cards.c.program_id == program_id,
            _cards.c.identifier.in_(chunk),
        )
        found.update(conn.execute(query).scalars())
    return found


def _values(card: NewCard) -> dict[str, Any]:
    return {
        "account_id": card.account_id,
        "program_id": card.program_id,
        "identifier": card.identifier,
        "status": card.status,
        "users_per_card_limit": card.users_per_card_limit,
        "batch_id": card.batch_id,
        "old_card_identifier": card.old_card_identifier,
        "created": card.now,
        "modified": card.now,
    }


def insert(conn: Connection, card: NewCard) -> int | None:
    statement = upsert(conn.dialect.name == "postgresql")(_cards).values(_values(card))
    found = conn.execute(statement.on_conflict_do_nothing().returning(_cards.c.id)).first()
    return None if found is None else int(found.id)


def insert_many(conn: Connection, cards: Sequence[NewCard]) -> int:
    """Insert cards (those whose identifier the program has meanwhile are skipped); how many were."""
    statement = upsert(conn.dialect.name == "postgresql")(_cards).on_conflict_do_nothing()
    inserted = 0
    for start in range(0, len(cards), 1000):
        chunk = [_values(card) for card in cards[start : start + 1000]]
        inserted += len(conn.execute(statement.values(chunk).returning(_cards.c.id)).all())
    return inserted


def insert_linked(conn: Connection, cards: Sequence[tuple[NewCard, tuple[str, ...]]]) -> int:
    """Insert cards and link each one's profiles, 1000 rows a statement; how many cards were inserted
    (one whose identifier the program has meanwhile is skipped, and so are its profiles)."""
    postgres = conn.dialect.name == "postgresql"
    statement = upsert(postgres)(_cards).on_conflict_do_nothing()
    inserted = 0
    for start in range(0, len(cards), 1000):
        chunk = cards[start : start + 1000]
        rows = conn.execute(
            statement.values([_values(card) for card, _ in chunk]).returning(_cards.c.id, _cards.c.identifier)
        ).all()
        inserted += len(rows)
        ids = {row.identifier: row.id for row in rows}
        links = [
            {
                "account_id": card.account_id,
                "card_id": ids[card.identifier],
                "profile_integration_id": p,
                "created": card.now,
            }
            for card, profiles in chunk
            if card.identifier in ids
            for p in profiles
        ]
        for first in range(0, len(links), 1000):
            conn.execute(_links.insert(), links[first : first + 1000])
    return inserted


def states(
    conn: Connection, account_id: int, program_id: int, identifiers: Sequence[str]
) -> dict[str, tuple[int, str]]:
    """Of ``identifiers``, the program's cards: identifier -> (id, status), asked 1000 at a time."""
    found: dict[str, tuple[int, str]] = {}
    for start in range(0, len(identifiers), 1000):
        query = sa.select(_cards.c.id, _cards.c.identifier, _cards.c.status).where(
            _cards.c.account_id == account_id,
            _cards.c.program_id == program_id,
            _cards.c.identifier.in_(list(identifiers[start : start + 1000])),
        )
        found.update((row.identifier, (row.id, row.status)) for row in conn.execute(query))
    return found


def page(
    conn: Connection, account_id: int, program_id: int, after: int, limit: int
) -> list[tuple[int, str, str]]:
    query = (
        sa.select(_cards.c.id, _cards.c.identifier, _cards.c.status)
        .where(_cards.c.account_id == account_id, _cards.c.program_id == program_id, _cards.c.id > after)
        .order_by(_cards.c.id)
        .limit(limit)
    )
    return [(row.id, row.identifier, row.status) for row in conn.execute(query)]


def touch(conn: Connection, card_id: int, now: datetime, **values: Any) -> None:
    conn.execute(_cards.update().where(_cards.c.id == card_id).values(modified=now, **values))


def link(
    conn: Connection, account_id: int, card_id: int, integration_ids: Sequence[str], now: datetime
) -> None:
    if integration_ids:
        rows = [
            {"account_id": account_id, "card_id": card_id, "profile_integration_id": i, "created": now}
            for i in integration_ids
        ]
        statement = upsert(conn.dialect.name == "postgresql")(_links).on_conflict_do_nothing()
        conn.execute(statement, rows)
    touch(conn, card_id, now)


def unlink(conn: Connection, card_id: int, integration_id: str, now: datetime) -> bool:
    deleted = conn.execute(
        _links.delete().where(_links.c.card_id == card_id, _links.c.profile_integration_id == integration_id)
    )
    touch(conn, card_id, now)
    return bool(deleted.rowcount)


def delete(conn: Connection, program_id: int, card_id: int) -> None:
    """The card, its profile links, its ledgers and their entries and allocations."""
    ledgers = (
        sa.select(loyalty_ledgers.c.id)
        .where(loyalty_ledgers.c.program_id == program_id, loyalty_ledgers.c.owner_key == _owner(card_id))
        .scalar_subquery()
    )
    allocations, entries = loyalty_ledger_allocations, loyalty_ledger_entries
    conn.execute(allocations.delete().where(allocations.c.ledger_id.in_(ledgers)))
    conn.execute(entries.delete().where(entries.c.ledger_id.in_(ledgers)))
    conn.execute(
        loyalty_ledgers.delete().where(
            loyalty_ledgers.c.program_id == program_id, loyalty_ledgers.c.owner_key == _owner(card_id)
        )
    )
    conn.execute(_links.delete().where(_links.c.card_id == card_id))
    conn.execute(_cards.delete().where(_cards.c.id == card_id))


def transfer(conn: Connection, old: StoredCard, new: NewCard, block_reason: str | None) -> bool:
    """A new card takes the old one's profiles and ledgers; the old one is blocked. False when the
    program has a card with the new identifier already."""
    new_id = insert(conn, new)
    if new_id is None:
        return False
    conn.execute(_links.update().where(_links.c.card_id == old.id).values(card_id=new_id))
    conn.execute(
        loyalty_ledgers.update()
        .where(loyalty_ledgers.c.program_id == old.program_id, loyalty_ledgers.c.owner_key == _owner(old.id))
        .values(owner_key=_owner(new_id), card_id=new_id)
    )
    touch(
        conn,
        old.id,
        new.now,
        status="inactive",
        block_reason=block_reason,
        new_card_identifier=new.identifier,
    )
    return True


__all__ = [
    "delete",
    "find",
    "insert",
    "insert_linked",
    "insert_many",
    "link",
    "listed",
    "page",
    "states",
    "stored",
    "taken",
    "touch",
    "transfer",
    "unlink",
]

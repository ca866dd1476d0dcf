"""The ledger lists in SQL: a profile's or a card's transactions and unused points, one statement each.

A list is the owner's ledgers (``loyalty_ledgers`` by account, program and owner key, its unique key)
in a subquery, the entries of those ledgers (``ix_loyalty_ledger_entries_ledger_id_id``), the filters,
the order and the page (``limit + 1``: the extra row says that more follow).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from openpromo.services.data.loyalty import EntryFilter, PointsQuery, ProgramEntry, StoredEntry
from openpromo.storage.schema.columns import Amount
from openpromo.storage.schema.core import users
from openpromo.storage.schema.loyalty import (
    loyalty_cards,
    loyalty_ledger_allocations,
    loyalty_ledger_entries,
    loyalty_ledgers,
)

_entries = loyalty_ledger_entries
_ENTRY_COLUMNS = (
    "id",
    "created",
    "program_id",
    "type",
    "name",
    "start_date",
    "expiry_date",
    "pending_action",
    "activated_at",
    "transaction_uuid",
    "subledger_id",
    "customer_session_id",
    "rule_name",
    "ruleset_id",
    "validity_duration",
    "flags",
)


def _entry(row: Any, amount: Decimal) -> StoredEntry:
    values = {name: getattr(row, name) for name in _ENTRY_COLUMNS}
    return StoredEntry(amount=amount, **values)


def _filters(account_id: int, program_id: int, owner_key: str | None, where: EntryFilter) -> list[Any]:
    """The owner's entries (both tables by ``account_id`` too, their distribution key) and the filters;
    ``owner_key`` None: every entry of the program (``program_id, created`` index)."""
    conditions: list[Any] = [_entries.c.account_id == account_id]
    if owner_key is None:
        conditions.append(_entries.c.program_id == program_id)
    else:
        ledgers = sa.select(loyalty_ledgers.c.id).where(
            loyalty_ledgers.c.account_id == account_id,
            loyalty_ledgers.c.program_id == program_id,
            loyalty_ledgers.c.owner_key == owner_key,
        )
        conditions.append(_entries.c.ledger_id.in_(ledgers.scalar_subquery()))
    for column, values in (
        (_entries.c.customer_session_id, where.session_ids),
        (_entries.c.transaction_uuid, where.transaction_uuids),
        (_entries.c.subledger_id, where.subledger_ids),
    ):
        if values is not None:
            conditions.append(column.in_(values))
    if where.source is not None:
        conditions.append(_entries.c.source == where.source)
    if where.created_after is not None:
        conditions.append(_entries.c.created >= where.created_after)
    if where.created_before is not None:
        conditions.append(_entries.c.created <= where.created_before)
    return conditions


def _awaiting(now: datetime) -> Any:
    """Additions that await their activation (and have not expired)."""
    return sa.and_(
        _entries.c.type == "addition",
        _entries.c.start_date.is_(None),
        _entries.c.pending_action.is_(True),
        _entries.c.activated_at.is_(None),
        _not_expired(now),
    )


def _not_expired(now: datetime) -> Any:
    return sa.or_(_entries.c.expiry_date.is_(None), _entries.c.expiry_date > now)


def _started(now: datetime) -> Any:
    immediate = sa.and_(
        _entries.c.start_date.is_(None),
        sa.or_(_entries.c.pending_action.is_(False), _entries.c.activated_at.is_not(None)),
    )
    return sa.or_(_entries.c.start_date <= now, immediate)


def _not_started(now: datetime) -> Any:
    """Not ``_started`` (spelled out: a null start makes ``NOT`` of the other null)."""
    waiting = sa.and_(
        _entries.c.start_date.is_(None),
        _entries.c.pending_action.is_(True),
        _entries.c.activated_at.is_(None),
    )
    return sa.or_(_entries.c.start_date > now, waiting)


def _expired_recorded() -> Any:
    """What ``expire`` entries recorded of a lot (its allocations)."""
    expire = _entries.alias("expire")
    allocated = loyalty_ledger_allocations
    total = (
        sa.select(sa.func.coalesce(sa.func.sum(sa.type_coerce(allocated.c.amount, sa.BigInteger())), 0))
        .where(
            allocated.c.lot_id == _entries.c.id,
            allocated.c.entry_id == expire.c.id,
            expire.c.type == "expire",
        )
        .scalar_subquery()
    )
    return sa.type_coerce(total, Amount())


def _points_status(query: PointsQuery) -> tuple[list[Any], Any]:
    """The conditions of a points status and the column of what is left of each lot in it."""
    now, remaining = query.now, _entries.c.remaining
    if query.status == "active":
        return [remaining > 0, _started(now), _not_expired(now)], remaining
    if query.status == "pending":
        return [remaining > 0, _not_started(now), _not_expired(now)], remaining
    recorded = _expired_recorded()
    raw = sa.type_coerce(remaining, sa.BigInteger()) + sa.type_coerce(recorded, sa.BigInteger())
    left = sa.type_coerce(raw, Amount())
    return [_entries.c.expiry_date <= now, sa.or_(remaining > 0, recorded > 0)], left


def _points_order(order: str | None) -> list[Any]:
    if order is None:
        return [_entries.c.created.desc(), _entries.c.id.desc()]
    column = _entries.c[order.lstrip("-")]
    if order.startswith("-"):
        return [column.desc().nulls_last(), _entries.c.id.desc()]
    return [column.asc().nulls_first(), _entries.c.id.asc()]


def _transaction_conditions(
    account_id: int, program_id: int, owner_key: str | None, where: EntryFilter, now: datetime
) -> list[Any]:
    conditions = _filters(account_id, program_id, owner_key, where)
    if where.awaits_activation:
        conditions.append(_awaiting(now))
    else:
        conditions.append(_entries.c.type.in_(("addition", "subtraction", "expire")))
    return conditions


def transactions(
    conn: Connection,
    account_id: int,
    program_id: int,
    owner_key: str,
    where: EntryFilter,
    *,
    now: datetime,
    skip: int,
    limit: int,
) -> list[StoredEntry]:
    conditions = _transaction_conditions(account_id, program_id, owner_key, where, now)
    query = (
        sa.select(*(_entries.c[name] for name in _ENTRY_COLUMNS), _entries.c.amount)
        .where(*conditions)
        .order_by(_entries.c.created.desc(), _entries.c.id.desc())
        .offset(skip)
        .limit(limit)
    )
    return [_entry(row, row.amount) for row in conn.execute(query)]


def _with_owner(conditions: list[Any]) -> sa.Select[Any]:
    """Entries with their owner (profile or card), campaign, import and user."""
    ledgers, cards = loyalty_ledgers, loyalty_cards
    return (
        sa.select(
            *(_entries.c[name] for name in _ENTRY_COLUMNS),
            _entries.c.amount,
            _entries.c.campaign_id,
            _entries.c.import_id,
            _entries.c.user_id,
            ledgers.c.profile_integration_id,
            cards.c.identifier.label("card_identifier"),
            users.c.email.label("user_email"),
        )
        .select_from(
            _entries.join(ledgers, ledgers.c.id == _entries.c.ledger_id)
            .outerjoin(cards, cards.c.id == ledgers.c.card_id)
            .outerjoin(users, users.c.id == _entries.c.user_id)
        )
        .where(*conditions)
    )


def _program_entry(row: Any) -> ProgramEntry:
    return ProgramEntry(
        entry=_entry(row, row.amount),
        profile_integration_id=row.profile_integration_id,
        card_identifier=row.card_identifier,
        campaign_id=row.campaign_id,
        import_id=row.import_id,
        user_id=row.user_id,
        user_email=row.user_email,
    )


def owner_log(
    conn: Connection,
    account_id: int,
    program_id: int,
    owner_key: str,
    where: EntryFilter,
    after: tuple[datetime, int] | None,
    limit: int,
) -> list[ProgramEntry]:
    """A page of the owner's transactions, oldest first, after the row ``after`` (created, id)."""
    conditions = _filters(account_id, program_id, owner_key, where)
    conditions.append(_entries.c.type.in_(("addition", "subtraction", "expire")))
    if after is not None:
        created, ident = after
        conditions.append(
            sa.or_(
                _entries.c.created > created, sa.and_(_entries.c.created == created, _entries.c.id > ident)
            )
        )
    query = _with_owner(conditions).order_by(_entries.c.created, _entries.c.id).limit(limit)
    return [_program_entry(row) for row in conn.execute(query)]


def program_transactions(
    conn: Connection,
    account_id: int,
    program_id: int,
    where: EntryFilter,
    *,
    now: datetime,
    skip: int,
    limit: int,
) -> list[ProgramEntry]:
    """Every transaction of the program, newest first, with its owner (profile or card), campaign,
    import and the user who made a manual one."""
    query = (
        _with_owner(_transaction_conditions(account_id, program_id, None, where, now))
        .order_by(_entries.c.created.desc(), _entries.c.id.desc())
        .offset(skip)
        .limit(limit)
    )
    return [_program_entry(row) for row in conn.execute(query)]


def points(
    conn: Connection,
    account_id: int,
    program_id: int,
    owner_key: str,
    where: EntryFilter,
    query: PointsQuery,
    *,
    skip: int,
    limit: int,
) -> list[StoredEntry]:
    conditions, left = _points_status(query)
    statement = (
        sa.select(*(_entries.c[name] for name in _ENTRY_COLUMNS), left.label("left"))
        .where(
            *_filters(account_id, program_id, owner_key, where),
            _entries.c.type == "addition",
            *conditions,
        )
        .order_by(*_points_order(query.order))
        .offset(skip)
        .limit(limit)
    )
    return [_entry(row, row.left) for row in conn.execute(statement)]


__all__ = ["owner_log", "points", "program_transactions", "transactions"]

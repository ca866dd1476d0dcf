"""A loyalty program's statistics in SQL (``getLoyaltyStatistics``): three aggregates, none over the
whole history of a ledger.

1. The ledgers (``loyalty_ledgers`` by account and program): spent, expired and negative points as of
   each ledger's last write, the members (owners of a main ledger) and those who joined today.
2. The open lots (additions with points left, the partial index on ``remaining > 0``): active, pending,
   and expired since their ledger's last write, at ``now``.
3. Today's additions and subtractions by source (``manual`` and ``import`` are made by hand, the rest by
   the rule engine).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from openpromo.services.data.loyalty import ProgramStatistics
from openpromo.storage.data.ledger_lists import not_expired, not_started, started
from openpromo.storage.schema.columns import Amount
from openpromo.storage.schema.loyalty import loyalty_ledger_entries, loyalty_ledgers

L = loyalty_ledgers.c
E = loyalty_ledger_entries.c
OPEN = sa.text("loyalty_ledger_entries.remaining > 0")
"""As the partial indexes say it."""


def _sum(column: Any, *where: Any) -> Any:
    raw = sa.type_coerce(column, sa.BigInteger())
    total = sa.func.sum(sa.case((sa.and_(*where), raw), else_=0)) if where else sa.func.sum(raw)
    return sa.type_coerce(sa.func.coalesce(total, 0), Amount())


def program_statistics(
    conn: Connection, account_id: int, program_id: int, now: datetime, day_start: datetime
) -> ProgramStatistics:
    main = L.subledger_id == ""
    ledgers = conn.execute(
        sa.select(
            _sum(L.spent_points).label("spent"),
            _sum(L.expired_points).label("expired"),
            _sum(L.negative_points).label("negative"),
            sa.func.count().filter(main).label("members"),
            sa.func.count().filter(main, L.joined_at >= day_start).label("new_members"),
        ).where(L.account_id == account_id, L.program_id == program_id)
    ).one()
    lots = conn.execute(
        sa.select(
            _sum(E.remaining, started(now), not_expired(now)).label("active"),
            _sum(E.remaining, not_started(now), not_expired(now)).label("pending"),
            _sum(E.remaining, E.expiry_date <= now).label("expired"),
        ).where(E.account_id == account_id, E.program_id == program_id, E.type == "addition", OPEN)
    ).one()
    by_hand = E.source.in_(("manual", "import"))
    today = conn.execute(
        sa.select(
            _sum(E.amount, E.type == "addition", by_hand).label("earned_by_hand"),
            _sum(E.amount, E.type == "addition", sa.not_(by_hand)).label("earned_by_rules"),
            _sum(E.amount, E.type == "subtraction", by_hand).label("spent_by_hand"),
            _sum(E.amount, E.type == "subtraction", sa.not_(by_hand)).label("spent_by_rules"),
        ).where(
            E.account_id == account_id,
            E.program_id == program_id,
            E.created >= day_start,
            E.created <= now,
            E.rollback.is_(False),
        )
    ).one()
    return ProgramStatistics(
        active=Decimal(lots.active),
        pending=Decimal(lots.pending),
        spent=Decimal(ledgers.spent),
        expired=Decimal(ledgers.expired) + Decimal(lots.expired),
        negative=Decimal(ledgers.negative),
        members=int(ledgers.members),
        new_members=int(ledgers.new_members),
        earned_by_hand=Decimal(today.earned_by_hand),
        earned_by_rules=Decimal(today.earned_by_rules),
        spent_by_hand=Decimal(today.spent_by_hand),
        spent_by_rules=Decimal(today.spent_by_rules),
    )


__all__ = ["program_statistics"]

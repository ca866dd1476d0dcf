"""The adapter of ``services.data.achievements``: progress in ``achievement_progress``.

An increase is one ``INSERT ... ON CONFLICT (achievement_id, profile_integration_id, period_key) DO
UPDATE SET progress = min(progress + delta, target), status, completion_date ... WHERE status <>
'completed' RETURNING``: the database adds, so two writers of one row never lose an increment, and the
row that reaches the target is completed by the same statement. Amounts are the scaled integers
``Amount`` columns hold.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from openpromo.services.data.achievements import (
    Advance,
    Advanced,
    Entry,
    EntryQuery,
    HistoryQuery,
)
from openpromo.services.data.records import Progress
from openpromo.storage.data.rows import progress as progress_of
from openpromo.storage.data.statements import BIG, scaled, statement, upsert
from openpromo.storage.schema.account import achievement_progress, achievements
from openpromo.storage.schema.campaigns import campaigns
from openpromo.storage.schema.sessions import customer_profiles

P = achievement_progress.c
A = achievements.c
C = campaigns.c
_KEY = ["achievement_id", "profile_integration_id", "period_key"]


class SqlAchievementData:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._postgres = conn.dialect.name == "postgresql"

    # -- writes ----------------------------------------------------------------------------------

    def advance(self, advance: Advance, now: datetime) -> Advanced | None:
        def build() -> Any:
            insert = upsert(self._postgres)(achievement_progress)
            added = P.progress + sa.bindparam("a_delta", type_=BIG)
            target = sa.bindparam("a_target", type_=BIG)
            reached = added >= target
            return insert.on_conflict_do_update(
                index_elements=_KEY,
                set_={
                    "progress": sa.case((reached, target), else_=added),
                    "status": sa.case((reached, sa.literal("completed")), else_=sa.literal("inprogress")),
                    "completion_date": sa.case(
                        (reached, sa.bindparam("a_now", type_=P.completion_date.type)),
                        else_=P.completion_date,
                    ),
                },
                where=P.status != "completed",
            ).returning(P.id, P.progress, P.status)

        first = min(advance.delta, advance.target)
        done = advance.delta >= advance.target
        params = {
            "application_id": advance.application_id,
            "achievement_id": advance.achievement_id,
            "profile_integration_id": advance.profile,
            "period_key": advance.period_key,
            "progress": first,
            "status": "completed" if done else "inprogress",
            "start_date": advance.start,
            "end_date": advance.end,
            "completion_date": now if done else None,
            "a_delta": scaled(advance.delta),
            "a_target": scaled(advance.target),
            "a_now": now,
        }
        row = self._conn.execute(statement(("achievement-advance", self._postgres), build), params).first()
        if row is None:
            return None
        return Advanced(row.id, Decimal(row.progress), row.status)

    def roll_back(self, progress_id: int, amount: Decimal, *, after_completion: bool) -> Decimal | None:
        def build() -> Any:
            taken = sa.bindparam("r_amount", type_=BIG)
            conditions = [P.id == sa.bindparam("r_id")]
            if not after_completion:
                conditions.append(P.status != "completed")
            return (
                achievement_progress.update()
                .where(*conditions)
                .values(
                    progress=sa.case((P.progress > taken, P.progress - taken), else_=0),
                    status="inprogress",
                    completion_date=None,
                )
                .returning(P.progress)
            )

        found = self._conn.execute(
            statement(("achievement-rollback", after_completion), build),
            {"r_id": progress_id, "r_amount": scaled(amount)},
        ).first()
        return None if found is None else Decimal(found.progress)

    # -- reads -----------------------------------------------------------------------------------

    def profile_known(self, account_id: int, integration_id: str) -> bool:
        query = sa.select(customer_profiles.c.id).where(
            customer_profiles.c.account_id == account_id,
            customer_profiles.c.integration_id == integration_id,
        )
        return self._conn.execute(query.limit(1)).first() is not None

    def achievement_known(self, application_id: int, achievement_id: int) -> bool:
        query = (
            sa.select(A.id)
            .join(campaigns, C.id == A.campaign_id)
            .where(A.application_id == application_id, A.id == achievement_id, C.deleted.is_(False))
        )
        return self._conn.execute(query).first() is not None

    def entries(
        self, application_id: int, profile: str, query: EntryQuery, now: datetime
    ) -> tuple[list[Entry], int]:
        selected = _entry_query(application_id, profile, query, now)
        total = self._conn.execute(sa.select(sa.func.count()).select_from(selected.subquery())).scalar_one()
        page = self._conn.execute(selected.order_by(A.id).offset(query.skip).limit(query.limit)).mappings()
        found = []
        for row in page:
            definition = {c.name: row[c.name] for c in achievements.columns}
            latest = None
            if row["p_id"] is not None:
                latest = progress_of({k[2:]: v for k, v in row.items() if k.startswith("p_")})
            found.append(Entry(definition, row["x_status"], latest, row["x_current"]))
        return found, int(total)

    def history(
        self, application_id: int, achievement_id: int, profile: str, query: HistoryQuery, now: datetime
    ) -> tuple[list[Progress], int]:
        status = sa.case(
            (sa.and_(P.status != "completed", P.end_date.is_not(None), P.end_date <= now), "expired"),
            else_=P.status,
        )
        conditions: list[Any] = [
            P.application_id == application_id,
            P.achievement_id == achievement_id,
            P.profile_integration_id == profile,
        ]
        if query.statuses is not None:
            conditions.append(status.in_(list(query.statuses)))
        if query.start is not None:
            conditions.append(P.start_date >= query.start)
        if query.end is not None:
            conditions.append(P.start_date <= query.end)
        selected = sa.select(achievement_progress, status.label("x_status")).where(*conditions)
        total = self._conn.execute(sa.select(sa.func.count()).select_from(selected.subquery())).scalar_one()
        rows = self._conn.execute(
            selected.order_by(P.start_date.desc(), P.id.desc()).offset(query.skip).limit(query.limit)
        ).mappings()
        return [progress_of({**row, "status": row["x_status"]}) for row in rows], int(total)


def _entry_query(application_id: int, profile: str, query: EntryQuery, now: datetime) -> Any:
    """The application's achievements that ``query`` asks for, each with its status now, the
    customer's latest period (``p_`` columns) and that period's status now."""
    mine = achievement_progress.alias("mine")
    latest_id = (
        sa.select(sa.func.max(mine.c.id))
        .where(mine.c.achievement_id == A.id, mine.c.profile_integration_id == profile)
        .correlate(achievements)
        .scalar_subquery()
    )
    joined = achievements.join(campaigns, C.id == A.campaign_id).outerjoin(
        achievement_progress, P.id == latest_id
    )
    active, scheduled = _windows(now)
    current = _current_status(now)
    conditions: list[Any] = [A.application_id == application_id, C.deleted.is_(False)]
    if query.campaign_ids is not None:
        conditions.append(A.campaign_id.in_(list(query.campaign_ids)))
    if query.achievement_ids is not None:
        conditions.append(A.id.in_(list(query.achievement_ids)))
    windows = {"active": active, "scheduled": scheduled}
    conditions.append(sa.or_(*(windows[s] for s in query.statuses)))
    if query.progress_statuses is not None:
        conditions.append(current.in_(list(query.progress_statuses)))
    latest = [
        getattr(P, name).label(f"p_{name}")
        for name in (
            "id",
            "achievement_id",
            "progress",
            "status",
            "end_date",
            "period_key",
            "start_date",
            "completion_date",
        )
    ]
    status = sa.case((active, sa.literal("active")), else_=sa.literal("scheduled"))
    return (
        sa.select(achievements, status.label("x_status"), current.label("x_current"), *latest)
        .select_from(joined)
        .where(*conditions)
    )


def _windows(now: datetime) -> tuple[Any, Any]:
    """Whether an achievement is ``active`` now (its campaign runs, it started and has not ended) and
    whether it is ``scheduled`` (its campaign or its fixed schedule starts later)."""
    enabled = C.state == "enabled"
    campaign_started = sa.or_(C.start_time.is_(None), C.start_time <= now)
    campaign_running = sa.or_(C.end_time.is_(None), C.end_time > now)
    not_ended = sa.or_(A.end_date.is_(None), A.end_date > now)
    fixed_later = sa.and_(
        sa.func.coalesce(A.activation_policy, "user_action") == "fixed_schedule",
        A.fixed_start_date.is_not(None),
        A.fixed_start_date > now,
    )
    active = sa.and_(enabled, campaign_started, campaign_running, not_ended, sa.not_(fixed_later))
    scheduled = sa.and_(enabled, campaign_running, not_ended, sa.or_(sa.not_(campaign_started), fixed_later))
    return active, scheduled


def _current_status(now: datetime) -> Any:
    """The status of a customer's current progress, from their latest period: none, or one that ended
    and is followed by a new one (or completed with ``on_completion``), is ``not_started``; without
    recurrence an ended period stays ``completed`` or ``expired``."""
    ended = sa.and_(P.end_date.is_not(None), P.end_date <= now)
    recurrence = sa.func.coalesce(A.recurrence_policy, "no_recurrence")
    return sa.case(
        (P.id.is_(None), sa.literal("not_started")),
        (
            sa.and_(sa.not_(ended), P.status == "completed", recurrence == "on_completion"),
            sa.literal("not_started"),
        ),
        (sa.not_(ended), P.status),
        (
            recurrence == "no_recurrence",
            sa.case((P.status == "completed", sa.literal("completed")), else_=sa.literal("expired")),
        ),
        else_=sa.literal("not_started"),
    )


__all__ = ["SqlAchievementData"]

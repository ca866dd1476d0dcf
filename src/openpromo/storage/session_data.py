"""The session hot path on SQL: few statements, atomic conditional updates for every limit.

Counters are consumed with one ``INSERT ... ON CONFLICT DO UPDATE ... WHERE consumed + x <= limit``;
coupons with ``UPDATE ... WHERE usage_limit = 0 OR usage_counter < usage_limit``. A closing session on
PostgreSQL also reads its coupons and counters ``FOR UPDATE``, so parallel closes serialise on exactly
the rows they share (SQLite has one writer at a time anyway).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from functools import partial
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from openpromo.services.ports import CounterKey, Row
from openpromo.storage.fast import prepared, write_rows
from openpromo.storage.key_locks import CONFIG_VERSION
from openpromo.storage.records import bound_insert, bound_params, bound_values
from openpromo.storage.schema.account import audience_memberships
from openpromo.storage.schema.columns import AMOUNT_SCALE
from openpromo.storage.schema.core import (
    campaign_analytics,
    campaigns,
    config_state,
    coupons,
    customer_profiles,
    customer_sessions,
    events,
    limit_counters,
    referral_friends,
    referrals,
)
from openpromo.storage.schema.core import (
    campaign_evaluation_groups as groups,
)

_built: dict[tuple[Any, ...], Any] = {}


def _statement(key: tuple[Any, ...], build: Callable[[], Any]) -> Any:
    """The hot path's statements are built once (per dialect and shape) and run with bound values."""
    found = _built.get(key)
    if found is None:
        found = _built[key] = build()
    return found


def _insert(postgres: bool) -> Any:
    return postgresql.insert if postgres else sqlite.insert


_BIG = sa.BigInteger()
_HISTORY = ("effects", "committed")


class SqlSessionData:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._postgres = conn.dialect.name == "postgresql"

    def campaigns(self, application_id: int) -> list[Row]:
        query = (
            sa.select(
                campaigns,
                groups.c.mode.label("group_mode"),
                groups.c.position.label("group_position"),
                groups.c.evaluation_scope.label("group_scope"),
            )
            .join(groups, groups.c.id == campaigns.c.evaluation_group_id)
            .where(
                campaigns.c.application_id == application_id,
                campaigns.c.deleted.is_(False),
                campaigns.c.active_ruleset_id.is_not(None),
            )
            .order_by(groups.c.position, groups.c.id, campaigns.c.evaluation_position, campaigns.c.id)
        )
        return [dict(r._mapping) for r in self.conn.execute(query)]

    def config_version(self) -> int:
        known = self.conn.info.get(CONFIG_VERSION)
        if known is not None:
            return int(known)
        found = prepared(self.conn, ("version",), lambda: sa.select(config_state.c.version)).first(
            self.conn, {}
        )
        assert found is not None
        return int(found["version"])

    def profile(self, account_id: int, integration_id: str, application_id: int) -> tuple[Row | None, bool]:
        def build() -> Any:
            has_sessions = (
                sa.select(customer_sessions.c.id)
                .where(
                    customer_sessions.c.application_id == sa.bindparam("app"),
                    customer_sessions.c.profile_integration_id == sa.bindparam("profile"),
                )
                .exists()
                .label("has_sessions")
            )
            return sa.select(customer_profiles, has_sessions).where(
                customer_profiles.c.account_id == sa.bindparam("account"),
                customer_profiles.c.integration_id == sa.bindparam("profile"),
            )

        params = {"app": application_id, "profile": integration_id, "account": account_id}
        found = self.conn.execute(_statement(("profile",), build), params).first()
        if found is None:
            return None, False
        row = dict(found._mapping)
        return row, bool(row.pop("has_sessions"))

    def session_and_profile(
        self, application_id: int, integration_id: str, account_id: int, profile: str | None
    ) -> tuple[Row | None, Row | None, bool, frozenset[int]]:
        """One round trip: the stored session, the profile (``profile`` or else the session's), whether
        that profile has sessions in the application, and its audiences. The session comes without its
        stored ``effects`` and ``committed`` record, which an update does not read (``session_history``)."""
        postgres = self._postgres

        def build() -> Any:
            s, p = customer_sessions.alias("s"), customer_profiles.alias("p")
            one = sa.select(sa.literal(1).label("one")).subquery("one")
            key = sa.func.coalesce(sa.bindparam("profile", type_=sa.String()), s.c.profile_integration_id)
            has = (
                sa.select(customer_sessions.c.id)
                .where(
                    customer_sessions.c.application_id == sa.bindparam("app"),
                    customer_sessions.c.profile_integration_id == p.c.integration_id,
                )
                .exists()
            )
            member = audience_memberships
            listed = (sa.func.string_agg if postgres else sa.func.group_concat)(
                sa.cast(member.c.audience_id, sa.String()), ","
            )
            audiences = (
                sa.select(listed)
                .where(
                    member.c.account_id == p.c.account_id,
                    member.c.profile_integration_id == p.c.integration_id,
                )
                .scalar_subquery()
            )
            joined = one.outerjoin(
                s,
                sa.and_(s.c.application_id == sa.bindparam("app"), s.c.integration_id == sa.bindparam("sid")),
            ).outerjoin(p, sa.and_(p.c.account_id == sa.bindparam("account"), p.c.integration_id == key))
            return sa.select(
                *[c.label(f"s_{c.name}") for c in s.c if c.name not in _HISTORY],
                *[c.label(f"p_{c.name}") for c in p.c],
                has.label("has_sessions"),
                audiences.label("audiences"),
            ).select_from(joined)

        params = {"app": application_id, "sid": integration_id, "account": account_id, "profile": profile}
        found = prepared(self.conn, ("session-profile",), build).first(self.conn, params)
        assert found is not None  # the statement reads one constant row, joined to what exists
        session = {c.name: found[f"s_{c.name}"] for c in customer_sessions.c if c.name not in _HISTORY}
        profile_row = {c.name: found[f"p_{c.name}"] for c in customer_profiles.c}
        listed = found["audiences"] or ""
        return (
            session if session["id"] is not None else None,
            profile_row if profile_row["id"] is not None else None,
            bool(found["has_sessions"]) if profile_row["id"] is not None else False,
            frozenset(int(a) for a in listed.split(",") if a),
        )

    def session_history(self, session_id: int) -> Row:
        """A session's stored ``effects`` and ``committed`` record (what a rollback gives back)."""
        statement = _statement(
            ("history",),
            lambda: sa.select(*[customer_sessions.c[name] for name in _HISTORY]).where(
                customer_sessions.c.id == sa.bindparam("id")
            ),
        )
        return dict(self.conn.execute(statement, {"id": session_id}).one()._mapping)

    def finish(
        self,
        session: tuple[int | None, Mapping[str, Any]] | None,
        profile: tuple[int, int, Any] | None,
        event: Mapping[str, Any],
        now: datetime,
    ) -> tuple[int | None, int]:
        """The last writes of a session request, in one round trip on PostgreSQL: the session (insert
        when its id is None, else update), the profile's totals and activity (id, sessions, sales), and
        the event. Returns the session's id and the event's."""
        known = session[0] if session is not None else None
        if session is not None and not session[1]:
            session = None  # nothing left to write to the session
        if not self._postgres:
            session_id, event_id = self._finish_one_by_one(session, profile, event, now)
            return session_id if session_id is not None else known, event_id
        cols = tuple(session[1]) if session else ()
        shape = (
            "finish",
            session is not None and session[0] is None,
            session is not None,
            cols,
            profile is not None,
            tuple(event),
        )

        def build() -> Any:
            ctes = []
            returning: list[Any] = [events.c.id]
            if session is not None:
                values = bound_values(customer_sessions, cols, "s_")
                if session[0] is None:
                    written = (
                        customer_sessions.insert().values(values).returning(customer_sessions.c.id).cte("s")
                    )
                    returning.append(sa.select(written.c.id).scalar_subquery())
                else:
                    written = (
                        customer_sessions.update()
                        .where(customer_sessions.c.id == sa.bindparam("session_id"))
                        .values(values)
                        .cte("s")
                    )
                ctes.append(written)
            if profile is not None:
                ctes.append(_profile_totals().cte("p"))
            values = bound_values(events, event, "e_")
            return events.insert().values(values).returning(*returning).add_cte(*ctes)

        params = bound_params(event, "e_")
        if session is not None:
            params.update(bound_params(session[1], "s_"))
            params["session_id"] = session[0]
        if profile is not None:
            params.update(_profile_params(*profile, now))
        found = prepared(self.conn, shape, build).returned(self.conn, params)
        return (found[1] if session is not None and session[0] is None else known), int(found[0])

    def _finish_one_by_one(
        self,
        session: tuple[int | None, Mapping[str, Any]] | None,
        profile: tuple[int, int, Any] | None,
        event: Mapping[str, Any],
        now: datetime,
    ) -> tuple[int | None, int]:
        session_id = None
        if session is not None:
            session_id = session[0]
            if session_id is None:
                session_id = self._insert(customer_sessions, session[1])
            else:
                cols = tuple(session[1])
                update = prepared(
                    self.conn,
                    ("session-update", cols),
                    lambda: (
                        customer_sessions.update()
                        .where(customer_sessions.c.id == sa.bindparam("session_id"))
                        .values(bound_values(customer_sessions, cols, "s_"))
                    ),
                )
                update.execute(self.conn, {**bound_params(session[1], "s_"), "session_id": session_id})
        if profile is not None:
            self.add_profile_totals(profile[0], profile[1], profile[2], now)
        return session_id, self._insert(events, event)

    def _insert(self, table: sa.Table, values: Mapping[str, Any]) -> int:
        cols = tuple(values)
        insert = prepared(
            self.conn,
            ("insert", table.name, cols),
            lambda: bound_insert(table, cols).returning(table.c.id),
        )
        return int(insert.returned(self.conn, bound_params(values))[0])

    def coupons(self, application_id: int, lookup_values: Sequence[str], *, lock: bool) -> list[Row]:
        if not lookup_values:
            return []
        locking = lock and self._postgres
        count = len(lookup_values)

        def build() -> Any:
            return _coupons_query([sa.bindparam(f"v{i}") for i in range(count)], locking)

        params = {"app": application_id, **{f"v{i}": v for i, v in enumerate(lookup_values)}}
        if count > _PREPARED_IN:  # a statement per list length: only for the few codes a session sends
            expanding = _statement(
                ("coupons-many", locking),
                lambda: _coupons_query(sa.bindparam("values", expanding=True), locking),
            )
            found = self.conn.execute(expanding, {"app": application_id, "values": list(lookup_values)})
            return [dict(r._mapping) for r in found]
        return prepared(self.conn, ("coupons", locking, count), build).rows(self.conn, params)

    def counters(self, keys: Sequence[CounterKey], *, lock: bool) -> dict[CounterKey, Any]:
        if not keys:
            return {}
        wanted = set(keys)
        locking = lock and self._postgres

        def build() -> Any:
            query = sa.select(
                limit_counters.c.campaign_id,
                limit_counters.c.action,
                limit_counters.c.entity_key,
                limit_counters.c.period_key,
                limit_counters.c.consumed,
            ).where(
                limit_counters.c.campaign_id.in_(sa.bindparam("campaigns", expanding=True)),
                limit_counters.c.entity_key.in_(sa.bindparam("entities", expanding=True)),
                limit_counters.c.period_key.in_(sa.bindparam("periods", expanding=True)),
            )
            return query.order_by(limit_counters.c.id).with_for_update() if locking else query

        params = {
            "campaigns": sorted({k[0] for k in wanted}),
            "entities": sorted({k[2] for k in wanted}),
            "periods": sorted({k[3] for k in wanted}),
        }
        found: dict[CounterKey, Any] = {}
        for row in self.conn.execute(_statement(("counters", locking), build), params):
            key = (row.campaign_id, row.action, row.entity_key, row.period_key)
            if key in wanted:
                found[key] = row.consumed
        return found

    def ensure_counters(self, application_id: int, keys: Sequence[CounterKey], now: datetime) -> None:
        if not keys:
            return
        statement = _statement(
            ("ensure", self._postgres),
            lambda: _insert(self._postgres)(limit_counters).on_conflict_do_nothing(),
        )
        rows = [
            {
                "application_id": application_id,
                "campaign_id": k[0],
                "action": k[1],
                "entity_key": k[2],
                "period_key": k[3],
                "consumed": Decimal(0),
                "updated": now,
            }
            for k in keys
        ]
        self.conn.execute(statement, rows)

    def consume(self, application_id: int, key: CounterKey, amount: Any, limit: Any, now: datetime) -> bool:
        campaign_id, action, entity_key, period_key = key
        scaled_limit = int(Decimal(limit) * AMOUNT_SCALE)
        scaled_amount = int(Decimal(amount) * AMOUNT_SCALE)
        if scaled_amount > scaled_limit:
            return False

        def build() -> Any:
            insert = _insert(self._postgres)(limit_counters)
            added = limit_counters.c.consumed + sa.bindparam("scaled", type_=_BIG)
            return insert.on_conflict_do_update(
                index_elements=["campaign_id", "action", "entity_key", "period_key"],
                set_={"consumed": added, "updated": insert.excluded.updated},
                where=added <= sa.bindparam("scaled_limit", type_=_BIG),
            ).returning(limit_counters.c.id)

        params = {
            "application_id": application_id,
            "campaign_id": campaign_id,
            "action": action,
            "entity_key": entity_key,
            "period_key": period_key,
            "consumed": amount,
            "updated": now,
            "scaled": scaled_amount,
            "scaled_limit": scaled_limit,
        }
        return self.conn.execute(_statement(("consume", self._postgres), build), params).first() is not None

    def release(self, key: CounterKey, amount: Any, now: datetime) -> None:
        campaign_id, action, entity_key, period_key = key
        scaled = scaled_amount_literal(int(Decimal(amount) * AMOUNT_SCALE))
        self.conn.execute(
            limit_counters.update()
            .where(
                limit_counters.c.campaign_id == campaign_id,
                limit_counters.c.action == action,
                limit_counters.c.entity_key == entity_key,
                limit_counters.c.period_key == period_key,
            )
            .values(
                consumed=sa.case(
                    (limit_counters.c.consumed > scaled, limit_counters.c.consumed - scaled), else_=0
                ),
                updated=now,
            )
        )

    def redeem_coupon(self, coupon_id: int, discount: Any) -> bool:
        scaled = scaled_amount_literal(int(Decimal(discount) * AMOUNT_SCALE))
        result = self.conn.execute(
            coupons.update()
            .where(
                coupons.c.id == coupon_id,
                sa.or_(coupons.c.usage_limit == 0, coupons.c.usage_counter < coupons.c.usage_limit),
            )
            .values(
                usage_counter=coupons.c.usage_counter + 1,
                discount_counter=coupons.c.discount_counter + scaled,
            )
        )
        return result.rowcount > 0

    def unredeem_coupon(self, coupon_id: int, discount: Any) -> None:
        scaled = scaled_amount_literal(int(Decimal(discount) * AMOUNT_SCALE))
        self.conn.execute(
            coupons.update()
            .where(coupons.c.id == coupon_id, coupons.c.usage_counter > 0)
            .values(
                usage_counter=coupons.c.usage_counter - 1,
                discount_counter=coupons.c.discount_counter - scaled,
            )
        )

    def release_coupon_discount(self, coupon_id: int, discount: Any) -> None:
        scaled = scaled_amount_literal(int(Decimal(discount) * AMOUNT_SCALE))
        self.conn.execute(
            coupons.update()
            .where(coupons.c.id == coupon_id)
            .values(discount_counter=coupons.c.discount_counter - scaled)
        )

    def redeem_referral(self, referral_id: int) -> bool:
        result = self.conn.execute(
            referrals.update()
            .where(
                referrals.c.id == referral_id,
                sa.or_(referrals.c.usage_limit == 0, referrals.c.usage_counter < referrals.c.usage_limit),
            )
            .values(usage_counter=referrals.c.usage_counter + 1)
        )
        return result.rowcount > 0

    def add_referral_friend(
        self, application_id: int, referral_id: int, friend: str, session_id: int, now: datetime
    ) -> None:
        insert = (postgresql.insert if self._postgres else sqlite.insert)(referral_friends)
        self.conn.execute(
            insert.values(
                application_id=application_id,
                referral_id=referral_id,
                friend_profile_integration_id=friend,
                session_id=session_id,
                created=now,
            ).on_conflict_do_nothing()
        )

    def unredeem_referral(self, referral_id: int) -> None:
        self.conn.execute(
            referrals.update()
            .where(referrals.c.id == referral_id, referrals.c.usage_counter > 0)
            .values(usage_counter=referrals.c.usage_counter - 1)
        )

    def add_analytics(self, application_id: int, day: date, deltas: Mapping[int, Mapping[str, Any]]) -> None:
        rows = [
            {
                "application_id": application_id,
                "campaign_id": campaign_id,
                "date": day,
                **dict.fromkeys(_ANALYTICS, 0),
                **values,
            }
            for campaign_id, values in deltas.items()
            if values
        ]
        # One row per campaign: a multi-row upsert never meets the same (campaign, day) twice.
        write_rows(self.conn, ("analytics",), partial(_analytics_upsert, self._postgres), rows)

    def application_profiles(self, application_id: int, account_id: int, skip: int, limit: int) -> list[Row]:
        sessions = (
            sa.select(customer_sessions.c.profile_integration_id)
            .where(
                customer_sessions.c.application_id == application_id,
                customer_sessions.c.profile_integration_id != "",
            )
            .distinct()
            .subquery()
        )
        query = (
            sa.select(customer_profiles)
            .where(
                customer_profiles.c.account_id == account_id,
                customer_profiles.c.integration_id.in_(sa.select(sessions.c.profile_integration_id)),
            )
            .order_by(customer_profiles.c.id.desc())
            .offset(skip)
            .limit(limit)
        )
        return [dict(r._mapping) for r in self.conn.execute(query)]

    def add_profile_totals(self, profile_id: int, sessions: int, sales: Any, now: datetime) -> None:
        params = _profile_params(profile_id, sessions, sales, now)
        prepared(self.conn, ("profile-totals",), _profile_totals).execute(self.conn, params)


_PREPARED_IN = 8


def _coupons_query(values: Any, locking: bool) -> Any:
    """An application's coupons by lookup value (``values``: bound parameters, or one expanding one)."""
    query = sa.select(coupons).where(
        coupons.c.application_id == sa.bindparam("app"), coupons.c.lookup_value.in_(values)
    )
    return query.order_by(coupons.c.id).with_for_update() if locking else query


def _profile_totals() -> Any:
    """Count sessions and sales into a profile; its last activity is now (``_profile_params``)."""
    return (
        customer_profiles.update()
        .where(customer_profiles.c.id == sa.bindparam("p_profile"))
        .values(
            closed_sessions=customer_profiles.c.closed_sessions + sa.bindparam("p_sessions", type_=_BIG),
            total_sales=customer_profiles.c.total_sales + sa.bindparam("p_scaled", type_=_BIG),
            last_activity=sa.bindparam("p_now", type_=customer_profiles.c.last_activity.type),
            modified=sa.bindparam("p_now", type_=customer_profiles.c.modified.type),
        )
    )


def _profile_params(profile_id: int, sessions: int, sales: Any, now: datetime) -> dict[str, Any]:
    scaled = int(Decimal(sales) * AMOUNT_SCALE)
    return {"p_profile": profile_id, "p_sessions": sessions, "p_scaled": scaled, "p_now": now}


_ANALYTICS = tuple(
    c.name
    for c in campaign_analytics.columns
    if c.name not in ("id", "application_id", "campaign_id", "date")
)


def _analytics_upsert(postgres: bool, prefixes: list[str]) -> Any:
    """``INSERT ... ON CONFLICT (campaign, day) DO UPDATE SET x = x + excluded.x`` for every figure, one
    row per prefix (``fast.write_rows``)."""
    columns = ("application_id", "campaign_id", "date", *_ANALYTICS)
    insert = (postgresql.insert if postgres else sqlite.insert)(campaign_analytics).values(
        [bound_values(campaign_analytics, columns, prefix) for prefix in prefixes]
    )
    return insert.on_conflict_do_update(
        index_elements=["campaign_id", "date"],
        set_={name: campaign_analytics.c[name] + insert.excluded[name] for name in _ANALYTICS},
    )


def scaled_amount_literal(value: int) -> sa.ColumnElement[Any]:
    """A raw scaled integer (millionths) for arithmetic on ``Amount`` columns, bypassing their conversion."""
    return sa.literal(value, sa.BigInteger())


__all__ = ["SqlSessionData"]

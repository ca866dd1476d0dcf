"""What evaluations consume, on SQL: budget counters, coupon and referral uses, and their rollbacks.

Counters are consumed with one ``INSERT ... ON CONFLICT DO UPDATE ... WHERE consumed + x <= limit``;
coupons with ``UPDATE ... WHERE usage_limit = 0 OR usage_counter < usage_limit``. A closing session on
PostgreSQL reads its coupons and counters ``FOR UPDATE`` first, so parallel closes serialise on exactly
the rows they share (SQLite has one writer at a time anyway).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from openpromo.engine.model import CounterKey
from openpromo.services.data.records import (
    Commit,
    Consumables,
    Consumed,
    ProfileTotals,
    Release,
)
from openpromo.storage.data import reads
from openpromo.storage.data.recorded import add_analytics, insert_effects
from openpromo.storage.data.statements import BIG, scaled, scaled_literal, statement, upsert
from openpromo.storage.fast import prepared
from openpromo.storage.schema.campaigns import (
    coupons,
    limit_counters,
    profile_coupon_redemptions,
    referral_friends,
    referrals,
)
from openpromo.storage.schema.sessions import customer_profiles, session_effects


class SqlConsumption:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._postgres = conn.dialect.name == "postgresql"

    # -- reads -----------------------------------------------------------------------------------

    def consumables(self, application_id: int, wanted: Consumables, now: datetime, *, lock: bool) -> Consumed:
        locking = lock and self._postgres
        counters = self._counters(application_id, wanted.counters, now, lock=lock)
        found_coupons = (
            tuple(reads.coupons_by_id(self.conn, wanted.coupons, wanted.profile, lock=locking))
            if wanted.coupons
            else ()
        )
        referral = (
            reads.referral_by_id(self.conn, wanted.referral, lock=locking)
            if wanted.referral is not None
            else None
        )
        return Consumed(
            counters=counters,
            progress=reads.achievement_progress_of(self.conn, wanted.achievements, wanted.profile),
            coupons=found_coupons,
            referral=referral,
            balances=(
                reads.balances(self.conn, wanted.balances, now, lock=locking)
                if wanted.balances is not None
                else None
            ),
        )

    def _counters(
        self, application_id: int, keys: Sequence[CounterKey], now: datetime, *, lock: bool
    ) -> dict[CounterKey, Decimal]:
        """Consumed amounts (missing counters are zero; with ``lock`` they are created at zero first, so
        that a closing session can lock them all)."""
        if not keys:
            return {}
        if lock:
            self._ensure_counters(application_id, keys, now)
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
        found: dict[CounterKey, Decimal] = {}
        for row in self.conn.execute(statement(("counters", locking), build), params):
            key = (row.campaign_id, row.action, row.entity_key, row.period_key)
            if key in wanted:
                found[key] = Decimal(str(row.consumed))
        return found

    def _ensure_counters(self, application_id: int, keys: Sequence[CounterKey], now: datetime) -> None:
        query = statement(
            ("ensure", self._postgres),
            lambda: upsert(self._postgres)(limit_counters).on_conflict_do_nothing(),
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
        self.conn.execute(query, rows)

    # -- commit ----------------------------------------------------------------------------------

    def commit(self, commit: Commit, now: datetime) -> bool:
        taken = commit.redemptions
        for key, amount, limit in taken.counters:
            if not self._consume(commit.application_id, key, amount, limit, now):
                return False
        for coupon_id, discount in taken.coupons:
            if not self._redeem_coupon(coupon_id, discount):
                return False
            if commit.profile:
                self._count_redemption(commit.application_id, coupon_id, commit.profile, 1)
        for referral_id in taken.referrals:
            if not self._redeem_referral(referral_id):
                return False
            if commit.profile and commit.session_id is not None:
                self._add_friend(commit.application_id, referral_id, commit.profile, commit.session_id, now)
        add_analytics(self.conn, self._postgres, commit.application_id, commit.analytics)
        if commit.session_id is not None and commit.effects:
            insert_effects(self.conn, commit.application_id, commit.session_id, commit.effects, now)
        return True

    def _consume(
        self, application_id: int, key: CounterKey, amount: Decimal, limit: Decimal, now: datetime
    ) -> bool:
        campaign_id, action, entity_key, period_key = key
        scaled_limit, scaled_amount = scaled(limit), scaled(amount)
        if scaled_amount > scaled_limit:
            return False

        def build() -> Any:
            insert = upsert(self._postgres)(limit_counters)
            added = limit_counters.c.consumed + sa.bindparam("scaled", type_=BIG)
            return insert.on_conflict_do_update(
                index_elements=["campaign_id", "action", "entity_key", "period_key"],
                set_={"consumed": added, "updated": insert.excluded.updated},
                where=added <= sa.bindparam("scaled_limit", type_=BIG),
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
        return self.conn.execute(statement(("consume", self._postgres), build), params).first() is not None

    def _redeem_coupon(self, coupon_id: int, discount: Decimal) -> bool:
        result = self.conn.execute(
            coupons.update()
            .where(
                coupons.c.id == coupon_id,
                sa.or_(coupons.c.usage_limit == 0, coupons.c.usage_counter < coupons.c.usage_limit),
            )
            .values(
                usage_counter=coupons.c.usage_counter + 1,
                discount_counter=coupons.c.discount_counter + scaled_literal(discount),
            )
        )
        return result.rowcount > 0

    def _count_redemption(self, application_id: int, coupon_id: int, profile: str, change: int) -> None:
        """Count a profile's redemption of a coupon up (or down, a rollback)."""
        table = profile_coupon_redemptions

        def build() -> Any:
            insert = upsert(self._postgres)(table)
            return insert.on_conflict_do_update(
                index_elements=["coupon_id", "profile_integration_id"],
                set_={"redemptions": table.c.redemptions + insert.excluded.redemptions},
            )

        params = {
            "application_id": application_id,
            "coupon_id": coupon_id,
            "profile_integration_id": profile,
            "redemptions": change,
        }
        self.conn.execute(statement(("count-redemption", self._postgres), build), params)

    def _redeem_referral(self, referral_id: int) -> bool:
        result = self.conn.execute(
            referrals.update()
            .where(
                referrals.c.id == referral_id,
                sa.or_(referrals.c.usage_limit == 0, referrals.c.usage_counter < referrals.c.usage_limit),
            )
            .values(usage_counter=referrals.c.usage_counter + 1)
        )
        return result.rowcount > 0

    def _add_friend(
        self, application_id: int, referral_id: int, friend: str, session_id: int, now: datetime
    ) -> None:
        """Record that ``friend`` redeemed the referral (once per friend; the relation stays)."""
        self.conn.execute(
            upsert(self._postgres)(referral_friends)
            .values(
                application_id=application_id,
                referral_id=referral_id,
                friend_profile_integration_id=friend,
                session_id=session_id,
                created=now,
            )
            .on_conflict_do_nothing()
        )

    # -- release ---------------------------------------------------------------------------------

    def release(self, release: Release, now: datetime) -> None:
        for key, amount in release.counters:
            self._release_counter(key, amount, now)
        for coupon_id, discount in release.coupons:
            self._unredeem_coupon(coupon_id, discount)
            if release.profile:
                self._count_redemption(release.application_id, coupon_id, release.profile, -1)
        for coupon_id, discount in release.coupon_discounts:
            self.conn.execute(
                coupons.update()
                .where(coupons.c.id == coupon_id)
                .values(discount_counter=coupons.c.discount_counter - scaled_literal(discount))
            )
        for referral_id in release.referrals:
            self.conn.execute(
                referrals.update()
                .where(referrals.c.id == referral_id, referrals.c.usage_counter > 0)
                .values(usage_counter=referrals.c.usage_counter - 1)
            )
        if release.profile_totals is not None:
            self.add_profile_totals(release.profile_totals, now)
        if release.session_id is not None:
            self.conn.execute(
                session_effects.update()
                .where(
                    session_effects.c.session_id == release.session_id,
                    session_effects.c.rolled_back.is_(False),
                )
                .values(rolled_back=True)
            )
        if release.analytics is not None:
            add_analytics(self.conn, self._postgres, release.application_id, release.analytics)

    def _release_counter(self, key: CounterKey, amount: Decimal, now: datetime) -> None:
        campaign_id, action, entity_key, period_key = key
        taken = scaled_literal(amount)
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
                    (limit_counters.c.consumed > taken, limit_counters.c.consumed - taken), else_=0
                ),
                updated=now,
            )
        )

    def _unredeem_coupon(self, coupon_id: int, discount: Decimal) -> None:
        self.conn.execute(
            coupons.update()
            .where(coupons.c.id == coupon_id, coupons.c.usage_counter > 0)
            .values(
                usage_counter=coupons.c.usage_counter - 1,
                discount_counter=coupons.c.discount_counter - scaled_literal(discount),
            )
        )

    def add_profile_totals(self, totals: ProfileTotals, now: datetime) -> None:
        params = profile_totals_params(totals, now)
        prepared(self.conn, ("profile-totals",), profile_totals).execute(self.conn, params)


def profile_totals() -> Any:
    """Count sessions and sales into a profile; its last activity is now (``profile_totals_params``)."""
    return (
        customer_profiles.update()
        .where(customer_profiles.c.id == sa.bindparam("p_profile"))
        .values(
            closed_sessions=customer_profiles.c.closed_sessions + sa.bindparam("p_sessions", type_=BIG),
            total_sales=customer_profiles.c.total_sales + sa.bindparam("p_scaled", type_=BIG),
            last_activity=sa.bindparam("p_now", type_=customer_profiles.c.last_activity.type),
            modified=sa.bindparam("p_now", type_=customer_profiles.c.modified.type),
        )
    )


def profile_totals_params(totals: ProfileTotals, now: datetime) -> dict[str, Any]:
    return {
        "p_profile": totals.profile_id,
        "p_sessions": totals.sessions,
        "p_scaled": scaled(totals.sales),
        "p_now": now,
    }


__all__ = ["SqlConsumption", "profile_totals", "profile_totals_params"]

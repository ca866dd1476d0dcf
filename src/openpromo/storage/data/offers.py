"""``SqlOfferData``: coupon reservations and referral codes written in bulk, in SQLAlchemy Core
(``services.data.offers``).

A batch of reservations is one ``INSERT ... ON CONFLICT DO NOTHING RETURNING`` (the profiles that held
the coupon already return nothing) and one relative update of the coupon's counter; a batch of referrals
is one multi-row ``INSERT ... RETURNING``. A reservation within the coupon's limit takes its place first,
with one conditional update of the counter, and gives it back when a parallel request reserved the same
coupon for the same profile first.

A giveaway draw is one ``UPDATE giveaway_codes ... WHERE id = (SELECT id ... ORDER BY id LIMIT 1)
RETURNING``: on PostgreSQL the inner select takes the row ``FOR UPDATE SKIP LOCKED``, so parallel draws
claim different codes without waiting on each other; on SQLite the close holds the writer lock already
and the statement is atomic by itself (``RETURNING`` needs SQLite 3.35).
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from openpromo.services.data.offers import GiveawayAward, PoolCode, ReferralWrite, Reserved
from openpromo.services.data.records import Document, StoredCoupon, StoredProfile, StoredReferral
from openpromo.services.errors import Conflict
from openpromo.storage.data.rows import stored_coupon, stored_profile, stored_referral
from openpromo.storage.data.statements import statement, upsert
from openpromo.storage.queries import folded_columns
from openpromo.storage.schema.account import giveaway_codes
from openpromo.storage.schema.campaigns import campaigns, coupon_reservations, coupons, referrals
from openpromo.storage.schema.columns import UtcDateTime
from openpromo.storage.schema.sessions import customer_profiles


class SqlOfferData:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._postgres = conn.dialect.name == "postgresql"

    def coupon(self, application_id: int, lookup_value: str, *, lock: bool = False) -> StoredCoupon | None:
        def build() -> Any:
            live = sa.select(campaigns.c.id).where(
                campaigns.c.id == coupons.c.campaign_id, campaigns.c.deleted == sa.false()
            )
            query = sa.select(coupons).where(
                coupons.c.application_id == sa.bindparam("app"),
                coupons.c.lookup_value == sa.bindparam("value"),
                live.exists(),
            )
            return query.with_for_update(of=coupons) if lock else query

        found = self._conn.execute(
            statement(("offers-coupon", lock), build), {"app": application_id, "value": lookup_value}
        ).first()
        return stored_coupon(dict(found._mapping)) if found is not None else None

    def reserve(self, coupon: StoredCoupon, profiles: list[str], now: datetime) -> list[str]:
        if not profiles:
            return []
        added = self._insert_reservations(coupon, profiles, now)
        self._count(coupon.id, len(added))
        return added

    def reserve_within_limit(self, coupon: StoredCoupon, profile: str, now: datetime) -> Reserved:
        held = self._conn.execute(
            sa.select(coupon_reservations.c.id).where(
                coupon_reservations.c.coupon_id == coupon.id,
                coupon_reservations.c.profile_integration_id == profile,
            )
        ).first()
        if held is not None:
            return "held"
        room = sa.or_(
            coupons.c.reservation_limit.is_(None),
            coupons.c.reservation_limit == 0,
            coupons.c.reservation_counter < coupons.c.reservation_limit,
        )
        taken = self._conn.execute(
            coupons.update()
            .where(coupons.c.id == coupon.id, room)
            .values(reservation_counter=coupons.c.reservation_counter + 1)
        )
        if taken.rowcount == 0:
            return "full"
        if self._insert_reservations(coupon, [profile], now):
            return "reserved"
        self._count(coupon.id, -1)  # a parallel request reserved it for this profile first
        return "held"

    def _insert_reservations(self, coupon: StoredCoupon, profiles: list[str], now: datetime) -> list[str]:
        rows = [
            {
                "application_id": coupon.application_id,
                "coupon_id": coupon.id,
                "profile_integration_id": profile,
                "created": now,
                "soft": not coupon.is_reservation_mandatory,
            }
            for profile in dict.fromkeys(profiles)
        ]
        insert = (
            upsert(self._postgres)(coupon_reservations)
            .values(rows)
            .on_conflict_do_nothing()
            .returning(coupon_reservations.c.profile_integration_id)
        )
        added = {r.profile_integration_id for r in self._conn.execute(insert)}
        return [p for p in dict.fromkeys(profiles) if p in added]

    def _count(self, coupon_id: int, change: int) -> None:
        if change:
            self._conn.execute(
                coupons.update()
                .where(coupons.c.id == coupon_id)
                .values(reservation_counter=coupons.c.reservation_counter + change)
            )

    def unreserve(self, coupon: StoredCoupon, profiles: list[str]) -> int:
        if not profiles:
            return 0
        removed = self._conn.execute(
            coupon_reservations.delete().where(
                coupon_reservations.c.coupon_id == coupon.id,
                coupon_reservations.c.profile_integration_id.in_(sorted(set(profiles))),
            )
        ).rowcount
        self._count(coupon.id, -int(removed))
        return int(removed)

    def reserved_customers(self, account_id: int, coupon: StoredCoupon) -> list[StoredProfile]:
        def build() -> Any:
            joined = coupon_reservations.join(
                customer_profiles,
                sa.and_(
                    customer_profiles.c.account_id == sa.bindparam("account"),
                    customer_profiles.c.integration_id == coupon_reservations.c.profile_integration_id,
                ),
            )
            return (
                sa.select(customer_profiles)
                .select_from(joined)
                .where(
                    coupon_reservations.c.application_id == sa.bindparam("app"),
                    coupon_reservations.c.coupon_id == sa.bindparam("coupon"),
                )
                .order_by(coupon_reservations.c.created, coupon_reservations.c.id)
            )

        params = {"account": account_id, "app": coupon.application_id, "coupon": coupon.id}
        found = self._conn.execute(statement(("reserved-customers",), build), params)
        return [stored_profile(dict(r._mapping)) for r in found]

    def insert_referrals(self, new: list[ReferralWrite]) -> list[StoredReferral]:
        if not new:
            return []
        rows = [folded_columns("referrals", asdict(referral)) for referral in new]
        try:
            found = self._conn.execute(referrals.insert().values(rows).returning(*referrals.c)).all()
        except sa.exc.IntegrityError:  # a parallel request took one of the codes since they were chosen
            raise Conflict("a referral code was taken by another request meanwhile: try again") from None
        stored = {r.lookup_code: stored_referral(dict(r._mapping)) for r in found}
        return [stored[referral.lookup_code] for referral in new]

    def award_giveaway(self, award: GiveawayAward) -> Document | None:
        def build() -> Any:
            codes, candidate = giveaway_codes.c, giveaway_codes.alias("candidate")
            now = sa.bindparam("now", type_=UtcDateTime())
            free = (
                sa.select(candidate.c.id)
                .where(
                    candidate.c.pool_id == sa.bindparam("pool"),
                    candidate.c.account_id == sa.bindparam("account"),
                    candidate.c.awarded_at.is_(None),
                    sa.or_(candidate.c.start_date.is_(None), candidate.c.start_date <= now),
                    sa.or_(candidate.c.end_date.is_(None), candidate.c.end_date > now),
                )
                .order_by(candidate.c.id)
                .limit(1)
                .with_for_update(skip_locked=True)
                .scalar_subquery()
            )
            return (
                giveaway_codes.update()
                .where(codes.id == free, codes.awarded_at.is_(None))
                .values(
                    awarded_at=now,
                    profile_integration_id=sa.bindparam("profile"),
                    session_id=sa.bindparam("session"),
                    application_id=sa.bindparam("app"),
                )
                .returning(*giveaway_codes.c)
            )

        params = {
            "pool": award.pool_id,
            "account": award.account_id,
            "now": award.now,
            "profile": award.profile_integration_id,
            "session": award.session_id,
            "app": award.application_id,
        }
        drawn = self._conn.execute(statement(("giveaway-award",), build), params).first()
        return dict(drawn._mapping) if drawn is not None else None

    def pool_codes(
        self,
        account_id: int,
        pool_id: int,
        *,
        after_id: int,
        limit: int,
        created_before: datetime | None = None,
        created_after: datetime | None = None,
    ) -> list[PoolCode]:
        codes = giveaway_codes.c
        joined = giveaway_codes.outerjoin(
            customer_profiles,
            sa.and_(
                customer_profiles.c.account_id == codes.account_id,
                customer_profiles.c.integration_id == codes.profile_integration_id,
            ),
        )
        query = (
            sa.select(giveaway_codes, customer_profiles.c.id.label("profile_id"))
            .select_from(joined)
            .where(codes.account_id == account_id, codes.pool_id == pool_id, codes.id > after_id)
            .order_by(codes.id)
            .limit(limit)
        )
        if created_before is not None:
            query = query.where(codes.created < created_before)
        if created_after is not None:
            query = query.where(codes.created > created_after)
        return [
            PoolCode(
                id=r.id,
                pool_id=r.pool_id,
                code=r.code,
                start_date=r.start_date,
                end_date=r.end_date,
                attributes=r.attributes,
                awarded_at=r.awarded_at,
                import_id=r.import_id,
                created=r.created,
                profile_integration_id=r.profile_integration_id,
                profile_id=r.profile_id,
            )
            for r in self._conn.execute(query)
        ]


__all__ = ["SqlOfferData"]

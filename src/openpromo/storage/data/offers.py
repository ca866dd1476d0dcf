"""``SqlOfferData``: coupon reservations and referral codes written in bulk, in SQLAlchemy Core
(``services.data.offers``).

A batch of reservations is one ``INSERT ... ON CONFLICT DO NOTHING RETURNING`` (the profiles that held
the coupon already return nothing) and one relative update of the coupon's counter; a batch of referrals
is one multi-row ``INSERT ... RETURNING``. A reservation within the coupon's limit takes its place first,
with one conditional update of the counter, and gives it back when a parallel request reserved the same
coupon for the same profile first.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from openpromo.services.data.offers import ReferralWrite, Reserved
from openpromo.services.data.records import StoredCoupon, StoredProfile, StoredReferral
from openpromo.services.errors import Conflict
from openpromo.storage.data.rows import stored_coupon, stored_profile, stored_referral
from openpromo.storage.data.statements import statement, upsert
from openpromo.storage.queries import folded_columns
from openpromo.storage.schema.campaigns import campaigns, coupon_reservations, coupons, referrals
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


__all__ = ["SqlOfferData"]

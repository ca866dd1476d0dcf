"""``SqlCustomerData``: what a customer holds, and the deletion of its personal data, in SQLAlchemy Core
(``services.data.customers``).

Every statement finds the customer's rows by an index that starts with the table's distribution key and
goes on with the customer's integration id (``application_id`` or ``account_id``, docs/scaling.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from openpromo.services.data.customers import HeldAchievement, HeldCoupon, HeldGiveaway
from openpromo.services.data.loyalty import StoredCard
from openpromo.services.data.records import StoredProfile, StoredReferral
from openpromo.storage.data import cards
from openpromo.storage.data.rows import stored_coupon, stored_profile, stored_referral
from openpromo.storage.schema.account import (
    achievement_progress,
    achievements,
    audience_memberships,
    giveaway_codes,
    giveaway_pools,
)
from openpromo.storage.schema.campaigns import (
    campaigns,
    coupon_reservations,
    coupons,
    profile_coupon_redemptions,
    referral_friends,
    referrals,
)
from openpromo.storage.schema.loyalty import loyalty_card_profiles, loyalty_cards
from openpromo.storage.schema.sessions import customer_profiles, customer_sessions, events


class SqlCustomerData:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def profile(self, account_id: int, integration_id: str) -> StoredProfile | None:
        row = (
            self._conn.execute(
                sa.select(customer_profiles).where(
                    customer_profiles.c.account_id == account_id,
                    customer_profiles.c.integration_id == integration_id,
                )
            )
            .mappings()
            .first()
        )
        return None if row is None else stored_profile(dict(row))

    def audiences(self, account_id: int, integration_id: str) -> frozenset[int]:
        found = self._conn.execute(
            sa.select(audience_memberships.c.audience_id).where(
                audience_memberships.c.account_id == account_id,
                audience_memberships.c.profile_integration_id == integration_id,
            )
        ).scalars()
        return frozenset(int(i) for i in found)

    def referrals(self, application_id: int, integration_id: str) -> list[StoredReferral]:
        query = (
            sa.select(referrals)
            .join(campaigns, campaigns.c.id == referrals.c.campaign_id)
            .where(
                referrals.c.application_id == application_id,
                referrals.c.advocate_profile_integration_id == integration_id,
                campaigns.c.deleted.is_(False),
            )
            .order_by(referrals.c.id)
        )
        rows = [dict(r) for r in self._conn.execute(query).mappings()]
        friends: dict[int, list[str]] = {}
        if rows:
            advocated = sa.select(referrals.c.id).where(
                referrals.c.application_id == application_id,
                referrals.c.advocate_profile_integration_id == integration_id,
            )
            for friend in self._conn.execute(
                sa.select(referral_friends.c.referral_id, referral_friends.c.friend_profile_integration_id)
                .where(
                    referral_friends.c.application_id == application_id,
                    referral_friends.c.referral_id.in_(advocated.scalar_subquery()),
                )
                .order_by(referral_friends.c.referral_id, referral_friends.c.created)
            ):
                friends.setdefault(friend.referral_id, []).append(friend.friend_profile_integration_id)
        return [stored_referral(r, tuple(friends.get(r["id"], ()))) for r in rows]

    def coupons(self, application_id: int, integration_id: str) -> list[HeldCoupon]:
        query = (
            sa.select(
                coupons,
                _reserved(integration_id),
                _redemptions(integration_id),
                campaigns.c.state.label("campaign_state"),
                campaigns.c.end_time.label("campaign_end"),
            )
            .join(campaigns, campaigns.c.id == coupons.c.campaign_id)
            .where(
                coupons.c.id.in_(_held_coupons(application_id, integration_id)),
                campaigns.c.deleted.is_(False),
            )
            .order_by(coupons.c.id)
        )
        return [
            HeldCoupon(
                stored_coupon(
                    dict(row), reserved=bool(row["reserved"]), redemptions=int(row["redemptions"] or 0)
                ),
                row["campaign_state"],
                row["campaign_end"],
            )
            for row in self._conn.execute(query).mappings()
        ]

    def giveaways(self, account_id: int, integration_id: str) -> list[HeldGiveaway]:
        query = (
            sa.select(giveaway_codes, giveaway_pools.c.subscribed_applications_ids.label("pool_applications"))
            .join(giveaway_pools, giveaway_pools.c.id == giveaway_codes.c.pool_id)
            .where(
                giveaway_codes.c.account_id == account_id,
                giveaway_codes.c.profile_integration_id == integration_id,
            )
            .order_by(giveaway_codes.c.id)
        )
        return [
            HeldGiveaway(
                id=row.id,
                created=row.created,
                code=row.code,
                pool_id=row.pool_id,
                start_date=row.start_date,
                end_date=row.end_date,
                attributes=row.attributes,
                import_id=row.import_id,
                pool_applications=tuple(row.pool_applications or ()),
            )
            for row in self._conn.execute(query)
        ]

    def achievements(self, application_id: int, integration_id: str) -> list[HeldAchievement]:
        a, p = achievements, achievement_progress
        query = (
            sa.select(
                a,
                p.c.progress,
                p.c.status,
                p.c.start_date.label("progress_start"),
                p.c.end_date.label("progress_end"),
                p.c.completion_date,
            )
            .join(a, a.c.id == p.c.achievement_id)
            .join(campaigns, campaigns.c.id == a.c.campaign_id)
            .where(
                p.c.application_id == application_id,
                p.c.profile_integration_id == integration_id,
                campaigns.c.deleted.is_(False),
            )
            .order_by(a.c.id, p.c.start_date, p.c.id)
        )
        latest: dict[int, HeldAchievement] = {}
        for row in self._conn.execute(query).mappings():
            latest[row["id"]] = _held_achievement(row)  # the last row of an achievement is its latest
        return list(latest.values())

    def cards(self, account_id: int, integration_id: str, program_ids: Sequence[int]) -> list[StoredCard]:
        if not program_ids:
            return []
        linked = sa.select(loyalty_card_profiles.c.card_id).where(
            loyalty_card_profiles.c.account_id == account_id,
            loyalty_card_profiles.c.profile_integration_id == integration_id,
        )
        rows = self._conn.execute(
            sa.select(loyalty_cards)
            .where(
                loyalty_cards.c.account_id == account_id,
                loyalty_cards.c.program_id.in_(list(program_ids)),
                loyalty_cards.c.id.in_(linked.scalar_subquery()),
            )
            .order_by(loyalty_cards.c.program_id, loyalty_cards.c.id)
        ).all()
        found: list[StoredCard] = []
        for program_id in sorted({row.program_id for row in rows}):
            found += cards.stored(self._conn, program_id, [r for r in rows if r.program_id == program_id])
        return found

    def forget(
        self, account_id: int, integration_id: str, application_ids: Sequence[int], now: datetime
    ) -> None:
        apps = list(application_ids)
        self._conn.execute(
            customer_profiles.update()
            .where(
                customer_profiles.c.account_id == account_id,
                customer_profiles.c.integration_id == integration_id,
            )
            .values(attributes={}, modified=now)
        )
        if not apps:
            return
        for table in (customer_sessions, events):
            self._conn.execute(
                table.update()
                .where(table.c.application_id.in_(apps), table.c.profile_integration_id == integration_id)
                .values(attributes={})
            )
        self._conn.execute(
            coupons.update()
            .where(coupons.c.application_id.in_(apps), coupons.c.recipient_integration_id == integration_id)
            .values(attributes={})
        )
        self._conn.execute(
            referrals.update()
            .where(
                referrals.c.application_id.in_(apps),
                referrals.c.advocate_profile_integration_id == integration_id,
            )
            .values(attributes={})
        )


def _held_coupons(application_id: int, integration_id: str) -> Any:
    """The ids of the coupons a customer holds, each kind by its own index."""
    held = sa.union(
        sa.select(coupon_reservations.c.coupon_id.label("id")).where(
            coupon_reservations.c.application_id == application_id,
            coupon_reservations.c.profile_integration_id == integration_id,
        ),
        sa.select(profile_coupon_redemptions.c.coupon_id.label("id")).where(
            profile_coupon_redemptions.c.application_id == application_id,
            profile_coupon_redemptions.c.profile_integration_id == integration_id,
            profile_coupon_redemptions.c.redemptions > 0,
        ),
        sa.select(coupons.c.id).where(
            coupons.c.application_id == application_id,
            coupons.c.recipient_integration_id == integration_id,
        ),
        sa.select(coupons.c.id).where(
            coupons.c.application_id == application_id, coupons.c.implicitly_reserved == sa.true()
        ),
    ).subquery()
    return sa.select(held.c.id)


def _reserved(integration_id: str) -> Any:
    return (
        sa.select(coupon_reservations.c.id)
        .where(
            coupon_reservations.c.coupon_id == coupons.c.id,
            coupon_reservations.c.profile_integration_id == integration_id,
        )
        .exists()
        .label("reserved")
    )


def _redemptions(integration_id: str) -> Any:
    return (
        sa.select(profile_coupon_redemptions.c.redemptions)
        .where(
            profile_coupon_redemptions.c.coupon_id == coupons.c.id,
            profile_coupon_redemptions.c.profile_integration_id == integration_id,
        )
        .scalar_subquery()
        .label("redemptions")
    )


def _held_achievement(row: Any) -> HeldAchievement:
    return HeldAchievement(
        achievement_id=row["id"],
        campaign_id=row["campaign_id"],
        name=row["name"],
        title=row["title"],
        description=row["description"] or "",
        target=None if row["target"] is None else Decimal(row["target"]),
        recurrence_policy=row["recurrence_policy"],
        activation_policy=row["activation_policy"],
        fixed_start_date=row["fixed_start_date"],
        achievement_end_date=row["end_date"],
        allow_rollback_after_completion=bool(row["allow_rollback_after_completion"]),
        progress=Decimal(row["progress"]),
        status=row["status"],
        start_date=row["progress_start"],
        end_date=row["progress_end"],
        completion_date=row["completion_date"],
    )


__all__ = ["SqlCustomerData"]

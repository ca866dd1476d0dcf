"""``CustomerData``: the narrow, typed port of what a customer holds and of the deletion of a customer's
personal data, reached as ``uow.customers`` (docs/customer-data.md).

Every read is by the customer's integration id through an index, never a scan of an application's rows:
the inventory reads only the parts it is asked for, and the deletion is one statement per table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from openpromo.services.data.loyalty import StoredCard
from openpromo.services.data.records import StoredCoupon, StoredProfile, StoredReferral


@dataclass(frozen=True, slots=True)
class HeldCoupon:
    """A coupon in a customer's inventory, with what its state depends on."""

    coupon: StoredCoupon
    """``reserved``: the customer holds a reservation of it; ``profile_redemptions``: how often the
    customer redeemed it (closes not rolled back)."""
    campaign_state: str
    campaign_end: datetime | None


@dataclass(frozen=True, slots=True)
class HeldAchievement:
    """A customer's progress in one achievement (its latest period) with the achievement's definition."""

    achievement_id: int
    campaign_id: int
    name: str
    title: str
    description: str
    target: Decimal | None
    recurrence_policy: str | None
    activation_policy: str | None
    fixed_start_date: datetime | None
    achievement_end_date: datetime | None
    allow_rollback_after_completion: bool
    progress: Decimal
    status: str
    start_date: datetime
    end_date: datetime | None
    completion_date: datetime | None


@dataclass(frozen=True, slots=True)
class HeldGiveaway:
    """A giveaway code awarded to the customer, with the applications its pool serves."""

    id: int
    created: datetime
    code: str
    pool_id: int
    start_date: datetime | None
    end_date: datetime | None
    attributes: dict[str, Any] | None
    import_id: int | None
    pool_applications: tuple[int, ...]


class CustomerData(Protocol):
    def profile(self, account_id: int, integration_id: str) -> StoredProfile | None: ...

    def audiences(self, account_id: int, integration_id: str) -> frozenset[int]:
        """The audiences the customer is a member of."""

    def referrals(self, application_id: int, integration_id: str) -> list[StoredReferral]:
        """The referrals of the application's campaigns (not deleted) the customer is the advocate of,
        each with the friends who redeemed it, oldest first."""

    def coupons(self, application_id: int, integration_id: str) -> list[HeldCoupon]:
        """The coupons of the application's campaigns (not deleted) the customer holds: reserved by it
        (hard or soft), redeemed by it, made for it (its recipient), or implicitly reserved for every
        customer; oldest first."""

    def giveaways(self, account_id: int, integration_id: str) -> list[HeldGiveaway]:
        """The giveaway codes awarded to the customer, oldest first."""

    def achievements(self, application_id: int, integration_id: str) -> list[HeldAchievement]:
        """The customer's progress in the achievements of the application's campaigns (not deleted),
        the latest period of each, by achievement id."""

    def cards(self, account_id: int, integration_id: str, program_ids: Sequence[int]) -> list[StoredCard]:
        """The cards of these programs the customer is linked to, by program and id."""

    def forget(
        self, account_id: int, integration_id: str, application_ids: Sequence[int], now: datetime
    ) -> None:
        """Empty the attributes of the profile (modified ``now``) and of the rows that reference it in
        these applications: its sessions and events, the coupons made for it and the referrals it
        advocates. Ids, counters, totals and ledgers stay."""


__all__ = ["CustomerData", "HeldAchievement", "HeldCoupon", "HeldGiveaway"]

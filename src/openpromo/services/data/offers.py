"""``OfferData``: the narrow, typed port of what an application offers its customers outside a session:
coupon reservations (the coupon wallet), referral codes written in bulk and the codes of giveaway pools,
reached as ``uow.offers``.

Reservation counts change with the rows, in the same statements' transaction: ``reservation_counter``
is the number of customers who hold a reservation now. A reservation that must respect the coupon's
``reservationLimit`` (the ``reserveCoupon`` effect; the endpoint ignores the limit, as Talon.One's does)
takes a place with one conditional update, so parallel reservations never pass the limit. Every read
names ``application_id``, the distribution key of coupons and their reservations; giveaway codes belong
to the account (``account_id``). A giveaway code is drawn with one atomic claim (the row is chosen and
marked awarded in one statement, skipping rows a parallel claim holds), so no code is awarded twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, Protocol

from openpromo.services.data.records import Document, StoredCoupon, StoredProfile, StoredReferral

Reserved = Literal["reserved", "held", "full"]


@dataclass(frozen=True, slots=True)
class ReferralWrite:
    """A referral code to insert (its code already normalised and known to be free)."""

    application_id: int
    campaign_id: int
    code: str
    lookup_code: str
    advocate_profile_integration_id: str
    usage_limit: int
    created: datetime
    start_date: datetime | None = None
    expiry_date: datetime | None = None
    friend_profile_integration_id: str | None = None
    attributes: dict[str, Any] | None = None
    batch_id: str | None = None


@dataclass(frozen=True, slots=True)
class GiveawayAward:
    """Who a giveaway code is drawn for, and when (the code must be valid then)."""

    account_id: int
    pool_id: int
    application_id: int
    profile_integration_id: str
    session_id: int | None
    now: datetime


@dataclass(frozen=True, slots=True)
class PoolCode:
    """A code of a giveaway pool, as the pool's export lists it."""

    id: int
    pool_id: int
    code: str
    start_date: datetime | None
    end_date: datetime | None
    attributes: dict[str, Any] | None
    awarded_at: datetime | None
    import_id: int | None
    created: datetime
    profile_integration_id: str | None
    profile_id: int | None


class OfferData(Protocol):
    def coupon(self, application_id: int, lookup_value: str, *, lock: bool = False) -> StoredCoupon | None:
        """The application's coupon by its normalised code, unless its campaign is deleted; ``lock``: its
        row locked until the transaction ends (PostgreSQL; SQLite's writers are serial)."""

    def reserve(self, coupon: StoredCoupon, profiles: list[str], now: datetime) -> list[str]:
        """Reserve the coupon for ``profiles`` whatever its ``reservation_limit`` (those holding it
        already are left as they are) and count the new reservations on the coupon; the profiles newly
        reserved for."""

    def reserve_within_limit(self, coupon: StoredCoupon, profile: str, now: datetime) -> Reserved:
        """Reserve the coupon for ``profile`` if its ``reservation_limit`` (null or 0: unlimited) leaves
        room: ``reserved``; ``held`` when the profile holds it already, ``full`` when there is no room."""

    def unreserve(self, coupon: StoredCoupon, profiles: list[str]) -> int:
        """Remove the reservations these profiles hold and count them off the coupon; how many went."""

    def reserved_customers(self, account_id: int, coupon: StoredCoupon) -> list[StoredProfile]:
        """The profiles that hold a reservation of the coupon, in the order they reserved it."""

    def insert_referrals(self, referrals: list[ReferralWrite]) -> list[StoredReferral]:
        """Insert the referrals in one bulk statement; the stored rows, in the order given."""

    def award_giveaway(self, award: GiveawayAward) -> Document | None:
        """Claim the pool's oldest code that is unused and valid at ``award.now`` (started, not ended)
        for the profile, in one statement: the code's row as awarded (columns of ``giveaway_codes``), or
        None when the pool has none left (or a parallel request holds the last ones)."""

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
        """Up to ``limit`` codes of the pool with an id above ``after_id``, by id, created strictly
        between the bounds given (keyset paging for the pool's export)."""


__all__ = ["GiveawayAward", "OfferData", "PoolCode", "ReferralWrite", "Reserved"]

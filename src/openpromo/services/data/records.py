"""The session aggregate's records, as the evaluation pipeline reads and writes them.

Typed values, not rows: the storage adapter (``openpromo.storage.data``) builds them from what it reads
and turns them back into columns when it writes. JSON columns keep their spec-shaped documents (cart
items, effects, the ``committed`` record), which are the API's own shapes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from decimal import Decimal
from typing import Any

from openpromo.engine.model import CounterKey

Document = dict[str, Any]
"""A JSON document as stored: an effect, a cart item, the ``committed`` record."""


@dataclass(slots=True)
class StoredProfile:
    id: int
    account_id: int
    integration_id: str
    attributes: dict[str, Any]
    closed_sessions: int
    total_sales: Decimal
    created: datetime
    modified: datetime
    last_activity: datetime | None = None
    sandbox: bool = False

    @classmethod
    def of(cls, columns: Mapping[str, Any]) -> StoredProfile:
        """From the columns of a ``customer_profiles`` row."""
        return cls(**{name: columns[name] for name in _PROFILE_FIELDS if name in columns})


_PROFILE_FIELDS = (
    "id",
    "account_id",
    "integration_id",
    "attributes",
    "closed_sessions",
    "total_sales",
    "created",
    "modified",
    "last_activity",
    "sandbox",
)


@dataclass(slots=True)
class SessionFields:
    """What an update sets of a session (merged onto what was stored): its written columns."""

    profile_integration_id: str = ""
    store_integration_id: str | None = None
    coupon_codes: list[str] = field(default_factory=list)
    referral_code: str | None = None
    loyalty_cards: list[str] = field(default_factory=list)
    identifiers: list[str] = field(default_factory=list)
    attributes: dict[str, Any] = field(default_factory=dict)
    cart_items: list[Document] = field(default_factory=list)
    additional_costs: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class StoredSession(SessionFields):
    """A customer session as stored; ``effects`` and ``committed`` only where they were read."""

    id: int = 0
    application_id: int = 0
    integration_id: str = ""
    profile_id: int | None = None
    state: str = "open"
    total: Decimal = Decimal(0)
    cart_item_total: Decimal = Decimal(0)
    additional_cost_total: Decimal = Decimal(0)
    first_session: bool = False
    update_count: int = 0
    created: datetime | None = None
    updated: datetime | None = None
    closed_at: datetime | None = None
    effects: list[Document] = field(default_factory=list)
    committed: Document | None = None
    """What its close took (counters, coupons, referrals, effects, total): what a rollback gives back."""

    @classmethod
    def of(cls, columns: Mapping[str, Any]) -> StoredSession:
        """From the columns of a ``customer_sessions`` row (those it has of this record's fields)."""
        return cls(**{name: columns[name] for name in _SESSION_FIELDS if name in columns})


_SESSION_FIELDS = tuple(f.name for f in fields(StoredSession))


@dataclass(frozen=True, slots=True)
class StoredCoupon:
    id: int
    application_id: int
    campaign_id: int
    created: datetime
    value: str
    lookup_value: str
    usage_limit: int
    usage_counter: int
    discount_limit: Decimal | None
    discount_counter: Decimal
    start_date: datetime | None
    expiry_date: datetime | None
    recipient_integration_id: str | None
    is_reservation_mandatory: bool
    discount_remainder: Decimal | None
    attributes: dict[str, Any]
    limits: list[Document]
    reservation_limit: int | None = None
    reservation_counter: int = 0
    referral_id: int | None = None
    import_id: int | None = None
    batch_id: str | None = None
    implicitly_reserved: bool = False
    reserved: bool = False
    """Reserved by the session's profile."""
    profile_redemptions: int = 0
    """How often the session's profile redeemed it (closes not rolled back)."""


@dataclass(frozen=True, slots=True)
class StoredReferral:
    id: int
    application_id: int
    campaign_id: int
    created: datetime
    code: str
    usage_limit: int
    usage_counter: int
    start_date: datetime | None
    expiry_date: datetime | None
    advocate_profile_integration_id: str
    friend_profile_integration_id: str | None
    attributes: dict[str, Any]
    import_id: int | None = None
    batch_id: str | None = None
    friends: tuple[str, ...] = ()
    """The profiles that redeemed it, oldest first (read only where the answer shows them)."""


@dataclass(frozen=True, slots=True)
class Progress:
    """A profile's progress in one period of an achievement."""

    id: int
    achievement_id: int
    progress: Decimal
    status: str
    end_date: datetime | None
    period_key: str = ""
    start_date: datetime | None = None
    completion_date: datetime | None = None


@dataclass(frozen=True, slots=True)
class Opened:
    """What a session update reads first, in one call: the session, its profile, and the coupons and
    referral the payload names."""

    session: StoredSession | None
    profile: StoredProfile | None
    profile_has_sessions: bool
    """Whether the profile has sessions in the application already (a new one is then not its first)."""
    audiences: frozenset[int]
    coupons: tuple[StoredCoupon, ...] = ()
    referral: StoredReferral | None = None


@dataclass(frozen=True, slots=True)
class Codes:
    """The coupon and referral codes to read with the session, as sent; the adapter normalises them as
    the application compares them (``case_sensitivity``)."""

    case_sensitivity: str
    coupons: Sequence[str] | None = None
    """None: the stored session's (an update that does not send them)."""
    referral: str | None = None
    """``""``: none; None: the stored session's."""
    with_friends: bool = False
    """Read the referral's friends too (the ``referral`` answer part)."""
    with_redemptions: bool = False
    """Read how often the profile redeemed each coupon (the ``coupons`` answer part)."""


@dataclass(frozen=True, slots=True)
class BalanceQuery:
    """Loyalty balances to read: the profile's in profile-based programs, the card's in its program."""

    account_id: int
    owners: Mapping[int, str]
    """Program id → owner key (``profile:<integrationId>``) in the profile-based programs."""
    card_identifier: str | None = None
    """The session's loyalty card, looked up in ``card_programs``."""
    card_programs: Sequence[int] = ()


@dataclass(frozen=True, slots=True)
class BalancesFound:
    ledgers: tuple[Document, ...] = ()
    """``loyalty_ledgers`` rows of the owners (and of the card, keyed ``card:<id>``)."""
    card: Document | None = None
    card_profiles: tuple[Document, ...] = ()


@dataclass(frozen=True, slots=True)
class Consumables:
    """What else an evaluation reads that other requests change, once its candidates are known."""

    counters: Sequence[CounterKey] = ()
    achievements: Sequence[int] = ()
    """Achievement ids: the profile's current progress in each."""
    coupons: Sequence[int] = ()
    """Coupon ids to read again (a close confirming under the writer lock what it read before)."""
    referral: int | None = None
    profile: str = ""
    balances: BalanceQuery | None = None


@dataclass(frozen=True, slots=True)
class Consumed:
    counters: dict[CounterKey, Decimal] = field(default_factory=dict)
    progress: tuple[Progress, ...] = ()
    """The profile's progress records in the achievements, oldest first."""
    coupons: tuple[StoredCoupon, ...] = ()
    referral: StoredReferral | None = None
    balances: BalancesFound | None = None


@dataclass(frozen=True, slots=True)
class SessionWrite:
    """A session's last write: insert (``id`` None) or update of these columns."""

    id: int | None
    fields: SessionFields
    state: str
    total: Decimal
    cart_item_total: Decimal
    additional_cost_total: Decimal
    effects: list[Document]
    updated: datetime
    update_count: int
    application_id: int = 0
    integration_id: str = ""
    created: datetime | None = None
    first_session: bool = False
    closed_at: datetime | None = None
    committed: Document | None = None
    write_committed: bool = False
    """Whether ``committed`` is written too (a close sets it)."""


@dataclass(frozen=True, slots=True)
class EventWrite:
    application_id: int
    created: datetime
    type: str
    profile_integration_id: str | None
    profile_id: int | None
    session_integration_id: str | None
    store_integration_id: str | None
    attributes: dict[str, Any]
    effects: list[Document]


@dataclass(frozen=True, slots=True)
class StoredEvent(EventWrite):
    id: int = 0


@dataclass(frozen=True, slots=True)
class ProfileTotals:
    """Add ``sessions`` closed sessions and ``sales`` to a profile; its last activity is now."""

    profile_id: int
    sessions: int
    sales: Decimal


@dataclass(frozen=True, slots=True)
class EffectRow:
    """An effect in force after a close (``session_effects``), for analytics and rollbacks."""

    campaign_id: int
    ruleset_id: int
    rule_index: int
    rule_name: str
    effect_type: str
    props: Document
    triggered_by_coupon: int | None
    amount: Decimal | None
    cart_item_position: int | None
    cart_item_sub_position: int | None


@dataclass(frozen=True, slots=True)
class Redemptions:
    """What a commit consumes, each atomically and within its limit (a refusal: a parallel request got
    there first)."""

    counters: Sequence[tuple[CounterKey, Decimal, Decimal]] = ()
    """(counter, amount, limit)."""
    coupons: Sequence[tuple[int, Decimal]] = ()
    """(coupon id, discount counted against its discount limit)."""
    referrals: Sequence[int] = ()


@dataclass(frozen=True, slots=True)
class Analytics:
    """Additions to each campaign's figures of one day (columns of ``campaign_analytics``)."""

    day: Any
    by_campaign: dict[int, dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Commit:
    """Everything a close (or an evaluation that commits at once) writes besides the session row."""

    application_id: int
    redemptions: Redemptions
    analytics: Analytics
    profile: str = ""
    """The profile that redeems (friends of referrals, the profile's coupon redemption counts)."""
    session_id: int | None = None
    effects: Sequence[EffectRow] = ()


@dataclass(frozen=True, slots=True)
class Release:
    """What a rollback or a return gives back."""

    application_id: int
    counters: Sequence[tuple[CounterKey, Decimal]] = ()
    coupons: Sequence[tuple[int, Decimal]] = ()
    """(coupon id, discount): one use given back, and the discount."""
    coupon_discounts: Sequence[tuple[int, Decimal]] = ()
    """(coupon id, discount): discount given back, the use kept (a partial return)."""
    referrals: Sequence[int] = ()
    profile: str = ""
    profile_totals: ProfileTotals | None = None
    analytics: Analytics | None = None
    session_id: int | None = None
    """Its effects in force are marked rolled back (a cancel or reopen of the whole close)."""


__all__ = [
    "Analytics",
    "BalanceQuery",
    "BalancesFound",
    "Codes",
    "Commit",
    "Consumables",
    "Consumed",
    "Document",
    "EffectRow",
    "EventWrite",
    "Opened",
    "ProfileTotals",
    "Progress",
    "Redemptions",
    "Release",
    "SessionFields",
    "SessionWrite",
    "StoredCoupon",
    "StoredEvent",
    "StoredProfile",
    "StoredReferral",
    "StoredSession",
]

"""Everything an evaluation reads: the application's snapshot (configuration, cached per worker) and the
few rows that change with every session (profile, coupons, referral, budget counters, balances,
achievement progress), read in as few queries as the session needs."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from openpromo.engine import model
from openpromo.engine.budgets import Scope, candidate_counters
from openpromo.engine.coupons import coupon_limits
from openpromo.engine.evaluate import Evaluation, Inputs, evaluate
from openpromo.engine.lookups import Achievement, Lookups
from openpromo.metrics import CLOSE_REEVALUATIONS, RULE_BUGS, RULE_EVALUATION_SECONDS
from openpromo.services.codes import normalise_code
from openpromo.services.errors import InvalidInput
from openpromo.services.ledgers import LoyaltyState, load_state
from openpromo.services.models.convert import from_row
from openpromo.services.models.coupons import IntegrationCoupon
from openpromo.services.ports import CounterKey, Row, UnitOfWork
from openpromo.services.records import campaign_record
from openpromo.services.snapshots.snapshot import Snapshot, limits_of


@dataclass(frozen=True, slots=True)
class _Ask:
    """What ``Loaded.evaluate`` was asked for besides the session, kept to read again (``confirm``)."""

    only: Sequence[int] | None
    new_id: Callable[[], str]
    accepted: tuple[frozenset[int], frozenset[int]]
    credits: Mapping[CounterKey, Decimal] | None
    coupon_credits: Mapping[int, Decimal] | None
    want_loyalty: bool


@dataclass
class Loaded:
    snapshot: Snapshot
    account_id: int
    now: datetime
    profile_row: Row | None
    audience_ids: frozenset[int] = frozenset()
    profile_has_sessions: bool = False
    """Whether the profile has sessions in the application already (a new one is then not its first)."""
    coupon_rows: list[Row] = field(default_factory=list)
    referral: model.Referral | None = None
    referral_row: Row | None = None
    loyalty: LoyaltyState = field(default_factory=LoyaltyState)
    _read: tuple[Any, ...] = ()
    _again: Callable[[], Inputs] | None = None

    # -- prices from catalogs ----------------------------------------------------------------

    def fill_prices(self, uow: UnitOfWork, document: dict[str, Any]) -> None:
        """Items sent without a price take it from a catalog the application is subscribed to."""
        missing = [i for i, item in enumerate(document["cart_items"]) if item.get("price") is None]
        if not missing:
            return
        catalogs = list(self.snapshot.catalog_ids)
        skus = sorted({document["cart_items"][i]["sku"] for i in missing})
        prices: dict[str, Row] = {}
        if catalogs:
            for row in uow.records.find("catalog_items", {"catalog_id": catalogs, "sku": skus}).rows:
                prices.setdefault(row["sku"], row)
        for index in missing:
            item = document["cart_items"][index]
            found = prices.get(item["sku"])
            if found is None or found["price"] is None:
                raise InvalidInput(
                    "price is required unless the SKU is in a catalog connected to the application",
                    pointer=f"/customerSession/cartItems/{index}/price",
                )
            item["price"] = found["price"]
            item["catalogItemID"] = found["id"]

    # -- evaluation --------------------------------------------------------------------------

    def evaluate(
        self,
        uow: UnitOfWork,
        session: model.Session,
        profile_row: Row | None,
        *,
        only: Sequence[int] | None,
        lock: bool,
        new_id: Callable[[], str],
        accepted: tuple[frozenset[int], frozenset[int]] = (frozenset(), frozenset()),
        credits: Mapping[CounterKey, Decimal] | None = None,
        coupon_credits: Mapping[int, Decimal] | None = None,
        want_loyalty: bool = False,
    ) -> Evaluation:
        """Evaluate the running campaigns (or ``only`` these, even disabled ones).

        A re-evaluation of a closed session takes its redeemed coupons and referrals as valid
        (``accepted``: their ids) and first gives back what it consumed of each budget counter
        (``credits``) and of each coupon's discount limit (``coupon_credits``). Balances are read only
        when a campaign reads them or the answer shows them (``want_loyalty``)."""
        ask = _Ask(only, new_id, accepted, credits, coupon_credits, want_loyalty)
        read = partial(self._inputs, uow, session, profile_row, ask)
        inputs = read(lock=lock)
        self._read = _what_was_read(inputs)
        self._again = partial(read, lock=True)
        return _run(inputs)

    def confirm(self) -> Evaluation | None:
        """After ``evaluate`` without locks (a close on SQLite before the writer lock): read again, under
        the lock now, everything the evaluation read that other requests change (coupons, the referral,
        budget counters, balances, achievement progress); None when nothing changed, so the evaluation
        stands as if it had run under the lock, else the evaluation of what is there now."""
        if self._again is None:
            return None
        inputs = self._again()
        self._again = None
        read = _what_was_read(inputs)
        if read == self._read:
            return None
        self._read = read
        CLOSE_REEVALUATIONS.inc()
        return _run(inputs)

    def _inputs(
        self, uow: UnitOfWork, session: model.Session, profile_row: Row | None, ask: _Ask, *, lock: bool
    ) -> Inputs:
        only, new_id, accepted = ask.only, ask.new_id, ask.accepted
        credits, coupon_credits, want_loyalty = ask.credits, ask.coupon_credits, ask.want_loyalty
        snapshot = self.snapshot
        app_id = snapshot.app["id"]
        case = snapshot.app["case_sensitivity"]
        codes = {code: normalise_code(code, case) for code in session.coupon_codes}
        self.coupon_rows = uow.sessions.coupons(app_id, sorted(set(codes.values())), lock=lock)
        reserved = self._reservations(uow, session.profile_id)
        by_lookup = {row["lookup_value"]: row for row in self.coupon_rows}
        credit = coupon_credits or {}
        coupons = {
            code: _coupon(by_lookup[lookup], reserved, credit.get(by_lookup[lookup]["id"]))
            for code, lookup in codes.items()
            if lookup in by_lookup
        }
        referral = None
        if session.referral_code:
            row = uow.records.find_one(
                "referrals", application_id=app_id, lookup_code=normalise_code(session.referral_code, case)
            )
            referral = _referral(row) if row else None
            self.referral_row = row
        self.referral = referral
        if only is not None:
            campaigns: Sequence[model.Campaign] = snapshot.forced(set(only))
        else:
            named = {c.campaign_id for c in coupons.values()}
            if referral is not None:
                named.add(referral.campaign_id)
            campaigns = snapshot.index.candidates(session, self.audience_ids, named)
        counters = self._counters(uow, campaigns, session, coupons, referral, lock=lock)
        for key, amount in (credits or {}).items():
            if key in counters:
                counters[key] = max(counters[key] - amount, Decimal(0))
        profile = _profile(profile_row, self.audience_ids) if profile_row else None
        if want_loyalty or any(c.reads_loyalty for c in campaigns):
            self.loyalty = load_state(
                uow, self.account_id, snapshot.loyalty_programs, session.profile_id, session.loyalty_cards
            )
        store = snapshot.stores.get(session.store_integration_id or "")
        return Inputs(
            settings=snapshot.settings,
            session=session,
            profile=profile,
            campaigns=campaigns,
            coupons=coupons,
            referral=referral,
            counters=counters,
            now=self.now,
            new_id=new_id,
            lookups=self._lookups(uow, campaigns, session.profile_id),
            store_attributes=(store["attributes"] or {}) if store else None,
            loyalty=self.loyalty.root(),
            loyalty_card_valid=self.loyalty.card_valid,
            accepted_coupons=accepted[0],
            accepted_referrals=accepted[1],
            groups=snapshot.groups,
        )

    def _reservations(self, uow: UnitOfWork, profile: str) -> set[int]:
        if not profile or not self.coupon_rows:
            return set()
        rows = uow.records.find(
            "coupon_reservations",
            {"coupon_id": [c["id"] for c in self.coupon_rows], "profile_integration_id": profile},
        ).rows
        return {r["coupon_id"] for r in rows}

    def _counters(
        self,
        uow: UnitOfWork,
        campaigns: Sequence[model.Campaign],
        session: model.Session,
        coupons: dict[str, model.Coupon],
        referral: model.Referral | None,
        *,
        lock: bool,
    ) -> dict[CounterKey, Decimal]:
        zone = ZoneInfo(self.snapshot.settings.timezone)
        keys: set[CounterKey] = set()
        for campaign in campaigns:
            limits = list(campaign.limits)
            own: list[model.Coupon | None] = [c for c in coupons.values() if c.campaign_id == campaign.id]
            for coupon in own:
                limits += coupon_limits(coupon) if coupon else []
            if not limits:
                continue
            scopes = [
                Scope(
                    session.profile_id or None,
                    coupon.id if coupon else None,
                    referral.id if referral and referral.campaign_id == campaign.id else None,
                    session.identifiers,
                    session.store_integration_id,
                    session.integration_id,
                )
                for coupon in ([*own] if own else [None])
            ]
            keys |= candidate_counters(campaign.id, limits, scopes, self.now, zone)
        if not keys:
            return {}
        ordered = sorted(keys)
        if lock:
            uow.sessions.ensure_counters(self.snapshot.app["id"], ordered, self.now)
        return {k: Decimal(str(v)) for k, v in uow.sessions.counters(ordered, lock=lock).items()}

    def _lookups(self, uow: UnitOfWork, campaigns: Sequence[model.Campaign], profile: str) -> Lookups:
        snapshot = self.snapshot
        definitions = [d for c in campaigns for d in snapshot.achievements.get(c.id, ())]
        return Lookups(
            programs=snapshot.programs,
            pools=snapshot.pools,
            achievements=_achievements(uow, definitions, profile, self.now) if definitions else {},
            additional_cost_ids={name: row["id"] for name, row in snapshot.definitions.costs.items()},
            audiences=snapshot.audiences,
        )

    # -- for the response --------------------------------------------------------------------

    def coupon_ids(self) -> dict[str, int]:
        return {row["value"]: row["id"] for row in self.coupon_rows}

    def audience_names(self) -> list[tuple[int, str]]:
        names = self.snapshot.audiences
        return [(a, names.get(a, "")) for a in sorted(self.audience_ids)]

    def triggered_campaigns(self, ids: list[int]) -> list[Any]:
        rows = self.snapshot.campaign_rows
        return [campaign_record(rows[i], self.now) for i in ids if i in rows]

    def integration_coupons(self, uow: UnitOfWork, profile: str) -> list[Any]:
        """The coupons of this evaluation, with how often this profile redeemed each (rollbacks excluded)."""
        counts: dict[int, int] = {}
        if profile and self.coupon_rows:
            sessions = {
                r["id"]
                for r in uow.records.find(
                    "customer_sessions",
                    {"application_id": self.snapshot.app["id"], "profile_integration_id": profile},
                ).rows
            }
            accepted = uow.records.find(
                "session_effects",
                {
                    "triggered_by_coupon": [c["id"] for c in self.coupon_rows],
                    "effect_type": "acceptCoupon",
                    "rolled_back": False,
                },
            ).rows
            for effect in accepted:
                if effect["session_id"] in sessions:
                    counts[effect["triggered_by_coupon"]] = counts.get(effect["triggered_by_coupon"], 0) + 1
        return [
            from_row(IntegrationCoupon, row, profile_redemption_count=counts.get(row["id"], 0))
            for row in self.coupon_rows
        ]


def _run(inputs: Inputs) -> Evaluation:
    started = time.perf_counter()
    try:
        return evaluate(inputs)
    except Exception:
        RULE_BUGS.inc()  # rule failures are values; anything escaping the engine is a bug
        raise
    finally:
        RULE_EVALUATION_SECONDS.observe(time.perf_counter() - started)


def _what_was_read(inputs: Inputs) -> tuple[Any, ...]:
    """What an evaluation read that other requests may change meanwhile (``Loaded.confirm``)."""
    return (
        tuple(c.id for c in inputs.campaigns),
        inputs.coupons,
        inputs.referral,
        {key: amount for key, amount in inputs.counters.items() if amount},  # a new row holds 0
        inputs.loyalty,
        inputs.loyalty_card_valid,
        inputs.lookups.achievements,
    )


def load_inputs(
    uow: UnitOfWork,
    snapshot: Snapshot,
    account_id: int,
    document: Mapping[str, Any],
    now: datetime,
    *,
    prefetched: tuple[str, Row | None, bool, frozenset[int]] | None = None,
) -> Loaded:
    """The profile and its audiences (``prefetched``: read with the session already, for the profile
    id it names); coupons, counters and balances come with ``Loaded.evaluate``."""
    profile_row = None
    has_sessions = False
    audience_ids: frozenset[int] = frozenset()
    wanted = document["profile_integration_id"]
    if wanted and prefetched is not None and prefetched[0] == wanted:
        _, profile_row, has_sessions, audience_ids = prefetched
    elif wanted:
        profile_row, has_sessions = uow.sessions.profile(account_id, wanted, snapshot.app["id"])
        if profile_row is not None and snapshot.audiences:
            memberships = uow.records.find(
                "audience_memberships",
                {"account_id": account_id, "profile_integration_id": profile_row["integration_id"]},
            ).rows
            audience_ids = frozenset(m["audience_id"] for m in memberships)
    return Loaded(
        snapshot=snapshot,
        account_id=account_id,
        now=now,
        profile_row=profile_row,
        audience_ids=audience_ids,
        profile_has_sessions=has_sessions,
    )


def _achievements(
    uow: UnitOfWork, definitions: list[Any], profile: str, now: datetime
) -> dict[tuple[int, str], Achievement]:
    """The campaigns' achievements, with the profile's progress in the period that runs now."""
    current: dict[int, Row] = {}
    if profile:
        for progress in uow.records.find(
            "achievement_progress",
            {"achievement_id": [d.id for d in definitions], "profile_integration_id": profile},
        ).rows:
            ends = progress["end_date"]
            if progress["status"] != "expired" and (ends is None or ends > now):
                current[progress["achievement_id"]] = progress
    achievements = {}
    for definition in definitions:
        found = current.get(definition.id)
        achievements[(definition.campaign_id, definition.name)] = Achievement(
            id=definition.id,
            name=definition.name,
            target=definition.target,
            progress=Decimal(found["progress"]) if found else Decimal(0),
            tracker_id=found["id"] if found else None,
        )
    return achievements


def _coupon(row: Row, reserved: set[int], credit: Decimal | None = None) -> model.Coupon:
    return model.Coupon(
        id=row["id"],
        campaign_id=row["campaign_id"],
        value=row["value"],
        usage_limit=row["usage_limit"],
        usage_counter=row["usage_counter"],
        discount_limit=row["discount_limit"] or None,
        discount_counter=row["discount_counter"] - (credit or 0),
        start_date=row["start_date"],
        expiry_date=row["expiry_date"],
        recipient_integration_id=row["recipient_integration_id"],
        is_reservation_mandatory=bool(row["is_reservation_mandatory"]),
        reserved_by_profile=row["id"] in reserved,
        attributes=row["attributes"] or {},
        limits=limits_of(row["limits"]),
    )


def _referral(row: Row) -> model.Referral:
    return model.Referral(
        id=row["id"],
        campaign_id=row["campaign_id"],
        code=row["code"],
        usage_limit=row["usage_limit"],
        usage_counter=row["usage_counter"],
        start_date=row["start_date"],
        expiry_date=row["expiry_date"],
        advocate_integration_id=row["advocate_profile_integration_id"],
        friend_integration_id=row["friend_profile_integration_id"],
        attributes=row["attributes"] or {},
    )


def _profile(row: Row, audiences: frozenset[int]) -> model.Profile:
    return model.Profile(
        id=row["id"],
        integration_id=row["integration_id"],
        attributes=row["attributes"] or {},
        closed_sessions=row["closed_sessions"],
        total_sales=row["total_sales"],
        audiences=audiences,
    )


__all__ = ["Loaded", "load_inputs"]

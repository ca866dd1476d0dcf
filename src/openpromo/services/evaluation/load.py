"""Load: everything an evaluation reads besides its subject, turned into the engine's ``Inputs``.

The subject (``Case``) brings the session, the profile and its audiences, and the coupons and referral
it names, read with it in one call. What is left changes with other requests and depends on which
campaigns are candidates: budget counters, achievement progress, loyalty balances. Those are read in one
more call (``SessionData.consumables``), only when a candidate needs them or the answer shows them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from openpromo.engine import model
from openpromo.engine.budgets import Scope, candidate_counters
from openpromo.engine.coupons import coupon_limits
from openpromo.engine.evaluate import Inputs
from openpromo.engine.lookups import Achievement, Lookups
from openpromo.services.codes import normalise_code
from openpromo.services.data.records import (
    Consumables,
    Consumed,
    StoredCoupon,
    StoredProfile,
    StoredReferral,
)
from openpromo.services.data.sessions import SessionData
from openpromo.services.evaluation.case import Case
from openpromo.services.ledgers import LoyaltyState, balance_query, loyalty_state
from openpromo.services.snapshots.snapshot import limits_of

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Reading:
    """One read of an evaluation's inputs; ``fingerprint`` is what other requests may have changed."""

    inputs: Inputs
    loyalty: LoyaltyState
    coupons: tuple[StoredCoupon, ...]
    referral: StoredReferral | None
    fingerprint: tuple[Any, ...]


def read(
    data: SessionData, case: Case, new_id: Callable[[], str], *, lock: bool, again: bool = False
) -> Reading:
    """The engine's inputs for ``case``; ``again``: a close confirming under the writer lock what it read
    before reads the coupons and the referral again too."""
    snapshot, session = case.snapshot, case.session
    coupons, referral = case.coupons, case.referral
    by_code = _by_code(case, coupons)
    campaigns = _campaigns(case, by_code, referral)
    wanted = Consumables(
        counters=_counter_keys(case, campaigns, by_code, referral),
        achievements=[d.id for c in campaigns for d in snapshot.achievements.get(c.id, ())],
        coupons=[c.id for c in coupons] if again else (),
        referral=referral.id if again and referral is not None else None,
        profile=session.profile_id,
        balances=_balances(case, campaigns),
    )
    consumed = (
        data.consumables(snapshot.app["id"], wanted, case.now, lock=lock) if _needed(wanted) else Consumed()
    )
    if again:
        coupons, referral = _again(coupons, consumed.coupons), consumed.referral
        by_code = _by_code(case, coupons)
    loyalty = loyalty_state(snapshot.loyalty_programs, wanted.balances, consumed.balances)
    inputs = _inputs(case, campaigns, by_code, referral, consumed, loyalty, new_id)
    return Reading(inputs, loyalty, coupons, referral, _fingerprint(inputs))


def _again(before: Sequence[StoredCoupon], now: Sequence[StoredCoupon]) -> tuple[StoredCoupon, ...]:
    """The coupons read again; how often the profile redeemed each is as read before (the profile's own
    requests are held off by its request key)."""
    redemptions = {c.id: c.profile_redemptions for c in before}
    return tuple(replace(c, profile_redemptions=redemptions.get(c.id, 0)) for c in now)


def _needed(wanted: Consumables) -> bool:
    return bool(
        wanted.counters or wanted.achievements or wanted.coupons or wanted.referral or wanted.balances
    )


def _by_code(case: Case, coupons: Sequence[StoredCoupon]) -> dict[str, model.Coupon]:
    """Session coupon codes (as sent) → the coupon found for each."""
    case_mode = case.snapshot.app["case_sensitivity"]
    by_lookup = {c.lookup_value: c for c in coupons}
    credits = case.coupon_credits or {}
    found = {}
    for code in case.session.coupon_codes:
        stored = by_lookup.get(normalise_code(code, case_mode))
        if stored is not None:
            found[code] = coupon_value(stored, credits.get(stored.id))
    return found


def _campaigns(
    case: Case, coupons: dict[str, model.Coupon], referral: StoredReferral | None
) -> Sequence[model.Campaign]:
    snapshot = case.snapshot
    if case.only is not None:
        return snapshot.forced(set(case.only))
    named = {c.campaign_id for c in coupons.values()}
    if referral is not None:
        named.add(referral.campaign_id)
    return snapshot.index.candidates(case.session, case.audiences, named)


def _counter_keys(
    case: Case,
    campaigns: Sequence[model.Campaign],
    coupons: dict[str, model.Coupon],
    referral: StoredReferral | None,
) -> list[model.CounterKey]:
    session = case.session
    zone = ZoneInfo(case.snapshot.settings.timezone)
    keys: set[model.CounterKey] = set()
    for campaign in campaigns:
        limits = list(campaign.limits)
        own: list[model.Coupon | None] = [c for c in coupons.values() if c.campaign_id == campaign.id]
        for coupon in own:
            limits += coupon_limits(coupon) if coupon else []
        if not limits:
            continue
        referral_id = referral.id if referral and referral.campaign_id == campaign.id else None
        scopes = [
            Scope(
                session.profile_id or None,
                coupon.id if coupon else None,
                referral_id,
                session.identifiers,
                session.store_integration_id,
                session.integration_id,
            )
            for coupon in (own or [None])
        ]
        keys |= candidate_counters(campaign.id, limits, scopes, case.now, zone)
    return sorted(keys)


def _balances(case: Case, campaigns: Sequence[model.Campaign]) -> Any:
    """Balances are read only when a campaign reads them or the answer shows them."""
    if "loyalty" not in case.content and not any(c.reads_loyalty for c in campaigns):
        return None
    programs = case.snapshot.loyalty_programs
    return balance_query(case.account_id, programs, case.session.profile_id, case.session.loyalty_cards)


def _inputs(
    case: Case,
    campaigns: Sequence[model.Campaign],
    coupons: dict[str, model.Coupon],
    referral: StoredReferral | None,
    consumed: Consumed,
    loyalty: LoyaltyState,
    new_id: Callable[[], str],
) -> Inputs:
    snapshot, session = case.snapshot, case.session
    counters = {k: Decimal(str(v)) for k, v in consumed.counters.items()}
    for key, amount in (case.credits or {}).items():
        if key in counters:
            counters[key] = max(counters[key] - amount, ZERO)
    store = snapshot.stores.get(session.store_integration_id or "")
    return Inputs(
        settings=snapshot.settings,
        session=session,
        profile=profile_value(case.profile, case.audiences) if case.profile else None,
        campaigns=campaigns,
        coupons=coupons,
        referral=referral_value(referral) if referral else None,
        counters=counters,
        now=case.now,
        new_id=new_id,
        lookups=_lookups(case, campaigns, consumed),
        store_attributes=(store["attributes"] or {}) if store else None,
        loyalty=loyalty.root(),
        loyalty_card_valid=loyalty.card_valid,
        accepted_coupons=case.accepted_coupons,
        accepted_referrals=case.accepted_referrals,
        groups=snapshot.groups,
    )


def _lookups(case: Case, campaigns: Sequence[model.Campaign], consumed: Consumed) -> Lookups:
    snapshot = case.snapshot
    current = {
        p.achievement_id: p
        for p in consumed.progress
        if p.status != "expired" and (p.end_date is None or p.end_date > case.now)
    }
    achievements = {}
    for campaign in campaigns:
        for definition in snapshot.achievements.get(campaign.id, ()):
            found = current.get(definition.id)
            achievements[(definition.campaign_id, definition.name)] = Achievement(
                id=definition.id,
                name=definition.name,
                target=definition.target,
                progress=Decimal(found.progress) if found else ZERO,
                tracker_id=found.id if found else None,
            )
    return Lookups(
        programs=snapshot.programs,
        pools=snapshot.pools,
        achievements=achievements,
        additional_cost_ids={name: row["id"] for name, row in snapshot.definitions.costs.items()},
        audiences=snapshot.audiences,
    )


def _fingerprint(inputs: Inputs) -> tuple[Any, ...]:
    """What an evaluation read that other requests may change meanwhile (a close's confirmation)."""
    return (
        tuple(c.id for c in inputs.campaigns),
        inputs.coupons,
        inputs.referral,
        {key: amount for key, amount in inputs.counters.items() if amount},  # a new row holds 0
        inputs.loyalty,
        inputs.loyalty_card_valid,
        inputs.lookups.achievements,
    )


def coupon_value(row: StoredCoupon, credit: Decimal | None = None) -> model.Coupon:
    return model.Coupon(
        id=row.id,
        campaign_id=row.campaign_id,
        value=row.value,
        usage_limit=row.usage_limit,
        usage_counter=row.usage_counter,
        discount_limit=row.discount_limit or None,
        discount_counter=row.discount_counter - (credit or 0),
        start_date=row.start_date,
        expiry_date=row.expiry_date,
        recipient_integration_id=row.recipient_integration_id,
        is_reservation_mandatory=row.is_reservation_mandatory,
        reserved_by_profile=row.reserved,
        attributes=row.attributes or {},
        limits=limits_of(row.limits),
    )


def referral_value(row: StoredReferral) -> model.Referral:
    return model.Referral(
        id=row.id,
        campaign_id=row.campaign_id,
        code=row.code,
        usage_limit=row.usage_limit,
        usage_counter=row.usage_counter,
        start_date=row.start_date,
        expiry_date=row.expiry_date,
        advocate_integration_id=row.advocate_profile_integration_id,
        friend_integration_id=row.friend_profile_integration_id,
        attributes=row.attributes or {},
    )


def profile_value(row: StoredProfile, audiences: frozenset[int]) -> model.Profile:
    return model.Profile(
        id=row.id,
        integration_id=row.integration_id,
        attributes=row.attributes or {},
        closed_sessions=row.closed_sessions,
        total_sales=row.total_sales,
        audiences=audiences,
    )


__all__ = ["Reading", "coupon_value", "profile_value", "read", "referral_value"]

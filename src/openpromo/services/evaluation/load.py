"""Load: everything an evaluation reads besides its subject, turned into the engine's ``Inputs``.

The subject (``Case``) brings the session, the profile and its audiences, and the coupons and referral
it names, read with it in one call. What is left changes with other requests and depends on which
campaigns are candidates: budget counters, achievement progress, loyalty balances. Those are read in one
more call (``SessionData.consumables``), only when a candidate needs them or the answer shows them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from openpromo.engine import model
from openpromo.engine.achievements import Tracked, standing
from openpromo.engine.evaluate import Inputs
from openpromo.engine.lookups import Achievement, Lookups
from openpromo.engine.plan import Plan, plan
from openpromo.services.codes import normalise_code
from openpromo.services.data.records import (
    Consumables,
    Consumed,
    Progress,
    StoredCoupon,
    StoredProfile,
    StoredReferral,
)
from openpromo.services.data.sessions import SessionData
from openpromo.services.evaluation.case import Case
from openpromo.services.ledgers import LoyaltyState, balance_query, loyalty_state
from openpromo.services.snapshots.snapshot import limits_of
from openpromo.services.timezones import zone as time_zone

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Reading:
    """One read of an evaluation's inputs, and what it read that other requests change."""

    inputs: Inputs
    loyalty: LoyaltyState
    coupons: tuple[StoredCoupon, ...]
    referral: StoredReferral | None
    wanted: Consumables
    consumed: Consumed


def read(data: SessionData, case: Case, new_id: Callable[[], str], *, lock: bool) -> Reading:
    """The engine's inputs for ``case``: its candidates, and what they consume (read only when one
    consumes something, or the answer shows balances)."""
    snapshot = case.snapshot
    by_code = _by_code(case, case.coupons)
    referral = referral_value(case.referral) if case.referral else None
    planned = plan(
        case.draft,
        index=snapshot.index,
        forced=snapshot.forced(set(case.only)) if case.only is not None else None,
        audiences=case.audiences,
        coupons=by_code,
        referral=referral,
        now=case.now,
        timezone=snapshot.settings.timezone,
        event_type=case.event[0] if case.event is not None else None,
    )
    case.session, campaigns = planned.session, planned.campaigns
    wanted = Consumables(
        counters=planned.counters,
        achievements=[d.id for c in campaigns for d in snapshot.achievements.get(c.id, ())],
        profile=case.profile_id,
        balances=_balances(case, campaigns),
    )
    consumed = (
        data.consumables(snapshot.app["id"], wanted, case.now, lock=lock) if _needed(wanted) else Consumed()
    )
    loyalty = loyalty_state(snapshot.loyalty_programs, wanted.balances, consumed.balances)
    inputs = _inputs(case, planned, by_code, referral, consumed, loyalty, new_id)
    return Reading(inputs, loyalty, case.coupons, case.referral, wanted, consumed)


def confirm(data: SessionData, case: Case, reading: Reading, new_id: Callable[[], str]) -> Reading | None:
    """Under the writer lock, after ``read`` without it (a close on SQLite): read again what the
    evaluation consumes (its coupons and referral too); None when none of it changed, so the evaluation
    stands as if it had run under the lock, else a whole new reading of what is there now."""
    wanted = replace(
        reading.wanted,
        coupons=[c.id for c in reading.coupons],
        referral=reading.referral.id if reading.referral is not None else None,
    )
    if not _needed(wanted):
        return None
    consumed = data.consumables(case.snapshot.app["id"], wanted, case.now, lock=True)
    coupons = _again(reading.coupons, consumed.coupons)
    before = reading.consumed
    if (
        coupons == reading.coupons
        and consumed.referral == reading.referral
        and _used(consumed.counters) == _used(before.counters)
        and consumed.progress == before.progress
        and consumed.balances == before.balances
    ):
        return None
    return read(data, replace(case, coupons=coupons, referral=consumed.referral), new_id, lock=True)


def _used(counters: dict[model.CounterKey, Decimal]) -> dict[model.CounterKey, Decimal]:
    """The counters that hold something (a counter created under the lock holds 0)."""
    return {key: amount for key, amount in counters.items() if amount}


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
    for code in case.draft.documents.coupon_codes:
        stored = by_lookup.get(normalise_code(code, case_mode))
        if stored is not None:
            found[code] = coupon_value(stored, credits.get(stored.id))
    return found


def _balances(case: Case, campaigns: Sequence[model.Campaign]) -> Any:
    """Balances are read only when a campaign reads them or the answer shows them."""
    if "loyalty" not in case.content and not any(c.reads_loyalty for c in campaigns):
        return None
    programs = case.snapshot.loyalty_programs
    cards = case.draft.documents.loyalty_cards
    return balance_query(case.account_id, programs, case.profile_id, cards)


def _inputs(
    case: Case,
    planned: Plan,
    coupons: dict[str, model.Coupon],
    referral: model.Referral | None,
    consumed: Consumed,
    loyalty: LoyaltyState,
    new_id: Callable[[], str],
) -> Inputs:
    snapshot, session, campaigns = case.snapshot, planned.session, planned.campaigns
    groups = snapshot.groups
    if case.complete:  # every group stacks: each candidate applies
        groups = {i: replace(g, mode="stackable") for i, g in groups.items()}
        campaigns = [replace(c, group=replace(c.group, mode="stackable")) for c in campaigns]
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
        referral=referral,
        counters=counters,
        now=case.now,
        new_id=new_id,
        lookups=_lookups(case, campaigns, consumed),
        store_attributes=(store["attributes"] or {}) if store else None,
        loyalty=loyalty.root(),
        loyalty_card_valid=loyalty.card_valid,
        accepted_coupons=case.accepted_coupons,
        accepted_referrals=case.accepted_referrals,
        groups=groups,
        event=case.event,
    )


def _lookups(case: Case, campaigns: Sequence[model.Campaign], consumed: Consumed) -> Lookups:
    snapshot = case.snapshot
    periods: dict[int, list[Tracked]] = {}
    for p in consumed.progress:
        periods.setdefault(p.achievement_id, []).append(_tracked(p))
    zone = time_zone(snapshot.settings.timezone)
    achievements = {}
    for campaign in campaigns:
        for definition in snapshot.achievements.get(campaign.id, ()):
            stands = standing(definition, periods.get(definition.id, ()), case.now, zone)
            achievement = Achievement(
                id=definition.id,
                name=definition.name,
                target=definition.target,
                progress=stands.progress,
                tracker_id=stands.tracker_id,
                period=stands.period,
            )
            achievements[(definition.campaign_id, definition.name)] = achievement
            case.achievements[definition.id] = achievement
    return Lookups(
        programs=snapshot.programs,
        pools=snapshot.pools,
        achievements=achievements,
        additional_cost_ids={name: row["id"] for name, row in snapshot.definitions.costs.items()},
        audiences=snapshot.audiences,
    )


def _tracked(p: Progress) -> Tracked:
    start = p.start_date or datetime.min.replace(tzinfo=UTC)
    return Tracked(p.id, p.period_key, p.progress, p.status, start, p.end_date, p.completion_date)


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


__all__ = ["Reading", "confirm", "coupon_value", "profile_value", "read", "referral_value"]

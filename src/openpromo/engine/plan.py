"""Plan: what an evaluation needs before it runs. The session is built from its documents, the
campaigns that could apply to it are found (``engine.index``), and the budget counters those campaigns
consume are named, so that the service layer reads exactly those (in one call) and then evaluates."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from openpromo.engine.budgets import Scope, candidate_counters
from openpromo.engine.coupons import coupon_limits
from openpromo.engine.index import CampaignIndex
from openpromo.engine.model import Campaign, CounterKey, Coupon, Limit, Referral, Session
from openpromo.engine.sessions import Documents, session_from


@dataclass(frozen=True, slots=True)
class Plan:
    session: Session
    campaigns: Sequence[Campaign]
    """The campaigns to evaluate, in evaluation order."""
    counters: tuple[CounterKey, ...]
    """The budget counters they may consume (sorted): what the evaluation must read first."""


@dataclass(frozen=True, slots=True)
class SessionDraft:
    """Who a session is: its row id, integration id, state and documents."""

    row_id: int
    integration_id: str
    state: str
    documents: Documents


def plan(
    draft: SessionDraft,
    *,
    index: CampaignIndex,
    forced: Sequence[Campaign] | None,
    audiences: Iterable[int],
    coupons: Mapping[str, Coupon],
    referral: Referral | None,
    now: datetime,
    timezone: str,
    event_type: str | None = None,
) -> Plan:
    """``forced``: evaluate these (a dry run's ``evaluableCampaignIds``) instead of the index's
    candidates; ``coupons``: the session's codes (as sent) → the coupon found for each; ``event_type``:
    an event is evaluated (only the campaigns that read it are candidates)."""
    session = session_from(draft.row_id, draft.integration_id, draft.state, draft.documents)
    if forced is not None:
        campaigns: Sequence[Campaign] = forced
    elif event_type is not None:
        campaigns = index.event_candidates(event_type, session, audiences)
    else:
        named = {c.campaign_id for c in coupons.values()}
        if referral is not None:
            named.add(referral.campaign_id)
        campaigns = index.candidates(session, audiences, named)
    counters = _counters(session, campaigns, coupons, referral, now, ZoneInfo(timezone))
    return Plan(session, campaigns, counters)


def _counters(
    session: Session,
    campaigns: Sequence[Campaign],
    coupons: Mapping[str, Coupon],
    referral: Referral | None,
    now: datetime,
    zone: ZoneInfo,
) -> tuple[CounterKey, ...]:
    keys: set[CounterKey] = set()
    for campaign in campaigns:
        own: list[Coupon | None] = [c for c in coupons.values() if c.campaign_id == campaign.id]
        limits: list[Limit] = list(campaign.limits)
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
        keys |= candidate_counters(campaign.id, limits, scopes, now, zone)
    return tuple(sorted(keys))


__all__ = ["Plan", "SessionDraft", "plan"]

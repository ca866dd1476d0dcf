"""Giveaway draws: what turns ``willAwardGiveaway`` into ``awardGiveaway`` when effects are committed.

The engine only promises a code (``willAwardGiveaway``: pool and recipient); a code is drawn when the
effects are committed (a closing session, a profile update or an event), never for an open session or a
dry run. Each effect claims the pool's oldest unused code valid now (``OfferData.award_giveaway``, one
atomic statement), marks it awarded to the profile (with the session and application) and answers as
``awardGiveaway`` with the code. A pool with no such code left is a rule failure ("giveaway pool
exhausted"): the effect is dropped, the ``awardGiveaway`` budget counters it took are given back, and
every other effect still applies. Awarded codes are kept when the session is reopened or cancelled.

Nothing here runs, and no query is sent, unless the evaluation produced a ``willAwardGiveaway``.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from openpromo.engine.effects import Effect, RuleFailure
from openpromo.engine.evaluate import Evaluation
from openpromo.services.data.offers import GiveawayAward
from openpromo.services.data.records import Document
from openpromo.services.evaluation.case import Applied, Case, Owner
from openpromo.services.ports import UnitOfWork

PROMISED = "willAwardGiveaway"
AWARDED = "awardGiveaway"
EXHAUSTED = "giveaway pool exhausted"


def draw_giveaways(
    uow: UnitOfWork, case: Case, owner: Owner, evaluation: Evaluation, applied: Applied, now: datetime
) -> None:
    """Replace each ``willAwardGiveaway`` of ``applied.effects`` (still the evaluation's effects, in
    order) with the code it drew, listed in ``applied.giveaways`` too, or drop it, with a rule failure,
    when its pool is exhausted."""
    if not any(e.effect_type == PROMISED for e in evaluation.effects):
        return
    profile_id = case.profile.id if case.profile is not None else None
    kept: list[Document] = []
    for effect, document in zip(evaluation.effects, applied.effects, strict=True):
        if effect.effect_type != PROMISED:
            kept.append(document)
            continue
        props = document["props"]
        drawn = uow.offers.award_giveaway(
            GiveawayAward(
                account_id=case.account_id,
                pool_id=int(props["poolId"]),
                application_id=case.snapshot.app["id"],
                profile_integration_id=props["recipientIntegrationId"],
                session_id=owner.session_id,
                now=now,
            )
        )
        if drawn is None:
            _exhausted(case, evaluation, effect)
            continue
        applied.giveaways.append({**drawn, "profile_id": profile_id})
        awarded = {**props, "giveawayId": drawn["id"], "code": drawn["code"]}
        kept.append({**document, "effectType": AWARDED, "props": awarded})
    applied.effects = kept


def _exhausted(case: Case, evaluation: Evaluation, effect: Effect) -> None:
    """The effect's rule failure, and its budget given back (a budget counts only codes awarded)."""
    origin = effect.origin
    campaign = case.snapshot.campaign_rows.get(origin.campaign_id)
    coupon = next((c.value for c in case.coupons if c.id == origin.coupon_id), None)
    evaluation.failures.append(
        RuleFailure(origin, campaign["name"] if campaign else "", EXHAUSTED, coupon_value=coupon)
    )
    for key in effect.counters:
        evaluation.consumed[key] = evaluation.consumed.get(key, Decimal(0)) - 1


__all__ = ["AWARDED", "EXHAUSTED", "PROMISED", "draw_giveaways"]

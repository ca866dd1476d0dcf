"""What a request committed, as the business counters count it (``ports.Committed``): read once, after
the transaction committed, from what the pipeline applied and wrote, so every subject (sessions, returns,
profiles, events) is counted the same way and a request that rolled back is not counted at all."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from openpromo.engine.evaluate import Evaluation
from openpromo.engine.model import CounterKey
from openpromo.services.evaluation.case import Applied, Case, Written
from openpromo.services.ports import Committed


def committed(
    case: Case,
    stored: Mapping[CounterKey, Decimal],
    evaluation: Evaluation | None,
    applied: Applied,
    written: Written,
) -> Committed:
    """What the request committed: ``applied``'s effects when its ``evaluation`` was committed (None:
    nothing was), the budget counters it used up (``stored``: their use before it), and how the
    session changed."""
    change = session_change(case, written)
    if evaluation is None:
        return Committed(session_change=change)
    effects = applied.effects
    return Committed(
        effects=tuple(e["effectType"] for e in effects),
        coupon_rejections=_reasons(effects, "rejectCoupon"),
        referral_rejections=_reasons(effects, "rejectReferral"),
        budgets_reached=budgets_reached(evaluation, stored),
        session_change=change,
    )


def _reasons(effects: list[dict[str, object]], effect_type: str) -> tuple[str, ...]:
    return tuple(
        str(props.get("rejectionReason", ""))
        for e in effects
        if e["effectType"] == effect_type and isinstance(props := e["props"], dict)
    )


def budgets_reached(evaluation: Evaluation, stored: Mapping[CounterKey, Decimal]) -> tuple[str, ...]:
    """The action of each budget counter the evaluation consumed up to its limit."""
    return tuple(
        key[1]
        for key, amount in sorted(evaluation.consumed.items())
        if amount > 0
        and key in evaluation.limits
        and stored.get(key, Decimal(0)) + amount >= evaluation.limits[key]
    )


def session_change(case: Case, written: Written) -> str | None:
    """``closed``, ``cancelled``, ``returned`` or ``reopened``: what the request did to its session."""
    if "return_" in written.extra:
        return "returned"
    before = case.stored.state if case.stored is not None else None
    after = written.session.state if written.session is not None else None
    if after == before:
        return None
    if after in ("closed", "cancelled"):
        return after
    if before == "closed" and after == "open":
        return "reopened"
    return None


__all__ = ["budgets_reached", "committed", "session_change"]

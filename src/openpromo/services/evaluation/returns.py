"""Partial returns of a closed session's cart items (``POST /v2/customer_sessions/{id}/returns``).

Our choices (DOMAIN B §1.5, open question 7): ``position`` is required; ``quantity`` defaults to what is
left of the line; ``sku``, when sent, must match the line. Further returns of a ``partially_returned``
session are allowed. With ``runRuleEngine=true`` the campaigns with ``reevaluateOnReturn`` that gave an
effect at close are evaluated again on what is left of the cart (their coupons and referrals count as
valid, and this session's share of their budgets is given back first), and their discounts are rolled
back down to what that evaluation gives (see ``engine.returns``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from openpromo.engine.effects import DISCOUNT_TYPES
from openpromo.engine.model import CounterKey
from openpromo.engine.returns import discount_key, returned_units, roll_back_return
from openpromo.services.data.records import Document, ProfileTotals, Release, StoredSession
from openpromo.services.errors import ErrorDetail, InvalidInput
from openpromo.services.evaluation.commit import analytics
from openpromo.services.models.sessions import NewReturn
from openpromo.services.snapshots.snapshot import Snapshot, settings_of


def check_returned(stored: StoredSession, request: NewReturn) -> dict[int, int]:
    """position → units returned now; 400 naming the field for anything that does not fit the cart."""
    if stored.state not in ("closed", "partially_returned"):
        raise InvalidInput(
            f"only a closed session can have items returned; this one is {stored.state}",
            parameter="customerSessionId",
        )
    lines = stored.cart_items
    wanted: dict[int, int] = {}
    problems = []
    for index, item in enumerate(request.returned_cart_items):
        pointer = f"/return/returnedCartItems/{index}"
        if item.position is None or item.position >= len(lines):
            problems.append(
                ErrorDetail("Invalid value", "position must name a line of the cart", f"{pointer}/position")
            )
            continue
        line = lines[item.position]
        if item.sku is not None and item.sku != line["sku"]:
            problems.append(
                ErrorDetail(
                    "Invalid value", f"the line at this position is {line['sku']!r}", f"{pointer}/sku"
                )
            )
            continue
        left = int(line["quantity"]) - int(line.get("returnedQuantity") or 0) - wanted.get(item.position, 0)
        quantity = item.quantity if item.quantity is not None else left
        if quantity < 1 or quantity > left:
            problems.append(
                ErrorDetail(
                    "Invalid value", f"{left} units of this line can be returned", f"{pointer}/quantity"
                )
            )
            continue
        wanted[item.position] = wanted.get(item.position, 0) + quantity
    if problems:
        error = InvalidInput(problems[0].details, pointer=problems[0].pointer)
        error.details = problems
        raise error
    return wanted


def returned_lines(stored: StoredSession, wanted: dict[int, int]) -> list[dict[str, Any]]:
    """The session's cart lines after this return (``returnedQuantity`` counted up)."""
    lines = [dict(line) for line in stored.cart_items]
    for position, quantity in wanted.items():
        lines[position]["returnedQuantity"] = int(lines[position].get("returnedQuantity") or 0) + quantity
    return lines


def reevaluated_campaigns(snapshot: Snapshot, stored: StoredSession) -> frozenset[int]:
    """The campaigns a ``runRuleEngine`` return evaluates again: ``reevaluateOnReturn`` ones that gave an
    effect when the session closed."""
    committed = stored.committed or {}
    ids = {e["campaignId"] for e in committed.get("effects", []) if e["campaignId"]}
    rows = snapshot.campaign_rows
    return frozenset(i for i in ids if i in rows and rows[i]["reevaluate_on_return"])


def revalued_discounts(
    effects: list[dict[str, Any]], lines: list[dict[str, Any]]
) -> dict[tuple[Any, ...], Decimal]:
    """What a re-evaluation's discounts are worth, keyed like the committed ones. Returned units are the
    lowest sub-positions of a line, so the re-evaluation's unit ``s`` is the committed unit
    ``s + returnedQuantity``."""
    values: dict[tuple[Any, ...], Decimal] = {}
    for effect in effects:
        if effect["effectType"] not in DISCOUNT_TYPES:
            continue
        props = dict(effect["props"])
        if "position" in props:
            gone = int(lines[props["position"]].get("returnedQuantity") or 0)
            props["subPosition"] = int(props.get("subPosition") or 0) + gone
        key = discount_key({**effect, "props": props})
        values[key] = values.get(key, Decimal(0)) + Decimal(str(props["value"]))
    return values


def committed_credits(
    stored: StoredSession, campaigns: frozenset[int]
) -> tuple[dict[Any, Decimal], dict[int, Decimal]]:
    """What the session's close took of the campaigns' budget counters and of their coupons' discount
    limits: a re-evaluation gives it back before it runs."""
    committed = stored.committed or {}
    counters: dict[Any, Decimal] = {}
    for campaign_id, action, entity_key, period_key, amount in committed.get("counters", []):
        if campaign_id in campaigns:
            key = (campaign_id, action, entity_key, period_key)
            counters[key] = counters.get(key, Decimal(0)) + Decimal(amount)
    coupons = {int(coupon_id): Decimal(discount) for coupon_id, discount in committed.get("coupons", [])}
    return counters, coupons


@dataclass(frozen=True, slots=True)
class Returned:
    """What a return does: the rollback effects, what it releases, the session after it."""

    effects: list[Document]
    value: Decimal
    release: Release | None
    session: StoredSession
    share: Decimal = Decimal(0)
    """The returned units' share of what was left of the cart (ledger entries roll back by it)."""


def returned(
    app: Document,
    stored: StoredSession,
    wanted: dict[int, int],
    now: datetime,
    revalued: tuple[frozenset[int], dict[tuple[Any, ...], Decimal]] | None = None,
) -> Returned:
    """Roll back what the returned units had (DOMAIN B §1.5)."""
    lines = returned_lines(stored, wanted)
    before = {p: int(stored.cart_items[p].get("returnedQuantity") or 0) for p in wanted}
    value = sum((Decimal(str(lines[p]["price"])) * q for p, q in wanted.items()), Decimal(0))
    # session-level discounts still committed cover the units not returned before this return
    cart_value = sum(
        (
            Decimal(str(line["price"])) * (int(line["quantity"]) - int(line.get("returnedQuantity") or 0))
            for line in stored.cart_items
        ),
        Decimal(0),
    )
    share = value / cart_value if cart_value else Decimal(0)
    committed = stored.committed or {"effects": [], "counters": [], "coupons": [], "referrals": []}
    units = returned_units({p: (before[p], q) for p, q in wanted.items()})
    result = roll_back_return(committed["effects"], units, share, settings_of(app).currency_digits, revalued)
    counters, released = _counters_left(committed, result.by_campaign)
    coupons, discounts = _coupons_left(committed, result.by_coupon)
    profile_id = committed.get("profileId")
    release = Release(
        application_id=app["id"],
        counters=released,
        coupon_discounts=discounts,
        profile_totals=ProfileTotals(profile_id, 0, -value) if profile_id else None,
        analytics=analytics(app, result.rollbacks, now, refund=value),
    )
    remaining_total = Decimal(committed.get("total") or 0) - value
    after = replace(
        stored,
        committed={
            **committed,
            "counters": counters,
            "coupons": coupons,
            "effects": result.remaining,
            "total": str(remaining_total),
        },
        cart_items=lines,
        state="partially_returned",
        effects=result.remaining,
        updated=now,
    )
    return Returned(result.rollbacks, value, release, after, share)


def _counters_left(
    committed: Document, by_campaign: dict[int, Decimal]
) -> tuple[list[list[Any]], list[tuple[CounterKey, Decimal]]]:
    """The discount budgets a return gives back (at most what the close took), and what is left."""
    left, released = [], []
    for campaign_id, action, entity_key, period_key, amount in committed["counters"]:
        amount = Decimal(amount)
        if action == "setDiscount" and by_campaign.get(campaign_id):
            back = min(amount, by_campaign[campaign_id])
            released.append(((campaign_id, action, entity_key, period_key), back))
            amount -= back
        left.append([campaign_id, action, entity_key, period_key, str(amount)])
    return left, released


def _coupons_left(
    committed: Document, by_coupon: dict[int, Decimal]
) -> tuple[list[list[Any]], list[tuple[int, Decimal]]]:
    left, released = [], []
    for coupon_id, discount in committed["coupons"]:
        back = min(Decimal(discount), by_coupon.get(coupon_id, Decimal(0)))
        if back:
            released.append((coupon_id, back))
        left.append([coupon_id, str(Decimal(discount) - back)])
    return left, released


__all__ = [
    "Returned",
    "check_returned",
    "committed_credits",
    "reevaluated_campaigns",
    "returned",
    "returned_lines",
    "revalued_discounts",
]

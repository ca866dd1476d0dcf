"""Discounted unit prices at close: the price observations a sale leaves for best prior prices
(docs/offers.md "Best prior price").

A closing session whose units a campaign discounted on their price (``setDiscountPerItem`` with the
scope ``price``, and the pro-rata shares, which are on the price) records, for each such SKU, the lowest
unit price it sold at: the item's price less the discounts on that unit, never below 0. The
observation names the campaigns behind it (``influencingCampaignDetails``, with the discount each gave
that unit) and carries their ids as its context (``contextId``: the ids in order, joined by commas), so
that a ``sale`` window starts where these campaigns started discounting the SKU. A discount flagged
``excludedFromPriceHistory`` does not count. An observation with the price and the context of the
SKU's current one is not recorded again: the history holds price changes, not every sale.

Nothing here reads or writes unless the close has a discount that counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from openpromo.engine.model import Session
from openpromo.services.data.prices import Observation
from openpromo.services.data.records import Document
from openpromo.services.ports import UnitOfWork

PER_ITEM = "setDiscountPerItem"
PRICE_SCOPE = "price"
ZERO = Decimal(0)

Unit = tuple[int, int]


def _unit_discounts(effects: Sequence[Document]) -> dict[Unit, dict[int, Decimal]]:
    """The discounts that count, by unit and then by campaign."""
    found: dict[Unit, dict[int, Decimal]] = {}
    for effect in effects:
        if effect["effectType"] != PER_ITEM or not effect["campaignId"]:
            continue
        props = effect["props"]
        if props.get("excludedFromPriceHistory") or props.get("scope", PRICE_SCOPE) != PRICE_SCOPE:
            continue
        value = Decimal(str(props["value"]))
        if value <= 0:
            continue
        unit = (int(props["position"]), int(props.get("subPosition") or 0))
        by_campaign = found.setdefault(unit, {})
        campaign = int(effect["campaignId"])
        by_campaign[campaign] = by_campaign.get(campaign, ZERO) + value
    return found


def _lowest(
    session: Session, discounts: dict[Unit, dict[int, Decimal]], application_id: int, now: datetime
) -> dict[str, Observation]:
    """Each discounted SKU's lowest unit price, with the campaigns behind it."""
    items = {item.position: item for item in session.cart_items}
    lowest: dict[str, Observation] = {}
    for (position, _sub), by_campaign in sorted(discounts.items()):
        item = items.get(position)
        if item is None:
            continue
        price = max(item.price - sum(by_campaign.values(), ZERO), ZERO)
        known = lowest.get(item.sku)
        if known is not None and known.price <= price:
            continue
        campaigns = sorted(by_campaign)
        lowest[item.sku] = Observation(
            sku=item.sku,
            price=price,
            observed_at=now,
            context_id=",".join(str(c) for c in campaigns),
            price_type="campaign",
            application_id=application_id,
            details={
                "influencingCampaignDetails": [
                    {"campaignId": c, "discountValue": str(by_campaign[c])} for c in campaigns
                ]
            },
        )
    return lowest


def observe_discounted_prices(
    uow: UnitOfWork,
    account_id: int,
    application_id: int,
    session: Session | None,
    effects: Sequence[Document],
    now: datetime,
) -> None:
    """Record the discounted unit prices of a close (module docstring)."""
    if session is None or not any(e["effectType"] == PER_ITEM for e in effects):
        return
    discounts = _unit_discounts(effects)
    if not discounts:
        return
    lowest = _lowest(session, discounts, application_id, now)
    current = uow.prices.current(account_id, sorted(lowest), now)
    changed = [
        o
        for sku, o in sorted(lowest.items())
        if (seen := current.get(sku)) is None or (seen.price, seen.context_id) != (o.price, o.context_id)
    ]
    uow.prices.record(account_id, changed)


__all__ = ["observe_discounted_prices"]

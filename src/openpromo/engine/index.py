"""Which campaigns a session could trigger, without evaluating the others (see ``engine.gates``).

Built once per configuration snapshot. A campaign is a candidate for a session when it has no gates, or
the session meets one of them (a cart item's SKU or category, an audience of the profile, a loyalty
card), or the session names one of its coupons or its referral (their rejections are answered even when
nothing else applies). Campaigns linked to stores are looked up by the session's store first. The
candidates keep the evaluation order, so evaluating them gives exactly what evaluating every campaign
gives.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from openpromo.engine.gates import Gate, Gates
from openpromo.engine.model import Campaign, Session


@dataclass
class _Bucket:
    always: list[int] = field(default_factory=list)
    by_gate: dict[Gate, list[int]] = field(default_factory=dict)

    def add(self, order: int, gates: Gates) -> None:
        if gates is None:
            self.always.append(order)
            return
        for gate in gates:
            self.by_gate.setdefault(gate, []).append(order)

    def find(self, keys: Iterable[Gate], found: set[int]) -> None:
        found.update(self.always)
        for key in keys:
            found.update(self.by_gate.get(key, ()))


class CampaignIndex:
    def __init__(self, campaigns: Sequence[Campaign], gates: Mapping[int, Gates]) -> None:
        self._campaigns = tuple(campaigns)
        self._order = {c.id: i for i, c in enumerate(self._campaigns)}
        self._anywhere = _Bucket()
        self._stores: dict[str, _Bucket] = {}
        for order, campaign in enumerate(self._campaigns):
            campaign_gates = gates.get(campaign.id)
            if campaign.linked_store_ids is None:
                self._anywhere.add(order, campaign_gates)
            else:
                for store in campaign.linked_store_ids:
                    self._stores.setdefault(store, _Bucket()).add(order, campaign_gates)

    @property
    def campaigns(self) -> tuple[Campaign, ...]:
        return self._campaigns

    def candidates(
        self, session: Session, audiences: Iterable[int], named: Iterable[int] = ()
    ) -> list[Campaign]:
        """The campaigns the session could trigger, in evaluation order; ``named``: ids of campaigns
        whose coupons or referral the session carries."""
        keys: set[Gate] = {Gate("audience", a) for a in audiences}
        for item in session.cart_items:
            if item.remaining_quantity > 0:
                keys.add(Gate("sku", item.sku))
                if item.category is not None:
                    keys.add(Gate("category", item.category))
        if session.loyalty_cards:
            keys.add(Gate("card"))
        found: set[int] = {self._order[i] for i in named if i in self._order}
        self._anywhere.find(keys, found)
        store = self._stores.get(session.store_integration_id or "")
        if store is not None:
            store.find(keys, found)
        return [self._campaigns[i] for i in sorted(found)]


__all__ = ["CampaignIndex"]

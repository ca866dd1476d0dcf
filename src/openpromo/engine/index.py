"""Which campaigns a session could trigger, without evaluating the others (see ``engine.gates``).

Built once per configuration snapshot. A campaign is a candidate for a session when it has no gates, or
the session meets one of them (a cart item's SKU or category, an audience of the profile, a loyalty
card), or the session names one of its coupons or its referral (their rejections are answered even when
nothing else applies). Campaigns linked to stores are looked up by the session's store first. The
candidates keep the evaluation order, so evaluating them gives exactly what evaluating every campaign
gives.

An event is evaluated only for the campaigns whose rules read it (the ``Event`` root), indexed apart:
10,000 session campaigns cost an event nothing. Among them, a campaign whose every rule checks
``Event.Type = "literal"`` first is a candidate for events of that type alone.
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


@dataclass
class _Buckets:
    """Campaigns available anywhere, and those linked to stores, by store."""

    anywhere: _Bucket = field(default_factory=_Bucket)
    stores: dict[str, _Bucket] = field(default_factory=dict)

    def add(self, order: int, campaign: Campaign, gates: Gates) -> None:
        if campaign.linked_store_ids is None:
            self.anywhere.add(order, gates)
        else:
            for store in campaign.linked_store_ids:
                self.stores.setdefault(store, _Bucket()).add(order, gates)

    def find(self, keys: set[Gate], store: str | None, found: set[int]) -> None:
        self.anywhere.find(keys, found)
        bucket = self.stores.get(store or "")
        if bucket is not None:
            bucket.find(keys, found)


class CampaignIndex:
    def __init__(
        self,
        campaigns: Sequence[Campaign],
        gates: Mapping[int, Gates],
        events: frozenset[int] = frozenset(),
    ) -> None:
        """``events``: the campaigns whose rules read the ``Event`` root, the only ones an event
        evaluates."""
        self._campaigns = tuple(campaigns)
        self._order = {c.id: i for i, c in enumerate(self._campaigns)}
        self._sessions = _Buckets()
        self._events = _Buckets()
        for order, campaign in enumerate(self._campaigns):
            campaign_gates = gates.get(campaign.id)
            self._sessions.add(order, campaign, campaign_gates)
            if campaign.id in events:
                self._events.add(order, campaign, campaign_gates)

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
        self._sessions.find(keys, session.store_integration_id, found)
        return [self._campaigns[i] for i in sorted(found)]

    def event_candidates(self, event_type: str, session: Session, audiences: Iterable[int]) -> list[Campaign]:
        """The campaigns an event of ``event_type`` could trigger: those whose rules read the event, with
        no gates or a gate the event meets (its type, an audience of the profile, a loyalty card)."""
        keys: set[Gate] = {Gate("event", event_type), *(Gate("audience", a) for a in audiences)}
        if session.loyalty_cards:
            keys.add(Gate("card"))
        found: set[int] = set()
        self._events.find(keys, session.store_integration_id, found)
        return [self._campaigns[i] for i in sorted(found)]


__all__ = ["CampaignIndex"]

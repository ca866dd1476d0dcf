"""The evaluation tree: groups nested in groups, each with a mode that picks what applies (DOMAIN A2).

A group's members are its campaigns (in list order) and then its child groups (in creation order).
``stackable`` applies every member in turn. ``listOrder``, ``lowestDiscount`` and ``highestDiscount``
evaluate every member in isolation and apply one: the first that triggers, or the one whose discounts
sum lowest or highest (ties: list order); a child group counts as one member, with what its own mode
chose. With ``evaluationScope: cartItem`` the mode picks a campaign per cart unit among the campaigns
that discount it (campaigns without per-unit effects, and child groups, compete for the session as a
whole); the winners then run again in list order, each limited to the units it won, so budgets and
cascading stay exact. A member that does not win answers only the rejection of its coupons.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from openpromo.engine.effects import Effect
from openpromo.engine.model import Campaign, Coupon, EvaluationGroup
from openpromo.engine.run import CampaignRun
from openpromo.engine.state import State, campaign_runs, losing_effects

ZERO = Decimal(0)
Unit = tuple[int, int]


@dataclass
class Node:
    group: EvaluationGroup
    campaigns: list[Campaign] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)

    @property
    def members(self) -> list[Campaign | Node]:
        return [*self.campaigns, *self.children]


def evaluation_tree(groups: Mapping[int, EvaluationGroup], running: Sequence[Campaign]) -> list[Node]:
    """The roots of the tree of the running campaigns' groups (campaigns keep their order)."""
    nodes = {gid: Node(group) for gid, group in groups.items()}
    for campaign in running:
        nodes.setdefault(campaign.group.id, Node(campaign.group)).campaigns.append(campaign)
    ordered = sorted(nodes.values(), key=lambda n: (n.group.position, n.group.id))
    roots: list[Node] = []
    for node in ordered:
        parent = nodes.get(node.group.parent_id) if node.group.parent_id is not None else None
        if parent is None or parent is node or _descends(parent, node, nodes):
            roots.append(node)
        else:
            parent.children.append(node)
    return roots


def _descends(node: Node, ancestor: Node, nodes: Mapping[int, Node]) -> bool:
    """Whether ``ancestor`` is above ``node`` already (a cycle in the stored parents)."""
    seen = set()
    current: Node | None = node
    while current is not None and current.group.id not in seen:
        if current is ancestor:
            return True
        seen.add(current.group.id)
        parent_id = current.group.parent_id
        current = nodes.get(parent_id) if parent_id is not None else None
    return False


@dataclass
class _Candidate:
    """A member of a choosing group, evaluated in isolation: a campaign's runs or a child group's fork."""

    member: Campaign | Node
    runs: list[CampaignRun] = field(default_factory=list)
    fork: State | None = None

    @property
    def effects(self) -> list[Effect]:
        if self.fork is not None:
            return self.fork.effects
        return [e for r in self.runs for e in r.effects]

    @property
    def triggered(self) -> bool:
        return bool(self.fork.triggered) if self.fork is not None else any(r.triggered for r in self.runs)

    @property
    def discount(self) -> Decimal:
        return sum((e.amount for e in self.effects), ZERO)

    def apply(self, state: State) -> None:
        if self.fork is not None:
            state.adopt(self.fork)
        for run in self.runs:
            state.accept(run)

    def lose(self, state: State, *, excluded: bool, mode: str) -> None:
        if self.fork is not None:
            state.effects.extend(losing_effects(self.fork.effects, excluded=excluded, mode=mode))
            state.failures.extend(self.fork.failures)
        for run in self.runs:
            state.effects.extend(losing_effects(run.effects, excluded=excluded and run.triggered, mode=mode))
            state.failures.extend(run.failures)


def evaluate_group(state: State, node: Node, by_campaign: dict[int, list[Coupon]]) -> None:
    mode = node.group.mode
    if mode == "stackable":
        for member in node.members:
            if isinstance(member, Node):
                evaluate_group(state, member, by_campaign)
            else:
                campaign_runs(state, member, by_campaign)
        return
    candidates = [_isolated(state, member, by_campaign) for member in node.members]
    if node.group.scope == "cartItem":
        _per_unit_winners(state, candidates, by_campaign, mode)
        return
    triggered = [c for c in candidates if c.triggered]
    winner = triggered[_pick(mode, [c.discount for c in triggered])] if triggered else None
    for candidate in candidates:
        if candidate is winner:
            candidate.apply(state)
        else:
            candidate.lose(state, excluded=winner is not None, mode=mode)


def _isolated(state: State, member: Campaign | Node, by_campaign: dict[int, list[Coupon]]) -> _Candidate:
    if isinstance(member, Node):
        fork = state.fork()
        evaluate_group(fork, member, by_campaign)
        return _Candidate(member, fork=fork)
    return _Candidate(member, runs=campaign_runs(state, member, by_campaign, isolated=True))


def _per_unit_winners(
    state: State, candidates: list[_Candidate], by_campaign: dict[int, list[Coupon]], mode: str
) -> None:
    offers: dict[Unit, dict[int, Decimal]] = {}
    whole: list[int] = []
    for index, candidate in enumerate(candidates):
        if not candidate.triggered:
            continue
        units = [e for e in candidate.effects if e.unit is not None] if candidate.fork is None else []
        if not units:
            whole.append(index)
        for effect in units:
            assert effect.unit is not None
            by_index = offers.setdefault(effect.unit, {})
            by_index[index] = by_index.get(index, ZERO) + effect.amount
    won: dict[int, set[Unit]] = {}
    for unit, by_index in offers.items():
        indexes = sorted(by_index)
        won.setdefault(indexes[_pick(mode, [by_index[i] for i in indexes])], set()).add(unit)
    if whole:
        won.setdefault(whole[_pick(mode, [candidates[i].discount for i in whole])], set())
    for index, candidate in enumerate(candidates):
        member = candidate.member
        if index not in won:
            candidate.lose(state, excluded=bool(won), mode=mode)
        elif isinstance(member, Node):
            evaluate_group(state, member, by_campaign)
        else:
            campaign_runs(state, member, by_campaign, allowed_units=frozenset(won[index]))


def _pick(mode: str, totals: list[Decimal]) -> int:
    """Which of the triggered candidates a mode keeps (ties: the first in list order)."""
    if mode == "listOrder":
        return 0
    return totals.index(min(totals) if mode == "lowestDiscount" else max(totals))


__all__ = ["Node", "evaluate_group", "evaluation_tree"]

"""Hypothesis: the typed rule analysis and the campaign index it feeds.

1. For generated rulesets in the vocabulary the JSON-walking analysis understood (integer literals, no
   name shadowing a root or another binding), ``compile_campaign`` computes exactly what it computed
   (gates, rule infos, reads_loyalty; ``tests/property/json_analysis.py`` is that code), and the
   functions and roots the typed analysis finds are the ones the JSON walk found.
2. For generated campaigns (any literals, shadowing included) and sessions, evaluating only the
   campaigns the index picks gives exactly what evaluating every campaign gives: the gates are sound.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openpromo import rules
from openpromo.engine.evaluate import Inputs, evaluate
from openpromo.engine.gates import Gates
from openpromo.engine.index import CampaignIndex
from openpromo.engine.model import (
    Campaign,
    CartItem,
    Coupon,
    EvaluationGroup,
    Profile,
    Referral,
    Session,
    Settings,
)
from openpromo.services.snapshots.rulesets import compile_campaign
from tests.property import json_analysis

CART = [".", "Session", "CartItems"]
SKUS = ["A", "B", "C"]
CATEGORIES = ["shoes", "hats"]
AUDIENCES = [1, 2, 3]
ROOTS = ["Session", "Profile", "Loyalty", "Coupon", "Referral", "Campaign", "Store"]
"""Roots no lambda parameter is named after (the JSON walk took a parameter ``Item`` for the root)."""
NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
SETTINGS = Settings(1, "EUR", 2, "UTC", False, True, "sessionTotal", "price", {})
EXAMPLES = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


class Vocabulary:
    """The pieces rulesets are drawn from. ``exact``: only what the JSON walk understood the same
    way (integer literals; bindings named apart from roots and each other)."""

    def __init__(self, exact: bool, bindings: list[str]) -> None:
        self.exact, self.bindings = exact, bindings
        numbers = [-1, 0, 1, 2, 10, 30]
        self.numbers = st.sampled_from(numbers if exact else [*numbers, Decimal("0.5"), Decimal("1.0")])
        bounds = [-1, 0, 0, 1, 10]
        self.bounds = st.sampled_from(bounds if exact else [*bounds, Decimal("0.0"), Decimal("0.5")])
        """Bounds of counts and sums: around where a comparison stops needing an item."""
        audience = st.sampled_from(AUDIENCES)
        self.audience = audience if exact else audience | st.sampled_from([Decimal("2.0")])

    def item(self, param: str) -> st.SearchStrategy[Any]:
        """An item test on lambda parameter ``param``."""
        gates = st.one_of(
            st.builds(lambda s: ["=", [".", param, "Sku"], s], st.sampled_from(SKUS)),
            st.builds(lambda s: ["=", s, [".", param, "Sku"]], st.sampled_from(SKUS)),
            st.builds(
                lambda c: ["catch", False, ["=", [".", param, "Category"], c]], st.sampled_from(CATEGORIES)
            ),
        )
        others = st.one_of(
            st.builds(lambda c: ["=", [".", param, "Category"], c], st.sampled_from(CATEGORIES)),
            st.builds(lambda n: [">", [".", param, "Price"], n], self.numbers),
            st.just(["=", [".", param, "Sku"], 12]),
            st.just([".", param, "Attributes", "x"]),
            st.just(True),
        )
        atoms = _either(gates, gates, others)
        return st.recursive(
            atoms,
            lambda inner: st.one_of(
                st.builds(lambda t: ["catch", False, t], inner),
                st.builds(lambda ts: ["and", *ts], st.lists(inner, min_size=1, max_size=2)),
                st.builds(lambda ts: ["or", *ts], st.lists(inner, min_size=1, max_size=2)),
            ),
            max_leaves=4,
        )

    def block(self) -> st.SearchStrategy[Any]:
        params = st.sampled_from(["Item", "x"] if self.exact else ["Item", "x", "Session", *self.bindings])
        return params.flatmap(lambda p: self.item(p).map(lambda body: [[p], body]))

    def lists(self, bindings: list[str]) -> st.SearchStrategy[Any]:
        """A list expression: the cart, a filter of it, or a binding."""
        options = [st.just(CART), st.builds(lambda b: ["filter", CART, b], self.block())]
        if bindings:
            options.append(st.sampled_from(bindings).map(lambda name: [".", name]))
        return _either(*options)

    def gated(self, bindings: list[str]) -> st.SearchStrategy[Any]:
        """Conditions that may be gates."""
        lists = self.lists(bindings)
        price = [["Item"], [".", "Item", "Price"]]
        return st.one_of(
            st.sampled_from(
                [["couponValid"], ["couponValidNoRedeem"], ["referralValid"], ["loyaltyCardValid"]]
            ),
            st.builds(lambda a: ["inAudience", a], self.audience),
            st.builds(lambda ls, b: ["exists", ls, b], lists, self.block()),
            st.builds(
                lambda op, ls, n: [op, ["count", ls], n], st.sampled_from([">", ">="]), lists, self.bounds
            ),
            st.builds(lambda ls, n: ["<", n, ["count", ls]], lists, self.bounds),
            st.builds(
                lambda op, ls, n: [op, ["sum", ls, price], n],
                st.sampled_from([">", ">="]),
                lists,
                self.bounds,
            ),
            st.builds(lambda ls: ["not", ["isEmpty", ls]], lists),
        )

    def plain(self, bindings: list[str]) -> st.SearchStrategy[Any]:
        """Conditions that are not gates (some cannot fail, some may)."""
        total = [".", "Session", "Total"]
        reads = [[".", name] for name in bindings]
        return st.one_of(
            st.sampled_from([True, False, 1, 0, "x", None]),
            st.builds(lambda op, n: [op, total, n], st.sampled_from([">", "<", "=", "!="]), self.numbers),
            st.builds(lambda n: ["<=", n, [".", "Profile", "ClosedSessions"]], self.numbers),
            st.just([".", "Session", "Attributes", "vip"]),
            st.just([">", [".", "Session", "Attributes", "n"], 1]),
            st.just(["=", [".", "Profile", "Attributes", "tier"], "gold"]),
            st.just(["not", ["couponValid"]]),
            st.just(["or", ["referralValid"], ["inAudience", 2]]),
            *([st.sampled_from(reads)] if reads else []),
        )

    def condition(self, bindings: list[str]) -> st.SearchStrategy[Any]:
        atom = _either(self.gated(bindings), self.plain(bindings))
        conjunction = st.builds(lambda parts: ["and", *parts], st.lists(atom, min_size=1, max_size=3))
        return _either(atom, conjunction, conjunction)

    def binding(self, name: str, earlier: list[str]) -> st.SearchStrategy[dict[str, Any]]:
        expression = st.one_of(
            self.lists(earlier),
            st.sampled_from([["couponValid"], ["referralValid"], ["loyaltyCardValid"], 1]),
            st.just([".", "Loyalty"]) if self.exact else st.just([".", "Session", "Total"]),
        )
        return expression.map(lambda e: {"name": name, "expression": e})

    def effects(self, bindings: list[str]) -> st.SearchStrategy[list[Any]]:
        per_item = [["Item"], ["*", [".", "Item", "Price"], Decimal("0.1")]]
        effect = st.one_of(
            st.builds(lambda n: ["setDiscount", "d", n], st.integers(0, 30)),
            st.builds(lambda ls: ["setDiscountPerItem", "p", ls, per_item], self.lists(bindings)),
            st.just(["setDiscount", "missing", [".", "Session", "Attributes", "missing"]]),
            st.just(["setDiscount", "points", [".", "Loyalty", "1", "ActivePoints"]]),
            st.just(["if", ["loyaltyCardValid"], ["setDiscount", "card", 1], ["noop"]]),
        )
        return st.lists(effect, max_size=2)


def _either(*options: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """One of the options, each as likely (``one_of`` would weigh each by its own branches)."""
    return st.sampled_from(options).flatmap(lambda option: option)


@st.composite
def rulesets(draw: st.DrawFn, exact: bool) -> dict[str, Any]:
    """A ruleset row: ruleset-level bindings b0.., rules with bindings r<i>_0.. (or shadowing names)."""
    outer_names = [f"b{i}" for i in range(draw(st.integers(0, 2)))]
    if not exact and outer_names and draw(st.booleans()):
        outer_names[-1] = draw(st.sampled_from(["Session", "Item", "Loyalty"]))
    vocabulary = Vocabulary(exact, outer_names)
    bindings = [draw(vocabulary.binding(name, outer_names[:i])) for i, name in enumerate(outer_names)]
    drawn = []
    for index in range(draw(st.integers(1, 2))):
        names = list(outer_names)
        rule_bindings = []
        for j in range(draw(st.integers(0, 1))):
            name = f"r{index}_{j}" if exact or not outer_names else draw(st.sampled_from(outer_names))
            rule_bindings.append(draw(vocabulary.binding(name, names)))
            names.append(name)
        rule: dict[str, Any] = {
            "title": f"rule {index}",
            "condition": draw(vocabulary.condition(names)),
            "effects": draw(vocabulary.effects(names)),
        }
        if rule_bindings:
            rule["bindings"] = rule_bindings
        drawn.append(rule)
    return {"rules": drawn, "bindings": bindings}


def _json_calls(row: dict[str, Any]) -> set[str]:
    return json_analysis.calls([row["rules"], row["bindings"]])


@EXAMPLES
@given(rulesets(exact=True))
def test_the_typed_analysis_finds_what_the_json_walk_found(row: dict[str, Any]) -> None:
    compiled = compile_campaign(row)
    infos, gates, reads_loyalty = json_analysis.facts(row)
    assert (compiled.rules, compiled.gates, compiled.reads_loyalty) == (infos, gates, reads_loyalty)
    analysis = rules.compile_ruleset(row).analysis
    # the JSON walk also counted lambda parameter lists ([["Item"], ...]) as calls of "item" and "x"
    found, walked = analysis.calls(), _json_calls(row)
    assert found <= walked
    assert walked - found <= {"item", "x"}
    for root in ROOTS:
        assert analysis.reads_root(root) == json_analysis._reads_root([row["rules"], row["bindings"]], root)


# -- the index is sound ---------------------------------------------------------------------------


@st.composite
def carts(draw: st.DrawFn) -> tuple[CartItem, ...]:
    items = []
    for position in range(draw(st.integers(0, 3))):
        quantity = draw(st.integers(1, 2))
        items.append(
            CartItem(
                sku=draw(st.sampled_from([*SKUS, "Z"])),
                quantity=quantity,
                position=position,
                price=Decimal(draw(st.integers(1, 40))),
                category=draw(st.sampled_from([*CATEGORIES, "other", None])),
                attributes=draw(st.sampled_from([{}, {"x": True}])),
                returned_quantity=draw(st.integers(0, quantity)),
            )
        )
    return tuple(items)


def _campaign(campaign_id: int, row: dict[str, Any], mode: str) -> tuple[Campaign, Gates]:
    compiled = compile_campaign(row)
    campaign = Campaign(
        id=campaign_id,
        name=f"campaign {campaign_id}",
        ruleset_id=campaign_id,
        ruleset=compiled.ruleset,
        rules=compiled.rules,
        state="enabled",
        start_time=None,
        end_time=None,
        features=frozenset(),
        limits=(),
        group=EvaluationGroup(1, mode, 0),
        position=campaign_id,
        attributes={},
        linked_store_ids=None,
        reads_loyalty=compiled.reads_loyalty,
    )
    return campaign, compiled.gates


def _coupon(campaign_id: int) -> Coupon:
    return Coupon(
        id=campaign_id,
        campaign_id=campaign_id,
        value=f"C{campaign_id}",
        usage_limit=0,
        usage_counter=0,
        discount_limit=None,
        discount_counter=Decimal(0),
        start_date=None,
        expiry_date=None,
        recipient_integration_id=None,
        is_reservation_mandatory=False,
        reserved_by_profile=False,
        attributes={},
    )


def _referral(campaign_id: int) -> Referral:
    return Referral(
        id=campaign_id,
        campaign_id=campaign_id,
        code="REF",
        usage_limit=0,
        usage_counter=0,
        start_date=None,
        expiry_date=None,
        advocate_integration_id="bob",
        friend_integration_id=None,
        attributes={},
    )


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[Inputs, CampaignIndex, set[int]]:
    """Campaigns, a session and its profile; their index; the campaigns whose codes the session names."""
    mode = draw(st.sampled_from(["stackable", "stackable", "listOrder", "highestDiscount"]))
    rows = draw(st.lists(rulesets(exact=False) | rulesets(exact=True), min_size=1, max_size=4))
    compiled = [_campaign(i, row, mode) for i, row in enumerate(rows, start=1)]
    campaigns = [campaign for campaign, _ in compiled]
    index = CampaignIndex(campaigns, {campaign.id: gates for campaign, gates in compiled})
    ids = [c.id for c in campaigns]
    coupon_ids = draw(st.lists(st.sampled_from(ids), max_size=2, unique=True))
    codes = tuple(f"C{i}" for i in coupon_ids) + tuple(draw(st.sampled_from([(), ("UNKNOWN",)])))
    referral = _referral(draw(st.sampled_from(ids))) if draw(st.booleans()) else None
    cards = draw(st.sampled_from([(), ("card-1",)]))
    session = Session(
        id=1,
        integration_id="s",
        profile_id="alice",
        state="open",
        store_integration_id=None,
        coupon_codes=codes,
        referral_code="REF" if referral is not None else None,
        loyalty_cards=cards,
        identifiers=(),
        attributes=draw(st.sampled_from([{}, {"vip": True, "n": Decimal(3)}])),
        cart_items=draw(carts()),
        additional_costs={},
    )
    audiences = frozenset(draw(st.lists(st.sampled_from(AUDIENCES), max_size=2)))
    profile = Profile(1, "alice", {}, draw(st.integers(0, 2)), Decimal(0), audiences)
    inputs = Inputs(
        settings=SETTINGS,
        session=session,
        profile=profile,
        campaigns=campaigns,
        coupons={f"C{i}": _coupon(i) for i in coupon_ids},
        referral=referral,
        counters={},
        now=NOW,
        new_id=lambda: "",
        loyalty={"1": {"ActivePoints": Decimal(5)}} if draw(st.booleans()) else {},
        loyalty_card_valid=bool(cards) and draw(st.booleans()),
        groups={1: EvaluationGroup(1, mode, 0)},
    )
    named = set(coupon_ids) | ({referral.campaign_id} if referral is not None else set())
    return inputs, index, named


@EXAMPLES
@given(scenarios())
def test_evaluating_the_candidates_gives_what_evaluating_every_campaign_gives(
    scenario: tuple[Inputs, CampaignIndex, set[int]],
) -> None:
    inputs, index, named = scenario
    assert inputs.profile is not None
    candidates = index.candidates(inputs.session, inputs.profile.audiences, named)
    everything = evaluate(_with_ids(inputs, inputs.campaigns))
    assert evaluate(_with_ids(inputs, candidates)) == everything


def _with_ids(inputs: Inputs, campaigns: Sequence[Campaign]) -> Inputs:
    """The inputs with these campaigns and a fresh id counter (both runs number their ids alike)."""
    counter = itertools.count()
    return replace(inputs, campaigns=list(campaigns), new_id=lambda: f"id-{next(counter)}")

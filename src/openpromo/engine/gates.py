"""Gates: what must hold in a session for a campaign's rules to fire, or even to fail.

A session only needs the campaigns that could apply to it. A rule whose condition has a check like
"the session has a valid coupon of this campaign" or "some cart item has category X" does nothing at
all (no effect, no failure) for a session without one: that condition is false, and Talang's ``and``
stops there. It counts when the conditions before it cannot fail either (bindings are evaluated when
first read, so none runs before its condition): literals, the conditions below, and comparisons of
numbers with the session's and profile's totals (``Session.Total``, ``Profile.ClosedSessions``, ...). A
campaign whose every rule has such a gate can be skipped for sessions that meet none of its gates;
``engine.index`` finds the campaigns whose gates a session meets.

Only checks that cannot fail on any session are gates: ``couponValid``, ``couponValidNoRedeem``,
``referralValid``, ``loyaltyCardValid``, ``inAudience`` with a literal id, and "some cart item matches",
written as ``exists`` over the cart, or a count or sum over a cart-item filter compared with a literal
(``> 0``, ``>= 1``, ``> t`` for a sum with ``t >= 0``), where the item test is ``Item.Sku = literal``, or
``Item.Category = literal`` inside ``catch`` (an item may have no category), or ``and``/``or`` of those.

The analysis runs over the ruleset's checked trees (``rules.RulesetAnalysis``): names are resolved, so
a read of a binding is followed to the binding's expression by its slot, and a lambda's parameter is
told from a binding or a root of the same name. Each kind of check is one entry of a table keyed by
the function's name (``_CONDITIONS``, ``_SAFE``); anything without an entry proves nothing, which
leaves the campaign a candidate for every session.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from openpromo import rules

_CART = ("Session", "CartItems")
_FIELDS = {"Sku": "sku", "Category": "category"}
_NUMBERS = {
    ("Session", "Total"),
    ("Session", "CartItemTotal"),
    ("Session", "AdditionalCostTotal"),
    ("Session", "DiscountedTotal"),
    ("Session", "DiscountedCartItemTotal"),
    ("Profile", "ClosedSessions"),
    ("Profile", "TotalSales"),
}
"""Paths that always hold a number in a session's evaluation."""
_MAX_DEPTH = 8
"""How many bindings the analysis follows from one list."""


@dataclass(frozen=True, slots=True)
class Gate:
    """One thing a session can have: ``coupon``/``referral`` (of the campaign), ``card``, ``audience``
    (an id), ``sku`` or ``category`` (a cart item's); or an ``event`` of a type (events only)."""

    kind: str
    value: str | int | None = None


Gates = frozenset[Gate] | None
"""A campaign's gates (it may apply only when the session meets one); None: it may apply to any session."""
Found = set[Gate] | None
"""What one check proves: the session meets one of these gates, or (None) nothing."""


def campaign_gates(ruleset: rules.CompiledRuleset) -> Gates:
    """The gates of a ruleset: the union of its rules' gates, or None when a rule has none."""
    analysis = _Analysis(ruleset.analysis)
    found: set[Gate] = set()
    for rule in ruleset.analysis.rules:
        gates = analysis.condition(rule.condition)
        if gates is None:
            return None
        found |= gates
    return frozenset(found)


class _Analysis:
    """The gate analysis of one ruleset's trees."""

    def __init__(self, trees: rules.RulesetAnalysis) -> None:
        self.trees = trees

    def condition(self, node: rules.Checked) -> Found:
        """Gates one of which a session meets whenever the condition is true or fails."""
        check = _CONDITIONS.get(_name(node) or "")
        return check(self, node) if check is not None and isinstance(node, rules.Apply) else None

    def cannot_fail(self, node: rules.Checked) -> bool:
        """Conditions that evaluate without a runtime error on any session (``and`` goes past them)."""
        if isinstance(node, rules.Const):
            return isinstance(node.value, bool) or _number(node) is not None
        safe = _SAFE.get(_name(node) or "")
        return safe is not None and isinstance(node, rules.Apply) and safe(self, node)

    def nonempty(self, node: rules.Checked, test: rules.Checked | None = None, depth: int = 0) -> Found:
        """Gates for "this list is not empty" (and, with ``test``, "some item passes it"): the list must
        be the cart, a filter of it, or a binding holding one."""
        if depth > _MAX_DEPTH:
            return None
        if _is_cart(node):
            return _lambda_gates(test) if test is not None else None
        if isinstance(node, rules.ReadSlot) and not node.segments:
            binding = self.trees.binding(node.slot)
            return None if binding is None else self.nonempty(binding.expression, test, depth + 1)
        if _name(node) == "filter" and isinstance(node, rules.Apply) and _is_cart(node.args[0]):
            return _lambda_gates(node.args[1])
        return None


# -- conditions -----------------------------------------------------------------------------------


def _and(analysis: _Analysis, node: rules.Apply) -> Found:
    for arg in node.args:
        gates = analysis.condition(arg)
        if gates is not None:
            return gates
        if not analysis.cannot_fail(arg):
            return None
    return None


def _gate(gate: Gate) -> Callable[[_Analysis, rules.Apply], Found]:
    return lambda _analysis, _node: {gate}


def _in_audience(_analysis: _Analysis, node: rules.Apply) -> Found:
    audience = _audience(node)
    return None if audience is None else {Gate("audience", audience)}


def _exists(analysis: _Analysis, node: rules.Apply) -> Found:
    return analysis.nonempty(node.args[0], node.args[1])


def _not(analysis: _Analysis, node: rules.Apply) -> Found:
    inner = node.args[0]
    if _name(inner) == "isempty" and isinstance(inner, rules.Apply) and len(inner.args) == 1:
        return analysis.nonempty(inner.args[0])
    return None


def _comparison(analysis: _Analysis, node: rules.Apply) -> Found:
    """``count(L) > 0``, ``count(L) >= 1``, ``sum(L, f) > t`` (t >= 0), ``sum(L, f) >= t`` (t > 0),
    and the same written the other way round (``0 < count(L)``)."""
    if len(node.args) != 2:
        return None
    op, (left, right) = node.builtin.name, node.args
    if op in ("<", "<="):
        op, left, right = (">" if op == "<" else ">="), right, left
    bound = _number(right)
    if not isinstance(left, rules.Apply) or bound is None:
        return None
    needs_item = bound >= 0 if op == ">" else bound > 0
    arity = {"count": 1, "sum": 2}.get(_name(left) or "")
    if needs_item and arity == len(left.args):
        return analysis.nonempty(left.args[0])
    return None


def _event_type(_analysis: _Analysis, node: rules.Apply) -> Found:
    """``Event.Type = "literal"`` (either way round): only an event of that type meets it; a session,
    which has no event, never does."""
    if len(node.args) != 2:
        return None
    for path, value in (node.args, node.args[::-1]):
        text = _text(value)
        if _root_path(path) == ("Event", "Type") and text is not None:
            return {Gate("event", text)}
    return None


_CONDITIONS: dict[str, Callable[[_Analysis, rules.Apply], Found]] = {
    "and": _and,
    "=": _event_type,
    "couponvalid": _gate(Gate("coupon")),
    "couponvalidnoredeem": _gate(Gate("coupon")),
    "referralvalid": _gate(Gate("referral")),
    "loyaltycardvalid": _gate(Gate("card")),
    "inaudience": _in_audience,
    "exists": _exists,
    "not": _not,
    ">": _comparison,
    ">=": _comparison,
    "<": _comparison,
    "<=": _comparison,
}
"""What a condition calling each function proves (by lower-cased name)."""


# -- conditions that cannot fail ------------------------------------------------------------------


def _always(_analysis: _Analysis, _node: rules.Apply) -> bool:
    return True


def _all_safe(analysis: _Analysis, node: rules.Apply) -> bool:
    return bool(node.args) and all(analysis.cannot_fail(a) for a in node.args)


def _numbers(_analysis: _Analysis, node: rules.Apply) -> bool:
    return len(node.args) >= 2 and all(_number(a) is not None or _number_path(a) for a in node.args)


_SAFE: dict[str, Callable[[_Analysis, rules.Apply], bool]] = {
    "couponvalid": _always,
    "couponvalidnoredeem": _always,
    "referralvalid": _always,
    "loyaltycardvalid": _always,
    "inaudience": lambda _analysis, node: _audience(node) is not None,
    "and": _all_safe,
    "or": _all_safe,
    "not": _all_safe,
    **dict.fromkeys((">", ">=", "<", "<=", "=", "!="), _numbers),
}
"""Calls that cannot fail on any session, when ``_SAFE[name]`` says so of their arguments."""


# -- cart items -----------------------------------------------------------------------------------


def _lambda_gates(block: rules.Checked) -> Found:
    if isinstance(block, rules.Block):
        return _item_gates(block.body, block.slot, caught=False)
    return None


def _item_gates(test: rules.Checked, item: int, *, caught: bool) -> Found:
    """Gates of an item test that never fails on an item (``item``: the slot of the lambda's parameter;
    ``caught``: inside ``catch`` with fallback ``false``)."""
    if not isinstance(test, rules.Apply):
        return None
    name, args = _name(test), test.args
    if name == "catch" and len(args) == 2 and isinstance(args[0], rules.Const) and args[0].value is False:
        return _item_gates(args[1], item, caught=True)
    if name == "and" and args:
        return _item_gates(args[0], item, caught=caught)
    if name == "or" and args:
        found: set[Gate] = set()
        for arg in args:
            gates = _item_gates(arg, item, caught=caught)
            if gates is None:
                return None
            found |= gates
        return found
    if name == "=" and len(args) == 2:
        for field, literal in ((args[0], args[1]), (args[1], args[0])):
            attribute = _item_field(field, item)
            safe = attribute == "sku" or (attribute == "category" and caught)
            text = _text(literal)
            if attribute is not None and safe and text is not None:
                return {Gate(attribute, text)}
    return None


def _item_field(node: rules.Checked, item: int) -> str | None:
    """``sku``/``category`` for ``[".", Item, "Sku"|"Category"]`` where ``Item`` is the parameter."""
    if not isinstance(node, rules.ReadSlot) or node.slot != item or len(node.segments) != 1:
        return None
    field = node.segments[0]
    return _FIELDS.get(field) if isinstance(field, str) else None


# -- helpers --------------------------------------------------------------------------------------


def _name(node: rules.Checked) -> str | None:
    return rules.function_of(node)


def _root_path(node: rules.Checked) -> tuple[str, ...] | None:
    """``(root, key...)`` of a read from a root by literal names; None for anything else."""
    if isinstance(node, rules.ReadRoot) and all(isinstance(s, str) for s in node.segments):
        return (node.root, *(str(s) for s in node.segments))
    return None


def _is_cart(node: rules.Checked) -> bool:
    """``[".", "Session", "CartItems"]`` read from the root (path keys are case-sensitive)."""
    return _root_path(node) == _CART


def _number_path(node: rules.Checked) -> bool:
    return _root_path(node) in _NUMBERS


def _number(node: rules.Checked) -> Decimal | None:
    """A number literal's value (JSON numbers are ``Decimal`` literals, whether written 5 or 5.0)."""
    if isinstance(node, rules.Const) and isinstance(node.value, Decimal):
        return node.value
    return None


def _text(node: rules.Checked) -> str | None:
    if isinstance(node, rules.Const) and isinstance(node.value, str):
        return node.value
    return None


def _audience(node: rules.Apply) -> int | None:
    """The audience id of ``inAudience`` when it is a literal (checked to be a whole number)."""
    literal = _number(node.args[0]) if len(node.args) == 1 else None
    return None if literal is None else int(literal)


__all__ = ["Gate", "Gates", "campaign_gates"]

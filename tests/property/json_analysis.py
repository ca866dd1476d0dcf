"""The rule analysis as it was before it moved to the typed AST (commit 2fc8ab9): walks of the raw
ruleset JSON. Kept as the oracle the property tests compare the typed analysis with; not used by
the application.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from openpromo.engine.gates import Gate, Gates
from openpromo.engine.model import RuleInfo

_COUPON_CHECKS = frozenset({"couponvalid", "couponvalidnoredeem"})
_REFERRAL_CHECKS = frozenset({"referralvalid"})
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


def campaign_gates(rules: Sequence[Any], bindings: Sequence[Any]) -> Gates:
    """The gates of a ruleset: the union of its rules' gates, or None when a rule has none."""
    outer = _bindings(bindings, {})
    found: set[Gate] = set()
    for rule in rules:
        if not isinstance(rule, Mapping):
            return None
        scope = _bindings(rule.get("bindings") or (), outer)
        gates = _condition_gates(rule.get("condition"), scope)
        if gates is None:
            return None
        found |= gates
    return frozenset(found)


def _bindings(raw: Any, outer: Mapping[str, Any]) -> dict[str, Any]:
    scope = dict(outer)
    if isinstance(raw, Sequence) and not isinstance(raw, str):
        for binding in raw:
            if isinstance(binding, Mapping) and isinstance(binding.get("name"), str):
                scope[binding["name"]] = binding.get("expression")
    return scope


def _call(expr: Any) -> tuple[str, list[Any]] | None:
    if isinstance(expr, list) and expr and isinstance(expr[0], str):
        return expr[0].lower(), expr[1:]
    return None


def _condition_gates(condition: Any, scope: Mapping[str, Any]) -> set[Gate] | None:
    call = _call(condition)
    if call is None:
        return None
    name, args = call
    if name == "and":
        for arg in args:
            gates = _condition_gates(arg, scope)
            if gates is not None:
                return gates
            if not _cannot_fail(arg):
                return None
        return None
    if name in ("couponvalid", "couponvalidnoredeem") and not args:
        return {Gate("coupon")}
    if name == "referralvalid" and not args:
        return {Gate("referral")}
    if name == "loyaltycardvalid" and not args:
        return {Gate("card")}
    if name == "inaudience" and len(args) == 1 and _is_int(args[0]):
        return {Gate("audience", int(args[0]))}
    if name == "exists" and len(args) == 2:
        return _list_gates(args[0], scope, args[1])
    if name == "not" and len(args) == 1:
        inner = _call(args[0])
        if inner is not None and inner[0] == "isempty" and len(inner[1]) == 1:
            return _list_gates(inner[1][0], scope)
        return None
    if name in (">", ">=", "<", "<=") and len(args) == 2:
        return _comparison_gates(name, args, scope)
    return None


def _cannot_fail(expr: Any) -> bool:
    """Conditions that evaluate without a runtime error on any session (so ``and`` goes past them)."""
    if isinstance(expr, bool) or _number(expr) is not None:
        return True
    call = _call(expr)
    if call is None:
        return False
    name, args = call
    if name in ("couponvalid", "couponvalidnoredeem", "referralvalid", "loyaltycardvalid") and not args:
        return True
    if name == "inaudience":
        return len(args) == 1 and _is_int(args[0])
    if name in ("and", "or", "not"):
        return bool(args) and all(_cannot_fail(a) for a in args) and (name != "not" or len(args) == 1)
    if name in (">", ">=", "<", "<=", "=", "!="):
        return len(args) >= 2 and all(_number(a) is not None or _number_path(a) for a in args)
    return False


def _number_path(expr: Any) -> bool:
    call = _call(expr)
    return call is not None and call[0] == "." and tuple(call[1]) in _NUMBERS


def _comparison_gates(op: str, args: list[Any], scope: Mapping[str, Any]) -> set[Gate] | None:
    """``count(L) > 0``, ``count(L) >= 1``, ``sum(L, f) > t`` (t >= 0), ``sum(L, f) >= t`` (t > 0),
    and the same written the other way round (``0 < count(L)``)."""
    if op in ("<", "<="):
        op, args = (">" if op == "<" else ">="), [args[1], args[0]]
    aggregate, bound = _call(args[0]), _number(args[1])
    if aggregate is None or bound is None:
        return None
    name, inner = aggregate
    needs_item = bound >= 0 if op == ">" else bound > 0
    if name == "count" and len(inner) == 1 and needs_item:
        return _list_gates(inner[0], scope)
    if name == "sum" and len(inner) == 2 and needs_item:
        return _list_gates(inner[0], scope)
    return None


def _list_gates(expr: Any, scope: Mapping[str, Any], test: Any = None, depth: int = 0) -> set[Gate] | None:
    """Gates for "this list is not empty" (and, with ``test``, "some item passes it"): the list must be
    the cart, a filter of it, or a binding holding one."""
    if depth > 8:
        return None
    if _is_cart(expr):
        return _lambda_gates(test) if test is not None else None
    call = _call(expr)
    if call is None:
        return None
    name, args = call
    if name == "." and len(args) == 1 and isinstance(args[0], str) and args[0] in scope:
        return _list_gates(scope[args[0]], _without(scope, args[0]), test, depth + 1)
    if name == "filter" and len(args) == 2 and _is_cart(args[0]):
        return _lambda_gates(args[1])
    return None


def _without(scope: Mapping[str, Any], name: str) -> dict[str, Any]:
    return {k: v for k, v in scope.items() if k != name}


def _lambda_gates(block: Any) -> set[Gate] | None:
    if (
        isinstance(block, list)
        and len(block) == 2
        and isinstance(block[0], list)
        and len(block[0]) == 1
        and isinstance(block[0][0], str)
    ):
        return _item_gates(block[1], block[0][0], caught=False)
    return None


def _item_gates(test: Any, item: str, *, caught: bool) -> set[Gate] | None:
    """Gates of an item test that never fails on an item (``caught``: inside ``catch`` with fallback
    ``false``)."""
    call = _call(test)
    if call is None:
        return None
    name, args = call
    if name == "catch" and len(args) == 2 and args[0] is False:
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
            if attribute is not None and safe and isinstance(literal, str):
                return {Gate(attribute, literal)}
    return None


def _item_field(expr: Any, item: str) -> str | None:
    call = _call(expr)
    if call is None or call[0] != "." or len(call[1]) != 2 or call[1][0] != item:
        return None
    field = call[1][1]
    return _FIELDS.get(field) if isinstance(field, str) else None


def _is_cart(expr: Any) -> bool:
    """``[".", "Session", "CartItems"]`` (function names ignore case; path keys do not)."""
    call = _call(expr)
    return call is not None and call[0] == "." and tuple(call[1]) == _CART


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _number(value: Any) -> Decimal | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value))
    return None


def calls(expression: Any) -> set[str]:
    """Every function name called anywhere in an expression (lower case)."""
    found: set[str] = set()
    stack = [expression]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            if node and isinstance(node[0], str):
                found.add(node[0].lower())
                stack.extend(node[1:])
            else:
                stack.extend(node)
        elif isinstance(node, dict):
            stack.extend(node.values())
    return found


def _condition_calls(condition: Any, bindings: dict[str, Any]) -> set[str]:
    """The functions a condition calls, also through the bindings it reads (e.g. ``couponValid``)."""
    found: set[str] = set()
    pending: list[Any] = [condition]
    seen: set[str] = set()
    while pending:
        expression = pending.pop()
        found |= calls(expression)
        for name in _reads(expression) - seen:
            seen.add(name)
            if name in bindings:
                pending.append(bindings[name])
    return found


def _reads(expression: Any) -> set[str]:
    """Names read with ``[".", name]``."""
    names: set[str] = set()
    stack = [expression]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            if len(node) == 2 and node[0] == "." and isinstance(node[1], str):
                names.add(node[1])
            stack.extend(node)
        elif isinstance(node, dict):
            stack.extend(node.values())
    return names


def _named(raw: Any) -> dict[str, Any]:
    return {b["name"]: b.get("expression") for b in raw or [] if isinstance(b, dict) and "name" in b}


def facts(row: Mapping[str, Any]) -> tuple[tuple[RuleInfo, ...], Gates, bool]:
    """What ``compile_campaign`` computed from a ruleset row: rule infos, gates, reads_loyalty."""
    outer = _named(row["bindings"])
    infos = []
    for rule in row["rules"]:
        names = _condition_calls(rule.get("condition"), {**outer, **_named(rule.get("bindings"))})
        infos.append(
            RuleInfo(str(rule.get("title", "")), bool(names & _COUPON_CHECKS), bool(names & _REFERRAL_CHECKS))
        )
    document_calls = calls([row["rules"], row["bindings"] or []])
    reads_loyalty = "loyaltycardvalid" in document_calls or _reads_root(
        [row["rules"], row["bindings"]], "Loyalty"
    )
    return tuple(infos), campaign_gates(row["rules"], row["bindings"] or []), reads_loyalty


def _reads_root(expression: Any, root: str) -> bool:
    """Whether an expression reads ``[".", root, ...]`` anywhere."""
    stack = [expression]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            if len(node) >= 2 and node[0] == "." and node[1] == root:
                return True
            stack.extend(node)
        elif isinstance(node, dict):
            stack.extend(node.values())
    return False

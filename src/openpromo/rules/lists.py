"""List and map functions, including the lambda-taking ones (``filter map exists every sum ...``).

Lambdas are ``[["Item"], body]``; each call of a lambda costs one budget step and list copies cost
one step per element, so no list operation escapes the step budget.  Functions never mutate their
arguments (the engine's dicts and lists are shared).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import TypeVar

from .errors import Fault
from .runtime import Runtime
from .signatures import Arg, Builtin, Eval, Param, block, call_block, charge, evaluator
from .types import ANY, Kind, TalangValue, kind_name, kind_of
from .values import ARITHMETIC, MAX_ITEMS, as_list, as_number, as_text, as_time, truthy, whole_number

__all__ = ["BUILTINS"]

N, S, B, L, M = Kind.NUMBER, Kind.STRING, Kind.BOOLEAN, Kind.LIST, Kind.MAP


def _items(rt: Runtime, value: TalangValue) -> Sequence[TalangValue]:
    items = as_list(value)
    charge(rt, len(items))
    return items


def _filter(args: tuple[Arg, ...], _path: object, _op: str) -> Eval:
    source, fn = evaluator(args[0]), block(args[1])

    def run(rt: Runtime) -> TalangValue:
        return [item for item in _items(rt, source(rt)) if truthy(call_block(rt, fn, item))]

    return run


def _map(args: tuple[Arg, ...], _path: object, _op: str) -> Eval:
    source, fn = evaluator(args[0]), block(args[1])

    def run(rt: Runtime) -> TalangValue:
        return [call_block(rt, fn, item) for item in _items(rt, source(rt))]

    return run


def _exists(args: tuple[Arg, ...], _path: object, _op: str) -> Eval:
    source, fn = evaluator(args[0]), block(args[1])

    def run(rt: Runtime) -> TalangValue:
        return any(truthy(call_block(rt, fn, item)) for item in as_list(source(rt)))

    return run


def _every(args: tuple[Arg, ...], _path: object, _op: str) -> Eval:
    source, fn = evaluator(args[0]), block(args[1])

    def run(rt: Runtime) -> TalangValue:
        return all(truthy(call_block(rt, fn, item)) for item in as_list(source(rt)))

    return run


def _sum(args: tuple[Arg, ...], _path: object, _op: str) -> Eval:
    source = evaluator(args[0])
    fn = block(args[1]) if len(args) > 1 else None

    def run(rt: Runtime) -> TalangValue:
        total = Decimal(0)
        for item in _items(rt, source(rt)):
            value = call_block(rt, fn, item) if fn is not None else item
            total = ARITHMETIC.add(total, as_number(value))
        return total

    return run


_K = TypeVar("_K", Decimal, str, datetime)


def _ordered(values: Sequence[TalangValue], keys: Sequence[_K], descending: bool) -> TalangValue:
    order = sorted(range(len(values)), key=lambda i: keys[i], reverse=descending)
    return [values[i] for i in order]


def _sort(rt: Runtime, items: TalangValue, descending: TalangValue = False) -> TalangValue:
    values, desc = _items(rt, items), truthy(descending)
    if all(isinstance(v, str) for v in values):
        return _ordered(values, [as_text(v) for v in values], desc)
    if all(isinstance(v, datetime) for v in values):
        return _ordered(values, [as_time(v) for v in values], desc)
    return _ordered(values, [as_number(v) for v in values], desc)


def _sort_by(key: Callable[[object], _K]) -> Callable[[tuple[Arg, ...], object, str], Eval]:
    def build(args: tuple[Arg, ...], _path: object, _op: str) -> Eval:
        source, fn = evaluator(args[0]), block(args[1])
        desc = evaluator(args[2]) if len(args) > 2 else None

        def run(rt: Runtime) -> TalangValue:
            values = _items(rt, source(rt))
            keys = [key(call_block(rt, fn, v)) for v in values]
            return _ordered(values, keys, desc is not None and truthy(desc(rt)))

        return run

    return build


def _list(_rt: Runtime, *items: TalangValue) -> TalangValue:
    return list(items)


def _count(_rt: Runtime, value: TalangValue) -> TalangValue:
    return Decimal(len(as_list(value)))


def _head(_rt: Runtime, value: TalangValue) -> TalangValue:
    items = as_list(value)
    if not items:
        raise Fault("the list is empty")
    return items[0]


def _tail(rt: Runtime, value: TalangValue) -> TalangValue:
    return list(_items(rt, value)[1:])


def _drop(rt: Runtime, value: TalangValue) -> TalangValue:
    return list(_items(rt, value)[:-1])


def _item(_rt: Runtime, value: TalangValue, position: int) -> TalangValue:
    items = as_list(value)
    if not 0 <= position < len(items):
        raise Fault(f"index {position} is out of range for a list of {len(items)}")
    return items[position]


def _append(rt: Runtime, value: TalangValue, *more: TalangValue) -> TalangValue:
    items = _items(rt, value)
    if len(items) + len(more) > MAX_ITEMS:
        raise Fault(f"list longer than {MAX_ITEMS} items")
    return [*items, *more]


def _reverse(rt: Runtime, value: TalangValue) -> TalangValue:
    return list(reversed(_items(rt, value)))


def _is_empty(_rt: Runtime, value: TalangValue) -> TalangValue:
    if value is None:
        return True
    if isinstance(value, str | list | tuple | Mapping):
        return len(value) == 0
    raise Fault(f"expected a list, string, map or null, got {kind_name(kind_of(value))}")


def _kv(_rt: Runtime, *pairs: TalangValue) -> TalangValue:
    result: dict[str, TalangValue] = {}
    for index in range(0, len(pairs), 2):
        result[as_text(pairs[index])] = pairs[index + 1]
    return result


def _even(count: int) -> str | None:
    return None if count % 2 == 0 else "expects key/value pairs (an even number of arguments)"


_LIST, _FN = Param("list", L), Param("fn", lambda_arity=1)
_DESC = Param("descending", B, optional=True)

BUILTINS = (
    Builtin(
        "list",
        "list",
        (),
        L,
        "Builds a list of the arguments.",
        ["list", 1, "a", True],
        [1, "a", True],
        rest=Param("item"),
        impl=_list,
    ),
    Builtin("count", "list", (_LIST,), N, "Number of items.", ["count", ["list", 1, 2, 3]], 3, impl=_count),
    Builtin(
        "head",
        "list",
        (_LIST,),
        ANY,
        "First item; an empty list is a runtime error.",
        ["head", ["list", 1, 2]],
        1,
        impl=_head,
    ),
    Builtin(
        "tail",
        "list",
        (_LIST,),
        L,
        "All but the first item.",
        ["tail", ["list", 1, 2, 3]],
        [2, 3],
        impl=_tail,
    ),
    Builtin(
        "drop", "list", (_LIST,), L, "All but the last item.", ["drop", ["list", 1, 2, 3]], [1, 2], impl=_drop
    ),
    Builtin(
        "item",
        "list",
        (_LIST, Param("index", N, prepare=whole_number("an index"))),
        ANY,
        "The item at a zero-based index; out of range is a runtime error.",
        ["item", ["list", "a", "b"], 1],
        "b",
        impl=_item,
    ),
    Builtin(
        "append",
        "list",
        (_LIST, Param("item")),
        L,
        "A new list with the items added at the end.",
        ["append", ["list", 1], 2, 3],
        [1, 2, 3],
        rest=Param("more"),
        impl=_append,
    ),
    Builtin(
        "push",
        "list",
        (_LIST, Param("item")),
        L,
        "Same as `append`.",
        ["push", ["list", 1], 2],
        [1, 2],
        rest=Param("more"),
        impl=_append,
    ),
    Builtin(
        "reverse",
        "list",
        (_LIST,),
        L,
        "The items in reverse order.",
        ["reverse", ["list", 1, 2]],
        [2, 1],
        impl=_reverse,
    ),
    Builtin(
        "sort",
        "list",
        (_LIST, _DESC),
        L,
        "Sorts numbers, strings or times ascending (descending when the flag is true).",
        ["sort", ["list", 3, 1, 2], True],
        [3, 2, 1],
        impl=_sort,
    ),
    Builtin(
        "sortByNumber",
        "list",
        (_LIST, _FN, _DESC),
        L,
        "Sorts by the number the lambda returns for each item.",
        ["sortByNumber", ["list", 2, 3, 1], [["x"], [".", "x"]]],
        [1, 2, 3],
        form=_sort_by(as_number),
    ),
    Builtin(
        "sortByString",
        "list",
        (_LIST, _FN, _DESC),
        L,
        "Sorts by the string the lambda returns for each item.",
        ["sortByString", ["list", "b", "a"], [["x"], [".", "x"]]],
        ["a", "b"],
        form=_sort_by(as_text),
    ),
    Builtin(
        "isEmpty",
        "list",
        (Param("value", L | S | M | Kind.NULL),),
        B,
        "True for an empty list, string or map, or null.",
        ["isEmpty", ["list"]],
        True,
        impl=_is_empty,
    ),
    Builtin(
        "filter",
        "list",
        (_LIST, _FN),
        L,
        "The items for which the lambda is truthy.",
        ["filter", ["list", 1, 5, 10], [["x"], [">", [".", "x"], 2]]],
        [5, 10],
        form=_filter,
    ),
    Builtin(
        "map",
        "list",
        (_LIST, _FN),
        L,
        "The lambda applied to every item.",
        ["map", ["list", 1, 2], [["x"], ["*", [".", "x"], 10]]],
        [10, 20],
        form=_map,
    ),
    Builtin(
        "exists",
        "list",
        (_LIST, _FN),
        B,
        "True when the lambda is truthy for some item.",
        ["exists", ["list", 1, 5], [["x"], ["=", [".", "x"], 5]]],
        True,
        form=_exists,
    ),
    Builtin(
        "every",
        "list",
        (_LIST, _FN),
        B,
        "True when the lambda is truthy for every item (and for none).",
        ["every", ["list", 1, 5], [["x"], [">", [".", "x"], 0]]],
        True,
        form=_every,
    ),
    Builtin(
        "sum",
        "list",
        (_LIST, Param("fn", lambda_arity=1, optional=True)),
        N,
        "Sum of the numbers the lambda returns for each item (of the items themselves without one).",
        ["sum", [".", "Session", "CartItems"], [["Item"], [".", "Item", "Price"]]],
        25,
        form=_sum,
    ),
    Builtin(
        "kv",
        "map",
        (),
        M,
        "Builds a map from key/value argument pairs.",
        ["kv", "a", 1, "b", True],
        {"a": 1, "b": True},
        rest=Param("pair"),
        impl=_kv,
        arity_rule=_even,
    ),
)

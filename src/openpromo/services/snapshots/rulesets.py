"""Compiled rulesets, cached per worker.

A ruleset never changes once saved (a new version is a new ruleset with a new id, and a campaign points
at its active one), so the ruleset id alone is the cache key: a change to a campaign is visible to the
next request on every worker because the configuration snapshot (``services/snapshots.py``), rebuilt when
the configuration version moves, names the new ruleset.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from openpromo import rules
from openpromo.engine.gates import Gates, campaign_gates
from openpromo.engine.model import RuleInfo
from openpromo.services.ports import Row

log = logging.getLogger("openpromo.rules")

_COUPON_CHECKS = frozenset({"couponvalid", "couponvalidnoredeem"})
_REFERRAL_CHECKS = frozenset({"referralvalid"})


@dataclass(frozen=True, slots=True)
class CompiledCampaign:
    ruleset: rules.CompiledRuleset
    rules: tuple[RuleInfo, ...]
    gates: Gates
    """What a session must have for the rules to do anything (``engine.gates``)."""
    reads_loyalty: bool = False
    """Whether a rule reads ``Loyalty`` balances or checks the loyalty card (they are loaded only then)."""


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


def compile_campaign(row: Row) -> CompiledCampaign:
    """Compile a stored ruleset row; raises ``rules.TalangError`` when it does not compile."""
    document = {"rules": row["rules"], "bindings": row["bindings"] or [], "strikethroughRules": []}
    compiled = rules.compile_ruleset(document)
    outer = _named(row["bindings"])
    infos = []
    for rule in row["rules"]:
        names = _condition_calls(rule.get("condition"), {**outer, **_named(rule.get("bindings"))})
        infos.append(
            RuleInfo(str(rule.get("title", "")), bool(names & _COUPON_CHECKS), bool(names & _REFERRAL_CHECKS))
        )
    document_calls = calls([row["rules"], row["bindings"] or []])
    return CompiledCampaign(
        compiled,
        tuple(infos),
        campaign_gates(row["rules"], row["bindings"] or []),
        reads_loyalty="loyaltycardvalid" in document_calls
        or _reads_root([row["rules"], row["bindings"]], "Loyalty"),
    )


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


class RulesetCache:
    def __init__(self, size: int = 20_000) -> None:
        self._size = size
        self._items: OrderedDict[int, CompiledCampaign | None] = OrderedDict()
        self._lock = threading.Lock()

    def get_many(
        self, ruleset_ids: Sequence[int], load: Callable[[list[int]], list[Row]]
    ) -> dict[int, CompiledCampaign | None]:
        """The compiled rulesets; those not cached yet are loaded in one call of ``load`` (their ids)."""
        found: dict[int, CompiledCampaign | None] = {}
        with self._lock:
            for ruleset_id in ruleset_ids:
                if ruleset_id in self._items:
                    self._items.move_to_end(ruleset_id)
                    found[ruleset_id] = self._items[ruleset_id]
        missing = [i for i in ruleset_ids if i not in found]
        if missing:
            rows = {row["id"]: row for row in load(missing)}
            for ruleset_id in missing:
                found[ruleset_id] = self._compile(ruleset_id, rows.get(ruleset_id))
            with self._lock:
                for ruleset_id in missing:
                    self._items[ruleset_id] = found[ruleset_id]
                while len(self._items) > self._size:
                    self._items.popitem(last=False)
        return found

    @staticmethod
    def _compile(ruleset_id: int, row: Row | None) -> CompiledCampaign | None:
        if row is None:
            return None
        try:
            return compile_campaign(row)
        except rules.TalangError as exc:
            log.error("ruleset %s does not compile and is skipped: %s", ruleset_id, exc)
            return None


__all__ = ["CompiledCampaign", "RulesetCache", "calls", "compile_campaign"]

"""Compiled rulesets, cached per worker.

A ruleset never changes once saved (a new version is a new ruleset with a new id, and a campaign points
at its active one), so the ruleset id alone is the cache key: a change to a campaign is visible to the
next request on every worker because the configuration snapshot (``services/snapshots/snapshot.py``),
rebuilt when the configuration version moves, names the new ruleset.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from openpromo import rules
from openpromo.engine.analysis import reads_event, reads_loyalty, rule_infos
from openpromo.engine.gates import Gates, campaign_gates
from openpromo.engine.model import RuleInfo
from openpromo.services.ports import Row

log = logging.getLogger("openpromo.rules")


@dataclass(frozen=True, slots=True)
class CompiledCampaign:
    ruleset: rules.CompiledRuleset
    rules: tuple[RuleInfo, ...]
    gates: Gates
    """What a session must have for the rules to do anything (``engine.gates``)."""
    reads_loyalty: bool = False
    """Whether a rule reads ``Loyalty`` balances or checks the loyalty card (they are loaded only then)."""
    reads_event: bool = False
    """Whether a rule reads the ``Event`` root (only such campaigns are evaluated for events)."""


def compile_campaign(row: Row) -> CompiledCampaign:
    """Compile a stored ruleset row; raises ``rules.TalangError`` when it does not compile."""
    document = {"rules": row["rules"], "bindings": row["bindings"] or [], "strikethroughRules": []}
    compiled = rules.compile_ruleset(document)
    return CompiledCampaign(
        compiled.without_analysis(),  # the cache keeps what was learnt from the trees, not the trees
        rule_infos(compiled),
        campaign_gates(compiled),
        reads_loyalty(compiled),
        reads_event(compiled),
    )


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


__all__ = ["CompiledCampaign", "RulesetCache", "compile_campaign"]

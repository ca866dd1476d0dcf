"""What the engine learns from a ruleset before evaluating it, from its checked trees.

Per rule, whether its condition checks the session's coupon or referral (``RuleInfo``: a rule that
does accepts the code when it fires and rejects it when it does not); whether the ruleset needs the
profile's loyalty balances or card (they are loaded only then); and its gates (``engine.gates``).
"""

from __future__ import annotations

from openpromo import rules
from openpromo.engine.model import RuleInfo

COUPON_CHECKS = frozenset({"couponvalid", "couponvalidnoredeem"})
REFERRAL_CHECKS = frozenset({"referralvalid"})
_LOYALTY_CALLS = frozenset({"loyaltycardvalid", "addloyaltypoints", "deductloyaltypoints"})
"""Adding and deducting points need the balances too: a deduction is refused when the active balance
cannot cover it, and neither applies to an inactive card."""


def rule_infos(ruleset: rules.CompiledRuleset) -> tuple[RuleInfo, ...]:
    """One ``RuleInfo`` per rule; a check counts also when the condition reaches it through a binding."""
    infos = []
    for rule in ruleset.analysis.rules:
        names = rule.condition_calls()
        infos.append(RuleInfo(rule.title, bool(names & COUPON_CHECKS), bool(names & REFERRAL_CHECKS)))
    return tuple(infos)


def reads_loyalty(ruleset: rules.CompiledRuleset) -> bool:
    """Whether any binding, condition or effect reads the ``Loyalty`` root, checks the loyalty card or
    adds or deducts points (``analysis.calls()`` and ``reads_root("Loyalty")`` in one walk)."""
    for node in rules.walk(*ruleset.analysis.trees()):
        if isinstance(node, rules.ReadRoot) and node.root == "Loyalty":
            return True
        if isinstance(node, rules.Apply) and rules.function_of(node) in _LOYALTY_CALLS:
            return True
    return False


def reads_event(ruleset: rules.CompiledRuleset) -> bool:
    """Whether any binding, condition or effect reads the ``Event`` root: only such a campaign is
    evaluated for an event (``engine.index``)."""
    return ruleset.analysis.reads_root("Event")


__all__ = ["COUPON_CHECKS", "REFERRAL_CHECKS", "reads_event", "reads_loyalty", "rule_infos"]

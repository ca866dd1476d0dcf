"""Talang, the campaign rule language: compile once, evaluate fast and safely.

Pipeline: ``parser`` (JSON -> syntax tree) -> ``check`` (names, arity, kinds, slots) ->
``compiler`` (closures) -> evaluation with a ``Runtime``.  Standard library only; no I/O.

    compiled = rules.compile_ruleset(ruleset_json)      # raises TalangSyntaxError / TalangTypeError
    result = compiled.evaluate(rules.EvaluationContext(roots=..., now=...))

Static analysis (``analysis``) works on the checked trees a compiled ruleset keeps: the nodes
``Const``, ``ReadRoot``, ``ReadSlot``, ``Apply`` and ``Block`` with every name resolved, per rule
(``CheckedRule``) and per binding (``CheckedBinding``), with queries such as ``calls()`` and
``reads_root(name)``:

    compiled.analysis.rules[0].condition_calls()    # {"and", "couponvalid", ...}, through bindings
    compiled.analysis.reads_root("Loyalty")
"""

from __future__ import annotations

from typing import Any

from .analysis import CheckedBinding, CheckedRule, RulesetAnalysis, function_of, walk
from .ast import Apply, Block, Checked, Const, ReadRoot, ReadSlot
from .builtins import REGISTRY
from .effects import (
    AddFreeItem,
    AddLoyaltyPoints,
    AddToAudience,
    AwardGiveaway,
    CreateCoupon,
    CreateReferral,
    CustomEffect,
    DeductLoyaltyPoints,
    EffectRequest,
    ExtendLoyaltyPointsExpiryDate,
    IncreaseAchievementProgress,
    RemoveFromAudience,
    ReserveCoupon,
    SetDiscount,
    SetDiscountPerAdditionalCost,
    SetDiscountPerAdditionalCostPerItem,
    SetDiscountPerItem,
    SetDiscountPerItemProRata,
    SetLoyaltyPointsExpiryDate,
    ShowNotification,
    UpdateAttributeValue,
)
from .errors import BudgetExceeded, TalangError, TalangRuntimeError, TalangSyntaxError, TalangTypeError
from .ruleset import CompiledExpression, CompiledRuleset, RuleOutcome, RulesetResult, compile_expression
from .ruleset import compile_ruleset as compile_ruleset
from .runtime import DEFAULT_STEP_BUDGET, EvaluationContext
from .types import TalangValue

__all__ = [
    "DEFAULT_STEP_BUDGET",
    "REGISTRY",
    "AddFreeItem",
    "AddLoyaltyPoints",
    "AddToAudience",
    "Apply",
    "AwardGiveaway",
    "Block",
    "BudgetExceeded",
    "Checked",
    "CheckedBinding",
    "CheckedRule",
    "CompiledExpression",
    "CompiledRuleset",
    "Const",
    "CreateCoupon",
    "CreateReferral",
    "CustomEffect",
    "DeductLoyaltyPoints",
    "EffectRequest",
    "EvaluationContext",
    "ExtendLoyaltyPointsExpiryDate",
    "IncreaseAchievementProgress",
    "ReadRoot",
    "ReadSlot",
    "RemoveFromAudience",
    "ReserveCoupon",
    "RuleOutcome",
    "RulesetAnalysis",
    "RulesetResult",
    "SetDiscount",
    "SetDiscountPerAdditionalCost",
    "SetDiscountPerAdditionalCostPerItem",
    "SetDiscountPerItem",
    "SetDiscountPerItemProRata",
    "SetLoyaltyPointsExpiryDate",
    "ShowNotification",
    "TalangError",
    "TalangRuntimeError",
    "TalangSyntaxError",
    "TalangTypeError",
    "TalangValue",
    "UpdateAttributeValue",
    "compile",
    "compile_ruleset",
    "function_of",
    "walk",
]


def compile(expr: Any) -> CompiledExpression:
    """Compile one expression (decoded JSON); raises ``TalangSyntaxError``/``TalangTypeError``."""
    return compile_expression(expr)

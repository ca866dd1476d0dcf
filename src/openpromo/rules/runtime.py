"""Evaluation state: the context handed in by the engine and the per-evaluation runtime.

``EvaluationContext`` is immutable and built once per request.  ``Runtime`` is the mutable state of
one evaluation: the frame of bound names (slots assigned by the checker), the remaining step budget
and the effects emitted so far.  Compiled closures take a ``Runtime`` and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from .effects import EffectRequest
from .types import TalangValue

__all__ = ["DEFAULT_STEP_BUDGET", "Deferred", "EvaluationContext", "Runtime"]

DEFAULT_STEP_BUDGET = 100_000


@dataclass(frozen=True, slots=True)
class EvaluationContext:
    """What the engine hands to an evaluation.

    ``roots`` maps ``Session``, ``Profile``, ``Item``, ... to nested maps with PascalCase keys;
    ``Session["CartItems"]`` holds flattened units, each shaped like ``Item``.
    """

    roots: Mapping[str, TalangValue]
    now: datetime
    coupon_valid: bool = False
    coupon_valid_no_redeem: bool = False
    referral_valid: bool = False
    loyalty_card_valid: bool = False
    audiences: frozenset[int] = field(default_factory=frozenset)
    step_budget: int = DEFAULT_STEP_BUDGET


class Deferred:
    """A binding's slot before the binding is first read: reading it evaluates the binding (and keeps
    the value in the slot). A binding that is never read never runs, and cannot fail."""

    __slots__ = ("force",)

    def __init__(self, force: Callable[[Runtime], TalangValue]) -> None:
        self.force = force


class Runtime:
    """Mutable state of one evaluation; never shared between threads or evaluations."""

    __slots__ = ("budget", "ctx", "effects", "frame", "steps")

    def __init__(self, ctx: EvaluationContext, frame_size: int) -> None:
        self.ctx = ctx
        self.frame: list[TalangValue | Deferred] = [None] * frame_size
        self.budget = ctx.step_budget
        self.steps = ctx.step_budget
        self.effects: list[EffectRequest] = []

    def reset_budget(self) -> None:
        """Give the next rule a fresh step budget."""
        self.steps = self.budget

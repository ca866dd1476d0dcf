"""Talang syntax trees: what the parser produces and what the checker turns it into.

Parse nodes (``Literal``, ``Call``, ``Lambda``) mirror the JSON.  Checked nodes (``Const``,
``ReadRoot``, ``ReadSlot``, ``Apply``, ``Block``) have every name resolved: functions point at their
registry entry and bound names at a frame slot, so the compiler never looks anything up by name.
Every node keeps ``path``, its JSON path from the compiled root, for diagnostics.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

from .errors import Path
from .types import TalangValue

if TYPE_CHECKING:
    from .signatures import Builtin

__all__ = [
    "Apply",
    "Block",
    "Call",
    "Checked",
    "Const",
    "Lambda",
    "Literal",
    "Node",
    "ReadRoot",
    "ReadSlot",
    "Segment",
]


@dataclass(frozen=True, slots=True)
class Literal:
    path: Path
    value: TalangValue


@dataclass(frozen=True, slots=True)
class Call:
    path: Path
    name: str
    args: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Lambda:
    path: Path
    params: tuple[str, ...]
    body: Node


Node: TypeAlias = "Literal | Call | Lambda"


@dataclass(frozen=True, slots=True)
class Const:
    path: Path
    value: TalangValue


@dataclass(frozen=True, slots=True)
class ReadRoot:
    """``[".", Root, seg...]``: a read from one of the context roots."""

    path: Path
    root: str
    segments: tuple[Segment, ...]


@dataclass(frozen=True, slots=True)
class ReadSlot:
    """``[".", name, seg...]`` where ``name`` is a binding or lambda parameter."""

    path: Path
    name: str
    slot: int
    segments: tuple[Segment, ...]


@dataclass(frozen=True, slots=True)
class Apply:
    path: Path
    builtin: Builtin
    args: tuple[Checked, ...]


@dataclass(frozen=True, slots=True)
class Block:
    """A lambda whose single parameter lives in frame slot ``slot``."""

    path: Path
    slot: int
    body: Checked


Checked: TypeAlias = "Const | ReadRoot | ReadSlot | Apply | Block"
Segment: TypeAlias = "str | int | Checked"

"""The Talang error tree.

    TalangError                 every error carries ``path`` (JSON path of the node) and ``message``
    ├── TalangSyntaxError       compile time: the JSON is not a Talang expression or ruleset
    ├── TalangTypeError         compile time: unknown function, arity, literal kind, unknown name
    └── TalangRuntimeError      evaluation time: missing path, type mismatch, division by zero ...
        └── BudgetExceeded      evaluation time: the step budget of the rule ran out

``BudgetExceeded`` is a runtime error so that the engine records it like any other failure, but
``catch`` never swallows it.  ``Fault`` is internal: built-in implementations raise it without a
path and the compiled node that called them turns it into a ``TalangRuntimeError`` with its path.
"""

from __future__ import annotations

__all__ = [
    "BudgetExceeded",
    "Fault",
    "Path",
    "TalangError",
    "TalangRuntimeError",
    "TalangSyntaxError",
    "TalangTypeError",
    "pointer",
]

Path = tuple[str | int, ...]


def pointer(path: Path) -> str:
    """Render a path as an RFC 6901 JSON pointer."""
    parts = (str(part).replace("~", "~0").replace("/", "~1") for part in path)
    return "".join("/" + part for part in parts)


class TalangError(Exception):
    """Root of every Talang error; ``path`` locates the offending node from the compiled root."""

    def __init__(self, message: str, path: Path = (), operator: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.operator = operator

    @property
    def pointer(self) -> str:
        return pointer(self.path)

    @property
    def rule_index(self) -> int | None:
        """The index of the rule the error belongs to, when compiled as part of a ruleset."""
        if len(self.path) >= 2 and self.path[0] in ("rules", "strikethroughRules"):
            index = self.path[1]
            return index if isinstance(index, int) else None
        return None

    def at(self, prefix: Path) -> TalangError:
        """Return a copy of this error with ``prefix`` prepended to its path."""
        return type(self)(self.message, prefix + self.path, self.operator)

    def __str__(self) -> str:
        return f"{self.message} (at {self.pointer or '/'})"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, path={self.path!r})"


class TalangSyntaxError(TalangError):
    """The JSON value is not shaped like a Talang expression, lambda or ruleset."""


class TalangTypeError(TalangError):
    """The expression is well formed but cannot be compiled (names, arity, literal kinds)."""


class TalangRuntimeError(TalangError):
    """Evaluation failed; recorded per rule and recoverable with ``catch``."""


class BudgetExceeded(TalangRuntimeError):
    """The rule used up its step budget; ``catch`` does not recover from this."""


class Fault(Exception):
    """Raised by built-in implementations; the calling node adds its path and operator.

    ``at`` locates the fault inside a literal argument (the key of an option map), so that a compile
    error can point at the bad entry rather than at the whole map.
    """

    def __init__(self, message: str, *, budget: bool = False, at: Path = ()) -> None:
        super().__init__(message)
        self.message = message
        self.budget = budget
        self.at = at

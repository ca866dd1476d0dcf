"""What a command's failure tells the operator: one line and an exit status, in one place.

2 is bad usage (a bad setting, flag or value: ``SettingsError``, ``InvalidInput``, ``Usage``), 1 a failed
operation (an unknown id, a duplicate, a port in use, a database that does not answer). Anything else is a
bug and keeps its traceback.
"""

from __future__ import annotations

from openpromo.config import SettingsError
from openpromo.services.errors import InvalidInput, ServiceError, Unavailable


class Failed(Exception):
    """An operation that could not be done; ``code``: the exit status (1, or 2 for bad usage)."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class Usage(Failed):
    """A value the command cannot take (exit status 2)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, 2)


def _unreachable(exc: BaseException) -> str | None:
    """The line for a database that does not answer, as the server tells an outage from a bug
    (``storage.outage``, imported only then: the CLI starts fast)."""
    if not isinstance(exc, Unavailable) and not type(exc).__module__.startswith("sqlalchemy"):
        return None
    from openpromo.storage.outage import unreachable

    reason = unreachable(exc)
    return None if reason is None else f"cannot reach the database: {reason}"


def explain(exc: BaseException) -> tuple[str, int] | None:
    """The line and the exit status for ``exc``; None when it is a bug."""
    if isinstance(exc, Failed):
        return exc.message, exc.code
    if isinstance(exc, SettingsError):
        return str(exc), 2
    if isinstance(exc, InvalidInput):
        detail = exc.details[0]
        where = (detail.pointer or detail.parameter or "").strip("/")
        return (f"{where}: {detail.details}" if where else detail.details), 2
    unreachable = _unreachable(exc)
    if unreachable is not None:
        return unreachable, 1
    if isinstance(exc, ServiceError):
        return exc.message, 1
    return None


__all__ = ["Failed", "Usage", "explain"]

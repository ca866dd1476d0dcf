"""The session state machine (DOMAIN B §1.4): which transitions a session update may make."""

from __future__ import annotations

from dataclasses import dataclass

from openpromo.engine.errors import InvalidTransition

OPEN, CLOSED, PARTIALLY_RETURNED, CANCELLED = "open", "closed", "partially_returned", "cancelled"

# Transitions a PUT of the session may make; returns and reopen have their own endpoints.
_BY_UPDATE = {
    (None, OPEN),
    (None, CLOSED),
    (OPEN, OPEN),
    (OPEN, CLOSED),
    (OPEN, CANCELLED),
    (CLOSED, CANCELLED),
    (PARTIALLY_RETURNED, CANCELLED),
}

EVENT_OF = {
    (None, OPEN): "talon_session_created",
    (None, CLOSED): "talon_session_created",
    (OPEN, OPEN): "talon_session_updated",
    (OPEN, CLOSED): "talon_session_closed",
    (OPEN, CANCELLED): "talon_session_cancelled",
    (CLOSED, CANCELLED): "talon_session_revoked",
    (PARTIALLY_RETURNED, CANCELLED): "talon_session_revoked",
}


@dataclass(frozen=True, slots=True)
class Transition:
    """What a session update that moves ``current`` to ``requested`` does."""

    current: str | None
    requested: str
    event: str
    """The lifecycle event it records (``talon_session_updated``, ...)."""
    commits: bool
    """It closes the session, and so commits what its evaluation produced."""
    rolls_back: bool
    """It undoes what an earlier close committed."""


def transition(current: str | None, requested: str) -> Transition:
    """The transition a session update makes; InvalidTransition when it may not make it."""
    check_update(current, requested)
    return Transition(
        current,
        requested,
        EVENT_OF[(current, requested)],
        commits(current, requested),
        rolls_back(current, requested),
    )


def check_update(current: str | None, requested: str) -> None:
    """Raise InvalidTransition unless a session update may move ``current`` to ``requested``."""
    if (current, requested) not in _BY_UPDATE:
        if current is None:
            raise InvalidTransition(f"a session cannot be created in state {requested}")
        if current in (CLOSED, PARTIALLY_RETURNED) and requested == current:
            raise InvalidTransition(f"the session is {current}: only cancelling it is possible")
        raise InvalidTransition(f"a {current} session cannot become {requested}")


def commits(current: str | None, requested: str) -> bool:
    """Whether this update closes the session (and so commits what its evaluation produced)."""
    return requested == CLOSED and current in (None, OPEN)


def rolls_back(current: str | None, requested: str) -> bool:
    """Whether this update undoes what an earlier close committed."""
    return requested == CANCELLED and current in (CLOSED, PARTIALLY_RETURNED)


__all__ = [
    "CANCELLED",
    "CLOSED",
    "EVENT_OF",
    "OPEN",
    "PARTIALLY_RETURNED",
    "Transition",
    "check_update",
    "commits",
    "rolls_back",
    "transition",
]

"""Running a use case under the non-blocking request locks of a session or profile (DOMAIN A5)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from openpromo.services.errors import Conflict
from openpromo.services.ports import Clock, RequestLocks

T = TypeVar("T")

PARALLEL = "Too many requests or limit reached - avoid parallel requests for one session or profile"


def run_locked(locks: RequestLocks, clock: Clock, owner: str, keys: list[str], run: Callable[[], T]) -> T:
    """Run ``run`` holding every key; a key another request holds is a 409 at once."""
    if not locks.acquire(keys, owner, clock.now()):
        raise Conflict(PARALLEL)
    try:
        return run()
    finally:
        locks.release(keys, owner)


__all__ = ["PARALLEL", "run_locked"]

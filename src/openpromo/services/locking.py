"""The answer to a parallel writer of one session or profile (DOMAIN A5): units of work opened with
``locks`` take them without waiting (``storage.key_locks``) and refuse with this 409."""

from __future__ import annotations

PARALLEL = "Too many requests or limit reached - avoid parallel requests for one session or profile"

__all__ = ["PARALLEL"]

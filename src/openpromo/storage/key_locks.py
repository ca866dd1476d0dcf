"""Non-blocking locks on request keys (a session, a profile), held for one unit of work (DOMAIN A5).

A second writer of the same session or profile gets 409 at once instead of waiting. Keys are hashed to
64 bits. On PostgreSQL a key is a transaction-level advisory lock (``pg_try_advisory_xact_lock``, taken by
``uow.try_advisory_locks``), so it holds across every node and is released with the transaction. SQLite
serves one node: a key is a one-byte POSIX record lock on ``<database>.keylocks`` (across the node's worker
processes; the kernel drops it if a process dies) plus a set of held keys inside the process (record locks
belong to the process, not the thread). SQLite keys are taken before the transaction begins, so a parallel
writer is refused instead of queueing behind the single-writer lock.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import threading
from collections.abc import Iterable, Sequence

from openpromo.services.errors import Unavailable


def open_lock_file(path: str) -> int:
    """A lock file beside the SQLite database, opened (created when missing); ``Unavailable`` when its
    directory cannot be reached, as the database file in it cannot be."""
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise Unavailable(f"cannot open {path}: {exc.strerror}") from exc


def key_hash(key: str) -> int:
    """A signed 64-bit hash of a key (PostgreSQL advisory locks take a bigint)."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big", signed=True)


CONFIG_VERSION = "config_version"


class FileKeyLocks:
    """Record locks on one file, one byte per key, for the worker processes of one node."""

    _SPAN = 1 << 40  # byte offsets the hashes map to; far beyond any real file size is fine

    def __init__(self, path: str) -> None:
        self._path = path
        self._fd: int | None = None
        self._held: set[int] = set()
        self._mutex = threading.Lock()

    def try_acquire(self, keys: Iterable[str]) -> Sequence[int] | None:
        """The held offsets, or None (and nothing held) when another request holds one of the keys."""
        offsets = sorted({key_hash(k) % self._SPAN for k in keys})
        with self._mutex:
            if self._fd is None:
                self._fd = open_lock_file(self._path)
            if any(o in self._held for o in offsets):
                return None
            taken: list[int] = []
            for offset in offsets:
                try:
                    fcntl.lockf(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, offset, os.SEEK_SET)
                except OSError:
                    self._unlock(taken)
                    return None
                taken.append(offset)
            self._held.update(taken)
        return taken

    def release(self, offsets: Sequence[int]) -> None:
        with self._mutex:
            self._unlock(offsets)
            self._held.difference_update(offsets)

    def _unlock(self, offsets: Sequence[int]) -> None:
        assert self._fd is not None
        for offset in offsets:
            fcntl.lockf(self._fd, fcntl.LOCK_UN, 1, offset, os.SEEK_SET)


class ProcessKeyLocks:
    """Keys held inside this process only: an in-memory SQLite database is one process's anyway."""

    def __init__(self) -> None:
        self._held: set[int] = set()
        self._mutex = threading.Lock()

    def try_acquire(self, keys: Iterable[str]) -> Sequence[int] | None:
        hashes = sorted({key_hash(k) for k in keys})
        with self._mutex:
            if any(h in self._held for h in hashes):
                return None
            self._held.update(hashes)
        return hashes

    def release(self, hashes: Sequence[int]) -> None:
        with self._mutex:
            self._held.difference_update(hashes)


KeyLocks = FileKeyLocks | ProcessKeyLocks

__all__ = ["CONFIG_VERSION", "FileKeyLocks", "KeyLocks", "ProcessKeyLocks", "key_hash", "open_lock_file"]

"""SQLite's one writer at a time, across threads and processes, with a bounded wait."""

from __future__ import annotations

import fcntl
import logging
import os
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from openpromo.config import DEFAULT_WRITE_LOCK_SECONDS
from openpromo.services.errors import Busy
from openpromo.storage.key_locks import open_lock_file

log = logging.getLogger("openpromo.database")


class WriterLock:
    """One writer at a time for a SQLite file, across threads and processes, waited for at most
    ``timeout`` seconds (then ``Unavailable``: a 503 with ``Retry-After``).

    The lock is ``flock`` on a file beside the database. An uncontended lock costs one non-blocking
    ``flock``. A contended one is waited for in a thread of its own, blocking in the kernel (so the writer
    after the holder starts the moment it is released, as with a plain blocking ``flock``), on a
    descriptor of its own: a wait given up on its timeout takes the lock later and gives it back at once,
    without touching a lock this process took since."""

    def __init__(self, path: str | None, timeout: float = DEFAULT_WRITE_LOCK_SECONDS) -> None:
        """``path``: the lock file shared with the other processes (None: this process alone)."""
        self._path = path
        self._timeout = timeout
        self._thread_lock = threading.Lock()
        self._fd: int | None = None
        self._waiters = ThreadPoolExecutor(max_workers=4, thread_name_prefix="sqlite-writer-wait")

    @contextmanager
    def held(self) -> Iterator[None]:
        deadline = time.monotonic() + self._timeout
        if not self._thread_lock.acquire(timeout=self._timeout):
            raise self._busy()
        try:
            if self._path is None:
                yield
                return
            if self._fd is None:
                self._fd = open_lock_file(self._path)
            fd = self._acquire(self._fd, self._path, deadline)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
                if fd != self._fd:
                    os.close(fd)
        finally:
            self._thread_lock.release()

    def _acquire(self, fd: int, path: str, deadline: float) -> int:
        """The descriptor that holds the lock: ``fd``, or one opened for a contended wait."""
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except BlockingIOError:
            pass
        wait = _Wait(open_lock_file(path))
        self._waiters.submit(wait.run)
        if wait.taken(max(deadline - time.monotonic(), 0)):
            return wait.fd
        raise self._busy()

    def _busy(self) -> Busy:
        reason = f"the SQLite writer lock was not free within {self._timeout:g} s"
        log.warning("%s (OPENPROMO_WRITE_LOCK_TIMEOUT)", reason)
        return Busy(reason)


class _Wait:
    """One contended wait for the writer lock on its own descriptor; given up, it releases what it gets."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self._done = threading.Event()
        self._guard = threading.Lock()
        self._abandoned = False

    def run(self) -> None:
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        with self._guard:
            if self._abandoned:
                fcntl.flock(self.fd, fcntl.LOCK_UN)
                os.close(self.fd)
                return
            self._done.set()

    def taken(self, timeout: float) -> bool:
        if self._done.wait(timeout):
            return True
        with self._guard:
            if self._done.is_set():
                return True
            self._abandoned = True
        return False


__all__ = ["WriterLock"]

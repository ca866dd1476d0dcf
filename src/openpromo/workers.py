"""Worker processes: uvicorn's supervisor, with one listening socket per worker where the OS allows it.

uvicorn's ``--workers`` binds one socket in the parent and every worker accepts from it. That spreads
connections by load when a worker's event loop is busy while it works (use cases on the loop,
``OPENPROMO_THREADS=0``, SQLite's default): only idle workers wait to accept. When use cases run in threads
(PostgreSQL's default), every loop waits in ``epoll`` nearly all the time and Linux hands a new connection
to the one that waited most recently, which is the busiest: in our measurements 30 of 32 connections ended
up on one of two workers, which saturated while the other idled. Those workers get a listening socket each
(``SO_REUSEPORT``), and the kernel spreads new connections over them evenly (by a hash of the client's
address and port). Either way the keep-alive request limit (``api.system.keepalive_limit``) makes clients
reconnect now and then, so long-lived connections are spread again. Where ``SO_REUSEPORT`` does not
balance (outside Linux), the shared socket is used.

The supervisor is uvicorn's own (``Multiprocess``: health checks, restarts, signals); it hands each new
worker the parent's socket by pickling it, and :class:`ReusePortSocket` pickles as "listen on this address
yourself". The parent's socket is bound but never listens, so it receives no connections; it fixes the port
(port 0 picks one) and is checked first to be free, so that two servers never share a port.
"""

from __future__ import annotations

import logging
import signal
import socket
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    import uvicorn

_S = TypeVar("_S", bound=socket.socket)
log = logging.getLogger("openpromo.workers")


def _reusing_port(sock: _S) -> _S:
    """``sock`` with the options every socket of the port's group needs, set before it binds."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    return sock


def _listen(family: int, address: Any, backlog: int) -> socket.socket:
    """A worker's own listening socket on ``address`` (called when a worker unpickles the parent's)."""
    sock = _reusing_port(socket.socket(family, socket.SOCK_STREAM))
    sock.bind(address)
    sock.listen(backlog)
    return sock


class ReusePortSocket(socket.socket):
    """The parent's bound, never listening ``SO_REUSEPORT`` socket; a worker that receives it gets a
    listening socket of its own on the same address instead (:func:`_listen`)."""

    backlog = 2048

    def __reduce__(self) -> tuple[Any, tuple[int, Any, int]]:
        return _listen, (int(self.family), self.getsockname(), self.backlog)


def reuse_port_balances() -> bool:
    """Linux spreads connections over ``SO_REUSEPORT`` listeners; other systems' ``SO_REUSEPORT`` does not."""
    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def bind_reuse_port(host: str, port: int, backlog: int) -> ReusePortSocket:
    """Bind the parent's socket (port 0 picks a free port; ``getsockname`` tells which).

    A plain bind first checks that nothing listens there: another server that set ``SO_REUSEPORT`` would
    otherwise share the port with this one silently."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))
        address = probe.getsockname()
    sock = _reusing_port(ReusePortSocket(family, socket.SOCK_STREAM))
    sock.bind(address)
    sock.backlog = backlog
    return sock


def ended(exitcode: int | None) -> str:
    """How a process ended, in words (``multiprocessing``'s exit code: negative for a signal)."""
    if exitcode is None:
        return "still running"
    if exitcode < 0:
        try:
            return f"killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"killed by signal {-exitcode}"
    return f"exit status {exitcode}"


def _supervisor(died: Callable[[int], None]) -> Any:
    """uvicorn's ``Multiprocess``, logging a worker that died (its pid and how it ended) and the one that
    replaces it, and calling ``died`` with the dead worker's pid."""
    from uvicorn.supervisors import Multiprocess

    class Supervisor(Multiprocess):
        def keep_subprocess_alive(self) -> None:
            before = list(self.processes)
            super().keep_subprocess_alive()
            for old, new in zip(before, self.processes, strict=True):
                if new is not old and old.pid is not None:
                    log.error(
                        "worker %d died (%s); worker %s replaces it", old.pid, ended(old.exitcode), new.pid
                    )
                    died(old.pid)

    return Supervisor


def run(
    config: uvicorn.Config, *, own_sockets: bool, died: Callable[[int], None] = lambda _pid: None
) -> None:
    """Serve ``config`` with ``config.workers`` processes; ``own_sockets``: one listening socket each
    (where the OS balances them), else one shared; ``died``: called with the pid of a worker that died
    (and was replaced)."""
    import uvicorn

    if config.workers <= 1:
        uvicorn.Server(config).run()
        return
    if own_sockets and reuse_port_balances():
        try:
            sock: socket.socket = bind_reuse_port(config.host, config.port, config.backlog)
        except OSError as exc:
            raise SystemExit(f"cannot listen on {config.host}:{config.port}: {exc}") from None
    else:
        sock = config.bind_socket()
    try:
        _supervisor(died)(config, sockets=[sock]).run()
    finally:
        sock.close()


__all__ = ["ReusePortSocket", "bind_reuse_port", "ended", "reuse_port_balances", "run"]

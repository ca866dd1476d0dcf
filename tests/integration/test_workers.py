"""Workers that run use cases in threads listen on a socket each (``SO_REUSEPORT``) on Linux, so the kernel
spreads connections over them; workers that run them on their event loop share one socket (idle ones
accept); either way the port stays exclusive to one server (src/openpromo/workers.py)."""

from __future__ import annotations

import os
import pickle
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from openpromo import workers
from tests.integration.test_cli import _serve, _stop

linux_only = pytest.mark.skipif(
    not workers.reuse_port_balances(), reason="SO_REUSEPORT balances on Linux only"
)


def _listening_inodes(port: int) -> set[str]:
    """Socket inodes listening on ``port`` (from /proc/net/tcp: state 0A is LISTEN)."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "0A":
            found.add(fields[9])
    return found


def _listeners(port: int) -> int:
    return len(_listening_inodes(port))


def _listening_pids(port: int) -> set[int]:
    """Processes that hold a socket listening on ``port``."""
    inodes = {f"socket:[{inode}]" for inode in _listening_inodes(port)}
    pids = set()
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if any(os.readlink(fd) in inodes for fd in (proc / "fd").iterdir()):
                pids.add(int(proc.name))
        except OSError:
            continue  # gone, or not ours to read
    return pids


@linux_only
def test_the_parent_socket_holds_the_port_and_a_worker_gets_its_own_listener() -> None:
    holder = workers.bind_reuse_port("127.0.0.1", 0, 16)
    try:
        port = holder.getsockname()[1]
        assert _listeners(port) == 0, "the parent's socket is bound, not listening"
        worker = pickle.loads(pickle.dumps(holder))  # what a worker process receives
        try:
            assert type(worker) is socket.socket and worker.getsockname() == ("127.0.0.1", port)
            assert _listeners(port) == 1
            with pytest.raises(OSError):  # a listening port is taken for anyone without SO_REUSEPORT
                socket.create_server(("127.0.0.1", port))
            with socket.create_connection(("127.0.0.1", port), timeout=5):
                conn, _ = worker.accept()
                conn.close()
        finally:
            worker.close()
    finally:
        holder.close()


@linux_only
@pytest.mark.parametrize(("threads", "listeners"), [(2, 2), (0, 1)])
def test_workers_sockets_and_a_second_server_is_refused(tmp_path: Path, threads: int, listeners: int) -> None:
    url = f"sqlite:///{tmp_path / 'workers.db'}"
    process, base, log = _serve(tmp_path, url, "--workers", "2", key="root-key", threads=threads)
    try:
        port = int(base.rsplit(":", 1)[1])
        assert _listeners(port) == listeners, log.read_text()
        second = subprocess.run(
            [sys.executable, "-m", "openpromo", "serve", "--port", str(port), "--workers", "2",
             "--database-url", f"sqlite:///{tmp_path / 'other.db'}"],
            capture_output=True, text=True, timeout=60, cwd=tmp_path,
            env={"PATH": "/usr/bin:/bin", "OPENPROMO_MANAGEMENT_KEY": "other"},
        )  # fmt: skip
        assert second.returncode != 0
        assert "in use" in second.stderr.lower(), second.stderr
        assert _listeners(port) == listeners
    finally:
        _stop(process)


@linux_only
def test_a_worker_that_dies_is_replaced_with_a_listener_of_its_own(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'workers.db'}"
    process, base, log = _serve(tmp_path, url, "--workers", "2", key="root-key", threads=2)
    try:
        port = int(base.rsplit(":", 1)[1])
        workers_before = _listening_pids(port)
        assert len(workers_before) == 2, log.read_text()
        victim = min(workers_before)
        os.kill(victim, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            now = _listening_pids(port)
            if len(now) == 2 and victim not in now:
                break
            time.sleep(0.2)
        else:
            raise AssertionError(f"no replacement listens: {_listening_pids(port)}\n{log.read_text()}")
        assert all(httpx.get(f"{base}/healthz", timeout=5).status_code == 200 for _ in range(10))
        # and the log says which worker died, how, and which one replaced it
        replacement = (_listening_pids(port) - workers_before).pop()
        expected = f"worker {victim} died (killed by SIGKILL); worker {replacement} replaces it"
        assert expected in log.read_text(), log.read_text()
    finally:
        _stop(process)

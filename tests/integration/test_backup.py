"""``openpromo backup`` under write load: the restored copy holds every write acknowledged before the
backup started, on SQLite (online backup API) and PostgreSQL (pg_dump, restored with pg_restore)."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psycopg
import pytest

from openpromo.admin.backup import BackupFailed, backup
from tests.conftest import (
    Server,
    _postgres_admin_url,
    create_application,
    random_id,
    start_server,
    stop_server,
)

WRITERS = 2


def _openpromo(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "openpromo", *args], capture_output=True, text=True, timeout=60, check=False
    )


@dataclass
class Load:
    """Threads closing sessions; ``acknowledged``: (session id, when its 2xx arrived) per write."""

    base_url: str
    key: str
    acknowledged: list[tuple[str, float]] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)

    def _write(self) -> None:
        headers = {"Authorization": f"ApiKey-v1 {self.key}"}
        with httpx.Client(base_url=self.base_url, headers=headers, timeout=30) as client:
            while not self.stop.is_set():
                session = random_id("s")
                body = {"customerSession": {"profileId": session, "state": "closed", "cartItems": []}}
                if client.put(f"/v2/customer_sessions/{session}", json=body).is_success:
                    self.acknowledged.append((session, time.monotonic()))

    def __enter__(self) -> Load:
        self.threads = [threading.Thread(target=self._write) for _ in range(WRITERS)]
        for thread in self.threads:
            thread.start()
        return self

    def wait_for(self, count: int) -> None:
        deadline = time.monotonic() + 20
        while len(self.acknowledged) < count and time.monotonic() < deadline:
            time.sleep(0.01)  # polling the writers' progress, not waiting for state
        assert len(self.acknowledged) >= count

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join()


def _backup_under_load(server: Server, target: Path) -> tuple[int, set[str], set[str]]:
    """Take a backup while writes go on: (application id, writes acknowledged before it started, all)."""
    with server.management() as mgmt:
        app = create_application(mgmt)
    with Load(server.base_url, app.key) as load:
        load.wait_for(30)
        started = time.monotonic()
        done = _openpromo("backup", str(target), "--database-url", server.database_url)
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith(f"backup written: {target} (")
        load.wait_for(len(load.acknowledged) + 10)  # writes went on while it ran
    before = {session for session, when in load.acknowledged if when < started}
    return app.id, before, {session for session, _ in load.acknowledged}


def _closed_sessions(server: Server, application_id: int) -> set[str]:
    found: set[str] = set()
    with server.management() as mgmt:
        for skip in range(0, 100_000, 1000):
            page = mgmt.get(
                f"/v1/applications/{application_id}/sessions", params={"pageSize": 1000, "skip": skip}
            ).json()
            found.update(s["integrationId"] for s in page["data"] if s["state"] == "closed")
            if not page["hasMore"]:
                return found
    raise AssertionError("too many customers")


def _assert_restored(
    url: str, tmp_path: Path, application_id: int, before: set[str], every: set[str]
) -> None:
    restored = start_server(url, tmp_path / "restored.log")
    try:
        found = _closed_sessions(restored, application_id)
    finally:
        stop_server(restored)
    assert before <= found, f"{len(before - found)} acknowledged writes missing"
    assert found <= every  # nothing that was not written
    assert len(before) >= 30


def test_sqlite_backup_under_write_load_restores_every_acknowledged_write(tmp_path: Path) -> None:
    # given a server on SQLite taking writes
    server = start_server(f"sqlite:///{tmp_path / 'live.db'}", tmp_path / "live.log")
    try:
        # when a backup is taken while writes go on
        application_id, before, every = _backup_under_load(server, tmp_path / "backup.db")
    finally:
        stop_server(server)
    # then the backup is a sound, current database
    restored = tmp_path / "restored.db"
    shutil.copyfile(tmp_path / "backup.db", restored)
    with sqlite3.connect(restored) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    digest = hashlib.sha256(restored.read_bytes()).hexdigest()
    assert _openpromo("migrate", "--database-url", f"sqlite:///{restored}").returncode == 0
    assert hashlib.sha256(restored.read_bytes()).hexdigest() == digest  # nothing to migrate
    # and a server on it finds every write acknowledged before the backup started
    _assert_restored(f"sqlite:///{restored}", tmp_path, application_id, before, every)


@pytest.fixture
def postgres_databases(request: pytest.FixtureRequest) -> Iterator[tuple[str, str]]:
    """Two fresh databases: the live one and the one the backup is restored into."""
    request.getfixturevalue("postgres_url")  # skips or fails as the contract says without PostgreSQL
    admin = _postgres_admin_url()
    names = [f"openpromo_backup_{uuid.uuid4().hex[:10]}" for _ in range(2)]
    with psycopg.connect(admin, autocommit=True) as conn:
        for name in names:
            conn.execute(f'CREATE DATABASE "{name}"')
    base = admin.rpartition("/")[0]
    yield f"{base}/{names[0]}", f"{base}/{names[1]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        for name in names:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _revision(url: str) -> str:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    assert row is not None
    return str(row[0])


def test_postgres_backup_under_write_load_restores_every_acknowledged_write(
    tmp_path: Path, postgres_databases: tuple[str, str]
) -> None:
    live, scratch = postgres_databases
    # given a server on PostgreSQL taking writes
    server = start_server(live, tmp_path / "live.log")
    try:
        # when a backup is taken while writes go on
        application_id, before, every = _backup_under_load(server, tmp_path / "backup.dump")
    finally:
        stop_server(server)
    # then it restores with pg_restore into another database, at the live one's schema revision (so
    # nothing is left to migrate; the restored server's start runs the migrations and finds none)
    restore = subprocess.run(
        ["pg_restore", "--no-owner", "-d", scratch, str(tmp_path / "backup.dump")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert restore.returncode == 0, restore.stderr
    assert _revision(scratch) == _revision(live)
    with psycopg.connect(scratch) as conn:
        integrity = conn.execute("SELECT count(*) FROM customer_sessions WHERE state = 'closed'").fetchone()
    assert integrity is not None and integrity[0] >= len(before)
    # and a server on it finds every write acknowledged before the backup started
    _assert_restored(scratch, tmp_path, application_id, before, every)
    assert _revision(scratch) == _revision(live)


def test_backup_refuses_to_overwrite_and_reports_failures_in_one_line(tmp_path: Path) -> None:
    # given a database with a schema version (all the backup checks) and a file in the way
    source = tmp_path / "db.sqlite"
    with sqlite3.connect(source) as conn:
        conn.execute("CREATE TABLE alembic_version (version_num TEXT)")
    (tmp_path / "plain.sqlite").touch()
    target = tmp_path / "taken.db"
    target.write_text("keep me")
    url = f"sqlite:///{source}"
    cases = {
        (str(target), url): f"{target} exists already (use --force",
        (str(tmp_path / "x.db"), f"sqlite:///{tmp_path / 'none.db'}"): f"no SQLite database at {tmp_path}",
        (str(tmp_path / "y.db"), f"sqlite:///{tmp_path / 'plain.sqlite'}"): "is not an OpenPromo database",
    }
    # when each is backed up (at once: each is a process start)
    running = {
        message: subprocess.Popen(
            [sys.executable, "-m", "openpromo", "backup", path, "--database-url", database_url],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for (path, database_url), message in cases.items()
    }
    # then each fails with one line naming the problem, and leaves no file behind
    for message, process in running.items():
        out, err = process.communicate(timeout=60)
        assert (process.returncode, out) == (1, ""), err
        assert err.startswith("openpromo backup: ") and message in err, err
        assert len(err.splitlines()) == 1
    # and a database the settings refuse is bad usage: one line, exit status 2
    refused = _openpromo("backup", str(tmp_path / "z.db"), "--database-url", "mysql://u@h/d")
    assert refused.returncode == 2 and "--database-url must be" in refused.stderr, refused.stderr
    assert len(refused.stderr.splitlines()) == 1
    assert target.read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["db.sqlite", "plain.sqlite", "taken.db"]
    # and --force overwrites
    forced = _openpromo("backup", str(target), "--force", "--database-url", url)
    assert forced.returncode == 0, forced.stderr
    with sqlite3.connect(target) as conn:
        assert conn.execute("SELECT count(*) FROM alembic_version").fetchone() == (0,)


def test_a_postgres_url_is_read_as_the_server_reads_it(tmp_path: Path) -> None:
    # given the postgres:// spelling the settings accept, of a server that does not answer
    url = "postgres://postgres@127.0.0.1:1/none"
    # when it is backed up, it is pg_dump that fails (the URL was understood), and nothing is left behind
    with pytest.raises(BackupFailed, match=r"^pg_dump failed: "):
        backup(url, tmp_path / "none.dump")
    assert list(tmp_path.iterdir()) == []

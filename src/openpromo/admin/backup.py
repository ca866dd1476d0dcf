"""``openpromo backup PATH``: a consistent copy of the database while the server keeps serving.

SQLite: SQLite's online backup API (``sqlite3.Connection.backup``), a few pages per step with a short
sleep between steps. The source connection holds one read transaction for the whole copy, so every
step reads the same WAL snapshot: writers go on appending to the WAL beside it, and the copy is the
database as it was when the backup started (without that read transaction, SQLite restarts a backup
whenever another connection writes, and under steady write load it need never finish).
PostgreSQL: ``pg_dump --format=custom``, which reads one snapshot the same way.

Both write to a temporary file beside PATH and rename it into place once complete, so a failed backup
leaves nothing behind that could be mistaken for one.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from openpromo.storage.database import normalize_url

PAGES_PER_STEP = 1024
"""4 MiB per step with SQLite's default page size of 4 KiB."""
STEP_PAUSE_SECONDS = 0.005


class BackupFailed(Exception):
    """A backup that could not be taken; its message is the one line the command prints."""


@dataclass(frozen=True, slots=True)
class Backup:
    path: Path
    size: int
    seconds: float

    def summary(self) -> str:
        return f"backup written: {self.path} ({_size(self.size)}, {self.seconds:.2f} s)"


def backup(database_url: str, path: Path, *, force: bool = False) -> Backup:
    """Copy the database at ``database_url`` to ``path`` (refused when it exists, unless ``force``)."""
    url = _parse(database_url)
    if path.exists() and not force:
        raise BackupFailed(f"{path} exists already (use --force to overwrite it)")
    if not path.parent.is_dir():
        raise BackupFailed(f"cannot write {path}: directory {path.parent} does not exist")
    started = time.monotonic()
    copy = _sqlite_backup if url.get_backend_name() == "sqlite" else _postgres_dump
    try:
        with _staged(path) as staging:
            copy(url, staging)
    except OSError as exc:
        raise BackupFailed(f"cannot write {path}: {exc.strerror or exc}") from None
    return Backup(path, path.stat().st_size, time.monotonic() - started)


def _parse(database_url: str) -> URL:
    """The URL as the server reads it (``postgres://`` is ``postgresql://``; the settings allow only
    SQLite and PostgreSQL)."""
    try:
        return make_url(normalize_url(database_url))
    except ArgumentError:
        raise BackupFailed(f"cannot read the database URL {database_url!r}") from None


@contextmanager
def _staged(path: Path) -> Iterator[Path]:
    """A temporary file beside ``path``, renamed to it when the block succeeds, removed otherwise."""
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    os.close(fd)
    staging = Path(name)
    try:
        yield staging
        os.replace(staging, path)
    finally:
        for leftover in (staging, Path(f"{staging}-wal"), Path(f"{staging}-shm")):
            leftover.unlink(missing_ok=True)


def _sqlite_backup(url: URL, target: Path) -> None:
    source = Path(url.database or "")
    if not source.is_file():
        raise BackupFailed(f"no SQLite database at {source}")
    try:
        with closing(_open_source(source)) as src, closing(sqlite3.connect(target)) as dst:
            _check_openpromo(src, source)
            src.backup(dst, pages=PAGES_PER_STEP, sleep=STEP_PAUSE_SECONDS)
    except sqlite3.Error as exc:
        raise BackupFailed(f"SQLite backup of {source} failed: {exc}") from None


def _open_source(source: Path) -> sqlite3.Connection:
    """Read-only, with one read transaction held until closed: the snapshot every step copies."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, isolation_level=None, timeout=30)
    src.execute("BEGIN")
    src.execute("SELECT count(*) FROM sqlite_master").fetchone()
    return src


def _check_openpromo(src: sqlite3.Connection, source: Path) -> None:
    found = src.execute("SELECT 1 FROM sqlite_master WHERE name = 'alembic_version'").fetchone()
    if found is None:
        raise BackupFailed(f"{source} is not an OpenPromo database (no schema version)")


def _postgres_dump(url: URL, target: Path) -> None:
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise BackupFailed("pg_dump not found on PATH: install the PostgreSQL client tools")
    command = [pg_dump, "--format=custom", "--no-password", f"--file={target}", _libpq_url(url)]
    env = {**os.environ, **({"PGPASSWORD": url.password} if url.password else {})}
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupFailed(f"pg_dump failed: {_first_line(done.stderr, done.returncode)}")


def _libpq_url(url: URL) -> str:
    """The URL as libpq reads it: no SQLAlchemy driver name, the password passed in the environment
    instead (a command line is visible to every user of the machine)."""
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False)


def _first_line(stderr: str, code: int) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    return lines[0].removeprefix("pg_dump: ") if lines else f"exit status {code}"


def _size(size: int) -> str:
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} bytes"


__all__ = ["Backup", "BackupFailed", "backup"]

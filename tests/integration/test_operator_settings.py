"""The settings and the command line as an operator meets them, through the real ``openpromo`` process:
a bad value is one line naming the setting and exit status 2 (from a variable and from a flag), a port
in use is reported before "listening", ``--version`` and every command's ``--help``; the flags reach the
worker processes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from openpromo.config import OPTIONS
from tests.conftest import Server, start_server, stop_server

HELP_COMMANDS = [
    ["serve"],
    ["migrate"],
    ["users"],
    ["users", "create"],
    ["users", "list"],
    ["users", "disable"],
    ["users", "enable"],
    ["users", "set-password"],
    ["keys"],
    ["keys", "create"],
    ["keys", "list"],
    ["keys", "revoke"],
    ["status"],
]

BAD_SETTINGS = [
    ("OPENPROMO_PORT", "--port", "abc", "must be an integer from 1 to 65535, got 'abc'"),
    ("OPENPROMO_WORKERS", "--workers", "0", "must be an integer of at least 1, got '0'"),
    ("OPENPROMO_POOL_SIZE", "--pool-size", "-3", "must be an integer of at least 1, got '-3'"),
    ("OPENPROMO_LOG_FORMAT", "--log-format", "xml", "must be one of json, text, got 'xml'"),
    (
        "OPENPROMO_DATABASE_URL",
        "--database-url",
        "mysql://admin:hunter2@db/shop",
        "must be sqlite:///PATH or postgresql://USER@HOST:PORT/DATABASE, got 'mysql://admin:***@db/shop'",
    ),
]
"""A sample through the real process; tests/unit/test_settings.py checks every setting's values."""


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENPROMO_")}
    return {**env, **extra}


def _run_all(
    runs: Sequence[tuple[list[str], dict[str, str]]], cwd: Path
) -> list[subprocess.CompletedProcess[str]]:
    """Run every ``openpromo`` command line at once (each is a short process) and wait for them all."""
    started = [
        (
            argv,
            subprocess.Popen(
                [sys.executable, "-m", "openpromo", *argv],
                env=env,
                cwd=cwd,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                stdin=subprocess.DEVNULL,
                text=True,
            ),
        )
        for argv, env in runs
    ]
    done = []
    for argv, process in started:
        out, err = process.communicate(timeout=120)
        done.append(subprocess.CompletedProcess(argv, process.returncode, out, err))
    return done


def test_each_bad_setting_is_one_line_naming_it_and_exit_2(tmp_path: Path) -> None:
    # given every bad value, once as its variable and once as its flag
    runs = [(["serve"], _env(**{variable: value})) for variable, _flag, value, _why in BAD_SETTINGS]
    runs += [(["serve", flag, value], _env()) for _variable, flag, value, _why in BAD_SETTINGS]
    # when serve starts with it
    results = _run_all(runs, tmp_path)
    # then it stops at once with one line naming the setting and what it must be, and no traceback
    names = [variable for variable, *_ in BAD_SETTINGS] + [flag for _, flag, *_ in BAD_SETTINGS]
    whys = [why for *_, why in BAD_SETTINGS] * 2
    for result, name, why in zip(results, names, whys, strict=True):
        assert result.returncode == 2, (result.args, result.stderr)
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"openpromo: {name} {why}"), result.stderr
        assert "listening" not in result.stdout
    assert "hunter2" not in "".join(r.stderr for r in results)
    assert not list(tmp_path.iterdir()), "a bad setting must not create a database"


def test_bad_usage_is_exit_2_and_a_failed_operation_exit_1_each_one_line(tmp_path: Path) -> None:
    runs = [
        (["frobnicate"], 2, "invalid choice: 'frobnicate'"),
        (["keys", "create"], 2, "one of the arguments --application --management is required"),
        (["keys", "create", "--application", "seven"], 2, "argument --application: invalid int value"),
        (["keys", "revoke"], 2, "the following arguments are required: id"),
        (["status", "--database-url", "mysql://x/y"], 2, "--database-url must be sqlite:///PATH"),
        (["users", "create", "--email", "a@example.com"], 2, "no terminal to ask for the password"),
        (
            ["status", "--database-url", "postgresql://postgres@127.0.0.1:1/none"],
            1,
            "cannot reach the database: ",
        ),
        (
            ["keys", "list", "--database-url", f"sqlite:///{tmp_path}/no/such/dir.db"],
            1,
            "cannot reach the database",
        ),
    ]
    for (argv, code, why), result in zip(
        runs, _run_all([(argv, _env()) for argv, *_ in runs], tmp_path), strict=True
    ):
        assert result.returncode == code, (argv, result.stderr)
        assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("openpromo"), result.stderr
        assert why in result.stderr, result.stderr
    assert not (tmp_path / "openpromo.db").exists()


def test_version_and_every_command_has_help_with_defaults(tmp_path: Path) -> None:
    # when
    version, *helps = _run_all(
        [(["--version"], _env())] + [([*argv, "--help"], _env()) for argv in HELP_COMMANDS], tmp_path
    )
    # then the version is the installed package's
    from importlib.metadata import version as installed

    assert version.returncode == 0 and version.stdout.strip() == f"openpromo {installed('openpromo')}"
    for argv, result in zip(HELP_COMMANDS, helps, strict=True):
        assert result.returncode == 0, (argv, result.stderr)
        assert result.stdout.startswith(f"usage: openpromo {' '.join(argv)}"), result.stdout
        assert "ACTION" in result.stdout if argv in (["users"], ["keys"]) else "default:" in result.stdout
    serve = " ".join(helps[0].stdout.split())
    for option in OPTIONS:  # every setting: its flag, its variable and its default
        assert f"{option.flag} {option.metavar}" in serve
        assert f"env {option.env}; default: {' '.join(option.default.split())})" in serve, option.env


def test_a_port_in_use_fails_before_listening(tmp_path: Path) -> None:
    # given a port something listens on
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        # when serve is asked to listen there
        (result,) = _run_all(
            [(["serve", "--port", str(port), "--database-url", f"sqlite:///{tmp_path / 'p.db'}"], _env())],
            tmp_path,
        )
    # then it says so in one line and exits 1, never claiming to listen
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines() == [
        f"openpromo: cannot listen on 127.0.0.1:{port}: Address already in use"
    ]
    assert "listening" not in result.stdout


@pytest.fixture(scope="module")
def flagged(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server of 2 workers whose settings come from flags only."""
    path = tmp_path_factory.mktemp("flags")
    flags = ["--max-body-bytes", "2000", "--token-lifetime", "1", "--pool-size", "2", "--pool-overflow", "1"]
    server = start_server(f"sqlite:///{path / 'f.db'}", path / "server.log", workers=2, extra=flags)
    yield server
    stop_server(server)


def test_flags_reach_the_workers(flagged: Server) -> None:
    # given a server whose body limit and token lifetime come from flags
    email = "flags@example.com"
    created = subprocess.run(
        [sys.executable, "-m", "openpromo", "users", "create", "--email", email, "--password-stdin"],
        env=_env(OPENPROMO_DATABASE_URL=flagged.database_url),
        input="a long password\n",
        capture_output=True,
        text=True,
        check=False,
    )
    assert created.returncode == 0, created.stderr
    with flagged.client() as client:
        token = client.post("/v1/sessions", json={"email": email, "password": "a long password"}).json()[
            "token"
        ]
        bearer = {"Authorization": f"Bearer {token}"}
        # when larger bodies come to every worker, then each refuses them (413)
        body = {"name": "x" * 3000, "timezone": "UTC", "currency": "EUR"}
        assert [client.post("/v1/applications", json=body, headers=bearer).status_code for _ in range(4)] == [
            413
        ] * 4
        assert client.get("/v1/applications", headers=bearer).status_code == 200
        # and the login token stops working after --token-lifetime's 1 second
        deadline = time.monotonic() + 15
        while client.get("/v1/applications", headers=bearer).status_code == 200:
            assert time.monotonic() < deadline, "the token outlived --token-lifetime"
            time.sleep(0.2)
        assert client.get("/v1/applications", headers=bearer).status_code == 401

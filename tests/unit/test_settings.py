"""Every setting read from its variable and from its flag: good values, bad values (one message naming
the variable or the flag), defaults, and the round trip to the workers' environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from openpromo.bootstrap import app_from_settings
from openpromo.config import OPTIONS, Settings, SettingsError, redact_url
from openpromo.storage.database import Database

BAD = [
    ("host", "a b", "must be a host name or an IP address"),
    ("port", "abc", "must be an integer from 1 to 65535, got 'abc'"),
    ("port", "0", "must be an integer from 1 to 65535, got '0'"),
    ("port", "65536", "must be an integer from 1 to 65535, got '65536'"),
    ("workers", "0", "must be an integer of at least 1, got '0'"),
    ("threads", "-1", "must be an integer of at least 0, got '-1'"),
    ("database_url", "mysql://u@h/db", "must be sqlite:///PATH or postgresql://USER@HOST:PORT/DATABASE"),
    ("database_url", "sqlite://", "must name a SQLite file (sqlite:///PATH), got 'sqlite://'"),
    ("database_url", "sqlite:///:memory:", "must name a SQLite file"),
    ("database_url", "openpromo.db", "must be sqlite:///PATH or postgresql://"),
    ("pool_size", "-1", "must be an integer of at least 1, got '-1'"),
    ("pool_overflow", "-1", "must be an integer of at least 0, got '-1'"),
    ("token_lifetime_seconds", "1.5", "must be an integer of at least 1, got '1.5'"),
    ("keepalive_requests", "lots", "must be an integer of at least 0, got 'lots'"),
    ("max_body_bytes", "0", "must be an integer of at least 1, got '0'"),
    ("max_upload_bytes", "10MB", "must be an integer of at least 1, got '10MB'"),
    ("log_level", "loud", "must be one of debug, info, warning, error, got 'loud'"),
    ("log_format", "xml", "must be one of json, text, got 'xml'"),
    ("access_log", "maybe", "must be on or off (1/0, true/false, yes/no), got 'maybe'"),
    ("database_wait_seconds", "-1", "must be a number of seconds of at least 0, got '-1'"),
    ("database_wait_seconds", "nan", "must be a number of seconds of at least 0, got 'nan'"),
]
OPTION = {option.field: option for option in OPTIONS}


@pytest.mark.parametrize(("field", "value", "why"), BAD)
def test_a_bad_value_names_its_variable_and_its_flag(field: str, value: str, why: str) -> None:
    option = OPTION[field]
    with pytest.raises(SettingsError) as from_env:
        Settings.from_env({option.env: value})
    assert str(from_env.value).startswith(f"{option.env} {why}")
    with pytest.raises(SettingsError) as from_flag:
        Settings.from_env({}, **{field: value})
    assert str(from_flag.value).startswith(f"{option.flag} {why}")


def test_a_database_password_never_shows() -> None:
    with pytest.raises(SettingsError) as error:
        Settings.from_env({"OPENPROMO_DATABASE_URL": "mysql://shop:s3cret@db/shop"})
    assert "s3cret" not in str(error.value) and "mysql://shop:***@db/shop" in str(error.value)
    assert redact_url("postgresql://app:pw@db:5432/x") == "postgresql://app:***@db:5432/x"
    assert redact_url("postgresql://app@db/x") == "postgresql://app@db/x"


def test_good_values_flags_win_and_defaults() -> None:
    env = {
        "OPENPROMO_PORT": "8000",
        "OPENPROMO_WORKERS": "4",
        "OPENPROMO_ACCESS_LOG": "off",
        "OPENPROMO_LOG_LEVEL": "WARNING",
        "OPENPROMO_DATABASE_URL": "postgresql://app@db:5432/promo",
        "OPENPROMO_POOL_OVERFLOW": "0",
        "OPENPROMO_DATABASE_WAIT": "2.5",
        "OPENPROMO_THREADS": " ",
    }
    settings = Settings.from_env(env, port="8001", access_log=True, demo=True)
    assert (settings.port, settings.workers, settings.access_log, settings.demo) == (8001, 4, True, True)
    assert (settings.log_level, settings.pool_overflow, settings.database_wait_seconds) == ("warning", 0, 2.5)
    assert settings.threads is None and settings.database_url == "postgresql://app@db:5432/promo"
    assert Settings.from_env({}) == Settings()


def test_the_workers_environment_gives_back_the_same_settings() -> None:
    # given settings from flags
    settings = Settings.from_env(
        {}, port=9100, workers=3, pool_size=4, token_lifetime_seconds=60, access_log=False
    )
    # when they are written as variables and read again (a worker process)
    exported = settings.to_env()
    # then every option is there and nothing changed
    assert set(exported) == {option.env for option in OPTIONS}
    assert exported["OPENPROMO_THREADS"] == "" and exported["OPENPROMO_ACCESS_LOG"] == "off"
    assert Settings.from_env(exported) == settings


@pytest.mark.filterwarnings(
    "ignore::litestar.exceptions.LitestarDeprecationWarning"
)  # Litestar 2's notice about the routes' raw bodies
def test_the_served_app_sizes_its_pool_from_the_settings(tmp_path: Path) -> None:
    # given pool settings
    settings = Settings.from_env({"OPENPROMO_DATABASE_URL": f"sqlite:///{tmp_path / 'pool.db'}"}, pool_size=3)
    settings = Settings.from_env({**settings.to_env(), "OPENPROMO_POOL_OVERFLOW": "1"})
    # when a worker builds its app
    app = app_from_settings(settings)
    # then its database pool has that size and overflow (the app disposes of that database at shutdown)
    database = app.on_shutdown[-1].__self__  # type: ignore[union-attr]
    assert isinstance(database, Database)
    assert (database.engine.pool.size(), database.engine.pool._max_overflow) == (3, 1)  # type: ignore[attr-defined]
    database.dispose()

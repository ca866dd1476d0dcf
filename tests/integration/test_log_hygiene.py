"""What error logs may not carry: forged lines from a request's path, and the values of SQL parameters
(customers' ids, attribute values)."""

from __future__ import annotations

import logging
from typing import Any

import pytest
import sqlalchemy as sa

from openpromo.api.errors import internal_error_handler
from openpromo.storage.database import Database


class _Url:
    path = "/v2/customer_sessions/x\n2026-12-07 ERROR forged line"


class _Request:
    method = "PUT"
    url = _Url()


def test_an_unhandled_error_logs_the_path_on_one_line(caplog: pytest.LogCaptureFixture) -> None:
    request: Any = _Request()
    with caplog.at_level(logging.ERROR):
        response = internal_error_handler(request, RuntimeError("boom"))
    assert response.status_code == 500
    [record] = [r for r in caplog.records if r.getMessage().startswith("unhandled error")]
    assert "\n" not in record.getMessage() and "\\n2026-12-07 ERROR forged line" in record.getMessage()


def test_database_errors_hide_their_parameters() -> None:
    database = Database("sqlite:///:memory:", in_memory=True)
    try:
        with database.engine.connect() as conn:
            conn.execute(sa.text("CREATE TABLE t (id INTEGER PRIMARY KEY)"))
            conn.execute(sa.text("INSERT INTO t (id) VALUES (:id)"), {"id": 424242})
            with pytest.raises(sa.exc.IntegrityError) as caught:
                conn.execute(sa.text("INSERT INTO t (id) VALUES (:id)"), {"id": 424242})
        assert "424242" not in str(caught.value) and "hidden" in str(caught.value)
    finally:
        database.dispose()

"""What error logs may not carry: forged lines from a request's path or an error's message, and the values
of SQL parameters (customers' ids, attribute values). (Keys, tokens, passwords and bodies in a served
run's log: ``tests/api/test_observability.py``.)"""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
import sqlalchemy as sa

from openpromo.api.errors import internal_error_handler
from openpromo.logs import JsonFormatter, TextFormatter
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


@pytest.mark.parametrize("formatter", [JsonFormatter(), TextFormatter()], ids=["json", "text"])
def test_an_unhandled_error_is_one_event_whatever_the_format(
    caplog: pytest.LogCaptureFixture, formatter: logging.Formatter
) -> None:
    # given an unhandled error whose message and path try to forge lines
    request: Any = _Request()
    with caplog.at_level(logging.ERROR):
        try:
            raise RuntimeError("boom\n2026-12-07T00:00:00.000Z ERROR forged")
        except RuntimeError as exc:
            internal_error_handler(request, exc)
    [record] = [r for r in caplog.records if r.getMessage().startswith("unhandled error")]
    # when it is written
    lines = formatter.format(record).split("\n")
    # then it is one line (JSON), or one line with its traceback indented under it (text)
    if isinstance(formatter, JsonFormatter):
        assert len(lines) == 1 and "forged" in json.loads(lines[0])["exception"]
    else:
        assert len(lines) > 1 and all(line.startswith("    ") for line in lines[1:])

"""The log formatters: one line per event, the request id on it, nothing that can forge a line."""

from __future__ import annotations

import json
import logging
import sys

import pytest

from openpromo.logs import CURRENT, JsonFormatter, RequestContext, TextFormatter, escape


def _record(message: str, *args: object, exc: bool = False, **extra: object) -> logging.LogRecord:
    exc_info = None
    if exc:
        try:
            raise ValueError("boom\nforged")
        except ValueError:
            exc_info = sys.exc_info()
    record = logging.LogRecord("openpromo.test", logging.WARNING, __file__, 1, message, args, exc_info)
    record.__dict__.update(extra)
    return record


def test_a_json_line_carries_time_level_logger_message_and_extra_fields() -> None:
    # given
    record = _record("hello %s", "world", status=200, route="/v2/x/{id}")
    record.created = 1_796_688_000.25
    # when
    line = JsonFormatter().format(record)
    # then
    assert json.loads(line) == {
        "time": "2026-12-08T00:00:00.250Z",
        "level": "warning",
        "logger": "openpromo.test",
        "message": "hello world",
        "status": 200,
        "route": "/v2/x/{id}",
    }


def test_a_line_inside_a_request_names_its_id() -> None:
    token = CURRENT.set(RequestContext("req-1"))
    try:
        json_line = json.loads(JsonFormatter().format(_record("inside")))
        text_line = TextFormatter().format(_record("inside"))
    finally:
        CURRENT.reset(token)
    assert json_line["request_id"] == "req-1"
    assert text_line.endswith(" inside request_id=req-1")


def test_json_escapes_newlines_and_keeps_the_traceback_in_the_object() -> None:
    line = JsonFormatter().format(_record("a\nb\r\nc %s", "x\ny", exc=True, note="n\nm"))
    assert "\n" not in line and "\r" not in line
    parsed = json.loads(line)
    assert parsed["message"] == "a\nb\r\nc x\ny" and parsed["note"] == "n\nm"
    assert "ValueError: boom" in parsed["exception"]


def test_text_escapes_newlines_and_indents_the_traceback() -> None:
    # given a message, an argument and a field that each try to start a line of their own
    record = _record("path %s", "x\n2026-12-08 ERROR forged", exc=True, note="a\rb")
    # when
    lines = TextFormatter().format(record).split("\n")
    # then the event is the first line, and each line after it is an indented line of the traceback
    first = lines[0]
    assert " WARNING openpromo.test path x\\n2026-12-08 ERROR forged note=a\\rb" in first
    assert len(lines) > 1 and all(line.startswith("    ") for line in lines[1:])
    assert "    ValueError: boom" in lines and "    forged" in lines


@pytest.mark.parametrize(
    ("text", "escaped"),
    [("plain", "plain"), ("a\nb", "a\\nb"), ("a\rb", "a\\rb"), ("back\\n", "back\\\\n")],
)
def test_escape(text: str, escaped: str) -> None:
    assert escape(text) == escaped

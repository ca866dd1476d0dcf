"""Logging: one line per event on standard error, as JSON (one object per line) or as readable text, with
the id of the request it happened in.

``install`` sets it up once per process (the ``serve`` parent and every worker) from ``Settings``; uvicorn's
loggers propagate to the same handler (uvicorn's own access log stays off: ``api.access`` writes ours).
The request id lives in a context variable (``RequestContext``), set by ``api.access`` for the length of a
request; a use case run in the thread pool sees it too (anyio copies the context into the thread).

A line never holds a value that could forge another one: JSON escapes control characters, and the text
format writes ``\\n`` and ``\\r`` as escapes; a traceback's lines follow the event, each indented, so none
can pass for an event of its own.
"""

from __future__ import annotations

import logging
import time
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TextIO

import msgspec

LEVELS = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warning": logging.WARNING,
    "error": logging.ERROR,
}


@dataclass(slots=True)
class RequestContext:
    """What the log knows of the request being served: its id, and its application once a key named it."""

    request_id: str
    application_id: int | None = None


CURRENT: ContextVar[RequestContext | None] = ContextVar("openpromo_request", default=None)
"""The request being served in this context (None outside requests)."""


def note_application(application_id: int) -> None:
    """The request being served acts in ``application_id`` (its Integration API key said so)."""
    context = CURRENT.get()
    if context is not None:
        context.application_id = application_id


_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
    "color_message",  # uvicorn's message with terminal colours
}
"""A log record's own attributes: anything else on a record came from ``extra=`` and is a field."""


_second: list[Any] = [None, ""]
"""The last second formatted, and its text (most lines of a busy server share their second)."""


def _timestamp(created: float) -> str:
    """RFC 3339 in UTC with milliseconds: ``2026-12-08T00:05:01.123Z``."""
    seconds = int(created)
    last = _second
    if last[0] != seconds:
        last[1], last[0] = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)), seconds
    return f"{last[1]}.{int((created - seconds) * 1000):03d}Z"


def _logger(name: str) -> str:
    """The logger's name as written: uvicorn's general logger is ``uvicorn.error`` for history's sake,
    written ``uvicorn`` (its lines are no errors)."""
    return "uvicorn" if name == "uvicorn.error" else name


def _fields(record: logging.LogRecord) -> dict[str, Any]:
    """The record's extra fields, in the order given."""
    return {name: value for name, value in record.__dict__.items() if name not in _STANDARD}


def _request_id() -> str | None:
    context = CURRENT.get()
    return context.request_id if context is not None else None


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ``time``, ``level``, ``logger``, ``message``, ``request_id`` (inside a
    request), the record's extra fields, and ``exception`` (the traceback) when there is one."""

    _encoder = msgspec.json.Encoder(enc_hook=str)

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": _timestamp(record.created),
            "level": record.levelname.lower(),
            "logger": _logger(record.name),
            "message": record.getMessage(),
        }
        request_id = _request_id()
        if request_id is not None:
            line["request_id"] = request_id
        line.update(_fields(record))
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            line["exception"] = record.exc_text
        return self._encoder.encode(line).decode()


def escape(text: str) -> str:
    """``text`` on one line: backslashes, ``\\n`` and ``\\r`` written as escapes."""
    if "\\" in text or "\n" in text or "\r" in text:
        return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
    return text


class TextFormatter(logging.Formatter):
    """``TIME LEVEL LOGGER MESSAGE key=value ... request_id=ID`` on one line (values escaped), then the
    traceback, if any, indented under it."""

    def format(self, record: logging.LogRecord) -> str:
        parts = [
            _timestamp(record.created),
            record.levelname,
            _logger(record.name),
            escape(record.getMessage()),
        ]
        parts.extend(f"{name}={escape(str(value))}" for name, value in _fields(record).items())
        request_id = _request_id()
        if request_id is not None:
            parts.append(f"request_id={request_id}")
        line = " ".join(parts)
        if record.exc_info:
            trace = self.formatException(record.exc_info)
            line += "".join(f"\n    {escape(row)}" for row in trace.splitlines())
        return line


def install(level: str = "info", log_format: str = "text", stream: TextIO | None = None) -> None:
    """Log to ``stream`` (standard error) as ``log_format`` (``json`` or ``text``) from ``level`` up,
    replacing the root logger's handlers; uvicorn's loggers send their records to the same handler.
    Called again (a worker started by a parent that installed already), it replaces the earlier one."""
    # What the formatters never show is not gathered for each record either (the logging HOWTO's
    # "Optimization": the caller's file and line, the thread's and the process's names).
    logging._srcfile = None
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(LEVELS.get(level, logging.INFO))
    for name in ("uvicorn", "uvicorn.error"):
        uvicorn_logger = logging.getLogger(name)
        uvicorn_logger.handlers.clear()
        uvicorn_logger.propagate = True
        uvicorn_logger.setLevel(logging.NOTSET)
    access = logging.getLogger("uvicorn.access")  # ours is ``openpromo.access``
    access.handlers.clear()
    access.propagate = False


__all__ = [
    "CURRENT",
    "LEVELS",
    "JsonFormatter",
    "RequestContext",
    "TextFormatter",
    "escape",
    "install",
    "note_application",
]

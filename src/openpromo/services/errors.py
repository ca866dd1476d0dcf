"""Service-layer errors. They know nothing about HTTP; ``openpromo.api.errors`` maps them to status codes.

ServiceError
├── InvalidInput      (400) bad input; ``pointer`` names the JSON field, ``parameter`` the query parameter
├── Unauthorized      (401) missing, unknown, expired or revoked credentials
├── Forbidden         (403) valid credentials that may not do this
├── NotFound          (404) an unknown id, or one that belongs to another application or account
├── Conflict          (409) a parallel writer, a duplicate, or a replayed idempotency key with another body
├── TooManyRequests   (429) refused for now; ``retry_after`` says when to try again
└── Unavailable       (503) the database does not answer (storage raises it); ``reason`` is for the log only
    └── Busy          (503) SQLite's writer was not free in time (the database is up)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ErrorDetail:
    """One entry of ``errors[]``: what went wrong and where."""

    title: str
    details: str = ""
    pointer: str | None = None
    parameter: str | None = None


class ServiceError(Exception):
    """Root of every error a use case raises on purpose."""

    def __init__(self, message: str, details: list[ErrorDetail] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []


class InvalidInput(ServiceError):
    def __init__(
        self,
        details: str,
        *,
        pointer: str | None = None,
        parameter: str | None = None,
        title: str = "Invalid input",
        message: str = "The submitted data was invalid",
    ) -> None:
        super().__init__(message, [ErrorDetail(title, details, pointer, parameter)])


class Unauthorized(ServiceError):
    def __init__(self, message: str = "Unauthorized") -> None:
        super().__init__(message, [ErrorDetail("Unauthorized", message)])


class Forbidden(ServiceError):
    def __init__(self, message: str = "Forbidden") -> None:
        super().__init__(message, [ErrorDetail("Forbidden", message)])


class NotFound(ServiceError):
    def __init__(self, what: str, ident: object = None) -> None:
        message = f"{what} not found" if ident is None else f"{what} {ident} not found"
        super().__init__(message, [ErrorDetail("Not found", message)])


class Conflict(ServiceError):
    def __init__(self, message: str, *, pointer: str | None = None) -> None:
        super().__init__(message, [ErrorDetail("Conflict", message, pointer)])


class TooManyRequests(ServiceError):
    """Refused for now: the caller may try again after ``retry_after`` seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message, [ErrorDetail("Too many requests", message)])
        self.retry_after = retry_after


class Unavailable(ServiceError):
    """The database cannot be reached (connection refused or lost, file gone, disk I/O): nothing the
    caller did; the same request may succeed after ``retry_after`` seconds. ``reason`` says what the
    driver reported, for the operator's log; the client is told only that the service is unavailable."""

    def __init__(self, reason: str, retry_after: int = 5) -> None:
        message = "The database is unavailable"
        super().__init__(
            message, [ErrorDetail("Service unavailable", "the database does not answer; try again")]
        )
        self.reason = reason
        self.retry_after = retry_after


class Busy(Unavailable):
    """The database answers but its one writer (SQLite) was not free within the write lock's timeout:
    the database is up, only this request waited too long; a 503 like ``Unavailable``."""

    def __init__(self, reason: str, retry_after: int = 1) -> None:
        super().__init__(reason, retry_after)
        self.message = "The database is busy"
        self.details = [
            ErrorDetail("Service unavailable", "the database is busy with other writes; try again")
        ]


def raise_problems(problems: Sequence[ErrorDetail]) -> None:
    if problems:
        error = InvalidInput(problems[0].details, pointer=problems[0].pointer, title=problems[0].title)
        error.details = list(problems)
        raise error


__all__ = [
    "Busy",
    "Conflict",
    "ErrorDetail",
    "Forbidden",
    "InvalidInput",
    "NotFound",
    "ServiceError",
    "TooManyRequests",
    "Unauthorized",
    "Unavailable",
    "raise_problems",
]

"""``Idempotency-Key`` on Integration API writes (DOMAIN A5): the same key with the same body within
24 hours replays the stored response; with another body it is a 409.

The stored response is written right after the use case commits, in its own short transaction (the
HTTP layer encodes the response, so it cannot join the use case's transaction); a crash between the
two lets one retry run the use case again, which the session locks and limits keep safe.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from openpromo.services.errors import Conflict, InvalidInput
from openpromo.services.ports import Clock, UnitOfWorkFactory

RETENTION = timedelta(hours=24)
MAX_KEY_LENGTH = 255


@dataclass(frozen=True, slots=True)
class StoredResponse:
    status_code: int
    body: bytes


def fingerprint(method: str, path: str, query: str, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), query.encode(), body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


class IdempotencyService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def replay(self, application_id: int, key: str, request_hash: str) -> StoredResponse | None:
        """The stored response for this key, None when there is none (or it has expired)."""
        if not key or len(key) > MAX_KEY_LENGTH:
            raise InvalidInput(
                f"an Idempotency-Key has 1 to {MAX_KEY_LENGTH} characters", parameter="Idempotency-Key"
            )
        with self._uow(write=False) as uow:
            row = uow.records.find_one("idempotency_keys", application_id=application_id, key=key)
        if row is None or row["created"] <= self._clock.now() - RETENTION:
            return None
        if row["request_hash"] != request_hash:
            raise Conflict("this Idempotency-Key was used with another request")
        return StoredResponse(row["status_code"], bytes(row["response_body"]))

    def store(self, application_id: int, key: str, request_hash: str, status_code: int, body: bytes) -> None:
        now = self._clock.now()
        with self._uow() as uow:
            uow.records.delete_where("idempotency_keys", application_id=application_id, key=key)
            uow.records.insert(
                "idempotency_keys",
                {
                    "application_id": application_id,
                    "key": key,
                    "request_hash": request_hash,
                    "status_code": status_code,
                    "response_body": body,
                    "created": now,
                },
            )
            uow.commit()


__all__ = ["IdempotencyService", "StoredResponse", "fingerprint"]

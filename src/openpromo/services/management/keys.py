"""Keys an operator makes, lists and revokes (``openpromo keys``): the applications' Integration API keys
(made as ``createApplicationApiKey`` makes them) and management keys. A key is shown once, when it is
made; only its SHA-256 digest is stored."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from openpromo.services.access import require_application
from openpromo.services.auth import ManagementPrincipal, hash_key, new_key
from openpromo.services.errors import Conflict, InvalidInput, NotFound
from openpromo.services.management.applications import ApplicationService
from openpromo.services.models.applications import CreateApplicationAPIKey
from openpromo.services.models.base import Time
from openpromo.services.ports import Clock, Row, UnitOfWorkFactory

NEVER = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)
"""The expiry of an Integration API key made without one (the table requires an expiry)."""


@dataclass(frozen=True, slots=True)
class KeyInfo:
    id: int
    name: str
    application_id: int | None
    """None: a management key."""
    created: datetime
    expires: datetime | None
    """None: never."""
    root: bool = False


@dataclass(frozen=True, slots=True)
class NewKey:
    info: KeyInfo
    key: str
    """The key itself: shown this once."""


def _integration(row: Row) -> KeyInfo:
    expires = None if row["expires"] >= NEVER else row["expires"]
    return KeyInfo(row["id"], row["title"], row["application_id"], row["created"], expires)


def _management(row: Row) -> KeyInfo:
    return KeyInfo(row["id"], row["name"], None, row["created"], row["expiry_date"], bool(row["is_root"]))


def _check(name: str, expires: datetime | None, now: datetime) -> None:
    if not name.strip() or len(name) > 255:
        raise InvalidInput("a key's name needs 1 to 255 characters", pointer="/name")
    if expires is not None and expires <= now:
        raise InvalidInput("a key must expire in the future", pointer="/expires")


class KeyService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock
        self._applications = ApplicationService(uow, clock)

    def create_integration(
        self, principal: ManagementPrincipal, application_id: int, name: str, expires: datetime | None
    ) -> NewKey:
        _check(name, expires, self._clock.now())
        until = expires or NEVER
        data = CreateApplicationAPIKey(title=name, expires=Time.combine(until.date(), until.time(), UTC))
        made = self._applications.create_api_key(principal, application_id, data)
        info = KeyInfo(made.id, made.title, application_id, made.created, expires)
        return NewKey(info, made.key)

    def create_management(
        self, principal: ManagementPrincipal, name: str, expires: datetime | None
    ) -> NewKey:
        now = self._clock.now()
        _check(name, expires, now)
        key = new_key()
        row = {
            "account_id": principal.account_id,
            "created": now,
            "name": name,
            "key_hash": hash_key(key),
            "expiry_date": expires,
            "created_by": principal.user_id,
        }
        with self._uow() as uow:
            key_id = uow.records.insert("management_keys", row)
            uow.commit()
        return NewKey(KeyInfo(key_id, name, None, now, expires), key)

    def list(self, principal: ManagementPrincipal, application_id: int | None = None) -> list[KeyInfo]:
        """The keys in force: one application's Integration API keys, or every key of the account."""
        account = principal.account_id
        with self._uow(write=False) as uow:
            if application_id is not None:
                require_application(uow.records, account, application_id)
                where = {"application_id": application_id, "deleted": False}
                return [_integration(r) for r in uow.records.find("api_keys", where).rows]
            managed = uow.records.find("management_keys", {"account_id": account, "disabled": False})
            apps = uow.records.find("api_keys", {"account_id": account, "deleted": False})
        return [*map(_management, managed.rows), *map(_integration, apps.rows)]

    def revoke(self, principal: ManagementPrincipal, key_id: int, *, management: bool = False) -> KeyInfo:
        """Revoke a key: the next request with it is refused (401) on every worker."""
        table, live = ("management_keys", "disabled") if management else ("api_keys", "deleted")
        with self._uow() as uow:
            row = uow.records.get(table, key_id, account_id=principal.account_id)
            if row is None or row[live]:
                raise NotFound("management key" if management else "API key", key_id)
            if management and row["is_root"]:
                raise Conflict("the root management key cannot be revoked: set OPENPROMO_MANAGEMENT_KEY")
            uow.records.update(table, key_id, {live: True})
            uow.commit()
        return _management(row) if management else _integration(row)


__all__ = ["NEVER", "KeyInfo", "KeyService", "NewKey"]

"""Campaign Manager users an operator lists, disables, enables and gives a new password (``openpromo
users``). A disabled user cannot log in, and their tokens stop working; a new password ends every token
the user had."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from openpromo.services.auth import ManagementPrincipal, check_password, hash_password
from openpromo.services.errors import NotFound
from openpromo.services.ports import Clock, Records, Row, UnitOfWorkFactory

ACTIVE = "active"
DISABLED = "disabled"


@dataclass(frozen=True, slots=True)
class UserInfo:
    id: int
    email: str
    name: str
    state: str
    created: datetime


def _info(row: Row) -> UserInfo:
    return UserInfo(row["id"], row["email"], row["name"], row["state"], row["created"])


def _require(records: Records, principal: ManagementPrincipal, email: str) -> Row:
    row = records.find_one("users", account_id=principal.account_id, email=email.strip().lower())
    if row is None:
        raise NotFound("user", email)
    return row


class UserService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def list(self, principal: ManagementPrincipal) -> list[UserInfo]:
        with self._uow(write=False) as uow:
            return [_info(r) for r in uow.records.find("users", {"account_id": principal.account_id}).rows]

    def set_state(self, principal: ManagementPrincipal, email: str, state: str) -> UserInfo:
        """``DISABLED``: no login, and the user's tokens are ended; ``ACTIVE``: may log in again."""
        with self._uow() as uow:
            row = _require(uow.records, principal, email)
            uow.records.update("users", row["id"], {"state": state, "modified": self._clock.now()})
            if state != ACTIVE:
                uow.records.delete_where("auth_tokens", user_id=row["id"])
            uow.commit()
        return _info({**row, "state": state})

    def set_password(self, principal: ManagementPrincipal, email: str, password: str) -> UserInfo:
        check_password(password)
        with self._uow() as uow:
            row = _require(uow.records, principal, email)
            values = {"password_hash": hash_password(password), "modified": self._clock.now()}
            uow.records.update("users", row["id"], values)
            uow.records.delete_where("auth_tokens", user_id=row["id"])
            uow.commit()
        return _info(row)


__all__ = ["ACTIVE", "DISABLED", "UserInfo", "UserService"]

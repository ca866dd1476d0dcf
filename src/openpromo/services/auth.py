"""Credentials: Integration API keys, management keys, users and their login tokens.

Keys are 256-bit random tokens, so a SHA-256 digest is a safe stored form; passwords get Argon2id
(``argon2-cffi``, its parameters stored in the hash). A password stored with scrypt by an earlier version
is verified as it was and upgraded to Argon2id at the next successful login. Lookups go by digest, then
the digests are compared with ``hmac.compare_digest``.

An Integration API key, once verified, is remembered by the worker with the configuration version it
was verified at (key writes are configuration: they bump ``config_state``). Every Integration use case
checks its key against its application's snapshot in its own transaction (``Snapshot.api_keys``), so
a deleted key is refused by the next request on every worker; the remembered key is verified again
once the worker has seen a newer configuration.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from openpromo.services.errors import Conflict, InvalidInput, TooManyRequests, Unauthorized
from openpromo.services.ports import Clock, Records, Row, UnitOfWorkFactory

log = logging.getLogger("openpromo.auth")

ACCOUNT_ID = 1
TOKEN_LIFETIME = timedelta(hours=12)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_key() -> str:
    return secrets.token_hex(32)


PASSWORDS = PasswordHasher()
"""Argon2id with argon2-cffi's default parameters (RFC 9106's low-memory choice)."""


def hash_password(password: str) -> str:
    return PASSWORDS.hash(password)


def _scrypt(password: str, salt: bytes) -> str:
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1)
    return f"scrypt${salt.hex()}${digest.hex()}"


def check_password(password: str) -> None:
    if len(password) < 8:
        raise InvalidInput("a password needs at least 8 characters", pointer="/password")


def verify_password(password: str, stored: str) -> bool:
    if stored.startswith("scrypt$"):
        try:
            _scheme, salt_hex, _digest = stored.split("$")
            return hmac.compare_digest(_scrypt(password, bytes.fromhex(salt_hex)), stored)
        except ValueError:
            return False
    try:
        return PASSWORDS.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """Whether a verified password's hash should be written again (scrypt, or older Argon2 parameters)."""
    return stored.startswith("scrypt$") or PASSWORDS.check_needs_rehash(stored)


LIMITS = {"email": 5, "client": 20}
"""Failed logins a subject may make in ``WINDOW`` before it is refused for ``BLOCK``."""
WINDOW = timedelta(minutes=15)
BLOCK = timedelta(minutes=15)


class Throttle:
    """Failed logins by subject (``email:<address>``, ``client:<address>``) in ``login_failures``.

    Counts are kept per account in the database, so every worker and node sees them. Two failures at
    the same moment may count once (the row is read, then written): the block then comes one attempt
    later, never sooner."""

    def __init__(self, records: Records, now: datetime) -> None:
        self._records = records
        self._now = now

    def _row(self, subject: str) -> Row | None:
        return self._records.find_one("login_failures", account_id=ACCOUNT_ID, subject=subject)

    def blocked(self, subjects: Sequence[str]) -> int | None:
        """Seconds until the longest block of ``subjects`` ends; None when none is blocked."""
        waits = [
            math.ceil((row["blocked_until"] - self._now).total_seconds())
            for row in (self._row(s) for s in subjects)
            if row is not None and row["blocked_until"] is not None and row["blocked_until"] > self._now
        ]
        return max(waits) if waits else None

    def failed(self, subjects: Sequence[str]) -> None:
        for subject in subjects:
            row = self._row(subject)
            if row is None or row["window_start"] <= self._now - WINDOW:
                failures, start = 1, self._now
            else:
                failures, start = row["failures"] + 1, row["window_start"]
            over = failures >= LIMITS[subject.partition(":")[0]]
            self._records.delete_where("login_failures", account_id=ACCOUNT_ID, subject=subject)
            self._records.insert(
                "login_failures",
                {
                    "account_id": ACCOUNT_ID,
                    "subject": subject,
                    "failures": 0 if over else failures,
                    "window_start": self._now if over else start,
                    "blocked_until": self._now + BLOCK if over else None,
                },
            )

    def succeeded(self, subject: str) -> None:
        self._records.delete_where("login_failures", account_id=ACCOUNT_ID, subject=subject)


@dataclass(frozen=True, slots=True)
class IntegrationPrincipal:
    """An Integration API caller: everything it does happens inside its one application."""

    account_id: int
    application_id: int
    api_key_id: int
    staging: bool


@dataclass(frozen=True, slots=True)
class ManagementPrincipal:
    """A Management API caller: a management key (root or not) or a logged-in user."""

    account_id: int
    user_id: int | None
    key_id: int | None
    root: bool

    @property
    def actor_id(self) -> int:
        """The id recorded as ``createdBy``/``userId`` (0 for keys without a user)."""
        return self.user_id or 0


@dataclass(frozen=True, slots=True)
class LoginResult:
    token: str
    user_id: int
    created: datetime


@dataclass(frozen=True, slots=True)
class _KnownKey:
    principal: IntegrationPrincipal
    expires: datetime
    version: int


class AuthService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        seen_version: Callable[[int], int] = lambda _app: -1,
        token_lifetime: timedelta = TOKEN_LIFETIME,
    ) -> None:
        """``seen_version``: the newest configuration version this worker has seen for an application;
        ``token_lifetime``: how long a login token is valid (``OPENPROMO_TOKEN_LIFETIME``)."""
        self._uow = uow
        self._clock = clock
        self._token_lifetime = token_lifetime
        self._seen_version = seen_version
        self._known: dict[str, _KnownKey] = {}

    def integration(self, key: str) -> IntegrationPrincipal:
        digest = hash_key(key)
        known = self._known.get(digest)
        if known is None or self._seen_version(known.principal.application_id) > known.version:
            known = self._verify(digest)
        if known.expires <= self._clock.now():
            raise Unauthorized("API key expired")
        return known.principal

    def _verify(self, digest: str) -> _KnownKey:
        with self._uow(write=False) as uow:
            version = uow.sessions.config_version()
            row = uow.records.find_one("api_keys", key_hash=digest, deleted=False)
        if row is None or not hmac.compare_digest(row["key_hash"], digest):
            self._known.pop(digest, None)
            raise Unauthorized("Invalid API key")
        principal = IntegrationPrincipal(
            row["account_id"], row["application_id"], row["id"], row["type"] == "staging"
        )
        known = self._known[digest] = _KnownKey(principal, row["expires"], version)
        return known

    def management_key(self, key: str) -> ManagementPrincipal:
        digest = hash_key(key)
        with self._uow(write=False) as uow:
            row = uow.records.find_one("management_keys", key_hash=digest, disabled=False)
        if row is None or not hmac.compare_digest(row["key_hash"], digest):
            raise Unauthorized("Invalid management key")
        if row["expiry_date"] is not None and row["expiry_date"] <= self._clock.now():
            raise Unauthorized("Management key expired")
        return ManagementPrincipal(row["account_id"], row["created_by"], row["id"], row["is_root"])

    def bearer(self, token: str) -> ManagementPrincipal:
        digest = hash_key(token)
        with self._uow(write=False) as uow:
            row = uow.records.find_one("auth_tokens", token_hash=digest)
            user = uow.records.get("users", row["user_id"]) if row else None
        if row is None or user is None or user["state"] != "active":
            raise Unauthorized("Invalid token")
        if row["expires"] <= self._clock.now():
            raise Unauthorized("Token expired")
        return ManagementPrincipal(row["account_id"], row["user_id"], None, bool(user["is_admin"]))

    def login(self, email: str, password: str, client: str = "") -> LoginResult:
        """A token for the user; failed attempts are counted by email and by client (``Throttle``), and
        a subject over its limit is refused with 429 before its password is looked at."""
        now = self._clock.now()
        email = email.strip().lower()
        subjects = [f"email:{email[:300]}", *([f"client:{client[:90]}"] if client else [])]
        with self._uow() as uow:
            throttle = Throttle(uow.records, now)
            wait = throttle.blocked(subjects)
            if wait is not None:
                log.warning("login throttled for %r from %r", email, client)
                raise TooManyRequests("too many failed logins; try again later", wait)
            user = uow.records.find_one("users", email=email)
            if (
                user is None
                or user["state"] != "active"
                or not verify_password(password, user["password_hash"])
            ):
                throttle.failed(subjects)
                uow.commit()
                log.info("failed login for %r from %r", email, client)
                raise Unauthorized("Invalid email or password")
            throttle.succeeded(subjects[0])
            if needs_rehash(user["password_hash"]):
                uow.records.update("users", user["id"], {"password_hash": hash_password(password)})
            token = new_key()
            uow.records.insert(
                "auth_tokens",
                {
                    "token_hash": hash_key(token),
                    "account_id": user["account_id"],
                    "user_id": user["id"],
                    "created": now,
                    "expires": now + self._token_lifetime,
                },
            )
            uow.commit()
        return LoginResult(token=token, user_id=user["id"], created=now)

    def logout(self, token: str, principal: ManagementPrincipal) -> None:
        with self._uow() as uow:
            uow.records.delete_where("auth_tokens", token_hash=hash_key(token), user_id=principal.user_id)
            uow.commit()

    def create_user(self, email: str, password: str, *, name: str = "", admin: bool = True) -> int:
        email = email.strip().lower()
        if "@" not in email:
            raise InvalidInput("not an email address", pointer="/email")
        check_password(password)
        now = self._clock.now()
        with self._uow() as uow:
            if uow.records.find_one("users", email=email) is not None:
                raise Conflict(f"a user with email {email} exists already", pointer="/email")
            user_id = uow.records.insert(
                "users",
                {
                    "account_id": ACCOUNT_ID,
                    "created": now,
                    "modified": now,
                    "email": email,
                    "name": name,
                    "password_hash": hash_password(password),
                    "is_admin": admin,
                },
            )
            uow.commit()
        return user_id

    def ensure_account(self, configured_root_key: str | None) -> str | None:
        """Create the account on first start and make the root management key current.

        Returns a newly generated root key (to print once) when none was configured or stored.
        """
        now = self._clock.now()
        generated: str | None = None
        with self._uow() as uow:
            if uow.records.get("accounts", ACCOUNT_ID) is None:
                uow.records.insert("accounts", {"id": ACCOUNT_ID, "created": now, "name": "OpenPromo"})
            root = uow.records.find_one("management_keys", is_root=True)
            if configured_root_key:
                digest = hash_key(configured_root_key)
                if root is None:
                    uow.records.insert("management_keys", _root_key_row(digest, now))
                elif root["key_hash"] != digest:
                    uow.records.update("management_keys", root["id"], {"key_hash": digest})
            elif root is None:
                generated = new_key()
                uow.records.insert("management_keys", _root_key_row(hash_key(generated), now))
            uow.commit()
        return generated


def _root_key_row(digest: str, now: datetime) -> dict[str, object]:
    return {"account_id": ACCOUNT_ID, "created": now, "name": "root", "key_hash": digest, "is_root": True}


__all__ = [
    "ACCOUNT_ID",
    "TOKEN_LIFETIME",
    "AuthService",
    "IntegrationPrincipal",
    "LoginResult",
    "ManagementPrincipal",
    "Throttle",
    "check_password",
    "hash_key",
    "hash_password",
    "needs_rehash",
    "new_key",
    "verify_password",
]

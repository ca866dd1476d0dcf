"""Logins (spec: LoginParams, Session)."""

from __future__ import annotations

from datetime import datetime

from openpromo.services.models.base import Model, NonEmpty


class LoginParams(Model, kw_only=True):
    email: NonEmpty
    password: NonEmpty


class LoginSession(Model, kw_only=True):
    """The spec's ``Session``: a Bearer token for the Management API."""

    user_id: int
    token: str
    created: datetime


__all__ = ["LoginParams", "LoginSession"]

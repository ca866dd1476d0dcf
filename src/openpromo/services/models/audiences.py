"""Audiences on the wire (spec: NewAudience, UpdateAudience, Audience, AttributeQuery,
CustomerProfileAudienceRequest(Item))."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec

from openpromo.services.models.base import Int64, Model

AUDIENCE_ACTIONS = 1000
"""The most audience actions one ``POST /v2/customer_audiences`` takes."""

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=255)]


class NewAudience(Model, kw_only=True):
    name: Name
    sandbox: bool | None = None
    description: str | None = None
    integration: Annotated[str, msgspec.Meta(max_length=64)] | None = None
    integration_id: Annotated[str, msgspec.Meta(min_length=1, max_length=1000)] | None = None
    created_in3rd_party: bool | None = msgspec.field(default=None, name="createdIn3rdParty")
    last_update: datetime | None = None


class UpdateAudience(Model, kw_only=True):
    name: Name


class Audience(Model, kw_only=True):
    account_id: int
    id: int
    created: datetime
    name: str
    sandbox: bool | None = None
    description: str | None = None
    integration: str | None = None
    integration_id: str | None = None


AttributeQuery = dict[str, Any]
"""The attributes to set on every member of an audience."""


class AudienceAnalytics(Model, kw_only=True):
    audience_id: int
    members_count: int


class CustomerProfileAudienceRequestItem(Model, kw_only=True):
    action: Literal["add", "delete"]
    profile_integration_id: Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]
    audience_id: Int64


class CustomerProfileAudienceRequest(Model, kw_only=True):
    data: Annotated[list[CustomerProfileAudienceRequestItem], msgspec.Meta(max_length=AUDIENCE_ACTIONS)] = (
        msgspec.field(default_factory=list)
    )


__all__ = [
    "AUDIENCE_ACTIONS",
    "AttributeQuery",
    "Audience",
    "AudienceAnalytics",
    "CustomerProfileAudienceRequest",
    "CustomerProfileAudienceRequestItem",
    "NewAudience",
    "UpdateAudience",
]

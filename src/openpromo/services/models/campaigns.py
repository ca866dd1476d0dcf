"""Campaigns, rulesets and evaluation groups (spec: NewCampaign (2021 document), UpdateCampaign, Campaign,
NewRuleset, Ruleset, Rule, Binding, CodeGeneratorSettings, NewCampaignEvaluationGroup,
CampaignEvaluationGroup)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec

from openpromo.services.models.applications import LimitConfig
from openpromo.services.models.base import Attributes, Int64, Model, Name, Name255, NonEmpty, Time

CampaignState = Literal["enabled", "disabled", "archived"]
Feature = Literal["coupons", "referrals", "loyalty", "giveaways", "strikethrough", "achievements"]
CampaignType = Literal["cartItem", "advanced"]
EvaluationMode = Literal["stackable", "listOrder", "lowestDiscount", "highestDiscount"]
EvaluationScope = Literal["cartItem", "session"]
Tag = Annotated[str, msgspec.Meta(min_length=1, max_length=50)]
Tags = Annotated[list[Tag], msgspec.Meta(max_length=50)]
StoreIds = Annotated[list[Int64], msgspec.Meta(max_length=50)]


class CodeGeneratorSettings(Model, kw_only=True):
    valid_characters: list[str]
    coupon_pattern: Annotated[
        str, msgspec.Meta(min_length=3, max_length=100, pattern=r"^[A-Za-z0-9._%+@#-]+$")
    ]


class CampaignSettings(Model, kw_only=True):
    """What NewCampaign and UpdateCampaign share; v25 fields are accepted on creation too."""

    name: Name
    description: str | None = None
    start_time: Time | None = None
    end_time: Time | None = None
    attributes: Attributes | None = None
    active_ruleset_id: int | None = None
    tags: Tags
    features: list[Feature]
    coupon_settings: CodeGeneratorSettings | None = None
    referral_settings: CodeGeneratorSettings | None = None
    limits: list[LimitConfig]
    campaign_groups: list[Int64] | None = None
    evaluation_group_id: Int64 | None = None
    type: CampaignType | None = None
    linked_store_ids: StoreIds | None = None
    reevaluate_on_return: bool | None = None
    coupon_attributes: Attributes | None = None


class NewCampaign(CampaignSettings, kw_only=True):
    state: CampaignState = "enabled"


class UpdateCampaign(CampaignSettings, kw_only=True):
    state: CampaignState | None = None


class IntegrationCampaign(Model, kw_only=True):
    """A running campaign as the Integration API lists it (``integrationGetAllCampaigns``)."""

    id: int
    application_id: int
    name: str
    description: str | None = None
    start_time: datetime | None = None
    end_time: datetime | None = None
    attributes: Attributes | None = None
    state: Literal["enabled"]
    tags: list[str]
    features: list[str]


class Campaign(Model, kw_only=True):
    id: int
    created: datetime
    application_id: int
    user_id: int
    name: str
    description: str
    start_time: datetime | None = None
    end_time: datetime | None = None
    attributes: Attributes | None = None
    state: CampaignState
    active_ruleset_id: int | None = None
    tags: list[str]
    reevaluate_on_return: bool
    features: list[str]
    coupon_settings: CodeGeneratorSettings | None = None
    referral_settings: CodeGeneratorSettings | None = None
    limits: list[LimitConfig]
    campaign_groups: list[int] | None = None
    evaluation_group_id: int | None = None
    type: CampaignType
    linked_store_ids: list[int] | None = None
    coupon_attributes: Attributes | None = None
    coupon_redemption_count: int | None = None
    referral_redemption_count: int | None = None
    coupon_creation_count: int | None = None
    referral_creation_count: int | None = None
    updated: datetime | None = None
    frontend_state: Literal["expired", "scheduled", "running", "disabled", "archived", "staged"]
    stores_imported: bool
    version: int | None = None


class Binding(Model, kw_only=True):
    name: NonEmpty
    type: str | None = None
    expression: Any
    value_type: str | None = None
    min_value: Any = None
    max_value: Any = None
    attribute_id: int | None = None
    description: str | None = None


class Rule(Model, kw_only=True):
    id: str | None = None
    parent_id: str | None = None
    title: str
    description: str | None = None
    bindings: list[Binding] | None = None
    condition: Annotated[list[Any], msgspec.Meta(min_length=1)]
    effects: list[Any]


class NewRuleset(Model, kw_only=True):
    rules: list[Rule]
    strikethrough_rules: list[Rule] | None = None
    bindings: list[Binding]
    rb_version: Annotated[str, msgspec.Meta(max_length=16)] | None = None
    activate: bool | None = None


class Ruleset(Model, kw_only=True):
    id: int
    created: datetime
    user_id: int
    rules: list[Rule]
    strikethrough_rules: list[Rule] | None = None
    bindings: list[Binding]
    rb_version: str | None = None
    activate: bool | None = None
    campaign_id: int | None = None
    activated_at: datetime | None = None


class NewCampaignEvaluationGroup(Model, kw_only=True):
    name: Name255
    parent_id: Annotated[int, msgspec.Meta(ge=1, le=2**63 - 1)]
    description: str | None = None
    evaluation_mode: EvaluationMode
    evaluation_scope: EvaluationScope
    locked: bool


class CampaignEvaluationGroup(Model, kw_only=True):
    application_id: int
    name: str
    parent_id: int
    description: str | None = None
    evaluation_mode: EvaluationMode
    evaluation_scope: EvaluationScope
    locked: bool
    id: int


__all__ = [
    "Binding",
    "Campaign",
    "CampaignEvaluationGroup",
    "CampaignSettings",
    "CodeGeneratorSettings",
    "IntegrationCampaign",
    "NewCampaign",
    "NewCampaignEvaluationGroup",
    "NewRuleset",
    "Rule",
    "Ruleset",
    "UpdateCampaign",
]

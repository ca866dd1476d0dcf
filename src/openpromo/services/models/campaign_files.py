"""The campaign file: an application's campaigns as one self-describing JSON document, for version control.

``{"format": "openpromo.campaigns", "version": 1, "exportedAt": ..., "evaluationGroups": [...],
"campaigns": [...]}``. A campaign is what NewCampaign carries, with its active ruleset as NewRuleset
carries it (rules, bindings, strikethrough rules), and no ids that only mean something in one
application: its evaluation group by name (``null``: the application's base group), its stores by
integration id. Unknown fields are refused, so a typo is an error instead of a silent default.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec

from openpromo.services.models.applications import LimitConfig
from openpromo.services.models.base import Attributes, Int64, Model, Name, Name255, Time
from openpromo.services.models.campaigns import (
    Binding,
    CampaignState,
    CampaignType,
    CodeGeneratorSettings,
    EvaluationMode,
    EvaluationScope,
    Feature,
    Rule,
    Tags,
)

FORMAT = "openpromo.campaigns"
VERSION = 1


class FileModel(Model, forbid_unknown_fields=True, omit_defaults=False, kw_only=True):
    """Every field written out, defaults too: the file says everything it means."""


class FileRule(Rule, forbid_unknown_fields=True, kw_only=True):
    pass


class FileBinding(Binding, forbid_unknown_fields=True, kw_only=True):
    pass


class FileLimit(LimitConfig, forbid_unknown_fields=True, kw_only=True):
    pass


class FileCodeSettings(CodeGeneratorSettings, forbid_unknown_fields=True, kw_only=True):
    pass


class RulesetEntry(FileModel, kw_only=True):
    rules: list[FileRule]
    strikethrough_rules: list[FileRule] | None = None
    bindings: list[FileBinding] = msgspec.field(default_factory=list)
    rb_version: Annotated[str, msgspec.Meta(max_length=16)] | None = None


class GroupEntry(FileModel, kw_only=True):
    """An evaluation group; ``parent`` by name, ``null`` for the application's base group."""

    name: Name255
    parent: str | None = None
    description: str | None = None
    evaluation_mode: EvaluationMode
    evaluation_scope: EvaluationScope
    locked: bool = False


class CampaignEntry(FileModel, kw_only=True):
    name: Name
    description: str = ""
    state: CampaignState = "enabled"
    type: CampaignType = "advanced"
    start_time: Time | None = None
    end_time: Time | None = None
    attributes: Attributes | None = None
    tags: Tags = msgspec.field(default_factory=list)
    features: list[Feature] = msgspec.field(default_factory=list)
    coupon_settings: FileCodeSettings | None = None
    referral_settings: FileCodeSettings | None = None
    limits: list[FileLimit] = msgspec.field(default_factory=list)
    campaign_groups: list[Int64] | None = None
    linked_stores: list[str] | None = None
    """The integration ids of the application's stores the campaign is linked to."""
    reevaluate_on_return: bool = False
    coupon_attributes: Attributes | None = None
    evaluation_group: str | None = None
    ruleset: RulesetEntry | None = None


class CampaignFile(FileModel, kw_only=True):
    format: Literal["openpromo.campaigns"]
    version: Literal[1]
    exported_at: datetime | None = None
    application_id: int | None = None
    """The application it was exported from (information only: an import names its target)."""
    evaluation_groups: list[GroupEntry] = msgspec.field(default_factory=list)
    campaigns: list[CampaignEntry]


class ImportReport(Model, kw_only=True):
    """What an import created, updated and left alone (by name); ``dry_run``: nothing was written."""

    created: list[str]
    updated: list[str]
    unchanged: list[str]
    groups_created: list[str]
    dry_run: bool


__all__ = [
    "FORMAT",
    "VERSION",
    "CampaignEntry",
    "CampaignFile",
    "FileBinding",
    "FileCodeSettings",
    "FileLimit",
    "FileModel",
    "FileRule",
    "GroupEntry",
    "ImportReport",
    "RulesetEntry",
]

"""Customer profiles on the wire (spec: CustomerProfileIntegrationRequestV2, ProfileAudiencesChanges,
CustomerProfileIntegrationResponseV2, MultipleCustomerProfileIntegrationRequest(Item),
MultipleCustomerProfileIntegrationResponseV2, CustomerProfileUpdateV2Response)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec

from openpromo.services.models.base import Attributes, Model
from openpromo.services.models.sessions import CustomerProfile, Effect, RuleFailureReason

ProfileResponseContent = Literal[
    "customerProfile", "triggeredCampaigns", "loyalty", "event", "awardedGiveaways", "ruleFailureReasons"
]


class ProfileAudiencesChanges(Model, kw_only=True):
    adds: list[int]
    deletes: list[int]


class CustomerProfileIntegrationRequestV2(Model, kw_only=True):
    attributes: Attributes | None = None
    evaluable_campaign_ids: list[int] | None = None
    response_content: list[ProfileResponseContent] | None = None
    audiences_changes: ProfileAudiencesChanges | None = None


class CustomerProfileIntegrationResponseV2(Model, kw_only=True):
    customer_profile: CustomerProfile | None = None
    event: dict[str, Any] | None = None
    loyalty: dict[str, Any] | None = None
    triggered_campaigns: list[Any] | None = None
    rule_failure_reasons: list[RuleFailureReason] | None = None
    awarded_giveaways: list[Any] | None = None
    effects: list[Effect]
    created_coupons: list[Any]
    created_referrals: list[Any]


class MultipleCustomerProfileIntegrationRequestItem(Model, kw_only=True):
    attributes: Attributes | None = None
    integration_id: Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]


class MultipleCustomerProfileIntegrationRequest(Model, kw_only=True):
    customer_profiles: Annotated[
        list[MultipleCustomerProfileIntegrationRequestItem], msgspec.Meta(max_length=1000)
    ]


class CustomerProfileUpdateV2Response(Model, kw_only=True):
    customer_profile: CustomerProfile


class MultipleCustomerProfileIntegrationResponseV2(Model, kw_only=True):
    integration_states: list[CustomerProfileUpdateV2Response]


__all__ = [
    "CustomerProfileIntegrationRequestV2",
    "CustomerProfileIntegrationResponseV2",
    "CustomerProfileUpdateV2Response",
    "MultipleCustomerProfileIntegrationRequest",
    "MultipleCustomerProfileIntegrationRequestItem",
    "MultipleCustomerProfileIntegrationResponseV2",
    "ProfileAudiencesChanges",
]

"""Customer profiles through the Integration API: update one (optionally running the rules, whose
effects commit at once, DOMAIN A1), or up to 1000 at a time (never running rules).

Attributes merge key by key (a key sent replaces the stored value; keys not sent stay). Profiles are
account-level: every application of the account sees the same profile.
"""

from __future__ import annotations

from openpromo.services.access import application_snapshot
from openpromo.services.attributes import Definitions, check_attributes
from openpromo.services.auth import IntegrationPrincipal
from openpromo.services.errors import ErrorDetail, InvalidInput, raise_problems
from openpromo.services.evaluation import ProfileUpdate
from openpromo.services.evaluation.documents import profile_record
from openpromo.services.integration.base import IntegrationService
from openpromo.services.models.profiles import (
    CustomerProfileIntegrationRequestV2,
    CustomerProfileIntegrationResponseV2,
    CustomerProfileUpdateV2Response,
    MultipleCustomerProfileIntegrationRequest,
    MultipleCustomerProfileIntegrationResponseV2,
)


class ProfileService(IntegrationService):
    def update(
        self,
        principal: IntegrationPrincipal,
        integration_id: str,
        request: CustomerProfileIntegrationRequestV2,
        *,
        run_rule_engine: bool = False,
        dry: bool = False,
    ) -> CustomerProfileIntegrationResponseV2:
        if dry and not run_rule_engine:
            raise InvalidInput("dry needs runRuleEngine=true", parameter="dry")
        if request.response_content and not run_rule_engine:
            raise InvalidInput("responseContent needs runRuleEngine=true", pointer="/responseContent")
        if not integration_id or len(integration_id) > 1000:
            raise InvalidInput("a profile id has 1 to 1000 characters", parameter="integrationId")
        subject = ProfileUpdate(principal, integration_id, request, run_rule_engine=run_rule_engine, dry=dry)
        state = self._pipeline.run(subject, self._clock.now()).state()
        return CustomerProfileIntegrationResponseV2(
            effects=state.effects,
            created_coupons=state.created_coupons,
            created_referrals=state.created_referrals,
            customer_profile=state.customer_profile,
            event=state.event,
            loyalty=state.loyalty,
            triggered_campaigns=state.triggered_campaigns,
            rule_failure_reasons=state.rule_failure_reasons,
            awarded_giveaways=state.awarded_giveaways,
        )

    def update_many(
        self, principal: IntegrationPrincipal, request: MultipleCustomerProfileIntegrationRequest
    ) -> MultipleCustomerProfileIntegrationResponseV2:
        """Up to 1000 profiles at once; rules never run here."""
        now = self._clock.now()
        with self._uow() as uow:
            definitions = application_snapshot(self._snapshots, uow, principal).definitions
            raise_problems(_problems(request, definitions))
            wanted = sorted({item.integration_id for item in request.customer_profiles})
            stored = {
                row["integration_id"]: row
                for row in uow.records.find(
                    "customer_profiles", {"account_id": principal.account_id, "integration_id": wanted}
                ).rows
            }
            merged = [
                (
                    item.integration_id,
                    {
                        **(
                            stored[item.integration_id]["attributes"] if item.integration_id in stored else {}
                        ),
                        **(item.attributes or {}),
                    },
                )
                for item in request.customer_profiles
            ]
            profiles = uow.sessions.save_profiles(principal.account_id, merged, now)
            states = [CustomerProfileUpdateV2Response(customer_profile=profile_record(p)) for p in profiles]
            uow.commit()
        return MultipleCustomerProfileIntegrationResponseV2(integration_states=states)


def _problems(
    request: MultipleCustomerProfileIntegrationRequest, definitions: Definitions
) -> list[ErrorDetail]:
    seen: set[str] = set()
    problems: list[ErrorDetail] = []
    for index, item in enumerate(request.customer_profiles):
        pointer = f"/customerProfiles/{index}"
        if item.integration_id in seen:
            problems.append(
                ErrorDetail("Invalid value", "a profile appears twice", f"{pointer}/integrationId")
            )
        seen.add(item.integration_id)
        problems += check_attributes(
            item.attributes or {}, "CustomerProfile", f"{pointer}/attributes", definitions
        )
    return problems


__all__ = ["ProfileService"]

"""Custom events through the Integration API (docs/events.md): ``trackEventV2`` evaluates the campaigns
that read the event and commits their effects at once; the older generation's ``trackEvent`` does the
same and answers the older ``IntegrationState``."""

from __future__ import annotations

from openpromo.services.auth import IntegrationPrincipal
from openpromo.services.errors import InvalidInput
from openpromo.services.evaluation import EventTrack
from openpromo.services.evaluation.answer import Answer
from openpromo.services.integration.base import IntegrationService
from openpromo.services.models.events import IntegrationEventV2Request, IntegrationEventV2Response, NewEvent
from openpromo.services.models.sessions import IntegrationStateV2


class EventService(IntegrationService):
    def track(
        self,
        principal: IntegrationPrincipal,
        request: IntegrationEventV2Request,
        *,
        dry: bool = False,
        force_complete: bool = False,
    ) -> IntegrationEventV2Response:
        if force_complete and not dry:
            raise InvalidInput("forceCompleteEvaluation needs dry=true", parameter="forceCompleteEvaluation")
        subject = EventTrack(
            principal,
            request.type,
            request.attributes or {},
            profile=request.profile_id,
            store=request.store_integration_id,
            cards=list(request.loyalty_cards or ()),
            content=frozenset(request.response_content or ()),
            only=request.evaluable_campaign_ids,
            dry=dry,
            complete=force_complete,
        )
        state = self._run(subject)
        return IntegrationEventV2Response(
            customer_profile=state.customer_profile,
            loyalty=state.loyalty,
            triggered_campaigns=state.triggered_campaigns,
            effects=state.effects,
            rule_failure_reasons=state.rule_failure_reasons,
            created_coupons=state.created_coupons,
            created_referrals=state.created_referrals,
            awarded_giveaways=state.awarded_giveaways,
            event=state.event,
        )

    def track_v1(self, principal: IntegrationPrincipal, request: NewEvent) -> IntegrationStateV2:
        """The older ``POST /v1/events``: the same evaluation; the answer has the profile and the event."""
        subject = EventTrack(
            principal,
            request.type,
            request.attributes,
            profile=request.profile_id,
            store=request.store_integration_id,
            cards=[],
            content=frozenset({"customerProfile", "event", "loyalty"}),
            only=None,
            dry=False,
            session=request.session_id or None,
        )
        return self._run(subject)

    def _run(self, subject: EventTrack) -> IntegrationStateV2:
        answer: Answer = self._pipeline.run(subject, self._clock.now())
        return answer.state()


__all__ = ["EventService"]

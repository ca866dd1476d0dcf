"""Custom events through the Integration API (docs/events.md): ``trackEventV2`` evaluates the campaigns
that read the event and commits their effects at once; the older generation's ``trackEvent`` does the
same and answers the older ``IntegrationState``."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from openpromo.services.access import application_snapshot
from openpromo.services.auth import IntegrationPrincipal
from openpromo.services.data.records import StoredSession
from openpromo.services.errors import InvalidInput
from openpromo.services.evaluation import EventTrack
from openpromo.services.evaluation.answer import Answer
from openpromo.services.evaluation.documents import session_record
from openpromo.services.integration.base import IntegrationService
from openpromo.services.models.events import (
    CustomerSession,
    IntegrationEventV2Request,
    IntegrationEventV2Response,
    IntegrationState,
    NewEvent,
)
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

    def track_v1(
        self, principal: IntegrationPrincipal, request: NewEvent, *, dry: bool = False
    ) -> IntegrationState:
        """The older ``POST /v1/events``: the same evaluation, for the session the event names (an empty
        open one when the application has none of that id); the answer has the session, the profile and
        the event."""
        if not request.profile_id:
            raise InvalidInput("the older events need a profileId", pointer="/profileId")
        subject = EventTrack(
            principal,
            request.type,
            request.attributes,
            profile=request.profile_id,
            store=request.store_integration_id,
            cards=[],
            content=frozenset({"customerProfile", "event", "loyalty"}),
            only=None,
            dry=dry,
            session=request.session_id or None,
        )
        now = self._clock.now()
        state = self._pipeline.run(subject, now).state()
        with self._uow(write=False) as uow:
            snapshot = application_snapshot(self._snapshots, uow, principal)
            stored = (
                uow.sessions.session(snapshot.app["id"], request.session_id) if request.session_id else None
            )
        assert state.customer_profile is not None and state.event is not None
        return IntegrationState(
            session=older_session(stored, request, snapshot.app["id"], now),
            profile=state.customer_profile,
            event=state.event,
            loyalty=state.loyalty,
        )

    def _run(self, subject: EventTrack) -> IntegrationStateV2:
        answer: Answer = self._pipeline.run(subject, self._clock.now())
        return answer.state()


def older_session(
    stored: StoredSession | None, request: NewEvent, app_id: int, now: datetime
) -> CustomerSession:
    """The older generation's session: the stored one (its first coupon and its discounts by name), or
    an empty open session of the event's id and profile when the application has none."""
    if stored is None:
        return CustomerSession(
            integration_id=request.session_id,
            created=now,
            application_id=app_id,
            profile_id=request.profile_id or "",
            coupon="",
            referral="",
            state="open",
            cart_items=[],
            identifiers=[],
            total=Decimal(0),
            attributes={},
            first_session=True,
            discounts={},
            update_count=0,
            updated=now,
        )
    current = session_record(stored)
    discounts: dict[str, Decimal] = {}
    for effect in stored.effects or []:
        if effect.get("effectType") == "setDiscount":
            name = str(effect["props"].get("name", ""))
            discounts[name] = discounts.get(name, Decimal(0)) + Decimal(str(effect["props"].get("value", 0)))
    return CustomerSession(
        integration_id=current.integration_id,
        created=current.created,
        application_id=current.application_id,
        profile_id=current.profile_id,
        coupon=(current.coupon_codes or [""])[0],
        referral=current.referral_code or "",
        state=current.state,
        cart_items=current.cart_items,
        identifiers=current.identifiers or [],
        total=current.total,
        attributes=current.attributes,
        first_session=current.first_session,
        discounts=discounts,
        update_count=current.update_count,
        updated=current.updated,
    )


__all__ = ["EventService", "older_session"]

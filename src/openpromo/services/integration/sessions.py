"""Integration API: customer sessions (update, get, reopen, return items).

Each use case that runs rules or gives back what a close took is one run of the evaluation pipeline;
a request is one transaction behind a non-blocking lock on the session (and profile): a parallel
writer gets 409 at once (DOMAIN A5).
"""

from __future__ import annotations

from datetime import datetime

from openpromo.services.access import application_snapshot
from openpromo.services.auth import IntegrationPrincipal
from openpromo.services.errors import InvalidInput, NotFound
from openpromo.services.evaluation import Reopen, ReturnItems, SessionUpdate
from openpromo.services.evaluation.documents import session_record, wire_effects
from openpromo.services.integration.base import IntegrationService
from openpromo.services.models.sessions import (
    IntegrationCustomerSessionResponse,
    IntegrationRequest,
    IntegrationStateV2,
    ReopenSessionResponse,
    ReturnIntegrationRequest,
)


class SessionService(IntegrationService):
    def update(
        self,
        principal: IntegrationPrincipal,
        integration_id: str,
        request: IntegrationRequest,
        *,
        dry: bool = False,
        now: datetime | None = None,
    ) -> IntegrationStateV2:
        real_now = self._clock.now()
        if now is not None:
            if not dry:
                raise InvalidInput("now can only be used with dry=true", parameter="now")
            if now <= real_now:
                raise InvalidInput("now must be in the future", parameter="now")
        if len(integration_id) > 1000:
            raise InvalidInput("a session id has at most 1000 characters", parameter="customerSessionId")
        subject = SessionUpdate(principal, integration_id, request, dry=dry)
        return self._pipeline.run(subject, now or real_now).state()

    def return_items(
        self,
        principal: IntegrationPrincipal,
        integration_id: str,
        request: ReturnIntegrationRequest,
        *,
        dry: bool,
        run_rule_engine: bool = False,
    ) -> IntegrationStateV2:
        subject = ReturnItems(principal, integration_id, request, dry=dry, run_rule_engine=run_rule_engine)
        return self._pipeline.run(subject, self._clock.now()).state()

    def reopen(self, principal: IntegrationPrincipal, integration_id: str) -> ReopenSessionResponse:
        answer = self._pipeline.run(Reopen(principal, integration_id), self._clock.now())
        return ReopenSessionResponse(effects=wire_effects(answer.effects))

    def get(self, principal: IntegrationPrincipal, integration_id: str) -> IntegrationCustomerSessionResponse:
        with self._uow(write=False) as uow:
            application_snapshot(self._snapshots, uow, principal)
            stored = uow.sessions.session(principal.application_id, integration_id)
        if stored is None:
            raise NotFound("customer session", integration_id)
        return IntegrationCustomerSessionResponse(
            customer_session=session_record(stored), effects=wire_effects(stored.effects)
        )


__all__ = ["SessionService"]

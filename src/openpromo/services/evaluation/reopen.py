"""Reopening a closed session (``PUT /v2/customer_sessions/{id}/reopen``): what its close took is given
back exactly and the session is open again. No rules run."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from openpromo.engine.plan import SessionDraft
from openpromo.engine.states import CLOSED, OPEN
from openpromo.services.auth import IntegrationPrincipal
from openpromo.services.errors import InvalidInput, NotFound
from openpromo.services.evaluation.case import Applied, Case, Owner, Written
from openpromo.services.evaluation.give_back import give_back
from openpromo.services.evaluation.session import rewrite, session_event, session_key, stored_event
from openpromo.services.ports import UnitOfWork
from openpromo.services.snapshots.snapshot import Snapshot


class Reopen:
    late_write = False
    dry = False

    def __init__(self, principal: IntegrationPrincipal, integration_id: str) -> None:
        self.principal = principal
        self.integration_id = integration_id
        self.keys = [session_key(principal.application_id, integration_id)]

    def load(self, uow: UnitOfWork, snapshot: Snapshot, now: datetime) -> Case:
        stored = uow.sessions.session(snapshot.app["id"], self.integration_id)
        if stored is None:
            raise NotFound("customer session", self.integration_id)
        if stored.state != CLOSED:
            raise InvalidInput(
                f"only a closed session can be reopened; this one is {stored.state}",
                parameter="customerSessionId",
            )
        draft = SessionDraft(stored.id, stored.integration_id, stored.state, stored)
        return Case(snapshot, self.principal.account_id, now, draft, None, evaluates=False, stored=stored)

    def owner(self, uow: UnitOfWork, case: Case, now: datetime) -> Owner:
        raise AssertionError("a reopen evaluates nothing")

    def finish(self, uow: UnitOfWork, case: Case, applied: Applied, now: datetime) -> Written:
        stored = case.stored
        assert stored is not None
        release, applied.effects = give_back(uow, case, stored, now)
        if release is not None:
            uow.sessions.release(release, now)
        after = replace(stored, state=OPEN, effects=[], committed=None, closed_at=None, updated=now)
        event = session_event(stored.application_id, "talon_session_reopened", after, applied.effects, now)
        _, event_id = uow.sessions.finish(rewrite(after), None, event, now)
        return Written(after, event=stored_event(event, event_id))


__all__ = ["Reopen"]

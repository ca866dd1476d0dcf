"""A custom event as the pipeline's subject (``POST /v2/events``, and the older ``POST /v1/events``).

An event names a profile (created when unknown, without a profile event of its own), and maybe a store
and a loyalty card; it is evaluated on an empty session with the ``Event`` root (``Event.Type``,
``Event.Attributes``), for the campaigns whose rules read the event only (``engine.index``). It has no
close: its effects are committed at once (DOMAIN A1), and the event is stored with them.

Our choices (docs/events.md): the type must be one the account defined (``POST /v1/event_types``);
names starting with ``talon_`` are the built-in events' and refused; attributes are checked against the
``Event`` attribute definitions.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from openpromo.engine.plan import SessionDraft
from openpromo.services.attributes import check_attributes
from openpromo.services.auth import IntegrationPrincipal
from openpromo.services.data.records import EventWrite, ProfileTotals, SessionFields, StoredProfile
from openpromo.services.errors import ErrorDetail, raise_problems
from openpromo.services.evaluation.case import Applied, Case, Commits, Owner, Written
from openpromo.services.evaluation.session import profile_key, stored_event
from openpromo.services.ports import UnitOfWork
from openpromo.services.snapshots.snapshot import Snapshot

BUILT_IN = "talon_"
"""The prefix of the built-in events' names (``talon_session_created``, ``talon_profile_updated``...)."""


class EventTrack:
    late_write = False

    def __init__(
        self,
        principal: IntegrationPrincipal,
        event_type: str,
        attributes: dict[str, Any],
        *,
        profile: str | None,
        store: str | None,
        cards: list[str],
        content: frozenset[str],
        only: list[int] | None,
        dry: bool,
        complete: bool = False,
        session: str | None = None,
    ) -> None:
        self.principal = principal
        self.event_type = event_type
        self.attributes = attributes
        self.profile = profile or ""
        self.store = store
        self.cards = cards
        self.content = content
        self.only = only
        self.dry = dry
        self.complete = complete
        self.session = session
        self.keys = [profile_key(principal.account_id, self.profile)] if self.profile else []

    def load(self, uow: UnitOfWork, snapshot: Snapshot, now: datetime) -> Case:
        raise_problems(self._problems(snapshot))
        account = self.principal.account_id
        profile, has_sessions, audiences = None, False, frozenset[int]()
        if self.profile:
            found, has_sessions, audiences = uow.sessions.profile(account, self.profile, snapshot.app["id"])
            profile = found or self._new_profile(uow, now)
        fields = SessionFields(
            profile_integration_id=self.profile,
            store_integration_id=self.store,
            loyalty_cards=list(self.cards),
        )
        return Case(
            snapshot=snapshot,
            account_id=account,
            now=now,
            draft=SessionDraft(0, "", "open", fields),
            profile=profile,
            audiences=audiences,
            profile_has_sessions=has_sessions,
            commits=Commits.NOW,
            only=self.only if self.dry else None,
            content=self.content,
            event=(self.event_type, self.attributes),
            complete=self.complete,
        )

    def _problems(self, snapshot: Snapshot) -> list[ErrorDetail]:
        if self.event_type.startswith(BUILT_IN):
            return [ErrorDetail("Reserved", f"{self.event_type} is a built-in event", "/type")]
        if self.event_type not in snapshot.event_types:
            detail = f"the event type {self.event_type} is not defined (POST /v1/event_types)"
            return [ErrorDetail("Unknown", detail, "/type")]
        return check_attributes(self.attributes, "Event", "/attributes", snapshot.definitions)

    def _new_profile(self, uow: UnitOfWork, now: datetime) -> StoredProfile:
        account = self.principal.account_id
        if self.dry:
            return StoredProfile(0, account, self.profile, {}, 0, Decimal(0), now, now, now)
        return uow.sessions.create_profile(account, self.profile, now)

    def owner(self, uow: UnitOfWork, case: Case, now: datetime) -> Owner:
        return Owner(None, self.profile, {})

    def finish(self, uow: UnitOfWork, case: Case, applied: Applied, now: datetime) -> Written:
        event = EventWrite(
            application_id=case.snapshot.app["id"],
            created=now,
            type=self.event_type,
            profile_integration_id=self.profile or None,
            profile_id=case.profile.id if case.profile and case.profile.id else None,
            session_integration_id=self.session,
            store_integration_id=self.store,
            attributes=self.attributes,
            effects=applied.effects,
        )
        if self.dry:
            return Written(profile=case.profile, event=stored_event(event, 0))
        totals = ProfileTotals(case.profile.id, 0, Decimal(0)) if case.profile is not None else None
        _, event_id = uow.sessions.finish(None, totals, event, now)
        profile = replace(case.profile, last_activity=now) if case.profile is not None else None
        return Written(profile=profile, event=stored_event(event, event_id))


__all__ = ["BUILT_IN", "EventTrack"]

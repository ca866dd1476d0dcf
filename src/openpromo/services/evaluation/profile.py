"""A customer profile as the pipeline's subject (``PUT /v2/customer_profiles/{id}``).

The profile is written first (attributes merged key by key, audiences changed); with
``runRuleEngine=true`` the running campaigns are evaluated for it on an empty session, and their effects
are committed at once (DOMAIN A1: there is no close to wait for), with a ``talon_profile_created`` or
``talon_profile_updated`` event.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from openpromo.engine.plan import SessionDraft
from openpromo.services.attributes import check_attributes
from openpromo.services.auth import IntegrationPrincipal
from openpromo.services.data.records import EventWrite, SessionFields, StoredProfile
from openpromo.services.errors import ErrorDetail, raise_problems
from openpromo.services.evaluation.case import Applied, Case, Commits, Owner, Written
from openpromo.services.evaluation.session import profile_key, stored_event
from openpromo.services.models.profiles import CustomerProfileIntegrationRequestV2
from openpromo.services.ports import UnitOfWork
from openpromo.services.snapshots.snapshot import Snapshot


class ProfileUpdate:
    late_write = False

    def __init__(
        self,
        principal: IntegrationPrincipal,
        integration_id: str,
        request: CustomerProfileIntegrationRequestV2,
        *,
        run_rule_engine: bool,
        dry: bool,
    ) -> None:
        self.principal = principal
        self.integration_id = integration_id
        self.request = request
        self.run_rule_engine = run_rule_engine
        self.dry = dry
        self.keys = [profile_key(principal.account_id, integration_id)]

    def load(self, uow: UnitOfWork, snapshot: Snapshot, now: datetime) -> Case:
        request, account = self.request, self.principal.account_id
        raise_problems(
            check_attributes(request.attributes or {}, "CustomerProfile", "/attributes", snapshot.definitions)
        )
        found, has_sessions, audiences = uow.sessions.profile(
            account, self.integration_id, snapshot.app["id"]
        )
        attributes = {**(found.attributes if found else {}), **(request.attributes or {})}
        changes = request.audiences_changes
        if changes is not None:
            check_audiences(uow, account, changes)
            audiences = (audiences - frozenset(changes.deletes)) | frozenset(changes.adds)
        profile = self._saved(uow, found, attributes, now)
        if changes is not None and not self.dry:
            change_audiences(uow, account, self.integration_id, changes, now)
        draft = SessionDraft(0, "", "open", SessionFields(profile_integration_id=self.integration_id))
        return Case(
            snapshot=snapshot,
            account_id=account,
            now=now,
            draft=draft,
            profile=profile,
            audiences=audiences,
            profile_has_sessions=has_sessions,
            commits=Commits.NOW,
            evaluates=self.run_rule_engine,
            only=request.evaluable_campaign_ids if self.dry else None,
            content=frozenset(request.response_content or ()),
            fields=found is None,
        )

    def _saved(
        self, uow: UnitOfWork, found: StoredProfile | None, attributes: dict[str, Any], now: datetime
    ) -> StoredProfile:
        """The profile with its new attributes, written unless this is a dry run (which evaluates the
        profile it would create)."""
        if self.dry:
            if found is not None:
                return replace(found, attributes=attributes)
            return StoredProfile(
                0, self.principal.account_id, self.integration_id, attributes, 0, Decimal(0), now, now, now
            )
        if found is None:
            return uow.sessions.create_profile(
                self.principal.account_id, self.integration_id, now, attributes
            )
        uow.sessions.set_profile_attributes(found.id, attributes, now, active=True)
        return replace(found, attributes=attributes, modified=now, last_activity=now)

    def owner(self, uow: UnitOfWork, case: Case, now: datetime) -> Owner:
        return Owner(None, self.integration_id, {})

    def finish(self, uow: UnitOfWork, case: Case, applied: Applied, now: datetime) -> Written:
        if not self.run_rule_engine or self.dry:
            return Written(profile=case.profile)
        kind = "talon_profile_created" if case.fields else "talon_profile_updated"
        event = EventWrite(
            application_id=case.snapshot.app["id"],
            created=now,
            type=kind,
            profile_integration_id=self.integration_id,
            profile_id=None,
            session_integration_id=None,
            store_integration_id=None,
            attributes={},
            effects=applied.effects,
        )
        _, event_id = uow.sessions.finish(None, None, event, now)
        return Written(profile=case.profile, event=stored_event(event, event_id))


def check_audiences(uow: UnitOfWork, account_id: int, changes: Any) -> None:
    """400 naming each audience of ``audiencesChanges`` that does not exist."""
    known = uow.audiences.existing(account_id, sorted(set(changes.adds) | set(changes.deletes)))
    problems = [
        ErrorDetail("Unknown", f"audience {a} does not exist", f"/audiencesChanges/{field}/{i}")
        for field in ("adds", "deletes")
        for i, a in enumerate(getattr(changes, field))
        if a not in known
    ]
    raise_problems(problems)


def change_audiences(uow: UnitOfWork, account_id: int, profile: str, changes: Any, now: datetime) -> None:
    """The profile leaves ``deletes`` and joins ``adds`` (an audience in both: it joins)."""
    adds = [(audience, profile) for audience in changes.adds]
    deletes = [(audience, profile) for audience in changes.deletes if audience not in set(changes.adds)]
    uow.audiences.change(account_id, adds, deletes, now)


__all__ = ["ProfileUpdate", "change_audiences", "check_audiences"]

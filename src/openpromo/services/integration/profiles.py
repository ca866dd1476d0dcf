"""Customer profiles through the Integration API: update one (optionally running the rules, whose
effects commit at once, DOMAIN A1), or up to 1000 at a time (never running rules).

Attributes merge key by key (a key sent replaces the stored value; keys not sent stay). Profiles are
account-level: every application of the account sees the same profile.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

from openpromo.services.access import application_snapshot
from openpromo.services.attributes import check_attributes
from openpromo.services.auth import IntegrationPrincipal
from openpromo.services.errors import ErrorDetail, InvalidInput, raise_problems
from openpromo.services.evaluation.answer import Answer, awarded_to, evaluation_parts, event_part
from openpromo.services.evaluation.commit import commit_counters, record_analytics
from openpromo.services.evaluation.documents import (
    coupon_document,
    effect_document,
    profile_record,
    referral_document,
)
from openpromo.services.evaluation.inputs import engine_session
from openpromo.services.evaluation.load import load_inputs
from openpromo.services.evaluation.writes import CloseWrites, apply_attribute_updates, apply_audience_changes
from openpromo.services.models.profiles import (
    CustomerProfileIntegrationRequestV2,
    CustomerProfileIntegrationResponseV2,
    CustomerProfileUpdateV2Response,
    MultipleCustomerProfileIntegrationRequest,
    MultipleCustomerProfileIntegrationResponseV2,
)
from openpromo.services.ports import Clock, Row, UnitOfWork, UnitOfWorkFactory
from openpromo.services.snapshots.snapshot import Snapshot, SnapshotCache


class ProfileService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        snapshots: SnapshotCache,
        new_id: Callable[[], str] = lambda: str(uuid.uuid4()),
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._snapshots = snapshots
        self._new_id = new_id

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
        keys = [f"profile:{principal.account_id}:{integration_id}"]
        return self._update(
            principal, integration_id, request, keys, run_rule_engine=run_rule_engine, dry=dry
        )

    def _update(
        self,
        principal: IntegrationPrincipal,
        integration_id: str,
        request: CustomerProfileIntegrationRequestV2,
        keys: list[str],
        *,
        run_rule_engine: bool,
        dry: bool,
    ) -> CustomerProfileIntegrationResponseV2:
        now = self._clock.now()
        with self._uow(write=not dry, locks=keys) as uow:
            snapshot = application_snapshot(self._snapshots, uow, principal)
            app = snapshot.app
            raise_problems(
                check_attributes(
                    request.attributes or {}, "CustomerProfile", "/attributes", snapshot.definitions
                )
            )
            row = uow.records.find_one(
                "customer_profiles", account_id=principal.account_id, integration_id=integration_id
            )
            created = row is None
            attributes = {**(row["attributes"] if row else {}), **(request.attributes or {})}
            if request.audiences_changes is not None:
                _check_audiences(uow, principal.account_id, request.audiences_changes)
            if not dry:
                row = _upsert(uow, principal.account_id, row, integration_id, attributes, now)
                if request.audiences_changes is not None:
                    _change_audiences(
                        uow, principal.account_id, integration_id, request.audiences_changes, now
                    )
            elif row is not None:
                row = {**row, "attributes": attributes}
            else:  # a dry run for a new profile evaluates the profile it would create
                row = _new_profile(principal.account_id, integration_id, attributes, now)
            answer = Answer(request.response_content, [])
            if run_rule_engine:
                self._run_rules(uow, snapshot, principal, integration_id, row, request, answer, now, dry=dry)
                if not dry:
                    kind = "talon_profile_created" if created else "talon_profile_updated"
                    event = _event(uow, app["id"], kind, integration_id, answer.effects, now)
                    answer.add("event", event_part, event)
                    answer.add("awardedGiveaways", awarded_to, uow, principal.account_id, integration_id, now)
            if row is not None and "customerProfile" in answer:
                stored = uow.records.get("customer_profiles", row["id"]) if not dry else None
                answer.add("customerProfile", profile_record, stored or row)
            if not dry:
                uow.commit()
        state = answer.state()
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

    def _run_rules(
        self,
        uow: UnitOfWork,
        snapshot: Snapshot,
        principal: IntegrationPrincipal,
        integration_id: str,
        profile_row: Row | None,
        request: CustomerProfileIntegrationRequestV2,
        answer: Answer,
        now: datetime,
        *,
        dry: bool,
    ) -> None:
        """Evaluate the running campaigns for the profile; their effects commit at once (DOMAIN A1)."""
        document: dict[str, Any] = {
            "profile_integration_id": integration_id,
            "store_integration_id": None,
            "coupon_codes": [],
            "referral_code": None,
            "loyalty_cards": [],
            "identifiers": [],
            "attributes": {},
            "cart_items": [],
            "additional_costs": {},
        }
        loaded = load_inputs(uow, snapshot, principal.account_id, document, now)
        app = snapshot.app
        if dry and request.audiences_changes is not None:
            changes = request.audiences_changes
            loaded.audience_ids = (loaded.audience_ids | frozenset(changes.adds)) - frozenset(changes.deletes)
        loaded.profile_row = profile_row
        session = engine_session(0, "", "open", document)
        only = request.evaluable_campaign_ids if dry else None
        evaluation = loaded.evaluate(
            uow,
            session,
            profile_row,
            only=only,
            lock=not dry,
            new_id=self._new_id,
            want_loyalty="loyalty" in (request.response_content or ()),
        )
        answer.effects = [effect_document(e) for e in evaluation.effects]
        if not dry:
            owner: Row = {"id": None, "profile_integration_id": integration_id, "attributes": {}}
            writes = CloseWrites(uow, app, owner, None, now)
            answer.effects += writes.apply(evaluation.deferred)
            answer.created_coupons = [coupon_document(c) for c in writes.created_coupons]
            answer.created_referrals = [referral_document(r) for r in writes.created_referrals]
            commit_counters(uow, app, evaluation, now)
            apply_attribute_updates(uow, principal.account_id, owner, answer.effects, now)  # profile only
            apply_audience_changes(uow, principal.account_id, integration_id, answer.effects, now)
            record_analytics(uow, app, answer.effects, now)
        evaluation_parts(uow, answer, loaded, evaluation, None, now)

    def update_many(
        self, principal: IntegrationPrincipal, request: MultipleCustomerProfileIntegrationRequest
    ) -> MultipleCustomerProfileIntegrationResponseV2:
        now = self._clock.now()
        seen: set[str] = set()
        with self._uow() as uow:
            definitions = application_snapshot(self._snapshots, uow, principal).definitions
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
            raise_problems(problems)
            stored = {
                row["integration_id"]: row
                for row in uow.records.find(
                    "customer_profiles", {"account_id": principal.account_id, "integration_id": sorted(seen)}
                ).rows
            }
            states = []
            for item in request.customer_profiles:
                row = stored.get(item.integration_id)
                attributes = {**(row["attributes"] if row else {}), **(item.attributes or {})}
                row = _upsert(uow, principal.account_id, row, item.integration_id, attributes, now)
                states.append(CustomerProfileUpdateV2Response(customer_profile=profile_record(row)))
            uow.commit()
        return MultipleCustomerProfileIntegrationResponseV2(integration_states=states)


def _new_profile(account_id: int, integration_id: str, attributes: dict[str, Any], now: datetime) -> Row:
    return {
        "id": 0,
        "account_id": account_id,
        "created": now,
        "modified": now,
        "integration_id": integration_id,
        "attributes": attributes,
        "last_activity": now,
        "closed_sessions": 0,
        "total_sales": Decimal(0),
        "sandbox": False,
    }


def _upsert(
    uow: UnitOfWork,
    account_id: int,
    row: Row | None,
    integration_id: str,
    attributes: dict[str, Any],
    now: datetime,
) -> Row:
    if row is None:
        values = _new_profile(account_id, integration_id, attributes, now)
        del values["id"], values["closed_sessions"], values["total_sales"], values["sandbox"]
        profile_id = uow.records.insert("customer_profiles", values)
        return {**_new_profile(account_id, integration_id, attributes, now), "id": profile_id}
    uow.records.update(
        "customer_profiles", row["id"], {"attributes": attributes, "modified": now, "last_activity": now}
    )
    return {**row, "attributes": attributes, "modified": now, "last_activity": now}


def _check_audiences(uow: UnitOfWork, account_id: int, changes: Any) -> None:
    """400 naming each audience of ``audiencesChanges`` that does not exist."""
    wanted = sorted(set(changes.adds) | set(changes.deletes))
    known = {
        row["id"]
        for row in uow.records.find(
            "audiences", {"account_id": account_id, "id": wanted, "deleted": False}
        ).rows
    }
    problems = [
        ErrorDetail("Unknown", f"audience {a} does not exist", f"/audiencesChanges/{field}/{i}")
        for field in ("adds", "deletes")
        for i, a in enumerate(getattr(changes, field))
        if a not in known
    ]
    raise_problems(problems)


def _change_audiences(uow: UnitOfWork, account_id: int, profile: str, changes: Any, now: datetime) -> None:
    for audience in changes.deletes:
        uow.records.delete_where("audience_memberships", audience_id=audience, profile_integration_id=profile)
    for audience in changes.adds:
        uow.records.delete_where("audience_memberships", audience_id=audience, profile_integration_id=profile)
        uow.records.insert(
            "audience_memberships",
            {
                "account_id": account_id,
                "audience_id": audience,
                "profile_integration_id": profile,
                "created": now,
            },
        )


def _event(
    uow: UnitOfWork, app_id: int, kind: str, profile: str, effects: list[dict[str, Any]], now: datetime
) -> dict[str, Any]:
    values = {
        "application_id": app_id,
        "created": now,
        "type": kind,
        "profile_integration_id": profile,
        "attributes": {},
        "effects": effects,
    }
    event_id = uow.records.insert("events", values)
    return {**values, "id": event_id}


__all__ = ["ProfileService"]

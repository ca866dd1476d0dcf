"""Customer sessions: update (evaluate, persist, commit at close, roll back exactly), get, reopen.

One request is one transaction (read-write, or read-only for dry runs), behind a non-blocking lock on
the session and its profile: a parallel writer gets 409 at once (DOMAIN A5).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

from openpromo.engine.errors import InvalidTransition
from openpromo.engine.evaluate import Evaluation
from openpromo.engine.states import EVENT_OF, OPEN, check_update, commits, rolls_back
from openpromo.services.access import application_snapshot
from openpromo.services.auth import IntegrationPrincipal
from openpromo.services.errors import InvalidInput, NotFound
from openpromo.services.evaluation.answer import (
    Answer,
    evaluation_parts,
    event_part,
    giveaways_part,
    returns_part,
)
from openpromo.services.evaluation.commit import commit_close, event_values, record_event, roll_back
from openpromo.services.evaluation.documents import (
    coupon_document,
    effect_document,
    profile_record,
    referral_document,
    session_record,
    wire_effects,
)
from openpromo.services.evaluation.inputs import engine_session, merged_document, validate
from openpromo.services.evaluation.load import Loaded, load_inputs
from openpromo.services.evaluation.returns import (
    apply_return,
    check_returned,
    committed_credits,
    reevaluated_campaigns,
    returned_lines,
    revalued_discounts,
)
from openpromo.services.evaluation.writes import CloseWrites, apply_attribute_updates, apply_audience_changes
from openpromo.services.models.convert import from_row
from openpromo.services.models.sessions import (
    IntegrationCustomerSessionResponse,
    IntegrationRequest,
    IntegrationStateV2,
    NewCustomerSessionV2,
    ReopenSessionResponse,
    Return,
    ReturnIntegrationRequest,
)
from openpromo.services.ports import Clock, Row, UnitOfWork, UnitOfWorkFactory
from openpromo.services.snapshots.snapshot import Snapshot, SnapshotCache


class SessionService:
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

    # -- snapshot ----------------------------------------------------------------------------

    def _snapshot(self, uow: UnitOfWork, principal: IntegrationPrincipal) -> Snapshot:
        return application_snapshot(self._snapshots, uow, principal)

    # -- update ------------------------------------------------------------------------------

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
        keys = [f"session:{principal.application_id}:{integration_id}"]
        profile = request.customer_session.profile_id
        if profile:
            keys.append(f"profile:{principal.account_id}:{profile}")
        return self._update(principal, integration_id, request, keys, dry=dry, now=now or real_now)

    def _update(
        self,
        principal: IntegrationPrincipal,
        integration_id: str,
        request: IntegrationRequest,
        keys: list[str],
        *,
        dry: bool,
        now: datetime,
    ) -> IntegrationStateV2:
        payload = request.customer_session
        # Reads come first, without SQLite's writer lock: the session and profile are this request's (its
        # locks), and an open session consumes nothing. A close evaluates without the lock too, then reads
        # again under it what it consumes (coupons, budgets, balances) and evaluates again if any of it
        # changed meanwhile (``Loaded.confirm``); a rollback takes the lock first.
        with self._uow(write=not dry, locks=keys, late_write=True) as uow:
            snapshot = self._snapshot(uow, principal)
            app = snapshot.app
            stored, profile_found, has_sessions, audiences = uow.sessions.session_and_profile(
                app["id"], integration_id, principal.account_id, payload.profile_id
            )
            read_for = (
                payload.profile_id
                if payload.profile_id is not None
                else stored and stored["profile_integration_id"]
            )
            current = stored["state"] if stored else None
            try:
                check_update(current, payload.state)
            except InvalidTransition as exc:
                raise InvalidInput(str(exc), pointer="/customerSession/state") from None
            committing = commits(current, payload.state)
            if not dry and rolls_back(current, payload.state):
                uow.writing()
            document = merged_document(stored, payload, payload_only=dry and payload.state == "closed")
            loaded = load_inputs(
                uow,
                snapshot,
                principal.account_id,
                document,
                now,
                prefetched=(read_for or "", profile_found, has_sessions, audiences),
            )
            validate(document, snapshot.definitions)
            loaded.fill_prices(uow, document)
            profile_row = loaded.profile_row
            if document["profile_integration_id"] and profile_row is None and not dry:
                uow.writing()
                profile_row = _create_profile(
                    uow, principal.account_id, document["profile_integration_id"], now
                )
            if rolls_back(current, payload.state):
                assert stored is not None
                stored = {**stored, **uow.sessions.session_history(stored["id"])}
                return self._cancel_closed(uow, stored, profile_row, request, now)
            session = engine_session(stored["id"] if stored else 0, integration_id, payload.state, document)
            unlocked = committing and not dry and uow.writes_later
            evaluation = loaded.evaluate(
                uow,
                session,
                profile_row,
                only=payload.evaluable_campaign_ids if dry else None,
                lock=committing and not dry and not unlocked,
                new_id=self._new_id,
                want_loyalty="loyalty" in (request.response_content or ()),
            )
            if unlocked:
                uow.writing()
                evaluation = loaded.confirm() or evaluation
            answer = Answer(request.response_content, [effect_document(e) for e in evaluation.effects])
            row: Row | None = None
            event: Row | None = None
            if not dry:
                first = not (document["profile_integration_id"] and loaded.profile_has_sessions)
                values, row = _session_values(
                    app, stored, integration_id, payload.state, document, session, answer.effects, now, first
                )
                session_id = stored["id"] if stored else None
                if committing:
                    uow.writing()  # held already: the close read again under the lock what it consumes
                    if session_id is None:  # the close's writes name the session: it needs its id first
                        session_id = uow.records.insert("customer_sessions", values)
                        values = {}
                    row["id"] = session_id
                    changes, attributes = self._close(
                        uow, app, principal, row, profile_row, loaded, evaluation, answer, now
                    )
                    values.update(changes)
                    if profile_row is not None and attributes is not None:
                        profile_row = {**profile_row, "attributes": attributes}
                touch = None
                if profile_row is not None:
                    touch, profile_row = _touched_profile(profile_row, row, committed=committing, now=now)
                event = event_values(app["id"], EVENT_OF[(current, payload.state)], row, answer.effects, now)
                uow.writing()  # an open update holds SQLite's writer lock for these writes only
                written, event_id = uow.sessions.finish((session_id, values), touch, event, now)
                row["id"] = written
                event = {**event, "id": event_id, "meta": None}
            evaluation_parts(uow, answer, loaded, evaluation, profile_row, now)
            _session_parts(uow, answer, row, event, loaded.referral.id if loaded.referral else None)
            if not dry:
                uow.commit()
        return answer.state()

    def _close(
        self,
        uow: UnitOfWork,
        app: Row,
        principal: IntegrationPrincipal,
        row: Row,
        profile_row: Row | None,
        loaded: Loaded,
        evaluation: Evaluation,
        answer: Answer,
        now: datetime,
    ) -> tuple[Row, dict[str, Any] | None]:
        """Commit what the close's evaluation produced (DOMAIN A1); returns what the session's row must
        change to (written with the request's last writes) and the profile's attributes when rules wrote
        some."""
        advocate = loaded.referral.advocate_integration_id if loaded.referral else None
        writes = CloseWrites(uow, app, row, advocate, now)
        answer.effects += writes.apply(evaluation.deferred)
        answer.created_coupons = [coupon_document(c) for c in writes.created_coupons]
        answer.created_referrals = [referral_document(r) for r in writes.created_referrals]
        changes: Row = {"effects": answer.effects}
        attributes, profile_attributes = apply_attribute_updates(
            uow, principal.account_id, row, answer.effects, now
        )
        if attributes is not None:
            changes["attributes"] = attributes
        apply_audience_changes(uow, principal.account_id, row["profile_integration_id"], answer.effects, now)
        changes["committed"] = commit_close(uow, app, row, profile_row, evaluation, answer.effects, now)
        row.update(changes)
        return changes, profile_attributes

    def _cancel_closed(
        self,
        uow: UnitOfWork,
        stored: Row,
        profile_row: Row | None,
        request: IntegrationRequest,
        now: datetime,
    ) -> IntegrationStateV2:
        answer = Answer(request.response_content, roll_back(uow, stored, now, self._new_id))
        uow.records.update(
            "customer_sessions",
            stored["id"],
            {"state": "cancelled", "effects": [], "updated": now, "update_count": stored["update_count"] + 1},
        )
        row = uow.records.get("customer_sessions", stored["id"]) or stored
        event = record_event(
            uow, stored["application_id"], EVENT_OF[(stored["state"], "cancelled")], row, answer.effects, now
        )
        if profile_row is not None:
            answer.add("customerProfile", profile_record, profile_row)
        _session_parts(uow, answer, row, event, None)
        uow.commit()
        return answer.state()

    # -- returns -----------------------------------------------------------------------------

    def return_items(
        self,
        principal: IntegrationPrincipal,
        integration_id: str,
        request: ReturnIntegrationRequest,
        *,
        dry: bool,
        run_rule_engine: bool = False,
    ) -> IntegrationStateV2:
        now = self._clock.now()
        keys = [f"session:{principal.application_id}:{integration_id}"]
        with self._uow(write=not dry, locks=keys) as uow:
            return self._return_items(uow, principal, integration_id, request, now, dry, run_rule_engine)

    def _return_items(
        self,
        uow: UnitOfWork,
        principal: IntegrationPrincipal,
        integration_id: str,
        request: ReturnIntegrationRequest,
        now: datetime,
        dry: bool,
        run_rule_engine: bool,
    ) -> IntegrationStateV2:
        snapshot = self._snapshot(uow, principal)
        app = snapshot.app
        stored = uow.records.find_one(
            "customer_sessions", application_id=app["id"], integration_id=integration_id
        )
        if stored is None:
            raise NotFound("customer session", integration_id)
        wanted = check_returned(stored, request.return_)
        answer = Answer(request.response_content, [])
        answer.add("previousReturns", returns_part, uow, stored["id"])  # before this one is recorded
        revalued = (
            self._reevaluate(uow, snapshot, principal, stored, wanted, now) if run_rule_engine else None
        )
        effects, _value, lines = apply_return(uow, app, stored, wanted, now, dry=dry, revalued=revalued)
        answer.effects = effects
        profile_row = None
        if stored["profile_integration_id"]:
            profile_row = uow.records.find_one(
                "customer_profiles",
                account_id=principal.account_id,
                integration_id=stored["profile_integration_id"],
            )
        if profile_row is not None:
            answer.add("customerProfile", profile_record, profile_row)
        if dry:
            row = {**stored, "cart_items": lines, "state": "partially_returned"}
            _session_parts(uow, answer, row, None, None)
            return answer.state()
        row = uow.records.get("customer_sessions", stored["id"]) or stored
        event = record_event(uow, app["id"], "talon_session_partially_returned", row, effects, now)
        returned = [{"position": p, "quantity": q, "sku": lines[p]["sku"]} for p, q in sorted(wanted.items())]
        values = {
            "application_id": app["id"],
            "account_id": principal.account_id,
            "created": now,
            "session_id": stored["id"],
            "session_integration_id": integration_id,
            "profile_id": profile_row["id"] if profile_row else None,
            "profile_integration_id": stored["profile_integration_id"] or None,
            "event_id": event["id"],
            "returned_cart_items": returned,
        }
        return_id = uow.records.insert("returns", values)
        _session_parts(uow, answer, row, event, None)
        uow.commit()
        return answer.state(return_=from_row(Return, {**values, "id": return_id}))

    def _reevaluate(
        self,
        uow: UnitOfWork,
        snapshot: Snapshot,
        principal: IntegrationPrincipal,
        stored: Row,
        wanted: dict[int, int],
        now: datetime,
    ) -> tuple[frozenset[int], dict[tuple[Any, ...], Decimal]] | None:
        """Evaluate the ``reevaluateOnReturn`` campaigns again on what is left of the cart."""
        campaigns = reevaluated_campaigns(snapshot, stored)
        if not campaigns:
            return None
        lines = returned_lines(stored, wanted)
        document = merged_document(stored, NewCustomerSessionV2(), payload_only=False)
        document["cart_items"] = lines
        loaded = load_inputs(uow, snapshot, principal.account_id, document, now)
        session = engine_session(stored["id"], stored["integration_id"], "partially_returned", document)
        committed = stored.get("committed") or {}
        credits, coupon_credits = committed_credits(stored, campaigns)
        evaluation = loaded.evaluate(
            uow,
            session,
            loaded.profile_row,
            only=sorted(campaigns),
            lock=False,
            new_id=self._new_id,
            accepted=(
                frozenset(int(c) for c, _ in committed.get("coupons", [])),
                frozenset(committed.get("referrals", [])),
            ),
            credits=credits,
            coupon_credits=coupon_credits,
        )
        effects = [effect_document(e) for e in evaluation.effects]
        return campaigns, revalued_discounts(effects, lines)

    # -- get and reopen ------------------------------------------------------------------------

    def get(self, principal: IntegrationPrincipal, integration_id: str) -> IntegrationCustomerSessionResponse:
        with self._uow(write=False) as uow:
            self._snapshot(uow, principal)
            row = uow.records.find_one(
                "customer_sessions", application_id=principal.application_id, integration_id=integration_id
            )
        if row is None:
            raise NotFound("customer session", integration_id)
        return IntegrationCustomerSessionResponse(
            customer_session=session_record(row), effects=wire_effects(row["effects"])
        )

    def reopen(self, principal: IntegrationPrincipal, integration_id: str) -> ReopenSessionResponse:
        keys = [f"session:{principal.application_id}:{integration_id}"]
        now = self._clock.now()
        with self._uow(locks=keys) as uow:
            self._snapshot(uow, principal)
            stored = uow.records.find_one(
                "customer_sessions", application_id=principal.application_id, integration_id=integration_id
            )
            if stored is None:
                raise NotFound("customer session", integration_id)
            if stored["state"] != "closed":
                raise InvalidInput(
                    f"only a closed session can be reopened; this one is {stored['state']}",
                    parameter="customerSessionId",
                )
            effects = roll_back(uow, stored, now, self._new_id)
            uow.records.update(
                "customer_sessions",
                stored["id"],
                {"state": OPEN, "effects": [], "committed": None, "closed_at": None, "updated": now},
            )
            row = uow.records.get("customer_sessions", stored["id"]) or stored
            record_event(uow, stored["application_id"], "talon_session_reopened", row, effects, now)
            uow.commit()
        return ReopenSessionResponse(effects=wire_effects(effects))


def _create_profile(uow: UnitOfWork, account_id: int, integration_id: str, now: datetime) -> Row:
    values = {
        "account_id": account_id,
        "created": now,
        "modified": now,
        "integration_id": integration_id,
        "attributes": {},
        "last_activity": now,
    }
    profile_id = uow.records.insert("customer_profiles", values)
    return {**values, "id": profile_id, "closed_sessions": 0, "total_sales": Decimal(0), "sandbox": False}


def _touched_profile(
    profile: Row, session: Row, *, committed: bool, now: datetime
) -> tuple[tuple[int, int, Decimal] | None, Row]:
    """The profile's last activity is now; a close also counts the session and its total. Returns the
    write to make (None: nothing, a profile created by this request) and the profile after it."""
    sessions, sales = (1, Decimal(session["total"])) if committed else (0, Decimal(0))
    write = (profile["id"], sessions, sales) if committed or profile["last_activity"] != now else None
    return write, {
        **profile,
        "closed_sessions": profile["closed_sessions"] + sessions,
        "total_sales": Decimal(profile["total_sales"]) + sales,
        "last_activity": now,
        "modified": now,
    }


def _session_values(
    app: Row,
    stored: Row | None,
    integration_id: str,
    state: str,
    document: dict[str, Any],
    session: Any,
    effects: list[dict[str, Any]],
    now: datetime,
    first: bool,
) -> tuple[Row, Row]:
    """The columns to write (insert or update) and the session's row after it (``id`` is the stored
    one, None for a new session); ``first``: a new session is its profile's first in the app."""
    values = {
        **document,
        "state": state,
        "total": session.total,
        "cart_item_total": session.cart_item_total,
        "additional_cost_total": session.additional_cost_total,
        "effects": effects,
        "updated": now,
    }
    if state == "closed":
        values["closed_at"] = now
    if stored is None:
        values.update(
            application_id=app["id"],
            integration_id=integration_id,
            created=now,
            first_session=first,
            update_count=1,
        )
        return values, {"committed": None, "closed_at": None, "profile_id": None, **values, "id": None}
    values["update_count"] = stored["update_count"] + 1
    return values, {**stored, **values}


def _session_parts(
    uow: UnitOfWork, answer: Answer, row: Row | None, event: Row | None, referral_id: int | None
) -> None:
    """The parts about the stored session: itself, its event, giveaways and earlier returns."""
    if row is not None:
        answer.add("customerSession", session_record, row)
    answer.add("event", event_part, event, referral_id)
    session_id = row["id"] if row is not None else None
    answer.add("awardedGiveaways", giveaways_part, uow, session_id)
    if "previous_returns" not in answer.parts:  # a return answers the returns before it
        answer.add("previousReturns", returns_part, uow, session_id)


__all__ = ["SessionService"]

"""The customer session as the pipeline's subject: an update (``PUT /v2/customer_sessions/{id}``).

An update reads the stored session and its profile first, without SQLite's writer lock (the session
and profile are this request's: its request keys); an open session consumes nothing, so its writes come
at the very end. A close evaluates without the lock too and confirms under it (the pipeline); a cancel
of a closed session takes the lock at once and gives back exactly what the close took.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from openpromo.engine.errors import InvalidTransition
from openpromo.engine.plan import SessionDraft
from openpromo.engine.states import Transition, transition
from openpromo.services.auth import IntegrationPrincipal
from openpromo.services.data.records import (
    Codes,
    Document,
    EventWrite,
    Opened,
    ProfileTotals,
    Release,
    SessionFields,
    SessionWrite,
    StoredEvent,
    StoredProfile,
    StoredSession,
)
from openpromo.services.errors import InvalidInput
from openpromo.services.evaluation.case import Applied, Case, Commits, Owner, Written
from openpromo.services.evaluation.give_back import give_back
from openpromo.services.evaluation.inputs import merged_fields, validate
from openpromo.services.evaluation.prices import fill_from_catalog
from openpromo.services.models.sessions import IntegrationRequest
from openpromo.services.ports import UnitOfWork
from openpromo.services.snapshots.snapshot import Snapshot


def session_key(application_id: int, integration_id: str) -> str:
    return f"session:{application_id}:{integration_id}"


def profile_key(account_id: int, integration_id: str) -> str:
    return f"profile:{account_id}:{integration_id}"


@dataclass(slots=True)
class _Update:
    """What ``load`` learnt that ``finish`` needs."""

    fields: SessionFields
    event: str
    rolls_back: bool
    inserted: int | None = None
    """The id of a new session that a close inserted before its commit."""


class SessionUpdate:
    late_write = True

    def __init__(
        self, principal: IntegrationPrincipal, integration_id: str, request: IntegrationRequest, *, dry: bool
    ) -> None:
        self.principal = principal
        self.integration_id = integration_id
        self.payload = request.customer_session
        self.content = frozenset(request.response_content or ())
        self.dry = dry
        self.keys = [session_key(principal.application_id, integration_id)]
        if self.payload.profile_id:
            self.keys.append(profile_key(principal.account_id, self.payload.profile_id))

    # -- load ------------------------------------------------------------------------------------

    def load(self, uow: UnitOfWork, snapshot: Snapshot, now: datetime) -> Case:
        payload = self.payload
        payload_only = self.dry and payload.state == "closed"  # a dry close considers the payload alone
        opened = uow.sessions.open(
            snapshot.app["id"],
            self.integration_id,
            self.principal.account_id,
            self._profile(payload_only),
            self._codes(snapshot, payload_only),
            lock=payload.state == "closed" and not self.dry,
        )
        stored = opened.session
        try:
            moves = transition(stored.state if stored else None, payload.state)
        except InvalidTransition as exc:
            raise InvalidInput(str(exc), pointer="/customerSession/state") from None
        if moves.rolls_back and not self.dry:
            uow.writing()
        fields = merged_fields(stored, payload, payload_only=payload_only)
        validate(fields, snapshot.definitions)
        fill_from_catalog(uow.sessions, snapshot, fields)
        opened = self._profile_of(uow, snapshot, opened, fields.profile_integration_id, now)
        if moves.rolls_back:
            assert stored is not None
            stored.effects, stored.committed = uow.sessions.history(stored.id)
        return self._case(snapshot, opened, fields, moves, now)

    def _profile(self, payload_only: bool) -> str | None:
        if payload_only:
            return self.payload.profile_id or ""
        return self.payload.profile_id

    def _codes(self, snapshot: Snapshot, payload_only: bool) -> Codes:
        payload = self.payload
        coupons, referral = payload.coupon_codes, payload.referral_code
        if payload_only:
            coupons, referral = coupons or [], referral or ""
        return Codes(
            snapshot.app["case_sensitivity"],
            coupons,
            referral,
            with_friends="referral" in self.content,
            with_redemptions="coupons" in self.content,
        )

    def _profile_of(
        self, uow: UnitOfWork, snapshot: Snapshot, opened: Opened, wanted: str, now: datetime
    ) -> Opened:
        """The profile the merged session names (read with the session unless a dry close names
        another); one it names that does not exist yet is created."""
        profile = opened.profile
        if wanted and (profile is None or profile.integration_id != wanted):
            found, has_sessions, audiences = uow.sessions.profile(
                self.principal.account_id, wanted, snapshot.app["id"]
            )
            opened = replace(opened, profile=found, profile_has_sessions=has_sessions, audiences=audiences)
        elif not wanted:
            return replace(opened, profile=None, profile_has_sessions=False, audiences=frozenset())
        if wanted and opened.profile is None and not self.dry:
            uow.writing()
            opened = replace(
                opened, profile=uow.sessions.create_profile(self.principal.account_id, wanted, now)
            )
        return opened

    def _case(
        self, snapshot: Snapshot, opened: Opened, fields: SessionFields, moves: Transition, now: datetime
    ) -> Case:
        payload = self.payload
        stored = opened.session
        draft = SessionDraft(stored.id if stored else 0, self.integration_id, payload.state, fields)
        return Case.of(
            snapshot,
            self.principal.account_id,
            now,
            draft,
            opened,
            commits=Commits.AT_CLOSE if moves.commits else Commits.NEVER,
            evaluates=not moves.rolls_back,
            only=payload.evaluable_campaign_ids if self.dry else None,
            content=self.content,
            stored=stored,
            fields=_Update(fields, moves.event, moves.rolls_back),
        )

    # -- persist ---------------------------------------------------------------------------------

    def owner(self, uow: UnitOfWork, case: Case, now: datetime) -> Owner:
        """A close's commit names the session: a new one is inserted first."""
        update: _Update = case.fields
        assert case.session is not None  # a close is evaluated before it commits
        if case.stored is None:
            update.inserted = uow.sessions.create_session(self._write(case, None, Applied([]), now))
            case.session = replace(case.session, id=update.inserted)
        fields = update.fields
        return Owner(case.session.id, fields.profile_integration_id, fields.attributes, case.session.total)

    def finish(self, uow: UnitOfWork, case: Case, applied: Applied, now: datetime) -> Written:
        update: _Update = case.fields
        if update.rolls_back:
            return self._cancel(uow, case, applied, now)
        # Only a closed session has returns, and an update can only cancel it (``_cancel``).
        stored = case.stored
        write = self._write(case, stored.id if stored else update.inserted, applied, now)
        after = _stored(write)
        if self.dry:
            # nothing is written; the answer shows the session and profile as the update would leave them
            closes = case.commits is Commits.AT_CLOSE
            preview = _touched(case.profile, after, committed=closes, now=now)[1]
            return Written(after, unseen(preview, case.profile))
        totals, profile = _touched(case.profile, after, committed=write.write_committed, now=now)
        event = session_event(case.snapshot.app["id"], update.event, after, applied.effects, now)
        if uow.writes_later:
            uow.writing()  # an open update holds SQLite's writer lock for these writes only
        session_id, event_id = uow.sessions.finish(write, totals, event, now)
        after.id = session_id or 0
        return Written(after, profile, stored_event(event, event_id))

    def _write(self, case: Case, session_id: int | None, applied: Applied, now: datetime) -> SessionWrite:
        update: _Update = case.fields
        stored, session = case.stored, case.session
        assert session is not None  # an update that writes its session evaluated it
        fields = update.fields
        if applied.session_attributes is not None:
            fields = replace(fields, attributes=applied.session_attributes)
        closing = self.payload.state == "closed"
        profile = fields.profile_integration_id
        return SessionWrite(
            id=session_id,
            fields=fields,
            state=self.payload.state,
            total=session.total,
            cart_item_total=session.cart_item_total,
            additional_cost_total=session.additional_cost_total,
            effects=applied.effects,
            updated=now,
            update_count=(stored.update_count + 1) if stored else 1,
            application_id=case.snapshot.app["id"],
            integration_id=self.integration_id,
            created=stored.created if stored else now,
            first_session=stored.first_session if stored else not (profile and case.profile_has_sessions),
            closed_at=now if closing else (stored.closed_at if stored else None),
            committed=applied.committed,
            write_committed=applied.committed is not None,
        )

    def _cancel(self, uow: UnitOfWork, case: Case, applied: Applied, now: datetime) -> Written:
        """Cancel a closed session: give back what its close took, answer the rollback effects."""
        stored = case.stored
        assert stored is not None
        release, applied.effects = give_back(uow, case, stored, now)
        if release is not None:
            uow.sessions.release(release, now)
        after = replace(
            stored,
            state="cancelled",
            effects=[],
            committed=None,
            updated=now,
            update_count=stored.update_count + 1,
        )
        write = rewrite(after)
        event = session_event(case.snapshot.app["id"], case.fields.event, after, applied.effects, now)
        _, event_id = uow.sessions.finish(write, None, event, now)
        returns = uow.sessions.returns(stored.id) if "previousReturns" in self.content else []
        giveaways = uow.sessions.giveaways(stored.id) if "awardedGiveaways" in self.content else []
        profile = released_profile(case.profile, release, now)
        return Written(after, profile, stored_event(event, event_id), returns, giveaways=giveaways)


def _stored(write: SessionWrite) -> StoredSession:
    """The session after ``write``."""
    f = write.fields
    return StoredSession(
        profile_integration_id=f.profile_integration_id,
        store_integration_id=f.store_integration_id,
        coupon_codes=f.coupon_codes,
        referral_code=f.referral_code,
        loyalty_cards=f.loyalty_cards,
        identifiers=f.identifiers,
        attributes=f.attributes,
        cart_items=f.cart_items,
        additional_costs=f.additional_costs,
        id=write.id or 0,
        application_id=write.application_id,
        integration_id=write.integration_id,
        state=write.state,
        total=write.total,
        cart_item_total=write.cart_item_total,
        additional_cost_total=write.additional_cost_total,
        first_session=write.first_session,
        update_count=write.update_count,
        created=write.created,
        updated=write.updated,
        closed_at=write.closed_at,
        effects=write.effects,
        committed=write.committed,
    )


def rewrite(session: StoredSession) -> SessionWrite:
    """A write of every column of ``session`` as it is (``committed`` included)."""
    assert session.updated is not None
    return SessionWrite(
        id=session.id,
        fields=SessionFields(
            session.profile_integration_id,
            session.store_integration_id,
            session.coupon_codes,
            session.referral_code,
            session.loyalty_cards,
            session.identifiers,
            session.attributes,
            session.cart_items,
            session.additional_costs,
        ),
        state=session.state,
        total=session.total,
        cart_item_total=session.cart_item_total,
        additional_cost_total=session.additional_cost_total,
        effects=session.effects,
        updated=session.updated,
        update_count=session.update_count,
        application_id=session.application_id,
        integration_id=session.integration_id,
        created=session.created,
        first_session=session.first_session,
        closed_at=session.closed_at,
        committed=session.committed,
        write_committed=True,
    )


def _touched(
    profile: StoredProfile | None, session: StoredSession, *, committed: bool, now: datetime
) -> tuple[ProfileTotals | None, StoredProfile | None]:
    """The profile's last activity is now; a close also counts the session and its total. The write to
    make (None: nothing, a profile created by this request) and the profile after it."""
    if profile is None:
        return None, None
    sessions, sales = (1, Decimal(session.total)) if committed else (0, Decimal(0))
    write = ProfileTotals(profile.id, sessions, sales) if committed or profile.last_activity != now else None
    after = replace(
        profile,
        closed_sessions=profile.closed_sessions + sessions,
        total_sales=Decimal(profile.total_sales) + sales,
        last_activity=now,
        modified=now,
    )
    return write, after


def released_profile(
    profile: StoredProfile | None, release: Release | None, now: datetime
) -> StoredProfile | None:
    """The profile as ``release`` leaves it (a cancel or reopen takes the session out of its closed
    sessions and total sales, a return takes out the returned items), for the answer."""
    totals = release.profile_totals if release is not None else None
    if profile is None or totals is None or totals.profile_id != profile.id:
        return profile
    return replace(
        profile,
        closed_sessions=profile.closed_sessions + totals.sessions,
        total_sales=Decimal(profile.total_sales) + totals.sales,
        last_activity=now,
        modified=now,
    )


def unseen(preview: StoredProfile | None, profile: StoredProfile | None) -> StoredProfile | None:
    """A dry run's preview of the profile, with the last activity it does not record."""
    if preview is None or profile is None:
        return preview
    return replace(preview, last_activity=profile.last_activity, modified=profile.modified)


def session_event(
    app_id: int, kind: str, session: StoredSession, effects: list[Document], now: datetime
) -> EventWrite:
    """The event of a session's lifecycle (``talon_session_updated``, ...)."""
    return EventWrite(
        application_id=app_id,
        created=now,
        type=kind,
        profile_integration_id=session.profile_integration_id or None,
        profile_id=session.profile_id,
        session_integration_id=session.integration_id,
        store_integration_id=session.store_integration_id,
        attributes={},
        effects=effects,
    )


def stored_event(event: EventWrite, event_id: int) -> StoredEvent:
    return StoredEvent(
        **{name: getattr(event, name) for name in EventWrite.__dataclass_fields__}, id=event_id
    )


__all__ = [
    "SessionUpdate",
    "profile_key",
    "released_profile",
    "rewrite",
    "session_event",
    "session_key",
    "stored_event",
    "unseen",
]

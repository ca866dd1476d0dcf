"""A return of cart items (``POST /v2/customer_sessions/{id}/returns``) as the pipeline's subject.

With ``runRuleEngine=true`` the campaigns with ``reevaluateOnReturn`` that gave an effect at close are
evaluated again on what is left of the cart (nothing of that evaluation is committed); the return then
rolls back what the returned units had (``returns.returned``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from openpromo.engine.plan import SessionDraft
from openpromo.services.auth import IntegrationPrincipal
from openpromo.services.data.records import Codes, Document
from openpromo.services.errors import NotFound
from openpromo.services.evaluation.case import Applied, Case, Commits, Owner, Written
from openpromo.services.evaluation.commit import stored_context
from openpromo.services.evaluation.returns import (
    Returned,
    check_returned,
    committed_credits,
    reevaluated_campaigns,
    returned,
    returned_lines,
    revalued_discounts,
)
from openpromo.services.evaluation.session import (
    released_profile,
    rewrite,
    session_event,
    session_key,
    stored_event,
    unseen,
)
from openpromo.services.loyalty import roll_back_loyalty
from openpromo.services.models.convert import from_row
from openpromo.services.models.sessions import Return, ReturnIntegrationRequest
from openpromo.services.ports import UnitOfWork
from openpromo.services.snapshots.snapshot import Snapshot


@dataclass(frozen=True, slots=True)
class _Return:
    wanted: dict[int, int]
    lines: list[Document]
    campaigns: frozenset[int]
    previous: list[Document]


class ReturnItems:
    late_write = False

    def __init__(
        self,
        principal: IntegrationPrincipal,
        integration_id: str,
        request: ReturnIntegrationRequest,
        *,
        dry: bool,
        run_rule_engine: bool,
    ) -> None:
        self.principal = principal
        self.integration_id = integration_id
        self.request = request
        self.content = frozenset(request.response_content or ())
        self.dry = dry
        self.run_rule_engine = run_rule_engine
        self.keys = [session_key(principal.application_id, integration_id)]

    def load(self, uow: UnitOfWork, snapshot: Snapshot, now: datetime) -> Case:
        app = snapshot.app
        codes = Codes(app["case_sensitivity"])  # the stored session's
        opened = uow.sessions.open(app["id"], self.integration_id, self.principal.account_id, None, codes)
        stored = opened.session
        if stored is None:
            raise NotFound("customer session", self.integration_id)
        stored.effects, stored.committed = uow.sessions.history(stored.id)
        wanted = check_returned(stored, self.request.return_)
        previous = uow.sessions.returns(stored.id) if "previousReturns" in self.content else []
        campaigns = reevaluated_campaigns(snapshot, stored) if self.run_rule_engine else frozenset()
        lines = returned_lines(stored, wanted)
        draft = SessionDraft(
            stored.id, stored.integration_id, "partially_returned", replace(stored, cart_items=lines)
        )
        credits, coupon_credits = committed_credits(stored, campaigns)
        committed = stored.committed or {}
        return Case.of(
            snapshot,
            self.principal.account_id,
            now,
            draft,
            opened,
            commits=Commits.NEVER,
            evaluates=bool(campaigns),
            only=sorted(campaigns),
            accepted_coupons=frozenset(int(c) for c, _ in committed.get("coupons", [])),
            accepted_referrals=frozenset(committed.get("referrals", [])),
            credits=credits,
            coupon_credits=coupon_credits,
            content=self.content,
            stored=stored,
            fields=_Return(wanted, lines, campaigns, previous),
        )

    def owner(self, uow: UnitOfWork, case: Case, now: datetime) -> Owner:
        raise AssertionError("a return commits no evaluation")  # Commits.NEVER

    def finish(self, uow: UnitOfWork, case: Case, applied: Applied, now: datetime) -> Written:
        detail: _Return = case.fields
        stored = case.stored
        assert stored is not None
        revalued = (
            (detail.campaigns, revalued_discounts(applied.effects, detail.lines)) if case.evaluates else None
        )
        result = returned(case.snapshot.app, stored, detail.wanted, now, revalued)
        applied.effects = result.effects
        profile = released_profile(case.profile, result.release, now)
        if self.dry:
            preview = replace(stored, cart_items=detail.lines, state="partially_returned")
            return Written(preview, unseen(profile, case.profile), returns=detail.previous)
        if result.release is not None:
            uow.sessions.release(result.release, now)
        result = _roll_back_points(uow, case, result, now)
        applied.effects = result.effects
        event = session_event(
            stored.application_id, "talon_session_partially_returned", result.session, result.effects, now
        )
        _, event_id = uow.sessions.finish(rewrite(result.session), None, event, now)
        record = self._record(uow, case, detail, event_id, now)
        return Written(
            result.session,
            profile,
            stored_event(event, event_id),
            detail.previous,
            extra={"return_": record},
        )

    def _record(self, uow: UnitOfWork, case: Case, detail: _Return, event_id: int, now: datetime) -> Return:
        stored = case.stored
        assert stored is not None
        items = [
            {"position": p, "quantity": q, "sku": detail.lines[p]["sku"]}
            for p, q in sorted(detail.wanted.items())
        ]
        values: dict[str, Any] = {
            "application_id": stored.application_id,
            "account_id": self.principal.account_id,
            "created": now,
            "session_id": stored.id,
            "session_integration_id": self.integration_id,
            "profile_id": case.profile.id if case.profile else None,
            "profile_integration_id": stored.profile_integration_id or None,
            "event_id": event_id,
            "returned_cart_items": items,
        }
        return_id = uow.records.insert("returns", values)
        return from_row(Return, {**values, "id": return_id})


def _roll_back_points(uow: UnitOfWork, case: Case, result: Returned, now: datetime) -> Returned:
    """The ledger entries of the close rolled back by the returned share (``services.loyalty``)."""
    stored = case.stored
    committed = (stored.committed if stored else None) or {}
    if stored is None or not committed.get("loyalty") or result.share <= 0:
        return result
    context = stored_context(case.account_id, case.snapshot.app, stored)
    rolled, left = roll_back_loyalty(
        uow.ledgers,
        case.snapshot.programs,
        committed["loyalty"],
        committed["effects"],
        context,
        now,
        share=result.share,
    )
    session = result.session
    session = replace(session, committed={**(session.committed or {}), "loyalty": left})
    return replace(result, effects=[*result.effects, *rolled.values()], session=session)


__all__ = ["ReturnItems"]

"""The evaluation pipeline: the one way rules run, for every subject (a session, a profile, a return,
and events to come).

    load → evaluate → (lock + confirm) → persist → answer

1. **load**: the subject reads itself and what it names (one call), checks the request and says what to
   evaluate (a ``Case``).
2. **evaluate**: the candidates' budget counters, achievement progress and balances are read (one more
   call, when any is needed) and the engine runs.
3. **lock + confirm**: a commit on SQLite has read without the writer lock; it takes the lock now, reads
   again what it consumes and evaluates again only when that changed (parallel closes on the same
   coupon), so that what it commits is what it evaluated. PostgreSQL read it under row locks already.
4. **persist**: the effects are applied as the case says (``Commits``): nothing, at close, or at once
   (a ``willAwardGiveaway`` draws its code then, ``evaluation.giveaways``); then the subject writes
   itself and its event, in one call.
5. **answer**: the parts asked for, from what was loaded and written.

Once the transaction committed, what it committed is told to the business counters
(``Telemetry.committed``, built by ``evaluation.tally``).

One unit of work holds it all: a request commits whole or not at all.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import datetime

from openpromo.engine.evaluate import Evaluation, Inputs, evaluate
from openpromo.services.access import application_snapshot
from openpromo.services.errors import Conflict
from openpromo.services.evaluation import load
from openpromo.services.evaluation.achievements import commit_achievements
from openpromo.services.evaluation.answer import Answer, build
from openpromo.services.evaluation.case import Applied, Case, Commits, Subject
from openpromo.services.evaluation.commit import RACE, close_commit, immediate_commit, loyalty_context
from openpromo.services.evaluation.documents import coupon_document, effect_document, referral_document
from openpromo.services.evaluation.giveaways import draw_giveaways
from openpromo.services.evaluation.observed_prices import observe_discounted_prices
from openpromo.services.evaluation.tally import committed
from openpromo.services.evaluation.writes import CloseWrites, apply_audience_changes, attribute_updates
from openpromo.services.loyalty import commit_loyalty
from openpromo.services.ports import Telemetry, UnitOfWork, UnitOfWorkFactory
from openpromo.services.snapshots.snapshot import SnapshotCache


def new_uuid() -> str:
    return str(uuid.uuid4())


class Pipeline:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        snapshots: SnapshotCache,
        telemetry: Telemetry,
        new_id: Callable[[], str] = new_uuid,
    ) -> None:
        self._uow = uow
        self._snapshots = snapshots
        self._telemetry = telemetry
        self._new_id = new_id

    def run(self, subject: Subject, now: datetime) -> Answer:
        """Evaluate for ``subject`` at ``now``, apply, write and answer, in one transaction."""
        with self._uow(write=not subject.dry, locks=subject.keys, late_write=subject.late_write) as uow:
            snapshot = application_snapshot(self._snapshots, uow, subject.principal)
            case = subject.load(uow, snapshot, now)
            committing = self._commits(subject, case)
            reading, evaluation = self._evaluate(uow, case, committing=committing)
            applied = Applied([effect_document(e) for e in evaluation.effects] if evaluation else [])
            if evaluation is not None and committing:
                self._apply(uow, subject, case, evaluation, applied, now)
            written = subject.finish(uow, case, applied, now)
            answer = build(case, reading, evaluation, applied, written)
            if not subject.dry:
                uow.commit()
        if not subject.dry:
            counters = reading.inputs.counters if reading is not None else {}
            applied_evaluation = evaluation if committing else None
            self._telemetry.committed(committed(case, counters, applied_evaluation, applied, written))
        return answer

    @staticmethod
    def _commits(subject: Subject, case: Case) -> bool:
        return case.evaluates and case.commits is not Commits.NEVER and not subject.dry

    def _evaluate(
        self, uow: UnitOfWork, case: Case, *, committing: bool
    ) -> tuple[load.Reading | None, Evaluation | None]:
        if not case.evaluates:
            return None, None
        unlocked = committing and uow.writes_later
        reading = load.read(uow.sessions, case, self._new_id, lock=committing and not unlocked)
        evaluation = self._engine(reading.inputs)
        if unlocked:
            uow.writing()  # SQLite's writer lock: confirm what the evaluation consumes
            again = load.confirm(uow.sessions, case, reading, self._new_id)
            if again is not None:
                self._telemetry.close_reevaluated()
                reading, evaluation = again, self._engine(again.inputs)
        return reading, evaluation

    def _engine(self, inputs: Inputs) -> Evaluation:
        started = time.perf_counter()
        try:
            evaluation = evaluate(inputs)
        except Exception:
            self._telemetry.rule_bug()  # rule failures are values; anything escaping the engine is a bug
            raise
        finally:
            self._telemetry.evaluated(time.perf_counter() - started)
        errors = [f.origin.campaign_id for f in evaluation.failures if f.error]
        if errors:
            self._telemetry.rule_errors(errors)
        return evaluation

    def _apply(
        self,
        uow: UnitOfWork,
        subject: Subject,
        case: Case,
        evaluation: Evaluation,
        applied: Applied,
        now: datetime,
    ) -> None:
        """Commit what the evaluation produced: giveaway codes drawn, created coupons and referrals,
        reservations, attribute and audience changes, achievement progress, ledger entries
        (``services.loyalty``), then budgets, redemptions, analytics and effects in force. The writer
        lock is held already (``_evaluate``)."""
        owner = subject.owner(uow, case, now)
        app = case.snapshot.app
        advocate = case.referral.advocate_profile_integration_id if case.referral else None
        draw_giveaways(uow, case, owner, evaluation, applied, now)
        writes = CloseWrites(uow, app, owner, advocate, now)
        applied.effects += writes.apply(evaluation.deferred)
        applied.created_coupons = [coupon_document(c) for c in writes.created_coupons]
        applied.created_referrals = [referral_document(r) for r in writes.created_referrals]
        applied.session_attributes, profile_changes = attribute_updates(owner.attributes, applied.effects)
        if profile_changes and case.profile is not None:
            case.profile.attributes = {**case.profile.attributes, **profile_changes}
            case.profile.modified = now
            uow.sessions.set_profile_attributes(case.profile.id, case.profile.attributes, now)
        apply_audience_changes(uow, case.account_id, owner.profile, applied.effects, now)
        applied.effects, achieved = commit_achievements(uow, case, owner.profile, applied.effects, now)
        applied.effects, loyalty = commit_loyalty(
            uow.ledgers, case.snapshot.programs, applied.effects, loyalty_context(case, owner), now
        )
        if case.commits is Commits.AT_CLOSE:
            commit, applied.committed = close_commit(case, owner, evaluation, applied.effects, now)
            observe_discounted_prices(uow, case.account_id, app["id"], case.session, applied.effects, now)
            applied.committed["loyalty"] = loyalty
            if achieved:
                applied.committed["achievements"] = achieved
        else:
            commit = immediate_commit(case, evaluation, applied.effects, now)
        if not uow.sessions.commit(commit, now):
            raise Conflict(RACE)


__all__ = ["Pipeline", "new_uuid"]

"""What one run of the pipeline is about (``Case``), what a subject supplies (``Subject``), and what the
stages hand each other (``Applied``, ``Written``).

A subject is what rules are evaluated for: a customer session, a profile, an event, a return. It
knows how to read itself (``load``), which row the effects are committed against (``owner``) and how
to write itself and its event at the end (``finish``); the pipeline does everything in between, the
same way for every subject.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Any, Protocol

from openpromo.engine import model
from openpromo.engine.lookups import Achievement
from openpromo.engine.model import CounterKey
from openpromo.engine.plan import SessionDraft
from openpromo.services.auth import IntegrationPrincipal
from openpromo.services.data.records import (
    Document,
    Opened,
    SessionFields,
    StoredCoupon,
    StoredEvent,
    StoredProfile,
    StoredReferral,
    StoredSession,
)
from openpromo.services.ports import UnitOfWork
from openpromo.services.snapshots.snapshot import Snapshot


class Commits(Enum):
    """What the evaluation's effects do."""

    NEVER = "never"
    """Nothing is committed: an open session, a dry run, a return's re-evaluation."""
    AT_CLOSE = "at_close"
    """A closing session: budgets, redemptions, created coupons and the rest are committed."""
    NOW = "now"
    """A profile update or an event: its effects are committed at once (there is no close)."""


@dataclass(slots=True)
class Case:
    """One evaluation: the application, the session (an empty one for a profile), the profile, the
    coupons and referral read with them, and what the evaluation is asked for."""

    snapshot: Snapshot
    account_id: int
    now: datetime
    draft: SessionDraft
    """The session to evaluate (an empty one for a profile)."""
    profile: StoredProfile | None
    audiences: frozenset[int] = frozenset()
    profile_has_sessions: bool = False
    coupons: tuple[StoredCoupon, ...] = ()
    referral: StoredReferral | None = None
    commits: Commits = Commits.NEVER
    evaluates: bool = True
    """False: the subject only writes (a cancel that rolls a close back, a return without rules)."""
    only: Sequence[int] | None = None
    """Evaluate only these campaigns, whatever their state (dry runs, re-evaluations on return)."""
    accepted_coupons: frozenset[int] = frozenset()
    accepted_referrals: frozenset[int] = frozenset()
    credits: Mapping[CounterKey, Decimal] | None = None
    """Budget given back before a re-evaluation (what this session's close consumed)."""
    coupon_credits: Mapping[int, Decimal] | None = None
    content: frozenset[str] = frozenset()
    """The ``responseContent`` asked for."""
    stored: StoredSession | None = None
    """The session as it was before this request (sessions and returns)."""
    fields: Any = None
    """What the subject keeps for its own writes (a session's merged fields, a return's units)."""
    session: model.Session | None = None
    """The engine's session, once the evaluation planned it (``load.read``)."""
    event: tuple[str, dict[str, Any]] | None = None
    """An event's type and attributes (the ``Event`` root), when an event is evaluated."""
    complete: bool = False
    """Every candidate applies, whatever its evaluation group's mode (``forceCompleteEvaluation``)."""
    achievements: dict[int, Achievement] = field(default_factory=dict)
    """The candidates' achievements by id, with the period a progress goes to (``load.read``)."""

    @classmethod
    def of(
        cls,
        snapshot: Snapshot,
        account_id: int,
        now: datetime,
        draft: SessionDraft,
        opened: Opened,
        **more: Any,
    ) -> Case:
        """The case of a subject that read itself with ``SessionData.open``: the profile, its audiences,
        and the coupons and referral the request named, from ``opened``."""
        return cls(
            snapshot=snapshot,
            account_id=account_id,
            now=now,
            draft=draft,
            profile=opened.profile,
            audiences=opened.audiences,
            profile_has_sessions=opened.profile_has_sessions,
            coupons=opened.coupons,
            referral=opened.referral,
            **more,
        )

    @property
    def profile_id(self) -> str:
        return self.draft.documents.profile_integration_id or ""

    @property
    def documents(self) -> SessionFields:
        documents = self.draft.documents
        assert isinstance(documents, SessionFields)
        return documents


@dataclass(slots=True)
class Applied:
    """The evaluation's effects, after the pipeline applied them."""

    effects: list[Document]
    created_coupons: list[Document] = field(default_factory=list)
    created_referrals: list[Document] = field(default_factory=list)
    committed: Document | None = None
    """What a close took (the session keeps it for rollbacks)."""
    session_attributes: dict[str, Any] | None = None
    """The session's attributes after ``updateAttributeValue`` effects (None: unchanged)."""
    giveaways: list[Document] = field(default_factory=list)
    """The giveaway codes this request awarded (columns of ``giveaway_codes``, with ``profile_id``)."""


@dataclass(slots=True)
class Written:
    """What the subject wrote last, for the answer."""

    session: StoredSession | None = None
    profile: StoredProfile | None = None
    event: StoredEvent | None = None
    returns: list[Document] | None = None
    """The session's earlier returns (``previousReturns``)."""
    giveaways: list[Document] | None = None
    """Giveaway codes awarded in the session earlier (a cancel's ``awardedGiveaways``)."""
    extra: dict[str, Any] = field(default_factory=dict)
    """Fields of the answer only this subject has (``return``)."""


@dataclass(frozen=True, slots=True)
class Owner:
    """What a commit's effects belong to: the session (None for a profile or an event) and profile."""

    session_id: int | None
    profile: str
    attributes: dict[str, Any]
    """The session's attributes, which ``updateAttributeValue`` effects on ``Session`` change."""
    total: Decimal = Decimal(0)


class Subject(Protocol):
    """What the pipeline evaluates rules for."""

    @property
    def principal(self) -> IntegrationPrincipal: ...

    @property
    def keys(self) -> Sequence[str]:
        """Request keys held for the whole request (a session's, a profile's): a parallel writer gets
        409."""

    @property
    def dry(self) -> bool: ...

    @property
    def late_write(self) -> bool:
        """Read before taking SQLite's writer lock (see ``UnitOfWorkFactory``)."""

    def load(self, uow: UnitOfWork, snapshot: Snapshot, now: datetime) -> Case:
        """Read the subject and what it names, check the request, and say what to evaluate."""

    def owner(self, uow: UnitOfWork, case: Case, now: datetime) -> Owner:
        """Before a commit: the row it belongs to (a closing session is inserted first when new)."""

    def finish(self, uow: UnitOfWork, case: Case, applied: Applied, now: datetime) -> Written:
        """The subject's last writes (its row, the profile's totals, its event)."""


__all__ = ["Applied", "Case", "Commits", "Owner", "Subject", "Written"]

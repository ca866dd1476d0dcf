"""Points a program manager adds or deducts by hand (Management API), and the program's transactions
(docs/loyalty.md "Points by hand").

A manual change is written through the same book as a session's effects: the ledger is locked and
rolled forward first, an addition is a lot and a deduction spends the active lots FIFO. Its entries have
the source ``manual`` (the ``loyaltyTransactionType`` filters see them as such), a new transaction UUID
and the user who made it.

Our choices:
- an unknown program (or another account's) is a 404, and so is a profile that neither exists nor has a
  ledger in the program, or an unknown card; a card-based program's profile operations, or a
  profile-based program's card operations, are a 400 naming ``loyaltyProgramId``;
- ``points`` is more than 0 and at most 999,999,999,999.99, rounded to 2 places;
- ``validUntil`` and ``validityDuration`` exclude each other, and so do ``pendingUntil`` and
  ``pendingDuration``; without them the program's ``defaultValidity`` and ``defaultPending`` apply;
  durations count from now (or from the start for the validity) in the program's time zone;
  ``on_action`` awaits activation, the validity then counting from the activation;
- a ``subledgerId`` needs a program that allows subledgers (400 ``/subledgerId``); an ``applicationId``
  must be one the program is subscribed to (400 ``/applicationId``);
- a deduction the active balance cannot cover is a 400 naming ``/points`` and writes nothing; an
  inactive (blocked) card neither earns nor spends (400 naming ``loyaltyCardId``).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from openpromo.engine.ledger import Figures, points
from openpromo.engine.tiers import Policy
from openpromo.rules.durations import parse_duration, shift
from openpromo.services.auth import ManagementPrincipal
from openpromo.services.cards import require_card
from openpromo.services.data.ledgers import LedgerOwner, OpenLedger
from openpromo.services.data.loyalty import EntryFilter, PointsQuery, PointsStatus, StoredEntry, StoredProgram
from openpromo.services.errors import InvalidInput, NotFound
from openpromo.services.ledgers import card_owner, profile_owner, program_tiers
from openpromo.services.loyalty.balances import figures_at
from openpromo.services.loyalty.book import Book, Meta
from openpromo.services.loyalty.lists import LedgerFilters, require_profile, transaction_fields
from openpromo.services.loyalty.tiers import policy_of, standing_at
from openpromo.services.models.base import Page
from openpromo.services.models.loyalty import (
    AddLoyaltyPoints,
    DeductLoyaltyPoints,
    LoyaltyLedger,
    LoyaltyLedgerEntry,
    LoyaltyLedgerEntryFlags,
    LoyaltyProgramTransaction,
    LoyaltySubLedger,
    Tier,
)
from openpromo.services.paging import PageRequest, page_of
from openpromo.services.ports import Clock, Row, UnitOfWork, UnitOfWorkFactory

MAX_POINTS = Decimal("999999999999.99")
CENT = Decimal("0.01")


def _points(value: Decimal) -> Decimal:
    if not 0 < value <= MAX_POINTS:
        raise InvalidInput(f"points is more than 0 and at most {MAX_POINTS}", pointer="/points")
    return value.quantize(CENT)


def program_row(uow: UnitOfWork, principal: ManagementPrincipal, program_id: int) -> Row:
    row = uow.records.find_one("loyalty_programs", id=program_id, account_id=principal.account_id)
    if row is None:
        raise NotFound("loyalty program", program_id)
    return row


def require_program(uow: UnitOfWork, principal: ManagementPrincipal, program_id: int, *, cards: bool) -> Row:
    row = program_row(uow, principal, program_id)
    if bool(row["card_based"]) != cards:
        kind = "not card-based" if cards else "card-based"
        raise InvalidInput(f"the loyalty program is {kind}", parameter="loyaltyProgramId")
    return row


def _check_scope(program: Row, subledger_id: str, application_id: int | None) -> None:
    if subledger_id and not program["allow_subledger"]:
        raise InvalidInput("the loyalty program has no subledgers", pointer="/subledgerId")
    if application_id is not None and application_id not in (program["subscribed_applications"] or []):
        raise InvalidInput(
            "the loyalty program is not subscribed to this application", pointer="/applicationId"
        )


def _duration(text: str, pointer: str) -> Any:
    parsed = parse_duration(text)
    if parsed is None:
        raise InvalidInput(f"{text!r} is not a duration", pointer=pointer)
    return parsed


def _window(
    program: Row, request: AddLoyaltyPoints, now: datetime
) -> tuple[datetime | None, datetime | None, str | None]:
    """(start: None awaits activation, expiry, the validity counted from the activation)."""
    if request.pending_until is not None and request.pending_duration is not None:
        raise InvalidInput("send pendingUntil or pendingDuration, not both", pointer="/pendingUntil")
    if request.valid_until is not None and request.validity_duration is not None:
        raise InvalidInput("send validUntil or validityDuration, not both", pointer="/validUntil")
    zone = ZoneInfo(program["timezone"] or "UTC")
    start: datetime | None = now
    if request.pending_until is not None:
        start = max(request.pending_until, now)
    else:
        pending = request.pending_duration or program["default_pending"] or "immediate"
        if pending == "on_action":
            start = None
        elif pending != "immediate":
            start = shift(now, _duration(pending, "/pendingDuration"), zone=zone)
    if request.valid_until is not None:
        if request.valid_until <= (start or now):
            raise InvalidInput("validUntil is after the points become active", pointer="/validUntil")
        return start, request.valid_until, None
    validity = request.validity_duration or program["default_validity"] or "unlimited"
    if validity == "unlimited":
        return start, None, None
    duration = _duration(validity, "/validityDuration")
    if start is None:
        return None, None, validity
    return start, shift(start, duration, zone=zone), None


def tier_policy(uow: UnitOfWork, program: Row) -> Policy | None:
    return policy_of(program, program_tiers(uow, [program["id"]]).get(program["id"], ()))


def _meta(principal: ManagementPrincipal, name: str, application_id: int | None) -> Meta:
    return Meta(
        name=name,
        transaction_uuid=str(uuid.uuid4()),
        source="manual",
        application_id=application_id,
        user_id=principal.user_id,
    )


LEDGER_ROWS = 1000
"""How many entries of each kind a profile's ledger answers (the paged lists give the rest)."""


def _ledger_entry(entry: StoredEntry, integration_id: str) -> LoyaltyLedgerEntry:
    return LoyaltyLedgerEntry(
        created=entry.created,
        program_id=entry.program_id,
        customer_profile_id=integration_id,
        customer_session_id=entry.customer_session_id or None,
        type=entry.type,
        amount=points(entry.amount),
        start_date=entry.start_date or entry.activated_at,
        expiry_date=entry.expiry_date,
        name=entry.name,
        sub_ledger_id=entry.subledger_id,
        flags=LoyaltyLedgerEntryFlags(creates_negative_balance=True)
        if (entry.flags or {}).get("createsNegativeBalance")
        else None,
        validity_duration=entry.validity_duration or None,
    )


def _sub_ledger(
    uow: UnitOfWork,
    account_id: int,
    program_id: int,
    owner: str,
    integration_id: str,
    subledger: str,
    ledger: OpenLedger | None,
    policy: Policy | None,
    now: datetime,
) -> LoyaltySubLedger:
    figures = figures_at(uow.ledgers, ledger, now) if ledger is not None else Figures()
    where = EntryFilter(subledger_ids=(subledger,))

    def lots(status: PointsStatus, order: str | None = None) -> list[LoyaltyLedgerEntry]:
        found = uow.loyalty.points(
            account_id, program_id, owner, where, PointsQuery(status, now, order), skip=0, limit=LEDGER_ROWS
        )
        return [_ledger_entry(e, integration_id) for e in found]

    transactions = uow.loyalty.transactions(
        account_id, program_id, owner, where, now=now, skip=0, limit=LEDGER_ROWS
    )
    active = lots("active", "expiry_date")
    tier = None
    if policy is not None:
        standing = standing_at(uow.ledgers, policy, ledger, now)
        level = policy.level(standing.tier_id)
        if level is not None:
            tier = Tier(
                id=level.id, name=level.name, start_date=standing.entered, expiry_date=standing.expires
            )
    return LoyaltySubLedger(
        total=points(figures.active),
        total_active_points=points(figures.active),
        total_pending_points=points(figures.pending),
        total_spent_points=points(figures.spent),
        total_expired_points=points(figures.expired),
        total_negative_points=points(figures.negative),
        transactions=[_ledger_entry(e, integration_id) for e in transactions],
        expiring_points=[e for e in active if e.expiry_date is not None],
        active_points=active,
        pending_points=lots("pending", "start_date"),
        expired_points=lots("expired", "-expiry_date"),
        current_tier=tier,
    )


class PointsService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def _profile(
        self,
        uow: UnitOfWork,
        principal: ManagementPrincipal,
        program_id: int,
        integration_id: str,
        subledger: str,
    ) -> tuple[Row, LedgerOwner]:
        program = require_program(uow, principal, program_id, cards=False)
        require_profile(uow, principal.account_id, program_id, integration_id)
        owner = LedgerOwner(
            principal.account_id,
            program_id,
            profile_owner(integration_id),
            subledger,
            profile_integration_id=integration_id,
        )
        return program, owner

    def _card(
        self,
        uow: UnitOfWork,
        principal: ManagementPrincipal,
        program_id: int,
        identifier: str,
        subledger: str,
    ) -> tuple[Row, LedgerOwner]:
        program = require_program(uow, principal, program_id, cards=True)
        stored = uow.loyalty.program(principal.account_id, program_id)
        assert isinstance(stored, StoredProgram)
        card = require_card(uow, stored, identifier, lock=True)
        if card.status != "active":
            raise InvalidInput(
                "the loyalty card is inactive: it neither earns nor spends", parameter="loyaltyCardId"
            )
        owner = LedgerOwner(principal.account_id, program_id, card_owner(card.id), subledger, card_id=card.id)
        return program, owner

    def _add(
        self,
        uow: UnitOfWork,
        program: Row,
        owner: LedgerOwner,
        principal: ManagementPrincipal,
        request: AddLoyaltyPoints,
        now: datetime,
    ) -> None:
        amount = _points(request.points)
        _check_scope(program, request.subledger, request.application_id)
        start, expiry, validity = _window(program, request, now)
        book = Book.open(
            uow.ledgers, owner, now, tier_policy(uow, program), program["program_join_policy"] or "not_join"
        )
        book.add(
            amount,
            _meta(principal, request.name, request.application_id),
            start=start,
            expiry=expiry,
            validity_duration=validity,
        )
        book.close()

    def _deduct(
        self,
        uow: UnitOfWork,
        program: Row,
        owner: LedgerOwner,
        principal: ManagementPrincipal,
        request: DeductLoyaltyPoints,
        now: datetime,
    ) -> None:
        amount = _points(request.points)
        _check_scope(program, request.subledger, request.application_id)
        book = Book.open(
            uow.ledgers, owner, now, tier_policy(uow, program), program["program_join_policy"] or "not_join"
        )
        if not book.deduct(amount, _meta(principal, request.name, request.application_id)):
            raise InvalidInput("the active balance does not cover these points", pointer="/points")
        book.close()

    def add_to_profile(
        self, principal: ManagementPrincipal, program_id: int, integration_id: str, request: AddLoyaltyPoints
    ) -> None:
        now = self._clock.now()
        with self._uow() as uow:
            program, owner = self._profile(uow, principal, program_id, integration_id, request.subledger)
            self._add(uow, program, owner, principal, request, now)
            uow.commit()

    def deduct_from_profile(
        self,
        principal: ManagementPrincipal,
        program_id: int,
        integration_id: str,
        request: DeductLoyaltyPoints,
    ) -> None:
        now = self._clock.now()
        with self._uow() as uow:
            program, owner = self._profile(uow, principal, program_id, integration_id, request.subledger)
            self._deduct(uow, program, owner, principal, request, now)
            uow.commit()

    def add_to_card(
        self, principal: ManagementPrincipal, program_id: int, identifier: str, request: AddLoyaltyPoints
    ) -> None:
        now = self._clock.now()
        with self._uow() as uow:
            program, owner = self._card(uow, principal, program_id, identifier, request.subledger)
            self._add(uow, program, owner, principal, request, now)
            uow.commit()

    def deduct_from_card(
        self, principal: ManagementPrincipal, program_id: int, identifier: str, request: DeductLoyaltyPoints
    ) -> None:
        now = self._clock.now()
        with self._uow() as uow:
            program, owner = self._card(uow, principal, program_id, identifier, request.subledger)
            self._deduct(uow, program, owner, principal, request, now)
            uow.commit()

    def profile_ledger(
        self, principal: ManagementPrincipal, program_id: int, integration_id: str
    ) -> LoyaltyLedger:
        """The profile's ledgers now: totals, the newest ``LEDGER_ROWS`` entries and the lots by state."""
        now = self._clock.now()
        with self._uow(write=False) as uow:
            program = require_program(uow, principal, program_id, cards=False)
            require_profile(uow, principal.account_id, program_id, integration_id)
            policy = tier_policy(uow, program)
            owner = profile_owner(integration_id)
            ledgers = dict(uow.ledgers.ledgers_of(program_id, owner))

            def sub(subledger: str) -> LoyaltySubLedger:
                return _sub_ledger(
                    uow,
                    principal.account_id,
                    program_id,
                    owner,
                    integration_id,
                    subledger,
                    ledgers.get(subledger),
                    policy,
                    now,
                )

            return LoyaltyLedger(
                ledger=sub(""), sub_ledgers={name: sub(name) for name in sorted(ledgers) if name} or None
            )

    def program_transactions(
        self, principal: ManagementPrincipal, program_id: int, filters: LedgerFilters, page: PageRequest
    ) -> Page:
        where = filters.entry_filter()
        with self._uow(write=False) as uow:
            program_row(uow, principal, program_id)
            found = uow.loyalty.program_transactions(
                principal.account_id,
                program_id,
                where,
                now=self._clock.now(),
                skip=page.skip,
                limit=page.page_size + 1,
            )
        rows = [
            LoyaltyProgramTransaction(
                **transaction_fields(item.entry),
                campaign_id=item.campaign_id,
                customer_profile_id=item.profile_integration_id,
                card_identifier=item.card_identifier,
                import_id=item.import_id,
                user_id=item.user_id,
                user_email=item.user_email,
            )
            for item in found
        ]
        return page_of(rows, page)


__all__ = ["CENT", "MAX_POINTS", "PointsService", "program_row", "require_program", "tier_policy"]

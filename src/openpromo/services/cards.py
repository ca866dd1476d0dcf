"""What the Integration and Management card use cases share: the identifier rule, new identifiers from a
program's ``cardCodeSettings``, finding a card by the identifier of a path, and the ``LoyaltyCard``
record (docs/loyalty.md "Cards")."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from openpromo.engine.ledger import points
from openpromo.services.codes import DEFAULT_CHARACTERS, DEFAULT_PATTERN, unique_codes
from openpromo.services.data.loyalty import LedgerBalance, StoredCard, StoredProgram
from openpromo.services.errors import InvalidInput, NotFound
from openpromo.services.ledgers import card_owner
from openpromo.services.loyalty.balances import figures_at
from openpromo.services.models.cards import LedgerInfo, LoyaltyCard, LoyaltyCardProfileRegistration, Tier
from openpromo.services.ports import UnitOfWork

IDENTIFIER = re.compile(r"^[A-Za-z0-9._%+@-]{4,108}$")
ZERO = Decimal(0)


def require_card(
    uow: UnitOfWork, program: StoredProgram, identifier: str, *, lock: bool = False
) -> StoredCard:
    """The program's card with this identifier (400 for an identifier no card can have, 404 unknown)."""
    if not IDENTIFIER.match(identifier):
        raise InvalidInput(
            "a card identifier has 4 to 108 of the characters A-Z a-z 0-9 . _ % + @ -",
            parameter="loyaltyCardId",
        )
    card = (
        uow.loyalty.card(program.account_id, program.id, identifier, lock=lock)
        if program.card_based
        else None
    )
    if card is None:
        raise NotFound("loyalty card", identifier)
    return card


def new_identifiers(
    uow: UnitOfWork,
    program: StoredProgram,
    count: int,
    settings: dict[str, Any] | None = None,
    *,
    pointer: str = "/cardIdentifier",
) -> list[str]:
    """``count`` identifiers no card of the program has, from ``settings`` or the program's
    ``cardCodeSettings`` (``#``: a valid character; ``####-####`` over A-Z 0-9 without either); a 400
    naming ``pointer`` when they cannot give that many valid ones."""
    settings = settings or program.card_code_settings or {}
    pattern = settings.get("couponPattern") or DEFAULT_PATTERN
    characters = settings.get("validCharacters") or DEFAULT_CHARACTERS
    try:
        identifiers = unique_codes(
            count,
            pattern,
            characters,
            lambda c: c,
            lambda c: uow.loyalty.taken_identifiers(program.account_id, program.id, c),
        )
    except ValueError:
        identifiers = []
    if len(identifiers) < count or not all(IDENTIFIER.match(i) for i in identifiers):
        raise InvalidInput("the card code settings give no new valid card identifiers", pointer=pointer)
    return identifiers


def ledger_info(program: StoredProgram, balance: LedgerBalance | None) -> LedgerInfo:
    """A ledger's balances as the card answers them (no session here: tentative = current), with its
    tier and the next one, as a session's ``loyalty`` answer has them."""
    active, pending, negative = (
        (points(balance.active), points(balance.pending), points(balance.negative))
        if balance is not None
        else (points(ZERO), points(ZERO), points(ZERO))
    )
    return LedgerInfo(
        current_balance=active,
        pending_balance=pending,
        negative_balance=negative,
        expired_balance=points(ZERO),
        spent_balance=points(ZERO),
        tentative_current_balance=active,
        tentative_pending_balance=pending,
        tentative_negative_balance=negative,
        **_tiers(program, balance, active),
    )


def _tiers(program: StoredProgram, balance: LedgerBalance | None, active: Decimal) -> dict[str, Any]:
    """``currentTier`` (the ledger's), ``nextTierName`` and ``pointsToNextTier`` (the lowest tier above
    it, absent at the top)."""
    tier_id = balance.tier_id if balance is not None else None
    current = next((t for t in program.tiers if t[1] == tier_id), None)
    found: dict[str, Any] = {}
    if current is not None and balance is not None:
        found["current_tier"] = Tier(
            id=current[1],
            name=current[2],
            start_date=balance.tier_entered_at,
            expiry_date=balance.tier_expires_at,
        )
    following = [t for t in program.tiers if current is None or t[0] > current[0]]
    if following:
        found["next_tier_name"] = following[0][2]
        found["points_to_next_tier"] = points(max(following[0][0] - active, ZERO))
    return found


def current(uow: UnitOfWork, card: StoredCard, now: datetime) -> StoredCard:
    """The card with its ledgers' balances as of ``now`` (the stored ones hold as of their last write;
    points that started or expired since are rolled forward, ``services.loyalty.figures_at``)."""
    ledgers = uow.ledgers.ledgers_of(card.program_id, card_owner(card.id))
    if not ledgers:
        return card
    balances = {}
    for sub, ledger in ledgers:
        figures = figures_at(uow.ledgers, ledger, now)
        balances[sub] = LedgerBalance(
            figures.active,
            figures.pending,
            figures.negative,
            ledger.tier_id,
            ledger.tier_entered_at,
            ledger.tier_expires_at,
        )
    return replace(card, ledgers=balances)


def card_record(program: StoredProgram, card: StoredCard) -> LoyaltyCard:
    subledgers = {sub: ledger_info(program, balance) for sub, balance in sorted(card.ledgers.items()) if sub}
    return LoyaltyCard(
        id=card.id,
        created=card.created,
        program_id=program.id,
        program_name=program.name,
        program_title=program.title,
        status=card.status,
        block_reason=card.block_reason,
        identifier=card.identifier,
        users_per_card_limit=card.users_per_card_limit,
        profiles=[LoyaltyCardProfileRegistration(integration_id=i, timestamp=t) for i, t in card.profiles],
        ledger=ledger_info(program, card.ledgers.get("")),
        subledgers=subledgers or None,
        modified=card.modified,
        old_card_identifier=card.old_card_identifier,
        new_card_identifier=card.new_card_identifier,
        batch_id=card.batch_id,
    )


__all__ = ["IDENTIFIER", "card_record", "current", "ledger_info", "new_identifiers", "require_card"]

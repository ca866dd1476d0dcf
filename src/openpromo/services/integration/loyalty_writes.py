"""The loyalty Integration writes that are not evaluations: activating points that await activation,
and deleting a profile's transactions."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from openpromo.engine.lookups import Program
from openpromo.rules.durations import parse_duration, shift
from openpromo.services.data.ledgers import ADDITION, LedgerData, LedgerOwner, StoredEntry
from openpromo.services.loyalty import Ledgers
from openpromo.services.models.loyalty import ActivateLoyaltyPoints, LoyaltyLedgerEntry


def _awaiting(entry: StoredEntry) -> bool:
    return entry.type == ADDITION and entry.pending_action and not entry.rollback


def activate(
    data: LedgerData,
    account_id: int,
    program_id: int,
    request: ActivateLoyaltyPoints,
    now: datetime,
    program: Program | None = None,
) -> list[LoyaltyLedgerEntry]:
    """Points of the session (or of the transactions) that await activation become active now and expire
    their ``validityDuration`` later; the entries activated (others are left as they are)."""
    if request.session_id is not None:
        found = data.session_entries(program_id, request.session_id)
    else:
        found = data.entries(program_id, request.transaction_uuids or [])
    ledgers = Ledgers(data, now)
    answered = []
    for entry in (e for e in found if _awaiting(e)):
        parsed = parse_duration(entry.validity_duration) if entry.validity_duration else None
        zone = ZoneInfo(program.timezone) if program is not None else None
        expiry = shift(now, parsed, zone=zone) if parsed is not None else None
        book = ledgers.book(LedgerOwner(account_id, program_id, entry.owner_key, entry.subledger_id), program)
        book.activate(entry, expiry)
        answered.append(_answer(entry, now, expiry))
    ledgers.close()
    return answered


def _answer(entry: StoredEntry, start: datetime, expiry: datetime | None) -> LoyaltyLedgerEntry:
    kind, _, ident = entry.owner_key.partition(":")
    return LoyaltyLedgerEntry(
        created=entry.created,
        program_id=entry.program_id,
        customer_profile_id=ident if kind == "profile" else None,
        card_id=int(ident) if kind == "card" else None,
        customer_session_id=entry.customer_session_id,
        type=entry.type,
        amount=entry.amount,
        start_date=start,
        expiry_date=expiry,
        name=entry.name,
        sub_ledger_id=entry.subledger_id,
        validity_duration=entry.validity_duration,
    )


def delete_transactions(
    data: LedgerData, program_id: int, owner_key: str, subledgers: set[str] | None
) -> None:
    """Remove the owner's entries in every ledger of the program (``subledgers``: only those; ``""`` is
    the main ledger); their balances go back to zero."""
    ledgers = data.ledgers_of(program_id, owner_key)
    data.delete_entries([ledger.id for sub, ledger in ledgers if subledgers is None or sub in subledgers])


__all__ = ["activate", "delete_transactions"]

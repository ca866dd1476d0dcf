"""Rolling back what a close wrote in ledgers: on cancel and reopen whole, on a partial return in
proportion to the returned units' share (as session-level discounts are).

The rollback of an addition takes back what the program's return policy allows (``only_pending`` by
default; ``within_balance``; ``unlimited``, whose shortfall becomes a negative balance and is flagged
``createsNegativeBalance``); what no policy covers stays with the customer, and the effect's ``value`` is
what was actually taken. The rollback of a deduction gives the points back as lots that expire when the
lots they were taken from do.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from openpromo.engine.ledger import ZERO, ReturnPolicy, points
from openpromo.engine.lookups import Program
from openpromo.services.data.ledgers import ADDITION, SUBTRACTION, LedgerData, LedgerOwner, StoredEntry
from openpromo.services.loyalty.book import Book
from openpromo.services.loyalty.effects import Context, Ledgers, meta_of

Record = list[Any]
"""``[kind ("add" | "deduct"), programId, transactionUUID, value not rolled back yet]``."""


def roll_back_loyalty(
    data: LedgerData,
    programs: Mapping[int, Program],
    records: Sequence[Record],
    effects: Sequence[Mapping[str, Any]],
    context: Context,
    now: datetime,
    share: Decimal | None = None,
) -> tuple[dict[str, dict[str, Any]], list[Record]]:
    """The rollback effects by transaction UUID, and the records left (``share``: the part to roll back,
    None: all of it)."""
    originals = {e["props"].get("transactionUUID"): e for e in effects if "transactionUUID" in e["props"]}
    ledgers = Ledgers(data, now)
    rolled: dict[str, dict[str, Any]] = {}
    left: list[Record] = []
    for kind, program_id, uuid, value in records:
        asked = Decimal(value) if share is None else points(Decimal(value) * share)
        program, effect = programs.get(program_id), originals.get(uuid)
        entry = _original(data, program_id, uuid, ADDITION if kind == "add" else SUBTRACTION)
        if program is None or effect is None or entry is None or asked <= 0:
            left.append([kind, program_id, uuid, value])
            continue
        owner = LedgerOwner(context.account_id, program_id, entry.owner_key, entry.subledger_id)
        book = ledgers.book(owner, program)
        rollback = _roll_back(book, kind, entry, effect, asked, program, context)
        if rollback is not None:
            rolled[uuid] = rollback
        rest = Decimal(value) - asked
        if rest > 0:
            left.append([kind, program_id, uuid, str(rest)])
    ledgers.close()
    return rolled, left


def _original(data: LedgerData, program_id: int, uuid: str, kind: str) -> StoredEntry | None:
    return next(
        (e for e in data.entries(program_id, [uuid]) if e.type == kind and not e.rollback),
        None,
    )


def _roll_back(
    book: Book,
    kind: str,
    entry: StoredEntry,
    effect: Mapping[str, Any],
    asked: Decimal,
    program: Program,
    context: Context,
) -> dict[str, Any] | None:
    props = effect["props"]
    meta = meta_of(effect, context, f"rollback of {entry.name}".strip())
    base: dict[str, Any] = {
        "programId": program.id,
        "subLedgerId": entry.subledger_id,
        "recipientIntegrationId": props.get("recipientIntegrationId") or context.profile,
        "transactionUUID": entry.transaction_uuid,
    }
    if entry.owner_key.startswith("card:"):
        card = props.get("cardIdentifier") or (context.cards[0] if context.cards else None)
        if card:
            base["cardIdentifier"] = card
    if kind == "add":
        back = book.roll_back_addition(entry, asked, ReturnPolicy.of(program.return_policy), meta)
        if back <= 0:
            return None
        return {**effect, "effectType": "rollbackAddedLoyaltyPoints", "props": {**base, "value": back}}
    given = book.roll_back_deduction(entry, asked, meta)
    total = sum((g.amount for g in given), ZERO)
    if total <= 0:
        return None
    rollback: dict[str, Any] = {**base, "value": total, "startDate": book.now}
    if given[0].expiry is not None:
        rollback["expiryDate"] = given[0].expiry
    return {**effect, "effectType": "rollbackDeductedLoyaltyPoints", "props": rollback}


__all__ = ["Record", "roll_back_loyalty"]

"""CSV imports of a loyalty program: points (``importLoyaltyPoints``) and cards (``importLoyaltyCards``)
(docs/loyalty.md "Imports and exports").

An import is one transaction: every row is checked first (every bad cell reported, each naming its
line and column), then written, so a request commits whole or not at all. Imported points are written
through the same book as every other change (the ledger locked and rolled forward, a lot per row, the
tier upgraded at close), one book per ledger, the rows in the file's order; their entries have the
source ``import`` (what ``loyaltyTransactionType=import`` finds), the ``Import``'s id, a transaction
UUID each, the user who imported them, and the row's ``reason`` as their name.

Our choices:
- an unknown program (or another account's) is a 404; a profile-based program's file names profiles
  (``customerprofileid``), a card-based one's cards (``identifier``): the other column is a 400;
- a profile that does not exist is created (with no attributes), as the spec says; a card that does not
  exist, or an inactive one (it neither earns nor spends), is a 400 naming its line;
- cards are imported into card-based programs only (else a 400 naming ``loyaltyProgramId``); an
  identifier the program has, or one named twice in the file, is a 400 naming its line (the spec gives
  the operation no 409, as for ``generateLoyaltyCard``); a card takes the program's user limit and no
  more profiles than it; unknown profiles are created; cards are inserted 1000 rows a statement.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from openpromo.services.auth import ManagementPrincipal
from openpromo.services.data.ledgers import LedgerOwner
from openpromo.services.data.loyalty import NewCard
from openpromo.services.errors import Conflict, ErrorDetail, InvalidInput, NotFound, raise_problems
from openpromo.services.ledgers import card_owner, profile_owner
from openpromo.services.loyalty.book import Book, Meta
from openpromo.services.management.loyalty_csv import (
    CardRow,
    CellError,
    PointsRow,
    parse_cards_csv,
    parse_points_csv,
    problem,
)
from openpromo.services.management.points import program_row, tier_policy
from openpromo.services.management.uploads import record_import
from openpromo.services.models.coupons import Import
from openpromo.services.ports import Clock, Row, UnitOfWork, UnitOfWorkFactory

POINTS_ENTITY = "LoyaltyPoints"
CARDS_ENTITY = "LoyaltyCards"


def ensure_profiles(uow: UnitOfWork, account_id: int, integration_ids: list[str], now: datetime) -> None:
    """Create the profiles that do not exist yet, 1000 a statement."""
    for first in range(0, len(integration_ids), 1000):
        uow.loyalty.ensure_profiles(account_id, integration_ids[first : first + 1000], now)


def _owners(
    uow: UnitOfWork, program: Row, rows: Sequence[PointsRow], now: datetime
) -> dict[tuple[str, str], LedgerOwner]:
    """The ledger of each row's (owner, subledger); 400 naming the lines whose card is unknown or
    inactive; profiles that do not exist are created."""
    account_id, program_id = program["account_id"], program["id"]
    names = sorted({row.owner for row in rows})
    owners: dict[tuple[str, str], LedgerOwner] = {}
    if not program["card_based"]:
        ensure_profiles(uow, account_id, names, now)
        for row in rows:
            owners[row.owner, row.subledger] = LedgerOwner(
                account_id,
                program_id,
                profile_owner(row.owner),
                row.subledger,
                profile_integration_id=row.owner,
            )
        return owners
    cards = uow.loyalty.card_states(account_id, program_id, names)
    problems: list[ErrorDetail] = []
    for row in rows:
        card = cards.get(row.owner)
        if card is None or card[1] != "active":
            why = "no card of the program has this identifier" if card is None else "the card is inactive"
            problems.append(problem(row.line, CellError("identifier", why)))
            continue
        owners[row.owner, row.subledger] = LedgerOwner(
            account_id, program_id, card_owner(card[0]), row.subledger, card_id=card[0]
        )
    raise_problems(problems)
    return owners


def _taken(uow: UnitOfWork, account_id: int, program_id: int, rows: Sequence[CardRow]) -> None:
    """400 naming every line whose identifier the program has, or an earlier line has."""
    taken = uow.loyalty.taken_identifiers(account_id, program_id, [row.identifier for row in rows])
    seen: set[str] = set()
    problems: list[ErrorDetail] = []
    for row in rows:
        if row.identifier in taken or row.identifier in seen:
            where = "the program" if row.identifier in taken else "an earlier line"
            problems.append(problem(row.line, CellError("identifier", f"{where} has this card already")))
        seen.add(row.identifier)
    raise_problems(problems)


class LoyaltyImportService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def import_points(self, principal: ManagementPrincipal, program_id: int, content: bytes) -> Import:
        now = self._clock.now()
        with self._uow() as uow:
            program = program_row(uow, principal, program_id)
            rows = parse_points_csv(content, program, now)
            owners = _owners(uow, program, rows, now)
            record = record_import(uow, principal, POINTS_ENTITY, len(rows), now)
            policy = tier_policy(uow, program)
            by_ledger: dict[tuple[str, str], list[PointsRow]] = {}
            for row in rows:
                by_ledger.setdefault((row.owner, row.subledger), []).append(row)
            for key, written in by_ledger.items():
                book = Book.open(
                    uow.ledgers, owners[key], now, policy, program["program_join_policy"] or "not_join"
                )
                for row in written:
                    meta = Meta(
                        name=row.reason,
                        transaction_uuid=str(uuid.uuid4()),
                        source="import",
                        user_id=principal.user_id,
                        import_id=record.id,
                    )
                    book.add(
                        row.amount, meta, start=row.start, expiry=row.expiry, validity_duration=row.validity
                    )
                book.close()
            uow.commit()
        return record

    def import_cards(self, principal: ManagementPrincipal, program_id: int, content: bytes) -> Import:
        now = self._clock.now()
        with self._uow() as uow:
            program = uow.loyalty.program(principal.account_id, program_id)
            if program is None:
                raise NotFound("loyalty program", program_id)
            if not program.card_based:
                raise InvalidInput("the loyalty program is not card-based", parameter="loyaltyProgramId")
            rows = parse_cards_csv(content, program.users_per_card_limit)
            _taken(uow, program.account_id, program.id, rows)
            ensure_profiles(uow, program.account_id, sorted({p for row in rows for p in row.profiles}), now)
            cards = [
                (
                    NewCard(
                        program.account_id,
                        program.id,
                        row.identifier,
                        row.status,
                        program.users_per_card_limit,
                        now,
                    ),
                    row.profiles,
                )
                for row in rows
            ]
            if uow.loyalty.import_cards(cards) < len(cards):
                raise Conflict("a card of the file was created by a parallel request; retry the import")
            record = record_import(uow, principal, CARDS_ENTITY, len(rows), now)
            uow.commit()
        return record


__all__ = ["CARDS_ENTITY", "POINTS_ENTITY", "LoyaltyImportService", "ensure_profiles"]

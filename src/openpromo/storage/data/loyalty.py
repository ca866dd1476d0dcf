"""``SqlLoyaltyData``: loyalty cards and the ledger lists, in SQLAlchemy Core (``services.data.loyalty``);
the lists' statements are in ``ledger_lists``, the cards' own in ``cards``."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from openpromo.services.data.loyalty import (
    CardFilter,
    EntryFilter,
    NewCard,
    PointsQuery,
    ProgramEntry,
    StoredCard,
    StoredEntry,
    StoredProgram,
)
from openpromo.storage.data import cards, ledger_lists
from openpromo.storage.data.statements import upsert
from openpromo.storage.schema.loyalty import (
    loyalty_programs,
    loyalty_tiers,
)
from openpromo.storage.schema.sessions import customer_profiles


class SqlLoyaltyData:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def program(self, account_id: int, program_id: int) -> StoredProgram | None:
        if not -(2**63) <= program_id < 2**63:  # a path's id no 64-bit column holds: no such program
            return None
        row = self._conn.execute(
            sa.select(loyalty_programs).where(
                loyalty_programs.c.id == program_id, loyalty_programs.c.account_id == account_id
            )
        ).first()
        if row is None:
            return None
        tiers = self._conn.execute(
            sa.select(loyalty_tiers.c.min_points, loyalty_tiers.c.id, loyalty_tiers.c.name)
            .where(loyalty_tiers.c.account_id == account_id, loyalty_tiers.c.program_id == program_id)
            .order_by(loyalty_tiers.c.min_points, loyalty_tiers.c.id)
        ).all()
        return StoredProgram(
            row.id,
            row.account_id,
            row.name,
            row.title,
            bool(row.card_based),
            int(row.users_per_card_limit or 0),
            row.card_code_settings,
            tuple(row.subscribed_applications or ()),
            tuple((Decimal(t.min_points), t.id, t.name) for t in tiers),
        )

    def card(
        self, account_id: int, program_id: int, identifier: str, *, lock: bool = False
    ) -> StoredCard | None:
        return cards.find(self._conn, account_id, program_id, identifier, lock=lock)

    def cards(
        self, account_id: int, program_id: int, where: CardFilter, *, order: str, skip: int, limit: int
    ) -> list[StoredCard]:
        return cards.listed(self._conn, account_id, program_id, where, order=order, skip=skip, limit=limit)

    def taken_identifiers(self, account_id: int, program_id: int, identifiers: list[str]) -> set[str]:
        return cards.taken(self._conn, account_id, program_id, identifiers)

    def insert_card(self, card: NewCard) -> int | None:
        return cards.insert(self._conn, card)

    def insert_cards(self, new: list[NewCard]) -> int:
        return cards.insert_many(self._conn, new)

    def import_cards(self, new: list[tuple[NewCard, tuple[str, ...]]]) -> int:
        return cards.insert_linked(self._conn, new)

    def card_states(
        self, account_id: int, program_id: int, identifiers: list[str]
    ) -> dict[str, tuple[int, str]]:
        return cards.states(self._conn, account_id, program_id, identifiers)

    def card_page(
        self, account_id: int, program_id: int, after: int, limit: int
    ) -> list[tuple[int, str, str]]:
        return cards.page(self._conn, account_id, program_id, after, limit)

    def owner_log(
        self,
        account_id: int,
        program_id: int,
        owner_key: str,
        where: EntryFilter,
        after: tuple[datetime, int] | None,
        limit: int,
    ) -> list[ProgramEntry]:
        return ledger_lists.owner_log(self._conn, account_id, program_id, owner_key, where, after, limit)

    def update_card(self, card_id: int, now: datetime, *, status: str, block_reason: str | None) -> None:
        cards.touch(self._conn, card_id, now, status=status, block_reason=block_reason)

    def delete_card(self, program_id: int, card_id: int) -> None:
        cards.delete(self._conn, program_id, card_id)

    def transfer_card(self, card: StoredCard, new: NewCard, block_reason: str | None) -> bool:
        return cards.transfer(self._conn, card, new, block_reason)

    def profile_integration_id(self, account_id: int, profile_id: int) -> str | None:
        found = self._conn.execute(
            sa.select(customer_profiles.c.integration_id).where(
                customer_profiles.c.account_id == account_id, customer_profiles.c.id == profile_id
            )
        ).scalar()
        return None if found is None else str(found)

    def link(self, account_id: int, card_id: int, integration_ids: list[str], now: datetime) -> None:
        cards.link(self._conn, account_id, card_id, integration_ids, now)

    def unlink(self, card_id: int, integration_id: str, now: datetime) -> bool:
        return cards.unlink(self._conn, card_id, integration_id, now)

    def profile_exists(self, account_id: int, integration_id: str) -> bool:
        profiles = customer_profiles
        found = self._conn.execute(
            sa.select(profiles.c.id).where(
                profiles.c.account_id == account_id, profiles.c.integration_id == integration_id
            )
        ).first()
        return found is not None

    def ensure_profiles(self, account_id: int, integration_ids: list[str], now: datetime) -> None:
        if not integration_ids:
            return
        rows = [
            {
                "account_id": account_id,
                "integration_id": i,
                "attributes": {},
                "created": now,
                "modified": now,
                "last_activity": now,
            }
            for i in integration_ids
        ]
        insert = upsert(self._conn.dialect.name == "postgresql")(customer_profiles)
        self._conn.execute(insert.on_conflict_do_nothing(), rows)

    def transactions(
        self,
        account_id: int,
        program_id: int,
        owner_key: str,
        where: EntryFilter,
        *,
        now: datetime,
        skip: int,
        limit: int,
    ) -> list[StoredEntry]:
        return ledger_lists.transactions(
            self._conn, account_id, program_id, owner_key, where, now=now, skip=skip, limit=limit
        )

    def program_transactions(
        self, account_id: int, program_id: int, where: EntryFilter, *, now: datetime, skip: int, limit: int
    ) -> list[ProgramEntry]:
        return ledger_lists.program_transactions(
            self._conn, account_id, program_id, where, now=now, skip=skip, limit=limit
        )

    def points(
        self,
        account_id: int,
        program_id: int,
        owner_key: str,
        where: EntryFilter,
        query: PointsQuery,
        *,
        skip: int,
        limit: int,
    ) -> list[StoredEntry]:
        return ledger_lists.points(
            self._conn, account_id, program_id, owner_key, where, query, skip=skip, limit=limit
        )


__all__ = ["SqlLoyaltyData"]

"""Giving back a closed session's commit (cancel, reopen): its ledger entries and achievement progress
are rolled back first (they need their tables: ``services.loyalty``, ``evaluation.achievements``), then
the rest is released as ``commit.rollback`` says."""

from __future__ import annotations

from datetime import datetime

from openpromo.services.data.records import Document, Release, StoredSession
from openpromo.services.evaluation.achievements import roll_back_achievements
from openpromo.services.evaluation.case import Case
from openpromo.services.evaluation.commit import rollback, stored_context
from openpromo.services.loyalty import roll_back_loyalty
from openpromo.services.ports import UnitOfWork


def give_back(
    uow: UnitOfWork, case: Case, stored: StoredSession, now: datetime
) -> tuple[Release | None, list[Document]]:
    """What the session's close released, and the rollback effects in the order of the originals."""
    app = case.snapshot.app
    committed = stored.committed or {}
    loyalty: dict[str, Document] = {}
    if committed.get("loyalty"):
        context = stored_context(case.account_id, app, stored)
        loyalty, _ = roll_back_loyalty(
            uow.ledgers, case.snapshot.programs, committed["loyalty"], committed["effects"], context, now
        )
    achievements = (
        roll_back_achievements(uow, case.snapshot.achievements, committed["achievements"])
        if committed.get("achievements")
        else None
    )
    return rollback(app, stored, now, loyalty, achievements)


__all__ = ["give_back"]

"""Achievement progress: committed by a close, an event or a profile update (DOMAIN A1), and given back
by a cancel or a reopen of the close (``rollbackIncreasedAchievementProgress``).

Each ``increaseAchievementProgress`` effect is one atomic increase of the period the evaluation chose
(``engine.achievements.standing``, read in ``load``); the effect is answered as the database left the
row: its ``value``, ``progressTrackerId`` and whether this increase completed it (``isJustCompleted``).
A close keeps one record per increase, ``[progress row id, achievement id, amount added]``, in its
``committed`` record, so that a rollback takes back exactly what the close added (a completed period
only with ``allowRollbackAfterCompletion``). A partial return leaves progress as it is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from openpromo.engine.achievements import Definition
from openpromo.services.data.achievements import Advance
from openpromo.services.data.records import Document
from openpromo.services.evaluation.case import Case
from openpromo.services.ports import UnitOfWork

INCREASE = "increaseAchievementProgress"
ROLLBACK = "rollbackIncreasedAchievementProgress"
ZERO = Decimal(0)

Record = list[Any]
"""``[progress row id, achievement id, amount added (text)]``."""


def commit_achievements(
    uow: UnitOfWork, case: Case, profile: str, effects: list[Document], now: datetime
) -> tuple[list[Document], list[Record]]:
    """The effects with each increase as written (an increase that found its period completed by a
    parallel request is left out), and the records a rollback needs."""
    if not profile or not any(e["effectType"] == INCREASE for e in effects):
        return effects, []
    data = uow.achievements
    application_id = case.snapshot.app["id"]
    reached: dict[int, Decimal] = {}
    answered: list[Document] = []
    records: list[Record] = []
    for effect in effects:
        if effect["effectType"] != INCREASE:
            answered.append(effect)
            continue
        props = effect["props"]
        ident = int(props["achievementId"])
        achievement = case.achievements.get(ident)
        if achievement is None or achievement.period is None:
            continue  # the engine emits an increase only for a period it found
        period, delta = achievement.period, Decimal(str(props["delta"]))
        before = reached.get(ident, achievement.progress)
        increase = Advance(
            application_id, ident, profile, period.key, period.start, period.end, delta, achievement.target
        )
        advanced = data.advance(increase, now)
        if advanced is None:
            continue
        reached[ident] = advanced.progress
        added = max(min(advanced.progress - before, delta), ZERO)
        written = {
            **props,
            "value": advanced.progress,
            "isJustCompleted": advanced.status == "completed",
            "progressTrackerId": advanced.id,
        }
        answered.append({**effect, "props": written})
        records.append([advanced.id, ident, str(added)])
    return answered, records


def roll_back_achievements(
    uow: UnitOfWork, definitions: Mapping[int, Sequence[Definition]], records: Sequence[Record]
) -> dict[int, list[Document | None]]:
    """Take back what a close added: by achievement id, the rollback props of each of its increases in
    order (None: that one is not rolled back, its period being completed or its achievement gone)."""
    by_id = {d.id: d for group in definitions.values() for d in group}
    data = uow.achievements
    rolled: dict[int, list[Document | None]] = {}
    for progress_id, achievement_id, amount in records:
        definition, taken = by_id.get(achievement_id), Decimal(amount)
        left = None
        if definition is not None and taken > 0:
            after = definition.allow_rollback_after_completion
            left = data.roll_back(progress_id, taken, after_completion=after)
        queue = rolled.setdefault(achievement_id, [])
        if definition is None or left is None:
            queue.append(None)
            continue
        queue.append(
            {
                "achievementId": achievement_id,
                "achievementName": definition.name,
                "progressTrackerId": progress_id,
                "decreaseProgressBy": taken,
                "currentProgress": left,
                "target": definition.target,
            }
        )
    return rolled


__all__ = ["INCREASE", "ROLLBACK", "Record", "commit_achievements", "roll_back_achievements"]

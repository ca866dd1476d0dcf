"""What every Integration use case is given: the unit of work, the clock, the configuration snapshots
(the key check, ``access.application_snapshot``) and the evaluation pipeline."""

from __future__ import annotations

from openpromo.services.evaluation import Pipeline
from openpromo.services.ports import Clock, UnitOfWorkFactory
from openpromo.services.snapshots.snapshot import SnapshotCache


class IntegrationService:
    def __init__(
        self, uow: UnitOfWorkFactory, clock: Clock, snapshots: SnapshotCache, pipeline: Pipeline
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._snapshots = snapshots
        self._pipeline = pipeline


__all__ = ["IntegrationService"]

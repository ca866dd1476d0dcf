"""``getLoyaltyStatistics`` (``GET /v1/loyalty_programs/{id}/statistics``, deprecated by Talon.One but called
by the older SDK generation): a program's points, members and today's movements (docs/loyalty.md).

"Today" is the program's day: from midnight in its time zone to now. Active, pending and expired points
are as of now (lots that started or expired since their ledger's last write counted where they are now);
spent and negative points as of each ledger's last write. Points earned or spent by hand are those added
or deducted through the Management API or imported; the rest came from the rule engine.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from openpromo.engine.ledger import points
from openpromo.services.auth import ManagementPrincipal
from openpromo.services.management.points import program_row
from openpromo.services.models.loyalty import LoyaltyDashboardData, LoyaltyDashboardPointsBreakdown
from openpromo.services.ports import Clock, UnitOfWorkFactory


def _midnight(now: datetime, zone: str) -> datetime:
    local = now.astimezone(ZoneInfo(zone or "UTC"))
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


class StatisticsService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def program(self, principal: ManagementPrincipal, program_id: int) -> LoyaltyDashboardData:
        now = self._clock.now()
        with self._uow(write=False) as uow:
            program = program_row(uow, principal, program_id)
            day = _midnight(now, program["timezone"])
            found = uow.loyalty.program_statistics(principal.account_id, program_id, now, day)
        return LoyaltyDashboardData(
            date=day,
            total_active_points=points(found.active),
            total_pending_points=points(found.pending),
            total_spent_points=points(found.spent),
            total_expired_points=points(found.expired),
            total_negative_points=points(found.negative),
            total_members=Decimal(found.members),
            new_members=Decimal(found.new_members),
            spent_points=LoyaltyDashboardPointsBreakdown(
                created_manually=points(found.spent_by_hand),
                created_via_rule_engine=points(found.spent_by_rules),
            ),
            earned_points=LoyaltyDashboardPointsBreakdown(
                created_manually=points(found.earned_by_hand),
                created_via_rule_engine=points(found.earned_by_rules),
            ),
        )


__all__ = ["StatisticsService"]

"""Loyalty through the Integration API: the balances of a profile or a card as of any moment, activating
points that await it, and deleting a profile's transactions (docs/loyalty.md).

A program the application does not subscribe to is not found (404), like an unknown one. Balances with a
``subledgerId`` answer the main ledger's balance and that subledger alone; without one, every subledger.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from openpromo.engine.ledger import Figures
from openpromo.services.access import application_snapshot
from openpromo.services.auth import IntegrationPrincipal
from openpromo.services.data.ledgers import LedgerData, OpenLedger
from openpromo.services.errors import InvalidInput, NotFound
from openpromo.services.integration.base import IntegrationService
from openpromo.services.integration.loyalty_writes import activate, delete_transactions
from openpromo.services.ledgers import ProgramInfo, card_owner, profile_owner
from openpromo.services.loyalty import figures_at
from openpromo.services.loyalty.lists import require_profile
from openpromo.services.models.loyalty import (
    ActivateLoyaltyPoints,
    ActivateLoyaltyPointsResponse,
    DeleteLoyaltyTransactionsRequest,
    LoyaltyBalance,
    LoyaltyBalancesWithTiers,
    LoyaltyBalanceWithTier,
    LoyaltyCardBalances,
    LoyaltyCardProfileRegistration,
    ProjectedTier,
    Tier,
)
from openpromo.services.snapshots.snapshot import Snapshot

ZERO = Decimal(0)


def subscribed(snapshot: Snapshot, program_id: int, *, card_based: bool) -> ProgramInfo:
    """The program, when the application subscribes to it and it is of the kind asked for."""
    program = next((p for p in snapshot.loyalty_programs if p.id == program_id), None)
    if program is None or program.card_based != card_based:
        raise NotFound("loyalty program", program_id)
    return program


def _figures(data: LedgerData, ledgers: Sequence[tuple[str, OpenLedger]], at: datetime) -> dict[str, Figures]:
    return {sub: figures_at(data, ledger, at) for sub, ledger in ledgers}


def _balance(figures: Figures | None) -> LoyaltyBalance:
    f = figures or Figures()
    return LoyaltyBalance(
        active_points=f.active,
        pending_points=f.pending,
        spent_points=f.spent,
        expired_points=f.expired,
        negative_points=f.negative,
    )


def with_tier(
    program: ProgramInfo, figures: Figures | None, ledger: OpenLedger | None, *, tiers: bool, projected: bool
) -> LoyaltyBalanceWithTier:
    """The balance and, when asked, the stored tier, the points to the next tier, and the tier the active
    balance at the moment asked would place the owner in (``projectedTier``)."""
    plain = _balance(figures)
    balance = LoyaltyBalanceWithTier(**{f: getattr(plain, f) for f in plain.__struct_fields__})
    active = plain.active_points
    if tiers:
        current = next((t for t in program.tiers if ledger and t[1] == ledger.tier_id), None)
        if current is not None:
            balance.current_tier = Tier(id=current[1], name=current[2])
        following = [t for t in program.tiers if current is None or t[0] > current[0]]
        if following:
            balance.next_tier_name = following[0][2]
            balance.points_to_next_tier = max(following[0][0] - active, ZERO)
    if projected and program.tiers:
        reached = [t for t in program.tiers if t[0] <= active]
        balance.projected_tier = ProjectedTier(
            projected_active_points=active, projected_tier_name=reached[-1][2] if reached else None
        )
    return balance


class LoyaltyService(IntegrationService):
    def balances(
        self,
        principal: IntegrationPrincipal,
        program_id: int,
        integration_id: str,
        *,
        end_date: datetime | None = None,
        subledger_id: str | None = None,
        include_tiers: bool = False,
        include_projected_tier: bool = False,
    ) -> LoyaltyBalancesWithTiers:
        at = end_date or self._clock.now()
        with self._uow(write=False) as uow:
            snapshot = application_snapshot(self._snapshots, uow, principal)
            program = subscribed(snapshot, program_id, card_based=False)
            require_profile(uow, principal.account_id, program_id, integration_id)
            ledgers = uow.ledgers.ledgers_of(program_id, profile_owner(integration_id))
            if subledger_id:
                ledgers = [(sub, ledger) for sub, ledger in ledgers if sub in ("", subledger_id)]
            figures = _figures(uow.ledgers, ledgers, at)
        rows = dict(ledgers)
        subs = sorted({sub for sub in rows if sub} | ({subledger_id} if subledger_id else set()))
        options = {"tiers": include_tiers, "projected": include_projected_tier}
        return LoyaltyBalancesWithTiers(
            balance=with_tier(program, figures.get(""), rows.get(""), **options),
            subledger_balances={
                sub: with_tier(program, figures.get(sub), rows.get(sub), **options) for sub in subs
            },
        )

    def card_balances(
        self,
        principal: IntegrationPrincipal,
        program_id: int,
        card_identifier: str,
        *,
        end_date: datetime | None = None,
        subledger_ids: Sequence[str] = (),
    ) -> LoyaltyCardBalances:
        at = end_date or self._clock.now()
        with self._uow(write=False) as uow:
            snapshot = application_snapshot(self._snapshots, uow, principal)
            subscribed(snapshot, program_id, card_based=True)
            card = uow.ledgers.card(program_id, card_identifier)
            if card is None:
                raise NotFound("loyalty card", card_identifier)
            ledgers = uow.ledgers.ledgers_of(program_id, card_owner(card[0]))
            figures = _figures(uow.ledgers, ledgers, at)
            profiles = uow.ledgers.card_profiles(card[0])
        wanted = [s for s in subledger_ids if s] or sorted(s for s in figures if s)
        return LoyaltyCardBalances(
            balance=_balance(figures.get("")),
            subledger_balances={sub: _balance(figures.get(sub)) for sub in wanted},
            profiles=[LoyaltyCardProfileRegistration(integration_id=p, timestamp=t) for p, t in profiles],
        )

    def activate_points(
        self, principal: IntegrationPrincipal, program_id: int, request: ActivateLoyaltyPoints
    ) -> ActivateLoyaltyPointsResponse:
        if (request.session_id is None) == (request.transaction_uuids is None):
            raise InvalidInput("send either sessionId or transactionUUIDs", pointer="/sessionId")
        now = self._clock.now()
        with self._uow() as uow:
            snapshot = application_snapshot(self._snapshots, uow, principal)
            program = next((p for p in snapshot.loyalty_programs if p.id == program_id), None)
            if program is None:
                raise NotFound("loyalty program", program_id)
            entries = activate(uow.ledgers, principal.account_id, program_id, request, now)
            uow.commit()
        return ActivateLoyaltyPointsResponse(ledger_entries=entries)

    def delete_transactions(
        self,
        principal: IntegrationPrincipal,
        program_id: int,
        integration_id: str,
        request: DeleteLoyaltyTransactionsRequest,
    ) -> None:
        if request.scope == "SelectedSubledgers" and not request.subledger_ids:
            raise InvalidInput("SelectedSubledgers needs subledgerIds", pointer="/subledgerIds")
        with self._uow() as uow:
            snapshot = application_snapshot(self._snapshots, uow, principal)
            subscribed(snapshot, program_id, card_based=False)
            require_profile(uow, principal.account_id, program_id, integration_id)
            selected = None if request.scope == "AllSubledgers" else set(request.subledger_ids or ())
            delete_transactions(uow.ledgers, program_id, profile_owner(integration_id), selected)
            uow.commit()


__all__ = ["LoyaltyService", "subscribed", "with_tier"]

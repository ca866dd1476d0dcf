"""Loyalty through the Integration API: the balances of a profile or a card as of any moment, activating
points that await it, and deleting a profile's transactions (docs/loyalty.md).

A program the application does not subscribe to is not found (404), like an unknown one. Balances with a
``subledgerId`` answer the main ledger's balance and that subledger alone; without one, every subledger.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Literal

from openpromo.engine.ledger import Figures
from openpromo.engine.tiers import Policy, next_tier, projection
from openpromo.services.access import application_snapshot
from openpromo.services.auth import IntegrationPrincipal
from openpromo.services.data.ledgers import LedgerData, OpenLedger
from openpromo.services.errors import InvalidInput, NotFound
from openpromo.services.integration.base import IntegrationService
from openpromo.services.integration.loyalty_writes import activate, delete_transactions
from openpromo.services.ledgers import ProgramInfo, card_owner, profile_owner
from openpromo.services.loyalty import figures_at
from openpromo.services.loyalty.lists import require_profile
from openpromo.services.loyalty.tiers import standing_at
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
    data: LedgerData,
    program: ProgramInfo,
    figures: Figures | None,
    ledger: OpenLedger | None,
    at: datetime,
    *,
    tiers: bool,
    projected: bool,
) -> LoyaltyBalanceWithTier:
    """The balance at ``at`` and, when asked, the tier then (its stored standing rolled through the
    expiries up to ``at``), the points to the next tier, and what the tier's next expiry is projected to
    give (``projectedTier``; without a tier that expires: the active points at ``at`` and the tier they
    reach)."""
    plain = _balance(figures)
    balance = LoyaltyBalanceWithTier(**{f: getattr(plain, f) for f in plain.__struct_fields__})
    policy = program.policy
    if policy is None or not (tiers or projected):
        return balance
    active = plain.active_points
    standing = standing_at(data, policy, ledger, at)
    if tiers:
        current = policy.level(standing.tier_id)
        if current is not None:
            balance.current_tier = Tier(
                id=current.id,
                name=current.name,
                start_date=standing.entered,
                expiry_date=standing.expires,
                downgrade_policy=_downgrade(policy),
            )
        following = next_tier(policy, standing, active)
        if following is not None:
            balance.next_tier_name, balance.points_to_next_tier = following
    if projected:
        ahead = projection(policy, standing, lambda m: figures_at(data, ledger, m).active) if ledger else None
        if ahead is not None:
            balance.projected_tier = ProjectedTier(
                projected_active_points=ahead.active,
                stay_in_tier_points=ahead.stay_points,
                projected_tier_name=ahead.tier_name,
            )
        else:
            reached = policy.reached(active)
            balance.projected_tier = ProjectedTier(
                projected_active_points=active, projected_tier_name=reached.name if reached else None
            )
    return balance


def _downgrade(policy: Policy) -> Literal["one_down", "balance_based"]:
    return "one_down" if policy.downgrade == "one_down" else "balance_based"


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

            def balance(sub: str) -> LoyaltyBalanceWithTier:
                return with_tier(
                    uow.ledgers,
                    program,
                    figures.get(sub),
                    rows.get(sub),
                    at,
                    tiers=include_tiers,
                    projected=include_projected_tier,
                )

            return LoyaltyBalancesWithTiers(
                balance=balance(""), subledger_balances={sub: balance(sub) for sub in subs}
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
            entries = activate(
                uow.ledgers, principal.account_id, program_id, request, now, snapshot.programs.get(program_id)
            )
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

"""Tiers as the ledgers keep them (docs/loyalty.md "Tiers"): a program's tier policy from its settings,
a ledger's standing rolled to any moment, and the upgrade a write of added points earns.

A ledger row keeps its standing (``tier_id``, ``tier_entered_at``, ``tier_expires_at``). Expiries that
passed since are applied when the ledger is next written or read (``engine.tiers.roll``), from the active
points at each expiry, so no background job is needed for a tier to drop; reads do not store what they
roll. The active points at a past expiry come from the entries (``LedgerData.derive``): a rare read, once
per tier period.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from openpromo.engine.tiers import Level, Policy, Standing, roll, upgrade
from openpromo.rules.durations import parse_duration
from openpromo.services.data.ledgers import LedgerData, OpenLedger
from openpromo.services.loyalty.balances import figures_at
from openpromo.services.ports import Row


def policy_of(program: Row, tiers: Sequence[tuple[Decimal, int, str]]) -> Policy | None:
    """The program's tier policy (None: a program without tiers); ``tiers`` are (minPoints, id, name)."""
    if not tiers:
        return None
    expire_in = program.get("tiers_expire_in")
    return Policy(
        levels=tuple(Level(ident, name, Decimal(minimum)) for minimum, ident, name in sorted(tiers)),
        expiration=program.get("tiers_expiration_policy"),
        expire_in=parse_duration(expire_in) if expire_in else None,
        downgrade=program.get("tiers_downgrade_policy"),
        cycle_start=program.get("tier_cycle_start_date"),
    )


def standing_of(ledger: OpenLedger | None) -> Standing:
    if ledger is None:
        return Standing()
    return Standing(ledger.tier_id, ledger.tier_entered_at, ledger.tier_expires_at)


def standing_at(data: LedgerData, policy: Policy, ledger: OpenLedger | None, at: datetime) -> Standing:
    """The ledger's standing at ``at`` (a read: nothing is stored)."""
    if ledger is None:
        return Standing()
    return roll(
        policy, standing_of(ledger), lambda m: figures_at(data, ledger, m).active, at, ledger.joined_at
    )


@dataclass(frozen=True, slots=True)
class TierChange:
    """An upgrade a write earned: the tiers' names and when the new one expires."""

    previous: str | None
    new: str
    expires: datetime | None


def settle_tier(
    data: LedgerData, policy: Policy, ledger: OpenLedger, now: datetime, *, added: bool
) -> TierChange | None:
    """Roll the ledger's standing to ``now`` and, when points were added, upgrade it to the tier its
    active points reach; the ledger's tier fields are set (its caller saves it)."""
    active_at: Callable[[datetime], Decimal] = lambda m: data.derive(ledger.id, m).active  # noqa: E731
    before = roll(policy, standing_of(ledger), active_at, now, ledger.joined_at)
    after = upgrade(policy, before, ledger.figures.active, now, ledger.joined_at) if added else before
    ledger.tier_id, ledger.tier_entered_at, ledger.tier_expires_at = (
        after.tier_id,
        after.entered,
        after.expires,
    )
    if after.tier_id == before.tier_id or after.tier_id is None:
        return None
    previous, new = policy.level(before.tier_id), policy.level(after.tier_id)
    assert new is not None
    return TierChange(previous.name if previous else None, new.name, after.expires)


__all__ = ["TierChange", "policy_of", "settle_tier", "standing_at", "standing_of"]

"""A book: one ledger opened for writing at ``now`` (docs/loyalty.md).

Opening it takes the ledger row's lock (creating the row when new) and first rolls it forward: every
open lot that expired since the ledger's ``as_of`` gets an ``expire`` entry for what was left of it,
created at the moment it expired, and the balances move to ``now``. Then the operations append entries
and allocations, change what is left of lots, and keep the balances; ``close`` writes the balances with
their new validity window (``as_of`` = now, ``valid_until`` = the next start or expiry of an open lot).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from openpromo.engine.ledger import (
    ZERO,
    Lot,
    ReturnPolicy,
    State,
    Taken,
    roll_forward_settling,
    take_fifo,
    take_rollback,
)
from openpromo.engine.tiers import Policy
from openpromo.services.data.ledgers import (
    ADDITION,
    EXPIRE,
    SELF,
    SUBTRACTION,
    LedgerData,
    LedgerOwner,
    NewEntry,
    OpenLedger,
    StoredEntry,
)
from openpromo.services.loyalty.tiers import TierChange, settle_tier


@dataclass(frozen=True, slots=True)
class Meta:
    """Where entries come from: copied onto every entry an operation writes."""

    name: str = ""
    transaction_uuid: str = ""
    source: str = "session"
    application_id: int | None = None
    session_id: int | None = None
    customer_session_id: str | None = None
    campaign_id: int | None = None
    ruleset_id: int | None = None
    rule_name: str | None = None
    user_id: int | None = None
    """Who made a manual change or an import (the Management API's user; None for a key without one)."""
    import_id: int | None = None
    """The CSV import that wrote the entry (``importLoyaltyPoints``)."""

    def fields(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "transaction_uuid": self.transaction_uuid,
            "source": self.source,
            "application_id": self.application_id,
            "session_id": self.session_id,
            "customer_session_id": self.customer_session_id,
            "campaign_id": self.campaign_id,
            "ruleset_id": self.ruleset_id,
            "rule_name": self.rule_name,
            "user_id": self.user_id,
            "import_id": self.import_id,
        }


@dataclass(frozen=True, slots=True)
class Given:
    """Points given back by the rollback of a deduction, as one lot."""

    amount: Decimal
    expiry: datetime | None


@dataclass(slots=True)
class Book:
    data: LedgerData
    owner: LedgerOwner
    now: datetime
    ledger: OpenLedger
    written: list[int] = field(default_factory=list)
    """The ids of the entries written."""
    policy: Policy | None = None
    """The program's tiers (None: none): the standing is rolled and upgraded at ``close``."""
    added: bool = False
    """Points were added (not given back by a rollback): an upgrade may follow."""
    tier_change: TierChange | None = None
    """The upgrade ``close`` made, if any."""
    join: str = "not_join"
    """The program's ``programJoinPolicy``: when the ledger's owner joins (``joined_at``)."""

    @classmethod
    def open(
        cls,
        data: LedgerData,
        owner: LedgerOwner,
        now: datetime,
        policy: Policy | None = None,
        join: str = "not_join",
    ) -> Book:
        """The owner's ledger, locked (created when new), rolled forward to ``now``."""
        book = cls(data, owner, now, data.open(owner, now), policy=policy, join=join)
        book._roll_forward()
        return book

    @property
    def id(self) -> int:
        return self.ledger.id

    def _roll_forward(self) -> None:
        ledger = self.ledger
        if ledger.valid_until is None or self.now < ledger.valid_until:
            return
        since = ledger.as_of or self.now
        changing = self.data.changing(ledger.id, ledger.as_of, self.now)
        started = [lot.start for lot in changing if lot.start is not None and since < lot.start <= self.now]
        if started and self.join == "points_activated":
            self._joined(min(started))
        ledger.figures, settled = roll_forward_settling(ledger.figures, changing, since, self.now)
        self._settled(changing, settled)
        expired = [lot for lot in changing if lot.remaining > 0 and lot.state(self.now) is State.EXPIRED]
        for lot in sorted(expired, key=lambda x: (x.expiry, x.id)):
            assert lot.expiry is not None
            self._append(
                NewEntry(
                    **self._base(EXPIRE, lot.remaining, lot.expiry),
                    name="expired",
                    allocations=[(lot.id, lot.remaining)],
                )
            )
        self.data.set_remaining({lot.id: ZERO for lot in expired})

    def _settled(self, lots: list[Lot], settled: list[tuple[int, Decimal, datetime]]) -> None:
        """What the lots that became active paid of a negative balance leaves them."""
        if not settled:
            return
        paid = {lot: amount for lot, amount, _ in settled}
        for lot in lots:
            lot.remaining -= paid.get(lot.id, ZERO)
        self.data.settle(self.id, self.owner.account_id, settled)
        self.data.set_remaining({lot.id: lot.remaining for lot in lots if lot.id in paid})

    def _joined(self, at: datetime) -> None:
        """The owner joins the program at ``at`` (the first time only)."""
        if self.ledger.joined_at is None:
            self.ledger.joined_at = at

    def _base(self, kind: str, amount: Decimal, created: datetime) -> dict[str, Any]:
        return {
            "ledger_id": self.id,
            "account_id": self.owner.account_id,
            "program_id": self.owner.program_id,
            "subledger_id": self.owner.subledger_id,
            "type": kind,
            "amount": amount,
            "created": created,
        }

    def _append(self, entry: NewEntry) -> int:
        (ident,) = self.data.append([entry])
        self.written.append(ident)
        return ident

    # -- operations ------------------------------------------------------------------------------

    def add(
        self,
        amount: Decimal,
        meta: Meta,
        *,
        start: datetime | None,
        expiry: datetime | None,
        validity_duration: str | None = None,
        rollback: bool = False,
    ) -> int:
        """A lot of ``amount``: active from ``start`` (None: awaiting activation) until ``expiry``. An
        active lot pays a negative balance first."""
        figures = self.ledger.figures
        state = Lot(0, amount, start, expiry).state(self.now)
        paid = min(figures.negative, amount) if state is State.ACTIVE else ZERO
        allocations: list[tuple[int | None, Decimal]] = [(SELF, paid), (None, -paid)] if paid else []
        entry = NewEntry(
            **self._base(ADDITION, amount, self.now),
            **meta.fields(),
            remaining=amount - paid if state is not State.EXPIRED else ZERO,
            start_date=start,
            expiry_date=expiry,
            pending_action=start is None,
            validity_duration=validity_duration,
            rollback=rollback,
            allocations=allocations,
        )
        ident = self._append(entry)
        self.added = self.added or not rollback
        if not rollback and (
            self.join == "points_earned" or (self.join == "points_activated" and state is State.ACTIVE)
        ):
            self._joined(self.now)
        figures.negative -= paid
        if state is State.EXPIRED:  # given back after its lot's expiry: expired at once
            figures.expired += amount
            self._append(
                NewEntry(
                    **self._base(EXPIRE, amount, self.now),
                    name="expired",
                    allocations=[(ident, amount)],
                )
            )
        else:
            figures.add(state, amount - paid)
        return ident

    def deduct(self, amount: Decimal, meta: Meta) -> bool:
        """Spend ``amount`` FIFO from the active lots; False (nothing written) when they cannot cover it."""
        lots = self.data.active_lots(self.id, self.now)
        taken = take_fifo(lots, amount, self.now)
        if taken.short > 0:
            return False
        self._subtract(amount, meta, taken, lots, rollback=False)
        self.ledger.figures.active -= amount
        self.ledger.figures.spent += amount
        return True

    def _subtract(
        self, amount: Decimal, meta: Meta, taken: Taken, lots: list[Lot], *, rollback: bool, **more: Any
    ) -> int:
        ident = self._append(
            NewEntry(
                **self._base(SUBTRACTION, amount, self.now),
                **meta.fields(),
                rollback=rollback,
                allocations=list(taken.allocations),
                **more,
            )
        )
        touched = {lot for lot, _ in taken.allocations if lot is not None}
        self.data.set_remaining({lot.id: lot.remaining for lot in lots if lot.id in touched})
        return ident

    def roll_back_addition(
        self, original: StoredEntry, amount: Decimal, policy: ReturnPolicy, meta: Meta
    ) -> Decimal:
        """Take back up to ``amount`` of what ``original`` added, as the return policy allows; what was
        taken (owed included)."""
        (fresh,) = self.data.lots([original.id])
        lot = fresh.lot()
        before = lot.state(self.now)
        others = [x for x in self.data.active_lots(self.id, self.now) if x.id != lot.id]
        taken = take_rollback(lot, others, amount, policy, self.now)
        back = sum((a for _, a in taken.allocations), ZERO)
        if back <= 0:
            return ZERO
        figures = self.ledger.figures
        for lot_id, part in taken.allocations:
            if lot_id is None:
                figures.negative += part
            elif lot_id == lot.id:
                figures.add(before, -part)
            else:
                figures.active -= part
        owed = any(lot_id is None for lot_id, _ in taken.allocations)
        self._subtract(
            back,
            meta,
            taken,
            [lot, *others],
            rollback=True,
            source_entry_id=original.id,
            flags={"createsNegativeBalance": True} if owed else None,
        )
        return back

    def roll_back_deduction(self, original: StoredEntry, amount: Decimal, meta: Meta) -> list[Given]:
        """Give back up to ``amount`` of what ``original`` spent, as lots that expire when the lots it came
        from do (the latest-expiring first)."""
        allocations = [(lot, a) for lot, a in self.data.taken_from(original.id) if lot is not None]
        sources = {entry.id: entry for entry in self.data.lots([lot for lot, _ in allocations])}
        given: list[Given] = []
        left = amount
        for lot_id, part in reversed(allocations):
            if left <= 0:
                break
            back = min(part, left)
            left -= back
            expiry = sources[lot_id].expiry_date if lot_id in sources else None
            self.add(back, meta, start=self.now, expiry=expiry, rollback=True)
            self.ledger.figures.spent -= back
            given.append(Given(back, expiry))
        return given

    def activate(self, entry: StoredEntry, expiry: datetime | None) -> None:
        """Points that awaited activation become active now (a tier may follow, as for added points)."""
        self.data.set_dates(entry.id, self.now, expiry, self.now)
        self.added = True
        if self.join == "points_activated":
            self._joined(self.now)
        if entry.remaining > 0:
            figures = self.ledger.figures
            lot = Lot(entry.id, entry.remaining, self.now, expiry)
            paid = min(figures.negative, lot.remaining) if lot.state(self.now) is State.ACTIVE else ZERO
            figures.pending -= entry.remaining
            figures.negative -= paid
            figures.add(lot.state(self.now), entry.remaining - paid)
            if paid:
                self._settled([lot], [(entry.id, paid, self.now)])

    def change_expiry(self, expiry_of: Callable[[StoredEntry], datetime | None]) -> list[str]:
        """Give every open lot the expiry ``expiry_of(lot)``; the affected transactions' UUIDs."""
        affected: list[str] = []
        figures = self.ledger.figures
        for entry in self.data.open_lots(self.id):
            expiry = expiry_of(entry)
            if expiry == entry.expiry_date:
                continue
            before = entry.lot().state(self.now)
            after = replace(entry, expiry_date=expiry).lot()
            self.data.set_dates(entry.id, entry.start_date, expiry, None)
            affected.append(entry.transaction_uuid)
            if after.state(self.now) is State.EXPIRED:
                figures.add(before, -entry.remaining)
                figures.expired += entry.remaining
                self._append(
                    NewEntry(
                        **self._base(EXPIRE, entry.remaining, self.now),
                        name="expired",
                        allocations=[(entry.id, entry.remaining)],
                    )
                )
                self.data.set_remaining({entry.id: ZERO})
        return affected

    def close(self) -> None:
        """Write the balances, valid from now until the next start or expiry of an open lot."""
        if self.policy is not None:
            self.tier_change = settle_tier(self.data, self.policy, self.ledger, self.now, added=self.added)
        self.ledger.as_of = self.now
        self.ledger.valid_until = self.data.next_change(self.id, self.now)
        self.data.save(self.ledger)


__all__ = ["Book", "Given", "Meta"]

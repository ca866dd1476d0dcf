"""What an evaluation's loyalty effects write, when they commit (at close, or at once for a profile).

Each ``addLoyaltyPoints`` is a lot and each ``deductLoyaltyPoints`` a FIFO subtraction in the ledger of
its recipient: the profile (the advocate when the rule said so) in a profile-based program; the card named
by ``cardIdentifier``, else the session's card, in a card-based one. A card that does not exist or is
``inactive`` neither earns nor spends: its effect is dropped (the engine already refuses a deduction
from the session's own invalid card as a rule failure). A deduction the balance cannot cover under the
ledger's lock means a parallel write took the points first: ``Conflict`` (409). The expiry effects change
the open lots of the subledger and answer the transactions they changed.

What was written is returned as records (kept in the session's ``committed`` record) so that a cancel,
a reopen or a return rolls back exactly that (``services.loyalty.rollbacks``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from openpromo.engine.lookups import Program
from openpromo.rules.durations import parse_duration, shift
from openpromo.services.data.ledgers import LedgerData, LedgerOwner, StoredEntry
from openpromo.services.errors import Conflict
from openpromo.services.loyalty.book import Book, Meta
from openpromo.services.loyalty.tiers import TierChange

LOYALTY = frozenset(
    {
        "addLoyaltyPoints",
        "deductLoyaltyPoints",
        "setLoyaltyPointsExpiryDate",
        "extendLoyaltyPointsExpiryDate",
    }
)
RACE = "the loyalty balance was changed by a parallel request; retry the request"


def moment(value: Any) -> datetime | None:
    """A time from an effect's props (a datetime in memory, RFC 3339 text once stored)."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


@dataclass(frozen=True, slots=True)
class Context:
    """Who the effects belong to."""

    account_id: int
    application_id: int
    profile: str
    cards: Sequence[str] = ()
    session_id: int | None = None
    session_integration_id: str | None = None


@dataclass(slots=True)
class Ledgers:
    """The books a request opened, by (program, owner, subledger): each ledger is opened (and locked)
    once and closed once."""

    data: LedgerData
    now: datetime
    books: dict[tuple[int, str, str], Book] = field(default_factory=dict)

    def book(self, owner: LedgerOwner, program: Program | None = None) -> Book:
        key = (owner.program_id, owner.owner_key, owner.subledger_id)
        if key not in self.books:
            policy, join = (program.tiers, program.join_policy) if program is not None else (None, "not_join")
            self.books[key] = Book.open(self.data, owner, self.now, policy, join)
        return self.books[key]

    def close(self) -> None:
        for key in sorted(self.books):
            self.books[key].close()


def owner_of(
    data: LedgerData, context: Context, program: Program, props: Mapping[str, Any], subledger: str
) -> LedgerOwner | None:
    """The ledger an effect writes (None: no valid card in a card-based program)."""
    if not program.card_based:
        profile = props.get("recipientIntegrationId") or context.profile
        if not profile:
            return None
        key = f"profile:{profile}"
        return LedgerOwner(context.account_id, program.id, key, subledger, profile_integration_id=profile)
    identifier = props.get("cardIdentifier") or (context.cards[0] if context.cards else None)
    card = data.card(program.id, identifier) if identifier else None
    if card is None or card[1] != "active":
        return None
    return LedgerOwner(context.account_id, program.id, f"card:{card[0]}", subledger, card_id=card[0])


def meta_of(effect: Mapping[str, Any], context: Context, name: str) -> Meta:
    return Meta(
        name=name,
        transaction_uuid=effect["props"].get("transactionUUID", ""),
        application_id=context.application_id,
        session_id=context.session_id,
        customer_session_id=context.session_integration_id,
        campaign_id=effect.get("campaignId"),
        ruleset_id=effect.get("rulesetId"),
        rule_name=effect.get("ruleName"),
    )


def commit_loyalty(
    data: LedgerData,
    programs: Mapping[int, Program],
    effects: list[dict[str, Any]],
    context: Context,
    now: datetime,
) -> tuple[list[dict[str, Any]], list[list[Any]]]:
    """Write the loyalty effects; the effects that stand (those of invalid cards are dropped) and the
    records of what was written: ``[kind, programId, transactionUUID, value]``."""
    ledgers = Ledgers(data, now)
    kept: list[dict[str, Any]] = []
    written: list[list[Any]] = []
    earned: dict[int, dict[str, Any]] = {}
    """The last ``addLoyaltyPoints`` of each book: the effect an upgrade is answered for."""
    for effect in effects:
        kind = effect["effectType"]
        program = programs.get(effect["props"].get("programId")) if kind in LOYALTY else None
        if program is None:
            kept.append(effect)
            continue
        props = effect["props"]
        owner = owner_of(data, context, program, props, props.get("subLedgerId") or "")
        if owner is None:
            continue
        book = ledgers.book(owner, program)
        record = _write(book, kind, effect, context, ZoneInfo(program.timezone))
        if record is not None:
            written.append(record)
        if kind == "addLoyaltyPoints":
            earned[id(book)] = effect
        kept.append(effect)
    ledgers.close()
    for book in ledgers.books.values():
        if book.tier_change is not None and id(book) in earned:
            kept.append(tier_effect(earned[id(book)], book.tier_change))
    return kept, written


def tier_effect(cause: Mapping[str, Any], change: TierChange) -> dict[str, Any]:
    """``changeLoyaltyTierLevel`` for an upgrade the points of ``cause`` earned."""
    props: dict[str, Any] = {
        "ruleTitle": cause.get("ruleName") or "",
        "programId": cause["props"]["programId"],
        "subLedgerId": cause["props"].get("subLedgerId") or "",
        "newTierName": change.new,
    }
    if change.previous is not None:
        props["previousTierName"] = change.previous
    if change.expires is not None:
        props["expiryDate"] = change.expires
    return {
        **{k: v for k, v in cause.items() if k not in ("effectType", "props")},
        "effectType": "changeLoyaltyTierLevel",
        "props": props,
    }


def _write(
    book: Book, kind: str, effect: dict[str, Any], context: Context, zone: ZoneInfo
) -> list[Any] | None:
    props = effect["props"]
    value = Decimal(str(props.get("value", 0)))
    if kind == "addLoyaltyPoints":
        start = None if props.get("awaitsActivation") else (moment(props.get("startDate")) or book.now)
        book.add(
            value,
            meta_of(effect, context, props.get("name") or ""),
            start=start,
            expiry=moment(props.get("expiryDate")),
            validity_duration=props.get("validityDuration"),
        )
        return ["add", props["programId"], props["transactionUUID"], str(value)]
    if kind == "deductLoyaltyPoints":
        if not book.deduct(value, meta_of(effect, context, props.get("name") or "")):
            raise Conflict(RACE)
        return ["deduct", props["programId"], props["transactionUUID"], str(value)]
    if kind == "setLoyaltyPointsExpiryDate":
        expiry = moment(props["newExpiryDate"])
        props["affectedTransactions"] = book.change_expiry(lambda entry: expiry)
    else:
        duration = parse_duration(str(props["extensionDuration"]))
        if duration is None:  # not a duration: nothing to extend by
            return None

        def extended(entry: StoredEntry) -> datetime | None:
            return shift(entry.expiry_date, duration, zone=zone) if entry.expiry_date is not None else None

        props["affectedTransactions"] = book.change_expiry(extended)
    return None


__all__ = ["LOYALTY", "RACE", "Context", "Ledgers", "commit_loyalty", "meta_of", "moment", "owner_of"]

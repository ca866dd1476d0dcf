"""Loyalty balances as the rules and the answers see them: the ``Loyalty`` root of Talang and the
``loyalty`` response content (``Loyalty {programs, cards}``).

Balances are read from ``loyalty_ledgers`` (one row per program, owner and subledger; the main ledger
is subledger ``""``). Owners are keyed ``profile:<integrationId>`` in profile-based programs and
``card:<card id>`` in card-based ones. The rows' balances are as of now (``storage.data.reads.balances``
rolls them forward in memory past their ``valid_until``); ``services.loyalty`` writes them.

Our choices (DOMAIN open question 14): every program the application subscribes to appears, with zero
balances when the owner has no ledger yet; ``Loyalty.<programId>.Tier`` is the current tier's name and
absent when there is none (read it inside ``catch``). Tentative balances add this session's
``addLoyaltyPoints`` (pending ones to the pending balance) and subtract its ``deductLoyaltyPoints``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from openpromo.engine.tiers import Policy
from openpromo.services.data.records import BalanceQuery, BalancesFound
from openpromo.services.loyalty.tiers import policy_of
from openpromo.services.ports import Row, UnitOfWork

ZERO = Decimal(0)


def profile_owner(integration_id: str) -> str:
    return f"profile:{integration_id}"


def card_owner(card_id: int) -> str:
    return f"card:{card_id}"


@dataclass(frozen=True, slots=True)
class ProgramInfo:
    id: int
    name: str
    title: str
    card_based: bool
    tiers: tuple[tuple[Decimal, int, str], ...] = ()
    """(minPoints, tier id, name), lowest first."""
    policy: Policy | None = None
    """The tier policy (None: no tiers)."""


@dataclass(slots=True)
class Balances:
    """Ledger rows of one owner in one program, by subledger id (``""`` is the main ledger)."""

    program: ProgramInfo
    ledgers: dict[str, Row] = field(default_factory=dict)
    card: Row | None = None
    card_profiles: list[Row] = field(default_factory=list)

    def main(self) -> Row | None:
        return self.ledgers.get("")


@dataclass(slots=True)
class LoyaltyState:
    """What a session (or profile) has in the application's programs."""

    programs: list[Balances] = field(default_factory=list)
    card: Row | None = None
    """The session's loyalty card, when it names one of a subscribed card-based program."""

    @property
    def card_valid(self) -> bool:
        return self.card is not None and self.card["status"] == "active"

    def root(self) -> dict[str, Any]:
        """The Talang ``Loyalty`` root: ``Loyalty.<programId>.{ActivePoints, PendingPoints, Tier,
        Subledgers.<id>.{...}}``."""
        root: dict[str, Any] = {}
        for balances in self.programs:
            entry = _root_entry(balances.program, balances.main())
            entry["Subledgers"] = {
                sub: _root_entry(balances.program, row) for sub, row in balances.ledgers.items() if sub
            }
            root[str(balances.program.id)] = entry
        return root


def _root_entry(program: ProgramInfo, row: Row | None) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "ActivePoints": _points(row, "active_points"),
        "PendingPoints": _points(row, "pending_points"),
        "NegativePoints": _points(row, "negative_points"),
    }
    tier = _tier(program, row)
    if tier is not None:
        entry["Tier"] = tier[2]
    return entry


def _points(row: Row | None, column: str) -> Decimal:
    return Decimal(row[column]) if row is not None and row[column] is not None else ZERO


def _tier(program: ProgramInfo, row: Row | None) -> tuple[Decimal, int, str] | None:
    if row is None or row.get("tier_id") is None:
        return None
    return next((t for t in program.tiers if t[1] == row["tier_id"]), None)


def load_programs(uow: UnitOfWork, account_id: int, application_id: int) -> list[ProgramInfo]:
    """The loyalty programs the application subscribes to, with their tiers."""
    rows = [
        row
        for row in uow.records.find("loyalty_programs", {"account_id": account_id}).rows
        if application_id in (row["subscribed_applications"] or [])
    ]
    if not rows:
        return []
    tiers = program_tiers(uow, [r["id"] for r in rows])
    return [
        ProgramInfo(
            row["id"],
            row["name"],
            row["title"],
            bool(row["card_based"]),
            tiers.get(row["id"], ()),
            policy_of(row, tiers.get(row["id"], ())),
        )
        for row in rows
    ]


def program_tiers(
    uow: UnitOfWork, program_ids: Sequence[int]
) -> dict[int, tuple[tuple[Decimal, int, str], ...]]:
    """The programs' tiers as (minPoints, tier id, name), lowest first."""
    tiers: dict[int, list[tuple[Decimal, int, str]]] = {}
    for tier in uow.records.find("loyalty_tiers", {"program_id": list(program_ids)}).rows:
        tiers.setdefault(tier["program_id"], []).append(
            (Decimal(tier["min_points"]), tier["id"], tier["name"])
        )
    return {program: tuple(sorted(found)) for program, found in tiers.items()}


def balance_query(
    account_id: int, programs: Sequence[ProgramInfo], profile: str, card_identifiers: Sequence[str]
) -> BalanceQuery | None:
    """What to read for the profile's balances (profile-based programs) and the session's card's
    (card-based ones); None: nothing (no program, or no owner)."""
    owners = {p.id: profile_owner(profile) for p in programs if not p.card_based} if profile else {}
    card_programs = sorted(p.id for p in programs if p.card_based)
    identifier = card_identifiers[0] if card_identifiers and card_programs else None
    if not owners and identifier is None:
        return None
    return BalanceQuery(account_id, owners, identifier, card_programs if identifier else ())


def loyalty_state(
    programs: Sequence[ProgramInfo], query: BalanceQuery | None, found: BalancesFound | None
) -> LoyaltyState:
    """The balances of every subscribed program (zero where the owner has no ledger yet)."""
    state = LoyaltyState()
    found = found or BalancesFound()
    card = found.card
    state.card = card
    owners = dict(query.owners) if query is not None else {}
    if card is not None:
        owners[card["program_id"]] = card_owner(card["id"])
    ledgers: dict[int, dict[str, Row]] = {}
    for row in found.ledgers:
        if owners.get(row["program_id"]) == row["owner_key"]:
            ledgers.setdefault(row["program_id"], {})[row["subledger_id"] or ""] = row
    for program in programs:
        balances = Balances(program, ledgers.get(program.id, {}))
        if card is not None and card["program_id"] == program.id:
            balances.card, balances.card_profiles = card, list(found.card_profiles)
        state.programs.append(balances)
    return state


# -- the ``loyalty`` response content -----------------------------------------------------------


def loyalty_answer(
    state: LoyaltyState, effects: Iterable[Mapping[str, Any]], now: datetime
) -> dict[str, Any]:
    """``Loyalty {programs: {<programId>: LoyaltyProgramLedgers}, cards: [LoyaltyCard]}``."""
    changes = _changes(effects, now)
    programs: dict[str, Any] = {}
    cards: list[dict[str, Any]] = []
    for balances in state.programs:
        program = balances.program
        subledgers = set(balances.ledgers) | {sub for (pid, sub) in changes if pid == program.id}
        main = _ledger_info(program, balances.ledgers.get(""), changes.get((program.id, "")))
        subs = {
            sub: _ledger_info(program, balances.ledgers.get(sub), changes.get((program.id, sub)))
            for sub in sorted(subledgers)
            if sub
        }
        if balances.card is not None:
            cards.append(_card(balances, main, subs))
        if program.card_based:
            continue
        entry: dict[str, Any] = {
            "id": program.id,
            "title": program.title,
            "name": program.name,
            "ledger": main,
        }
        if subs:
            entry["subLedgers"] = subs
        row = balances.main()
        if row is not None and row.get("joined_at") is not None:
            entry["joinDate"] = row["joined_at"]
        programs[str(program.id)] = entry
    answer: dict[str, Any] = {"programs": programs}
    if cards:
        answer["cards"] = cards
    return answer


@dataclass(slots=True)
class _Change:
    active: Decimal = ZERO
    pending: Decimal = ZERO


def _changes(effects: Iterable[Mapping[str, Any]], now: datetime) -> dict[tuple[int, str], _Change]:
    changes: dict[tuple[int, str], _Change] = {}
    for effect in effects:
        kind = effect["effectType"]
        if kind not in ("addLoyaltyPoints", "deductLoyaltyPoints"):
            continue
        props = effect["props"]
        change = changes.setdefault((props["programId"], props.get("subLedgerId") or ""), _Change())
        value = Decimal(str(props["value"]))
        if kind == "deductLoyaltyPoints":
            change.active -= value
        elif props.get("awaitsActivation") or _after(props.get("startDate"), now):
            change.pending += value
        else:
            change.active += value
    return changes


def _after(start: Any, now: datetime) -> bool:
    if isinstance(start, str):
        start = datetime.fromisoformat(start.replace("Z", "+00:00"))
    return isinstance(start, datetime) and start > now


def _ledger_info(program: ProgramInfo, row: Row | None, change: _Change | None) -> dict[str, Any]:
    active = _points(row, "active_points")
    pending = _points(row, "pending_points")
    negative = _points(row, "negative_points")
    change = change or _Change()
    tentative = active - negative + change.active
    info: dict[str, Any] = {
        "currentBalance": active,
        "pendingBalance": pending,
        "negativeBalance": negative,
        "expiredBalance": ZERO,
        "spentBalance": ZERO,
        "tentativeCurrentBalance": max(tentative, ZERO),
        "tentativePendingBalance": pending + change.pending,
        "tentativeNegativeBalance": max(-tentative, ZERO),
    }
    tier = _tier(program, row)
    if tier is not None:
        current: dict[str, Any] = {"id": tier[1], "name": tier[2]}
        if row is not None and row.get("tier_entered_at") is not None:
            current["startDate"] = row["tier_entered_at"]
        if row is not None and row.get("tier_expires_at") is not None:
            current["expiryDate"] = row["tier_expires_at"]
        info["currentTier"] = current
    following = [t for t in program.tiers if tier is None or t[0] > tier[0]]
    if following:
        info["nextTierName"] = following[0][2]
        info["pointsToNextTier"] = max(following[0][0] - active, ZERO)
    return info


def _card(balances: Balances, main: dict[str, Any], subs: dict[str, Any]) -> dict[str, Any]:
    card = balances.card
    assert card is not None
    program = balances.program
    document: dict[str, Any] = {
        "id": card["id"],
        "created": card["created"],
        "programID": program.id,
        "programName": program.name,
        "programTitle": program.title,
        "status": card["status"],
        "identifier": card["identifier"],
        "usersPerCardLimit": card["users_per_card_limit"] or 0,
        "profiles": [
            {"integrationId": p["profile_integration_id"], "timestamp": p["created"]}
            for p in balances.card_profiles
        ],
        "ledger": main,
        "modified": card["modified"],
    }
    if subs:
        document["subledgers"] = subs
    optional = {
        "blockReason": card.get("block_reason"),
        "oldCardIdentifier": card.get("old_card_identifier"),
        "newCardIdentifier": card.get("new_card_identifier"),
        "batchId": card.get("batch_id"),
    }
    document.update({k: v for k, v in optional.items() if v is not None})
    return document


__all__ = [
    "Balances",
    "LoyaltyState",
    "ProgramInfo",
    "balance_query",
    "card_owner",
    "load_programs",
    "loyalty_answer",
    "loyalty_state",
    "profile_owner",
    "program_tiers",
]

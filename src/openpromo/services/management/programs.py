"""Use cases of loyalty programs (the program and its tiers).

Ledgers, cards and points belong to the loyalty capability. Durations (``defaultValidity``,
``defaultPending``, ``tiersExpireIn``) use the duration grammar of DOMAIN B §6.5 plus
``unlimited``/``immediate``/``on_action``. Program names are unique in the account (409).
"""

from __future__ import annotations

from decimal import Decimal

from openpromo.rules.durations import parse_duration
from openpromo.services.auth import ManagementPrincipal
from openpromo.services.errors import Conflict, ErrorDetail, NotFound, raise_problems
from openpromo.services.management.subscriptions import unknown_applications
from openpromo.services.models.base import Page
from openpromo.services.models.campaigns import CodeGeneratorSettings
from openpromo.services.models.convert import fields_of, from_row, given_fields
from openpromo.services.models.programs import (
    LoyaltyProgram,
    LoyaltyTier,
    NewLoyaltyProgram,
    ProgramSettings,
    UpdateLoyaltyProgram,
)
from openpromo.services.paging import PageRequest
from openpromo.services.ports import Clock, Records, Row, UnitOfWork, UnitOfWorkFactory
from openpromo.services.timezones import check_timezone

MAX_TIER_POINTS = Decimal("999999999999.99")
_PROGRAM = (
    "title",
    "description",
    "subscribed_applications",
    "default_validity",
    "default_pending",
    "allow_subledger",
    "users_per_card_limit",
    "sandbox",
    "program_join_policy",
    "tiers_expiration_policy",
    "tier_cycle_start_date",
    "tiers_expire_in",
    "tiers_downgrade_policy",
    "card_code_settings",
    "return_policy",
)


def _check_durations(data: ProgramSettings) -> list[ErrorDetail]:
    problems = []
    for field, pointer, words in (
        (data.default_validity, "/defaultValidity", {"unlimited"}),
        (data.default_pending, "/defaultPending", {"immediate", "on_action"}),
        (data.tiers_expire_in, "/tiersExpireIn", set()),
    ):
        if field is not None and field not in words and parse_duration(field) is None:
            problems.append(ErrorDetail("Invalid value", f"{field!r} is not a duration", pointer))
    return problems


def _check_tiers(data: ProgramSettings) -> list[ErrorDetail]:
    problems = []
    seen: set[str] = set()
    for index, tier in enumerate(data.tiers or []):
        if tier.name in seen:
            problems.append(ErrorDetail("Invalid value", "tier names are unique", f"/tiers/{index}/name"))
        seen.add(tier.name)
        if tier.min_points > MAX_TIER_POINTS:
            problems.append(
                ErrorDetail("Invalid value", f"at most {MAX_TIER_POINTS}", f"/tiers/{index}/minPoints")
            )
    return problems


def _check_card_codes(settings: CodeGeneratorSettings | None) -> list[ErrorDetail]:
    if settings is None:
        return []
    return [
        ErrorDetail(
            "Invalid value", "a valid character is one character", f"/cardCodeSettings/validCharacters/{i}"
        )
        for i, c in enumerate(settings.valid_characters)
        if len(c) != 1
    ]


def _problems(records: Records, account_id: int, data: ProgramSettings) -> list[ErrorDetail]:
    return (
        _check_durations(data)
        + _check_tiers(data)
        + _check_card_codes(data.card_code_settings)
        + unknown_applications(records, account_id, data.subscribed_applications, "/subscribedApplications")
    )


def program_record(row: Row, tiers: list[Row]) -> LoyaltyProgram:
    tier_records = [
        LoyaltyTier(
            id=t["id"],
            created=t["created"],
            program_id=row["id"],
            program_name=row["name"],
            program_title=row["title"],
            name=t["name"],
            min_points=t["min_points"],
        )
        for t in sorted(tiers, key=lambda t: t["min_points"])
    ]
    return from_row(
        LoyaltyProgram,
        row,
        tiers=tier_records,
        description=row["description"] or "",
        subscribed_applications=row["subscribed_applications"] or [],
    )


def account_programs(records: Records, account_id: int) -> list[LoyaltyProgram]:
    """Every loyalty program of the account, with its tiers."""
    rows = records.find("loyalty_programs", {"account_id": account_id}).rows
    tiers = records.find("loyalty_tiers", {"account_id": account_id}).rows
    return [program_record(r, [t for t in tiers if t["program_id"] == r["id"]]) for r in rows]


class ProgramService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def _write_tiers(self, uow: UnitOfWork, account_id: int, program_id: int, data: ProgramSettings) -> None:
        """The program's tiers as ``data`` lists them. A tier keeps its id while its name stays (the ledgers
        in it name it by id); a renamed or dropped tier is deleted, and ledgers in it have no tier."""
        if data.tiers is None:
            return
        existing = {t["name"]: t for t in uow.records.find("loyalty_tiers", {"program_id": program_id}).rows}
        wanted = {t.name: t for t in data.tiers}
        for name, row in existing.items():
            if name not in wanted:
                uow.records.delete_where("loyalty_tiers", id=row["id"])
            elif row["min_points"] != wanted[name].min_points:
                uow.records.update("loyalty_tiers", row["id"], {"min_points": wanted[name].min_points})
        created = self._clock.now()
        uow.records.insert_many(
            "loyalty_tiers",
            [
                {
                    "account_id": account_id,
                    "program_id": program_id,
                    "created": created,
                    "name": t.name,
                    "min_points": t.min_points,
                }
                for t in data.tiers
                if t.name not in existing
            ],
        )

    def _program(self, uow: UnitOfWork, account_id: int, program_id: int) -> LoyaltyProgram:
        row = uow.records.get("loyalty_programs", program_id, account_id=account_id)
        if row is None:
            raise NotFound("loyalty program", program_id)
        return program_record(row, uow.records.find("loyalty_tiers", {"program_id": program_id}).rows)

    def create_program(self, principal: ManagementPrincipal, data: NewLoyaltyProgram) -> LoyaltyProgram:
        check_timezone(data.timezone, pointer="/timezone")
        now = self._clock.now()
        with self._uow() as uow:
            raise_problems(_problems(uow.records, principal.account_id, data))
            if uow.records.find_one("loyalty_programs", account_id=principal.account_id, name=data.name):
                raise Conflict(f"a program named {data.name!r} exists already", pointer="/name")
            columns = fields_of(data, *_PROGRAM, "name", "timezone", "card_based")
            columns.update(
                description=data.description or "", subscribed_applications=data.subscribed_applications or []
            )
            program_id = uow.records.insert(
                "loyalty_programs",
                {**columns, "account_id": principal.account_id, "created": now, "modified": now},
            )
            self._write_tiers(uow, principal.account_id, program_id, data)
            program = self._program(uow, principal.account_id, program_id)
            uow.commit()
        return program

    def list_programs(self, principal: ManagementPrincipal, page: PageRequest) -> Page:
        with self._uow(write=False) as uow:
            programs = account_programs(uow.records, principal.account_id)
        chunk = programs[page.skip : page.skip + page.page_size]
        return Page(total_result_size=len(programs), data=chunk)

    def get_program(self, principal: ManagementPrincipal, program_id: int) -> LoyaltyProgram:
        with self._uow(write=False) as uow:
            return self._program(uow, principal.account_id, program_id)

    def update_program(
        self, principal: ManagementPrincipal, program_id: int, data: UpdateLoyaltyProgram
    ) -> LoyaltyProgram:
        with self._uow() as uow:
            self._program(uow, principal.account_id, program_id)
            raise_problems(_problems(uow.records, principal.account_id, data))
            uow.records.update(
                "loyalty_programs",
                program_id,
                {**given_fields(data, _PROGRAM), "modified": self._clock.now()},
            )
            self._write_tiers(uow, principal.account_id, program_id, data)
            program = self._program(uow, principal.account_id, program_id)
            uow.commit()
        return program


__all__ = ["MAX_TIER_POINTS", "ProgramService", "account_programs", "program_record"]

"""Use cases of loyalty programs (the program and its tiers), giveaway pools and catalogs.

Ledgers, cards and points belong to the loyalty capability; giveaway codes are imported here (CSV
``code,startdate,enddate,attributes``; a code already in the pool is a 409 naming the line) and drawn by
the giveaway capability. Durations (``defaultValidity``, ``defaultPending``, ``tiersExpireIn``) use the
duration grammar of DOMAIN B §6.5 plus ``unlimited``/``immediate``/``on_action``.
"""

from __future__ import annotations

import json
from typing import Any

from openpromo.rules.durations import parse_duration
from openpromo.services.auth import ManagementPrincipal
from openpromo.services.errors import Conflict, ErrorDetail, InvalidInput, NotFound
from openpromo.services.models.base import Page, Time
from openpromo.services.models.convert import fields_of, from_row
from openpromo.services.models.coupons import Import
from openpromo.services.models.programs import (
    Catalog,
    CatalogItem,
    GiveawaysPool,
    LoyaltyProgram,
    LoyaltyTier,
    NewCatalog,
    NewGiveawaysPool,
    NewLoyaltyProgram,
    ProgramSettings,
    UpdateLoyaltyProgram,
)
from openpromo.services.paging import PageRequest, list_page
from openpromo.services.ports import Clock, Records, Row, UnitOfWork, UnitOfWorkFactory
from openpromo.services.session_input import raise_problems
from openpromo.services.subscriptions import unknown_applications
from openpromo.services.timezones import check_timezone
from openpromo.services.uploads import csv_rows, record_import

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


class ProgramService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    # -- loyalty programs ------------------------------------------------------------------------

    def _write_tiers(self, uow: UnitOfWork, account_id: int, program_id: int, data: ProgramSettings) -> None:
        if data.tiers is None:
            return
        names = [t.name for t in data.tiers]
        if len(set(names)) != len(names):
            raise InvalidInput("tier names are unique", pointer="/tiers")
        uow.records.delete_where("loyalty_tiers", program_id=program_id)
        uow.records.insert_many(
            "loyalty_tiers",
            [
                {
                    "account_id": account_id,
                    "program_id": program_id,
                    "created": self._clock.now(),
                    "name": t.name,
                    "min_points": t.min_points,
                }
                for t in data.tiers
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
            problems = _check_durations(data) + unknown_applications(
                uow.records, principal.account_id, data.subscribed_applications, "/subscribedApplications"
            )
            if uow.records.find_one("loyalty_programs", account_id=principal.account_id, name=data.name):
                problems.append(
                    ErrorDetail("Conflict", f"a program named {data.name!r} exists already", "/name")
                )
            raise_problems(problems)
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

    def list_programs(self, principal: ManagementPrincipal) -> Page:
        with self._uow(write=False) as uow:
            rows = uow.records.find("loyalty_programs", {"account_id": principal.account_id}).rows
            tiers = uow.records.find("loyalty_tiers", {"account_id": principal.account_id}).rows
        data = [program_record(r, [t for t in tiers if t["program_id"] == r["id"]]) for r in rows]
        return Page(total_result_size=len(data), data=data)

    def get_program(self, principal: ManagementPrincipal, program_id: int) -> LoyaltyProgram:
        with self._uow(write=False) as uow:
            return self._program(uow, principal.account_id, program_id)

    def update_program(
        self, principal: ManagementPrincipal, program_id: int, data: UpdateLoyaltyProgram
    ) -> LoyaltyProgram:
        with self._uow() as uow:
            self._program(uow, principal.account_id, program_id)
            problems = _check_durations(data) + unknown_applications(
                uow.records, principal.account_id, data.subscribed_applications, "/subscribedApplications"
            )
            raise_problems(problems)
            names = [n for n in _PROGRAM if getattr(data, n) is not None]
            uow.records.update(
                "loyalty_programs", program_id, {**fields_of(data, *names), "modified": self._clock.now()}
            )
            self._write_tiers(uow, principal.account_id, program_id, data)
            program = self._program(uow, principal.account_id, program_id)
            uow.commit()
        return program

    def programs_of(self, records: Records, account_id: int, application_id: int) -> list[LoyaltyProgram]:
        rows = records.find("loyalty_programs", {"account_id": account_id}).rows
        return [program_record(r, []) for r in rows if application_id in (r["subscribed_applications"] or [])]

    # -- giveaways -------------------------------------------------------------------------------

    def create_pool(self, principal: ManagementPrincipal, data: NewGiveawaysPool) -> GiveawaysPool:
        now = self._clock.now()
        with self._uow() as uow:
            raise_problems(
                unknown_applications(
                    uow.records,
                    principal.account_id,
                    data.subscribed_applications_ids,
                    "/subscribedApplicationsIds",
                )
            )
            pool_id = uow.records.insert(
                "giveaway_pools",
                {
                    **fields_of(data, "name", "description", "subscribed_applications_ids", "sandbox"),
                    "account_id": principal.account_id,
                    "created": now,
                    "modified": now,
                    "created_by": str(principal.actor_id),
                },
            )
            row = uow.records.get("giveaway_pools", pool_id)
            uow.commit()
        assert row is not None
        return _pool(row)

    def import_giveaways(self, principal: ManagementPrincipal, pool_id: int, content: bytes) -> Import:
        now = self._clock.now()
        rows = parse_giveaway_csv(content)
        with self._uow() as uow:
            if uow.records.get("giveaway_pools", pool_id, account_id=principal.account_id) is None:
                raise NotFound("giveaway pool", pool_id)
            codes = [r["code"] for r in rows]
            taken = uow.records.existing("giveaway_codes", "code", codes, pool_id=pool_id)
            seen: set[str] = set()
            for line, code in enumerate(codes, start=2):
                if code in taken or code in seen:
                    raise Conflict(
                        f"line {line}: the code {code!r} is in the pool already",
                        pointer=f"/upFile/{line}/code",
                    )
                seen.add(code)
            record = record_import(uow, principal, "Giveaway", len(rows), now)
            uow.records.insert_many(
                "giveaway_codes",
                [
                    {
                        **r,
                        "account_id": principal.account_id,
                        "pool_id": pool_id,
                        "created": now,
                        "import_id": record.id,
                    }
                    for r in rows
                ],
            )
            uow.commit()
        return record

    # -- catalogs --------------------------------------------------------------------------------

    def create_catalog(self, principal: ManagementPrincipal, data: NewCatalog) -> Catalog:
        now = self._clock.now()
        with self._uow() as uow:
            raise_problems(
                unknown_applications(
                    uow.records,
                    principal.account_id,
                    data.subscribed_applications_ids,
                    "/subscribedApplicationsIds",
                )
            )
            catalog_id = uow.records.insert(
                "catalogs",
                {
                    **fields_of(data, "name", "description", "subscribed_applications_ids"),
                    "account_id": principal.account_id,
                    "created": now,
                    "modified": now,
                    "created_by": principal.actor_id,
                },
            )
            row = uow.records.get("catalogs", catalog_id)
            uow.commit()
        assert row is not None
        return from_row(Catalog, row, created_by=row["created_by"] or 0)

    def list_items(
        self, principal: ManagementPrincipal, catalog_id: int, page: PageRequest, sku: str | None
    ) -> Page:
        where: dict[str, Any] = {"catalog_id": catalog_id}
        if sku:
            where["sku"] = sku
        with self._uow(write=False) as uow:
            if uow.records.get("catalogs", catalog_id, account_id=principal.account_id) is None:
                raise NotFound("catalog", catalog_id)
            return list_page(uow.records, "catalog_items", where, page, catalog_item_record)


def catalog_item_record(row: Row) -> CatalogItem:
    return from_row(CatalogItem, row, catalogid=row["catalog_id"], attributes=row["attributes"] or None)


def _pool(row: Row) -> GiveawaysPool:
    return from_row(GiveawaysPool, row, created_by=int(row["created_by"] or 0))


def parse_giveaway_csv(content: bytes) -> list[dict[str, Any]]:
    header, lines = csv_rows(content)
    if "code" not in header or set(header) - {"code", "startdate", "enddate", "attributes"}:
        raise InvalidInput("the CSV header is code,startdate,enddate,attributes", pointer="/upFile")
    rows: list[dict[str, Any]] = []
    problems: list[ErrorDetail] = []
    for line, cells in lines:
        row: dict[str, Any] = {"code": cells.get("code", "")}
        if not row["code"]:
            problems.append(
                ErrorDetail("Invalid value", f"line {line}: the code is empty", f"/upFile/{line}/code")
            )
            continue
        for column, key in (("startdate", "start_date"), ("enddate", "end_date")):
            if cells.get(column):
                try:
                    row[key] = Time.parse(cells[column])
                except ValueError:
                    problems.append(
                        ErrorDetail(
                            "Invalid value",
                            f"line {line}: {column} is not an RFC 3339 time",
                            f"/upFile/{line}/{column}",
                        )
                    )
        if cells.get("attributes"):
            try:
                attributes = json.loads(cells["attributes"])
                if not isinstance(attributes, dict):
                    raise ValueError
                row["attributes"] = attributes
            except ValueError:
                problems.append(
                    ErrorDetail(
                        "Invalid value",
                        f"line {line}: attributes is not a JSON object",
                        f"/upFile/{line}/attributes",
                    )
                )
        rows.append(row)
    raise_problems(problems)
    if not rows:
        raise InvalidInput("the CSV has no codes", pointer="/upFile")
    return rows


__all__ = ["ProgramService", "catalog_item_record", "parse_giveaway_csv", "program_record"]

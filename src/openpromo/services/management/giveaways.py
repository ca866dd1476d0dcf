"""Use cases of giveaway pools and their codes: a pool is created, codes are imported as CSV
(``code,startdate,enddate,attributes``) and drawn by the giveaway capability.

A code already in the pool, or twice in the file, is a 409 naming each line; a bad cell is a 400 at
``/upFile/<line>/<column>``. An import commits whole or not at all.
"""

from __future__ import annotations

import json
from typing import Any

from openpromo.services.auth import ManagementPrincipal
from openpromo.services.errors import Conflict, ErrorDetail, InvalidInput, NotFound, raise_problems
from openpromo.services.management.subscriptions import require_applications
from openpromo.services.management.uploads import csv_rows, record_import
from openpromo.services.models.base import Time
from openpromo.services.models.convert import fields_of, from_row
from openpromo.services.models.coupons import Import
from openpromo.services.models.programs import GiveawaysPool, NewGiveawaysPool
from openpromo.services.ports import Clock, Row, UnitOfWorkFactory

COLUMNS = frozenset({"code", "startdate", "enddate", "attributes"})
MAX_CODE = 1000


def pool_record(row: Row) -> GiveawaysPool:
    return from_row(GiveawaysPool, row, created_by=int(row["created_by"] or 0))


class GiveawayService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def create_pool(self, principal: ManagementPrincipal, data: NewGiveawaysPool) -> GiveawaysPool:
        now = self._clock.now()
        with self._uow() as uow:
            require_applications(uow.records, principal.account_id, data.subscribed_applications_ids)
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
        return pool_record(row)

    def import_codes(self, principal: ManagementPrincipal, pool_id: int, content: bytes) -> Import:
        now = self._clock.now()
        with self._uow() as uow:
            if uow.records.get("giveaway_pools", pool_id, account_id=principal.account_id) is None:
                raise NotFound("giveaway pool", pool_id)
            rows = parse_giveaway_csv(content)
            taken = uow.records.existing(
                "giveaway_codes", "code", [r["code"] for _, r in rows], pool_id=pool_id
            )
            seen: set[str] = set()
            problems = []
            for line, row in rows:
                if row["code"] in taken or row["code"] in seen:
                    problems.append(
                        ErrorDetail(
                            "Conflict",
                            f"line {line}: the code {row['code']!r} is in the pool already",
                            f"/upFile/{line}/code",
                        )
                    )
                seen.add(row["code"])
            if problems:
                conflict = Conflict(problems[0].details, pointer=problems[0].pointer)
                conflict.details = problems
                raise conflict
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
                    for _, r in rows
                ],
            )
            uow.commit()
        return record


def parse_giveaway_csv(content: bytes) -> list[tuple[int, dict[str, Any]]]:
    """(line, column values) of a giveaway CSV; 400 naming the line and column of every bad cell."""
    header, lines = csv_rows(content)
    if "code" not in header or set(header) - COLUMNS:
        raise InvalidInput("the CSV header is code,startdate,enddate,attributes", pointer="/upFile")
    rows: list[tuple[int, dict[str, Any]]] = []
    problems: list[ErrorDetail] = []
    for line, cells in lines:
        row, bad = _giveaway_row(line, cells)
        problems += bad
        rows.append((line, row))
    raise_problems(problems)
    if not rows:
        raise InvalidInput("the CSV has no codes", pointer="/upFile")
    return rows


def _giveaway_row(line: int, cells: dict[str, str]) -> tuple[dict[str, Any], list[ErrorDetail]]:
    def problem(column: str, message: str) -> ErrorDetail:
        return ErrorDetail(
            "Invalid value", f"line {line}, column {column}: {message}", f"/upFile/{line}/{column}"
        )

    row: dict[str, Any] = {"code": cells.get("code", "")}
    problems = []
    if not 1 <= len(row["code"]) <= MAX_CODE:
        problems.append(problem("code", f"a code has 1 to {MAX_CODE} characters"))
    for column, key in (("startdate", "start_date"), ("enddate", "end_date")):
        if cells.get(column):
            try:
                row[key] = Time.parse(cells[column])
            except ValueError:
                problems.append(problem(column, "not an RFC 3339 time"))
    if cells.get("attributes"):
        try:
            attributes = json.loads(cells["attributes"])
        except ValueError:
            attributes = None
        if isinstance(attributes, dict):
            row["attributes"] = attributes
        else:
            problems.append(problem("attributes", "not a JSON object"))
    return row, problems


__all__ = ["GiveawayService", "parse_giveaway_csv", "pool_record"]

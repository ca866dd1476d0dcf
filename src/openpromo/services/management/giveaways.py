"""Use cases of giveaway pools and their codes: a pool is created, codes are imported as CSV
(``code,startdate,enddate,attributes``), drawn when an ``awardGiveaway`` effect is committed
(``services.evaluation.giveaways``) and exported as CSV.

A code already in the pool, or twice in the file, is a 409 naming each line; a bad cell is a 400 at
``/upFile/<line>/<column>``. An import commits whole or not at all, its codes numbered in the file's
order (draws take the oldest valid code first).

The export lists the pool's codes by id, read ``PAGE`` rows at a time (keyset paging on the id), with
the columns ``EXPORT_COLUMNS``: times in RFC 3339 (UTC), ``attributes`` as JSON (empty when none),
``used`` ``true`` or ``false``, and the profile's columns empty for a code not awarded.
``createdBefore``/``createdAfter`` keep the codes created strictly before/after those times.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from typing import Any

from openpromo.services.auth import ManagementPrincipal
from openpromo.services.data.offers import PoolCode
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
PAGE = 1000
EXPORT_COLUMNS = (
    "id",
    "poolid",
    "code",
    "startdate",
    "enddate",
    "attributes",
    "used",
    "importid",
    "created",
    "profileintegrationid",
    "profileid",
)


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
                        # every row names the same columns: one statement keeps the file's order,
                        # which is the order codes are drawn in
                        "start_date": None,
                        "end_date": None,
                        "attributes": None,
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

    def export(
        self,
        principal: ManagementPrincipal,
        pool_id: int,
        created_before: datetime | None = None,
        created_after: datetime | None = None,
    ) -> str:
        """The pool's codes as CSV (``EXPORT_COLUMNS``); 404 for a pool of another account or none."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(EXPORT_COLUMNS)
        with self._uow(write=False) as uow:
            if uow.records.get("giveaway_pools", pool_id, account_id=principal.account_id) is None:
                raise NotFound("giveaway pool", pool_id)
            after = 0
            while True:
                page = uow.offers.pool_codes(
                    principal.account_id,
                    pool_id,
                    after_id=after,
                    limit=PAGE,
                    created_before=created_before,
                    created_after=created_after,
                )
                writer.writerows(_export_row(code) for code in page)
                if len(page) < PAGE:
                    break
                after = page[-1].id
        return out.getvalue()


def _time(value: datetime | None) -> str:
    return value.isoformat().replace("+00:00", "Z") if value is not None else ""


def _export_row(code: PoolCode) -> list[object]:
    return [
        code.id,
        code.pool_id,
        code.code,
        _time(code.start_date),
        _time(code.end_date),
        json.dumps(code.attributes, separators=(",", ":")) if code.attributes else "",
        "true" if code.awarded_at is not None else "false",
        code.import_id if code.import_id is not None else "",
        _time(code.created),
        code.profile_integration_id or "",
        code.profile_id if code.profile_id is not None else "",
    ]


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

"""The coupon CSV of ``importCoupons``: columns ``value, expirydate, startdate, recipientintegrationid,
limitval, discountlimit, attributes`` (only ``value`` is required; header names are case-insensitive).

Every bad cell is reported, each as ``/upFile/<line>/<column>`` (line 1 is the header).
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any

from openpromo.services.errors import ErrorDetail, InvalidInput, raise_problems
from openpromo.services.management.uploads import csv_rows
from openpromo.services.models.base import MAX_AMOUNT, Time

MIN_CODE, MAX_CODE = 4, 1000
COLUMNS = frozenset(
    {"value", "expirydate", "startdate", "recipientintegrationid", "limitval", "discountlimit", "attributes"}
)


class _CellError(ValueError):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column


def parse_coupon_csv(content: bytes) -> list[tuple[int, dict[str, Any]]]:
    """(line, column values) of a coupon CSV; 400 naming the line and column of every bad cell."""
    header, lines = csv_rows(content)
    if "value" not in header:
        raise InvalidInput("the CSV needs a header row with a value column", pointer="/upFile")
    unknown = sorted(set(header) - COLUMNS)
    if unknown:
        raise InvalidInput(f"unknown columns: {', '.join(unknown)}", pointer="/upFile")
    rows: list[tuple[int, dict[str, Any]]] = []
    problems: list[ErrorDetail] = []
    for line, cells in lines:
        try:
            rows.append((line, _coupon_row(cells)))
        except _CellError as exc:
            problems.append(
                ErrorDetail(
                    "Invalid value",
                    f"line {line}, column {exc.column}: {exc}",
                    f"/upFile/{line}/{exc.column}",
                )
            )
    raise_problems(problems)
    if not rows:
        raise InvalidInput("the CSV has no coupons", pointer="/upFile")
    return rows


def _coupon_row(cells: dict[str, str]) -> dict[str, Any]:
    value = cells.get("value", "")
    if not MIN_CODE <= len(value) <= MAX_CODE:
        raise _CellError("value", f"a code has {MIN_CODE} to {MAX_CODE} characters")
    row: dict[str, Any] = {"value": value, "usage_limit": 1}
    for column, key in (("expirydate", "expiry_date"), ("startdate", "start_date")):
        if cells.get(column):
            try:
                row[key] = Time.parse(cells[column])
            except ValueError:
                raise _CellError(column, "not an RFC 3339 time") from None
    recipient = cells.get("recipientintegrationid")
    if recipient:
        if len(recipient) > 1000:
            raise _CellError("recipientintegrationid", "at most 1000 characters")
        row["recipient_integration_id"] = recipient
    if cells.get("limitval"):
        if not cells["limitval"].isdigit() or int(cells["limitval"]) > 999_999:
            raise _CellError("limitval", "a whole number from 0 to 999999")
        row["usage_limit"] = int(cells["limitval"])
    if cells.get("discountlimit"):
        row["discount_limit"] = _amount(cells["discountlimit"])
    if cells.get("attributes"):
        try:
            attributes = json.loads(cells["attributes"])
        except json.JSONDecodeError:
            raise _CellError("attributes", "not a JSON object") from None
        if not isinstance(attributes, dict):
            raise _CellError("attributes", "not a JSON object")
        row["attributes"] = attributes
    return row


def _amount(text: str) -> Decimal:
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise _CellError("discountlimit", "not a number") from None
    if not amount.is_finite() or not 0 <= amount <= MAX_AMOUNT:
        raise _CellError("discountlimit", f"a number from 0 to {MAX_AMOUNT}")
    return amount


__all__ = ["COLUMNS", "MAX_CODE", "MIN_CODE", "parse_coupon_csv"]

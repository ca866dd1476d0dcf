"""Use cases of a campaign's coupons and referrals: generation, CSV import, listing, updates.

Generation makes every code in memory, asks storage once per chunk which of them exist already (on the
code normalised by the application's ``caseSensitivity``), replaces those, and inserts them all in one
statement. Codes are stored normalised for insensitive applications. Imports commit whole or not at all.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from openpromo.services.auth import ManagementPrincipal
from openpromo.services.campaigns import CampaignService
from openpromo.services.codes import DEFAULT_CHARACTERS, DEFAULT_PATTERN, unique_codes
from openpromo.services.errors import Conflict, ErrorDetail, InvalidInput, NotFound
from openpromo.services.limits import check_limits
from openpromo.services.models.base import Page, Time, replace
from openpromo.services.models.convert import fields_of, from_row
from openpromo.services.models.coupons import (
    Coupon,
    CouponPage,
    CouponTerms,
    Import,
    NewCoupons,
    NewCouponsForMultipleRecipients,
    Referral,
    UpdateCoupon,
    UpdateReferral,
)
from openpromo.services.paging import PageRequest, list_page
from openpromo.services.ports import Clock, Row, UnitOfWork, UnitOfWorkFactory
from openpromo.services.session_input import normalise_code, raise_problems
from openpromo.services.uploads import csv_rows, record_import

MAX_COUPONS_PER_REQUEST = 20_000
_TERMS = ("usage_limit", "discount_limit", "reservation_limit", "start_date", "expiry_date", "attributes")


def coupon_record(row: Row) -> Coupon:
    return from_row(Coupon, row)


def _pattern(data: CouponTerms, prefix: str | None, settings: dict[str, Any] | None) -> tuple[str, list[str]]:
    pattern = data.coupon_pattern or (settings or {}).get("couponPattern") or DEFAULT_PATTERN
    characters = data.valid_characters or (settings or {}).get("validCharacters") or list(DEFAULT_CHARACTERS)
    if "#" not in pattern and not prefix:
        raise InvalidInput("the pattern needs at least one # to generate codes", pointer="/couponPattern")
    if any(len(c) != 1 for c in characters):
        raise InvalidInput("valid characters are single characters", pointer="/validCharacters")
    return (prefix or "") + pattern, list(characters)


class CouponService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, campaigns: CampaignService) -> None:
        self._uow = uow
        self._clock = clock
        self._campaigns = campaigns

    def _campaign(
        self, uow: UnitOfWork, principal: ManagementPrincipal, app_id: int, campaign_id: int
    ) -> tuple[Row, Row]:
        campaign = self._campaigns._require(uow.records, principal, app_id, campaign_id)
        app = uow.records.get("applications", app_id)
        assert app is not None
        return app, campaign

    def _generate(
        self,
        uow: UnitOfWork,
        app: Row,
        campaign: Row,
        data: CouponTerms,
        recipients: Sequence[str | None],
        extra: dict[str, Any],
        prefix: str | None = None,
    ) -> list[dict[str, Any]]:
        pattern, characters = _pattern(data, prefix, campaign["coupon_settings"])
        case = app["case_sensitivity"]
        try:
            codes = unique_codes(
                len(recipients),
                pattern,
                characters,
                lambda c: normalise_code(c, case),
                lambda keys: uow.records.existing("coupons", "lookup_value", keys, application_id=app["id"]),
            )
        except ValueError as exc:
            raise InvalidInput(str(exc), pointer="/couponPattern") from None
        now = self._clock.now()
        batch = secrets.token_hex(8)
        terms = fields_of(data, *_TERMS)
        rows = [
            {
                **terms,
                **extra,
                "application_id": app["id"],
                "campaign_id": campaign["id"],
                "created": now,
                "value": normalise_code(code, case) if case != "sensitive" else code,
                "lookup_value": normalise_code(code, case),
                "recipient_integration_id": recipient,
                "batch_id": batch,
            }
            for code, recipient in zip(codes, recipients, strict=True)
        ]
        uow.records.insert_many("coupons", rows)
        return rows

    def create(
        self, principal: ManagementPrincipal, app_id: int, campaign_id: int, data: NewCoupons, *, silent: bool
    ) -> CouponPage | None:
        if data.number_of_coupons > MAX_COUPONS_PER_REQUEST:
            raise InvalidInput(
                f"at most {MAX_COUPONS_PER_REQUEST} coupons per request", pointer="/numberOfCoupons"
            )
        raise_problems(check_limits(data.limits or [], "/limits"))
        if data.limits and (data.number_of_coupons > 1 or data.recipient_integration_id):
            raise InvalidInput("coupon limits are for a single coupon without a recipient", pointer="/limits")
        with self._uow() as uow:
            app, campaign = self._campaign(uow, principal, app_id, campaign_id)
            extra = {
                "limits": fields_of(data, "limits")["limits"],
                "is_reservation_mandatory": bool(data.is_reservation_mandatory),
                "implicitly_reserved": bool(data.implicitly_reserved),
            }
            recipients = [data.recipient_integration_id] * data.number_of_coupons
            rows = self._generate(uow, app, campaign, data, recipients, extra, data.unique_prefix)
            created = self._created(uow, campaign_id, rows, silent)
            uow.commit()
        return created

    def create_for_recipients(
        self,
        principal: ManagementPrincipal,
        app_id: int,
        campaign_id: int,
        data: NewCouponsForMultipleRecipients,
        *,
        silent: bool,
    ) -> CouponPage | None:
        with self._uow() as uow:
            app, campaign = self._campaign(uow, principal, app_id, campaign_id)
            rows = self._generate(uow, app, campaign, data, list(data.recipients_integration_ids), {})
            created = self._created(uow, campaign_id, rows, silent)
            uow.commit()
        return created

    def _created(
        self, uow: UnitOfWork, campaign_id: int, rows: list[dict[str, Any]], silent: bool
    ) -> CouponPage | None:
        if silent:
            return None
        found = uow.records.find(
            "coupons", {"campaign_id": campaign_id, "batch_id": rows[0]["batch_id"]}, order="id"
        ).rows
        return CouponPage(total_result_size=len(found), data=[coupon_record(r) for r in found])

    def list(
        self,
        principal: ManagementPrincipal,
        app_id: int,
        campaign_id: int,
        page: PageRequest,
        filters: dict[str, Any],
    ) -> Page:
        with self._uow(write=False) as uow:
            app, _ = self._campaign(uow, principal, app_id, campaign_id)
            where: dict[str, Any] = {"campaign_id": campaign_id}
            for key in ("recipient_integration_id", "batch_id", "referral_id"):
                if filters.get(key) is not None:
                    where[key] = filters[key]
            value = filters.get("value")
            if value is not None and filters.get("exact_match"):
                where["lookup_value"] = normalise_code(value, app["case_sensitivity"])
            if not self._needs_scan(filters):
                return list_page(
                    uow.records,
                    "coupons",
                    where,
                    page,
                    coupon_record,
                    sortable={"created": "created", "value": "value", "id": "id"},
                )
            rows = uow.records.find(
                "coupons", where, order=page.order({"created": "created", "id": "id"})
            ).rows
        now = self._clock.now()
        kept = [row for row in rows if _matches(row, filters, now, app["case_sensitivity"])]
        chunk = kept[page.skip : page.skip + page.page_size + 1]
        return Page(
            has_more=len(chunk) > page.page_size, data=[coupon_record(r) for r in chunk[: page.page_size]]
        )

    @staticmethod
    def _needs_scan(filters: dict[str, Any]) -> bool:
        scanned = (
            "created_before",
            "created_after",
            "starts_before",
            "starts_after",
            "expires_before",
            "expires_after",
            "valid",
            "usable",
            "redeemed",
        )
        return any(filters.get(k) is not None for k in scanned) or (
            filters.get("value") is not None and not filters.get("exact_match")
        )

    def update(
        self,
        principal: ManagementPrincipal,
        app_id: int,
        campaign_id: int,
        coupon_id: int,
        data: UpdateCoupon,
    ) -> Coupon:
        raise_problems(check_limits(data.limits or [], "/limits"))
        with self._uow() as uow:
            self._campaign(uow, principal, app_id, campaign_id)
            if uow.records.get("coupons", coupon_id, campaign_id=campaign_id) is None:
                raise NotFound("coupon", coupon_id)
            names = [n for n in data.__struct_fields__ if getattr(data, n) is not None]
            if names:
                uow.records.update("coupons", coupon_id, fields_of(data, *names))
            row = uow.records.get("coupons", coupon_id)
            uow.commit()
        assert row is not None
        return coupon_record(row)

    def delete(self, principal: ManagementPrincipal, app_id: int, campaign_id: int, coupon_id: int) -> None:
        with self._uow() as uow:
            self._campaign(uow, principal, app_id, campaign_id)
            if not uow.records.delete("coupons", coupon_id, campaign_id=campaign_id):
                raise NotFound("coupon", coupon_id)
            uow.records.delete_where("coupon_reservations", coupon_id=coupon_id)
            uow.commit()

    def import_csv(
        self,
        principal: ManagementPrincipal,
        app_id: int,
        campaign_id: int,
        content: bytes,
        *,
        skip_duplicates: bool,
    ) -> Import:
        now = self._clock.now()
        with self._uow() as uow:
            app, _ = self._campaign(uow, principal, app_id, campaign_id)
            case = app["case_sensitivity"]
            parsed = parse_coupon_csv(content)
            seen: set[str] = set()
            existing = uow.records.existing(
                "coupons",
                "lookup_value",
                [normalise_code(r["value"], case) for r in parsed],
                application_id=app_id,
            )
            record = record_import(uow, principal, "Coupon", 0, now, app_id)
            rows = []
            problems = []
            for line, values in enumerate(parsed, start=2):
                lookup = normalise_code(values["value"], case)
                if lookup in existing or lookup in seen:
                    if skip_duplicates:
                        continue
                    problems.append(
                        ErrorDetail(
                            "Conflict",
                            f"line {line}: the code {values['value']!r} exists already",
                            f"/upFile/{line}/value",
                        )
                    )
                    continue
                seen.add(lookup)
                rows.append(
                    {
                        **values,
                        "value": lookup if case != "sensitive" else values["value"],
                        "lookup_value": lookup,
                        "application_id": app_id,
                        "campaign_id": campaign_id,
                        "created": now,
                        "import_id": record.id,
                    }
                )
            if problems:
                raise Conflict(problems[0].details, pointer=problems[0].pointer)
            uow.records.insert_many("coupons", rows)
            uow.records.update("imports", record.id, {"amount": len(rows)})
            uow.commit()
        return replace(record, amount=len(rows))

    # -- referrals -------------------------------------------------------------------------------

    def list_referrals(
        self,
        principal: ManagementPrincipal,
        app_id: int,
        campaign_id: int,
        page: PageRequest,
        advocate: str | None,
    ) -> Page:
        where: dict[str, Any] = {"campaign_id": campaign_id}
        if advocate:
            where["advocate_profile_integration_id"] = advocate
        with self._uow(write=False) as uow:
            self._campaign(uow, principal, app_id, campaign_id)
            return list_page(uow.records, "referrals", where, page, lambda r: from_row(Referral, r))

    def update_referral(
        self,
        principal: ManagementPrincipal,
        app_id: int,
        campaign_id: int,
        referral_id: int,
        data: UpdateReferral,
    ) -> Referral:
        with self._uow() as uow:
            self._campaign(uow, principal, app_id, campaign_id)
            if uow.records.get("referrals", referral_id, campaign_id=campaign_id) is None:
                raise NotFound("referral", referral_id)
            names = [n for n in data.__struct_fields__ if getattr(data, n) is not None]
            if names:
                uow.records.update("referrals", referral_id, fields_of(data, *names))
            row = uow.records.get("referrals", referral_id)
            uow.commit()
        assert row is not None
        return from_row(Referral, row)

    def delete_referral(
        self, principal: ManagementPrincipal, app_id: int, campaign_id: int, referral_id: int
    ) -> None:
        with self._uow() as uow:
            self._campaign(uow, principal, app_id, campaign_id)
            if not uow.records.delete("referrals", referral_id, campaign_id=campaign_id):
                raise NotFound("referral", referral_id)
            uow.commit()


def _matches(row: Row, filters: dict[str, Any], now: datetime, case: str) -> bool:
    value = filters.get("value")
    if (
        value is not None
        and not filters.get("exact_match")
        and normalise_code(value, case).lower() not in row["lookup_value"].lower()
    ):
        return False
    checks: list[tuple[str, Callable[[datetime], bool]]] = [
        ("created_before", lambda t: row["created"] < t),
        ("created_after", lambda t: row["created"] > t),
        ("starts_before", lambda t: row["start_date"] is not None and row["start_date"] < t),
        ("starts_after", lambda t: row["start_date"] is not None and row["start_date"] > t),
        ("expires_before", lambda t: row["expiry_date"] is not None and row["expiry_date"] < t),
        ("expires_after", lambda t: row["expiry_date"] is not None and row["expiry_date"] > t),
    ]
    for key, test in checks:
        moment = filters.get(key)
        if moment is not None and not test(moment):
            return False
    valid = (row["start_date"] is None or row["start_date"] <= now) and (
        row["expiry_date"] is None or row["expiry_date"] > now
    )
    if filters.get("valid") == "validNow" and not valid:
        return False
    if filters.get("valid") == "expired" and not (
        row["expiry_date"] is not None and row["expiry_date"] <= now
    ):
        return False
    if filters.get("valid") == "validFuture" and not (
        row["start_date"] is not None and row["start_date"] > now
    ):
        return False
    usable = row["usage_limit"] == 0 or row["usage_counter"] < row["usage_limit"]
    if filters.get("usable") is not None and (filters["usable"] == "true") != usable:
        return False
    return not (
        filters.get("redeemed") is not None and (filters["redeemed"] == "true") != (row["usage_counter"] > 0)
    )


_COLUMNS = {
    "value",
    "expirydate",
    "startdate",
    "recipientintegrationid",
    "limitval",
    "discountlimit",
    "attributes",
}


def parse_coupon_csv(content: bytes) -> list[dict[str, Any]]:
    """Rows of a coupon CSV as column values; 400 naming the line and column of the first bad cell."""
    header, lines = csv_rows(content)
    if "value" not in header:
        raise InvalidInput("the CSV needs a header row with a value column", pointer="/upFile")
    unknown = sorted(set(header) - _COLUMNS)
    if unknown:
        raise InvalidInput(f"unknown columns: {', '.join(unknown)}", pointer="/upFile")
    rows: list[dict[str, Any]] = []
    problems: list[ErrorDetail] = []
    for line, cells in lines:
        try:
            rows.append(_coupon_row(cells))
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


class _CellError(ValueError):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column


def _coupon_row(cells: dict[str, str]) -> dict[str, Any]:
    value = cells.get("value", "")
    if len(value) < 3:
        raise _CellError("value", "a code has at least 3 characters")
    row: dict[str, Any] = {"value": value, "usage_limit": 1}
    for column, key in (("expirydate", "expiry_date"), ("startdate", "start_date")):
        if cells.get(column):
            try:
                row[key] = Time.parse(cells[column])
            except ValueError:
                raise _CellError(column, "not an RFC 3339 time") from None
    if cells.get("recipientintegrationid"):
        row["recipient_integration_id"] = cells["recipientintegrationid"]
    if cells.get("limitval"):
        if not cells["limitval"].isdigit() or int(cells["limitval"]) > 999_999:
            raise _CellError("limitval", "a whole number from 0 to 999999")
        row["usage_limit"] = int(cells["limitval"])
    if cells.get("discountlimit"):
        try:
            row["discount_limit"] = Decimal(cells["discountlimit"])
        except InvalidOperation:
            raise _CellError("discountlimit", "not a number") from None
    if cells.get("attributes"):
        try:
            attributes = json.loads(cells["attributes"])
        except json.JSONDecodeError:
            raise _CellError("attributes", "not a JSON object") from None
        if not isinstance(attributes, dict):
            raise _CellError("attributes", "not a JSON object")
        row["attributes"] = attributes
    return row


__all__ = ["MAX_COUPONS_PER_REQUEST", "CouponService", "coupon_record", "parse_coupon_csv"]

"""Use cases of a campaign's coupons: generation, CSV import, listing, updates.

Generation makes every code in memory, asks storage once per chunk which of them exist already (on the
code normalised by the application's ``caseSensitivity``), replaces those, and inserts them all in one
statement. Codes are stored normalised for insensitive applications. Imports commit whole or not at all.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from openpromo.services.access import require_campaign
from openpromo.services.auth import ManagementPrincipal
from openpromo.services.codes import DEFAULT_CHARACTERS, DEFAULT_PATTERN, normalise_code, unique_codes
from openpromo.services.errors import Conflict, ErrorDetail, InvalidInput, NotFound, raise_problems
from openpromo.services.management.coupon_csv import MAX_CODE, MIN_CODE, parse_coupon_csv
from openpromo.services.management.limits import check_limits
from openpromo.services.management.uploads import record_import
from openpromo.services.models.base import Page, replace
from openpromo.services.models.convert import fields_of, from_row, given_fields
from openpromo.services.models.coupons import (
    Coupon,
    CouponPage,
    CouponTerms,
    CouponValue,
    Import,
    NewCoupons,
    NewCouponsForMultipleRecipients,
    UpdateCoupon,
)
from openpromo.services.paging import PageRequest, list_page
from openpromo.services.ports import (
    Caseless,
    Clock,
    Compare,
    Condition,
    Eq,
    Folded,
    Row,
    UnitOfWork,
    UnitOfWorkFactory,
    Usable,
    Valid,
    Within,
)

MAX_COUPONS_PER_REQUEST = 20_000
_TERMS = ("usage_limit", "discount_limit", "reservation_limit", "start_date", "expiry_date", "attributes")
_SORTABLE = {
    "id": "id",
    "created": "created",
    "value": "value",
    "expiryDate": "expiry_date",
    "startDate": "start_date",
    "usageCounter": "usage_counter",
}


def coupon_record(row: Row) -> Coupon:
    return from_row(Coupon, row)


def _pattern(data: CouponTerms, prefix: str | None, settings: dict[str, Any] | None) -> tuple[str, list[str]]:
    """The full pattern (prefix included) and the characters for ``#``; 400 if they cannot make codes."""
    pattern = data.coupon_pattern or (settings or {}).get("couponPattern") or DEFAULT_PATTERN
    characters = data.valid_characters or (settings or {}).get("validCharacters") or list(DEFAULT_CHARACTERS)
    if "#" not in pattern and not prefix:
        raise InvalidInput("the pattern needs at least one # to generate codes", pointer="/couponPattern")
    for index, character in enumerate(characters):
        if len(character) != 1:
            raise InvalidInput("a valid character is one character", pointer=f"/validCharacters/{index}")
    full = (prefix or "") + pattern
    if not MIN_CODE <= len(full) <= MAX_CODE:
        raise InvalidInput(
            f"a code has {MIN_CODE} to {MAX_CODE} characters; {full!r} gives {len(full)}",
            pointer="/uniquePrefix" if len(full) > MAX_CODE and prefix else "/couponPattern",
        )
    return full, list(characters)


def coupon_conditions(filters: dict[str, Any], case_sensitivity: str, now: datetime) -> list[Condition]:
    """The spec's coupon filters beyond column equality, as list conditions."""
    conditions: list[Condition] = []
    value = filters.get("value")
    if value is not None:
        if not filters.get("exact_match"):
            conditions.append(Folded("value", value))
        elif case_sensitivity != "sensitive":
            # exact matches are case-insensitive: the stored form answers that unless codes keep case
            conditions.append(Eq("lookup_value", normalise_code(str(value), case_sensitivity)))
        else:
            conditions.append(Caseless("value", (value,)))
    windows = (
        ("created", "created_before", "created_after"),
        ("start_date", "starts_before", "starts_after"),
        ("expiry_date", "expires_before", "expires_after"),
    )
    for column, before, after in windows:
        if filters.get(before) is not None or filters.get(after) is not None:
            conditions.append(Within(column, filters.get(before), filters.get(after)))
    valid = filters.get("valid")
    if valid is not None:
        conditions.append(Valid("start_date", "expiry_date", valid, now))
    usable = filters.get("usable")
    if usable is not None:
        conditions.append(Usable("usage_counter", "usage_limit", usable == "true"))
    redeemed = filters.get("redeemed")
    if redeemed is not None:
        conditions.append(Compare("usage_counter", ">" if redeemed == "true" else "<=", 0))
    return conditions


class CouponService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def _campaign(
        self, uow: UnitOfWork, principal: ManagementPrincipal, app_id: int, campaign_id: int
    ) -> tuple[Row, Row]:
        campaign = require_campaign(uow.records, principal, app_id, campaign_id)
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
        *,
        values_only: bool = False,
    ) -> Page:
        if filters.get("usable") is not None and filters.get("redeemed") is not None:
            raise InvalidInput("usable and redeemed cannot be used together", parameter="redeemed")
        build = (lambda r: CouponValue(value=r["value"])) if values_only else coupon_record
        with self._uow(write=False) as uow:
            app, _ = self._campaign(uow, principal, app_id, campaign_id)
            # the distribution key first (docs/scaling.md), then the campaign
            where: dict[str, Any] = {"application_id": app_id, "campaign_id": campaign_id}
            for key in ("recipient_integration_id", "batch_id", "referral_id"):
                if filters.get(key) is not None:
                    where[key] = filters[key]
            conditions = coupon_conditions(filters, app["case_sensitivity"], self._clock.now())
            return list_page(
                uow.records, "coupons", where, page, build, conditions=conditions, sortable=_SORTABLE
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
            if fields := given_fields(data):
                uow.records.update("coupons", coupon_id, fields)
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
            existing = uow.records.existing(
                "coupons",
                "lookup_value",
                [normalise_code(r["value"], case) for _, r in parsed],
                application_id=app_id,
            )
            record = record_import(uow, principal, "Coupon", 0, now, app_id)
            base = {
                "application_id": app_id,
                "campaign_id": campaign_id,
                "created": now,
                "import_id": record.id,
            }
            rows = _imported_rows(parsed, existing, case, base, skip_duplicates=skip_duplicates)
            uow.records.insert_many("coupons", rows)
            uow.records.update("imports", record.id, {"amount": len(rows)})
            uow.commit()
        return replace(record, amount=len(rows))


def _imported_rows(
    parsed: list[tuple[int, dict[str, Any]]],
    existing: set[Any],
    case: str,
    base: dict[str, Any],
    *,
    skip_duplicates: bool,
) -> list[dict[str, Any]]:
    """The coupon rows of an import's lines; a code that exists already (or twice in the file) is left
    out with ``skip_duplicates``, else a 409 naming every such line."""
    seen: set[str] = set()
    rows = []
    problems = []
    for line, values in parsed:
        lookup = normalise_code(values["value"], case)
        if lookup in existing or lookup in seen:
            if not skip_duplicates:
                problems.append(
                    ErrorDetail(
                        "Conflict",
                        f"line {line}: the code {values['value']!r} exists already",
                        f"/upFile/{line}/value",
                    )
                )
            continue
        seen.add(lookup)
        value = lookup if case != "sensitive" else values["value"]
        rows.append({**values, **base, "value": value, "lookup_value": lookup})
    if problems:
        conflict = Conflict(problems[0].details, pointer=problems[0].pointer)
        conflict.details = problems
        raise conflict
    return rows


__all__ = ["MAX_COUPONS_PER_REQUEST", "CouponService", "coupon_record"]

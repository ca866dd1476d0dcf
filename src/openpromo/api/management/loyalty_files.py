"""Management API: a loyalty program's CSV imports (points, cards) and exports (balances, ledger logs)
(docs/loyalty.md "Imports and exports"). Imports are ``multipart/form-data`` with the file in ``upFile``."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.params import QueryParameter

from openpromo.api import endpoint
from openpromo.api.ledger_params import EndDate
from openpromo.api.routing import MANAGEMENT, required_range, time_parameter
from openpromo.services.management.loyalty_exports import DateFormat
from openpromo.services.models.coupons import Import

Req = Request[Any, Any, Any]
PROGRAM = "/v1/loyalty_programs/{loyalty_program_id:int}"
CARD = PROGRAM + "/cards/{loyalty_card_id:str}"
EXPORT = {"media_type": endpoint.CSV, **MANAGEMENT}
RangeStart = Annotated[str | None, QueryParameter(name="rangeStart", required=False)]
RangeEnd = Annotated[str | None, QueryParameter(name="rangeEnd", required=False)]
"""Required, and checked after the key (``routing.required_range``)."""
Dates = Annotated[DateFormat | None, QueryParameter(name="dateFormat", required=False)]
Notifications = Annotated[bool | None, QueryParameter(name="notificationsEnabled", required=False)]
"""Accepted and ignored: OpenPromo sends no notifications."""


@post(PROGRAM + "/import_points", operation_id="importLoyaltyPoints", status_code=200, **MANAGEMENT)
async def import_loyalty_points(
    request: Req, loyalty_program_id: int, notifications_enabled: Notifications = None
) -> Import:
    """Multipart upload with the CSV in ``upFile``."""
    return await endpoint.upload(
        request,
        lambda use, principal, content: use.loyalty_imports.import_points(
            principal, loyalty_program_id, content
        ),
    )


@post(PROGRAM + "/import_cards", operation_id="importLoyaltyCards", status_code=200, **MANAGEMENT)
async def import_loyalty_cards(request: Req, loyalty_program_id: int) -> Import:
    """Multipart upload with the CSV in ``upFile``."""
    return await endpoint.upload(
        request,
        lambda use, principal, content: use.loyalty_imports.import_cards(
            principal, loyalty_program_id, content
        ),
    )


@get(PROGRAM + "/export_customer_balances", operation_id="exportLoyaltyBalances", **EXPORT)
async def export_loyalty_balances(
    request: Req, loyalty_program_id: int, end_date: EndDate = None
) -> Response[bytes]:
    return await endpoint.csv_export(
        request,
        lambda use, principal: use.loyalty_exports.customer_balances(
            principal, loyalty_program_id, time_parameter("endDate", end_date)
        ),
    )


@get(PROGRAM + "/export_customer_balance", operation_id="exportLoyaltyBalance", deprecated=True, **EXPORT)
async def export_loyalty_balance(
    request: Req, loyalty_program_id: int, end_date: EndDate = None
) -> Response[bytes]:
    """The older name of ``exportLoyaltyBalances``, with the same answer."""
    return await endpoint.csv_export(
        request,
        lambda use, principal: use.loyalty_exports.customer_balances(
            principal, loyalty_program_id, time_parameter("endDate", end_date)
        ),
    )


@get(PROGRAM + "/export_card_balances", operation_id="exportLoyaltyCardBalances", **EXPORT)
async def export_loyalty_card_balances(
    request: Req, loyalty_program_id: int, end_date: EndDate = None
) -> Response[bytes]:
    return await endpoint.csv_export(
        request,
        lambda use, principal: use.loyalty_exports.card_balances(
            principal, loyalty_program_id, time_parameter("endDate", end_date)
        ),
    )


@get(PROGRAM + "/profile/{integration_id:str}/export_log", operation_id="exportLoyaltyLedger", **EXPORT)
async def export_loyalty_ledger(
    request: Req,
    loyalty_program_id: int,
    integration_id: str,
    range_start: RangeStart = None,
    range_end: RangeEnd = None,
    date_format: Dates = None,
) -> Response[bytes]:
    return await endpoint.csv_export(
        request,
        lambda use, principal: use.loyalty_exports.profile_log(
            principal, loyalty_program_id, integration_id, required_range(range_start, range_end), date_format
        ),
    )


@get(CARD + "/export_log", operation_id="exportLoyaltyCardLedger", **EXPORT)
async def export_loyalty_card_ledger(
    request: Req,
    loyalty_program_id: int,
    loyalty_card_id: str,
    range_start: RangeStart = None,
    range_end: RangeEnd = None,
    date_format: Dates = None,
) -> Response[bytes]:
    return await endpoint.csv_export(
        request,
        lambda use, principal: use.loyalty_exports.card_log(
            principal,
            loyalty_program_id,
            loyalty_card_id,
            required_range(range_start, range_end),
            date_format,
        ),
    )


ROUTES = [
    import_loyalty_points,
    import_loyalty_cards,
    export_loyalty_balances,
    export_loyalty_balance,
    export_loyalty_card_balances,
    export_loyalty_ledger,
    export_loyalty_card_ledger,
]

__all__ = ["ROUTES"]

"""The query parameters of the ledger lists (Integration and Management API) and the filters they make."""

from __future__ import annotations

from typing import Annotated, Any

from litestar.params import QueryParameter

from openpromo.api.routing import time_parameter
from openpromo.services.loyalty.lists import LedgerFilters


def _query(name: str) -> Any:
    return QueryParameter(name=name, required=False)


SessionIds = Annotated[list[str] | None, _query("customerSessionIDs")]
TransactionUuids = Annotated[list[str] | None, _query("transactionUUIDs")]
Subledger = Annotated[str | None, _query("subledgerId")]
Subledgers = Annotated[list[str] | None, _query("subledgerId")]
TransactionType = Annotated[str | None, _query("loyaltyTransactionType")]
StartDate = Annotated[str | None, _query("startDate")]
EndDate = Annotated[str | None, _query("endDate")]
AwaitsActivation = Annotated[bool | None, _query("awaitsActivation")]
Status = Annotated[str | None, _query("status")]


def ledger_filters(
    sessions: list[str] | None,
    uuids: list[str] | None,
    subledgers: list[str] | None,
    kind: str | None = None,
    start: str | None = None,
    end: str | None = None,
    awaits: bool | None = None,
    status: str | None = None,
) -> LedgerFilters:
    return LedgerFilters(
        customer_session_ids=sessions,
        transaction_uuids=uuids,
        subledger_ids=subledgers,
        transaction_type=kind,
        start_date=time_parameter("startDate", start),
        end_date=time_parameter("endDate", end),
        awaits_activation=awaits,
        status=status,
    )


__all__ = [
    "AwaitsActivation",
    "EndDate",
    "SessionIds",
    "StartDate",
    "Status",
    "Subledger",
    "Subledgers",
    "TransactionType",
    "TransactionUuids",
    "ledger_filters",
]

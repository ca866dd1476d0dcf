"""``priceHistory`` (``POST /v1/applications/{id}/price_history``): a SKU's price observations in a time
range, oldest first."""

from __future__ import annotations

from openpromo.services.auth import ManagementPrincipal
from openpromo.services.errors import InvalidInput, NotFound
from openpromo.services.models.prices import PriceHistoryRequest, PriceHistoryResponse
from openpromo.services.ports import Clock, UnitOfWorkFactory
from openpromo.services.prices import history_entry


class PriceHistoryService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def history(
        self, principal: ManagementPrincipal, application_id: int, request: PriceHistoryRequest
    ) -> PriceHistoryResponse:
        if request.end_date <= request.start_date:
            raise InvalidInput("endDate is after startDate", pointer="/endDate")
        with self._uow(write=False) as uow:
            app = uow.records.get(
                "applications", application_id, account_id=principal.account_id, deleted=False
            )
            if app is None:
                raise NotFound("application", application_id)
            found = uow.prices.history(
                principal.account_id, request.sku, request.start_date, request.end_date
            )
        return PriceHistoryResponse(sku=request.sku, history=[history_entry(o) for o in found])


__all__ = ["PriceHistoryService"]

"""``bestPriorPrice`` (``POST /v1/best_prior_price``): the lowest prior price of each SKU asked for."""

from __future__ import annotations

from openpromo.services.access import application_snapshot
from openpromo.services.auth import IntegrationPrincipal
from openpromo.services.errors import InvalidInput
from openpromo.services.integration.base import IntegrationService
from openpromo.services.models.prices import BestPriorPrice, BestPriorPriceRequest
from openpromo.services.prices import best_prior, metadata, window_end


def _kind(request: BestPriorPriceRequest) -> str:
    if request.timeframe_end_date_type is not None:
        return request.timeframe_end_date_type
    if request.strict_end_date is not None:  # the SDK generation before V25
        return "strict" if request.strict_end_date else "sale"
    raise InvalidInput("timeframeEndDateType is strict, price or sale", pointer="/timeframeEndDateType")


class PriceService(IntegrationService):
    def best_prior(
        self, principal: IntegrationPrincipal, request: BestPriorPriceRequest
    ) -> list[BestPriorPrice]:
        kind, days = _kind(request), int(request.timeframe)
        if days < 1:
            raise InvalidInput("timeframe is a number of days, at least 1", pointer="/timeframe")
        target = request.target
        if target is not None and target.target_type == "AUDIENCE" and target.audience_id is None:
            raise InvalidInput("an AUDIENCE target names its audienceID", pointer="/target/audienceID")
        with self._uow(write=False) as uow:
            snapshot = application_snapshot(self._snapshots, uow, principal)
            if (
                target is not None
                and target.audience_id is not None
                and target.audience_id not in snapshot.audiences
            ):
                raise InvalidInput(
                    f"audience {target.audience_id} does not exist", pointer="/target/audienceID"
                )
            skus = list(dict.fromkeys(request.skus))
            found = uow.prices.latest(principal.account_id, skus, request.timeframe_end_date)
        answers = []
        for sku in skus:
            observations = found.get(sku, [])
            end = window_end(observations, request.timeframe_end_date, kind)
            best = best_prior(observations, end, days)
            if best is not None:
                answers.append(
                    BestPriorPrice(
                        id=best.id,
                        sku=sku,
                        observed_at=best.observed_at,
                        context_id=best.context_id,
                        price=best.price,
                        metadata=metadata(best),
                        target={},
                    )
                )
        return answers


__all__ = ["PriceService"]

"""``integrationGetAllCampaigns`` (``GET /v1/integration/campaigns``): the application's running
campaigns, filtered and paged in SQL (docs/integration-api.md)."""

from __future__ import annotations

from typing import Any

from openpromo.services.access import application_snapshot
from openpromo.services.auth import IntegrationPrincipal
from openpromo.services.campaign_filters import campaign_conditions
from openpromo.services.integration.base import IntegrationService
from openpromo.services.models.base import Page
from openpromo.services.models.campaigns import IntegrationCampaign
from openpromo.services.models.convert import from_row
from openpromo.services.paging import PageRequest, list_page
from openpromo.services.ports import Eq, Row


def integration_campaign(row: Row) -> IntegrationCampaign:
    return from_row(IntegrationCampaign, row, attributes=row["attributes"] or None)


class CampaignListService(IntegrationService):
    def running(
        self, principal: IntegrationPrincipal, page: PageRequest, ids: list[int], filters: dict[str, Any]
    ) -> Page:
        """``ids``: only these campaigns (none: every one); ``filters``: the start and end windows."""
        now = self._clock.now()
        conditions = campaign_conditions({**filters, "campaign_state": "running"}, now)
        if ids:
            conditions.append(Eq("id", ids))
        with self._uow(write=False) as uow:
            application_snapshot(self._snapshots, uow, principal)  # the key must still be in force
            return list_page(
                uow.records,
                "campaigns",
                {"application_id": principal.application_id, "deleted": False},
                page,
                integration_campaign,
                conditions=conditions,
            )


__all__ = ["CampaignListService"]

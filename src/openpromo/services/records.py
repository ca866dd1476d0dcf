"""Stored rows as the API's records, where both sides of the API answer them (a campaign is a
Management record and a part of an Integration answer, ``triggeredCampaigns``; a catalog is created
through the Management API and answered by the Integration API's sync)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from openpromo.services.models.campaigns import Campaign
from openpromo.services.models.convert import from_row
from openpromo.services.models.programs import Catalog
from openpromo.services.ports import Row


def frontend_state(row: Row, now: datetime) -> str:
    if row["state"] != "enabled":
        return str(row["state"])
    if row["start_time"] is not None and now < row["start_time"]:
        return "scheduled"
    if row["end_time"] is not None and now >= row["end_time"]:
        return "expired"
    return "running"


def campaign_record(row: Row, now: datetime) -> Campaign:
    return from_row(
        Campaign,
        row,
        description=row["description"] or "",
        user_id=row["user_id"] or 0,
        frontend_state=frontend_state(row, now),
        stores_imported=False,
        tags=row["tags"] or [],
        limits=row["limits"] or [],
    )


def catalog_record(row: Mapping[str, Any]) -> Catalog:
    return from_row(Catalog, row, created_by=row["created_by"] or 0)


__all__ = ["campaign_record", "catalog_record", "frontend_state"]

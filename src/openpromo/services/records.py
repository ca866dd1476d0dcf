"""Stored rows as the API's records, where both sides of the API answer them (a campaign is a
Management record and a part of an Integration answer, ``triggeredCampaigns``)."""

from __future__ import annotations

from datetime import datetime

from openpromo.services.models.campaigns import Campaign
from openpromo.services.models.convert import from_row
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


__all__ = ["campaign_record", "frontend_state"]

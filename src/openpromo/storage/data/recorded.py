"""What a commit records for later: the campaigns' analytics and the effects in force."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy.engine import Connection

from openpromo.services.data.records import Analytics, EffectRow
from openpromo.storage.data.statements import upsert
from openpromo.storage.fast import write_rows
from openpromo.storage.records import bound_values
from openpromo.storage.schema.campaigns import campaign_analytics
from openpromo.storage.schema.sessions import session_effects


def add_analytics(conn: Connection, postgres: bool, application_id: int, analytics: Analytics) -> None:
    """Add to each campaign's figures of the day, atomically (one multi-row upsert)."""
    rows = [
        {
            "application_id": application_id,
            "campaign_id": campaign_id,
            "date": analytics.day,
            **dict.fromkeys(_ANALYTICS, 0),
            **values,
        }
        for campaign_id, values in analytics.by_campaign.items()
        if values
    ]
    # One row per campaign: a multi-row upsert never meets the same (campaign, day) twice.
    write_rows(conn, ("analytics",), partial(_analytics_upsert, postgres), rows)


def insert_effects(
    conn: Connection, application_id: int, session_id: int, effects: Sequence[EffectRow], now: datetime
) -> None:
    """The effects in force after a close (``session_effects``), a multi-row insert per 16."""
    rows = [
        {
            "application_id": application_id,
            "session_id": session_id,
            "campaign_id": e.campaign_id,
            "ruleset_id": e.ruleset_id,
            "rule_index": e.rule_index,
            "rule_name": e.rule_name,
            "effect_type": e.effect_type,
            "props": e.props,
            "triggered_by_coupon": e.triggered_by_coupon,
            "amount": e.amount,
            "cart_item_position": e.cart_item_position,
            "cart_item_sub_position": e.cart_item_sub_position,
            "created": now,
        }
        for e in effects
    ]
    names = tuple(rows[0])
    write_rows(
        conn,
        ("insert-many", "session_effects", names),
        lambda prefixes: session_effects.insert().values(
            [bound_values(session_effects, names, prefix) for prefix in prefixes]
        ),
        rows,
    )


_ANALYTICS = tuple(
    c.name
    for c in campaign_analytics.columns
    if c.name not in ("id", "application_id", "campaign_id", "date")
)


def _analytics_upsert(postgres: bool, prefixes: list[str]) -> Any:
    """``INSERT ... ON CONFLICT (campaign, day) DO UPDATE SET x = x + excluded.x`` for every figure, one
    row per prefix (``fast.write_rows``)."""
    columns = ("application_id", "campaign_id", "date", *_ANALYTICS)
    insert = upsert(postgres)(campaign_analytics).values(
        [bound_values(campaign_analytics, columns, prefix) for prefix in prefixes]
    )
    return insert.on_conflict_do_update(
        index_elements=["campaign_id", "date"],
        set_={name: campaign_analytics.c[name] + insert.excluded[name] for name in _ANALYTICS},
    )


__all__ = ["add_analytics", "insert_effects"]

"""Customers and what they do: profiles, sessions (with their cart items, effects in force and returns)
and events."""

from __future__ import annotations

import sqlalchemy as sa

from openpromo.storage.schema.columns import (
    Amount,
    Id,
    Json,
    UtcDateTime,
    account_id,
    application_id,
    created,
    pk,
)
from openpromo.storage.schema.core import metadata

customer_profiles = sa.Table(
    "customer_profiles",
    metadata,
    pk(),
    account_id(),
    created(),
    sa.Column("integration_id", sa.String(1000), nullable=False),
    sa.Column("attributes", Json, nullable=False),
    sa.Column("closed_sessions", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("total_sales", Amount(), nullable=False, server_default="0"),
    sa.Column("last_activity", UtcDateTime(), nullable=True),
    sa.Column("sandbox", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("modified", UtcDateTime(), nullable=False),
    sa.UniqueConstraint("account_id", "integration_id"),
    sa.Index(None, "account_id", "id"),  # an application's customers, newest first
)

customer_sessions = sa.Table(
    "customer_sessions",
    metadata,
    pk(),
    application_id(),
    created(),
    sa.Column("updated", UtcDateTime(), nullable=False),
    sa.Column("integration_id", sa.String(1000), nullable=False),
    sa.Column("profile_integration_id", sa.String(1000), nullable=False, server_default=""),
    sa.Column("profile_id", Id, nullable=True),
    sa.Column("store_integration_id", sa.String(1000), nullable=True),
    sa.Column("state", sa.String(32), nullable=False),
    sa.Column("coupon_codes", Json, nullable=False),
    sa.Column("referral_code", sa.String(100), nullable=True),
    sa.Column("loyalty_cards", Json, nullable=False),
    sa.Column("identifiers", Json, nullable=False),
    sa.Column("attributes", Json, nullable=False),
    sa.Column("cart_items", Json, nullable=False),
    sa.Column("additional_costs", Json, nullable=False),
    sa.Column("total", Amount(), nullable=False, server_default="0"),
    sa.Column("cart_item_total", Amount(), nullable=False, server_default="0"),
    sa.Column("additional_cost_total", Amount(), nullable=False, server_default="0"),
    sa.Column("discounted_total", Amount(), nullable=False, server_default="0"),
    sa.Column("first_session", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("update_count", sa.Integer(), nullable=False, server_default="1"),
    sa.Column("closed_at", UtcDateTime(), nullable=True),
    sa.Column("effects", Json, nullable=False),
    sa.Column("committed", Json, nullable=True),
    sa.Column("evaluable_campaign_ids", Json, nullable=True),
    sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
    sa.UniqueConstraint("application_id", "integration_id"),
    sa.Index(None, "application_id", "profile_integration_id"),
    sa.Index(None, "application_id", "created"),
    sa.Index(None, "application_id", "id"),  # the application's sessions, newest first
)

cart_items = sa.Table(
    "cart_items",
    metadata,
    pk(),
    application_id(),
    sa.Column("session_id", Id, nullable=False),
    sa.Column("position", sa.Integer(), nullable=False),
    sa.Column("sku", sa.String(1000), nullable=False),
    sa.Column("name", sa.String(1000), nullable=True),
    sa.Column("category", sa.String(1000), nullable=True),
    sa.Column("quantity", sa.Integer(), nullable=False),
    sa.Column("returned_quantity", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("price", Amount(), nullable=True),
    sa.Column("catalog_item_id", Id, nullable=True),
    sa.Column("attributes", Json, nullable=True),
    created(),
    sa.UniqueConstraint("session_id", "position"),
    sa.Index(None, "application_id", "sku"),
)

session_effects = sa.Table(
    "session_effects",
    metadata,
    pk(),
    application_id(),
    sa.Column("session_id", Id, nullable=False),
    sa.Column("campaign_id", Id, nullable=False),
    sa.Column("ruleset_id", Id, nullable=False),
    sa.Column("rule_index", sa.Integer(), nullable=False),
    sa.Column("rule_name", sa.String(1000), nullable=False),
    sa.Column("effect_type", sa.String(64), nullable=False),
    sa.Column("props", Json, nullable=False),
    sa.Column("triggered_by_coupon", Id, nullable=True),
    sa.Column("amount", Amount(), nullable=True),
    sa.Column("cart_item_position", sa.Integer(), nullable=True),
    sa.Column("cart_item_sub_position", sa.Integer(), nullable=True),
    sa.Column("rolled_back", sa.Boolean(), nullable=False, server_default=sa.false()),
    created(),
    sa.Index(None, "session_id"),
    sa.Index(None, "application_id", "campaign_id", "created"),
)

returns = sa.Table(
    "returns",
    metadata,
    pk(),
    application_id(),
    account_id(),
    created(),
    sa.Column("session_id", Id, nullable=False),
    sa.Column("session_integration_id", sa.String(1000), nullable=False),
    sa.Column("profile_id", Id, nullable=True),
    sa.Column("profile_integration_id", sa.String(1000), nullable=True),
    sa.Column("event_id", Id, nullable=False),
    sa.Column("returned_cart_items", Json, nullable=False),
    sa.Column("created_by", Id, nullable=True),
    sa.Index(None, "session_id"),
)

events = sa.Table(
    "events",
    metadata,
    pk(),
    application_id(),
    created(),
    sa.Column("type", sa.String(255), nullable=False),
    sa.Column("profile_integration_id", sa.String(1000), nullable=True),
    sa.Column("profile_id", Id, nullable=True),
    sa.Column("session_integration_id", sa.String(1000), nullable=True),
    sa.Column("store_integration_id", sa.String(1000), nullable=True),
    sa.Column("attributes", Json, nullable=False),
    sa.Column("effects", Json, nullable=False),
    sa.Column("meta", Json, nullable=True),
    sa.Column("ledger_entries", Json, nullable=True),
    sa.Index(None, "application_id", "created"),
    sa.Index(None, "application_id", "session_integration_id"),
    sa.Index(None, "application_id", "profile_integration_id"),
    sa.Index(None, "application_id", "id"),  # the application's events, newest first
)

event_types = sa.Table(
    "event_types",
    metadata,
    pk(),
    account_id(),
    created(),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("title", sa.String(255), nullable=False),
    sa.Column("description", sa.Text(), nullable=True),
    sa.UniqueConstraint("account_id", "name"),
)


__all__ = [
    "cart_items",
    "customer_profiles",
    "customer_sessions",
    "event_types",
    "events",
    "returns",
    "session_effects",
]

"""Account-level tables: giveaways, achievements, audiences, catalogs, attributes, costs (and loyalty.py).

These are shared by the applications of an account, so they are distributed by ``account_id``
(achievements belong to a campaign and are distributed by ``application_id``).
"""

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

giveaway_pools = sa.Table(
    "giveaway_pools",
    metadata,
    pk(),
    account_id(),
    created(),
    sa.Column("modified", UtcDateTime(), nullable=True),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("description", sa.Text(), nullable=True),
    sa.Column("subscribed_applications_ids", Json, nullable=True),
    sa.Column("sandbox", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("created_by", sa.String(255), nullable=True),
)

giveaway_codes = sa.Table(
    "giveaway_codes",
    metadata,
    pk(),
    account_id(),
    sa.Column("pool_id", Id, nullable=False),
    created(),
    sa.Column("code", sa.String(1000), nullable=False),
    sa.Column("start_date", UtcDateTime(), nullable=True),
    sa.Column("end_date", UtcDateTime(), nullable=True),
    sa.Column("attributes", Json, nullable=True),
    sa.Column("import_id", Id, nullable=True),
    sa.Column("awarded_at", UtcDateTime(), nullable=True),
    sa.Column("profile_integration_id", sa.String(1000), nullable=True),
    sa.Column("session_id", Id, nullable=True),
    sa.Column("application_id", Id, nullable=True),
    sa.UniqueConstraint("pool_id", "code"),
    sa.Index(None, "pool_id", "awarded_at", "id"),
    sa.Index(None, "account_id", "profile_integration_id"),
)

achievements = sa.Table(
    "achievements",
    metadata,
    pk(),
    application_id(),
    sa.Column("campaign_id", Id, nullable=False),
    created(),
    sa.Column("name", sa.String(1000), nullable=False),
    sa.Column("title", sa.String(1000), nullable=False),
    sa.Column("description", sa.Text(), nullable=False, server_default=""),
    sa.Column("target", Amount(), nullable=True),
    sa.Column("period", sa.String(32), nullable=False),
    sa.Column("period_end_override", Json, nullable=True),
    sa.Column("recurrence_policy", sa.String(32), nullable=True),
    sa.Column("activation_policy", sa.String(32), nullable=True),
    sa.Column("fixed_start_date", UtcDateTime(), nullable=True),
    sa.Column("end_date", UtcDateTime(), nullable=True),
    sa.Column("allow_rollback_after_completion", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("user_id", Id, nullable=True),
    sa.UniqueConstraint("campaign_id", "name"),
)

achievement_progress = sa.Table(
    "achievement_progress",
    metadata,
    pk(),
    application_id(),
    sa.Column("achievement_id", Id, nullable=False),
    sa.Column("profile_integration_id", sa.String(1000), nullable=False),
    sa.Column("period_key", sa.String(32), nullable=False, server_default=""),
    sa.Column("progress", Amount(), nullable=False, server_default="0"),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("start_date", UtcDateTime(), nullable=False),
    sa.Column("end_date", UtcDateTime(), nullable=True),
    sa.Column("completion_date", UtcDateTime(), nullable=True),
    sa.UniqueConstraint("achievement_id", "profile_integration_id", "period_key"),
    # 0012: a customer's inventory
    sa.Index("ix_achievement_progress_profile", "application_id", "profile_integration_id"),
)

audiences = sa.Table(
    "audiences",
    metadata,
    pk(),
    account_id(),
    created(),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("description", sa.Text(), nullable=True),
    sa.Column("integration", sa.String(64), nullable=True),
    sa.Column("integration_id", sa.String(1000), nullable=True),
    sa.Column("sandbox", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("deleted", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Index(None, "account_id", "integration_id"),
)

audience_memberships = sa.Table(
    "audience_memberships",
    metadata,
    account_id(),
    sa.Column("audience_id", Id, nullable=False),
    sa.Column("profile_integration_id", sa.String(1000), nullable=False),
    created(),
    sa.PrimaryKeyConstraint("audience_id", "profile_integration_id"),
    sa.Index(None, "account_id", "profile_integration_id"),
)

catalogs = sa.Table(
    "catalogs",
    metadata,
    pk(),
    account_id(),
    created(),
    sa.Column("modified", UtcDateTime(), nullable=False),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("description", sa.Text(), nullable=False, server_default=""),
    sa.Column("subscribed_applications_ids", Json, nullable=True),
    sa.Column("version", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("created_by", Id, nullable=True),
)

catalog_items = sa.Table(
    "catalog_items",
    metadata,
    pk(),
    account_id(),
    sa.Column("catalog_id", Id, nullable=False),
    created(),
    sa.Column("sku", sa.String(1000), nullable=False),
    sa.Column("price", Amount(), nullable=True),
    sa.Column("prices", Json, nullable=True),
    sa.Column("attributes", Json, nullable=True),
    sa.Column("product", Json, nullable=True),
    sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
    sa.UniqueConstraint("catalog_id", "sku"),
)

price_history = sa.Table(
    "price_history",
    metadata,
    pk(),
    account_id(),
    sa.Column("application_id", Id, nullable=True),
    sa.Column("catalog_id", Id, nullable=True),
    sa.Column("sku", sa.String(1000), nullable=False),
    sa.Column("price", Amount(), nullable=False),
    sa.Column("observed_at", UtcDateTime(), nullable=False),
    sa.Column("context_id", sa.String(1000), nullable=True),
    sa.Column("price_type", sa.String(255), nullable=True),
    sa.Column("details", Json, nullable=True),
    sa.Index(None, "account_id", "sku", "observed_at"),
)

attributes = sa.Table(
    "attributes",
    metadata,
    pk(),
    account_id(),
    created(),
    sa.Column("entity", sa.String(32), nullable=False),
    sa.Column("event_type", sa.String(255), nullable=True),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("title", sa.String(255), nullable=False),
    sa.Column("type", sa.String(32), nullable=False),
    sa.Column("description", sa.Text(), nullable=False, server_default=""),
    sa.Column("suggestions", Json, nullable=False),
    sa.Column("has_allowed_list", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("restricted_by_suggestions", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("editable", sa.Boolean(), nullable=False, server_default=sa.true()),
    sa.Column("subscribed_applications_ids", Json, nullable=True),
    sa.Column("subscribed_catalogs_ids", Json, nullable=True),
    sa.Column("allowed_subscriptions", Json, nullable=True),
    sa.Column("visible", sa.Boolean(), nullable=False, server_default=sa.true()),
    sa.Column("allowed_values", Json, nullable=True),
    sa.UniqueConstraint("account_id", "entity", "event_type", "name"),
)

additional_costs = sa.Table(
    "additional_costs",
    metadata,
    pk(),
    account_id(),
    created(),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("title", sa.String(255), nullable=False),
    sa.Column("description", sa.Text(), nullable=False, server_default=""),
    sa.Column("subscribed_applications_ids", Json, nullable=True),
    sa.Column("type", sa.String(16), nullable=False, server_default="session"),
    sa.UniqueConstraint("account_id", "name"),
)

collections = sa.Table(
    "collections",
    metadata,
    pk(),
    account_id(),
    sa.Column("application_id", Id, nullable=True),
    sa.Column("campaign_id", Id, nullable=True),
    created(),
    sa.Column("modified", UtcDateTime(), nullable=True),
    sa.Column("name", sa.String(1000), nullable=False),
    sa.Column("description", sa.Text(), nullable=True),
    sa.Column("subscribed_applications_ids", Json, nullable=True),
    sa.Column("items", Json, nullable=False),
    sa.Column("created_by", Id, nullable=True),
    sa.Column("modified_by", Id, nullable=True),
    sa.Index(None, "account_id", "campaign_id"),
)

__all__ = [
    "achievement_progress",
    "achievements",
    "additional_costs",
    "attributes",
    "audience_memberships",
    "audiences",
    "catalog_items",
    "catalogs",
    "collections",
    "giveaway_codes",
    "giveaway_pools",
    "price_history",
]

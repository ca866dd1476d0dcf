"""Campaigns and what they hand out and count: rulesets, evaluation groups, coupons (with their
reservations and redemptions by profile), referrals, budget counters and analytics."""

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
from openpromo.storage.schema.core import metadata, postgres_index, sqlite_only

campaign_evaluation_groups = sa.Table(
    "campaign_evaluation_groups",
    metadata,
    pk(),
    application_id(),
    created(),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("parent_id", Id, nullable=True),
    sa.Column("description", sa.Text(), nullable=True),
    sa.Column("mode", sa.String(32), nullable=False),
    sa.Column("evaluation_scope", sa.String(32), nullable=False),
    sa.Column("locked", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("position", sa.Integer(), nullable=False, server_default="0"),
    sa.Index(None, "application_id"),
)

campaigns = sa.Table(
    "campaigns",
    metadata,
    pk(),
    application_id(),
    account_id(),
    created(),
    sa.Column("updated", UtcDateTime(), nullable=False),
    sa.Column("user_id", Id, nullable=True),
    sa.Column("name", sa.String(1000), nullable=False),
    sa.Column("description", sa.Text(), nullable=True),
    sa.Column("start_time", UtcDateTime(), nullable=True),
    sa.Column("end_time", UtcDateTime(), nullable=True),
    sa.Column("attributes", Json, nullable=True),
    sa.Column("state", sa.String(32), nullable=False),
    sa.Column("active_ruleset_id", Id, nullable=True),
    sa.Column("tags", Json, nullable=False),
    sa.Column("features", Json, nullable=False),
    sa.Column("coupon_settings", Json, nullable=True),
    sa.Column("referral_settings", Json, nullable=True),
    sa.Column("limits", Json, nullable=False),
    sa.Column("campaign_groups", Json, nullable=True),
    sa.Column("evaluation_group_id", Id, nullable=True),
    sa.Column("evaluation_position", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("type", sa.String(32), nullable=False, server_default="advanced"),
    sa.Column("linked_store_ids", Json, nullable=True),
    sa.Column("reevaluate_on_return", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("coupon_attributes", Json, nullable=True),
    sa.Column("template_id", Id, nullable=True),
    sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
    sa.Column("deleted", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Index(None, "application_id", "state"),
)

rulesets = sa.Table(
    "rulesets",
    metadata,
    pk(),
    application_id(),
    sa.Column("campaign_id", Id, nullable=True),
    sa.Column("template_id", Id, nullable=True),
    created(),
    sa.Column("user_id", Id, nullable=False, server_default="0"),
    sa.Column("activated_at", UtcDateTime(), nullable=True),
    sa.Column("rb_version", sa.String(16), nullable=True),
    sa.Column("rules", Json, nullable=False),
    sa.Column("strikethrough_rules", Json, nullable=True),
    sa.Column("bindings", Json, nullable=False),
    sa.Index(None, "campaign_id"),
)

coupons = sa.Table(
    "coupons",
    metadata,
    pk(),
    application_id(),
    sa.Column("campaign_id", Id, nullable=False),
    created(),
    sa.Column("value", sa.String(1000), nullable=False),
    sa.Column("lookup_value", sa.String(1000), nullable=False),
    # ``value`` casefolded without non-alphanumerics, for the list's ``value`` filter (storage.queries)
    sa.Column("folded_value", sa.String(1000), nullable=False, server_default=""),
    sa.Column("usage_limit", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("discount_limit", Amount(), nullable=True),
    sa.Column("reservation_limit", sa.Integer(), nullable=True),
    sa.Column("start_date", UtcDateTime(), nullable=True),
    sa.Column("expiry_date", UtcDateTime(), nullable=True),
    sa.Column("limits", Json, nullable=True),
    sa.Column("usage_counter", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("discount_counter", Amount(), nullable=False, server_default="0"),
    sa.Column("discount_remainder", Amount(), nullable=True),
    sa.Column("reservation_counter", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("attributes", Json, nullable=True),
    sa.Column("referral_id", Id, nullable=True),
    sa.Column("recipient_integration_id", sa.String(1000), nullable=True),
    sa.Column("import_id", Id, nullable=True),
    sa.Column("batch_id", sa.String(64), nullable=True),
    sa.Column("is_reservation_mandatory", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("implicitly_reserved", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("created_in_session_id", Id, nullable=True),
    sa.UniqueConstraint("application_id", "lookup_value"),
    sa.Index(None, "campaign_id", "id"),
    sa.Index(None, "application_id", "recipient_integration_id"),
    # 0012: the coupons in every customer's inventory
    sa.Index("ix_coupons_implicitly_reserved", "application_id", "implicitly_reserved"),
    sa.Index(None, "campaign_id", "created", "id"),  # the list sorted by created (never null)
    # the list sorted by expiryDate or by value (``storage.queries``: nulls first, text by code point)
    sqlite_only("campaign_id", "expiry_date", "id"),
    sqlite_only("campaign_id", "value", "id"),
)
postgres_index(coupons, "ix_coupons_campaign_id_expiry_date_pg", "campaign_id, expiry_date NULLS FIRST, id")
postgres_index(coupons, "ix_coupons_campaign_id_value_pg", 'campaign_id, value COLLATE "C", id')

coupon_reservations = sa.Table(
    "coupon_reservations",
    metadata,
    pk(),
    application_id(),
    sa.Column("coupon_id", Id, nullable=False),
    sa.Column("profile_integration_id", sa.String(1000), nullable=False),
    created(),
    sa.Column("soft", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.UniqueConstraint("coupon_id", "profile_integration_id"),
    sa.Index(None, "application_id", "profile_integration_id"),
)

profile_coupon_redemptions = sa.Table(
    "profile_coupon_redemptions",
    metadata,
    application_id(),
    sa.Column("coupon_id", Id, nullable=False),
    sa.Column("profile_integration_id", sa.String(1000), nullable=False),
    sa.Column("redemptions", sa.Integer(), nullable=False, server_default="0"),
    sa.PrimaryKeyConstraint("coupon_id", "profile_integration_id"),
    # 0012: a customer's inventory
    sa.Index("ix_profile_coupon_redemptions_profile", "application_id", "profile_integration_id"),
)
"""How often each profile redeemed each coupon (closes not rolled back): the ``coupons`` answer part's
``profileRedemptionCount`` without reading the profile's history."""

referrals = sa.Table(
    "referrals",
    metadata,
    pk(),
    application_id(),
    sa.Column("campaign_id", Id, nullable=False),
    created(),
    sa.Column("code", sa.String(100), nullable=False),
    sa.Column("lookup_code", sa.String(100), nullable=False),
    # ``code`` casefolded without non-alphanumerics, for the list's ``code`` filter (storage.queries)
    sa.Column("folded_code", sa.String(100), nullable=False, server_default=""),
    sa.Column("start_date", UtcDateTime(), nullable=True),
    sa.Column("expiry_date", UtcDateTime(), nullable=True),
    sa.Column("usage_limit", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("usage_counter", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("advocate_profile_integration_id", sa.String(1000), nullable=False),
    sa.Column("friend_profile_integration_id", sa.String(1000), nullable=True),
    sa.Column("attributes", Json, nullable=True),
    sa.Column("import_id", Id, nullable=True),
    sa.Column("batch_id", sa.String(64), nullable=True),
    sa.Column("created_in_session_id", Id, nullable=True),
    sa.UniqueConstraint("application_id", "lookup_code"),
    sa.Index(None, "campaign_id", "id"),
    # 0012: a customer's inventory and the deletion of its data
    sa.Index("ix_referrals_advocate", "application_id", "advocate_profile_integration_id"),
)

referral_friends = sa.Table(
    "referral_friends",
    metadata,
    application_id(),
    sa.Column("referral_id", Id, nullable=False),
    sa.Column("friend_profile_integration_id", sa.String(1000), nullable=False),
    sa.Column("session_id", Id, nullable=False),
    created(),
    sa.PrimaryKeyConstraint("referral_id", "friend_profile_integration_id"),
)

limit_counters = sa.Table(
    "limit_counters",
    metadata,
    pk(),
    application_id(),
    sa.Column("campaign_id", Id, nullable=False),
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("entity_key", sa.String(2000), nullable=False),
    sa.Column("period_key", sa.String(32), nullable=False, server_default=""),
    sa.Column("consumed", Amount(), nullable=False, server_default="0"),
    sa.Column("updated", UtcDateTime(), nullable=False),
    sa.UniqueConstraint("campaign_id", "action", "entity_key", "period_key"),
)

campaign_analytics = sa.Table(
    "campaign_analytics",
    metadata,
    pk(),
    application_id(),
    sa.Column("campaign_id", Id, nullable=False),
    sa.Column("date", sa.Date(), nullable=False),
    sa.Column("sessions", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("revenue", Amount(), nullable=False, server_default="0"),
    sa.Column("discounts", Amount(), nullable=False, server_default="0"),
    sa.Column("coupon_redemptions", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("referral_redemptions", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("coupons_created", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("referrals_created", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("loyalty_points_added", Amount(), nullable=False, server_default="0"),
    sa.Column("loyalty_points_deducted", Amount(), nullable=False, server_default="0"),
    sa.Column("free_items", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("refunds", Amount(), nullable=False, server_default="0"),
    sa.Column("refunded_discounts", Amount(), nullable=False, server_default="0"),
    sa.Column("coupon_rollbacks", sa.Integer(), nullable=False, server_default="0"),
    sa.UniqueConstraint("campaign_id", "date"),
)


__all__ = [
    "campaign_analytics",
    "campaign_evaluation_groups",
    "campaigns",
    "coupon_reservations",
    "coupons",
    "limit_counters",
    "profile_coupon_redemptions",
    "referral_friends",
    "referrals",
    "rulesets",
]

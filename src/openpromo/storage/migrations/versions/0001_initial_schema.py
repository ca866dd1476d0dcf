"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import openpromo.storage.schema.columns

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("created", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
    )
    op.create_table(
        "achievement_progress",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("application_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("achievement_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("profile_integration_id", sa.String(length=1000), nullable=False),
        sa.Column("period_key", sa.String(length=32), server_default="", nullable=False),
        sa.Column("progress", openpromo.storage.schema.columns.Amount(), server_default="0", nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("start_date", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=False),
        sa.Column("end_date", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=True),
        sa.Column(
            "completion_date", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=True
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_achievement_progress")),
        sa.UniqueConstraint(
            "achievement_id",
            "profile_integration_id",
            "period_key",
            name=op.f("uq_achievement_progress_achievement_id_profile_integration_id_period_key"),
        ),
    )
    op.create_table(
        "achievements",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("application_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("campaign_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=False),
        sa.Column("name", sa.String(length=1000), nullable=False),
        sa.Column("title", sa.String(length=1000), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("target", openpromo.storage.schema.columns.Amount(), nullable=True),
        sa.Column("period", sa.String(length=32), nullable=False),
        sa.Column(
            "period_end_override",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("recurrence_policy", sa.String(length=32), nullable=True),
        sa.Column("activation_policy", sa.String(length=32), nullable=True),
        sa.Column(
            "fixed_start_date", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=True
        ),
        sa.Column("end_date", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=True),
        sa.Column(
            "allow_rollback_after_completion", sa.Boolean(), server_default=sa.text("false"), nullable=False
        ),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_achievements")),
        sa.UniqueConstraint("campaign_id", "name", name=op.f("uq_achievements_campaign_id_name")),
    )
    op.create_table(
        "additional_costs",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column(
            "subscribed_applications_ids",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("type", sa.String(length=16), server_default="session", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_additional_costs")),
        sa.UniqueConstraint("account_id", "name", name=op.f("uq_additional_costs_account_id_name")),
    )
    op.create_table(
        "api_keys",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("application_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("expires", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=True),
        sa.Column("type", sa.String(length=32), nullable=True),
        sa.Column("time_offset", sa.BigInteger(), nullable=True),
        sa.Column("created_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("deleted", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_api_keys_key_hash")),
    )
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_keys_application_id"), ["application_id"], unique=False)

    op.create_table(
        "applications",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=False),
        sa.Column("modified", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=False),
        sa.Column("name", sa.String(length=1000), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("currency", sa.String(length=8), nullable=False),
        sa.Column("case_sensitivity", sa.String(length=32), server_default="sensitive", nullable=False),
        sa.Column(
            "attributes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "limits",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("default_discount_scope", sa.String(length=32), nullable=True),
        sa.Column(
            "enable_cascading_discounts", sa.Boolean(), server_default=sa.text("false"), nullable=False
        ),
        sa.Column(
            "enable_flattened_cart_items", sa.Boolean(), server_default=sa.text("true"), nullable=False
        ),
        sa.Column(
            "attributes_settings",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("sandbox", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("enable_partial_discounts", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("default_discount_additional_cost_per_item_scope", sa.String(length=32), nullable=True),
        sa.Column(
            "default_evaluation_group_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "default_cart_item_filter_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "enable_campaign_state_management", sa.Boolean(), server_default=sa.text("false"), nullable=False
        ),
        sa.Column("deleted", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_applications")),
    )
    op.create_table(
        "attributes",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=False),
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("event_type", sa.String(length=255), nullable=True),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column(
            "suggestions",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("has_allowed_list", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("restricted_by_suggestions", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("editable", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column(
            "subscribed_applications_ids",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "subscribed_catalogs_ids",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "allowed_subscriptions",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("visible", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column(
            "allowed_values",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attributes")),
        sa.UniqueConstraint(
            "account_id",
            "entity",
            "event_type",
            "name",
            name=op.f("uq_attributes_account_id_entity_event_type_name"),
        ),
    )
    op.create_table(
        "audience_memberships",
        sa.Column("account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("audience_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("profile_integration_id", sa.String(length=1000), nullable=False),
        sa.Column("created", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            "audience_id", "profile_integration_id", name=op.f("pk_audience_memberships")
        ),
    )
    with op.batch_alter_table("audience_memberships", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_audience_memberships_account_id_audience_memberships_profile_integration_id"),
            ["account_id", "profile_integration_id"],
            unique=False,
        )

    op.create_table(
        "audiences",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("integration", sa.String(length=64), nullable=True),
        sa.Column("integration_id", sa.String(length=1000), nullable=True),
        sa.Column("sandbox", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audiences")),
    )
    with op.batch_alter_table("audiences", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_audiences_account_id_audiences_integration_id"),
            ["account_id", "integration_id"],
            unique=False,
        )

    op.create_table(
        "auth_tokens",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=False),
        sa.Column("expires", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_auth_tokens")),
    )
    op.create_table(
        "campaign_analytics",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("application_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("campaign_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("sessions", sa.Integer(), server_default="0", nullable=False),
        sa.Column("revenue", openpromo.storage.schema.columns.Amount(), server_default="0", nullable=False),
        sa.Column("discounts", openpromo.storage.schema.columns.Amount(), server_default="0", nullable=False),
        sa.Column("coupon_redemptions", sa.Integer(), server_default="0", nullable=False),
        sa.Column("referral_redemptions", sa.Integer(), server_default="0", nullable=False),
        sa.Column("coupons_created", sa.Integer(), server_default="0", nullable=False),
        sa.Column("referrals_created", sa.Integer(), server_default="0", nullable=False),
        sa.Column(
            "loyalty_points_added",
            openpromo.storage.schema.columns.Amount(),
            server_default="0",
            nullable=False,
        ),
        sa.Column(
            "loyalty_points_deducted",
            openpromo.storage.schema.columns.Amount(),
            server_default="0",
            nullable=False,
        ),
        sa.Column("free_items", sa.Integer(), server_default="0", nullable=False),
        sa.Column("refunds", openpromo.storage.schema.columns.Amount(), server_default="0", nullable=False),
        sa.Column(
            "refunded_discounts",
            openpromo.storage.schema.columns.Amount(),
            server_default="0",
            nullable=False,
        ),
        sa.Column("coupon_rollbacks", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_analytics")),
        sa.UniqueConstraint("campaign_id", "date", name=op.f("uq_campaign_analytics_campaign_id_date")),
    )
    op.create_table(
        "campaign_evaluation_groups",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("application_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("parent_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("mode", sa.String(length=32), nullable=False),
        sa.Column("evaluation_scope", sa.String(length=32), nullable=False),
        sa.Column("locked", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_evaluation_groups")),
    )
    with op.batch_alter_table("campaign_evaluation_groups", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_campaign_evaluation_groups_application_id"), ["application_id"], unique=False
        )

    op.create_table(
        "campaigns",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("application_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("name", sa.String(length=1000), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("start_time", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=True),
        sa.Column("end_time", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=True),
        sa.Column(
            "attributes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("active_ruleset_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column(
            "tags",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "features",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "coupon_settings",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "referral_settings",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "limits",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "campaign_groups",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("evaluation_group_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("evaluation_position", sa.Integer(), server_default="0", nullable=False),
        sa.Column("type", sa.String(length=32), server_default="advanced", nullable=False),
        sa.Column(
            "linked_store_ids",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("reevaluate_on_return", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("template_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaigns")),
    )
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_campaigns_application_id_campaigns_state"),
            ["application_id", "state"],
            unique=False,
        )

    op.create_table(
        "cart_items",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("application_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("session_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("sku", sa.String(length=1000), nullable=False),
        sa.Column("name", sa.String(length=1000), nullable=True),
        sa.Column("category", sa.String(length=1000), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("returned_quantity", sa.Integer(), server_default="0", nullable=False),
        sa.Column("price", openpromo.storage.schema.columns.Amount(), nullable=True),
        sa.Column("catalog_item_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column(
            "attributes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("created", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cart_items")),
        sa.UniqueConstraint("session_id", "position", name=op.f("uq_cart_items_session_id_position")),
    )
    with op.batch_alter_table("cart_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cart_items_application_id_cart_items_sku"), ["application_id", "sku"], unique=False
        )

    op.create_table(
        "catalog_items",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("catalog_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=False),
        sa.Column("sku", sa.String(length=1000), nullable=False),
        sa.Column("price", openpromo.storage.schema.columns.Amount(), nullable=True),
        sa.Column(
            "prices",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "attributes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "product",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalog_items")),
        sa.UniqueConstraint("catalog_id", "sku", name=op.f("uq_catalog_items_catalog_id_sku")),
    )
    op.create_table(
        "catalogs",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=False),
        sa.Column("modified", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column(
            "subscribed_applications_ids",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("version", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalogs")),
    )
    op.create_table(
        "collections",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("application_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("campaign_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("created", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=False),
        sa.Column("modified", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=True),
        sa.Column("name", sa.String(length=1000), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column(
            "subscribed_applications_ids",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "items",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("modified_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_collections")),
    )
    with op.batch_alter_table("collections", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_collections_account_id_collections_campaign_id"),
            ["account_id", "campaign_id"],
            unique=False,
        )

    op.create_table(
        "coupon_reservations",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("application_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("coupon_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("profile_integration_id", sa.String(length=1000), nullable=False),
        sa.Column("created", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=False),
        sa.Column("soft", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coupon_reservations")),
        sa.UniqueConstraint(
            "coupon_id",
            "profile_integration_id",
            name=op.f("uq_coupon_reservations_coupon_id_profile_integration_id"),
        ),
    )
    with op.batch_alter_table("coupon_reservations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_coupon_reservations_application_id_coupon_reservations_profile_integration_id"),
            ["application_id", "profile_integration_id"],
            unique=False,
        )

    op.create_table(
        "coupons",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("application_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("campaign_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=False),
        sa.Column("value", sa.String(length=1000), nullable=False),
        sa.Column("lookup_value", sa.String(length=1000), nullable=False),
        sa.Column("usage_limit", sa.Integer(), server_default="0", nullable=False),
        sa.Column("discount_limit", openpromo.storage.schema.columns.Amount(), nullable=True),
        sa.Column("reservation_limit", sa.Integer(), nullable=True),
        sa.Column("start_date", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=True),
        sa.Column("expiry_date", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=True),
        sa.Column(
            "limits",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("usage_counter", sa.Integer(), server_default="0", nullable=False),
        sa.Column(
            "discount_counter", openpromo.storage.schema.columns.Amount(), server_default="0", nullable=False
        ),
        sa.Column("discount_remainder", openpromo.storage.schema.columns.Amount(), nullable=True),
        sa.Column("reservation_counter", sa.Integer(), server_default="0", nullable=False),
        sa.Column(
            "attributes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("referral_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("recipient_integration_id", sa.String(length=1000), nullable=True),
        sa.Column("import_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("batch_id", sa.String(length=64), nullable=True),
        sa.Column("is_reservation_mandatory", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("implicitly_reserved", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column(
            "created_in_session_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coupons")),
        sa.UniqueConstraint(
            "application_id", "lookup_value", name=op.f("uq_coupons_application_id_lookup_value")
        ),
    )
    with op.batch_alter_table("coupons", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_coupons_application_id_coupons_recipient_integration_id"),
            ["application_id", "recipient_integration_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_coupons_campaign_id_coupons_id"), ["campaign_id", "id"], unique=False
        )

    op.create_table(
        "customer_profiles",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=False),
        sa.Column("integration_id", sa.String(length=1000), nullable=False),
        sa.Column(
            "attributes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("closed_sessions", sa.Integer(), server_default="0", nullable=False),
        sa.Column(
            "total_sales", openpromo.storage.schema.columns.Amount(), server_default="0", nullable=False
        ),
        sa.Column(
            "last_activity", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=True
        ),
        sa.Column("sandbox", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("modified", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_profiles")),
        sa.UniqueConstraint(
            "account_id", "integration_id", name=op.f("uq_customer_profiles_account_id_integration_id")
        ),
    )
    op.create_table(
        "customer_sessions",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("application_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=False),
        sa.Column("integration_id", sa.String(length=1000), nullable=False),
        sa.Column("profile_integration_id", sa.String(length=1000), server_default="", nullable=False),
        sa.Column("profile_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("store_integration_id", sa.String(length=1000), nullable=True),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column(
            "coupon_codes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("referral_code", sa.String(length=100), nullable=True),
        sa.Column(
            "loyalty_cards",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "identifiers",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "attributes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "cart_items",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "additional_costs",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("total", openpromo.storage.schema.columns.Amount(), server_default="0", nullable=False),
        sa.Column(
            "cart_item_total", openpromo.storage.schema.columns.Amount(), server_default="0", nullable=False
        ),
        sa.Column(
            "additional_cost_total",
            openpromo.storage.schema.columns.Amount(),
            server_default="0",
            nullable=False,
        ),
        sa.Column(
            "discounted_total", openpromo.storage.schema.columns.Amount(), server_default="0", nullable=False
        ),
        sa.Column("first_session", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("update_count", sa.Integer(), server_default="1", nullable=False),
        sa.Column("closed_at", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=True),
        sa.Column(
            "effects",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "committed",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "evaluable_campaign_ids",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_sessions")),
        sa.UniqueConstraint(
            "application_id",
            "integration_id",
            name=op.f("uq_customer_sessions_application_id_integration_id"),
        ),
    )
    with op.batch_alter_table("customer_sessions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_customer_sessions_application_id_customer_sessions_created"),
            ["application_id", "created"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_customer_sessions_application_id_customer_sessions_profile_integration_id"),
            ["application_id", "profile_integration_id"],
            unique=False,
        )

    op.create_table(
        "event_types",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_types")),
        sa.UniqueConstraint("account_id", "name", name=op.f("uq_event_types_account_id_name")),
    )
    op.create_table(
        "events",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("application_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=False),
        sa.Column("type", sa.String(length=255), nullable=False),
        sa.Column("profile_integration_id", sa.String(length=1000), nullable=True),
        sa.Column("profile_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("session_integration_id", sa.String(length=1000), nullable=True),
        sa.Column("store_integration_id", sa.String(length=1000), nullable=True),
        sa.Column(
            "attributes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "effects",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "meta",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "ledger_entries",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_events_application_id_events_created"), ["application_id", "created"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_events_application_id_events_profile_integration_id"),
            ["application_id", "profile_integration_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_events_application_id_events_session_integration_id"),
            ["application_id", "session_integration_id"],
            unique=False,
        )

    op.create_table(
        "giveaway_codes",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("pool_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=False),
        sa.Column("code", sa.String(length=1000), nullable=False),
        sa.Column("start_date", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=True),
        sa.Column("end_date", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=True),
        sa.Column(
            "attributes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("import_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("awarded_at", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=True),
        sa.Column("profile_integration_id", sa.String(length=1000), nullable=True),
        sa.Column("session_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("application_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_giveaway_codes")),
        sa.UniqueConstraint("pool_id", "code", name=op.f("uq_giveaway_codes_pool_id_code")),
    )
    with op.batch_alter_table("giveaway_codes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_giveaway_codes_account_id_giveaway_codes_profile_integration_id"),
            ["account_id", "profile_integration_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_giveaway_codes_pool_id_giveaway_codes_awarded_at_giveaway_codes_id"),
            ["pool_id", "awarded_at", "id"],
            unique=False,
        )

    op.create_table(
        "giveaway_pools",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=False),
        sa.Column("modified", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=True),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column(
            "subscribed_applications_ids",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("sandbox", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("created_by", sa.String(length=255), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_giveaway_pools")),
    )
    op.create_table(
        "idempotency_keys",
        sa.Column("application_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("response_body", sa.LargeBinary(), nullable=False),
        sa.Column("created", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("application_id", "key", name=op.f("pk_idempotency_keys")),
    )
    with op.batch_alter_table("idempotency_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_idempotency_keys_created"), ["created"], unique=False)

    op.create_table(
        "imports",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("application_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("created", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=False),
        sa.Column(
            "user_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            server_default="0",
            nullable=False,
        ),
        sa.Column("entity", sa.String(length=64), nullable=False),
        sa.Column("amount", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_imports")),
    )
    op.create_table(
        "limit_counters",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("application_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("campaign_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("entity_key", sa.String(length=2000), nullable=False),
        sa.Column("period_key", sa.String(length=32), server_default="", nullable=False),
        sa.Column("consumed", openpromo.storage.schema.columns.Amount(), server_default="0", nullable=False),
        sa.Column("updated", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_limit_counters")),
        sa.UniqueConstraint(
            "campaign_id",
            "action",
            "entity_key",
            "period_key",
            name=op.f("uq_limit_counters_campaign_id_action_entity_key_period_key"),
        ),
    )
    op.create_table(
        "loyalty_card_profiles",
        sa.Column("account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("card_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("profile_integration_id", sa.String(length=1000), nullable=False),
        sa.Column("created", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("card_id", "profile_integration_id", name=op.f("pk_loyalty_card_profiles")),
    )
    with op.batch_alter_table("loyalty_card_profiles", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_loyalty_card_profiles_account_id_loyalty_card_profiles_profile_integration_id"),
            ["account_id", "profile_integration_id"],
            unique=False,
        )

    op.create_table(
        "loyalty_cards",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("program_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=False),
        sa.Column("modified", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=False),
        sa.Column("identifier", sa.String(length=108), nullable=False),
        sa.Column("status", sa.String(length=32), server_default="active", nullable=False),
        sa.Column("block_reason", sa.Text(), nullable=True),
        sa.Column("users_per_card_limit", sa.Integer(), nullable=True),
        sa.Column("batch_id", sa.String(length=64), nullable=True),
        sa.Column(
            "attributes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("old_card_identifier", sa.String(length=108), nullable=True),
        sa.Column("new_card_identifier", sa.String(length=108), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loyalty_cards")),
        sa.UniqueConstraint("program_id", "identifier", name=op.f("uq_loyalty_cards_program_id_identifier")),
    )
    op.create_table(
        "loyalty_ledger_entries",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("program_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("ledger_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("application_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("created", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("amount", openpromo.storage.schema.columns.Amount(), nullable=False),
        sa.Column("remaining", openpromo.storage.schema.columns.Amount(), server_default="0", nullable=False),
        sa.Column("name", sa.String(length=1000), server_default="", nullable=False),
        sa.Column("start_date", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=True),
        sa.Column("expiry_date", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=True),
        sa.Column("pending_action", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("session_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("customer_session_id", sa.String(length=1000), nullable=True),
        sa.Column("event_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("import_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("rule_name", sa.String(length=1000), nullable=True),
        sa.Column("campaign_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("source_entry_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column(
            "flags",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loyalty_ledger_entries")),
    )
    with op.batch_alter_table("loyalty_ledger_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_loyalty_ledger_entries_ledger_id_loyalty_ledger_entries_expiry_date"),
            ["ledger_id", "expiry_date"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_loyalty_ledger_entries_program_id_loyalty_ledger_entries_created"),
            ["program_id", "created"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_loyalty_ledger_entries_session_id"), ["session_id"], unique=False
        )

    op.create_table(
        "loyalty_ledgers",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("program_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("owner_key", sa.String(length=1100), nullable=False),
        sa.Column("profile_integration_id", sa.String(length=1000), nullable=True),
        sa.Column("card_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("subledger_id", sa.String(length=64), server_default="", nullable=False),
        sa.Column("tier_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column(
            "tier_entered_at", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=True
        ),
        sa.Column(
            "tier_expires_at", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=True
        ),
        sa.Column(
            "active_points", openpromo.storage.schema.columns.Amount(), server_default="0", nullable=False
        ),
        sa.Column(
            "pending_points", openpromo.storage.schema.columns.Amount(), server_default="0", nullable=False
        ),
        sa.Column(
            "spent_points", openpromo.storage.schema.columns.Amount(), server_default="0", nullable=False
        ),
        sa.Column(
            "expired_points", openpromo.storage.schema.columns.Amount(), server_default="0", nullable=False
        ),
        sa.Column(
            "negative_points", openpromo.storage.schema.columns.Amount(), server_default="0", nullable=False
        ),
        sa.Column("joined_at", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loyalty_ledgers")),
        sa.UniqueConstraint(
            "program_id",
            "owner_key",
            "subledger_id",
            name=op.f("uq_loyalty_ledgers_program_id_owner_key_subledger_id"),
        ),
    )
    op.create_table(
        "loyalty_programs",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=False),
        sa.Column("modified", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column(
            "subscribed_applications",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("default_validity", sa.String(length=32), nullable=False),
        sa.Column("default_pending", sa.String(length=32), nullable=False),
        sa.Column("allow_subledger", sa.Boolean(), nullable=False),
        sa.Column("users_per_card_limit", sa.Integer(), nullable=True),
        sa.Column("sandbox", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("card_based", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("program_join_policy", sa.String(length=32), nullable=True),
        sa.Column("tiers_expiration_policy", sa.String(length=32), nullable=True),
        sa.Column(
            "tier_cycle_start_date",
            openpromo.storage.schema.columns.UtcDateTime(timezone=True),
            nullable=True,
        ),
        sa.Column("tiers_expire_in", sa.String(length=32), nullable=True),
        sa.Column("tiers_downgrade_policy", sa.String(length=32), nullable=True),
        sa.Column(
            "card_code_settings",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("return_policy", sa.String(length=32), nullable=True),
        sa.Column("timezone", sa.String(length=64), server_default="UTC", nullable=False),
        sa.Column(
            "settings",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loyalty_programs")),
        sa.UniqueConstraint("account_id", "name", name=op.f("uq_loyalty_programs_account_id_name")),
    )
    op.create_table(
        "loyalty_tiers",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("program_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("min_points", openpromo.storage.schema.columns.Amount(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loyalty_tiers")),
        sa.UniqueConstraint("program_id", "name", name=op.f("uq_loyalty_tiers_program_id_name")),
    )
    op.create_table(
        "management_keys",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("is_root", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("expiry_date", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column(
            "endpoints",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "allowed_application_ids",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("disabled", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_management_keys")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_management_keys_key_hash")),
    )
    op.create_table(
        "price_history",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("application_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("catalog_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("sku", sa.String(length=1000), nullable=False),
        sa.Column("price", openpromo.storage.schema.columns.Amount(), nullable=False),
        sa.Column("observed_at", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=False),
        sa.Column("context_id", sa.String(length=1000), nullable=True),
        sa.Column("price_type", sa.String(length=255), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_price_history")),
    )
    with op.batch_alter_table("price_history", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_price_history_account_id_price_history_sku_price_history_observed_at"),
            ["account_id", "sku", "observed_at"],
            unique=False,
        )

    op.create_table(
        "referrals",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("application_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("campaign_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=False),
        sa.Column("code", sa.String(length=100), nullable=False),
        sa.Column("lookup_code", sa.String(length=100), nullable=False),
        sa.Column("start_date", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=True),
        sa.Column("expiry_date", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=True),
        sa.Column("usage_limit", sa.Integer(), server_default="0", nullable=False),
        sa.Column("usage_counter", sa.Integer(), server_default="0", nullable=False),
        sa.Column("advocate_profile_integration_id", sa.String(length=1000), nullable=False),
        sa.Column("friend_profile_integration_id", sa.String(length=1000), nullable=True),
        sa.Column(
            "attributes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("import_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("batch_id", sa.String(length=64), nullable=True),
        sa.Column(
            "created_in_session_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referrals")),
        sa.UniqueConstraint(
            "application_id", "lookup_code", name=op.f("uq_referrals_application_id_lookup_code")
        ),
    )
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_referrals_campaign_id_referrals_id"), ["campaign_id", "id"], unique=False
        )

    op.create_table(
        "request_locks",
        sa.Column("lock_key", sa.String(length=2100), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("expires", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("lock_key", name=op.f("pk_request_locks")),
    )
    op.create_table(
        "returns",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("application_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=False),
        sa.Column("session_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("session_integration_id", sa.String(length=1000), nullable=False),
        sa.Column("profile_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("profile_integration_id", sa.String(length=1000), nullable=True),
        sa.Column("event_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "returned_cart_items",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_returns")),
    )
    with op.batch_alter_table("returns", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_returns_session_id"), ["session_id"], unique=False)

    op.create_table(
        "rulesets",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("application_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("campaign_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("template_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("created", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=False),
        sa.Column(
            "user_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            server_default="0",
            nullable=False,
        ),
        sa.Column("activated_at", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=True),
        sa.Column("rb_version", sa.String(length=16), nullable=True),
        sa.Column(
            "rules",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "strikethrough_rules",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "bindings",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rulesets")),
    )
    with op.batch_alter_table("rulesets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rulesets_campaign_id"), ["campaign_id"], unique=False)

    op.create_table(
        "session_effects",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("application_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("session_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("campaign_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("ruleset_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("rule_index", sa.Integer(), nullable=False),
        sa.Column("rule_name", sa.String(length=1000), nullable=False),
        sa.Column("effect_type", sa.String(length=64), nullable=False),
        sa.Column(
            "props",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("triggered_by_coupon", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("amount", openpromo.storage.schema.columns.Amount(), nullable=True),
        sa.Column("cart_item_position", sa.Integer(), nullable=True),
        sa.Column("cart_item_sub_position", sa.Integer(), nullable=True),
        sa.Column("rolled_back", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("created", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_effects")),
    )
    with op.batch_alter_table("session_effects", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f(
                "ix_session_effects_application_id_session_effects_campaign_id_session_effects_created"
            ),
            ["application_id", "campaign_id", "created"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_session_effects_session_id"), ["session_id"], unique=False)

    op.create_table(
        "stores",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("application_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=False),
        sa.Column("integration_id", sa.String(length=1000), nullable=False),
        sa.Column("name", sa.String(length=1000), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column(
            "attributes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("created_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stores")),
        sa.UniqueConstraint(
            "application_id", "integration_id", name=op.f("uq_stores_application_id_integration_id")
        ),
    )
    op.create_table(
        "users",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=False),
        sa.Column("modified", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("name", sa.String(length=255), server_default="", nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("state", sa.String(length=32), server_default="active", nullable=False),
        sa.Column("is_admin", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )


def downgrade() -> None:
    op.drop_table("users")
    op.drop_table("stores")
    with op.batch_alter_table("session_effects", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_session_effects_session_id"))
        batch_op.drop_index(
            batch_op.f(
                "ix_session_effects_application_id_session_effects_campaign_id_session_effects_created"
            )
        )

    op.drop_table("session_effects")
    with op.batch_alter_table("rulesets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rulesets_campaign_id"))

    op.drop_table("rulesets")
    with op.batch_alter_table("returns", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_returns_session_id"))

    op.drop_table("returns")
    op.drop_table("request_locks")
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referrals_campaign_id_referrals_id"))

    op.drop_table("referrals")
    with op.batch_alter_table("price_history", schema=None) as batch_op:
        batch_op.drop_index(
            batch_op.f("ix_price_history_account_id_price_history_sku_price_history_observed_at")
        )

    op.drop_table("price_history")
    op.drop_table("management_keys")
    op.drop_table("loyalty_tiers")
    op.drop_table("loyalty_programs")
    op.drop_table("loyalty_ledgers")
    with op.batch_alter_table("loyalty_ledger_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_loyalty_ledger_entries_session_id"))
        batch_op.drop_index(batch_op.f("ix_loyalty_ledger_entries_program_id_loyalty_ledger_entries_created"))
        batch_op.drop_index(
            batch_op.f("ix_loyalty_ledger_entries_ledger_id_loyalty_ledger_entries_expiry_date")
        )

    op.drop_table("loyalty_ledger_entries")
    op.drop_table("loyalty_cards")
    with op.batch_alter_table("loyalty_card_profiles", schema=None) as batch_op:
        batch_op.drop_index(
            batch_op.f("ix_loyalty_card_profiles_account_id_loyalty_card_profiles_profile_integration_id")
        )

    op.drop_table("loyalty_card_profiles")
    op.drop_table("limit_counters")
    op.drop_table("imports")
    with op.batch_alter_table("idempotency_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_idempotency_keys_created"))

    op.drop_table("idempotency_keys")
    op.drop_table("giveaway_pools")
    with op.batch_alter_table("giveaway_codes", schema=None) as batch_op:
        batch_op.drop_index(
            batch_op.f("ix_giveaway_codes_pool_id_giveaway_codes_awarded_at_giveaway_codes_id")
        )
        batch_op.drop_index(batch_op.f("ix_giveaway_codes_account_id_giveaway_codes_profile_integration_id"))

    op.drop_table("giveaway_codes")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_events_application_id_events_session_integration_id"))
        batch_op.drop_index(batch_op.f("ix_events_application_id_events_profile_integration_id"))
        batch_op.drop_index(batch_op.f("ix_events_application_id_events_created"))

    op.drop_table("events")
    op.drop_table("event_types")
    with op.batch_alter_table("customer_sessions", schema=None) as batch_op:
        batch_op.drop_index(
            batch_op.f("ix_customer_sessions_application_id_customer_sessions_profile_integration_id")
        )
        batch_op.drop_index(batch_op.f("ix_customer_sessions_application_id_customer_sessions_created"))

    op.drop_table("customer_sessions")
    op.drop_table("customer_profiles")
    with op.batch_alter_table("coupons", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coupons_campaign_id_coupons_id"))
        batch_op.drop_index(batch_op.f("ix_coupons_application_id_coupons_recipient_integration_id"))

    op.drop_table("coupons")
    with op.batch_alter_table("coupon_reservations", schema=None) as batch_op:
        batch_op.drop_index(
            batch_op.f("ix_coupon_reservations_application_id_coupon_reservations_profile_integration_id")
        )

    op.drop_table("coupon_reservations")
    with op.batch_alter_table("collections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_collections_account_id_collections_campaign_id"))

    op.drop_table("collections")
    op.drop_table("catalogs")
    op.drop_table("catalog_items")
    with op.batch_alter_table("cart_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cart_items_application_id_cart_items_sku"))

    op.drop_table("cart_items")
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaigns_application_id_campaigns_state"))

    op.drop_table("campaigns")
    with op.batch_alter_table("campaign_evaluation_groups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaign_evaluation_groups_application_id"))

    op.drop_table("campaign_evaluation_groups")
    op.drop_table("campaign_analytics")
    op.drop_table("auth_tokens")
    with op.batch_alter_table("audiences", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audiences_account_id_audiences_integration_id"))

    op.drop_table("audiences")
    with op.batch_alter_table("audience_memberships", schema=None) as batch_op:
        batch_op.drop_index(
            batch_op.f("ix_audience_memberships_account_id_audience_memberships_profile_integration_id")
        )

    op.drop_table("audience_memberships")
    op.drop_table("attributes")
    op.drop_table("applications")
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_keys_application_id"))

    op.drop_table("api_keys")
    op.drop_table("additional_costs")
    op.drop_table("achievements")
    op.drop_table("achievement_progress")
    op.drop_table("accounts")

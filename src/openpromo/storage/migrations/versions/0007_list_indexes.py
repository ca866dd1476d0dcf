"""indexes for the lists paged in SQL: an application's sessions and events and an account's customers
newest first, a campaign's coupons by creation, expiry date and value

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-08
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("customer_profiles", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_customer_profiles_account_id_customer_profiles_id"), ["account_id", "id"]
        )
    with op.batch_alter_table("customer_sessions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_customer_sessions_application_id_customer_sessions_id"), ["application_id", "id"]
        )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_events_application_id_events_id"), ["application_id", "id"])
    with op.batch_alter_table("coupons", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_coupons_campaign_id_coupons_created_coupons_id"), ["campaign_id", "created", "id"]
        )
    # nulls first and text by code point (storage.queries): SQLite's plain order, PostgreSQL's in words
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE INDEX ix_coupons_campaign_id_expiry_date_pg"
            " ON coupons (campaign_id, expiry_date NULLS FIRST, id)"
        )
        op.execute(
            'CREATE INDEX ix_coupons_campaign_id_value_pg ON coupons (campaign_id, value COLLATE "C", id)'
        )
    else:
        with op.batch_alter_table("coupons", schema=None) as batch_op:
            batch_op.create_index(
                batch_op.f("ix_coupons_campaign_id_coupons_expiry_date_coupons_id"),
                ["campaign_id", "expiry_date", "id"],
            )
            batch_op.create_index(
                batch_op.f("ix_coupons_campaign_id_coupons_value_coupons_id"), ["campaign_id", "value", "id"]
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_coupons_campaign_id_value_pg", table_name="coupons")
        op.drop_index("ix_coupons_campaign_id_expiry_date_pg", table_name="coupons")
    else:
        with op.batch_alter_table("coupons", schema=None) as batch_op:
            batch_op.drop_index(batch_op.f("ix_coupons_campaign_id_coupons_value_coupons_id"))
            batch_op.drop_index(batch_op.f("ix_coupons_campaign_id_coupons_expiry_date_coupons_id"))
    with op.batch_alter_table("coupons", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coupons_campaign_id_coupons_created_coupons_id"))
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_events_application_id_events_id"))
    with op.batch_alter_table("customer_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customer_sessions_application_id_customer_sessions_id"))
    with op.batch_alter_table("customer_profiles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customer_profiles_account_id_customer_profiles_id"))

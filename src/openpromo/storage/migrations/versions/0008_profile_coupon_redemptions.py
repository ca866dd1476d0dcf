"""profiles' coupon redemption counts, kept at close instead of counted from their history

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "profile_coupon_redemptions",
        sa.Column("application_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("coupon_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("profile_integration_id", sa.String(length=1000), nullable=False),
        sa.Column("redemptions", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint(
            "coupon_id", "profile_integration_id", name=op.f("pk_profile_coupon_redemptions")
        ),
    )
    # What closes redeemed so far: acceptCoupon effects in force, by the sessions' profiles.
    op.execute(
        """
        INSERT INTO profile_coupon_redemptions
            (application_id, coupon_id, profile_integration_id, redemptions)
        SELECT s.application_id, e.triggered_by_coupon, s.profile_integration_id, COUNT(*)
        FROM session_effects e JOIN customer_sessions s ON s.id = e.session_id
        WHERE e.effect_type = 'acceptCoupon' AND e.rolled_back = false
          AND e.triggered_by_coupon IS NOT NULL AND s.profile_integration_id != ''
        GROUP BY s.application_id, e.triggered_by_coupon, s.profile_integration_id
        """
    )


def downgrade() -> None:
    op.drop_table("profile_coupon_redemptions")

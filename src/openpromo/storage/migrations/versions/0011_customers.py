"""indexes for a customer's inventory and the deletion of its data, by the customer's integration id

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_INDEXES = {
    "ix_coupons_implicitly_reserved": ("coupons", ["application_id", "implicitly_reserved"]),
    "ix_profile_coupon_redemptions_profile": (
        "profile_coupon_redemptions",
        ["application_id", "profile_integration_id"],
    ),
    "ix_referrals_advocate": ("referrals", ["application_id", "advocate_profile_integration_id"]),
    "ix_achievement_progress_profile": ("achievement_progress", ["application_id", "profile_integration_id"]),
}


def upgrade() -> None:
    for name, (table, columns) in _INDEXES.items():
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, (table, _) in _INDEXES.items():
        op.drop_index(name, table_name=table)

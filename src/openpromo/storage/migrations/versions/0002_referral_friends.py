"""referral friends: who redeemed an advocate's referral code

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import openpromo.storage.schema.columns

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "referral_friends",
        sa.Column("application_id", _ID, nullable=False),
        sa.Column("referral_id", _ID, nullable=False),
        sa.Column("friend_profile_integration_id", sa.String(length=1000), nullable=False),
        sa.Column("session_id", _ID, nullable=False),
        sa.Column("created", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            "referral_id", "friend_profile_integration_id", name=op.f("pk_referral_friends")
        ),
    )


def downgrade() -> None:
    op.drop_table("referral_friends")

"""failed logins by email and by client, for login throttling

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import openpromo.storage.schema.columns

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_failures",
        sa.Column("account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("subject", sa.String(length=400), nullable=False),
        sa.Column("failures", sa.Integer(), server_default="0", nullable=False),
        sa.Column(
            "window_start", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "blocked_until", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=True
        ),
        sa.PrimaryKeyConstraint("account_id", "subject", name=op.f("pk_login_failures")),
    )


def downgrade() -> None:
    op.drop_table("login_failures")

"""drop request_locks: the 409 locks are advisory locks (PostgreSQL) and record locks (SQLite) now

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import openpromo.storage.schema.columns

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_table("request_locks")


def downgrade() -> None:
    op.create_table(
        "request_locks",
        sa.Column("lock_key", sa.String(length=2100), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("expires", openpromo.storage.schema.columns.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("lock_key", name=op.f("pk_request_locks")),
    )

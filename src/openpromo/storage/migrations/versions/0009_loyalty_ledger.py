"""the loyalty ledger written: entry identity and provenance, allocations, balances' validity window

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_AMOUNT = sa.BigInteger()
_TIME = sa.DateTime(timezone=True)
_OPEN = sa.text("remaining > 0")


def upgrade() -> None:
    with op.batch_alter_table("loyalty_ledger_entries") as batch:
        batch.add_column(sa.Column("transaction_uuid", sa.String(36), nullable=False, server_default=""))
        batch.add_column(sa.Column("subledger_id", sa.String(64), nullable=False, server_default=""))
        batch.add_column(sa.Column("source", sa.String(16), nullable=False, server_default="session"))
        batch.add_column(sa.Column("rollback", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("ruleset_id", _ID, nullable=True))
        batch.add_column(sa.Column("validity_duration", sa.String(32), nullable=True))
        batch.add_column(sa.Column("activated_at", _TIME, nullable=True))
    op.create_index("ix_loyalty_ledger_entries_ledger_id_id", "loyalty_ledger_entries", ["ledger_id", "id"])
    op.create_index(
        "ix_loyalty_ledger_entries_transaction_uuid", "loyalty_ledger_entries", ["transaction_uuid"]
    )
    for name, column in (("open_start", "start_date"), ("open_expiry", "expiry_date")):
        op.create_index(
            f"ix_loyalty_ledger_entries_{name}",
            "loyalty_ledger_entries",
            ["ledger_id", column],
            sqlite_where=_OPEN,
            postgresql_where=_OPEN,
        )
    with op.batch_alter_table("loyalty_ledgers") as batch:
        batch.add_column(sa.Column("as_of", _TIME, nullable=True))
        batch.add_column(sa.Column("valid_until", _TIME, nullable=True))
    op.create_table(
        "loyalty_ledger_allocations",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("account_id", _ID, nullable=False),
        sa.Column("ledger_id", _ID, nullable=False),
        sa.Column("entry_id", _ID, nullable=False),
        sa.Column("lot_id", _ID, nullable=True),
        sa.Column("amount", _AMOUNT, nullable=False),
        sa.Column("at", _TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loyalty_ledger_allocations")),
    )
    op.create_index(
        "ix_loyalty_ledger_allocations_ledger_id_at", "loyalty_ledger_allocations", ["ledger_id", "at"]
    )
    op.create_index("ix_loyalty_ledger_allocations_entry_id", "loyalty_ledger_allocations", ["entry_id"])


def downgrade() -> None:
    op.drop_table("loyalty_ledger_allocations")
    with op.batch_alter_table("loyalty_ledgers") as batch:
        batch.drop_column("valid_until")
        batch.drop_column("as_of")
    for name in ("open_expiry", "open_start", "transaction_uuid", "ledger_id_id"):
        op.drop_index(f"ix_loyalty_ledger_entries_{name}", "loyalty_ledger_entries")
    with op.batch_alter_table("loyalty_ledger_entries") as batch:
        for column in (
            "activated_at",
            "validity_duration",
            "ruleset_id",
            "rollback",
            "source",
            "subledger_id",
            "transaction_uuid",
        ):
            batch.drop_column(column)

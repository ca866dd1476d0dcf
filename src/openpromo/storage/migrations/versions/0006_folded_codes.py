"""coupons and referrals keep their codes folded, for the lists' code filters in SQL

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_CHUNK = 5000


def _fold(text: str) -> str:
    """``services.codes.fold_code`` as of this revision (a migration does not change with the code)."""
    return "".join(c for c in text.casefold() if c.isalnum())


def _backfill(table: str, source: str, target: str) -> None:
    conn = op.get_bind()
    tbl = sa.table(table, sa.column("id", sa.BigInteger()), sa.column(source), sa.column(target))
    update = tbl.update().where(tbl.c.id == sa.bindparam("ident")).values({target: sa.bindparam("folded")})
    last = None
    while True:
        query = sa.select(tbl.c.id, tbl.c[source]).order_by(tbl.c.id).limit(_CHUNK)
        if last is not None:
            query = query.where(tbl.c.id > last)
        rows = conn.execute(query).all()
        if not rows:
            return
        conn.execute(update, [{"ident": ident, "folded": _fold(value)} for ident, value in rows])
        last = rows[-1][0]


def upgrade() -> None:
    with op.batch_alter_table("coupons", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("folded_value", sa.String(length=1000), server_default="", nullable=False)
        )
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("folded_code", sa.String(length=100), server_default="", nullable=False)
        )
    _backfill("coupons", "value", "folded_value")
    _backfill("referrals", "code", "folded_code")


def downgrade() -> None:
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.drop_column("folded_code")
    with op.batch_alter_table("coupons", schema=None) as batch_op:
        batch_op.drop_column("folded_value")

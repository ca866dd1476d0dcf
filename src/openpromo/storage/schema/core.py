"""Tables of the account, its applications, campaigns, coupons, referrals, sessions and events.

Every table carries the key it would be distributed by in a Citus cluster: ``application_id`` for
application-scoped data, ``account_id`` for account-level data (profiles, loyalty, catalogs, ...).
See docs/scaling.md.
"""

from __future__ import annotations

import sqlalchemy as sa

from openpromo.storage.schema.columns import (
    Id,
    Json,
    UtcDateTime,
    account_id,
    application_id,
    created,
    pk,
)

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_N_label)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


ONE_DATABASE = "dialect"
"""``Index.info`` key of an index for one database only (``sqlite_only``)."""


def sqlite_only(*columns: str) -> sa.Index:
    """An index SQLite has and PostgreSQL has in its own words (``POSTGRES_INDEXES``): the list queries
    sort nulls first and text by code point, which SQLite's plain indexes give, and PostgreSQL's only
    with ``NULLS FIRST`` and ``COLLATE "C"``, which SQLite's ``CREATE INDEX`` does not take."""
    return sa.Index(None, *columns, info={ONE_DATABASE: "sqlite"}).ddl_if(dialect="sqlite")


POSTGRES_INDEXES: dict[str, tuple[str, str]] = {}
"""PostgreSQL's own indexes by name: (table, the ``CREATE INDEX`` statement). Created by the table's
``after_create`` here and by their migration; the migrations test leaves them out of its comparison
(``migrations/env.py``), as Alembic reflects no index collation."""


def postgres_index(table: sa.Table, name: str, columns: str) -> None:
    statement = f"CREATE INDEX {name} ON {table.name} ({columns})"
    POSTGRES_INDEXES[name] = (table.name, statement)
    ddl = sa.DDL(statement)  # type: ignore[no-untyped-call]
    sa.event.listen(table, "after_create", ddl.execute_if(dialect="postgresql"))


accounts = sa.Table(
    "accounts",
    metadata,
    pk(),
    created(),
    sa.Column("name", sa.String(255), nullable=False),
)

users = sa.Table(
    "users",
    metadata,
    pk(),
    account_id(),
    created(),
    sa.Column("modified", UtcDateTime(), nullable=False),
    sa.Column("email", sa.String(320), nullable=False),
    sa.Column("name", sa.String(255), nullable=False, server_default=""),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("state", sa.String(32), nullable=False, server_default="active"),
    sa.Column("is_admin", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.UniqueConstraint("email"),
)

auth_tokens = sa.Table(
    "auth_tokens",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    account_id(),
    sa.Column("user_id", Id, nullable=False),
    created(),
    sa.Column("expires", UtcDateTime(), nullable=False),
)

login_failures = sa.Table(
    "login_failures",
    metadata,
    account_id(),
    sa.Column("subject", sa.String(400), nullable=False),
    sa.Column("failures", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("window_start", UtcDateTime(), nullable=False),
    sa.Column("blocked_until", UtcDateTime(), nullable=True),
    sa.PrimaryKeyConstraint("account_id", "subject"),
)
"""Failed logins by email (``email:<address>``) and by client (``client:<address>``): the throttle."""

management_keys = sa.Table(
    "management_keys",
    metadata,
    pk(),
    account_id(),
    created(),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("key_hash", sa.String(64), nullable=False),
    sa.Column("is_root", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("expiry_date", UtcDateTime(), nullable=True),
    sa.Column("created_by", Id, nullable=True),
    sa.Column("endpoints", Json, nullable=True),
    sa.Column("allowed_application_ids", Json, nullable=True),
    sa.Column("disabled", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.UniqueConstraint("key_hash"),
)

applications = sa.Table(
    "applications",
    metadata,
    pk(),
    account_id(),
    created(),
    sa.Column("modified", UtcDateTime(), nullable=False),
    sa.Column("name", sa.String(1000), nullable=False),
    sa.Column("description", sa.Text(), nullable=True),
    sa.Column("timezone", sa.String(64), nullable=False),
    sa.Column("currency", sa.String(8), nullable=False),
    sa.Column("case_sensitivity", sa.String(32), nullable=False, server_default="sensitive"),
    sa.Column("attributes", Json, nullable=True),
    sa.Column("limits", Json, nullable=True),
    sa.Column("default_discount_scope", sa.String(32), nullable=True),
    sa.Column("enable_cascading_discounts", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("enable_flattened_cart_items", sa.Boolean(), nullable=False, server_default=sa.true()),
    sa.Column("attributes_settings", Json, nullable=True),
    sa.Column("sandbox", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("enable_partial_discounts", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("default_discount_additional_cost_per_item_scope", sa.String(32), nullable=True),
    sa.Column("default_evaluation_group_id", Id, nullable=True),
    sa.Column("default_cart_item_filter_id", Id, nullable=True),
    sa.Column("enable_campaign_state_management", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("deleted", sa.Boolean(), nullable=False, server_default=sa.false()),
)

api_keys = sa.Table(
    "api_keys",
    metadata,
    pk(),
    account_id(),
    application_id(),
    created(),
    sa.Column("title", sa.String(255), nullable=False),
    sa.Column("key_hash", sa.String(64), nullable=False),
    sa.Column("expires", UtcDateTime(), nullable=False),
    sa.Column("platform", sa.String(32), nullable=True),
    sa.Column("type", sa.String(32), nullable=True),
    sa.Column("time_offset", sa.BigInteger(), nullable=True),
    sa.Column("created_by", Id, nullable=True),
    sa.Column("deleted", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.UniqueConstraint("key_hash"),
    sa.Index(None, "application_id"),
)

config_state = sa.Table(
    "config_state",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
    sa.Column("version", sa.BigInteger(), nullable=False),
)
"""One row: bumped by every transaction that changes configuration (campaigns, rulesets, groups,
stores, definitions, programs, ...), so each worker knows when its cached snapshot is stale."""

idempotency_keys = sa.Table(
    "idempotency_keys",
    metadata,
    application_id(),
    sa.Column("key", sa.String(255), nullable=False),
    sa.Column("request_hash", sa.String(64), nullable=False),
    sa.Column("status_code", sa.Integer(), nullable=False),
    sa.Column("response_body", sa.LargeBinary(), nullable=False),
    created(),
    sa.PrimaryKeyConstraint("application_id", "key"),
    sa.Index(None, "created"),
)

imports = sa.Table(
    "imports",
    metadata,
    pk(),
    account_id(),
    sa.Column("application_id", Id, nullable=True),
    created(),
    sa.Column("user_id", Id, nullable=False, server_default="0"),
    sa.Column("entity", sa.String(64), nullable=False),
    sa.Column("amount", sa.Integer(), nullable=False, server_default="0"),
)

stores = sa.Table(
    "stores",
    metadata,
    pk(),
    application_id(),
    created(),
    sa.Column("updated", UtcDateTime(), nullable=False),
    sa.Column("integration_id", sa.String(1000), nullable=False),
    sa.Column("name", sa.String(1000), nullable=False),
    sa.Column("description", sa.Text(), nullable=False, server_default=""),
    sa.Column("attributes", Json, nullable=True),
    sa.Column("created_by", Id, nullable=True),
    sa.UniqueConstraint("application_id", "integration_id"),
)


__all__ = [
    "ONE_DATABASE",
    "POSTGRES_INDEXES",
    "accounts",
    "api_keys",
    "applications",
    "auth_tokens",
    "config_state",
    "idempotency_keys",
    "imports",
    "login_failures",
    "management_keys",
    "metadata",
    "postgres_index",
    "sqlite_only",
    "stores",
    "users",
]

"""Tables of the account, its applications, campaigns, coupons, referrals, sessions and events.

Every table carries the key it would be distributed by in a Citus cluster: ``application_id`` for
application-scoped data, ``account_id`` for account-level data (profiles, loyalty, catalogs, ...).
See docs/scaling.md.
"""

from __future__ import annotations

import sqlalchemy as sa

from openpromo.storage.schema.columns import (
    Amount,
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

campaign_evaluation_groups = sa.Table(
    "campaign_evaluation_groups",
    metadata,
    pk(),
    application_id(),
    created(),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("parent_id", Id, nullable=True),
    sa.Column("description", sa.Text(), nullable=True),
    sa.Column("mode", sa.String(32), nullable=False),
    sa.Column("evaluation_scope", sa.String(32), nullable=False),
    sa.Column("locked", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("position", sa.Integer(), nullable=False, server_default="0"),
    sa.Index(None, "application_id"),
)

campaigns = sa.Table(
    "campaigns",
    metadata,
    pk(),
    application_id(),
    account_id(),
    created(),
    sa.Column("updated", UtcDateTime(), nullable=False),
    sa.Column("user_id", Id, nullable=True),
    sa.Column("name", sa.String(1000), nullable=False),
    sa.Column("description", sa.Text(), nullable=True),
    sa.Column("start_time", UtcDateTime(), nullable=True),
    sa.Column("end_time", UtcDateTime(), nullable=True),
    sa.Column("attributes", Json, nullable=True),
    sa.Column("state", sa.String(32), nullable=False),
    sa.Column("active_ruleset_id", Id, nullable=True),
    sa.Column("tags", Json, nullable=False),
    sa.Column("features", Json, nullable=False),
    sa.Column("coupon_settings", Json, nullable=True),
    sa.Column("referral_settings", Json, nullable=True),
    sa.Column("limits", Json, nullable=False),
    sa.Column("campaign_groups", Json, nullable=True),
    sa.Column("evaluation_group_id", Id, nullable=True),
    sa.Column("evaluation_position", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("type", sa.String(32), nullable=False, server_default="advanced"),
    sa.Column("linked_store_ids", Json, nullable=True),
    sa.Column("reevaluate_on_return", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("coupon_attributes", Json, nullable=True),
    sa.Column("template_id", Id, nullable=True),
    sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
    sa.Column("deleted", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Index(None, "application_id", "state"),
)

rulesets = sa.Table(
    "rulesets",
    metadata,
    pk(),
    application_id(),
    sa.Column("campaign_id", Id, nullable=True),
    sa.Column("template_id", Id, nullable=True),
    created(),
    sa.Column("user_id", Id, nullable=False, server_default="0"),
    sa.Column("activated_at", UtcDateTime(), nullable=True),
    sa.Column("rb_version", sa.String(16), nullable=True),
    sa.Column("rules", Json, nullable=False),
    sa.Column("strikethrough_rules", Json, nullable=True),
    sa.Column("bindings", Json, nullable=False),
    sa.Index(None, "campaign_id"),
)

coupons = sa.Table(
    "coupons",
    metadata,
    pk(),
    application_id(),
    sa.Column("campaign_id", Id, nullable=False),
    created(),
    sa.Column("value", sa.String(1000), nullable=False),
    sa.Column("lookup_value", sa.String(1000), nullable=False),
    # ``value`` casefolded without non-alphanumerics, for the list's ``value`` filter (storage.queries)
    sa.Column("folded_value", sa.String(1000), nullable=False, server_default=""),
    sa.Column("usage_limit", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("discount_limit", Amount(), nullable=True),
    sa.Column("reservation_limit", sa.Integer(), nullable=True),
    sa.Column("start_date", UtcDateTime(), nullable=True),
    sa.Column("expiry_date", UtcDateTime(), nullable=True),
    sa.Column("limits", Json, nullable=True),
    sa.Column("usage_counter", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("discount_counter", Amount(), nullable=False, server_default="0"),
    sa.Column("discount_remainder", Amount(), nullable=True),
    sa.Column("reservation_counter", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("attributes", Json, nullable=True),
    sa.Column("referral_id", Id, nullable=True),
    sa.Column("recipient_integration_id", sa.String(1000), nullable=True),
    sa.Column("import_id", Id, nullable=True),
    sa.Column("batch_id", sa.String(64), nullable=True),
    sa.Column("is_reservation_mandatory", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("implicitly_reserved", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("created_in_session_id", Id, nullable=True),
    sa.UniqueConstraint("application_id", "lookup_value"),
    sa.Index(None, "campaign_id", "id"),
    sa.Index(None, "application_id", "recipient_integration_id"),
    sa.Index(None, "campaign_id", "created", "id"),  # the list sorted by created (never null)
    # the list sorted by expiryDate or by value (``storage.queries``: nulls first, text by code point)
    sqlite_only("campaign_id", "expiry_date", "id"),
    sqlite_only("campaign_id", "value", "id"),
)
postgres_index(coupons, "ix_coupons_campaign_id_expiry_date_pg", "campaign_id, expiry_date NULLS FIRST, id")
postgres_index(coupons, "ix_coupons_campaign_id_value_pg", 'campaign_id, value COLLATE "C", id')

coupon_reservations = sa.Table(
    "coupon_reservations",
    metadata,
    pk(),
    application_id(),
    sa.Column("coupon_id", Id, nullable=False),
    sa.Column("profile_integration_id", sa.String(1000), nullable=False),
    created(),
    sa.Column("soft", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.UniqueConstraint("coupon_id", "profile_integration_id"),
    sa.Index(None, "application_id", "profile_integration_id"),
)

profile_coupon_redemptions = sa.Table(
    "profile_coupon_redemptions",
    metadata,
    application_id(),
    sa.Column("coupon_id", Id, nullable=False),
    sa.Column("profile_integration_id", sa.String(1000), nullable=False),
    sa.Column("redemptions", sa.Integer(), nullable=False, server_default="0"),
    sa.PrimaryKeyConstraint("coupon_id", "profile_integration_id"),
)
"""How often each profile redeemed each coupon (closes not rolled back): the ``coupons`` answer part's
``profileRedemptionCount`` without reading the profile's history."""

referrals = sa.Table(
    "referrals",
    metadata,
    pk(),
    application_id(),
    sa.Column("campaign_id", Id, nullable=False),
    created(),
    sa.Column("code", sa.String(100), nullable=False),
    sa.Column("lookup_code", sa.String(100), nullable=False),
    # ``code`` casefolded without non-alphanumerics, for the list's ``code`` filter (storage.queries)
    sa.Column("folded_code", sa.String(100), nullable=False, server_default=""),
    sa.Column("start_date", UtcDateTime(), nullable=True),
    sa.Column("expiry_date", UtcDateTime(), nullable=True),
    sa.Column("usage_limit", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("usage_counter", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("advocate_profile_integration_id", sa.String(1000), nullable=False),
    sa.Column("friend_profile_integration_id", sa.String(1000), nullable=True),
    sa.Column("attributes", Json, nullable=True),
    sa.Column("import_id", Id, nullable=True),
    sa.Column("batch_id", sa.String(64), nullable=True),
    sa.Column("created_in_session_id", Id, nullable=True),
    sa.UniqueConstraint("application_id", "lookup_code"),
    sa.Index(None, "campaign_id", "id"),
)

referral_friends = sa.Table(
    "referral_friends",
    metadata,
    application_id(),
    sa.Column("referral_id", Id, nullable=False),
    sa.Column("friend_profile_integration_id", sa.String(1000), nullable=False),
    sa.Column("session_id", Id, nullable=False),
    created(),
    sa.PrimaryKeyConstraint("referral_id", "friend_profile_integration_id"),
)

customer_profiles = sa.Table(
    "customer_profiles",
    metadata,
    pk(),
    account_id(),
    created(),
    sa.Column("integration_id", sa.String(1000), nullable=False),
    sa.Column("attributes", Json, nullable=False),
    sa.Column("closed_sessions", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("total_sales", Amount(), nullable=False, server_default="0"),
    sa.Column("last_activity", UtcDateTime(), nullable=True),
    sa.Column("sandbox", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("modified", UtcDateTime(), nullable=False),
    sa.UniqueConstraint("account_id", "integration_id"),
    sa.Index(None, "account_id", "id"),  # an application's customers, newest first
)

customer_sessions = sa.Table(
    "customer_sessions",
    metadata,
    pk(),
    application_id(),
    created(),
    sa.Column("updated", UtcDateTime(), nullable=False),
    sa.Column("integration_id", sa.String(1000), nullable=False),
    sa.Column("profile_integration_id", sa.String(1000), nullable=False, server_default=""),
    sa.Column("profile_id", Id, nullable=True),
    sa.Column("store_integration_id", sa.String(1000), nullable=True),
    sa.Column("state", sa.String(32), nullable=False),
    sa.Column("coupon_codes", Json, nullable=False),
    sa.Column("referral_code", sa.String(100), nullable=True),
    sa.Column("loyalty_cards", Json, nullable=False),
    sa.Column("identifiers", Json, nullable=False),
    sa.Column("attributes", Json, nullable=False),
    sa.Column("cart_items", Json, nullable=False),
    sa.Column("additional_costs", Json, nullable=False),
    sa.Column("total", Amount(), nullable=False, server_default="0"),
    sa.Column("cart_item_total", Amount(), nullable=False, server_default="0"),
    sa.Column("additional_cost_total", Amount(), nullable=False, server_default="0"),
    sa.Column("discounted_total", Amount(), nullable=False, server_default="0"),
    sa.Column("first_session", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("update_count", sa.Integer(), nullable=False, server_default="1"),
    sa.Column("closed_at", UtcDateTime(), nullable=True),
    sa.Column("effects", Json, nullable=False),
    sa.Column("committed", Json, nullable=True),
    sa.Column("evaluable_campaign_ids", Json, nullable=True),
    sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
    sa.UniqueConstraint("application_id", "integration_id"),
    sa.Index(None, "application_id", "profile_integration_id"),
    sa.Index(None, "application_id", "created"),
    sa.Index(None, "application_id", "id"),  # the application's sessions, newest first
)

cart_items = sa.Table(
    "cart_items",
    metadata,
    pk(),
    application_id(),
    sa.Column("session_id", Id, nullable=False),
    sa.Column("position", sa.Integer(), nullable=False),
    sa.Column("sku", sa.String(1000), nullable=False),
    sa.Column("name", sa.String(1000), nullable=True),
    sa.Column("category", sa.String(1000), nullable=True),
    sa.Column("quantity", sa.Integer(), nullable=False),
    sa.Column("returned_quantity", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("price", Amount(), nullable=True),
    sa.Column("catalog_item_id", Id, nullable=True),
    sa.Column("attributes", Json, nullable=True),
    created(),
    sa.UniqueConstraint("session_id", "position"),
    sa.Index(None, "application_id", "sku"),
)

session_effects = sa.Table(
    "session_effects",
    metadata,
    pk(),
    application_id(),
    sa.Column("session_id", Id, nullable=False),
    sa.Column("campaign_id", Id, nullable=False),
    sa.Column("ruleset_id", Id, nullable=False),
    sa.Column("rule_index", sa.Integer(), nullable=False),
    sa.Column("rule_name", sa.String(1000), nullable=False),
    sa.Column("effect_type", sa.String(64), nullable=False),
    sa.Column("props", Json, nullable=False),
    sa.Column("triggered_by_coupon", Id, nullable=True),
    sa.Column("amount", Amount(), nullable=True),
    sa.Column("cart_item_position", sa.Integer(), nullable=True),
    sa.Column("cart_item_sub_position", sa.Integer(), nullable=True),
    sa.Column("rolled_back", sa.Boolean(), nullable=False, server_default=sa.false()),
    created(),
    sa.Index(None, "session_id"),
    sa.Index(None, "application_id", "campaign_id", "created"),
)

returns = sa.Table(
    "returns",
    metadata,
    pk(),
    application_id(),
    account_id(),
    created(),
    sa.Column("session_id", Id, nullable=False),
    sa.Column("session_integration_id", sa.String(1000), nullable=False),
    sa.Column("profile_id", Id, nullable=True),
    sa.Column("profile_integration_id", sa.String(1000), nullable=True),
    sa.Column("event_id", Id, nullable=False),
    sa.Column("returned_cart_items", Json, nullable=False),
    sa.Column("created_by", Id, nullable=True),
    sa.Index(None, "session_id"),
)

events = sa.Table(
    "events",
    metadata,
    pk(),
    application_id(),
    created(),
    sa.Column("type", sa.String(255), nullable=False),
    sa.Column("profile_integration_id", sa.String(1000), nullable=True),
    sa.Column("profile_id", Id, nullable=True),
    sa.Column("session_integration_id", sa.String(1000), nullable=True),
    sa.Column("store_integration_id", sa.String(1000), nullable=True),
    sa.Column("attributes", Json, nullable=False),
    sa.Column("effects", Json, nullable=False),
    sa.Column("meta", Json, nullable=True),
    sa.Column("ledger_entries", Json, nullable=True),
    sa.Index(None, "application_id", "created"),
    sa.Index(None, "application_id", "session_integration_id"),
    sa.Index(None, "application_id", "profile_integration_id"),
    sa.Index(None, "application_id", "id"),  # the application's events, newest first
)

event_types = sa.Table(
    "event_types",
    metadata,
    pk(),
    account_id(),
    created(),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("title", sa.String(255), nullable=False),
    sa.Column("description", sa.Text(), nullable=True),
    sa.UniqueConstraint("account_id", "name"),
)

limit_counters = sa.Table(
    "limit_counters",
    metadata,
    pk(),
    application_id(),
    sa.Column("campaign_id", Id, nullable=False),
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("entity_key", sa.String(2000), nullable=False),
    sa.Column("period_key", sa.String(32), nullable=False, server_default=""),
    sa.Column("consumed", Amount(), nullable=False, server_default="0"),
    sa.Column("updated", UtcDateTime(), nullable=False),
    sa.UniqueConstraint("campaign_id", "action", "entity_key", "period_key"),
)

campaign_analytics = sa.Table(
    "campaign_analytics",
    metadata,
    pk(),
    application_id(),
    sa.Column("campaign_id", Id, nullable=False),
    sa.Column("date", sa.Date(), nullable=False),
    sa.Column("sessions", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("revenue", Amount(), nullable=False, server_default="0"),
    sa.Column("discounts", Amount(), nullable=False, server_default="0"),
    sa.Column("coupon_redemptions", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("referral_redemptions", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("coupons_created", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("referrals_created", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("loyalty_points_added", Amount(), nullable=False, server_default="0"),
    sa.Column("loyalty_points_deducted", Amount(), nullable=False, server_default="0"),
    sa.Column("free_items", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("refunds", Amount(), nullable=False, server_default="0"),
    sa.Column("refunded_discounts", Amount(), nullable=False, server_default="0"),
    sa.Column("coupon_rollbacks", sa.Integer(), nullable=False, server_default="0"),
    sa.UniqueConstraint("campaign_id", "date"),
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
    "campaign_analytics",
    "campaign_evaluation_groups",
    "campaigns",
    "cart_items",
    "config_state",
    "coupon_reservations",
    "coupons",
    "customer_profiles",
    "customer_sessions",
    "event_types",
    "events",
    "idempotency_keys",
    "imports",
    "limit_counters",
    "management_keys",
    "metadata",
    "profile_coupon_redemptions",
    "referral_friends",
    "referrals",
    "returns",
    "rulesets",
    "session_effects",
    "stores",
    "users",
]

"""Loyalty tables: programs, tiers, cards, ledgers, their entries and the entries' allocations.

Account-level (a program is shared by the applications of an account), distributed by ``account_id``.
docs/loyalty.md describes the ledger model.
"""

from __future__ import annotations

import sqlalchemy as sa

from openpromo.storage.schema.columns import Amount, Id, Json, UtcDateTime, account_id, created, pk
from openpromo.storage.schema.core import metadata

loyalty_programs = sa.Table(
    "loyalty_programs",
    metadata,
    pk(),
    account_id(),
    created(),
    sa.Column("modified", UtcDateTime(), nullable=False),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("title", sa.String(255), nullable=False),
    sa.Column("description", sa.Text(), nullable=False, server_default=""),
    sa.Column("subscribed_applications", Json, nullable=False),
    sa.Column("default_validity", sa.String(32), nullable=False),
    sa.Column("default_pending", sa.String(32), nullable=False),
    sa.Column("allow_subledger", sa.Boolean(), nullable=False),
    sa.Column("users_per_card_limit", sa.Integer(), nullable=True),
    sa.Column("sandbox", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("card_based", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("program_join_policy", sa.String(32), nullable=True),
    sa.Column("tiers_expiration_policy", sa.String(32), nullable=True),
    sa.Column("tier_cycle_start_date", UtcDateTime(), nullable=True),
    sa.Column("tiers_expire_in", sa.String(32), nullable=True),
    sa.Column("tiers_downgrade_policy", sa.String(32), nullable=True),
    sa.Column("card_code_settings", Json, nullable=True),
    sa.Column("return_policy", sa.String(32), nullable=True),
    sa.Column("timezone", sa.String(64), nullable=False, server_default="UTC"),
    sa.Column("settings", Json, nullable=True),
    sa.UniqueConstraint("account_id", "name"),
)

loyalty_tiers = sa.Table(
    "loyalty_tiers",
    metadata,
    pk(),
    account_id(),
    sa.Column("program_id", Id, nullable=False),
    created(),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("min_points", Amount(), nullable=False),
    sa.UniqueConstraint("program_id", "name"),
)

loyalty_cards = sa.Table(
    "loyalty_cards",
    metadata,
    pk(),
    account_id(),
    sa.Column("program_id", Id, nullable=False),
    created(),
    sa.Column("modified", UtcDateTime(), nullable=False),
    sa.Column("identifier", sa.String(108), nullable=False),
    sa.Column("status", sa.String(32), nullable=False, server_default="active"),
    sa.Column("block_reason", sa.Text(), nullable=True),
    sa.Column("users_per_card_limit", sa.Integer(), nullable=True),
    sa.Column("batch_id", sa.String(64), nullable=True),
    sa.Column("attributes", Json, nullable=True),
    sa.Column("old_card_identifier", sa.String(108), nullable=True),
    sa.Column("new_card_identifier", sa.String(108), nullable=True),
    sa.UniqueConstraint("program_id", "identifier"),
)

loyalty_card_profiles = sa.Table(
    "loyalty_card_profiles",
    metadata,
    account_id(),
    sa.Column("card_id", Id, nullable=False),
    sa.Column("profile_integration_id", sa.String(1000), nullable=False),
    created(),
    sa.PrimaryKeyConstraint("card_id", "profile_integration_id"),
    sa.Index(None, "account_id", "profile_integration_id"),
)

loyalty_ledgers = sa.Table(
    "loyalty_ledgers",
    metadata,
    pk(),
    account_id(),
    sa.Column("program_id", Id, nullable=False),
    sa.Column("owner_key", sa.String(1100), nullable=False),
    sa.Column("profile_integration_id", sa.String(1000), nullable=True),
    sa.Column("card_id", Id, nullable=True),
    sa.Column("subledger_id", sa.String(64), nullable=False, server_default=""),
    sa.Column("tier_id", Id, nullable=True),
    sa.Column("tier_entered_at", UtcDateTime(), nullable=True),
    sa.Column("tier_expires_at", UtcDateTime(), nullable=True),
    sa.Column("active_points", Amount(), nullable=False, server_default="0"),
    sa.Column("pending_points", Amount(), nullable=False, server_default="0"),
    sa.Column("spent_points", Amount(), nullable=False, server_default="0"),
    sa.Column("expired_points", Amount(), nullable=False, server_default="0"),
    sa.Column("negative_points", Amount(), nullable=False, server_default="0"),
    sa.Column("joined_at", UtcDateTime(), nullable=True),
    sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
    # 0009: the balances hold from as_of until valid_until (the next start or expiry of an open lot)
    sa.Column("as_of", UtcDateTime(), nullable=True),
    sa.Column("valid_until", UtcDateTime(), nullable=True),
    sa.UniqueConstraint("program_id", "owner_key", "subledger_id"),
)

loyalty_ledger_entries = sa.Table(
    "loyalty_ledger_entries",
    metadata,
    pk(),
    account_id(),
    sa.Column("program_id", Id, nullable=False),
    sa.Column("ledger_id", Id, nullable=False),
    sa.Column("application_id", Id, nullable=True),
    created(),
    sa.Column("type", sa.String(16), nullable=False),
    sa.Column("amount", Amount(), nullable=False),
    sa.Column("remaining", Amount(), nullable=False, server_default="0"),
    sa.Column("name", sa.String(1000), nullable=False, server_default=""),
    sa.Column("start_date", UtcDateTime(), nullable=True),
    sa.Column("expiry_date", UtcDateTime(), nullable=True),
    sa.Column("pending_action", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("session_id", Id, nullable=True),
    sa.Column("customer_session_id", sa.String(1000), nullable=True),
    sa.Column("event_id", Id, nullable=True),
    sa.Column("import_id", Id, nullable=True),
    sa.Column("user_id", Id, nullable=True),
    sa.Column("rule_name", sa.String(1000), nullable=True),
    sa.Column("campaign_id", Id, nullable=True),
    sa.Column("source_entry_id", Id, nullable=True),
    sa.Column("flags", Json, nullable=True),
    # 0009: the ledger written (docs/loyalty.md)
    sa.Column("transaction_uuid", sa.String(36), nullable=False, server_default=""),
    sa.Column("subledger_id", sa.String(64), nullable=False, server_default=""),
    sa.Column("source", sa.String(16), nullable=False, server_default="session"),
    sa.Column("rollback", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("ruleset_id", Id, nullable=True),
    sa.Column("validity_duration", sa.String(32), nullable=True),
    sa.Column("activated_at", UtcDateTime(), nullable=True),
    sa.Index(None, "ledger_id", "expiry_date"),
    sa.Index(None, "program_id", "created"),
    sa.Index(None, "session_id"),
    sa.Index("ix_loyalty_ledger_entries_ledger_id_id", "ledger_id", "id"),
    sa.Index("ix_loyalty_ledger_entries_transaction_uuid", "transaction_uuid"),
    sa.Index(
        "ix_loyalty_ledger_entries_open_start",
        "ledger_id",
        "start_date",
        sqlite_where=sa.text("remaining > 0"),
        postgresql_where=sa.text("remaining > 0"),
    ),
    sa.Index(
        "ix_loyalty_ledger_entries_open_expiry",
        "ledger_id",
        "expiry_date",
        sqlite_where=sa.text("remaining > 0"),
        postgresql_where=sa.text("remaining > 0"),
    ),
)

loyalty_ledger_allocations = sa.Table(
    "loyalty_ledger_allocations",
    metadata,
    pk(),
    account_id(),
    sa.Column("ledger_id", Id, nullable=False),
    sa.Column("entry_id", Id, nullable=False),
    sa.Column("lot_id", Id, nullable=True),
    sa.Column("amount", Amount(), nullable=False),
    sa.Column("at", UtcDateTime(), nullable=False),
    sa.Index("ix_loyalty_ledger_allocations_ledger_id_at", "ledger_id", "at"),
    sa.Index("ix_loyalty_ledger_allocations_entry_id", "entry_id"),
)


__all__ = [
    "loyalty_card_profiles",
    "loyalty_cards",
    "loyalty_ledger_allocations",
    "loyalty_ledger_entries",
    "loyalty_ledgers",
    "loyalty_programs",
    "loyalty_tiers",
]

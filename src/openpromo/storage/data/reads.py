"""The session aggregate's smaller reads: coupons (with the profile's reservation and redemption count),
referrals (with their friends), returns, catalog prices, achievement progress, loyalty balances."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from openpromo.engine.ledger import Figures, roll_forward
from openpromo.services.data.catalogs import CatalogEntry
from openpromo.services.data.records import (
    BalanceQuery,
    BalancesFound,
    Document,
    Progress,
    StoredCoupon,
    StoredReferral,
)
from openpromo.storage.data.ledgers import SqlLedgerData
from openpromo.storage.data.rows import progress, stored_coupon, stored_referral
from openpromo.storage.data.statements import statement
from openpromo.storage.fast import prepared
from openpromo.storage.schema.account import (
    achievement_progress,
    catalog_items,
    giveaway_codes,
)
from openpromo.storage.schema.campaigns import (
    coupon_reservations,
    profile_coupon_redemptions,
    referral_friends,
    referrals,
)
from openpromo.storage.schema.campaigns import coupons as coupon_table
from openpromo.storage.schema.loyalty import loyalty_card_profiles, loyalty_cards, loyalty_ledgers
from openpromo.storage.schema.sessions import returns as returns_table

_PREPARED_IN = 8
"""Up to this many values in an ``IN``, a statement per count is prepared (a session sends few codes)."""


def _values(name: str, count: int) -> list[Any]:
    return [sa.bindparam(f"{name}{i}") for i in range(count)]


def _numbered(name: str, values: Sequence[Any]) -> dict[str, Any]:
    return {f"{name}{i}": v for i, v in enumerate(values)}


def _coupon_query(where: Any, *, locking: bool, with_redemptions: bool) -> Any:
    reserved = (
        sa.select(coupon_reservations.c.id)
        .where(
            coupon_reservations.c.coupon_id == coupon_table.c.id,
            coupon_reservations.c.profile_integration_id == sa.bindparam("owner"),
        )
        .exists()
        .label("reserved")
    )
    columns: list[Any] = [coupon_table, reserved]
    if with_redemptions:
        redeemed = profile_coupon_redemptions
        columns.append(
            sa.select(redeemed.c.redemptions)
            .where(
                redeemed.c.coupon_id == coupon_table.c.id,
                redeemed.c.profile_integration_id == sa.bindparam("owner"),
            )
            .scalar_subquery()
            .label("redemptions")
        )
    query = sa.select(*columns).where(where).order_by(coupon_table.c.id)
    return query.with_for_update(of=coupon_table) if locking else query


def _stored_coupons(rows: list[dict[str, Any]]) -> list[StoredCoupon]:
    return [
        stored_coupon(row, reserved=bool(row["reserved"]), redemptions=int(row.get("redemptions") or 0))
        for row in rows
    ]


def coupons(
    conn: Connection,
    application_id: int,
    lookups: Sequence[str],
    owner: str,
    *,
    lock: bool,
    with_redemptions: bool,
) -> list[StoredCoupon]:
    """An application's coupons by lookup value, each with whether ``owner`` reserved it (and how often
    it redeemed it); ``lock``: row locks (PostgreSQL) for a closing session."""
    params: dict[str, Any] = {"app": application_id, "owner": owner}
    if len(lookups) > _PREPARED_IN:
        query = statement(
            ("coupons-many", lock, with_redemptions),
            lambda: _coupon_query(
                sa.and_(
                    coupon_table.c.application_id == sa.bindparam("app"),
                    coupon_table.c.lookup_value.in_(sa.bindparam("values", expanding=True)),
                ),
                locking=lock,
                with_redemptions=with_redemptions,
            ),
        )
        found = [dict(r._mapping) for r in conn.execute(query, {**params, "values": list(lookups)})]
        return _stored_coupons(found)
    count = len(lookups)
    query = prepared(
        conn,
        ("coupons", lock, with_redemptions, count),
        lambda: _coupon_query(
            sa.and_(
                coupon_table.c.application_id == sa.bindparam("app"),
                coupon_table.c.lookup_value.in_(_values("v", count)),
            ),
            locking=lock,
            with_redemptions=with_redemptions,
        ),
    )
    return _stored_coupons(query.rows(conn, {**params, **_numbered("v", lookups)}))


def coupons_by_id(conn: Connection, ids: Sequence[int], owner: str, *, lock: bool) -> list[StoredCoupon]:
    query = statement(
        ("coupons-by-id", lock),
        lambda: _coupon_query(
            coupon_table.c.id.in_(sa.bindparam("ids", expanding=True)), locking=lock, with_redemptions=False
        ),
    )
    return _stored_coupons(
        [dict(r._mapping) for r in conn.execute(query, {"ids": list(ids), "owner": owner})]
    )


def referral_by_code(
    conn: Connection, application_id: int, lookup: str, *, with_friends: bool
) -> StoredReferral | None:
    found = prepared(
        conn,
        ("referral",),
        lambda: sa.select(referrals).where(
            referrals.c.application_id == sa.bindparam("app"), referrals.c.lookup_code == sa.bindparam("code")
        ),
    ).first(conn, {"app": application_id, "code": lookup})
    if found is None:
        return None
    return stored_referral(found, _friends(conn, found["id"]) if with_friends else ())


def referral_by_id(conn: Connection, referral_id: int, *, lock: bool) -> StoredReferral | None:
    def build() -> Any:
        query = sa.select(referrals).where(referrals.c.id == sa.bindparam("id"))
        return query.with_for_update() if lock else query

    found = prepared(conn, ("referral-by-id", lock), build).first(conn, {"id": referral_id})
    return stored_referral(found) if found is not None else None


def _friends(conn: Connection, referral_id: int) -> tuple[str, ...]:
    rows = prepared(
        conn,
        ("referral-friends",),
        lambda: (
            sa.select(referral_friends.c.friend_profile_integration_id)
            .where(referral_friends.c.referral_id == sa.bindparam("id"))
            .order_by(referral_friends.c.created)
        ),
    ).rows(conn, {"id": referral_id})
    return tuple(r["friend_profile_integration_id"] for r in rows)


def returns(conn: Connection, session_id: int) -> list[Document]:
    return prepared(
        conn,
        ("returns",),
        lambda: (
            sa.select(returns_table)
            .where(returns_table.c.session_id == sa.bindparam("id"))
            .order_by(returns_table.c.id)
        ),
    ).rows(conn, {"id": session_id})


def giveaways(conn: Connection, session_id: int) -> list[Document]:
    return prepared(
        conn,
        ("session-giveaways",),
        lambda: (
            sa.select(giveaway_codes)
            .where(giveaway_codes.c.session_id == sa.bindparam("id"))
            .order_by(giveaway_codes.c.id)
        ),
    ).rows(conn, {"id": session_id})


def catalog_entries(
    conn: Connection, catalog_ids: Sequence[int], skus: Sequence[str]
) -> dict[str, CatalogEntry]:
    """SKU → the first item (by id) of these catalogs that has the SKU (a prepared statement for carts
    of up to ``_PREPARED_IN`` SKUs, as the coupons' read)."""
    items = catalog_items.c
    columns = (items.id, items.sku, items.price, items.attributes)
    if len(skus) > _PREPARED_IN or len(catalog_ids) > _PREPARED_IN:
        query = statement(
            ("catalog-entries",),
            lambda: (
                sa.select(*columns)
                .where(
                    items.catalog_id.in_(sa.bindparam("catalogs", expanding=True)),
                    items.sku.in_(sa.bindparam("skus", expanding=True)),
                )
                .order_by(items.id)
            ),
        )
        rows = [
            dict(r._mapping) for r in conn.execute(query, {"catalogs": list(catalog_ids), "skus": list(skus)})
        ]
    else:
        shape = (len(catalog_ids), len(skus))
        rows = prepared(
            conn,
            ("catalog-entries", *shape),
            lambda: (
                sa.select(*columns)
                .where(items.catalog_id.in_(_values("c", shape[0])), items.sku.in_(_values("s", shape[1])))
                .order_by(items.id)
            ),
        ).rows(conn, {**_numbered("c", catalog_ids), **_numbered("s", skus)})
    entries: dict[str, CatalogEntry] = {}
    for row in rows:
        if row["sku"] not in entries:
            entries[row["sku"]] = CatalogEntry(row["id"], row["price"], row["attributes"] or {})
    return entries


def achievement_progress_of(
    conn: Connection, achievement_ids: Sequence[int], profile: str
) -> tuple[Progress, ...]:
    if not profile or not achievement_ids:
        return ()
    query = statement(
        ("achievement-progress",),
        lambda: (
            sa.select(achievement_progress)
            .where(
                achievement_progress.c.achievement_id.in_(sa.bindparam("ids", expanding=True)),
                achievement_progress.c.profile_integration_id == sa.bindparam("profile"),
            )
            .order_by(achievement_progress.c.id)
        ),
    )
    found = conn.execute(query, {"ids": list(achievement_ids), "profile": profile})
    return tuple(progress(dict(r._mapping)) for r in found)


def balances(conn: Connection, query: BalanceQuery, now: datetime, *, lock: bool = False) -> BalancesFound:
    """The card (when the session names one of a card-based program), the owners' ledgers (locked for a
    close on PostgreSQL), and the card's profiles. A ledger's stored figures hold until its
    ``valid_until``; past it they are rolled forward here, in memory, from the few lots that changed
    state since (nothing is written: the next write of the ledger records the expirations)."""
    card = None
    if query.card_identifier is not None and query.card_programs:
        card = _first(
            conn,
            sa.select(loyalty_cards)
            .where(
                loyalty_cards.c.account_id == query.account_id,
                loyalty_cards.c.identifier == query.card_identifier,
                loyalty_cards.c.program_id.in_(list(query.card_programs)),
            )
            .order_by(loyalty_cards.c.id),
        )
    owners = dict(query.owners)
    if card is not None:
        owners[card["program_id"]] = f"card:{card['id']}"
    ledgers: list[Document] = []
    if owners:
        select = (
            sa.select(loyalty_ledgers)
            .where(
                loyalty_ledgers.c.program_id.in_(sorted(owners)),
                loyalty_ledgers.c.owner_key.in_(sorted(set(owners.values()))),
            )
            .order_by(loyalty_ledgers.c.id)
        )
        found = conn.execute(select.with_for_update() if lock else select)
        ledgers = [_current(conn, dict(r._mapping), now) for r in found]
    profiles: list[Document] = []
    if card is not None:
        found = conn.execute(
            sa.select(loyalty_card_profiles)
            .where(loyalty_card_profiles.c.card_id == card["id"])
            .order_by(*loyalty_card_profiles.primary_key.columns)
        )
        profiles = [dict(r._mapping) for r in found]
    return BalancesFound(tuple(ledgers), card, tuple(profiles))


def _current(conn: Connection, row: Document, now: datetime) -> Document:
    """The ledger row with its figures at ``now``."""
    until, since = row.get("valid_until"), row.get("as_of")
    if until is None or now < until:
        return row
    changing = SqlLedgerData(conn).changing(row["id"], since, now)
    figures = Figures(
        row["active_points"],
        row["pending_points"],
        row["spent_points"],
        row["expired_points"],
        row["negative_points"],
    )
    after = roll_forward(figures, changing, since or now, now)
    return {
        **row,
        "active_points": after.active,
        "pending_points": after.pending,
        "expired_points": after.expired,
    }


def _first(conn: Connection, query: Any) -> Document | None:
    row = conn.execute(query.limit(1)).first()
    return dict(row._mapping) if row is not None else None


__all__ = [
    "achievement_progress_of",
    "balances",
    "catalog_entries",
    "coupons",
    "coupons_by_id",
    "giveaways",
    "referral_by_code",
    "referral_by_id",
    "returns",
]

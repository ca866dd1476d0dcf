"""The adapter of ``services.data.catalogs``: catalogs and their items in ``catalogs`` and
``catalog_items``.

Filters on item attributes are evaluated in SQL on the JSON column (``json_extract``/``json_type`` on
SQLite, ``->``/``->>``/``jsonb_typeof`` on PostgreSQL), so patching or removing many items is one
statement whatever the catalog's size.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Connection

from openpromo.services.data.catalogs import ItemFilter, ItemWrite, StoredItem
from openpromo.storage.data.statements import upsert
from openpromo.storage.schema.account import catalog_items, catalogs, price_history

C = catalog_items.c
_OPS = {"EQ": "=", "LT": "<", "LE": "<=", "GT": ">", "GE": ">="}


def _stored(row: Any) -> StoredItem:
    return StoredItem(
        id=row.id,
        sku=row.sku,
        price=row.price,
        attributes=dict(row.attributes or {}),
        product=row.product,
        prices=dict(row.prices or {}),
        version=row.version,
        created=row.created,
    )


class SqlCatalogData:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._postgres = conn.dialect.name == "postgresql"

    def advance(self, account_id: int, catalog_id: int, now: datetime) -> Mapping[str, Any] | None:
        row = self._conn.execute(
            catalogs.update()
            .where(catalogs.c.id == catalog_id, catalogs.c.account_id == account_id)
            .values(version=catalogs.c.version + 1, modified=now)
            .returning(*catalogs.c)
        ).first()
        return dict(row._mapping) if row is not None else None

    def items(self, catalog_id: int, skus: Sequence[str]) -> dict[str, StoredItem]:
        if not skus:
            return {}
        rows = self._conn.execute(
            sa.select(catalog_items).where(C.catalog_id == catalog_id, C.sku.in_(list(skus)))
        )
        return {row.sku: _stored(row) for row in rows}

    def write(self, account_id: int, catalog_id: int, items: Sequence[ItemWrite]) -> None:
        rows = [
            {
                "account_id": account_id,
                "catalog_id": catalog_id,
                "created": item.created,
                "sku": item.sku,
                "price": item.price,
                "prices": item.prices or None,
                "attributes": item.attributes,
                "product": item.product,
                "version": item.version,
            }
            for item in items
        ]
        if not rows:
            return
        insert = upsert(self._postgres)(catalog_items)
        new = insert.excluded
        statement = insert.on_conflict_do_update(
            index_elements=[C.catalog_id, C.sku],
            set_={
                "price": new.price,
                "prices": new.prices,
                "attributes": new.attributes,
                "product": new.product,
                "version": new.version,
            },
        )
        self._conn.execute(statement, rows)  # compiled once; the rows go in batches (executemany)

    def patch_many(
        self,
        account_id: int,
        catalog_id: int,
        filters: Sequence[ItemFilter],
        attributes: Mapping[str, Any],
        price: Decimal | None,
        now: datetime,
    ) -> int:
        where = [C.catalog_id == catalog_id, *(self._filter(f) for f in filters)]
        values: dict[str, Any] = {"version": C.version + 1}
        if price is not None:
            new_price = sa.bindparam("new_price", price, type_=C.price.type)
            changed = sa.or_(C.price.is_(None), C.price != new_price)
            self._conn.execute(
                price_history.insert().from_select(
                    ["account_id", "catalog_id", "sku", "price", "observed_at", "price_type"],
                    sa.select(
                        C.account_id,
                        C.catalog_id,
                        C.sku,
                        sa.bindparam("observed_price", price, type_=C.price.type),
                        sa.bindparam("observed_at", now, type_=price_history.c.observed_at.type),
                        sa.literal("catalog"),
                    ).where(*where, changed),
                )
            )
            values["price"] = sa.bindparam("set_price", price, type_=C.price.type)
        if attributes:
            values["attributes"] = self._merged(attributes)
        result = self._conn.execute(catalog_items.update().where(*where).values(values))
        return int(result.rowcount)

    def remove(self, catalog_id: int, skus: Sequence[str]) -> int:
        if not skus:
            return 0
        result = self._conn.execute(
            catalog_items.delete().where(C.catalog_id == catalog_id, C.sku.in_(list(skus)))
        )
        return int(result.rowcount)

    def remove_many(self, catalog_id: int, filters: Sequence[ItemFilter]) -> int:
        result = self._conn.execute(
            catalog_items.delete().where(C.catalog_id == catalog_id, *(self._filter(f) for f in filters))
        )
        return int(result.rowcount)

    # -- SQL on the attributes' JSON ------------------------------------------------------------

    def _merged(self, attributes: Mapping[str, Any]) -> Any:
        """The item's attributes with ``attributes`` written over them."""
        if self._postgres:
            current = sa.func.coalesce(C.attributes, sa.cast(sa.literal("{}"), JSONB))
            return current.op("||")(sa.bindparam("patch", dict(attributes), type_=JSONB()))
        current = sa.func.coalesce(C.attributes, sa.literal("{}"))
        return sa.func.json_patch(current, sa.bindparam("patch", dict(attributes), type_=sa.JSON()))

    def _filter(self, f: ItemFilter) -> Any:
        value, kind_matches = self._value(f)
        if f.kind == "number":
            params: list[Any] = [
                sa.literal(v, sa.Numeric()) if self._postgres else sa.literal(float(v), sa.Float())
                for v in f.values
            ]
        elif f.kind == "boolean":
            params = [
                sa.literal(("true" if v else "false") if self._postgres else int(bool(v))) for v in f.values
            ]
        else:
            params = [sa.literal(str(v), sa.String()) for v in f.values]
        compared = value.in_(params) if f.op == "IN" else value.op(_OPS[f.op], is_comparison=True)(params[0])
        return sa.and_(kind_matches, compared)

    def _value(self, f: ItemFilter) -> tuple[Any, Any]:
        """The attribute's value as SQL compares it, and the condition that it is of the filter's kind."""
        name = f.attribute
        if self._postgres:
            kind = sa.func.jsonb_typeof(C.attributes.op("->", return_type=JSONB())(sa.literal(name)))
            text = C.attributes.op("->>", return_type=sa.Text())(sa.literal(name))
            if f.kind == "number":  # cast only numbers: PostgreSQL may evaluate an AND's parts in any order
                return sa.case((kind == "number", sa.cast(text, sa.Numeric()))), sa.true()
            return text, kind == ("boolean" if f.kind == "boolean" else "string")
        path = sa.literal(f'$."{name}"')
        kind = sa.func.json_type(C.attributes, path)
        extracted = sa.func.json_extract(C.attributes, path)
        if f.kind == "number":
            return extracted, kind.in_(["integer", "real"])
        if f.kind == "boolean":
            return extracted, kind.in_(["true", "false"])
        return extracted, kind == "text"


__all__ = ["SqlCatalogData"]

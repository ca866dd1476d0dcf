"""``SqlAudienceData``: an account's audiences and their memberships in SQLAlchemy Core
(``services.data.audiences``).

Memberships are found by their primary key (``audience_id``, ``profile_integration_id``) or by
(``account_id``, ``profile_integration_id``); many are added or removed in one statement (an
``INSERT ... ON CONFLICT DO NOTHING`` of every row, a ``DELETE`` of every pair), and the attributes of an
audience's members are set in one ``UPDATE`` (``||`` on PostgreSQL's JSONB, ``json_patch`` on SQLite).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Connection

from openpromo.services.data.audiences import Membership, NewAudienceRow, StoredAudience
from openpromo.services.data.records import StoredProfile
from openpromo.storage.data.rows import stored_profile
from openpromo.storage.data.statements import upsert
from openpromo.storage.schema.account import audience_memberships, audiences
from openpromo.storage.schema.sessions import customer_profiles

_m = audience_memberships.c
CHUNK = 1000
"""Rows (or pairs) per statement of a multi-row write: a request's 1000 actions are one statement each
way; an import of more members takes one more statement per thousand."""


def _chunks(items: Sequence[Any]) -> list[Sequence[Any]]:
    return [items[i : i + CHUNK] for i in range(0, len(items), CHUNK)]


def _stored(row: Any) -> StoredAudience:
    return StoredAudience(
        id=int(row.id),
        account_id=int(row.account_id),
        created=row.created,
        name=row.name,
        description=row.description,
        integration=row.integration,
        integration_id=row.integration_id,
        sandbox=bool(row.sandbox),
    )


class SqlAudienceData:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._postgres = conn.dialect.name == "postgresql"

    def _live(self, account_id: int) -> list[Any]:
        return [audiences.c.account_id == account_id, audiences.c.deleted.is_(False)]

    def get(self, account_id: int, audience_id: int) -> StoredAudience | None:
        row = self._conn.execute(
            sa.select(audiences).where(audiences.c.id == audience_id, *self._live(account_id))
        ).first()
        return None if row is None else _stored(row)

    def existing(self, account_id: int, audience_ids: Sequence[int]) -> frozenset[int]:
        if not audience_ids:
            return frozenset()
        found = self._conn.execute(
            sa.select(audiences.c.id).where(
                audiences.c.id.in_(sorted(set(audience_ids))), *self._live(account_id)
            )
        ).scalars()
        return frozenset(int(i) for i in found)

    def find_integration(
        self, account_id: int, integration: str | None, integration_id: str
    ) -> StoredAudience | None:
        same = (
            audiences.c.integration.is_(None)
            if integration is None
            else audiences.c.integration == integration
        )
        row = self._conn.execute(
            sa.select(audiences)
            .where(audiences.c.integration_id == integration_id, same, *self._live(account_id))
            .limit(1)
        ).first()
        return None if row is None else _stored(row)

    def create(self, account_id: int, audience: NewAudienceRow, now: datetime) -> StoredAudience:
        values = {
            "account_id": account_id,
            "created": now,
            "name": audience.name,
            "description": audience.description,
            "integration": audience.integration,
            "integration_id": audience.integration_id,
            "sandbox": audience.sandbox,
        }
        ident = self._conn.execute(audiences.insert().values(values).returning(audiences.c.id)).scalar_one()
        return StoredAudience(
            id=int(ident),
            account_id=account_id,
            created=now,
            name=audience.name,
            description=audience.description,
            integration=audience.integration,
            integration_id=audience.integration_id,
            sandbox=audience.sandbox,
        )

    def rename(self, audience: StoredAudience, name: str) -> StoredAudience:
        self._conn.execute(audiences.update().where(audiences.c.id == audience.id).values(name=name))
        return StoredAudience(
            id=audience.id,
            account_id=audience.account_id,
            created=audience.created,
            name=name,
            description=audience.description,
            integration=audience.integration,
            integration_id=audience.integration_id,
            sandbox=audience.sandbox,
        )

    def delete(self, account_id: int, audience_id: int) -> None:
        self._conn.execute(
            audiences.update()
            .where(audiences.c.id == audience_id, audiences.c.account_id == account_id)
            .values(deleted=True)
        )
        self.clear(account_id, audience_id)

    def clear(self, account_id: int, audience_id: int) -> None:
        self._conn.execute(
            audience_memberships.delete().where(_m.audience_id == audience_id, _m.account_id == account_id)
        )

    def change(
        self, account_id: int, adds: Sequence[Membership], deletes: Sequence[Membership], now: datetime
    ) -> None:
        for chunk in _chunks(sorted(set(deletes))):
            self._conn.execute(
                audience_memberships.delete().where(
                    _m.account_id == account_id,
                    sa.tuple_(_m.audience_id, _m.profile_integration_id).in_(list(chunk)),
                )
            )
        for chunk in _chunks(sorted(set(adds))):
            rows = [
                {"account_id": account_id, "audience_id": a, "profile_integration_id": p, "created": now}
                for a, p in chunk
            ]
            insert = upsert(self._postgres)(audience_memberships).values(rows)
            self._conn.execute(
                insert.on_conflict_do_nothing(index_elements=[_m.audience_id, _m.profile_integration_id])
            )

    def ensure_profiles(self, account_id: int, integration_ids: Sequence[str], now: datetime) -> None:
        for chunk in _chunks(sorted(set(integration_ids))):
            rows = [
                {
                    "account_id": account_id,
                    "created": now,
                    "modified": now,
                    "integration_id": integration_id,
                    "attributes": {},
                }
                for integration_id in chunk
            ]
            insert = upsert(self._postgres)(customer_profiles).values(rows)
            self._conn.execute(
                insert.on_conflict_do_nothing(
                    index_elements=[customer_profiles.c.account_id, customer_profiles.c.integration_id]
                )
            )

    def set_members_attributes(
        self, account_id: int, audience_id: int, attributes: Mapping[str, Any], now: datetime
    ) -> int:
        attrs = customer_profiles.c.attributes
        patch: Any
        if self._postgres:
            patch = attrs.op("||")(sa.bindparam("patch", dict(attributes), type_=JSONB))
        else:
            patch = sa.func.json_patch(attrs, sa.bindparam("patch", dict(attributes), type_=sa.JSON))
        members = sa.select(_m.profile_integration_id).where(
            _m.audience_id == audience_id, _m.account_id == account_id
        )
        result = self._conn.execute(
            customer_profiles.update()
            .where(
                customer_profiles.c.account_id == account_id,
                customer_profiles.c.integration_id.in_(members.scalar_subquery()),
            )
            .values(attributes=patch, modified=now)
        )
        return int(result.rowcount)

    def memberships_of(
        self, account_id: int, integration_ids: Sequence[str]
    ) -> dict[str, list[tuple[int, str]]]:
        if not integration_ids:
            return {}
        found: dict[str, list[tuple[int, str]]] = {}
        rows = self._conn.execute(
            sa.select(_m.profile_integration_id, _m.audience_id, audiences.c.name)
            .join(audiences, audiences.c.id == _m.audience_id)
            .where(
                _m.account_id == account_id,
                _m.profile_integration_id.in_(sorted(set(integration_ids))),
                audiences.c.deleted.is_(False),
            )
            .order_by(_m.profile_integration_id, _m.audience_id)
        )
        for profile, audience, name in rows:
            found.setdefault(profile, []).append((int(audience), name))
        return found

    def member_counts(self, account_id: int, audience_ids: Sequence[int]) -> dict[int, int]:
        if not audience_ids:
            return {}
        rows = self._conn.execute(
            sa.select(audiences.c.id, sa.func.count(_m.audience_id))
            .select_from(audiences.outerjoin(audience_memberships, _m.audience_id == audiences.c.id))
            .where(audiences.c.id.in_(sorted(set(audience_ids))), *self._live(account_id))
            .group_by(audiences.c.id)
        )
        return {int(audience): int(count) for audience, count in rows}

    def member_page(
        self, account_id: int, audience_id: int, *, skip: int, limit: int, order: str, part: str | None
    ) -> tuple[list[StoredProfile], bool]:
        p = customer_profiles.c
        column = p[order.lstrip("-")]
        query = (
            sa.select(customer_profiles)
            .select_from(
                audience_memberships.join(
                    customer_profiles,
                    sa.and_(p.account_id == _m.account_id, p.integration_id == _m.profile_integration_id),
                )
            )
            .where(_m.audience_id == audience_id, _m.account_id == account_id)
        )
        if part:
            escaped = part.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            query = query.where(sa.func.lower(p.integration_id).like(f"%{escaped}%", escape="\\"))
        descending = order.startswith("-")
        query = query.order_by(
            column.desc() if descending else column.asc(), p.id.desc() if descending else p.id
        )
        rows = self._conn.execute(query.offset(skip).limit(limit + 1)).mappings().all()
        return [stored_profile(dict(r)) for r in rows[:limit]], len(rows) > limit

    def members(self, account_id: int, audience_id: int) -> list[str]:
        return list(
            self._conn.execute(
                sa.select(_m.profile_integration_id)
                .where(_m.audience_id == audience_id, _m.account_id == account_id)
                .order_by(_m.profile_integration_id)
            ).scalars()
        )


__all__ = ["SqlAudienceData"]

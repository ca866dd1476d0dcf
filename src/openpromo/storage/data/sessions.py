"""``SessionData`` on SQL: the session aggregate's reads and its last writes, in few statements.

The first read of an update (``open``) joins the session, its profile, whether that profile has sessions
in the application and its audiences into one statement, then reads the coupons it names (each with the
profile's reservation and redemption count) and its referral. The last writes (``finish``) are one
statement on PostgreSQL (the session, the profile's totals and the event chained as CTEs).
Consumption (budgets, redemptions, rollbacks) is ``storage.data.consumption``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from openpromo.services.codes import normalise_code
from openpromo.services.data.catalogs import CatalogEntry
from openpromo.services.data.records import (
    Codes,
    Document,
    EventWrite,
    Opened,
    ProfileTotals,
    SessionWrite,
    StoredCoupon,
    StoredProfile,
    StoredReferral,
    StoredSession,
)
from openpromo.storage.data import reads
from openpromo.storage.data.consumption import SqlConsumption, profile_totals, profile_totals_params
from openpromo.storage.data.rows import event_columns, session_columns, stored_profile, stored_session
from openpromo.storage.data.statements import listed_ids, parsed_ids, upsert
from openpromo.storage.fast import prepared
from openpromo.storage.key_locks import CONFIG_VERSION
from openpromo.storage.records import bound_insert, bound_params, bound_values
from openpromo.storage.schema.account import audience_memberships
from openpromo.storage.schema.core import config_state
from openpromo.storage.schema.sessions import customer_profiles, customer_sessions, events

_HISTORY = ("effects", "committed")


class SqlSessionData(SqlConsumption):
    def __init__(self, conn: Connection) -> None:
        super().__init__(conn)

    def config_version(self) -> int:
        known = self.conn.info.get(CONFIG_VERSION)
        if known is not None:
            return int(known)
        found = prepared(self.conn, ("version",), lambda: sa.select(config_state.c.version)).first(
            self.conn, {}
        )
        assert found is not None
        return int(found["version"])

    # -- reads -----------------------------------------------------------------------------------

    def open(
        self,
        application_id: int,
        integration_id: str,
        account_id: int,
        profile: str | None,
        codes: Codes,
        *,
        lock: bool = False,
    ) -> Opened:
        session, profile_row, has_sessions, audiences = self._session_and_profile(
            application_id, integration_id, account_id, profile
        )
        owner = profile_row.integration_id if profile_row is not None else ""
        coupon_codes = (
            codes.coupons if codes.coupons is not None else (session.coupon_codes if session else [])
        )
        referral = (
            codes.referral if codes.referral is not None else (session.referral_code if session else "")
        )
        case_mode = codes.case_sensitivity
        coupons: tuple[StoredCoupon, ...] = ()
        if coupon_codes:
            lookups = sorted({normalise_code(c, case_mode) for c in coupon_codes})
            coupons = tuple(
                reads.coupons(
                    self.conn,
                    application_id,
                    lookups,
                    owner,
                    lock=lock and self._postgres,
                    with_redemptions=codes.with_redemptions,
                )
            )
        found_referral: StoredReferral | None = None
        if referral:
            found_referral = reads.referral_by_code(
                self.conn,
                application_id,
                normalise_code(referral, case_mode),
                with_friends=codes.with_friends,
            )
        return Opened(session, profile_row, has_sessions, audiences, coupons, found_referral)

    def _session_and_profile(
        self, application_id: int, integration_id: str, account_id: int, profile: str | None
    ) -> tuple[StoredSession | None, StoredProfile | None, bool, frozenset[int]]:
        postgres = self._postgres

        def build() -> Any:
            s, p = customer_sessions.alias("s"), customer_profiles.alias("p")
            one = sa.select(sa.literal(1).label("one")).subquery("one")
            key = sa.func.coalesce(sa.bindparam("profile", type_=sa.String()), s.c.profile_integration_id)
            joined = one.outerjoin(
                s,
                sa.and_(s.c.application_id == sa.bindparam("app"), s.c.integration_id == sa.bindparam("sid")),
            ).outerjoin(p, sa.and_(p.c.account_id == sa.bindparam("account"), p.c.integration_id == key))
            return sa.select(
                *[c.label(f"s_{c.name}") for c in s.c if c.name not in _HISTORY],
                *[c.label(f"p_{c.name}") for c in p.c],
                _has_sessions(p).label("has_sessions"),
                _audiences(postgres, p).label("audiences"),
            ).select_from(joined)

        params = {"app": application_id, "sid": integration_id, "account": account_id, "profile": profile}
        found = prepared(self.conn, ("session-profile",), build).first(self.conn, params)
        assert found is not None  # the statement reads one constant row, joined to what exists
        session = {c.name: found[f"s_{c.name}"] for c in customer_sessions.c if c.name not in _HISTORY}
        profile_row = {c.name: found[f"p_{c.name}"] for c in customer_profiles.c}
        if profile_row["id"] is None:
            return (stored_session(session) if session["id"] is not None else None), None, False, frozenset()
        return (
            stored_session(session) if session["id"] is not None else None,
            stored_profile(profile_row),
            bool(found["has_sessions"]),
            parsed_ids(found["audiences"]),
        )

    def profile(
        self, account_id: int, integration_id: str, application_id: int
    ) -> tuple[StoredProfile | None, bool, frozenset[int]]:
        postgres = self._postgres

        def build() -> Any:
            p = customer_profiles.alias("p")
            return sa.select(
                p, _has_sessions(p).label("has_sessions"), _audiences(postgres, p).label("audiences")
            ).where(p.c.account_id == sa.bindparam("account"), p.c.integration_id == sa.bindparam("profile"))

        params = {"app": application_id, "profile": integration_id, "account": account_id}
        found = prepared(self.conn, ("profile",), build).first(self.conn, params)
        if found is None:
            return None, False, frozenset()
        return stored_profile(found), bool(found["has_sessions"]), parsed_ids(found["audiences"])

    def session(self, application_id: int, integration_id: str) -> StoredSession | None:
        found = prepared(
            self.conn,
            ("session",),
            lambda: sa.select(customer_sessions).where(
                customer_sessions.c.application_id == sa.bindparam("app"),
                customer_sessions.c.integration_id == sa.bindparam("sid"),
            ),
        ).first(self.conn, {"app": application_id, "sid": integration_id})
        return stored_session(found) if found is not None else None

    def history(self, session_id: int) -> tuple[list[Document], Document | None]:
        found = prepared(
            self.conn,
            ("history",),
            lambda: sa.select(*[customer_sessions.c[name] for name in _HISTORY]).where(
                customer_sessions.c.id == sa.bindparam("id")
            ),
        ).first(self.conn, {"id": session_id})
        assert found is not None
        return list(found["effects"]), found["committed"]

    def giveaways(self, session_id: int) -> list[Document]:
        return reads.giveaways(self.conn, session_id)

    def returns(self, session_id: int) -> list[Document]:
        return reads.returns(self.conn, session_id)

    def catalog_entries(self, catalog_ids: Sequence[int], skus: Sequence[str]) -> dict[str, CatalogEntry]:
        return reads.catalog_entries(self.conn, catalog_ids, skus)

    # -- writes ----------------------------------------------------------------------------------

    def create_profile(
        self, account_id: int, integration_id: str, now: datetime, attributes: Document | None = None
    ) -> StoredProfile:
        values = {
            "account_id": account_id,
            "created": now,
            "modified": now,
            "integration_id": integration_id,
            "attributes": attributes or {},
            "last_activity": now,
        }
        profile_id = self._insert(customer_profiles, values)
        return stored_profile({**values, "id": profile_id, "closed_sessions": 0, "total_sales": Decimal(0)})

    def save_profiles(
        self, account_id: int, profiles: Sequence[tuple[str, Document]], now: datetime
    ) -> list[StoredProfile]:
        if not profiles:
            return []
        rows = [
            {
                "account_id": account_id,
                "created": now,
                "modified": now,
                "integration_id": integration_id,
                "attributes": attributes,
                "last_activity": now,
            }
            for integration_id, attributes in profiles
        ]
        insert = upsert(self._postgres)(customer_profiles).values(rows)
        statement = insert.on_conflict_do_update(
            index_elements=[customer_profiles.c.account_id, customer_profiles.c.integration_id],
            set_={
                "attributes": insert.excluded.attributes,
                "modified": insert.excluded.modified,
                "last_activity": insert.excluded.last_activity,
            },
        ).returning(*customer_profiles.c)
        saved = {row.integration_id: stored_profile(row._asdict()) for row in self.conn.execute(statement)}
        return [saved[integration_id] for integration_id, _ in profiles]

    def set_profile_attributes(
        self, profile_id: int, attributes: Document, now: datetime, *, active: bool = False
    ) -> None:
        values: dict[str, Any] = {"attributes": attributes, "modified": now}
        if active:
            values["last_activity"] = now
        cols = tuple(values)
        update = prepared(
            self.conn,
            ("profile-attributes", cols),
            lambda: (
                customer_profiles.update()
                .where(customer_profiles.c.id == sa.bindparam("profile_id"))
                .values(bound_values(customer_profiles, cols))
            ),
        )
        update.execute(self.conn, {**bound_params(values), "profile_id": profile_id})

    def create_session(self, session: SessionWrite) -> int:
        return self._insert(customer_sessions, session_columns(session))

    def finish(
        self, session: SessionWrite | None, totals: ProfileTotals | None, event: EventWrite, now: datetime
    ) -> tuple[int | None, int]:
        """The last writes of a request, in one round trip on PostgreSQL. Returns the session's id and
        the event's."""
        known = session.id if session is not None else None
        columns = session_columns(session) if session is not None else None
        if not self._postgres:
            session_id, event_id = self._finish_one_by_one(known, columns, totals, event_columns(event), now)
            return session_id, event_id
        return self._finish_chained(known, columns, totals, event_columns(event), now)

    def _finish_chained(
        self,
        known: int | None,
        columns: Mapping[str, Any] | None,
        totals: ProfileTotals | None,
        event: Mapping[str, Any],
        now: datetime,
    ) -> tuple[int | None, int]:
        inserting = columns is not None and known is None
        cols = tuple(columns) if columns is not None else ()
        shape = ("finish", inserting, columns is not None, cols, totals is not None, tuple(event))

        def build() -> Any:
            ctes = []
            returning: list[Any] = [events.c.id]
            if columns is not None:
                values = bound_values(customer_sessions, cols, "s_")
                if inserting:
                    written = (
                        customer_sessions.insert().values(values).returning(customer_sessions.c.id).cte("s")
                    )
                    returning.append(sa.select(written.c.id).scalar_subquery())
                else:
                    written = _session_update(cols).cte("s")
                ctes.append(written)
            if totals is not None:
                ctes.append(profile_totals().cte("p"))
            return (
                events.insert().values(bound_values(events, event, "e_")).returning(*returning).add_cte(*ctes)
            )

        params = bound_params(event, "e_")
        if columns is not None:
            params.update(bound_params(columns, "s_"))
            params["session_id"] = known
        if totals is not None:
            params.update(profile_totals_params(totals, now))
        found = prepared(self.conn, shape, build).returned(self.conn, params)
        return (found[1] if inserting else known), int(found[0])

    def _finish_one_by_one(
        self,
        known: int | None,
        columns: Mapping[str, Any] | None,
        totals: ProfileTotals | None,
        event: Mapping[str, Any],
        now: datetime,
    ) -> tuple[int | None, int]:
        session_id = known
        if columns is not None:
            if known is None:
                session_id = self._insert(customer_sessions, columns)
            else:
                cols = tuple(columns)
                update = prepared(self.conn, ("session-update", cols), lambda: _session_update(cols))
                update.execute(self.conn, {**bound_params(columns, "s_"), "session_id": known})
        if totals is not None:
            self.add_profile_totals(totals, now)
        return session_id, self._insert(events, event)

    def _insert(self, table: sa.Table, values: Mapping[str, Any]) -> int:
        cols = tuple(values)
        insert = prepared(
            self.conn,
            ("insert", table.name, cols),
            lambda: bound_insert(table, cols).returning(table.c.id),
        )
        return int(insert.returned(self.conn, bound_params(values))[0])


def _session_update(cols: tuple[str, ...]) -> Any:
    """An update of a session's ``cols`` (values ``s_<column>``, the session ``session_id``)."""
    return (
        customer_sessions.update()
        .where(customer_sessions.c.id == sa.bindparam("session_id"))
        .values(bound_values(customer_sessions, cols, "s_"))
    )


def _has_sessions(p: Any) -> Any:
    """Whether profile ``p`` has sessions in the application ``:app``."""
    return (
        sa.select(customer_sessions.c.id)
        .where(
            customer_sessions.c.application_id == sa.bindparam("app"),
            customer_sessions.c.profile_integration_id == p.c.integration_id,
        )
        .exists()
    )


def _audiences(postgres: bool, p: Any) -> Any:
    """Profile ``p``'s audiences, as a comma-separated list of ids."""
    member = audience_memberships
    return (
        sa.select(listed_ids(postgres, member.c.audience_id))
        .where(member.c.account_id == p.c.account_id, member.c.profile_integration_id == p.c.integration_id)
        .scalar_subquery()
    )


__all__ = ["SqlSessionData"]

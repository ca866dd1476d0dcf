"""The reference handler: the research study's request on OpenPromo's own stack.

``PUT /bench/ref/{id}`` with the same body as a session update. Same stack as OpenPromo: Litestar on
uvicorn (uvloop + httptools), the body decoded by ``openpromo.api.codec.decode`` into
``IntegrationRequest``, the work run as the server runs use cases (``openpromo.api.routing.run_blocking``:
on the event loop on SQLite, in one hop to the thread pool on PostgreSQL), one transaction from
``openpromo.storage.Database`` (SQLite: WAL + flock writer lock + ``BEGIN IMMEDIATE``; PostgreSQL: psycopg 3
pool). The work is the study's: ≈0.2 ms of pure-Python CPU (``BENCH_REF_BURN_N`` loop iterations,
calibrated by the harness), then in one transaction 3 reads
(session, profile, promotion) and 2 writes (upsert of the session with the cart text and version + 1, an
event row); the answer is a small JSON document. No key check (the study had none).

Run by the harness as ``uvicorn bench.reference:create_app --factory`` with ``BENCH_REF_DATABASE_URL``.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from decimal import Decimal

import msgspec
import sqlalchemy as sa
from litestar import Litestar, MediaType, Response, put

from openpromo.api.codec import decode, encoder
from openpromo.api.routing import run_blocking, run_use_cases
from openpromo.config import default_threads
from openpromo.services.models.sessions import IntegrationRequest
from openpromo.storage.database import Database

metadata = sa.MetaData()
sessions = sa.Table(
    "bench_ref_sessions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("integration_id", sa.String(200), nullable=False, unique=True),
    sa.Column("profile_id", sa.String(200), nullable=False),
    sa.Column("state", sa.String(20), nullable=False),
    sa.Column("cart", sa.Text, nullable=False),
    sa.Column("total", sa.String(40), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
)
profiles = sa.Table(
    "bench_ref_profiles",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("integration_id", sa.String(200), nullable=False, unique=True),
    sa.Column("total_sales", sa.String(40), nullable=False),
)
promos = sa.Table(
    "bench_ref_promos",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("basis_points", sa.Integer, nullable=False),
)
events = sa.Table(
    "bench_ref_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("session_id", sa.Integer, nullable=False),
    sa.Column("type", sa.String(50), nullable=False),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("created", sa.DateTime(timezone=True), nullable=False),
)
N_PROMOS = 100


def prepare(database_url: str, profile_ids: list[str]) -> None:
    """Create and fill the reference tables (idempotent: rows are replaced)."""
    database = Database(database_url, pool_size=1)
    try:
        metadata.drop_all(database.engine)
        metadata.create_all(database.engine)
        with database.transaction() as conn:
            conn.execute(
                profiles.insert(),
                [{"id": i + 1, "integration_id": p, "total_sales": "0"} for i, p in enumerate(profile_ids)],
            )
            conn.execute(
                promos.insert(),
                [{"id": i + 1, "name": f"promo {i}", "basis_points": 500} for i in range(N_PROMOS)],
            )
            conn.commit()
    finally:
        database.dispose()


def price_cart(request: IntegrationRequest, burn: int) -> tuple[Decimal, int]:
    """The study's handler logic: line totals, then a fixed pure-Python loop (``burn`` iterations)."""
    total = Decimal(0)
    for item in request.customer_session.cart_items or ():
        total += (item.price or Decimal(0)) * item.quantity
    acc = 0
    for i in range(burn):
        acc = (acc * 31 + i) % 1_000_003
    return total, acc


def calibrate(body: bytes, target_s: float = 0.0002) -> tuple[int, float]:
    """Loop iterations that make ``price_cart`` cost ``target_s`` of CPU here (the thread's CPU time, so
    other load on the machine does not shorten the loop; fastest of 7 x 200 calls)."""
    request = decode(body, IntegrationRequest)

    def per_call(n: int) -> float:
        timings = []
        for _ in range(7):
            started = time.thread_time()
            for _ in range(200):
                price_cart(request, n)
            timings.append((time.thread_time() - started) / 200)
        return min(timings)

    n = 2000
    for _ in range(5):
        n = max(1, round(n * target_s / per_call(n)))
    return n, per_call(n)


class _Answer(msgspec.Struct, rename="camel"):
    session_id: str
    version: int
    total: Decimal
    discount: Decimal


def create_app() -> Litestar:
    database = Database(os.environ["BENCH_REF_DATABASE_URL"])
    burn = int(os.environ.get("BENCH_REF_BURN_N", "2400"))

    @put("/bench/ref/{session_id:str}")
    async def reference(session_id: str, body: bytes) -> Response[bytes]:
        def run() -> Response[bytes]:
            request = decode(body, IntegrationRequest)
            payload = request.customer_session
            total, _ = price_cart(request, burn)
            now = datetime.now(UTC)
            cart = body.decode()
            with database.transaction(write=True) as conn:
                stored = conn.execute(
                    sa.select(sessions.c.id, sessions.c.version).where(
                        sessions.c.integration_id == session_id
                    )
                ).first()
                conn.execute(
                    sa.select(profiles).where(profiles.c.integration_id == (payload.profile_id or ""))
                ).first()
                promo = conn.execute(
                    sa.select(promos).where(promos.c.id == 1 + sum(map(ord, session_id)) % N_PROMOS)
                ).first()
                if stored is None:
                    version = 1
                    row_id = conn.execute(
                        sessions.insert().returning(sessions.c.id),
                        {
                            "integration_id": session_id,
                            "profile_id": payload.profile_id or "",
                            "state": payload.state,
                            "cart": cart,
                            "total": str(total),
                            "version": version,
                            "updated": now,
                        },
                    ).scalar_one()
                else:
                    row_id, version = stored.id, stored.version + 1
                    conn.execute(
                        sessions.update()
                        .where(sessions.c.id == row_id)
                        .values(
                            state=payload.state, cart=cart, total=str(total), version=version, updated=now
                        )
                    )
                conn.execute(
                    events.insert(),
                    {"session_id": row_id, "type": "session_updated", "payload": "{}", "created": now},
                )
                conn.commit()
            points = promo.basis_points if promo is not None else 0
            answer = _Answer(session_id, version, total, (total * points / 10_000).quantize(Decimal("0.01")))
            return Response(encoder.encode(answer), media_type=MediaType.JSON)

        return await run_blocking(run)

    threads = default_threads(database.is_sqlite)  # as ``openpromo serve`` runs use cases by default
    return Litestar(
        route_handlers=[reference],
        on_startup=[lambda: run_use_cases(threads)],
        on_shutdown=[database.dispose],
        logging_config=None,
        debug=False,
    )


__all__ = ["calibrate", "create_app", "prepare", "price_cart"]

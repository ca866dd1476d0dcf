"""The ASGI application: routes, error mapping, metrics, and our msgspec JSON encoder."""

from __future__ import annotations

import anyio.to_thread
from litestar import Litestar
from litestar.datastructures import State
from litestar.openapi import OpenAPIConfig

from openpromo import __version__
from openpromo.api import bench, integration, management, system
from openpromo.api.errors import EXCEPTION_HANDLERS
from openpromo.api.responses import JSONResponse
from openpromo.services.container import Services


def create_app(services: Services, *, threads: int, bench_routes: bool = False) -> Litestar:
    """The app; ``threads``: how many use cases one worker runs at once (each in a thread, see
    docs/performance.md); ``bench_routes`` adds the benchmark's echo route (``OPENPROMO_BENCH_ROUTES=1``)."""
    extra = bench.ROUTES if bench_routes else []

    def limit_threads() -> None:
        anyio.to_thread.current_default_thread_limiter().total_tokens = threads

    return Litestar(
        on_startup=[limit_threads],
        route_handlers=[*system.ROUTES, *management.ROUTES, *integration.ROUTES, *extra],
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
        middleware=[system.metrics_middleware],
        response_class=JSONResponse,
        state=State({"services": services}),
        openapi_config=OpenAPIConfig(title="OpenPromo", version=__version__, path="/schema"),
        logging_config=None,
        debug=False,
    )


__all__ = ["create_app"]

"""The ASGI application: routes, error mapping, metrics, and our msgspec JSON encoder."""

from __future__ import annotations

from litestar import Litestar
from litestar.datastructures import State
from litestar.openapi import OpenAPIConfig

from openpromo import __version__
from openpromo.api import access, bench, docs, integration, management, system
from openpromo.api.errors import EXCEPTION_HANDLERS
from openpromo.api.responses import JSONResponse
from openpromo.api.routing import run_use_cases
from openpromo.config import DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_UPLOAD_BYTES
from openpromo.services.container import Services


def create_app(
    services: Services,
    *,
    threads: int,
    keepalive_requests: int = 0,
    bench_routes: bool = False,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES,
    access_log: bool = False,
) -> Litestar:
    """The app; ``threads``: how many use cases one worker runs at once in threads, 0 for one at a time
    on the event loop (``openpromo.api.routing.run_use_cases``); ``keepalive_requests``: responses on
    one connection before it is closed, 0 for no limit (``system.keepalive_limit``); ``bench_routes``
    adds the benchmark's echo route (``OPENPROMO_BENCH_ROUTES=1``). A body over ``max_body_bytes`` is a
    413 in the error shape; the CSV uploads (every ``import...`` operation) may reach
    ``max_upload_bytes``. Every request gets an id, is counted, and (``access_log``) logged in one line
    (``access.observed``, around the routing itself)."""
    extra = bench.ROUTES if bench_routes else []
    handlers = [*system.ROUTES, *management.ROUTES, *integration.ROUTES, *extra]
    for handler in handlers:
        if isinstance(handler.operation_id, str) and handler.operation_id.startswith("import"):
            handler.request_max_body_size = max_upload_bytes

    app = Litestar(
        on_startup=[lambda: run_use_cases(threads)],
        route_handlers=[*handlers, *docs.ROUTES],
        request_max_body_size=max_body_bytes,
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
        middleware=[system.keepalive_limit(keepalive_requests), system.refuse_nul],
        response_class=JSONResponse,
        state=State({"services": services}),
        openapi_config=OpenAPIConfig(title="OpenPromo", version=__version__, path="/schema"),
        logging_config=None,
        debug=False,
    )
    app.asgi_handler = access.observed(app.asgi_handler, access_log=access_log)
    return app


__all__ = ["create_app"]

"""The API's reference page: ``GET /docs``, Swagger UI over the served ``/openapi.json``.

Its scripts and styles are files of the ``swagger-ui-bundle`` package, served from ``/docs/assets``: the
page works with no network. "Authorize" takes each credential the document declares (``api_key_v1``:
``ApiKey-v1 <key>``; ``management_key``: ``ManagementKey-v1 <key>``; ``manager_auth``: a token from
``POST /v1/sessions``), so "Try it out" sends any kind of key.
"""

from __future__ import annotations

from litestar import MediaType, Response, Router, get
from litestar.handlers import HTTPRouteHandler
from litestar.static_files import create_static_files_router
from swagger_ui_bundle import swagger_ui_path

PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>OpenPromo API</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
  <link rel="icon" href="/docs/assets/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/assets/swagger-ui-standalone-preset.js"></script>
  <script>
    window.ui = SwaggerUIBundle({
      url: "/openapi.json",
      dom_id: "#swagger-ui",
      presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
      layout: "StandaloneLayout",
      persistAuthorization: true,
      tryItOutEnabled: true
    });
  </script>
</body>
</html>
"""


@get("/docs", include_in_schema=False, sync_to_thread=False)
def docs_page() -> Response[str]:
    return Response(PAGE, media_type=MediaType.HTML)


ASSETS: Router = create_static_files_router(
    path="/docs/assets", directories=[swagger_ui_path], include_in_schema=False, name="docs-assets"
)

ROUTES: list[HTTPRouteHandler | Router] = [docs_page, ASSETS]

__all__ = ["ROUTES"]

"""The HTTP edge: Litestar routes (``integration``, ``management``, ``system``), one ``endpoint`` call per
handler, the JSON codec, auth headers, error mapping and the OpenAPI document. Built by ``app.create_app``."""

__all__: list[str] = []

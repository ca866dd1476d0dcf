"""Management API use cases, one module per resource (create, read, update, delete, list)."""

__all__: list[str] = []

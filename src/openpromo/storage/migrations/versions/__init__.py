"""Alembic revisions, applied in order by ``openpromo migrate``."""

__all__: list[str] = []

"""SQLAlchemy Core on SQLite and PostgreSQL: the schema, migrations, the unit of work, the generic
``Records`` adapter and the narrow adapters of ``data``."""

__all__: list[str] = []

"""The operator's commands behind the CLI: backups, campaign files."""

__all__: list[str] = []

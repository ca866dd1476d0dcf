"""The operator's commands behind ``openpromo``: one module per command group (``serve``, ``users``,
``keys``, ``status``, and the data commands: backups and campaign files), each with ``add_commands`` (its
subcommands, flags and help) and the functions that run them through the services ``openpromo.bootstrap``
builds. ``cli`` only parses and reports."""

__all__: list[str] = []

"""Use cases, one transaction each: ``integration`` and ``management`` (one module per resource), the
``evaluation`` pipeline they share, the configuration ``snapshots``, and the ports storage implements
(``ports``, ``data``)."""

__all__: list[str] = []

"""Integration API use cases, one thin module per resource; rules run through ``services.evaluation``."""

__all__: list[str] = []

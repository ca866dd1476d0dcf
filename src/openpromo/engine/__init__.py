"""The promotion domain as values and pure functions: sessions, campaigns, evaluation, effects, budgets;
no I/O and no frameworks. Its modules are its surface."""

__all__: list[str] = []

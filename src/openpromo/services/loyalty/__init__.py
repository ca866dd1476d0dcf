"""Loyalty ledgers written and read: the book (one ledger opened for writing), the effects a commit
writes, their rollbacks, and balances as of any moment (docs/loyalty.md)."""

from openpromo.services.loyalty.balances import figures_at
from openpromo.services.loyalty.book import Book, Given, Meta
from openpromo.services.loyalty.effects import Context, Ledgers, commit_loyalty
from openpromo.services.loyalty.rollbacks import roll_back_loyalty

__all__ = [
    "Book",
    "Context",
    "Given",
    "Ledgers",
    "Meta",
    "commit_loyalty",
    "figures_at",
    "roll_back_loyalty",
]

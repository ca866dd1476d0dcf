"""Integration API routes (``/v1`` and ``/v2``), authenticated with ``ApiKey-v1`` keys."""

from openpromo.api.integration import cards, loyalty, offers, profiles, sessions

ROUTES = [*sessions.ROUTES, *profiles.ROUTES, *loyalty.ROUTES, *cards.ROUTES, *offers.ROUTES]

__all__ = ["ROUTES"]

"""Narrow, typed ports of the hot aggregates and their records (``openpromo.storage.data`` implements
them); plain create/read/update/delete goes through ``services.ports.Records``."""

from openpromo.services.data.customers import CustomerData
from openpromo.services.data.loyalty import LoyaltyData
from openpromo.services.data.offers import OfferData
from openpromo.services.data.sessions import SessionData

__all__ = ["CustomerData", "LoyaltyData", "OfferData", "SessionData"]

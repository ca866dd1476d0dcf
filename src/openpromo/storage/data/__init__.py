"""Adapters of the narrow ports of ``openpromo.services.data``: one per hot aggregate."""

from openpromo.storage.data.customers import SqlCustomerData
from openpromo.storage.data.loyalty import SqlLoyaltyData
from openpromo.storage.data.offers import SqlOfferData
from openpromo.storage.data.sessions import SqlSessionData

__all__ = ["SqlCustomerData", "SqlLoyaltyData", "SqlOfferData", "SqlSessionData"]

"""Several use cases in one transaction: a unit-of-work factory whose units of work all join one that
is already open.

A use case opens its own unit of work and commits it (``with self._uow() as uow: ...; uow.commit()``).
Handed a ``Joined`` factory instead, it runs unchanged inside the caller's transaction: its ``commit`` is
a no-op and leaving its block neither commits nor rolls back, so the caller alone decides, once, whether
everything they did together is kept (a campaign file's import: all of it or nothing).
"""

from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Self

from openpromo.services.ports import Records, UnitOfWork

if TYPE_CHECKING:
    from openpromo.services.data.achievements import AchievementData
    from openpromo.services.data.audiences import AudienceData
    from openpromo.services.data.catalogs import CatalogData
    from openpromo.services.data.customers import CustomerData
    from openpromo.services.data.ledgers import LedgerData
    from openpromo.services.data.loyalty import LoyaltyData
    from openpromo.services.data.offers import OfferData
    from openpromo.services.data.prices import PriceData
    from openpromo.services.data.sessions import SessionData


class JoinedUnitOfWork:
    """The open unit of work ``outer``, seen by a use case that thinks it has its own."""

    def __init__(self, outer: UnitOfWork) -> None:
        self._outer = outer

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        """The outer unit of work ends the transaction."""

    def commit(self) -> None:
        """The outer unit of work commits, or does not."""

    def writing(self) -> None:
        self._outer.writing()

    @property
    def writes_later(self) -> bool:
        return self._outer.writes_later

    @property
    def version(self) -> int | None:
        return self._outer.version

    @property
    def records(self) -> Records:
        return self._outer.records

    @property
    def sessions(self) -> SessionData:
        return self._outer.sessions

    @property
    def ledgers(self) -> LedgerData:
        return self._outer.ledgers

    @property
    def loyalty(self) -> LoyaltyData:
        return self._outer.loyalty

    @property
    def customers(self) -> CustomerData:
        return self._outer.customers

    @property
    def audiences(self) -> AudienceData:
        return self._outer.audiences

    @property
    def achievements(self) -> AchievementData:
        return self._outer.achievements

    @property
    def catalogs(self) -> CatalogData:
        return self._outer.catalogs

    @property
    def prices(self) -> PriceData:
        return self._outer.prices

    @property
    def offers(self) -> OfferData:
        return self._outer.offers


class Joined:
    """A ``UnitOfWorkFactory`` for use cases that are to run inside ``outer``'s transaction. The
    ``locks`` they ask for are not taken: the outer unit of work holds what it needs."""

    def __init__(self, outer: UnitOfWork) -> None:
        self._outer = outer

    def __call__(
        self, *, write: bool = True, locks: Sequence[str] = (), late_write: bool = False
    ) -> UnitOfWork:
        return JoinedUnitOfWork(self._outer)


__all__ = ["Joined", "JoinedUnitOfWork"]

"""Coupon reservations through the Integration API: reserve a coupon for customers, remove their
reservations, list the customers who hold one (the coupon wallet; docs/offers.md).

Our choices where the spec is silent:
- the endpoint ignores the coupon's ``reservationLimit`` (as Talon.One documents); the ``reserveCoupon``
  effect respects it (``services.evaluation.writes``);
- a coupon made for one customer (``recipientIntegrationId``) is not reservable for anyone else: 400
  naming the other integration id;
- a profile that does not exist yet is created by its reservation (with no attributes), as linking a
  loyalty card creates one: the wallet is how a shop registers what a customer collected;
- reserving a coupon a customer holds already, or removing a reservation a customer does not hold,
  changes nothing; the same id twice in a body counts once;
- ``reservationCounter`` is the number of customers holding a reservation now (a removal counts down);
- the list names the customers with a reservation, oldest reservation first: an implicitly reserved
  coupon (``implicitlyReserved``) is soft-reserved for every customer, who are not listed one by one.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from openpromo.services.access import application_snapshot
from openpromo.services.auth import IntegrationPrincipal
from openpromo.services.codes import normalise_code
from openpromo.services.data.records import StoredCoupon, StoredProfile
from openpromo.services.errors import ErrorDetail, NotFound, raise_problems
from openpromo.services.integration.base import IntegrationService
from openpromo.services.models.convert import from_row
from openpromo.services.models.coupons import Coupon
from openpromo.services.models.offers import CouponReservations, CustomerProfilePage
from openpromo.services.models.sessions import CustomerProfile
from openpromo.services.ports import Row, UnitOfWork


def columns(record: Any) -> dict[str, Any]:
    """A stored record's fields by name (for ``from_row``)."""
    return {f.name: getattr(record, f.name) for f in fields(record)}


def require_coupon(uow: UnitOfWork, app: Row, code: str, *, lock: bool = False) -> StoredCoupon:
    """The application's coupon by its code (as the application's ``caseSensitivity`` compares codes);
    404 when it has none, or when the coupon's campaign was deleted. ``lock``: its row locked."""
    coupon = uow.offers.coupon(app["id"], normalise_code(code, app["case_sensitivity"]), lock=lock)
    if coupon is None:
        raise NotFound("coupon", code)
    return coupon


def customer_record(profile: StoredProfile) -> CustomerProfile:
    return CustomerProfile(
        id=profile.id,
        created=profile.created,
        integration_id=profile.integration_id,
        attributes=profile.attributes,
        account_id=profile.account_id,
        closed_sessions=profile.closed_sessions,
        total_sales=profile.total_sales,
        last_activity=profile.last_activity or profile.created,
        sandbox=profile.sandbox,
    )


def _recipient_problems(coupon: StoredCoupon, profiles: list[str]) -> list[ErrorDetail]:
    recipient = coupon.recipient_integration_id
    if not recipient:
        return []
    return [
        ErrorDetail(
            "Invalid value",
            f"the coupon is made for the customer {recipient!r}: it cannot be reserved for another",
            f"/integrationIDs/{index}",
        )
        for index, profile in enumerate(profiles)
        if profile != recipient
    ]


class ReservationService(IntegrationService):
    def reserve(self, principal: IntegrationPrincipal, code: str, data: CouponReservations) -> Coupon:
        now = self._clock.now()
        with self._uow() as uow:
            snapshot = application_snapshot(self._snapshots, uow, principal)
            coupon = require_coupon(uow, snapshot.app, code)
            raise_problems(_recipient_problems(coupon, data.integration_ids))
            # Rows are taken in one order by every writer of reservations, so that two never wait for
            # each other: the profiles (sorted), then the coupon, then its reservations (a close that
            # reserves has made its profile before it locks the coupon).
            profiles = sorted(set(data.integration_ids))
            uow.loyalty.ensure_profiles(principal.account_id, profiles, now)
            coupon = require_coupon(uow, snapshot.app, code, lock=True)
            uow.offers.reserve(coupon, profiles, now)
            coupon = require_coupon(uow, snapshot.app, code)
            uow.commit()
        return from_row(Coupon, columns(coupon))

    def unreserve(self, principal: IntegrationPrincipal, code: str, data: CouponReservations) -> None:
        with self._uow() as uow:
            snapshot = application_snapshot(self._snapshots, uow, principal)
            coupon = require_coupon(uow, snapshot.app, code, lock=True)  # the coupon, then its reservations
            uow.offers.unreserve(coupon, sorted(set(data.integration_ids)))
            uow.commit()

    def customers(self, principal: IntegrationPrincipal, code: str) -> CustomerProfilePage:
        with self._uow(write=False) as uow:
            snapshot = application_snapshot(self._snapshots, uow, principal)
            coupon = require_coupon(uow, snapshot.app, code)
            found = uow.offers.reserved_customers(principal.account_id, coupon)
        return CustomerProfilePage(total_result_size=len(found), data=[customer_record(p) for p in found])


__all__ = ["ReservationService", "columns", "customer_record", "require_coupon"]

"""Integration API: coupon reservations (reserve, remove, list the customers holding one) and referral
codes (for one advocate or many). Coupon codes in paths are URL-encoded (``%25`` for ``%``)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, delete, get, post
from litestar.params import QueryParameter

from openpromo.api import endpoint
from openpromo.api.routing import INTEGRATION, body
from openpromo.services.errors import InvalidInput
from openpromo.services.models.coupons import Coupon, Referral
from openpromo.services.models.offers import (
    CouponReservations,
    CustomerProfilePage,
    NewReferral,
    NewReferralsForMultipleAdvocates,
    ReferralPage,
)

Req = Request[Any, Any, Any]
Silent = Annotated[str, QueryParameter(name="silent", required=False)]
RESERVATIONS = "/v1/coupon_reservations/{coupon_value:str}"


def _silent(value: str) -> bool:
    """``silent=yes`` (the default: answer 204) or ``no``; checked before the key, as a query parameter is."""
    if value not in ("yes", "no"):
        raise InvalidInput("silent is yes or no", parameter="silent")
    return value == "yes"


@post(
    RESERVATIONS,
    operation_id="createCouponReservation",
    status_code=201,
    **INTEGRATION,
    **body(CouponReservations),
)
async def create_coupon_reservation(request: Req, coupon_value: str, body: bytes) -> Response[Coupon]:
    return await endpoint.integration_write(
        request,
        body,
        lambda use, principal: use.reservations.reserve(
            principal, coupon_value, endpoint.decoded(body, CouponReservations)
        ),
        status_code=201,
    )


@delete(
    RESERVATIONS,
    operation_id="deleteCouponReservation",
    status_code=204,
    **INTEGRATION,
    **body(CouponReservations),
)
async def delete_coupon_reservation(request: Req, coupon_value: str, body: bytes) -> Response[None]:
    return await endpoint.integration_write(
        request,
        body,
        lambda use, principal: use.reservations.unreserve(
            principal, coupon_value, endpoint.decoded(body, CouponReservations)
        ),
        silent=True,
    )


@get(
    "/v1/coupon_reservations/customerprofiles/{coupon_value:str}",
    operation_id="getReservedCustomers",
    **INTEGRATION,
)
async def get_reserved_customers(request: Req, coupon_value: str) -> CustomerProfilePage:
    return await endpoint.integration(
        request, lambda use, principal: use.reservations.customers(principal, coupon_value)
    )


@post("/v1/referrals", operation_id="createReferral", status_code=201, **INTEGRATION, **body(NewReferral))
async def create_referral(request: Req, body: bytes) -> Response[Referral]:
    return await endpoint.integration_write(
        request,
        body,
        lambda use, principal: use.referral_codes.create(principal, endpoint.decoded(body, NewReferral)),
        status_code=201,
    )


@post(
    "/v1/referrals_for_multiple_advocates",
    operation_id="createReferralsForMultipleAdvocates",
    status_code=201,
    **INTEGRATION,
    **body(NewReferralsForMultipleAdvocates),
)
async def create_referrals_for_multiple_advocates(
    request: Req, body: bytes, silent: Silent = "yes"
) -> Response[ReferralPage]:
    return await endpoint.integration_write(
        request,
        body,
        lambda use, principal: use.referral_codes.create_for_advocates(
            principal, endpoint.decoded(body, NewReferralsForMultipleAdvocates)
        ),
        silent=_silent(silent),
        status_code=201,
    )


ROUTES = [
    create_coupon_reservation,
    delete_coupon_reservation,
    get_reserved_customers,
    create_referral,
    create_referrals_for_multiple_advocates,
]

__all__ = ["ROUTES"]

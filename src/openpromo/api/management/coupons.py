"""Management API: a campaign's coupons (create, import, list, update, delete) and referrals."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar import Request, Response, delete, get, post, put
from litestar.params import QueryParameter

from openpromo.api import endpoint
from openpromo.api.responses import JSONResponse
from openpromo.api.routing import (
    MANAGEMENT,
    CreatedAfter,
    CreatedBefore,
    PageSize,
    Skip,
    Sort,
    body,
    page,
    time_ranges,
)
from openpromo.services.models.base import Page
from openpromo.services.models.coupons import Coupon as CouponRecord
from openpromo.services.models.coupons import (
    CouponPage,
    Import,
    NewCoupons,
    NewCouponsForMultipleRecipients,
    Referral,
    UpdateCoupon,
    UpdateReferral,
)

Req = Request[Any, Any, Any]
CAMPAIGN = "/v1/applications/{application_id:int}/campaigns/{campaign_id:int}"
Silent = Annotated[Literal["yes", "no"], QueryParameter(name="silent", required=False)]
Text = Annotated[str | None, QueryParameter(required=False)]
Valid = Annotated[Literal["expired", "validNow", "validFuture"] | None, QueryParameter(required=False)]
TrueFalse = Annotated[Literal["true", "false"] | None, QueryParameter(required=False)]
Flag = Annotated[bool, QueryParameter(required=False)]


def _q(name: str) -> Any:
    return QueryParameter(name=name, required=False)


def _silent(value: str) -> bool:
    return value == "yes"


def _created(result: CouponPage | None) -> Response[CouponPage]:
    if result is None:
        return Response(b"", status_code=204)  # type: ignore[arg-type]
    return JSONResponse(result, status_code=200)


@post(CAMPAIGN + "/coupons", operation_id="createCoupons", status_code=200, **MANAGEMENT, **body(NewCoupons))
async def create_coupons(
    request: Req, application_id: int, campaign_id: int, body: bytes, silent: Silent = "yes"
) -> Response[CouponPage]:
    return _created(
        await endpoint.management(
            request,
            lambda use, principal: use.coupons.create(
                principal,
                application_id,
                campaign_id,
                endpoint.decoded(body, NewCoupons),
                silent=_silent(silent),
            ),
        )
    )


@post(
    CAMPAIGN + "/coupons_with_recipients",
    operation_id="createCouponsForMultipleRecipients",
    status_code=200,
    **MANAGEMENT,
    **body(NewCouponsForMultipleRecipients),
)
async def create_coupons_for_recipients(
    request: Req, application_id: int, campaign_id: int, body: bytes, silent: Silent = "yes"
) -> Response[CouponPage]:
    return _created(
        await endpoint.management(
            request,
            lambda use, principal: use.coupons.create_for_recipients(
                principal,
                application_id,
                campaign_id,
                endpoint.decoded(body, NewCouponsForMultipleRecipients),
                silent=_silent(silent),
            ),
        )
    )


@get(CAMPAIGN + "/coupons/no_total", operation_id="getCouponsWithoutTotalCount", **MANAGEMENT)
async def list_coupons(
    request: Req,
    application_id: int,
    campaign_id: int,
    page_size: PageSize = 1000,
    skip: Skip = 0,
    sort: Sort = None,
    value: Text = None,
    created_before: CreatedBefore = None,
    created_after: CreatedAfter = None,
    valid: Valid = None,
    usable: TrueFalse = None,
    redeemed: TrueFalse = None,
    referral_id: Annotated[int | None, _q("referralId")] = None,
    recipient_integration_id: Annotated[str | None, _q("recipientIntegrationId")] = None,
    batch_id: Annotated[str | None, _q("batchId")] = None,
    exact_match: Annotated[bool, _q("exactMatch")] = False,
    expires_before: Annotated[str | None, _q("expiresBefore")] = None,
    expires_after: Annotated[str | None, _q("expiresAfter")] = None,
    starts_before: Annotated[str | None, _q("startsBefore")] = None,
    starts_after: Annotated[str | None, _q("startsAfter")] = None,
    values_only: Annotated[bool, _q("valuesOnly")] = False,
) -> Page:
    return await endpoint.management(
        request,
        lambda use, principal: use.coupons.list(
            principal,
            application_id,
            campaign_id,
            page(page_size, skip, sort),
            {
                "value": value,
                "exact_match": exact_match,
                "recipient_integration_id": recipient_integration_id,
                "batch_id": batch_id,
                "referral_id": referral_id,
                "valid": valid,
                "usable": usable,
                "redeemed": redeemed,
                **time_ranges(
                    created=(created_before, created_after),
                    starts=(starts_before, starts_after),
                    expires=(expires_before, expires_after),
                ),
            },
            values_only=values_only,
        ),
    )


@put(CAMPAIGN + "/coupons/{coupon_id:int}", operation_id="updateCoupon", **MANAGEMENT, **body(UpdateCoupon))
async def update_coupon(
    request: Req, application_id: int, campaign_id: int, coupon_id: int, body: bytes
) -> CouponRecord:
    return await endpoint.management(
        request,
        lambda use, principal: use.coupons.update(
            principal, application_id, campaign_id, coupon_id, endpoint.decoded(body, UpdateCoupon)
        ),
    )


@delete(CAMPAIGN + "/coupons/{coupon_id:int}", operation_id="deleteCoupon", **MANAGEMENT)
async def delete_coupon(request: Req, application_id: int, campaign_id: int, coupon_id: int) -> None:
    return await endpoint.management(
        request,
        lambda use, principal: use.coupons.delete(principal, application_id, campaign_id, coupon_id),
    )


@post(CAMPAIGN + "/import_coupons", operation_id="importCoupons", status_code=200, **MANAGEMENT)
async def import_coupons(
    request: Req,
    application_id: int,
    campaign_id: int,
    skip_duplicates: Annotated[bool, QueryParameter(name="skipDuplicates", required=False)] = False,
) -> Import:
    """Multipart upload with the CSV in ``upFile`` (a plain ``text/csv`` body is accepted too)."""
    return await endpoint.upload(
        request,
        lambda use, principal, content: use.coupons.import_csv(
            principal, application_id, campaign_id, content, skip_duplicates=skip_duplicates
        ),
    )


@get(CAMPAIGN + "/referrals/no_total", operation_id="getReferralsWithoutTotalCount", **MANAGEMENT)
async def list_referrals(
    request: Req,
    application_id: int,
    campaign_id: int,
    page_size: PageSize = 1000,
    skip: Skip = 0,
    sort: Sort = None,
    code: Text = None,
    created_before: CreatedBefore = None,
    created_after: CreatedAfter = None,
    valid: Valid = None,
    usable: TrueFalse = None,
    advocate: Text = None,
) -> Page:
    return await endpoint.management(
        request,
        lambda use, principal: use.referrals.list(
            principal,
            application_id,
            campaign_id,
            page(page_size, skip, sort),
            {
                "code": code,
                "valid": valid,
                "usable": usable,
                "advocate": advocate,
                **time_ranges(created=(created_before, created_after)),
            },
        ),
    )


@put(
    CAMPAIGN + "/referrals/{referral_id:int}",
    operation_id="updateReferral",
    **MANAGEMENT,
    **body(UpdateReferral),
)
async def update_referral(
    request: Req, application_id: int, campaign_id: int, referral_id: int, body: bytes
) -> Referral:
    return await endpoint.management(
        request,
        lambda use, principal: use.referrals.update(
            principal, application_id, campaign_id, referral_id, endpoint.decoded(body, UpdateReferral)
        ),
    )


@delete(CAMPAIGN + "/referrals/{referral_id:int}", operation_id="deleteReferral", **MANAGEMENT)
async def delete_referral(request: Req, application_id: int, campaign_id: int, referral_id: int) -> None:
    return await endpoint.management(
        request,
        lambda use, principal: use.referrals.delete(principal, application_id, campaign_id, referral_id),
    )


ROUTES = [
    create_coupons,
    create_coupons_for_recipients,
    list_coupons,
    update_coupon,
    delete_coupon,
    import_coupons,
    list_referrals,
    update_referral,
    delete_referral,
]

__all__ = ["ROUTES"]

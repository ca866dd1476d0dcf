"""Referral codes through the Integration API: one for an advocate, or one each for up to 1000 advocates
(docs/offers.md). Both ignore the campaign's referral limits, as Talon.One documents: nothing here
consumes a ``createReferral`` budget.

Our choices where the spec is silent:
- the campaign must be one of the application's (not deleted) with the ``referrals`` feature, and every
  advocate an existing customer profile; otherwise 400 naming ``campaignId`` or the advocate (the spec
  gives these operations no 404);
- codes follow the request's ``referralPattern`` and ``validCharacters``, else the campaign's
  ``referralSettings``, else ``####-####`` over ``A-Z0-9``; they are normalised by the application's
  ``caseSensitivity`` as the session normalises what it is sent;
- without ``usageLimit`` a single referral is unlimited (0), as one a rule creates;
- a friend equal to the advocate, an advocate named twice, or an ``expiryDate`` not after the
  ``startDate`` is a 400.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from openpromo.services.access import application_snapshot
from openpromo.services.auth import IntegrationPrincipal
from openpromo.services.codes import DEFAULT_CHARACTERS, DEFAULT_PATTERN, normalise_code, unique_codes
from openpromo.services.data.offers import ReferralWrite
from openpromo.services.data.records import StoredReferral
from openpromo.services.errors import ErrorDetail, InvalidInput, raise_problems
from openpromo.services.integration.base import IntegrationService
from openpromo.services.integration.reservations import columns
from openpromo.services.models.convert import from_row
from openpromo.services.models.coupons import Referral
from openpromo.services.models.offers import NewReferral, NewReferralsForMultipleAdvocates, ReferralPage
from openpromo.services.ports import Row, UnitOfWork

MIN_CODE, MAX_CODE = 4, 100
"""A referral code's length (spec: ``minLength`` 4; the column holds 100)."""


def referral_record(stored: StoredReferral) -> Referral:
    return from_row(Referral, columns(stored))


def _campaign(uow: UnitOfWork, application_id: int, campaign_id: int) -> Row:
    campaign = uow.records.get("campaigns", campaign_id, application_id=application_id, deleted=False)
    if campaign is None:
        raise InvalidInput(f"campaign {campaign_id} not found", pointer="/campaignId")
    if "referrals" not in (campaign["features"] or []):
        raise InvalidInput("the campaign does not have the referrals feature", pointer="/campaignId")
    return campaign


def _pattern(
    pattern: str | None, characters: list[str] | None, settings: dict[str, Any] | None
) -> tuple[str, list[str]]:
    """The pattern and the characters for ``#``; 400 when they cannot make referral codes."""
    chosen = pattern or (settings or {}).get("couponPattern") or DEFAULT_PATTERN
    alphabet = characters or (settings or {}).get("validCharacters") or list(DEFAULT_CHARACTERS)
    if "#" not in chosen:
        raise InvalidInput("the pattern needs at least one # to generate codes", pointer="/referralPattern")
    for index, character in enumerate(alphabet):
        if len(character) != 1:
            raise InvalidInput("a valid character is one character", pointer=f"/validCharacters/{index}")
    if not MIN_CODE <= len(chosen) <= MAX_CODE:
        raise InvalidInput(
            f"a referral code has {MIN_CODE} to {MAX_CODE} characters; {chosen!r} gives {len(chosen)}",
            pointer="/referralPattern",
        )
    return chosen, list(alphabet)


def _window(start: datetime | None, expiry: datetime | None) -> None:
    if start is not None and expiry is not None and expiry <= start:
        raise InvalidInput("the expiry date must be after the start date", pointer="/expiryDate")


def _advocate_problems(
    uow: UnitOfWork, account_id: int, advocates: Sequence[str], pointer: str, *, indexed: bool
) -> None:
    """400 for an advocate named twice or without a customer profile (``pointer``: the field, or with
    ``indexed`` the list, whose index is added)."""
    known = uow.records.existing(
        "customer_profiles", "integration_id", list(advocates), account_id=account_id
    )
    problems = []
    for index, advocate in enumerate(advocates):
        at = f"{pointer}/{index}" if indexed else pointer
        if advocate in advocates[:index]:
            problems.append(ErrorDetail("Invalid value", "an advocate appears twice", at))
        elif advocate not in known:
            problems.append(ErrorDetail("Invalid value", f"no customer profile {advocate!r}", at))
    raise_problems(problems)


class ReferralCodeService(IntegrationService):
    def create(self, principal: IntegrationPrincipal, data: NewReferral) -> Referral:
        _window(data.start_date, data.expiry_date)
        if data.friend_profile_integration_id == data.advocate_profile_integration_id:
            raise InvalidInput("the friend cannot be the advocate", pointer="/friendProfileIntegrationId")
        with self._uow() as uow:
            app = application_snapshot(self._snapshots, uow, principal).app
            campaign = _campaign(uow, app["id"], data.campaign_id)
            advocate = data.advocate_profile_integration_id
            _advocate_problems(
                uow, principal.account_id, [advocate], "/advocateProfileIntegrationId", indexed=False
            )
            pattern, characters = _pattern(None, None, campaign["referral_settings"])
            [code] = _codes(uow, app, pattern, characters, 1)
            write = ReferralWrite(
                application_id=app["id"],
                campaign_id=campaign["id"],
                code=code,
                lookup_code=normalise_code(code, app["case_sensitivity"]),
                advocate_profile_integration_id=advocate,
                usage_limit=data.usage_limit or 0,
                created=self._clock.now(),
                start_date=data.start_date,
                expiry_date=data.expiry_date,
                friend_profile_integration_id=data.friend_profile_integration_id or None,
                attributes=data.attributes,
            )
            [stored] = uow.offers.insert_referrals([write])
            uow.commit()
        return referral_record(stored)

    def create_for_advocates(
        self, principal: IntegrationPrincipal, data: NewReferralsForMultipleAdvocates
    ) -> ReferralPage:
        """The referrals created (``silent=yes`` answers 204 without them: the API leaves them out)."""
        _window(data.start_date, data.expiry_date)
        advocates = data.advocate_profile_integration_ids
        with self._uow() as uow:
            app = application_snapshot(self._snapshots, uow, principal).app
            campaign = _campaign(uow, app["id"], data.campaign_id)
            _advocate_problems(
                uow, principal.account_id, advocates, "/advocateProfileIntegrationIds", indexed=True
            )
            pattern, characters = _pattern(
                data.referral_pattern, data.valid_characters, campaign["referral_settings"]
            )
            codes = _codes(uow, app, pattern, characters, len(advocates))
            now, batch = self._clock.now(), secrets.token_hex(8)
            writes = [
                ReferralWrite(
                    application_id=app["id"],
                    campaign_id=campaign["id"],
                    code=code,
                    lookup_code=normalise_code(code, app["case_sensitivity"]),
                    advocate_profile_integration_id=advocate,
                    usage_limit=data.usage_limit,
                    created=now,
                    start_date=data.start_date,
                    expiry_date=data.expiry_date,
                    attributes=data.attributes,
                    batch_id=batch,
                )
                for code, advocate in zip(codes, advocates, strict=True)
            ]
            stored = uow.offers.insert_referrals(writes)
            uow.commit()
        return ReferralPage(total_result_size=len(stored), data=[referral_record(r) for r in stored])


def _codes(uow: UnitOfWork, app: Row, pattern: str, characters: list[str], count: int) -> list[str]:
    """``count`` codes no referral of the application has (compared as the application compares
    codes), in the form they are stored."""
    case = app["case_sensitivity"]
    try:
        codes = unique_codes(
            count,
            pattern,
            characters,
            lambda c: normalise_code(c, case),
            lambda keys: uow.records.existing("referrals", "lookup_code", keys, application_id=app["id"]),
        )
    except ValueError as exc:
        raise InvalidInput(str(exc), pointer="/referralPattern") from None
    return [normalise_code(code, case) for code in codes]


__all__ = ["ReferralCodeService", "referral_record"]

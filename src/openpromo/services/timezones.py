"""Validation of time zone names (IANA, via zoneinfo) and currency codes (ISO 4217 minor units)."""

from __future__ import annotations

import zoneinfo
from functools import lru_cache

from openpromo.services.errors import InvalidInput


@lru_cache(maxsize=512)
def zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


def check_timezone(name: str, *, pointer: str) -> None:
    try:
        zone(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(f"unknown time zone {name!r}", pointer=pointer) from None


def check_currency(code: str, *, pointer: str) -> None:
    if not (len(code) == 3 and code.isalpha() and code.isupper()):
        raise InvalidInput(f"{code!r} is not an ISO 4217 currency code", pointer=pointer)


__all__ = ["check_currency", "check_timezone", "zone"]

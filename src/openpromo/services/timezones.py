"""Validation of time zone names (IANA, via zoneinfo) and currency codes (ISO 4217 minor units)."""

from __future__ import annotations

import zoneinfo
from functools import lru_cache

from openpromo.services.errors import InvalidInput


@lru_cache(maxsize=512)
def zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


@lru_cache(maxsize=1)
def _known() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def check_timezone(name: str, *, pointer: str) -> None:
    """An IANA zone name: looked up in the list of zones, never opened as a path (``America`` is a folder
    of the zone database, and a 300-character name is too long for a file name)."""
    if name not in _known():
        raise InvalidInput(f"unknown time zone {name[:100]!r}", pointer=pointer)


def check_currency(code: str, *, pointer: str) -> None:
    if not (len(code) == 3 and code.isalpha() and code.isupper()):
        raise InvalidInput(f"{code!r} is not an ISO 4217 currency code", pointer=pointer)


__all__ = ["check_currency", "check_timezone", "zone"]

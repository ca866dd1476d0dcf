"""Account-level records subscribe to applications (and attributes to catalogs): the ids must exist."""

from __future__ import annotations

from collections.abc import Sequence

from openpromo.services.errors import ErrorDetail, raise_problems
from openpromo.services.ports import Records


def unknown_ids(
    records: Records, table: str, account_id: int, ids: Sequence[int] | None, pointer: str
) -> list[ErrorDetail]:
    """A problem at ``pointer/<index>`` for every id of ``ids`` that is not a live row of ``table``."""
    if not ids:
        return []
    where = {"account_id": account_id, "id": list(ids)}
    if table == "applications":
        where["deleted"] = False
    known = {row["id"] for row in records.find(table, where).rows}
    what = table.rstrip("s")
    return [
        ErrorDetail("Unknown", f"{what} {ident} does not exist", f"{pointer}/{index}")
        for index, ident in enumerate(ids)
        if ident not in known
    ]


def unknown_applications(
    records: Records, account_id: int, ids: Sequence[int] | None, pointer: str
) -> list[ErrorDetail]:
    return unknown_ids(records, "applications", account_id, ids, pointer)


def require_applications(
    records: Records, account_id: int, ids: Sequence[int] | None, pointer: str = "/subscribedApplicationsIds"
) -> None:
    """Refuse (400, every unknown id named) a subscription to applications that do not exist."""
    raise_problems(unknown_applications(records, account_id, ids, pointer))


__all__ = ["require_applications", "unknown_applications", "unknown_ids"]

"""CSV uploads (coupons, giveaway codes, collection items): decoded once, headers normalised."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime

from openpromo.services.auth import ManagementPrincipal
from openpromo.services.errors import InvalidInput
from openpromo.services.models.coupons import Import
from openpromo.services.ports import UnitOfWork


def csv_rows(content: bytes) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    """The lower-cased header and the rows as (line number, stripped cells); 400 if not UTF-8."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("the file is not UTF-8 text", pointer="/upFile") from None
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    reader.fieldnames = header

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        for line, raw in enumerate(reader, start=2):
            yield line, {k: (v or "").strip() for k, v in raw.items() if k}

    return header, rows()


def record_import(
    uow: UnitOfWork,
    principal: ManagementPrincipal,
    entity: str,
    amount: int,
    now: datetime,
    app_id: int | None = None,
) -> Import:
    """The ``Import`` of ``amount`` rows of ``entity``, recorded in the importing transaction."""
    import_id = uow.records.insert(
        "imports",
        {
            "account_id": principal.account_id,
            "application_id": app_id,
            "created": now,
            "user_id": principal.actor_id,
            "entity": entity,
            "amount": amount,
        },
    )
    return Import(
        id=import_id,
        created=now,
        account_id=principal.account_id,
        user_id=principal.actor_id,
        entity=entity,
        amount=amount,
    )


__all__ = ["csv_rows", "record_import"]

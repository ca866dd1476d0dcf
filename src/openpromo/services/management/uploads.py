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
    """The lower-cased header and the rows as (line number, stripped cells); 400 if not UTF-8 or not CSV."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("the file is not UTF-8 text", pointer="/upFile") from None
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [h.strip().lower() for h in reader.fieldnames or []]
    except csv.Error as exc:
        raise InvalidInput(f"line 1: {exc}", pointer="/upFile/1") from None
    reader.fieldnames = header

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        try:
            for raw in reader:
                # the file's line the row ends on (blank lines are skipped; a quoted cell may span lines)
                yield reader.line_num, {k: (v or "").strip() for k, v in raw.items() if k}
        except csv.Error as exc:
            line = reader.line_num + 1  # the csv module has not counted the line it failed on
            raise InvalidInput(f"line {line}: {exc}", pointer=f"/upFile/{line}") from None

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

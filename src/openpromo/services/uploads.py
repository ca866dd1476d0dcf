"""CSV uploads (coupons, giveaway codes, collection items): decoded once, headers normalised."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from openpromo.services.errors import InvalidInput


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


__all__ = ["csv_rows"]

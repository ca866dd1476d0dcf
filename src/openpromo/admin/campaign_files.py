"""``openpromo campaigns export|import``: campaign files read and written by the command line.

A file is decoded one entry at a time, so that the first problem of every entry is reported (msgspec
stops at the first one of a document), each with a JSON pointer into the file:
``/campaigns/2/limits/0/limit: Expected `number`, got `str```.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Literal, TypeVar

import msgspec

from openpromo.services.errors import ErrorDetail
from openpromo.services.models.base import decode_hook, encode_hook
from openpromo.services.models.campaign_files import CampaignEntry, CampaignFile, GroupEntry, ImportReport

T = TypeVar("T")

_encoder = msgspec.json.Encoder(decimal_format="number", enc_hook=encode_hook)
_WHERE = re.compile(r" - at `\$(?P<path>[^`]*)`$")
_STEP = re.compile(r"\.([^.\[]+)|\[(\d+)\]|\[\.\.\.\]")


class FileProblems(Exception):
    """A campaign file that cannot be imported: one ``pointer: problem`` line per problem."""

    def __init__(self, lines: Sequence[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = list(lines)


class _Envelope(msgspec.Struct, rename="camel", forbid_unknown_fields=True, kw_only=True):
    """The document around its entries, which are decoded one by one."""

    format: Literal["openpromo.campaigns"]
    version: Literal[1]
    exported_at: datetime | None = None
    application_id: int | None = None
    evaluation_groups: list[msgspec.Raw] = msgspec.field(default_factory=list)
    campaigns: list[msgspec.Raw]


def encode(data: CampaignFile) -> str:
    """The file as JSON, indented, its fields in the models' order (stable diffs in version control)."""
    return msgspec.json.format(_encoder.encode(data), indent=2).decode() + "\n"


def parse(text: bytes) -> CampaignFile:
    """A campaign file's content, or ``FileProblems`` naming everything wrong with its shape."""
    envelope = _decoded(text, _Envelope, "")
    problems: list[str] = []
    groups = [
        _entry(raw, GroupEntry, f"/evaluationGroups/{i}", problems)
        for i, raw in enumerate(envelope.evaluation_groups)
    ]
    campaigns = [
        _entry(raw, CampaignEntry, f"/campaigns/{i}", problems) for i, raw in enumerate(envelope.campaigns)
    ]
    if problems:
        raise FileProblems(problems)
    return CampaignFile(
        format=envelope.format,
        version=envelope.version,
        exported_at=envelope.exported_at,
        application_id=envelope.application_id,
        evaluation_groups=[g for g in groups if g is not None],
        campaigns=[c for c in campaigns if c is not None],
    )


def _entry(raw: msgspec.Raw, model: type[T], pointer: str, problems: list[str]) -> T | None:
    try:
        return _decoded(raw, model, pointer)
    except FileProblems as exc:
        problems.extend(exc.lines)
        return None


def _decoded(text: bytes | msgspec.Raw, model: type[T], pointer: str) -> T:
    decoder: msgspec.json.Decoder[T] = msgspec.json.Decoder(model, dec_hook=decode_hook, float_hook=Decimal)
    try:
        return decoder.decode(text)
    except msgspec.DecodeError as exc:
        message = str(exc)
        where = _WHERE.search(message)
        if where is None:
            raise FileProblems([f"{pointer or '/'}: {message}"]) from None
        inner = "".join(f"/{name or index or '...'}" for name, index in _STEP.findall(where["path"]))
        raise FileProblems([f"{pointer + inner or '/'}: {message[: where.start()]}"]) from None


def problem_lines(details: Sequence[ErrorDetail]) -> list[str]:
    """A use case's problems, one line each, pointed into the file."""
    return [f"{d.pointer or '/'}: {d.details or d.title}" for d in details]


def summary(report: ImportReport, application_id: int) -> list[str]:
    """What an import did (or, dry, would do): a count line, then one line per campaign and group."""
    counts = (
        f"{len(report.created)} created, {len(report.updated)} updated, {len(report.unchanged)} unchanged; "
        f"{len(report.groups_created)} evaluation groups created"
    )
    head = f"application {application_id}: {counts}"
    if report.dry_run:
        head = f"dry run, nothing written: {head}"
    lines = [head]
    for kind, names in (
        ("evaluation group created", report.groups_created),
        ("created", report.created),
        ("updated", report.updated),
        ("unchanged", report.unchanged),
    ):
        lines += [f"  {kind}: {name}" for name in names]
    return lines


__all__ = ["FileProblems", "encode", "parse", "problem_lines", "summary"]

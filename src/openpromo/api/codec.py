"""JSON in and out of the API with msgspec: strict typed decoding, exact 400s with a JSON pointer.

Litestar's own body handling converts leniently (``"1"`` would pass as ``1``) and drops the field path
from errors, so bodies arrive as raw bytes and are decoded here with a cached typed decoder.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache
from typing import Any, TypeVar

import msgspec

from openpromo.services.errors import InvalidInput
from openpromo.services.models.base import decode_hook, encode_hook

T = TypeVar("T")

encoder = msgspec.json.Encoder(decimal_format="number", enc_hook=encode_hook)
_PATH_RE = re.compile(r" - at `\$(?P<path>[^`]*)`$")
_MISSING_RE = re.compile(r"^Object missing required field `(?P<field>[^`]+)`")
_PART_RE = re.compile(r"\.([^.\[]+)|\[(\d+)\]|\[\.\.\.\]")


@cache
def _decoder(model: Any) -> msgspec.json.Decoder[Any]:
    return msgspec.json.Decoder(model, float_hook=Decimal, dec_hook=decode_hook)


def json_pointer(path: str) -> str:
    """``$.customerSession.cartItems[0].price`` (msgspec's notation, without ``$``) as a JSON pointer."""
    parts = []
    for name, index in _PART_RE.findall(path):
        parts.append(name or index)
    return "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in parts)


def validation_error(exc: msgspec.ValidationError, path: str | None = None) -> InvalidInput:
    """``path``: the error's path with the keys of maps filled in (msgspec writes ``[...]`` for them)."""
    text = str(exc)
    match = _PATH_RE.search(text)
    message = text[: match.start()] if match else text
    pointer = json_pointer(path if path is not None else match.group("path")) if match else ""
    missing = _MISSING_RE.match(message)
    if missing:
        pointer += "/" + missing.group("field")
        return InvalidInput(message, pointer=pointer or "/", title="Missing required field")
    return InvalidInput(message, pointer=pointer or "/", title="Invalid value")


def decode(body: bytes, model: type[T]) -> T:
    """Decode and validate a request body, or raise InvalidInput naming the offending field."""
    if not body.strip():
        raise InvalidInput("the request body is empty", pointer="/", title="Invalid JSON")
    if not body.isascii():  # JSON is UTF-8; msgspec does not check the fields a model ignores
        try:
            body.decode()
        except UnicodeDecodeError as exc:
            raise InvalidInput(
                f"the request body is not valid UTF-8 (at byte {exc.start})",
                pointer="/",
                title="Invalid JSON",
            ) from None
    try:
        decoded: T = _decoder(model).decode(body)  # type: ignore[arg-type]
    except msgspec.ValidationError as exc:
        raise validation_error(exc, _keyed(body, model, str(exc))) from None
    except msgspec.DecodeError as exc:
        raise InvalidInput(str(exc), pointer="/", title="Invalid JSON") from None
    except RecursionError:
        raise InvalidInput(
            "the JSON document is nested too deeply", pointer="/", title="Invalid JSON"
        ) from None
    if b"\\u0000" in body:
        _refuse_nul(msgspec.json.decode(body), "")
    return decoded


def _refuse_nul(value: Any, pointer: str) -> None:
    """No text may hold a NUL character: PostgreSQL cannot store one, and SQLite would store what
    PostgreSQL refuses (both databases answer the same 400)."""
    if isinstance(value, str) and "\x00" in value:
        raise InvalidInput(
            "text may not contain a NUL character", pointer=pointer or "/", title="Invalid value"
        )
    if isinstance(value, dict):
        for key, item in value.items():
            escaped = key.replace("~", "~0").replace("/", "~1")
            _refuse_nul(key, f"{pointer}/{escaped}")
            _refuse_nul(item, f"{pointer}/{escaped}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _refuse_nul(item, f"{pointer}/{index}")


def _keyed(body: bytes, model: Any, text: str) -> str | None:
    """The error's path with the key of each map in it: the first key whose entry alone gives the same
    error (only on this error path: the document is decoded again once per key tried)."""
    match = _PATH_RE.search(text)
    if match is None or "[...]" not in match.group("path"):
        return None
    path = match.group("path")
    document = msgspec.json.decode(body)
    while "[...]" in path:
        head, _, rest = path.partition("[...]")
        holder = _at(document, head)
        if not isinstance(holder, dict):
            return None
        for key in list(holder):
            trial = {key: holder[key]}
            if _fails_the_same(document, head, trial, model, text):
                path = f"{head}.{key}{rest}"
                break
        else:
            return None
    return path


def _at(document: Any, path: str) -> Any:
    for name, index in _PART_RE.findall(path):
        document = (
            document[int(index)] if index else document.get(name) if isinstance(document, dict) else None
        )
    return document


def _fails_the_same(document: Any, head: str, trial: dict[str, Any], model: Any, text: str) -> bool:
    parts = _PART_RE.findall(head)
    copy = msgspec.json.decode(msgspec.json.encode(document))
    holder = copy
    for name, index in parts[:-1]:
        holder = holder[int(index)] if index else holder[name]
    last_name, last_index = parts[-1] if parts else ("", "")
    if not parts:
        copy = trial
    elif last_index:
        holder[int(last_index)] = trial
    else:
        holder[last_name] = trial
    try:
        _decoder(model).decode(msgspec.json.encode(copy))
    except msgspec.ValidationError as exc:
        return str(exc) == text
    return False


def convert(value: Any, model: type[T], *, pointer: str = "") -> T:
    """Validate an already-parsed JSON value against a model (used for nested documents)."""
    try:
        return msgspec.convert(value, model, dec_hook=decode_hook)
    except msgspec.ValidationError as exc:
        error = validation_error(exc)
        if pointer:
            for detail in error.details:
                inner = detail.pointer or "/"
                detail_pointer = pointer + (inner if inner != "/" else "")
                object.__setattr__(detail, "pointer", detail_pointer)
        raise error from None


__all__ = ["convert", "decode", "encoder", "json_pointer"]

"""JSON text as ECS reads and writes it: RFC 8259 JSON only.

Python's json module also reads `NaN`, `Infinity` and `-Infinity`, and turns a number beyond the
double range (`1e999`) into infinity; none of these is JSON, and echoing them back would make a
response no JSON parser reads (Node's JSON.parse refuses it). Nesting too deep to parse is
refused too, rather than raising RecursionError.
"""

from __future__ import annotations

import json
import math
from typing import Any

import orjson

from .errors import EcsError


class NonFiniteNumber(ValueError):
    pass


def _refuse_constant(name: str) -> float:
    raise NonFiniteNumber(name)


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise NonFiniteNumber(text)
    return value


# One decoder for every request (json.loads with options builds a new one per call).
_DECODER = json.JSONDecoder(parse_constant=_refuse_constant, parse_float=_finite)


# 19 digits in a row may be an integer beyond 64 bits, which orjson reads as a float where the
# stdlib keeps it exact (so every check sees the number the client sent). Looked for as 19
# zeros in the text with every digit made 0 and all else a space (a regex costs 4x as much).
_DIGITS_AS_ZERO = bytes(0x30 if 0x30 <= b <= 0x39 else 0x20 for b in range(256))
_LONG_RUN = b"0" * 19


def parse_json(text: bytes | str) -> Any:
    """The JSON value of `text`; a SerializationException when it is not JSON (or is nested
    too deeply, or holds a number that is not finite).

    orjson reads RFC 8259 JSON and nothing else, several times faster than the stdlib: what it
    reads, it reads as the stdlib does, so a body it accepts is taken from it. Whatever it
    refuses (not JSON, but also UTF-16 text, a UTF-8 byte order mark, a lone surrogate escape,
    nesting past 1,024 levels) goes to the stdlib's reader below, which decides."""
    if isinstance(text, bytes) and _LONG_RUN not in text.translate(_DIGITS_AS_ZERO):
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError:
            pass
    try:
        # What json.loads does first: bytes are UTF-8, -16 or -32 (told by their first
        # bytes); a str may not start with a byte order mark.
        if not isinstance(text, str):
            text = text.decode(json.detect_encoding(text), "surrogatepass")
        elif text.startswith("\ufeff"):
            raise ValueError("Unexpected UTF-8 BOM")
        return _DECODER.decode(text)
    except NonFiniteNumber:
        # Mock decision: refused as unreadable JSON, since JSON has no NaN or Infinity.
        raise EcsError(
            "SerializationException",
            "The request body is not valid JSON: numbers must be finite (no NaN or Infinity).",
        ) from None
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: nesting too deep
        raise EcsError("SerializationException", "The request body is not valid JSON.") from None


# One encoder for every answer: json.dumps with non-default options builds a new one per call.
# allow_nan=False: a NaN or infinity that got past every check raises rather than going out as
# text no JSON parser reads.
_ENCODER = json.JSONEncoder(separators=(",", ":"), allow_nan=False)


def encode(payload: dict[str, Any]) -> bytes:
    """The JSON body: orjson (an order of magnitude faster than the stdlib's encoder on a
    100-task answer), the stdlib's where orjson would differ or refuses.

    orjson writes NaN and infinity as `null` where the stdlib's encoder refuses them, so a body
    with `null` anywhere (no checked answer has one, the model has no null; a string may hold
    the letters) is encoded again by the stdlib's, which raises for a non-finite number. orjson
    also refuses what the stdlib's writes (lone surrogates, integers beyond 64 bits): those go
    to the stdlib's too. Either way the same JSON document."""
    try:
        body = orjson.dumps(payload)
    except orjson.JSONEncodeError:
        return _ENCODER.encode(payload).encode()
    if b"null" in body:
        return _ENCODER.encode(payload).encode()
    return body


class Encoded(dict[str, Any]):
    """An answer its handler has already encoded (to keep it as text): the same dict, with the
    body `encode` made of it, which the reply sends rather than encoding it a second time.
    Nothing may change the dict once it is made."""

    __slots__ = ("body",)
    body: bytes


def encoded(payload: dict[str, Any], body: bytes) -> Encoded:
    """`payload` (shallowly copied: an answer has a few top-level keys) with its `body`. (No
    `__init__` of Encoded's own: a Python-level one costs more than the copy.)"""
    answer = Encoded(payload)
    answer.body = body
    return answer

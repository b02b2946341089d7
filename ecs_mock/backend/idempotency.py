"""clientToken idempotency: a replayed request gets the first answer; a changed one, a conflict.

"If you don't specify a client token, the AWS SDKs and CLI generate one" (ECS idempotency
docs), so every botocore RunTask carries one and botocore's retries resend it. Scope is the
operation and the cluster; a token is remembered for 24 hours of clock time.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

import orjson

from ..errors import EcsError, invalid_parameter
from ..strict_json import encode, encoded
from .state import Ref, Region

TTL_SECONDS = 24 * 3600
MAX_TOKEN = 64
# Mock decision: a region remembers at most this many tokens (the oldest are forgotten first),
# so a long-running server's memory stays bounded although every SDK call sends a new token.
MAX_REMEMBERED = 10_000
KIND = "client-token"  # the state file's rows of remembered answers


# Text json.dumps writes as it is (printable ASCII but `"` and `\`): true of the operation, the
# cluster's name and every valid token, whose keys are then written without the encoder.
_VERBATIM = re.compile(r"[ !#-\[\]-~]*\Z")


def token_key(key: tuple[str, str, str]) -> str:
    """A remembered answer's key as the state file names it: json.dumps of the key as a list
    (worked out only when a state file writes it, not when the token is touched)."""
    if all(_VERBATIM.match(part) for part in key):
        return '["' + '", "'.join(key) + '"]'
    return json.dumps(list(key))


@dataclass(slots=True)
class Remembered:
    fingerprint: str
    response: str  # the first answer, as JSON text
    resource_ids: list[str]
    expires: float


def check_token(token: str | None, limit: int = MAX_TOKEN) -> None:
    """Up to `limit` ASCII characters 33-126 (documented); the messages are a Mock decision."""
    if token is None:
        return
    if len(token) > limit:
        raise invalid_parameter(f"clientToken longer than {limit}.")
    # ASCII 33-126: printable ASCII but the space (str methods: a regex costs several times more)
    if not (token and token.isascii() and token.isprintable() and " " not in token):
        raise invalid_parameter(
            "clientToken may contain only ASCII characters from ! (33) to ~ (126)."
        )


# A fingerprint made from orjson's canonical text starts with "o:" (its SHA-256) or, for a short
# request, "t:" (the text itself: cheaper than hashing it, and as exact). One with neither was
# made from the stdlib's (by earlier builds, whose state files may hold it, or where orjson
# cannot write the request) and is compared the way it was made, so a remembered token keeps its
# meaning.
_FAST = "o:"
_TEXT = "t:"
_TEXT_UP_TO = 512  # bytes of canonical text kept as they are; a longer request keeps its hash


def _canonical(params: dict[str, Any]) -> bytes | None:
    try:
        return orjson.dumps(params, option=orjson.OPT_SORT_KEYS)
    except orjson.JSONEncodeError:  # integers beyond 64 bits: the stdlib's text
        return None


def fingerprint(params: dict[str, Any]) -> str:
    """The request, canonically: two requests are "the same" when equal here. The token is part
    of it, which changes nothing: only requests with the same token are ever compared."""
    text = _canonical(params)
    if text is None:
        return _slow_fingerprint(params)
    if len(text) <= _TEXT_UP_TO:
        return _TEXT + text.decode()
    return _FAST + hashlib.sha256(text).hexdigest()


def _slow_fingerprint(params: dict[str, Any]) -> str:
    """The earlier builds' fingerprint: the stdlib's canonical text of the request minus its
    token."""
    rest = {key: value for key, value in params.items() if key != "clientToken"}
    text = json.dumps(rest, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def same_request(remembered: str, params: dict[str, Any]) -> bool:
    """Whether `params` are the request `remembered` was made from (whichever way it was)."""
    if remembered.startswith(_TEXT):
        return remembered == fingerprint(params)
    if remembered.startswith(_FAST):  # made as the hash of the text, whatever its length
        text = _canonical(params)
        return text is not None and remembered == _FAST + hashlib.sha256(text).hexdigest()
    return remembered == _slow_fingerprint(params)


def answer_text(response: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The answer as JSON text to replay, and the answer to send now: encoded as an answer is
    (`strict_json.encode`), and then sent as that same text, not encoded again. One with NaN or
    infinity, which that refuses, is kept in the stdlib's text and sent as it is (for the
    dispatcher to refuse)."""
    try:
        body = encode(response)
    except ValueError:
        return json.dumps(response), response
    return body.decode(), encoded(response, body)


def replay(
    region: Region, scope: tuple[str, str], params: dict[str, Any], now: float
) -> dict[str, Any] | None:
    """The first answer to this token, or None when it is new (or expired). A token reused with
    other parameters is a ConflictException naming the first request's resources."""
    token = params.get("clientToken")
    if token is None:
        return None
    key = (*scope, token)
    found = region.client_tokens.get(key)
    if found is None:
        return None
    if found.expires <= now:
        del region.client_tokens[key]
        region.touch(Ref(KIND, key))
        return None
    if not same_request(found.fingerprint, params):
        # Mock decision: ECS documents the exception and its resourceIds, not the message.
        raise EcsError(
            "ConflictException",
            "The clientToken was already used by a request with different parameters.",
            fields={"resourceIds": list(found.resource_ids)},
        )
    answer: dict[str, Any] = json.loads(found.response)
    return answer


def remember(
    region: Region,
    scope: tuple[str, str],
    params: dict[str, Any],
    response: dict[str, Any],
    resource_ids: list[str],
    now: float,
) -> dict[str, Any]:
    """Keep the first answer to this request's token (if it has one); what to answer now."""
    token = params.get("clientToken")
    if token is None:
        return response
    tokens = region.client_tokens
    key = (*scope, token)
    text, answer = answer_text(response)
    tokens[key] = Remembered(fingerprint(params), text, resource_ids, now + TTL_SECONDS)
    region.touch(Ref(KIND, key))
    while len(tokens) > MAX_REMEMBERED:
        oldest = next(iter(tokens))
        del tokens[oldest]
        region.touch(Ref(KIND, oldest))
    return answer

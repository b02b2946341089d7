"""awsJson 1.1 as ECS speaks it: X-Amz-Target + JSON body in; 200/400/500 + JSON out."""

from __future__ import annotations

import itertools
import re
import uuid
from dataclasses import dataclass, field
from typing import Any, Final

from .errors import EcsError, shown
from .strict_json import Encoded, parse_json
from .strict_json import encode as encode

TARGET_PREFIX = "AmazonEC2ContainerServiceV20141113."
CONTENT_TYPE = "application/x-amz-json-1.1"
_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/\d{8}/([a-z0-9-]+)/")
_HOST_REGION = re.compile(r"ecs(?:-fips)?\.([a-z0-9-]+)\.(?:amazonaws\.com|api\.aws)")


@dataclass
class Reply:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    error: str | None = None  # the error code (`__type`) of an error reply, for the log


# Request ids: one random UUID prefix per process and a counter, so that every id is unique and
# UUID-shaped without drawing and formatting a fresh uuid4 for each request.
_REQUEST_ID_PREFIX: Final = str(uuid.uuid4())[:24]
_request_numbers = itertools.count(1)


def new_request_id() -> str:
    return f"{_REQUEST_ID_PREFIX}{next(_request_numbers) & 0xFFFFFFFFFFFF:012x}"


def reply(status: int, payload: dict[str, Any], request_id: str | None = None) -> Reply:
    body = payload.body if isinstance(payload, Encoded) else encode(payload)
    headers = {
        "x-amzn-RequestId": request_id or new_request_id(),
        "Content-Type": CONTENT_TYPE,
        "Content-Length": str(len(body)),
    }
    return Reply(status, body, headers)


def error_reply(error: EcsError, request_id: str | None = None) -> Reply:
    body = {"__type": error.code, "message": error.message, **error.fields}
    answer = reply(error.status, body, request_id)
    answer.error = error.code
    return answer


def operation_of(target: str | None) -> str:
    if not target or not target.startswith(TARGET_PREFIX):
        raise EcsError(
            "UnknownOperationException",
            f"X-Amz-Target must be {TARGET_PREFIX}<Operation>, got {shown(target)}.",
        )
    return target[len(TARGET_PREFIX) :]


def parse_body(body: bytes | str | None) -> dict[str, Any]:
    if not body:
        return {}
    params = parse_json(body)
    if not isinstance(params, dict):
        raise EcsError("SerializationException", "The request body must be a JSON object.")
    return params


def header(headers: Any, name: str) -> str | None:
    """A header's value whatever the mapping's case rules and byte/str type (botocore sends
    bytes for some headers; the HTTP server's mapping is a plain dict)."""
    value = headers.get(name)
    if value is None:
        lowered = name.lower()
        value = next((v for k, v in headers.items() if k.lower() == lowered), None)
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return None if value is None else str(value)


def signer_of(authorization: str | None) -> tuple[str | None, str | None]:
    """(access key, region) from a SigV4 Authorization header."""
    if not authorization:
        return None, None
    match = _CREDENTIAL.search(authorization)
    if match is None:
        return None, None
    return match.group(1), match.group(2)


def region_of_host(host: str) -> str | None:
    match = _HOST_REGION.search(host)
    return match.group(1) if match else None

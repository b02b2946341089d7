"""Modeled ECS errors: raised by the backend, sent as `{"__type","message"}`."""

from __future__ import annotations

from typing import Any

# Mock decision: an error message quotes at most this many characters of a caller's value, then
# "...", so a 10 MB name never comes back whole (ECS documents no such limit). Past the longest
# name ECS allows (255), so a name one character too long is still quoted whole.
MAX_ECHO = 300


class EcsError(Exception):
    """An error ECS itself would return; `code` becomes `__type` on the wire."""

    status = 400

    def __init__(
        self, code: str, message: str, status: int = 400, fields: dict[str, Any] | None = None
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status
        # Members the error shape has besides `message` (ConflictException's resourceIds).
        self.fields = dict(fields or {})


def shown(value: object, limit: int = MAX_ECHO) -> str:
    """A caller's value as an error message quotes it: text as it is (repr for anything else),
    cut to `limit` characters with "..." after."""
    if isinstance(value, str):
        text = value
    elif isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 256:
        text = f"<{value.bit_length()}-bit integer>"  # str() of a huge int is slow or refused
    else:
        try:
            text = repr(value)
        except Exception:  # a pathological value (nested too deep to print)
            text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[:limit] + "..."


def client_error(message: str) -> EcsError:
    return EcsError("ClientException", message)


def invalid_parameter(message: str) -> EcsError:
    return EcsError("InvalidParameterException", message)


def cluster_not_found() -> EcsError:
    return EcsError("ClusterNotFoundException", "Cluster not found.")


def server_error(message: str = "Service Unavailable. Please try again later.") -> EcsError:
    return EcsError("ServerException", message, status=500)

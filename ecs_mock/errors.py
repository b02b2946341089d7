"""Modeled ECS errors: raised by the backend, sent as `{"__type","message"}`."""

from __future__ import annotations

from typing import Any


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


def client_error(message: str) -> EcsError:
    return EcsError("ClientException", message)


def invalid_parameter(message: str) -> EcsError:
    return EcsError("InvalidParameterException", message)


def cluster_not_found() -> EcsError:
    return EcsError("ClusterNotFoundException", "Cluster not found.")


def server_error(message: str = "Service Unavailable. Please try again later.") -> EcsError:
    return EcsError("ServerException", message, status=500)

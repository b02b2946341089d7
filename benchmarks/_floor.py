"""botocore's own floor: the same call answered with no backend at all.

* canned bytes: a `before-send` handler returns a prepared awsJson body, so botocore still builds,
  signs and parses exactly as it does for ecs_mock; only the backend is missing.
* Stubber: hooks `before-call` and hands back a prepared dict; no signing, no parsing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from _workload import client, per_call
from botocore.awsrequest import AWSResponse
from botocore.stub import Stubber

# The same raw-body object ecs_mock answers with, so the floor differs only in the backend.
from ecs_mock.intercept import _RawBody as _Raw


def wire_body(response: dict[str, Any]) -> bytes:
    """A boto3 response turned back into the bytes a service would send (epoch floats)."""
    payload = {k: v for k, v in response.items() if k != "ResponseMetadata"}
    return json.dumps(payload, default=lambda value: value.timestamp()).encode()


@contextmanager
def interception_suspended() -> Iterator[None]:
    """ecs_mock's interception taken out of botocore (its class-level wrappers removed, so the
    floor pays nothing for them) and put back, the mock and its state kept: a floor can then be
    timed between rounds of the same mock's calls. Benchmark-only use of ecs_mock internals."""
    from ecs_mock.intercept import INTERCEPTOR
    from ecs_mock.mock import _answer

    INTERCEPTOR.uninstall()
    try:
        yield
    finally:
        INTERCEPTOR.install(_answer)


def canned_client(operation: str, body: bytes) -> Any:
    ecs = client()
    headers = {
        "x-amzn-RequestId": "00000000-0000-4000-8000-000000000000",
        "Content-Type": "application/x-amz-json-1.1",
        "Content-Length": str(len(body)),
    }

    def answer(request: Any, **_: Any) -> AWSResponse:
        return AWSResponse(request.url, 200, headers, _Raw(body, headers))  # type: ignore[arg-type]

    ecs.meta.events.register(f"before-send.ecs.{operation}", answer)
    return ecs


def canned_call(
    operation: str, method: str, params: dict[str, Any], response: dict[str, Any]
) -> Callable[[], object]:
    ecs = canned_client(operation, wire_body(response))
    return lambda: getattr(ecs, method)(**params)


def time_canned(
    operation: str, method: str, params: dict[str, Any], response: dict[str, Any], n: int, r: int
) -> float:
    return per_call(canned_call(operation, method, params, response), n, r)


def time_stubber(
    method: str, params: dict[str, Any], response: dict[str, Any], n: int, r: int
) -> float:
    ecs = client()
    stubbed = {k: v for k, v in response.items() if k != "ResponseMetadata"}
    with Stubber(ecs) as stubber:
        # Queue every answer up front (Stubber validates each then, outside the timing).
        for _ in range(n * r + 1):
            stubber.add_response(method, stubbed)
        return per_call(lambda: getattr(ecs, method)(**params), n, r)

"""The same fuzzed requests as raw bytes over HTTP to the local server (loopback only)."""

from __future__ import annotations

import http.client
from collections.abc import Iterator

import pytest
from budget import budget
from hypothesis import given, settings
from hypothesis import strategies as st
from test_fuzz_dispatch import BASES, FUZZED, RAW_BODIES, REFS, SEED, Harness
from test_fuzz_strategies import FUZZ_SETTINGS, encode, requests

from ecs_mock.protocol import CONTENT_TYPE, TARGET_PREFIX
from ecs_mock.server import EcsServer

# What the HTTP door itself may answer before the dispatcher sees a request.
HTTP_ERRORS = frozenset({"RequestEntityTooLargeException"})
AUTHORIZATION = (
    "AWS4-HMAC-SHA256 Credential=AKIAECSMOCKTESTING00/20240101/us-east-1/ecs/aws4_request, "
    "SignedHeaders=host;x-amz-target, Signature=0"
)


def _post(port: int, operation: str, body: bytes | str) -> tuple[int, bytes]:
    data = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(
            "POST",
            "/",
            body=data,
            headers={
                "Content-Type": CONTENT_TYPE,
                "X-Amz-Target": TARGET_PREFIX + operation,
                "Authorization": AUTHORIZATION,
            },
        )
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@pytest.fixture(scope="module")
def harness() -> Iterator[Harness]:
    with EcsServer(port=0, empty=True, seed=SEED) as server:
        app = server.app
        yield Harness(
            app.view(),
            lambda: app.reset(empty=True),
            lambda operation, body: _post(server.port, operation, body),
            HTTP_ERRORS,
        )


@pytest.mark.parametrize("operation", FUZZED)
def test_fuzzed_requests_over_http(harness: Harness, operation: str) -> None:
    @settings(FUZZ_SETTINGS, max_examples=budget(60, 12))
    @given(requests(operation, REFS, BASES[operation]))
    def run(params: object) -> None:
        harness.run(operation, encode(params))

    run()


@settings(FUZZ_SETTINGS, max_examples=budget(100, 20))
@given(operation=st.sampled_from(FUZZED), body=RAW_BODIES)
def test_raw_bytes_over_http(harness: Harness, operation: str, body: bytes) -> None:
    harness.run(operation, body)

"""Fuzz through boto3 with client-side validation off: what a careless caller can send.

botocore's serializer itself raises on some wrong types (a string where it expects a list of
structures, say) before anything is sent: those are the client's own errors, not ours, and are
recognised by the mock never having received the request.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from budget import budget
from hypothesis import given, settings
from test_fuzz_dispatch import BASES, FUZZED, REFS, SEED, Harness
from test_fuzz_strategies import FUZZ_SETTINGS, allowed_error_codes, requests

from ecs_mock import mock_ecs

CLIENT_CONFIG = Config(parameter_validation=False, retries={"max_attempts": 1, "mode": "standard"})
CLIENT_SIDE: dict[str, int] = {}


@pytest.fixture(scope="module")
def harness() -> Iterator[Harness]:
    with mock_ecs(seed=SEED) as mock:
        yield Harness(mock, mock.reset)


def send(harness: Harness, operation: str, params: Any) -> None:
    client = boto3.client("ecs", region_name="us-east-1", config=CLIENT_CONFIG)
    method = getattr(client, _snake(operation))
    received = harness.mock.dispatcher.controls.received
    try:
        answer = method(**params)
    except ClientError as error:
        refused = error.response
    except Exception:
        if harness.mock.dispatcher.controls.received != received:
            raise  # the request reached the mock: whatever broke is ours
        CLIENT_SIDE[operation] = CLIENT_SIDE.get(operation, 0) + 1
        return
    else:
        assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
        harness.settle(operation, 200, {})
        return
    status = refused["ResponseMetadata"]["HTTPStatusCode"]
    assert status != 500, refused
    assert 400 <= status < 500, refused
    assert refused["Error"]["Code"] in allowed_error_codes(operation), refused
    harness.settle(operation, status, {"__type": refused["Error"]["Code"]})


def _snake(operation: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in operation).lstrip("_")


@pytest.mark.parametrize("operation", FUZZED)
def test_boto3_requests_without_client_validation(harness: Harness, operation: str) -> None:
    @settings(FUZZ_SETTINGS, max_examples=budget(120, 12))
    @given(requests(operation, REFS, BASES[operation]).filter(lambda p: isinstance(p, dict)))
    def run(params: dict[str, Any]) -> None:
        if all(isinstance(key, str) and key.isidentifier() for key in params):
            send(harness, operation, params)

    run()

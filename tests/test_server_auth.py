"""`--access-key`: SigV4 required and recomputed; the clock is never compared."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore import UNSIGNED
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError
from freezegun import freeze_time

from ecs_mock.server import Credential, EcsServer

GOOD = "AKIAGOODKEY000000001"
MAPPED = "AKIAMAPPEDKEY0000001"
MISMATCH = "The request signature we calculated does not match the signature you provided."


@pytest.fixture(scope="module")
def server() -> Iterator[EcsServer]:
    credentials = {
        GOOD: Credential("good-secret"),
        MAPPED: Credential("mapped-secret", "555566667777"),
    }
    with EcsServer(port=0, empty=True, credentials=credentials) as running:
        yield running


def client(server: EcsServer, key: str, secret: str, **config: Any) -> Any:
    return boto3.client(
        "ecs",
        endpoint_url=server.url,
        region_name="us-east-1",
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        config=Config(retries={"max_attempts": 1}, **config),
    )


def error_of(call: Any) -> dict[str, Any]:
    with pytest.raises(ClientError) as caught:
        call()
    response: dict[str, Any] = caught.value.response
    return {
        "code": response["Error"]["Code"],
        "message": response["Error"]["Message"],
        "status": response["ResponseMetadata"]["HTTPStatusCode"],
    }


def test_a_configured_key_signs_its_way_in_and_maps_to_its_account(server: EcsServer) -> None:
    assert client(server, GOOD, "good-secret").list_clusters()["clusterArns"] == []
    created = client(server, MAPPED, "mapped-secret").create_cluster(clusterName="mine")
    assert created["cluster"]["clusterArn"].split(":")[4] == "555566667777"


def test_a_wrong_secret_is_an_invalid_signature(server: EcsServer) -> None:
    error = error_of(client(server, GOOD, "not-the-secret").list_clusters)
    assert error["code"] == "InvalidSignatureException"
    assert error["status"] == 403
    assert error["message"].startswith(MISMATCH)


def test_an_unknown_key_is_unrecognized(server: EcsServer) -> None:
    error = error_of(client(server, "AKIAUNKNOWN000000000", "whatever").list_clusters)
    assert error == {
        "code": "UnrecognizedClientException",
        "message": "The security token included in the request is invalid.",
        "status": 400,
    }


def test_an_unsigned_request_is_refused(server: EcsServer) -> None:
    unsigned = client(server, GOOD, "good-secret", signature_version=UNSIGNED)
    error = error_of(unsigned.list_clusters)
    assert error["code"] == "MissingAuthenticationTokenException"


def test_a_frozen_clock_still_signs_validly(server: EcsServer) -> None:
    ecs = client(server, GOOD, "good-secret")
    with freeze_time("2001-02-03 04:05:06"):
        assert ecs.list_clusters()["clusterArns"] == []


def test_a_body_changed_after_signing_is_caught(server: EcsServer) -> None:
    body = json.dumps({"clusterName": "signed-name"})
    request = AWSRequest(
        method="POST",
        url=f"{server.url}/",
        data=body,
        headers={
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": "AmazonEC2ContainerServiceV20141113.CreateCluster",
        },
    )
    SigV4Auth(Credentials(GOOD, "good-secret"), "ecs", "us-east-1").add_auth(request)
    headers = dict(request.headers.items())
    assert _post(server, body, headers)[0] == 200
    status, error = _post(server, body.replace("signed", "forged"), headers)
    assert (status, error["__type"]) == (403, "InvalidSignatureException")
    clusters = client(server, GOOD, "good-secret").list_clusters()["clusterArns"]
    assert [arn.rsplit("/", 1)[1] for arn in clusters] == ["signed-name"]


def _post(server: EcsServer, body: str, headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.request("POST", "/", body=body.encode(), headers=headers)
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()

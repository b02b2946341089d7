"""The server's doors under attack: SigV4 as AWS checks it, a control surface that needs the
same signature and a JSON body, and a Host guard against DNS rebinding.

Each test fails on commit 5717414: an upper-case signing region ran requests in the default
account, a signature for another service or over UNSIGNED-PAYLOAD was accepted, X-Amz-Target
and Host did not need signing, and the control routes needed no signature, took a text/plain
cross-site POST and answered any Host.
"""

from __future__ import annotations

import hashlib
import http.client
import json
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from ecs_mock.protocol import CONTENT_TYPE, TARGET_PREFIX
from ecs_mock.server import Credential, EcsServer

PLAIN = "AKIAPLAINKEY00000001"  # maps to the default account
MAPPED = "AKIAMAPPEDKEY0000001"  # maps to 555566667777
SECRETS = {PLAIN: "plain-secret", MAPPED: "mapped-secret"}


@pytest.fixture
def server() -> Iterator[EcsServer]:
    credentials = {
        PLAIN: Credential("plain-secret"),
        MAPPED: Credential("mapped-secret", "555566667777"),
    }
    with EcsServer(port=0, credentials=credentials, seed=1) as running:
        yield running


def signed(
    server: EcsServer,
    operation: str | None,
    params: dict[str, Any],
    *,
    key: str = PLAIN,
    region: str = "us-east-1",
    service: str = "ecs",
    path: str = "/",
    method: str = "POST",
    content_type: str = CONTENT_TYPE,
    signer: type[SigV4Auth] = SigV4Auth,
    before: dict[str, str] | None = None,
    after: dict[str, str] | None = None,
) -> AWSRequest:
    """A request signed as botocore signs (or as `signer` does), with `before` headers signed
    too; `after` headers are added once the signature is made."""
    headers = {"Content-Type": content_type, **(before or {})}
    if operation is not None:
        headers["X-Amz-Target"] = TARGET_PREFIX + operation
    body = json.dumps(params) if method == "POST" else None
    request = AWSRequest(method=method, url=f"{server.url}{path}", data=body, headers=headers)
    signer(Credentials(key, SECRETS[key]), service, region).add_auth(request)
    for name, value in (after or {}).items():
        request.headers[name] = value
    return request


def send(
    server: EcsServer, request: AWSRequest, body: bytes | None = None
) -> tuple[int, dict[str, Any]]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        data = body if body is not None else request.body
        path = request.url.split(str(server.port), 1)[1] or "/"
        headers = dict(request.headers.items())
        connection.request(request.method, path, body=data, headers=headers)
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


def raw(
    server: EcsServer, method: str, path: str, headers: dict[str, str], body: bytes = b""
) -> tuple[int, dict[str, Any]]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


def default_clusters(server: EcsServer) -> list[str]:
    region = server.app.backend.region("123456789012", "us-east-1")
    return [cluster.name for cluster in region.clusters.values()]


# -- SigV4: take the signer from the one parse that was verified ------------------------------


@pytest.mark.parametrize("region", ["US-EAST-1", "Us-East-1", "us-east-1a", "useast1", "x"])
def test_an_odd_signing_region_is_refused_not_run_in_the_default_account(
    server: EcsServer, region: str
) -> None:
    """Item 2: the mapped key signed with an upper-case region; the signature verified but the
    account lookup missed, and the call ran (and deleted) in the default account."""
    request = signed(server, "DeleteCluster", {"cluster": "default"}, key=MAPPED, region=region)
    status, error = send(server, request)
    assert (status, error["__type"]) == (403, "InvalidSignatureException")
    assert error["message"] == f"Credential should be scoped to a valid region, not '{region}'. "
    assert "default" in default_clusters(server)


def test_a_valid_region_runs_in_the_mapped_account(server: EcsServer) -> None:
    request = signed(
        server, "CreateCluster", {"clusterName": "mine"}, key=MAPPED, region="eu-west-1"
    )
    status, answer = send(server, request)
    assert status == 200
    assert answer["cluster"]["clusterArn"] == "arn:aws:ecs:eu-west-1:555566667777:cluster/mine"


def test_a_signature_for_another_service_is_refused(server: EcsServer) -> None:
    status, error = send(server, signed(server, "ListClusters", {}, service="s3"))
    assert (status, error["__type"]) == (403, "InvalidSignatureException")
    assert error["message"] == "Credential should be scoped to correct service: 'ecs'. "


def test_the_operation_must_be_signed(server: EcsServer) -> None:
    """Signed without X-Amz-Target, which is added afterwards: the signature says nothing about
    which operation runs."""
    target = {"X-Amz-Target": TARGET_PREFIX + "DeleteCluster"}
    request = signed(server, None, {"cluster": "default"}, after=target)
    status, error = send(server, request)
    assert (status, error["__type"]) == (400, "IncompleteSignatureException")
    assert error["message"] == ("'X-Amz-Target' must be a 'SignedHeader' in the AWS Authorization.")
    assert "default" in default_clusters(server)


class _WithoutHost(SigV4Auth):
    def headers_to_sign(self, request: AWSRequest) -> Any:
        chosen = super().headers_to_sign(request)
        del chosen["host"]
        return chosen


def test_the_host_must_be_signed(server: EcsServer) -> None:
    status, error = send(server, signed(server, "ListClusters", {}, signer=_WithoutHost))
    assert (status, error["__type"]) == (400, "IncompleteSignatureException")
    assert error["message"].startswith("'Host' or ':authority' must be a 'SignedHeader'")


def test_a_body_swapped_under_unsigned_payload_is_refused(server: EcsServer) -> None:
    """AWS JSON services hash the payload themselves: a signature over UNSIGNED-PAYLOAD does
    not cover the body, so it cannot match."""
    unsigned = {"X-Amz-Content-SHA256": "UNSIGNED-PAYLOAD"}  # signed, and used as the hash
    request = signed(server, "CreateCluster", {"clusterName": "signed"}, before=unsigned)
    status, error = send(server, request, body=json.dumps({"clusterName": "forged"}).encode())
    assert (status, error["__type"]) == (403, "InvalidSignatureException")
    assert "forged" not in default_clusters(server)


def test_a_signed_payload_hash_header_is_accepted(server: EcsServer) -> None:
    body = json.dumps({"clusterName": "hashed"})
    hashed = {"X-Amz-Content-SHA256": hashlib.sha256(body.encode()).hexdigest()}
    request = signed(server, "CreateCluster", {"clusterName": "hashed"}, before=hashed)
    assert send(server, request)[0] == 200


def test_without_keys_an_odd_region_is_refused_too() -> None:
    with EcsServer(port=0, empty=True) as open_server:
        request = signed(open_server, "CreateCluster", {"clusterName": "c"}, region="EU-WEST-1")
        status, error = send(open_server, request)
        assert (status, error["__type"]) == (403, "InvalidSignatureException")
        assert open_server.app.backend.regions() == []


# -- the control surface ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "route", "params"),
    [
        ("GET", "state", None),
        ("GET", "calls", None),
        ("POST", "reset", {"empty": True}),
        ("POST", "advance", {"state": "STOPPED"}),
    ],
)
def test_control_routes_need_a_signature_when_keys_are_set(
    server: EcsServer, method: str, route: str, params: Any
) -> None:
    path = f"/_ecs_mock/{route}"
    headers = {"Host": f"127.0.0.1:{server.port}", "Content-Type": "application/json"}
    body = json.dumps(params).encode() if params is not None else b""
    status, error = raw(server, method, path, headers, body)
    assert (status, error["__type"]) == (400, "MissingAuthenticationTokenException")
    assert "default" in default_clusters(server)
    request = signed(
        server, None, params or {}, path=path, method=method, content_type="application/json"
    )
    assert send(server, request)[0] == 200


def test_health_stays_open_when_keys_are_set(server: EcsServer) -> None:
    status, answer = raw(server, "GET", "/_ecs_mock/health", {"Host": "localhost"})
    assert (status, answer["status"]) == (200, "ok")


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", None],
)
def test_a_cross_site_form_post_cannot_reset(content_type: str | None) -> None:
    """A web page may POST text/plain or a form to localhost without asking first; only
    application/json (which needs a CORS preflight the server never grants) is taken."""
    with EcsServer(port=0) as open_server:
        headers = {"Host": f"localhost:{open_server.port}"}
        if content_type is not None:
            headers["Content-Type"] = content_type
        status, error = raw(open_server, "POST", "/_ecs_mock/reset", headers, b'{"empty": true}')
        assert (status, error["__type"]) == (415, "UnsupportedMediaTypeException")
        assert default_clusters(open_server) == ["default"]
        headers["Content-Type"] = "application/json; charset=utf-8"
        assert raw(open_server, "POST", "/_ecs_mock/reset", headers, b'{"empty": true}')[0] == 200
        assert default_clusters(open_server) == []


# -- the Host guard -----------------------------------------------------------------------


@pytest.fixture
def open_server() -> Iterator[EcsServer]:
    with EcsServer(port=0, allowed_hosts=("ecs-mock",)) as running:
        yield running


ECS_HEADERS = {"Content-Type": CONTENT_TYPE, "X-Amz-Target": TARGET_PREFIX + "ListClusters"}


@pytest.mark.parametrize(
    "host", ["evil.example", "evil.example:5150", "127.0.0.1.evil.example", "localhost.", ""]
)
def test_a_foreign_host_header_is_refused_everywhere(open_server: EcsServer, host: str) -> None:
    """DNS rebinding: a page on evil.example, its name rebound to 127.0.0.1, sends its own
    name as Host. Neither the ECS door nor the control surface answers it."""
    for method, path, headers in [
        ("POST", "/", ECS_HEADERS),
        ("GET", "/_ecs_mock/state", {}),
        ("POST", "/_ecs_mock/reset", {"Content-Type": "application/json"}),
    ]:
        status, error = raw(open_server, method, path, {**headers, "Host": host}, b"{}")
        assert (status, error["__type"]) == (403, "AccessDeniedException"), (method, path)
        assert "not served here" in error["message"]
    assert default_clusters(open_server) == ["default"]


@pytest.mark.parametrize(
    "host", ["localhost", "LOCALHOST:5150", "127.0.0.1:1", "[::1]:5150", "[::1]", "ecs-mock:80"]
)
def test_loopback_names_and_allowed_hosts_are_served(open_server: EcsServer, host: str) -> None:
    status, answer = raw(open_server, "POST", "/", {**ECS_HEADERS, "Host": host}, b"{}")
    assert status == 200
    assert len(answer["clusterArns"]) == 1

"""Every kind of bad request gets AWS's JSON error envelope, never HTML or a traceback."""

from __future__ import annotations

import http.client
import json
import socket
from collections.abc import Iterator
from typing import Any

import pytest

from ecs_mock.backend.operations import OPERATIONS
from ecs_mock.server import EcsServer
from ecs_mock.server.http import byte_count

TARGET = "AmazonEC2ContainerServiceV20141113."
JSON_11 = "application/x-amz-json-1.1"


@pytest.fixture(scope="module")
def server() -> Iterator[EcsServer]:
    with EcsServer(port=0, max_body=1024 * 1024) as running:
        yield running


def send(
    server: EcsServer,
    method: str = "POST",
    path: str = "/",
    body: bytes = b"{}",
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], dict[str, Any]]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        raw = response.read()
        assert response.getheader("Content-Type") == JSON_11, raw[:200]
        return response.status, dict(response.getheaders()), json.loads(raw)
    finally:
        connection.close()


def ecs_headers(operation: str = "ListClusters") -> dict[str, str]:
    return {"Content-Type": JSON_11, "X-Amz-Target": TARGET + operation}


def test_a_well_formed_request_succeeds(server: EcsServer) -> None:
    status, headers, body = send(server, headers=ecs_headers())
    assert status == 200
    assert "clusterArns" in body
    assert headers["x-amzn-RequestId"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{not json", "The request body is not valid JSON."),
        (b"[1, 2]", "The request body must be a JSON object."),
        (b"\xff\xfe", "The request body is not valid JSON."),
    ],
)
def test_malformed_json(server: EcsServer, body: bytes, message: str) -> None:
    status, _, error = send(server, body=body, headers=ecs_headers())
    assert (status, error) == (400, {"__type": "SerializationException", "message": message})


def test_missing_or_foreign_target(server: EcsServer) -> None:
    for target in (None, "DynamoDB_20120810.ListTables"):
        headers = {"Content-Type": JSON_11}
        if target:
            headers["X-Amz-Target"] = target
        status, _, error = send(server, headers=headers)
        assert status == 400
        assert error["__type"] == "UnknownOperationException"
        assert TARGET in error["message"]


def test_operation_ecs_mock_does_not_implement(
    server: EcsServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every model operation is answered: one is taken away to play one not implemented yet.
    monkeypatch.delitem(OPERATIONS, "PutAccountSetting")
    status, _, error = send(server, headers=ecs_headers("PutAccountSetting"))
    assert status == 400
    assert error["__type"] == "UnsupportedFeatureException"
    assert "StartTask" in error["message"]


def test_wrong_content_type(server: EcsServer) -> None:
    headers = {**ecs_headers(), "Content-Type": "application/json"}
    status, _, error = send(server, headers=headers)
    assert status == 400
    assert error["__type"] == "UnknownOperationException"
    assert "application/json" in error["message"]


def test_oversized_body_is_refused_without_reading_it(server: EcsServer) -> None:
    body = b'{"clusterName": "' + b"x" * (1024 * 1024) + b'"}'
    status, headers, error = send(server, body=body, headers=ecs_headers("CreateCluster"))
    assert status == 413
    assert error["__type"] == "RequestEntityTooLargeException"
    assert headers["Connection"] == "close"
    _, _, clusters = send(server, headers=ecs_headers())
    assert not any("xxx" in arn for arn in clusters["clusterArns"])


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/"), ("PUT", "/"), ("DELETE", "/"), ("POST", "/other/path"), ("GET", "/favicon.ico")],
)
def test_other_paths_and_methods(server: EcsServer, method: str, path: str) -> None:
    status, _, error = send(server, method=method, path=path, headers=ecs_headers())
    assert status == 404
    assert error["__type"] == "UnknownOperationException"
    assert "POST /" in error["message"]


def test_unknown_http_method(server: EcsServer) -> None:
    status, _, error = send(server, method="BREW", headers=ecs_headers())
    assert status == 501
    assert error["__type"] == "UnknownOperationException"


def test_head_gets_headers_only(server: EcsServer) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    connection.request("HEAD", "/")
    response = connection.getresponse()
    assert response.status == 404
    assert response.read() == b""
    assert int(response.getheader("Content-Length") or 0) > 0
    connection.close()


def test_chunked_body_and_bad_length(server: EcsServer) -> None:
    raw_requests = [
        b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: lots\r\n\r\n{}",
    ]
    expected = [(411, "MissingContentLengthException"), (400, "BadRequestException")]
    for raw, (status, code) in zip(raw_requests, expected, strict=True):
        reply = _raw_exchange(server, raw)
        assert reply.startswith(f"HTTP/1.1 {status} ".encode())
        assert json.loads(reply.split(b"\r\n\r\n", 1)[1])["__type"] == code


def test_malformed_request_line(server: EcsServer) -> None:
    reply = _raw_exchange(server, b"POST / HTTP/9.9\r\n\r\n")
    head, _, body = reply.partition(b"\r\n\r\n")
    assert head.split(b" ")[1] == b"505"
    assert b"<html" not in reply.lower()
    assert json.loads(body)["__type"] == "BadRequestException"


def test_an_internal_bug_is_a_json_500(server: EcsServer, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(server.app, "handle_ecs", broken)
    status, _, error = send(server, headers=ecs_headers())
    assert status == 500
    assert error["__type"] == "ServerException"
    assert "Traceback" not in error["message"]


def _raw_exchange(server: EcsServer, raw: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(raw)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.parametrize("length", [b"+2", b"0_2", b"-0", b"2.0", b"0x2"])
def test_content_length_is_ascii_digits_only(server: EcsServer, length: bytes) -> None:
    """int() takes each of these as a length (2 or 0); HTTP's Content-Length is digits only,
    and a server that reads them otherwise than the proxy in front of it can be smuggled
    through. Refused: 400, the connection closed."""
    raw = (
        b"POST / HTTP/1.1\r\nHost: localhost\r\nX-Amz-Target: AmazonEC2ContainerServiceV20141113."
        b"ListClusters\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: "
        + length
        + b"\r\n\r\n{}"
    )
    reply = _raw_exchange(server, raw)
    assert reply.startswith(b"HTTP/1.1 400 ")
    assert json.loads(reply.split(b"\r\n\r\n", 1)[1])["__type"] == "BadRequestException"


@pytest.mark.parametrize("text", ["\u0662", "\uff12", "\u09e8", "2\u0660", "\u00b2"])
def test_content_length_refuses_unicode_digits(text: str) -> None:
    """int('\u0662') is 2 (Arabic-Indic), int('\uff12') 2 (full width). http.server decodes
    header bytes as Latin-1, where no such digit exists; the parser refuses them all the same,
    so no decoding a later Python or proxy uses can turn them into a length."""
    assert byte_count(text) is None
    assert byte_count("2") == 2
    assert byte_count(" 12\t") == 12


def test_content_length_beyond_any_body_is_not_a_traceback() -> None:
    assert byte_count("9" * 5000) is None  # int() would refuse 4,301+ digits with ValueError

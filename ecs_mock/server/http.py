"""The HTTP door: a stdlib threading server speaking awsJson 1.1 on loopback.

Every answer, including to malformed HTTP, other paths and methods, and oversized bodies, is
the JSON error envelope AWS uses (`{"__type", "message"}`), never HTML or a traceback.
Each connection has its own thread and a socket timeout, so a slow client holds only itself.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import socketserver
import sys
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from ..backend.numbers import parse_digits
from ..errors import EcsError
from ..protocol import Reply, error_reply
from . import routes
from .app import ServerApp, ServerOptions
from .auth import SignedRequest

logger = logging.getLogger("ecs_mock.server")
# Mock decision: AWS's exact codes for HTTP-level faults are not documented; these names say
# what went wrong and parse as modeled-looking errors in every SDK.
_HTTP_ERROR_CODES = {
    400: "BadRequestException",
    404: "UnknownOperationException",
    408: "RequestTimeoutException",
    411: "MissingContentLengthException",
    413: "RequestEntityTooLargeException",
    414: "RequestURITooLongException",
    431: "RequestHeaderFieldsTooLargeException",
    501: "UnknownOperationException",
    505: "BadRequestException",
}
# Refused bodies up to this many times the limit are read and dropped (see _drain).
_DRAIN_FACTOR = 16


def byte_count(raw: str) -> int | None:
    """A Content-Length value: ASCII digits only (RFC 9110's 1*DIGIT). `int()` would also take a
    sign, underscores, surrounding spaces and any Unicode decimal digits ('٢'), so it is not
    used on the header."""
    return parse_digits(raw.strip(" \t"), maximum=_MAX_BYTE_COUNT)


_MAX_BYTE_COUNT = 2**63 - 1


class _ClientGone(Exception):
    """The connection ended before the request did."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as SDK clients expect
    # Headers and body are two writes: with Nagle on, the body waits for the client's delayed
    # ACK (~40 ms) on every keep-alive request, capping a connection at ~25 req/s.
    disable_nagle_algorithm = True
    server: _HttpServer

    def version_string(self) -> str:
        return "ecs-mock"

    def setup(self) -> None:
        self.timeout = self.server.app.options.request_timeout  # type: ignore[misc]
        super().setup()

    def do_POST(self) -> None:
        self._serve()

    do_GET = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_HEAD = do_POST

    def _serve(self) -> None:
        app = self.server.app
        started = time.perf_counter()
        try:
            body = self._read_body()
        except EcsError as error:
            result = error_reply(error)
            routes.say(app, self._client(), f"{self.command} {self.path[:80]}", result, started)
        except TimeoutError:
            self.close_connection = True
            result = error_reply(_http_error(408, "The client did not send the body in time."))
            routes.say(app, self._client(), f"{self.command} {self.path[:80]}", result, started)
        except (ConnectionError, _ClientGone) as gone:
            # The client hung up mid-request: its own event, not a failure of the server.
            self.close_connection = True
            routes.say(app, self._client(), f"client hung up mid-request ({gone})", None, None)
            return
        else:
            request = SignedRequest(
                method=self.command,
                host=self.headers.get("Host") or "",
                path=self.path,
                headers=dict(self.headers.items()),
                body=body,
                client=self._client(),
            )
            result = routes.serve(app, request)
        try:
            self._send(result)
        except ConnectionError:
            self.close_connection = True
            routes.say(app, self._client(), "client hung up before the answer", None, None)

    def _client(self) -> str:
        return str(self.client_address[0]) if self.client_address else ""

    def _content_length(self) -> int:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            self.close_connection = True
            raise _http_error(411, "Chunked request bodies are not accepted; send Content-Length.")
        raw = self.headers.get("Content-Length")
        if raw is None:
            return 0
        length = byte_count(raw)
        if length is None:
            self.close_connection = True
            raise _http_error(400, f"Content-Length {raw!r} is not a byte count.")
        limit = self.server.app.options.max_body
        if length > limit:
            self.close_connection = True
            self._drain(length)
            raise _http_error(
                413, f"Request body of {length} bytes is larger than the {limit}-byte limit."
            )
        return length

    def _drain(self, length: int) -> None:
        """Read and drop a refused body, so the client (still sending) sees our answer rather
        than a reset connection; a body far beyond the limit is not worth the wait."""
        if length > _DRAIN_FACTOR * self.server.app.options.max_body:
            return
        while length > 0:
            chunk = self.rfile.read(min(length, 65536))
            if not chunk:
                return
            length -= len(chunk)

    def _read_body(self) -> bytes:
        length = self._content_length()
        body = self.rfile.read(length) if length else b""
        if len(body) < length:
            raise _ClientGone(f"{len(body)} of {length} body bytes arrived")
        return body

    def _send(self, result: Reply) -> None:
        self.send_response(result.status)
        for name, value in result.headers.items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(result.body)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Malformed requests, unknown methods, oversized headers: JSON like everything else."""
        self.close_connection = True
        if self.request_version == "HTTP/0.9":
            # Set before the request line was understood; 0.9 replies carry no status line.
            self.request_version = "HTTP/1.1"
        text = message or explain or _phrase(code)
        result = error_reply(_http_error(code, text))
        routes.say(self.server.app, self._client(), "malformed HTTP request", result, None)
        with contextlib.suppress(OSError):
            self._send(result)

    def log_message(self, format: str, *args: Any) -> None:
        """The stdlib's raw access log is replaced by routes.log_request (one line per request
        with operation, status, error code and duration)."""


class _HttpServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], app: ServerApp) -> None:
        self.app = app
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind resolves the host name (getfqdn), which can stall on DNS.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, OSError):
            # A client that resets or drops its connection is its own problem: one line, and
            # only under --verbose.
            host = client_address[0] if client_address else ""
            routes.say(self.app, str(host), f"client connection lost ({error})", None, None)
            return
        logger.exception("ecs_mock server failed serving %s", client_address)


class EcsServer:
    """The local ECS server, in a background thread (tests) or the foreground (`ecs-mock`).

    `EcsServer(port=0).start()` binds a free port; `.url` is where to point clients;
    `.app` gives the setup shortcuts (`server.app.view().add_container_instance(...)`).
    """

    def __init__(self, options: ServerOptions | None = None, **option_values: Any) -> None:
        self.options = options or ServerOptions(**option_values)
        self.app = ServerApp(self.options)
        try:
            self._httpd = _HttpServer((self.options.host, self.options.port), self.app)
        except BaseException:
            self.app.close()  # a port in use must not leave the state file locked
            raise
        self._thread: threading.Thread | None = None
        self._closed = False

    @property
    def host(self) -> str:
        return self.options.host

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        host = self.options.host
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{self.port}"

    def start(self) -> EcsServer:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._httpd.serve_forever,
                kwargs={"poll_interval": 0.1},
                name=f"ecs-mock-server-{self.port}",
                daemon=True,
            )
            self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in this thread until `stop()` (from another thread) or KeyboardInterrupt."""
        try:
            self._httpd.serve_forever(poll_interval=0.2)
        finally:
            self._close()

    def stop(self) -> None:
        if self._thread is not None:
            # shutdown() waits for a serve_forever loop, so only when one was started here.
            self._httpd.shutdown()
            self._thread.join()
            self._thread = None
        self._close()

    def _close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._httpd.server_close()
        self.app.close()

    def __enter__(self) -> EcsServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


# The name the issue and the benchmarks know it by.
ThreadedServer = EcsServer


def _http_error(status: int, message: str) -> EcsError:
    return EcsError(_HTTP_ERROR_CODES.get(status, "BadRequestException"), message, status)


def _phrase(code: int) -> str:
    try:
        return HTTPStatus(code).phrase
    except ValueError:
        return "Bad request"

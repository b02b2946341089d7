"""One request in, one reply out, whatever HTTP server carries it: the Host guard, routing to the
ECS door or the control surface, content types, and the per-request log line.

The HTTP layer (http.py) only frames requests (body limits, timeouts) and calls `serve`.
"""

from __future__ import annotations

import logging
import sys
import time

from ..errors import EcsError, server_error
from ..protocol import CONTENT_TYPE, TARGET_PREFIX, Reply, error_reply
from .app import ServerApp
from .auth import SignedRequest
from .control import PREFIX, handle_control
from .dashboard import handle_dashboard, is_dashboard
from .metadata import PREFIX as METADATA_PREFIX
from .metadata import handle_metadata

logger = logging.getLogger("ecs_mock.server")
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def serve(app: ServerApp, request: SignedRequest) -> Reply:
    """The answer to one request; never raises."""
    started = time.perf_counter()
    try:
        result = _route(app, request)
    except EcsError as error:
        result = error_reply(error)
    except Exception:
        logger.exception("ecs_mock server failed on %s %s", request.method, request.path)
        result = error_reply(server_error("ecs_mock internal error; see the server log."))
    log_request(app, request, result, started)
    return result


def _route(app: ServerApp, request: SignedRequest) -> Reply:
    check_host(app, request.host)
    path = request.path
    if path.startswith(PREFIX) or path.rstrip("/") == PREFIX.rstrip("/"):
        route = path[len(PREFIX) :].split("?", 1)[0].strip("/")
        if is_dashboard(route):
            return handle_dashboard(
                app, request.method, route, request.headers_get("Authorization")
            )
        return handle_control(app, request)
    if path.startswith(METADATA_PREFIX):
        # Mock decision: the task metadata endpoint needs no signature (the agent's needs none;
        # it is read only), but the Host guard above applies.
        return handle_metadata(app, request.method, path)
    if path.split("?", 1)[0] != "/" or request.method != "POST":
        raise EcsError(
            "UnknownOperationException",
            f"ECS is served at POST / (awsJson 1.1); got {request.method} {path}. "
            f"Control routes are under {PREFIX}; task metadata under {METADATA_PREFIX}.",
            status=404,
        )
    if content_type(request) != CONTENT_TYPE:
        # Mock decision: AWS JSON services answer a wrong content type with
        # UnknownOperationException (they route on it); 400 as for any client error.
        raise EcsError(
            "UnknownOperationException",
            f"Content-Type must be {CONTENT_TYPE}, got {content_type(request) or 'none'!r}.",
        )
    return app.handle_ecs(request)


def content_type(request: SignedRequest) -> str:
    return (request.headers_get("Content-Type") or "").split(";", 1)[0].strip().lower()


def host_name(host: str) -> str:
    """The name part of a Host header value (`[::1]:5150` -> `::1`), lower-cased."""
    host = host.strip().lower()
    if host.startswith("["):
        name, bracket, rest = host[1:].partition("]")
        return name if bracket and (not rest or _is_port(rest)) else host
    name, colon, port = host.rpartition(":")
    if colon and ":" not in name and _is_port(":" + port):
        return name
    return host


def _is_port(text: str) -> bool:
    return text.startswith(":") and text[1:].isascii() and text[1:].isdigit()


def check_host(app: ServerApp, host: str) -> None:
    """Only loopback names, `--host` and `--allow-host` names are served, so a web page whose
    domain was rebound to 127.0.0.1 (DNS rebinding) cannot read or change the state."""
    allowed = LOOPBACK_HOSTS | {app.options.host.lower()}
    allowed |= {name.lower() for name in app.options.allowed_hosts}
    name = host_name(host)
    if name in allowed:
        return
    shown = host if len(host) <= 100 else host[:100] + "..."
    # Mock decision: 403 AccessDeniedException (a modeled ECS error, so SDKs raise it as such).
    raise EcsError(
        "AccessDeniedException",
        f"Host header {shown!r} is not served here: ecs-mock answers Host names localhost, "
        f"127.0.0.1 and [::1] (any port), its --host and any --allow-host name.",
        status=403,
    )


def log_request(app: ServerApp, request: SignedRequest, result: Reply, started: float) -> None:
    """`--verbose`: one line per request: operation (or control route), status, error code,
    milliseconds."""
    if not app.options.verbose:
        return
    target = request.headers_get("X-Amz-Target") or ""
    if request.path.startswith(PREFIX):
        what = f"{request.method} {request.path.split('?', 1)[0]}"
    elif target.startswith(TARGET_PREFIX):
        what = target[len(TARGET_PREFIX) :][:80]
    else:
        what = f"{request.method} {request.path[:80]}"
    say(app, request.client, what, result, started)


def say(
    app: ServerApp, client: str, what: str, result: Reply | None, started: float | None
) -> None:
    """One line on stderr under --verbose (also for HTTP-level faults and client events)."""
    if not app.options.verbose:
        return
    parts = [f"ecs-mock: {client or '-'}", what]
    if result is not None:
        parts.append(str(result.status))
        if result.error:
            parts.append(result.error)
    if started is not None:
        parts.append(f"{(time.perf_counter() - started) * 1e3:.1f} ms")
    sys.stderr.write(" ".join(parts) + "\n")

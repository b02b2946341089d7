"""The local server's dashboard, `GET /_ecs_mock/ui`: a read-only page of what the server holds.

The page (`ui/index.html`, `ui/app.js`, `ui/style.css`, served from the package: no build step,
no CDN) polls `GET /_ecs_mock/ui/data` once a second and draws clusters, container instances
(CPU, memory and ports used against registered), tasks by status with their timeline, services
and their deployments when the state has them, and the most recent calls with their errors.

Read only: every route is a GET and changes nothing. The Host guard applies as to every route.
With `--access-key`, a browser cannot sign requests, so the dashboard asks for HTTP Basic
credentials instead: the access key id as the user name and its secret as the password
(Mock decision: the dashboard is ecs_mock's own; AWS has nothing like it).
"""

from __future__ import annotations

import base64
import binascii
import copy
import hmac
import json
from importlib import resources
from typing import Any

from .. import clock
from ..backend import Region
from ..controls import Call
from ..errors import EcsError
from ..protocol import Reply
from .app import ServerApp, cluster_wire

ROUTE = "ui"
# Tasks drawn per cluster (the newest); the page says how many more there are.
TASKS_SHOWN = 200
CALLS_SHOWN = 50
_ASSETS = {
    "": ("index.html", "text/html; charset=utf-8"),
    "app.js": ("app.js", "text/javascript; charset=utf-8"),
    "style.css": ("style.css", "text/css; charset=utf-8"),
}
_HEADERS = {
    # Only the page's own files; no inline script, no framing by other sites.
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; "
    "connect-src 'self'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
}


def is_dashboard(route: str) -> bool:
    return route == ROUTE or route.startswith(ROUTE + "/")


def handle_dashboard(app: ServerApp, method: str, route: str, authorization: str | None) -> Reply:
    """The reply for `route` (the path below /_ecs_mock/, without query or slashes around)."""
    name = route[len(ROUTE) :].strip("/")
    if method != "GET" or (name not in _ASSETS and name != "data"):
        known = ", ".join(f"GET /_ecs_mock/{ROUTE}/{n}".rstrip("/") for n in [*_ASSETS, "data"])
        raise EcsError(
            "UnknownOperationException",
            f"{method} /_ecs_mock/{route} is not a dashboard route. Dashboard routes: {known}.",
            status=404,
        )
    if app.secrets and not _basic_auth_ok(app, authorization):
        return _reply(
            401,
            b"The ecs-mock dashboard needs the server's access key id and secret "
            b"(HTTP Basic: user = key id, password = secret).\n",
            {
                **_HEADERS,
                "Content-Type": "text/plain; charset=utf-8",
                "WWW-Authenticate": 'Basic realm="ecs-mock", charset="UTF-8"',
            },
            error="AccessDeniedException",
        )
    if name == "data":
        body = json.dumps(dashboard_data(app), separators=(",", ":")).encode()
        return _reply(200, body, {**_HEADERS, "Content-Type": "application/json"})
    file_name, content_type = _ASSETS[name]
    asset = resources.files(__package__).joinpath("ui", file_name).read_bytes()
    return _reply(200, asset, {**_HEADERS, "Content-Type": content_type})


def _reply(status: int, body: bytes, headers: dict[str, str], error: str | None = None) -> Reply:
    return Reply(status, body, {**headers, "Content-Length": str(len(body))}, error=error)


def _basic_auth_ok(app: ServerApp, authorization: str | None) -> bool:
    scheme, _, encoded = (authorization or "").partition(" ")
    if scheme.lower() != "basic":
        return False
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return False
    key_id, colon, secret = decoded.partition(":")
    expected = app.secrets.get(key_id)
    return bool(colon) and expected is not None and hmac.compare_digest(secret, expected)


def dashboard_data(app: ServerApp) -> dict[str, Any]:
    """What the page draws, in the API's wire shapes where there is one."""

    def view(region: Region) -> dict[str, Any]:
        clusters = [
            # Encoded after the lock is released: nothing shared may stay in the answer.
            copy.deepcopy(cluster_wire(region, cluster, include_tags=False, newest=TASKS_SHOWN))
            for cluster in region.clusters.values()
        ]
        return {"accountId": region.account_id, "region": region.region, "clusters": clusters}

    regions = app.read_regions(view)
    calls = [_call(call) for call in app.controls.recorded()[-CALLS_SHOWN:]]
    calls.reverse()
    return {
        "now": clock.now(),
        "regions": regions,
        "calls": calls,
        "received": app.controls.received,
    }


def _call(call: Call) -> dict[str, Any]:
    # Only the operation and its outcome: parameters may hold anything a client sent.
    entry: dict[str, Any] = {
        "operation": call.operation,
        "region": call.region,
        "accountId": call.account_id,
        "status": call.status,
        "at": call.time,
    }
    if call.error_code is not None:
        entry["error"] = call.error_code
    return entry

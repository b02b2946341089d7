"""The `/_ecs_mock/` control surface: what a test needs beyond the ECS API, over plain JSON.

GET  /_ecs_mock/health    {"status": "ok", "region": ..., "accountId": ...}
GET  /_ecs_mock/state     every account/region: clusters (with containerInstances, tasks
                          and services) and task definitions, in the API's wire shapes
GET  /_ecs_mock/calls     the ECS requests received, in order (`Call.to_json`)
POST /_ecs_mock/reset     {"empty": false}: forget everything, re-seed unless empty
POST /_ecs_mock/advance   {"state": "RUNNING", "cluster": "default", "task": null,
                           "accountId": null, "region": null}: move tasks on now
POST /_ecs_mock/outcome, fail-run-task, clear-outcomes, events, logs: see outcome_routes.py

With `--access-key`, every route but health needs a SigV4 signature by one of the keys (signed
for service `ecs`, as ECS requests are). POST routes need `Content-Type: application/json`: a
web page can send a cross-site POST without asking first only as text/plain or a form, so it
cannot reset or advance the server. (The Host guard in routes.py applies here too.)
"""

from __future__ import annotations

from typing import Any

from ..errors import EcsError, shown
from ..protocol import Reply, reply
from ..strict_json import parse_json
from .app import ServerApp
from .auth import CONTROL_SIGNED_HEADERS, SignedRequest, verify
from .outcome_routes import ROUTES as OUTCOME_ROUTES

PREFIX = "/_ecs_mock/"
JSON = "application/json"
_ADVANCE_KEYS = {"state", "task", "cluster", "accountId", "region"}
# Mock decision: health stays open with --access-key (readiness probes); it tells no state.
_OPEN_ROUTES = frozenset({("GET", "health")})


def handle_control(app: ServerApp, request: SignedRequest) -> Reply:
    method, path, body = request.method, request.path, request.body
    route = path[len(PREFIX) :].split("?", 1)[0].strip("/")
    routes = {
        ("GET", "health"): _health,
        ("GET", "state"): _state,
        ("GET", "calls"): _calls,
        ("POST", "reset"): _reset,
        ("POST", "advance"): _advance,
        **OUTCOME_ROUTES,  # outcomes, injected RunTask failures, events and logs
    }
    handler = routes.get((method, route))
    if handler is None:
        known = ", ".join(f"{m} {PREFIX}{r}" for m, r in routes)
        raise EcsError(
            "UnknownOperationException",
            f"{method} {path} is not a control route. Control routes: {known}.",
            status=404,
        )
    if app.secrets and (method, route) not in _OPEN_ROUTES:
        verify(request, app.secrets, CONTROL_SIGNED_HEADERS)
    if method == "POST":
        given = (request.headers_get("Content-Type") or "").split(";", 1)[0].strip().lower()
        if given != JSON:
            # Mock decision: 415, so that no simple cross-site form post can reach a route.
            raise EcsError(
                "UnsupportedMediaTypeException",
                f"Control POST routes take Content-Type {JSON}, got {given or 'none'!r}.",
                status=415,
            )
    return reply(200, handler(app, _json_object(body)))


def _health(app: ServerApp, _: dict[str, Any]) -> dict[str, Any]:
    return {"status": "ok", "region": app.options.region, "accountId": app.options.account_id}


def _state(app: ServerApp, _: dict[str, Any]) -> dict[str, Any]:
    return app.snapshot()


def _calls(app: ServerApp, _: dict[str, Any]) -> dict[str, Any]:
    calls = [call.to_json() for call in app.controls.recorded()]
    return {"calls": calls, "received": app.controls.received}


def _reset(app: ServerApp, params: dict[str, Any]) -> dict[str, Any]:
    unknown = set(params) - {"empty"}
    empty = params.get("empty")
    if unknown or not (empty is None or isinstance(empty, bool)):
        raise EcsError("InvalidParameterException", 'reset takes {"empty": true|false} only.')
    app.reset(empty)
    return {"reset": True, "empty": app.options.empty if empty is None else empty}


def _advance(app: ServerApp, params: dict[str, Any]) -> dict[str, Any]:
    unknown = set(params) - _ADVANCE_KEYS
    if unknown:
        takes, extra = ", ".join(sorted(_ADVANCE_KEYS)), ", ".join(sorted(unknown))
        raise EcsError(
            "InvalidParameterException", f"advance takes {takes}; unknown: {shown(extra)}."
        )
    if not all(value is None or isinstance(value, str) for value in params.values()):
        raise EcsError("InvalidParameterException", "advance parameters must be strings.")
    try:
        app.advance(
            state=params.get("state") or "RUNNING",
            task=params.get("task"),
            cluster=params.get("cluster") or "default",
            account_id=params.get("accountId"),
            region=params.get("region"),
        )
    except ValueError as error:
        raise EcsError("InvalidParameterException", str(error)) from None
    return {"advanced": True}


def _json_object(body: bytes) -> dict[str, Any]:
    if not body.strip():
        return {}
    params = parse_json(body)  # refuses deep nesting and NaN/Infinity too
    if not isinstance(params, dict):
        raise EcsError("SerializationException", "The request body must be a JSON object.")
    return params

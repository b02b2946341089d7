"""The `/_ecs_mock/` control surface: what a test needs beyond the ECS API, over plain JSON.

GET  /_ecs_mock/health    {"status": "ok", "region": ..., "accountId": ...}
GET  /_ecs_mock/state     every account/region: clusters (with containerInstances, tasks
                          and services) and task definitions, in the API's wire shapes
GET  /_ecs_mock/calls     the ECS requests received, in order (`Call.to_json`)
POST /_ecs_mock/reset     {"empty": false}: forget everything, re-seed unless empty
POST /_ecs_mock/advance   {"state": "RUNNING", "cluster": "default", "task": null,
                           "accountId": null, "region": null}: move tasks on now
"""

from __future__ import annotations

from typing import Any

from ..errors import EcsError, shown
from ..protocol import Reply, reply
from ..strict_json import parse_json
from .app import ServerApp

PREFIX = "/_ecs_mock/"
_ADVANCE_KEYS = {"state", "task", "cluster", "accountId", "region"}


def handle_control(app: ServerApp, method: str, path: str, body: bytes) -> Reply:
    route = path[len(PREFIX) :].split("?", 1)[0].strip("/")
    routes = {
        ("GET", "health"): _health,
        ("GET", "state"): _state,
        ("GET", "calls"): _calls,
        ("POST", "reset"): _reset,
        ("POST", "advance"): _advance,
    }
    handler = routes.get((method, route))
    if handler is None:
        known = ", ".join(f"{m} {PREFIX}{r}" for m, r in routes)
        raise EcsError(
            "UnknownOperationException",
            f"{method} {path} is not a control route. Control routes: {known}.",
            status=404,
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

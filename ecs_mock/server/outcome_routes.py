"""The outcome API on the local server's control surface (plain JSON, like the other routes):

POST /_ecs_mock/outcome        {"outcome": "exits", "args": {"code": 1, "logs": ["..."]},
                                "task": null, "family": null, "startedBy": null,
                                "container": null, "group": null, "cluster": null,
                                "times": null, "accountId": null, "region": null}
POST /_ecs_mock/fail-run-task  {"reason": "RESOURCE:MEMORY", "count": 1, "accountId", "region"}
POST /_ecs_mock/clear-outcomes {"accountId": null, "region": null}
POST /_ecs_mock/events         {"detailType": null, "task": null, "accountId", "region"}
POST /_ecs_mock/logs           {"task": "...", "container": null, "cluster": null, ...}

`outcome` names an `Outcome` constructor (runs, exits, stops, fails_to_start, stays_pending,
cannot_pull, eni_timeout, spot_interrupted, host_terminated) and `args` its keyword arguments,
as in Python. Scripted (callable) rules exist in process only. The reads are POST so that
their criteria travel as JSON, as every other control route's do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..backend.outcome_model import Outcome
from ..errors import EcsError, shown
from ..testing import TestControls
from .app import ServerApp

CONSTRUCTORS = (
    "runs",
    "exits",
    "stops",
    "fails_to_start",
    "stays_pending",
    "cannot_pull",
    "eni_timeout",
    "spot_interrupted",
    "host_terminated",
)
_WHERE = {"accountId", "region"}
_RULE_KEYS = {"task", "family", "startedBy", "container", "group", "cluster", "times"}
Handler = Callable[[ServerApp, dict[str, Any]], dict[str, Any]]


def _invalid(message: str) -> EcsError:
    return EcsError("InvalidParameterException", message)


def _view(app: ServerApp, params: dict[str, Any], takes: set[str]) -> TestControls:
    unknown = set(params) - takes - _WHERE
    if unknown:
        allowed = ", ".join(sorted(takes | _WHERE))
        raise _invalid(f"takes {allowed}; unknown: {shown(', '.join(sorted(unknown)))}.")
    for key in _WHERE:
        if params.get(key) is not None and not isinstance(params[key], str):
            raise _invalid(f"{key} must be a string.")
    return app.view(params.get("accountId"), params.get("region"))


def _outcome_of(params: dict[str, Any]) -> Outcome:
    name, args = params.get("outcome"), params.get("args") or {}
    if name not in CONSTRUCTORS:
        raise _invalid(f"outcome must be one of {', '.join(CONSTRUCTORS)}; got {shown(name)}.")
    if not isinstance(args, dict):
        raise _invalid("args must be a JSON object of the constructor's keyword arguments.")
    try:
        built = getattr(Outcome, name)(**args)
    except (TypeError, ValueError) as error:
        raise _invalid(f"Outcome.{name}: {shown(str(error))}") from None
    return built  # type: ignore[no-any-return]


def _set_outcome(app: ServerApp, params: dict[str, Any]) -> dict[str, Any]:
    view = _view(app, params, _RULE_KEYS | {"outcome", "args"})
    outcome = _outcome_of(params)
    criteria = {key: params.get(key) for key in _RULE_KEYS}
    if not all(v is None or isinstance(v, str) for k, v in criteria.items() if k != "times"):
        raise _invalid("task, family, startedBy, container, group and cluster must be strings.")
    try:
        rule = view.set_outcome(
            outcome,
            task=criteria["task"],
            family=criteria["family"],
            started_by=criteria["startedBy"],
            container=criteria["container"],
            group=criteria["group"],
            cluster=criteria["cluster"],
            times=criteria["times"],
        )
    except ValueError as error:
        raise _invalid(str(error)) from None
    return {"decided": "task" if rule is None else "rule"}


def _fail_run_task(app: ServerApp, params: dict[str, Any]) -> dict[str, Any]:
    view = _view(app, params, {"reason", "count"})
    try:
        view.fail_run_task(params.get("reason", "RESOURCE:MEMORY"), params.get("count", 1))
    except ValueError as error:
        raise _invalid(str(error)) from None
    return {"queued": True}


def _clear_outcomes(app: ServerApp, params: dict[str, Any]) -> dict[str, Any]:
    _view(app, params, set()).clear_outcomes()
    return {"cleared": True}


def _events(app: ServerApp, params: dict[str, Any]) -> dict[str, Any]:
    view = _view(app, params, {"detailType", "task"})
    detail_type, task = params.get("detailType"), params.get("task")
    if not all(v is None or isinstance(v, str) for v in (detail_type, task)):
        raise _invalid("detailType and task must be strings.")
    try:
        return {"events": view.events(detail_type, task)}
    except ValueError as error:
        raise _invalid(str(error)) from None


def _logs(app: ServerApp, params: dict[str, Any]) -> dict[str, Any]:
    view = _view(app, params, {"task", "container", "cluster"})
    task, container, cluster = params.get("task"), params.get("container"), params.get("cluster")
    if not isinstance(task, str) or not all(
        v is None or isinstance(v, str) for v in (container, cluster)
    ):
        raise _invalid("task (required), container and cluster must be strings.")
    try:
        return {"lines": view.logs(task, container, cluster)}
    except ValueError as error:
        raise _invalid(str(error)) from None


ROUTES: dict[tuple[str, str], Handler] = {
    ("POST", "outcome"): _set_outcome,
    ("POST", "fail-run-task"): _fail_run_task,
    ("POST", "clear-outcomes"): _clear_outcomes,
    ("POST", "events"): _events,
    ("POST", "logs"): _logs,
}

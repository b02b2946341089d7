"""ListServiceDeployments, DescribeServiceDeployments, DescribeServiceRevisions,
StopServiceDeployment, ContinueServiceDeployment (ECS deployment controller services).

A service deployment is made by CreateService and by each UpdateService that starts a new
deployment; Mock decision: a rollback makes none of its own, it is recorded on the service
deployment it undoes (ROLLBACK_IN_PROGRESS
-> ROLLBACK_SUCCESSFUL / ROLLBACK_FAILED). Status machine (ecs-services.md §5): PENDING ->
IN_PROGRESS (the scheduler's first step) -> SUCCESSFUL; a newer UpdateService -> STOPPED; the
circuit breaker without rollback -> STOPPED; StopServiceDeployment -> ROLLBACK_REQUESTED ->
ROLLBACK_IN_PROGRESS (next step) -> ...
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .. import clock
from ..errors import EcsError, invalid_parameter
from . import service_rollout, service_scheduler
from .lookup import find_cluster
from .paging import page
from .service_lookup import find_revision, find_service, find_service_deployment
from .service_wire import brief_wire, revision_wire, service_deployment_wire
from .state import Region

MAX_ARNS = 20
DEFAULT_PAGE = 20
NOT_FOUND = "ServiceDeploymentNotFoundException"


def list_service_deployments(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    cluster = find_cluster(region, params.get("cluster"))
    service = find_service(region, cluster, params["service"])
    statuses = set(params.get("status") or [])
    created = params.get("createdAt") or {}
    after, before = _epoch(created.get("after")), _epoch(created.get("before"))

    def listed(created_at: float, status: str) -> bool:
        if statuses and status not in statuses:
            return False
        if after is not None and created_at < after:
            return False
        return before is None or created_at <= before

    # Mock decision: newest first (ECS does not document the order).
    records = [
        brief_wire(region, service, record)
        for record in reversed(service.service_deployments)
        if listed(record.created_at, record.status)
    ]
    size = params.get("maxResults")
    window, token = page(records, params.get("nextToken"), DEFAULT_PAGE if size is None else size)
    result: dict[str, Any] = {"serviceDeployments": window}
    if token:
        result["nextToken"] = token
    return result


def _epoch(value: Any) -> float | None:
    """A timestamp as the protocol delivers it: epoch seconds (or an ISO 8601 string)."""
    if value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp()
    except ValueError:
        raise invalid_parameter(f"Invalid timestamp: {value}") from None


def _check_arns(arns: list[str], what: str) -> None:
    if not arns:
        raise invalid_parameter(f"{what} cannot be empty.")
    if len(arns) > MAX_ARNS:
        raise invalid_parameter(f"{what} can have at most {MAX_ARNS} items.")


def describe_service_deployments(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    arns = list(params["serviceDeploymentArns"])
    _check_arns(arns, "serviceDeploymentArns")
    found, failures = [], []
    for arn in arns:
        hit = find_service_deployment(region, arn)
        if hit is None:
            failures.append({"arn": arn, "reason": "MISSING"})
            continue
        service, record = hit
        threshold = service_rollout.threshold(service)
        found.append(service_deployment_wire(region, service, record, threshold))
    return {"serviceDeployments": found, "failures": failures}


def describe_service_revisions(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    arns = list(params["serviceRevisionArns"])
    _check_arns(arns, "serviceRevisionArns")
    found, failures = [], []
    for arn in arns:
        hit = find_revision(region, arn)
        if hit is None:
            failures.append({"arn": arn, "reason": "MISSING"})
            continue
        service, deployment_id = hit
        found.append(revision_wire(region, service, service.history[deployment_id]))
    return {"serviceRevisions": found, "failures": failures}


def stop_service_deployment(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    arn = params["serviceDeploymentArn"]
    stop_type = params.get("stopType", "ROLLBACK")
    if stop_type != "ROLLBACK":
        # "The valid values are ROLLBACK" (documented), although the enum lists ABORT.
        raise invalid_parameter(f"stopType {stop_type} is not supported; use ROLLBACK.")
    hit = find_service_deployment(region, arn)
    if hit is None:
        raise EcsError(NOT_FOUND, "The service deployment does not exist.")
    service, record = hit
    if record.status in ("ROLLBACK_REQUESTED", "ROLLBACK_IN_PROGRESS", "STOP_REQUESTED"):
        return {"serviceDeploymentArn": arn}  # already stopping: nothing more to do
    primary = service.primary
    current = primary is not None and primary.service_deployment is record
    if record.finished or not current or service.status != "ACTIVE":
        # Mock decision: ECS documents the exception, not its text.
        raise EcsError(
            "ConflictException",
            f"The service deployment is {record.status} and cannot be stopped.",
        )
    if service_rollout.rollback_target(service, record.target) is None:
        # Mock decision: with no earlier revision there is nothing to roll back to.
        raise EcsError(
            "ConflictException",
            "The service deployment has no earlier completed service revision to roll back to.",
        )
    now = clock.now()
    record.status = "ROLLBACK_REQUESTED"
    record.updated_at = now
    service_scheduler.request_step(region, service, now)
    return {"serviceDeploymentArn": arn}


def continue_service_deployment(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    """Only a deployment paused at a PAUSE lifecycle hook can be continued. ecs_mock models
    ROLLING deployments without lifecycle hooks (CreateService refuses them), so no deployment
    is ever paused: Mock decision, every known one answers that it has no such hook."""
    hit = find_service_deployment(region, params["serviceDeploymentArn"])
    if hit is None:
        raise EcsError(NOT_FOUND, "The service deployment does not exist.")
    raise invalid_parameter(
        f"The service deployment has no lifecycle hook {params['hookId']} awaiting action."
    )

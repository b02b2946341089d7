"""CreateTaskSet, UpdateTaskSet, DeleteTaskSet, DescribeTaskSets, UpdateServicePrimaryTaskSet.

Task sets are how a service with the EXTERNAL deployment controller deploys: whoever controls
it makes task sets and shifts their scale (a percentage of the service's desiredCount); the
scheduler keeps each at its computedDesiredCount (task_set_scheduler.py). A CODE_DEPLOY
service has the one task set CreateService made (Mock decision: CodeDeploy is not mocked, so
these operations change only EXTERNAL services' task sets; DescribeTaskSets reads both).
"""

from __future__ import annotations

from typing import Any

from .. import clock
from ..errors import EcsError, invalid_parameter
from . import capacity, idempotency, service_config, service_scheduler
from .launch_checks import check_active
from .lookup import find_cluster, find_task_definition
from .service_lookup import find_active_service, find_service, task_set_of
from .service_models import Service, TaskSet
from .service_wire import task_set_wire
from .state import Region
from .tags import check_tags
from .task_set_scheduler import computed_count

NOT_FOUND = "TaskSetNotFoundException"
MAX_TOKEN = 36


def _external(region: Region, params: dict[str, Any]) -> tuple[Service, float]:
    cluster = find_cluster(region, params["cluster"])
    service = find_active_service(region, cluster, params["service"])
    if service.controller != "EXTERNAL":
        # Mock decision: documented as EXTERNAL-only; ECS's text is unknown.
        raise invalid_parameter(
            "Task sets can only be managed for services that use the EXTERNAL deployment "
            f"controller; this service uses {service.controller}."
        )
    return service, clock.now()


def _scale(given: dict[str, Any] | None) -> float:
    if not given:
        return 0.0
    value = float(given.get("value", 0.0))
    if not 0 <= value <= 100:
        raise invalid_parameter(f"scale value must be between 0 and 100, got {value}.")
    return value


def _task_set(region: Region, service: Service, reference: str) -> TaskSet:
    found = task_set_of(region, service, reference)
    if found is None:
        # Mock decision: ECS documents the exception, not its text.
        raise EcsError(NOT_FOUND, "The specified task set does not exist.")
    return found


def create_task_set(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    idempotency.check_token(params.get("clientToken"), MAX_TOKEN)
    tags = check_tags(params.get("tags", []))
    capacity.check_target_request(params)
    scale = _scale(params.get("scale"))
    if len(params.get("loadBalancers", [])) > 1:
        raise invalid_parameter("A task set can have at most 1 load balancer.")
    service, now = _external(region, params)
    cluster = region.clusters[service.cluster_name]
    scope = ("CreateTaskSet", cluster.name)
    try:
        first = idempotency.replay(region, scope, params, now)
    except EcsError:
        raise invalid_parameter("Creation of task set was not idempotent.") from None
    if first is not None:
        return first
    definition = find_task_definition(region, params["taskDefinition"])
    check_active(definition)
    launch = service_config.launch_from(cluster, params, definition, None)
    placement = {
        "placementConstraints": service.placement_constraints,
        "placementStrategy": service.placement_strategy,
    }
    service_config.check_launch(region, cluster, launch, placement, None, None)
    set_id = region.ids.deployment_id()
    task_set = TaskSet(
        id=set_id,
        launch=launch,
        created_at=now,
        updated_at=now,
        arn=region.arns.task_set(cluster.name, service.name, set_id),
        scale=scale,
        external_id=params.get("externalId"),
        stability_at=now,
        tags=tags,
    )
    task_set.desired_count = computed_count(service, task_set)
    service_config.resolve_platform(task_set)
    service.task_sets.append(task_set)
    service_scheduler.request_step(region, service, now)
    response = {"taskSet": task_set_wire(region, service, task_set, bool(tags))}
    return idempotency.remember(region, scope, params, response, [task_set.arn], now)


def update_task_set(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    scale = _scale(params["scale"])
    service, now = _external(region, params)
    task_set = _task_set(region, service, params["taskSet"])
    if task_set.status == "DRAINING":
        raise invalid_parameter("The task set is DRAINING and cannot be updated.")
    task_set.scale = scale
    task_set.desired_count = computed_count(service, task_set)
    task_set.updated_at = now
    service_scheduler.request_step(region, service, now)
    return {"taskSet": task_set_wire(region, service, task_set, False)}


def update_service_primary_task_set(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    service, now = _external(region, params)
    task_set = _task_set(region, service, params["primaryTaskSet"])
    if task_set.status == "DRAINING":
        raise invalid_parameter("A DRAINING task set cannot become the primary task set.")
    for other in service.task_sets:
        if other.status == "PRIMARY" and other is not task_set:
            other.status = "ACTIVE"
            other.updated_at = now
    task_set.status = "PRIMARY"
    task_set.updated_at = now
    service_scheduler.request_step(region, service, now)
    return {"taskSet": task_set_wire(region, service, task_set, False)}


def delete_task_set(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    service, now = _external(region, params)
    task_set = _task_set(region, service, params["taskSet"])
    if task_set.status != "DRAINING":
        busy = task_set.scale > 0 or task_set.counts.running or task_set.counts.pending
        if busy and not params.get("force"):
            # Mock decision: `force` is documented as needed here; the text is not.
            raise invalid_parameter(
                "The task set cannot be deleted while it is scaled above 0 or has tasks. Scale "
                "it to 0 first, or delete it with force."
            )
        task_set.status = "DRAINING"
        task_set.desired_count = 0
        task_set.updated_at = now
        service_scheduler.request_step(region, service, now)
    return {"taskSet": task_set_wire(region, service, task_set, False)}


def describe_task_sets(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    cluster = find_cluster(region, params["cluster"])
    service = find_service(region, cluster, params["service"])
    include_tags = "TAGS" in params.get("include", [])
    references = params.get("taskSets")
    if references is None:
        chosen = list(service.task_sets)
        failures: list[dict[str, str]] = []
    else:
        chosen, failures = [], []
        for reference in references:
            found = task_set_of(region, service, reference)
            if found is None:
                failures.append({"arn": reference, "reason": "MISSING"})
            else:
                chosen.append(found)
    return {
        "taskSets": [task_set_wire(region, service, t, include_tags) for t in chosen],
        "failures": failures,
    }

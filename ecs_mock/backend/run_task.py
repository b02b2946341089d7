"""RunTask: the launch pipeline's front end where the scheduler picks where each task goes.

Validation order (ecs-runtask.md §1.7, inferred): request shape (dispatch) -> stateless rules
(count, launch target, placement syntax, startedBy, clientToken, tags) -> cluster -> clientToken
replay or conflict -> task definition -> launch targets and strategy -> compatibility ->
platform version -> network -> overrides and sizes -> volumes -> container instances exist ->
placement. A refused request changes nothing, reserves nothing and remembers no token.
"""

from __future__ import annotations

from typing import Any

from .. import clock
from ..errors import invalid_parameter
from . import capacity, fargate, idempotency, outcomes
from .capacity import Target
from .constraints import parse_constraints
from .launch import launch, prepare
from .launch_checks import check_active, check_compatible, check_standalone
from .lookup import find_cluster, find_task_definition
from .models import Cluster, ContainerInstance
from .scheduler import Placer
from .state import Region
from .strategies import parse_strategies

MAX_COUNT = 10
STARTED_BY_LIMIT = 128  # RunTask's documented limit (StartTask's is 36)
NO_INSTANCES = "No Container Instances were found in your cluster."
EXEC_NEEDS_ROLE = (
    "The execute command failed because a valid task role is not being used. Specify a valid "
    "task role in your task definition or as a task override and try again."
)

Failure = dict[str, str]


def run_task(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    count = params.get("count", 1)
    if not 1 <= count <= MAX_COUNT:
        # Mock decision: the limit is documented ("up to 10 tasks for each call"), the text not.
        raise invalid_parameter(f"Count must be between 1 and {MAX_COUNT}.")
    capacity.check_target_request(params)
    requested = parse_constraints(params.get("placementConstraints", []))
    strategies = parse_strategies(params.get("placementStrategy", []))
    check_standalone(params, STARTED_BY_LIMIT)
    idempotency.check_token(params.get("clientToken"))
    cluster = find_cluster(region, params.get("cluster"))
    now = clock.now()
    scope = ("RunTask", cluster.name)
    replayed = idempotency.replay(region, scope, params, now)
    if replayed is not None:
        return replayed

    definition = find_task_definition(region, params["taskDefinition"])
    check_active(definition)
    targets = capacity.resolve(cluster, params, count)
    launch_types = list(dict.fromkeys(target.launch_type for target in targets))
    for launch_type in launch_types:
        check_compatible(definition, launch_type)
    _check_platform(params, launch_types)
    if "FARGATE" in launch_types and (requested or strategies):
        what = "constraints" if requested else "strategies"
        raise invalid_parameter(f"Placement {what} are not supported with FARGATE launch type.")
    specs = {t: prepare(region, cluster, definition, params, t) for t in launch_types}
    if params.get("enableExecuteCommand") and not _task_role(definition, params):
        raise invalid_parameter(EXEC_NEEDS_ROLE)
    # Mock decision: a task definition's constraints bind its EC2 and EXTERNAL tasks; Fargate
    # has no instances to constrain, so they are not evaluated there (the developer guide lists
    # placement constraints as not valid for Fargate tasks).
    constraints = parse_constraints(
        params.get("placementConstraints", []), definition.body.get("placementConstraints", [])
    )
    candidates = {
        target: _candidates(cluster, target)
        for target in dict.fromkeys(targets)
        if target.launch_type != "FARGATE"
    }
    if any(not found for found in candidates.values()):
        raise invalid_parameter(NO_INSTANCES)
    injected = outcomes.take_run_task_failure(region)  # a test asked this call to fail
    if injected is not None:
        arns = list(dict.fromkeys(i.arn for found in candidates.values() for i in found))
        failed = {"tasks": [], "failures": outcomes.failures_for(injected, arns, count)}
        idempotency.remember(region, scope, params, failed, [], now)
        return failed

    tasks: list[dict[str, Any]] = []
    failures: list[Failure] = []
    placers = {
        target: Placer(
            found,
            cluster.instances.values(),
            specs[target.launch_type].required,
            specs[target.launch_type].demand,
            specs[target.launch_type].zones,
            constraints,
            strategies,
            specs[target.launch_type].group,
            region.ids.random,
        )
        for target, found in candidates.items()
    }
    stuck: set[Target] = set()  # targets where a task already found no room: the rest won't
    fargate_turn: int | None = None  # where this call's Fargate tasks start taking subnets
    for target in targets:
        if target in stuck:
            continue
        spec = specs[target.launch_type]
        if target.launch_type == "FARGATE":
            provider = target.provider or "FARGATE"
            if provider in region.capacity_unavailable:
                failures.append({"reason": fargate.CAPACITY_UNAVAILABLE})
                continue
            # Mock decision: "Fargate tasks are spread across Availability Zones": a call's
            # tasks take the request's subnets in turn, from a (seeded) random first one.
            subnet_list = list(spec.subnet_zones)
            if fargate_turn is None:
                fargate_turn = region.ids.port(0, len(subnet_list) - 1)
            subnet = subnet_list[fargate_turn % len(subnet_list)]
            fargate_turn += 1
            task = launch(region, spec, now, capacity_provider=target.provider, subnet=subnet)
        else:
            chosen = placers[target].next()
            if isinstance(chosen, list):
                failures += chosen
                stuck.add(target)
                continue
            task = launch(region, spec, now, instance=chosen, capacity_provider=target.provider)
            placers[target].placed(chosen)
        tasks.append(task.to_wire())
    response = {"tasks": tasks, "failures": failures}
    idempotency.remember(region, scope, params, response, [t["taskArn"] for t in tasks], now)
    return response


def _check_platform(params: dict[str, Any], launch_types: list[str]) -> None:
    if params.get("platformVersion") is None:
        return
    other = next((t for t in launch_types if t != "FARGATE"), None)
    if other is not None:
        raise invalid_parameter(
            f"The platform version must be null when specifying an {other} launch type."
        )


def _task_role(definition: Any, params: dict[str, Any]) -> bool:
    overrides = params.get("overrides", {})
    return bool(overrides.get("taskRoleArn") or definition.body.get("taskRoleArn"))


def _candidates(cluster: Cluster, target: Target) -> list[ContainerInstance]:
    """ACTIVE instances of the target's kind, in registration order. DRAINING ones are not
    candidates ("prevents new tasks from being scheduled")."""
    found = []
    for instance in cluster.instances.values():
        if instance.status != "ACTIVE":
            continue
        if (target.launch_type == "EXTERNAL") != instance.is_external:
            continue
        if target.provider is not None and instance.capacity_provider != target.provider:
            continue
        found.append(instance)
    return found

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
from . import capacity, fargate, idempotency, outcomes, provisioning
from .capacity import Target
from .constraints import parse_constraints
from .launch import launch, prepare
from .launch_checks import check_active, check_compatible, check_standalone
from .lookup import find_cluster, find_task_definition
from .providers import active_provider
from .scheduler import Placer, candidates
from .state import Region
from .strategies import parse_strategies

MAX_COUNT = 10
STARTED_BY_LIMIT = 128  # RunTask's documented limit (StartTask's is 36)
NO_INSTANCES = "No Container Instances were found in your cluster."
# Mock decision: for an Auto Scaling group provider without managed scaling, the wording ECS's
# service events use ("... were found in your capacity provider.").
NO_PROVIDER_INSTANCES = "No Container Instances were found in your capacity provider."
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
    # Most requests name no constraints or strategies: nothing to parse then. (A token is
    # skipped only when absent, which botocore never leaves it: it generates one.)
    asked = params.get("placementConstraints") or []
    requested = parse_constraints(asked) if asked else []
    strategies = parse_strategies(params.get("placementStrategy") or [])
    check_standalone(params, STARTED_BY_LIMIT)
    token = params.get("clientToken")
    idempotency.check_token(token)
    cluster = find_cluster(region, params.get("cluster"))
    now = clock.now()
    scope = ("RunTask", cluster.name)
    if token is not None:
        replayed = idempotency.replay(region, scope, params, now)
        if replayed is not None:
            return replayed

    definition = find_task_definition(region, params["taskDefinition"])
    check_active(definition)
    targets = capacity.resolve(cluster, params, count)
    distinct = list(dict.fromkeys(targets))  # usually one
    launch_types = list(dict.fromkeys(target.launch_type for target in distinct))
    for launch_type in launch_types:
        check_compatible(definition, launch_type)
    _check_platform(params, launch_types)
    if "FARGATE" in launch_types and (requested or strategies):
        what = "constraints" if requested else "strategies"
        raise invalid_parameter(f"Placement {what} are not supported with FARGATE launch type.")
    specs = {t: prepare(region, cluster, definition, params, t) for t in launch_types}
    if any(target.provider == "FARGATE_SPOT" for target in distinct):
        fargate.check_spot(definition, specs["FARGATE"].platform_version)
    if params.get("enableExecuteCommand") and not _task_role(definition, params):
        raise invalid_parameter(EXEC_NEEDS_ROLE)
    # Mock decision: a task definition's constraints bind its EC2 and EXTERNAL tasks; Fargate
    # has no instances to constrain, so they are not evaluated there (the developer guide lists
    # placement constraints as not valid for Fargate tasks).
    registered = definition.body.get("placementConstraints")
    constraints = parse_constraints(asked, registered) if registered else requested
    found = {
        target: candidates(cluster.instances.values(), target.launch_type, target.provider)
        for target in distinct
        if target.launch_type != "FARGATE"
    }
    # Tasks for an Auto Scaling group provider with managed scaling wait for capacity rather
    # than fail; with it off, the provider's instances are all there is, as on EC2.
    waits = {target for target in found if _managed_scaling(region, target)}
    for target, instances in found.items():
        if not instances and target not in waits:
            raise invalid_parameter(NO_PROVIDER_INSTANCES if target.provider else NO_INSTANCES)
    if waits:
        provisioning.check_quota(region, cluster, sum(1 for t in targets if t in waits))
    injected = outcomes.take_run_task_failure(region)  # a test asked this call to fail
    if injected is not None:
        arns = list(dict.fromkeys(i.arn for instances in found.values() for i in instances))
        failed = {"tasks": [], "failures": outcomes.failures_for(injected, arns, count)}
        return idempotency.remember(region, scope, params, failed, [], now)

    tasks: list[dict[str, Any]] = []
    failures: list[Failure] = []
    placers = {
        target: Placer(
            instances,
            cluster.instances.values(),
            specs[target.launch_type].required,
            specs[target.launch_type].demand,
            specs[target.launch_type].zones,
            constraints,
            strategies,
            specs[target.launch_type].group,
            region.ids.random,
        )
        for target, instances in found.items()
    }
    stuck: set[Target] = set()  # targets where a task already found no room: the rest won't
    fargate_turn: int | None = None  # where this call's Fargate tasks start taking subnets
    for target in targets:
        spec = specs[target.launch_type]
        if target in stuck:
            if target in waits:
                task = provisioning.wait(
                    region, spec, str(target.provider), constraints, strategies, now
                )
                tasks.append(task.to_wire())
            continue
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
            if isinstance(chosen, list) and target in waits:
                stuck.add(target)  # and the call's later tasks for it wait too
                task = provisioning.wait(
                    region, spec, str(target.provider), constraints, strategies, now
                )
            elif isinstance(chosen, list):
                failures += chosen
                stuck.add(target)
                continue
            else:
                task = launch(region, spec, now, instance=chosen, capacity_provider=target.provider)
                placers[target].placed(chosen)
        tasks.append(task.to_wire())
    response = {"tasks": tasks, "failures": failures}
    if token is not None:
        arns = [t["taskArn"] for t in tasks]
        return idempotency.remember(region, scope, params, response, arns, now)
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


def _managed_scaling(region: Region, target: Target) -> bool:
    if target.provider is None:
        return False
    provider = active_provider(region, target.provider)
    return provider is not None and provider.managed_scaling

"""CreateService, UpdateService, DeleteService (the reads are in service_reads).

Order of CreateService's checks (ecs-services.md §1.2, inferred): request rules that need no
state -> cluster -> name and clientToken -> task definition -> the launch against the cluster
and the task definition. A refused request changes nothing. Create and Update answer with the
service before the scheduler's first step (counts 0, the new PRIMARY at desiredCount 0,
observed); the step runs at the next call.
"""

from __future__ import annotations

from typing import Any

from .. import clock
from ..errors import EcsError, invalid_parameter
from . import arn_format, capacity, idempotency, service_checks, service_config, service_scheduler
from .constraints import parse_constraints
from .launch_checks import check_active
from .lookup import find_cluster, find_task_definition
from .service_lookup import find_active_service, find_service, held_by_express
from .service_models import Launch, Service, TaskSet
from .service_wire import service_wire
from .state import Region
from .strategies import parse_strategies
from .tags import check_tags

NOT_IDEMPOTENT = "Creation of service was not idempotent."
STILL_DRAINING = "Unable to Start a service that is still Draining."
SCALED_ABOVE_ZERO = "The service cannot be stopped while it is scaled above 0."
CODE_DEPLOY_DEFINITION = (
    "Unable to update task definition on services with a CODE_DEPLOY deployment controller. "
    "Use AWS CodeDeploy to trigger a new deployment."
)
CODE_DEPLOY_FORCE = (
    "Cannot force a new deployment on services with a CODE_DEPLOY deployment controller. "
    "Use AWS CodeDeploy to trigger a new deployment."
)
# Members whose change makes a new deployment (API UpdateService).
TRIGGERS = (
    "taskDefinition",
    "networkConfiguration",
    "platformVersion",
    "loadBalancers",
    "serviceRegistries",
    "volumeConfigurations",
    "capacityProviderStrategy",
    "serviceConnectConfiguration",
    "vpcLatticeConfigurations",
)
# What UpdateService may change on an EXTERNAL service (documented).
EXTERNAL_UPDATABLE = frozenset(
    {
        "cluster",
        "service",
        "desiredCount",
        "placementConstraints",
        "placementStrategy",
        "healthCheckGracePeriodSeconds",
        "enableECSManagedTags",
        "propagateTags",
        "deploymentController",
    }
)


def create_service(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    name = params["serviceName"]
    service_checks.check_name(name)
    controller = (params.get("deploymentController") or {}).get("type", "ECS")
    scheduling = params.get("schedulingStrategy") or "REPLICA"
    idempotency.check_token(params.get("clientToken"), service_checks.MAX_TOKEN)
    tags = check_tags(params.get("tags", []))
    arn_format.check_tags(region, "service", tags)
    capacity.check_target_request(params)
    parse_constraints(params.get("placementConstraints", []))
    parse_strategies(params.get("placementStrategy", []))
    service_checks.check_unmodelled(params)
    desired = params.get("desiredCount")
    service_checks.check_desired(desired)
    if scheduling == "DAEMON":
        service_checks.check_daemon(params, controller, service_checks.is_fargate(params))
    elif desired is None and controller != "EXTERNAL":
        # Mock decision: ECS's text is unknown; an emulator's is reused.
        raise invalid_parameter("DesiredCount is missing")
    if controller == "EXTERNAL":
        # Mock decision: an EXTERNAL service's revision lives in its task sets ("you can
        # specify only parameters that aren't controlled at the task set level", API docs).
        task_set_level = [key for key in (*TRIGGERS, "role") if key in params]
        if task_set_level:
            raise invalid_parameter(
                f"{task_set_level[0]} cannot be set on a service with an EXTERNAL deployment "
                "controller; set it on its task sets (CreateTaskSet)."
            )
    config = service_checks.deployment_configuration(
        params.get("deploymentConfiguration"), scheduling
    )
    cluster = find_cluster(region, params.get("cluster"))
    now = clock.now()
    scope = ("CreateService", cluster.name)
    existing = cluster.services.get(name)
    if existing is not None and existing.status == "ACTIVE":
        try:
            first = idempotency.replay(region, scope, params, now)
        except EcsError:
            first = None
        # Mock decision: the same request again without a token is not idempotent either.
        if first is None or first.get("service", {}).get("serviceArn") != existing.arn:
            raise invalid_parameter(NOT_IDEMPOTENT)
        return {"service": service_wire(region, existing, bool(tags))}
    if existing is not None and existing.status == "DRAINING":
        raise invalid_parameter(STILL_DRAINING)
    if held_by_express(region, cluster.name, name, now):
        raise invalid_parameter(NOT_IDEMPOTENT)

    launch = None
    if controller != "EXTERNAL":
        if not params.get("taskDefinition", "").strip():
            raise invalid_parameter("TaskDefinition can not be blank.")
        definition = find_task_definition(region, params["taskDefinition"])
        check_active(definition)
        if scheduling == "DAEMON" and "launchType" not in params:
            # Mock decision: a DAEMON service without a launch type runs on EC2 instances,
            # not on the cluster's default capacity provider strategy.
            params = {**params, "launchType": "EC2"}
        launch = service_config.launch_from(cluster, params, definition, None)
        if scheduling == "DAEMON" and launch.is_fargate:
            service_checks.check_daemon({}, controller, True)
        service_config.check_launch(
            region,
            cluster,
            launch,
            params,
            params.get("role"),
            params.get("healthCheckGracePeriodSeconds"),
        )
    service = Service(
        name=name,
        arn=arn_format.arn(region, "service", cluster.name, name),
        cluster_name=cluster.name,
        cluster_arn=cluster.arn,
        created_at=now,
        created_by=f"arn:aws:iam::{region.account_id}:root",
        launch=launch,
        base_launch_type=params.get("launchType") or "EC2",
        desired_count=desired or 0,
        scheduling=scheduling,
        controller=controller,
        deployment_config=config,
        placement_constraints=[dict(c) for c in params.get("placementConstraints", [])],
        placement_strategy=[dict(s) for s in params.get("placementStrategy", [])],
        grace_period=params.get("healthCheckGracePeriodSeconds") or 0,
        propagate_tags=params.get("propagateTags") or "NONE",
        managed_tags=bool(params.get("enableECSManagedTags")),
        execute_command=bool(params.get("enableExecuteCommand")),
        # Mock decision: DISABLED unless sent (2025 outputs; the model's create default is
        # ENABLED, but a service that never set it reads DISABLED).
        az_rebalancing=params.get("availabilityZoneRebalancing") or "DISABLED",
        role_arn=_role_arn(region, params.get("role")),
        tags=tags,
    )
    if launch is not None and controller == "ECS":
        service_config.new_deployment(region, service, launch, now)
    elif launch is not None:
        _code_deploy_task_set(region, service, launch, now)
    cluster.services[name] = service
    service_scheduler.request_step(region, service, now)
    response = {"service": service_wire(region, service, bool(tags))}
    return idempotency.remember(region, scope, params, response, [service.arn], now)


def _role_arn(region: Region, role: str | None) -> str | None:
    if role is None or role.startswith("arn:"):
        return role
    return f"arn:aws:iam::{region.account_id}:role/{role}"


def _code_deploy_task_set(region: Region, service: Service, launch: Launch, now: float) -> None:
    """Mock decision: a CODE_DEPLOY service starts with one PRIMARY task set at scale 100, as
    CodeDeploy would make; traffic shifting and further deployments are CodeDeploy's (not
    mocked)."""
    set_id = region.ids.deployment_id()
    task_set = TaskSet(
        id=set_id,
        launch=launch,
        created_at=now,
        updated_at=now,
        arn=region.arns.task_set(service.cluster_name, service.name, set_id),
        status="PRIMARY",
        scale=100.0,
        started_by="CODE_DEPLOY",
        stability_at=now,
    )
    service_config.resolve_platform(task_set)
    service.task_sets.append(task_set)


def update_service(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    cluster = find_cluster(region, params.get("cluster"))
    service = find_active_service(region, cluster, params["service"])
    _check_controller_rules(service, params)
    capacity.check_strategy_shape(params.get("capacityProviderStrategy") or [])
    if "placementConstraints" in params:
        parse_constraints(params["placementConstraints"])
    if "placementStrategy" in params:
        parse_strategies(params["placementStrategy"])
    service_checks.check_unmodelled(params)
    service_checks.check_desired(params.get("desiredCount"))
    if service.scheduling == "DAEMON":
        service_checks.check_daemon(params, service.controller, service_checks.is_fargate(params))
    config = service_checks.deployment_configuration(
        params.get("deploymentConfiguration"), service.scheduling, service.deployment_config
    )
    now = clock.now()
    launch = None
    if service.controller == "ECS" and service.launch is not None:
        definition = service.launch.definition
        if "taskDefinition" in params:
            definition = find_task_definition(region, params["taskDefinition"])
            if definition is not service.launch.definition:
                check_active(definition)
        launch = service_config.launch_from(cluster, params, definition, service.launch)
        if not launch.strategy and "capacityProviderStrategy" in params:
            # Mock decision: `[]` returns to the launch type the service was created with (EC2
            # when it was created with a strategy).
            launch.launch_type = service.base_launch_type
        placement = {
            "placementConstraints": params.get(
                "placementConstraints", service.placement_constraints
            ),
            "placementStrategy": params.get("placementStrategy", service.placement_strategy),
        }
        if service.scheduling == "DAEMON" and launch.is_fargate:
            service_checks.check_daemon({}, service.controller, True)
        service_config.check_launch(
            region,
            cluster,
            launch,
            placement,
            None,
            params.get("healthCheckGracePeriodSeconds", service.grace_period),
        )
    elif "healthCheckGracePeriodSeconds" in params:
        load_balancers = service.launch.load_balancers if service.launch else []
        service_checks.check_grace(params["healthCheckGracePeriodSeconds"], load_balancers)

    # Every check passed: apply.
    if "desiredCount" in params:
        service.desired_count = params["desiredCount"]
    service.deployment_config = config
    if "placementConstraints" in params:
        service.placement_constraints = [dict(c) for c in params["placementConstraints"]]
    if "placementStrategy" in params:
        service.placement_strategy = [dict(s) for s in params["placementStrategy"]]
    if "healthCheckGracePeriodSeconds" in params:
        service.grace_period = params["healthCheckGracePeriodSeconds"]
    if "propagateTags" in params:
        service.propagate_tags = params["propagateTags"]
    if "enableECSManagedTags" in params:
        service.managed_tags = bool(params["enableECSManagedTags"])
    if "enableExecuteCommand" in params:
        service.execute_command = bool(params["enableExecuteCommand"])
    if "availabilityZoneRebalancing" in params:
        service.az_rebalancing = params["availabilityZoneRebalancing"]
    primary = service.primary
    changed = primary is not None and launch is not None and launch != primary.launch
    if launch is not None and (params.get("forceNewDeployment") or changed):
        service_config.new_deployment(region, service, launch, now)
    service_scheduler.request_step(region, service, now)
    return {"service": service_wire(region, service, False)}


def _check_controller_rules(service: Service, params: dict[str, Any]) -> None:
    wanted = (params.get("deploymentController") or {}).get("type", service.controller)
    if wanted != service.controller:
        # Mock decision: newer APIs allow some controller changes under rules not published.
        raise invalid_parameter(
            "ecs_mock does not support changing a service's deployment controller."
        )
    if service.controller == "CODE_DEPLOY":
        if "taskDefinition" in params:
            raise invalid_parameter(CODE_DEPLOY_DEFINITION)
        if params.get("forceNewDeployment"):
            raise invalid_parameter(CODE_DEPLOY_FORCE)
        changed = [key for key in TRIGGERS if key in params]
        if changed:
            raise invalid_parameter(
                f"Unable to update {changed[0]} on services with a CODE_DEPLOY deployment "
                "controller. Use AWS CodeDeploy to trigger a new deployment."
            )
    elif service.controller == "EXTERNAL":
        other = sorted(set(params) - EXTERNAL_UPDATABLE)
        if other:
            raise invalid_parameter(
                f"Unable to update {other[0]} on services with an EXTERNAL deployment "
                "controller; only desiredCount, placement, the health check grace period and "
                "tag settings can be updated (use task sets for the rest)."
            )


def delete_service(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    cluster = find_cluster(region, params.get("cluster"))
    service = find_service(region, cluster, params["service"])
    if service.status != "ACTIVE":
        return {"service": service_wire(region, service, False)}
    if service.scheduling == "REPLICA" and service.desired_count > 0 and not params.get("force"):
        raise invalid_parameter(SCALED_ABOVE_ZERO)
    service.status = "DRAINING"
    service.desired_count = 0
    now = clock.now()
    service_scheduler.request_step(region, service, now)
    return {"service": service_wire(region, service, False)}

"""What a service runs (its Launch) from a request, checked as RunTask checks a launch, and new
deployments of it."""

from __future__ import annotations

from typing import Any

from ..errors import invalid_parameter
from . import capacity, fargate, service_checks
from .capacity import FARGATE_PROVIDERS
from .launch import prepare
from .launch_checks import check_compatible
from .models import Cluster, TaskDefinition
from .service_models import Deployment, Fleet, Launch, Service, ServiceDeployment
from .service_rollout import supersede
from .state import Region
from .task_definitions import task_size


def resolve_target(
    cluster: Cluster, launch_type: str | None, strategy: list[dict[str, Any]]
) -> tuple[str | None, list[dict[str, Any]]]:
    """launchType or capacityProviderStrategy: with neither, the cluster's default strategy if
    it has one, else EC2 (documented)."""
    from_default = False
    if not strategy and launch_type is None:
        if cluster.default_strategy:
            strategy, from_default = [dict(i) for i in cluster.default_strategy], True
        else:
            launch_type = "EC2"
    if strategy:
        capacity.check_against_cluster(cluster, strategy, from_default)
        return None, service_checks.strategy_echo(strategy)
    return launch_type, []


def launch_types(launch: Launch) -> list[str]:
    if not launch.strategy:
        return [launch.launch_type or "EC2"]
    kinds = (
        "FARGATE" if i["capacityProvider"] in FARGATE_PROVIDERS else "EC2" for i in launch.strategy
    )
    return list(dict.fromkeys(kinds))


def check_launch(
    region: Region,
    cluster: Cluster,
    launch: Launch,
    placement: dict[str, Any],
    role: str | None,
    grace: int | None,
) -> None:
    """The rules RunTask applies to a launch, for a service's revision: compatibility, platform
    version, Fargate placement, network, volumes; then load balancers and registries."""
    definition = launch.definition
    kinds = launch_types(launch)
    for kind in kinds:
        check_compatible(definition, kind)
    if launch.platform_version is not None:
        other = next((k for k in kinds if k != "FARGATE"), None)
        if other is not None:
            raise invalid_parameter(
                f"The platform version must be null when specifying an {other} launch type."
            )
    if "FARGATE" in kinds:
        if placement.get("placementConstraints"):
            raise invalid_parameter(
                "Placement constraints are not supported with FARGATE launch type."
            )
        if placement.get("placementStrategy"):
            raise invalid_parameter(
                "Placement strategies are not supported with FARGATE launch type."
            )
    params: dict[str, Any] = {}
    if launch.network is not None:
        params["networkConfiguration"] = launch.network
    if launch.volumes:
        params["volumeConfigurations"] = launch.volumes
    for kind in kinds:
        if launch.platform_version is not None and kind == "FARGATE":
            params["platformVersion"] = launch.platform_version
        prepare(region, cluster, definition, params, kind)
    service_checks.check_load_balancers(launch.load_balancers, definition)
    service_checks.check_registries(launch.registries, definition)
    service_checks.check_role(role, launch.load_balancers, definition.network_mode == "awsvpc")
    service_checks.check_grace(grace, launch.load_balancers)


def launch_from(
    cluster: Cluster, params: dict[str, Any], definition: TaskDefinition, base: Launch | None
) -> Launch:
    """The Launch a request asks for: its members where sent, else `base`'s (UpdateService)."""

    def given(key: str, default: Any) -> Any:
        return params.get(key, default)

    if base is None:
        launch_type, strategy = resolve_target(
            cluster, params.get("launchType"), list(params.get("capacityProviderStrategy") or [])
        )
    elif "capacityProviderStrategy" in params:
        launch_type, strategy = base.launch_type, list(params["capacityProviderStrategy"])
        if strategy:
            launch_type, strategy = resolve_target(cluster, None, strategy)
    else:
        launch_type, strategy = base.launch_type, base.strategy
    network = (
        service_checks.network_echo(params["networkConfiguration"])
        if "networkConfiguration" in params
        else (base.network if base else None)
    )
    return Launch(
        definition=definition,
        launch_type=launch_type,
        strategy=strategy,
        platform_version=given("platformVersion", base.platform_version if base else None),
        network=network,
        load_balancers=[
            dict(i) for i in given("loadBalancers", base.load_balancers if base else [])
        ],
        registries=[dict(i) for i in given("serviceRegistries", base.registries if base else [])],
        volumes=[dict(i) for i in given("volumeConfigurations", base.volumes if base else [])],
        service_connect=given(
            "serviceConnectConfiguration", base.service_connect if base else None
        ),
        lattice=given("vpcLatticeConfigurations", base.lattice if base else None),
    )


def resolve_platform(fleet: Fleet) -> None:
    """A Fargate fleet's concrete platform version (LATEST resolved) and platform family, fixed
    when the fleet is made: the CreateService and UpdateService answers already show them on
    the deployment while the service says LATEST (CLI create-service example 1). The same rule
    as each task's (`launch.prepare`), which check_launch has already applied, so this cannot
    fail for a launch that passed it."""
    launch = fleet.launch
    if not launch.is_fargate:
        return
    definition = launch.definition
    fleet.resolved_platform = fargate.platform_version(
        launch.platform_version,
        definition,
        task_size(definition.body.get("cpu"), "cpu"),
        "ephemeralStorage" in definition.body,
    )
    fleet.platform_family = fargate.platform_family(definition)


def new_deployment(region: Region, service: Service, launch: Launch, now: float) -> Deployment:
    """A new PRIMARY deployment of `launch` (desiredCount 0 until the scheduler's first step)
    and its service deployment; the previous PRIMARY becomes ACTIVE, keeping its rolloutState."""
    deployment_id = region.ids.deployment_id()
    deployment = Deployment(
        id=deployment_id,
        launch=launch,
        created_at=now,
        updated_at=now,
        rollout_reason=f"ECS deployment {deployment_id} in progress.",
        # Mock decision: the revision is made with its deployment (ECS's came ~1.6 s before).
        revision_created_at=now,
        ignored_alarms=frozenset(
            name
            for name in (service.deployment_config.get("alarms") or {}).get("alarmNames", [])
            if region.alarm_states.get(name) == "ALARM"
        ),
    )
    sources = [
        (d, d.desired_count, d.counts.running, d.counts.pending) for d in service.deployments
    ]
    previous = service.primary
    if previous is not None:
        previous.status = "ACTIVE"
        supersede(previous.service_deployment, now)
        if previous.rolling_back is not None:
            supersede(previous.rolling_back, now)
            previous.rolling_back = None
    record = ServiceDeployment(
        arn=region.arns.service_deployment(
            service.cluster_name, service.name, region.ids.token(21)
        ),
        target=deployment,
        sources=sources,
        created_at=now,
        updated_at=now,
        config=dict(service.deployment_config),
    )
    resolve_platform(deployment)
    deployment.service_deployment = record
    service.deployments.insert(0, deployment)
    service.history[deployment_id] = deployment
    service.service_deployments.append(record)
    service.launch = launch
    service.streak = 0  # "a new task definition resets" throttling (DG)
    service.steady_since = None
    region.touch(service)
    return deployment

"""The one launch pipeline: what a task will be (`prepare`), then making it (`launch`).

StartTask (the instances are named), RunTask (the scheduler picks) and the service scheduler are
front ends that differ only in how they choose where each task goes. All of them resolve the
request into one `LaunchSpec` with the shared checks of `launch_checks`, then call `launch` once
per task; `launch` reserves what the task holds, stores it and starts its lifecycle.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import arn_format, fargate, lifecycle, subnets
from .launch_checks import (
    awsvpc_configuration,
    check_container_memory,
    check_overrides,
    echo_overrides,
    task_tags,
    volume_configuration,
)
from .models import Cluster, Container, ContainerInstance, Tags, Task, TaskDefinition
from .placement import demand, effective_containers, gpu_count, required_attributes
from .resources import Demand
from .state import Region
from .task_definitions import task_size


@dataclass(slots=True)
class LaunchSpec:
    """Everything a launch request decides before any instance is chosen."""

    cluster: Cluster
    definition: TaskDefinition
    launch_type: str
    containers: list[dict[str, Any]]  # container definitions with overrides applied
    echo: dict[str, Any]  # the overrides as the task reports them
    cpu: str  # what the task reports: its task-level size, else the containers' sum
    memory: str
    demand: Demand
    required: list[str]  # attributes an instance must have
    tags: Tags
    group: str
    started_by: str | None
    execute_command: bool
    volume: dict[str, Any] | None
    vpc: dict[str, Any] | None  # awsvpcConfiguration, for awsvpc tasks
    subnet_zones: dict[str, str | None] = field(default_factory=dict)
    platform_version: str | None = None
    platform_family: str | None = None
    ephemeral_storage: int | None = None
    service_name: str | None = None  # set by the service scheduler for the tasks it starts

    @property
    def zones(self) -> frozenset[str] | None:
        """The zones an EC2 instance must be in for this task (None: not checked)."""
        return subnets.known_zones(self.subnet_zones)


def prepare(
    region: Region,
    cluster: Cluster,
    definition: TaskDefinition,
    params: dict[str, Any],
    launch_type: str,
) -> LaunchSpec:
    """Check the request against the task definition and resolve what each task will be.

    Raises the modeled error for the first problem (network, overrides, sizes, volumes) and
    changes nothing."""
    vpc = awsvpc_configuration(definition, params, launch_type)
    overrides: dict[str, Any] = params.get("overrides", {})
    sized = _sized(region, definition, overrides, launch_type)
    task_cpu, task_memory = sized.cpu, sized.memory
    arn_format.check_tags(region, "task", params.get("tags"))
    spec = LaunchSpec(
        cluster=cluster,
        definition=definition,
        launch_type=launch_type,
        containers=sized.containers,
        echo=sized.echo,
        cpu="",
        memory="",
        demand=sized.demand,
        required=required_attributes(definition, bool(params.get("enableExecuteCommand"))),
        tags=task_tags(cluster, definition, params),
        group=params.get("group") or f"family:{definition.family}",
        started_by=params.get("startedBy"),
        execute_command=bool(params.get("enableExecuteCommand")),
        volume=volume_configuration(definition, params),
        vpc=vpc,
    )
    # Mock decision (documented for RunTask, applied to every task): without a task-level size
    # a task reports the sums its accounting uses (memoryReservation where memory is unset).
    spec.cpu = task_cpu or str(spec.demand.cpu)
    spec.memory = task_memory or str(spec.demand.memory)
    if launch_type == "FARGATE":
        fargate.check_size(task_cpu, task_memory, fargate.is_windows(definition))
        spec.ephemeral_storage = fargate.ephemeral_storage(definition, overrides)
        spec.platform_version = fargate.platform_version(
            params.get("platformVersion"),
            definition,
            task_cpu,
            "ephemeralStorage" in overrides or "ephemeralStorage" in definition.body,
        )
        spec.platform_family = fargate.platform_family(definition)
    if vpc is not None:
        spec.subnet_zones = subnets.zones_of(region, list(vpc["subnets"]))
    return spec


@dataclass(frozen=True, slots=True)
class _Sized:
    """A task definition with a request's overrides applied: its containers, what the task
    reports as its overrides, what it demands and its task-level size."""

    containers: list[dict[str, Any]]
    echo: dict[str, Any]
    demand: Demand
    cpu: str | None
    memory: str | None


def _sized(
    region: Region, definition: TaskDefinition, overrides: dict[str, Any], launch_type: str
) -> _Sized:
    """Check the overrides and sizes (the first problem raises), then apply them.

    Requests without overrides (most of them) make the same of a task definition every time,
    and a registered definition's containers never change: that is worked out once per
    definition and launch type, and kept by the region (so it goes with the mock). The
    definition is kept beside it: a state file reloaded in place brings new objects."""
    if overrides:
        return _apply(definition, overrides, launch_type)
    key = (definition.arn, launch_type)
    kept = region.plain_sizes.get(key)
    if kept is not None and kept[0] is definition:
        sized: _Sized = kept[1]
        return sized
    sized = _apply(definition, overrides, launch_type)  # raises the same way every time
    region.plain_sizes[key] = (definition, sized)
    return sized


def _apply(definition: TaskDefinition, overrides: dict[str, Any], launch_type: str) -> _Sized:
    check_overrides(definition, overrides, launch_type)
    task_cpu = task_size(overrides.get("cpu") or definition.body.get("cpu"), "cpu")
    task_memory = task_size(overrides.get("memory") or definition.body.get("memory"), "memory")
    containers = effective_containers(definition, overrides)
    check_container_memory(containers, task_memory)
    return _Sized(
        containers=containers,
        # Shared by every task made from it: nothing mutates an echo once built.
        echo=echo_overrides(definition, overrides),
        demand=demand(definition, containers, task_cpu, task_memory),
        cpu=task_cpu,
        memory=task_memory,
    )


def launch(
    region: Region,
    spec: LaunchSpec,
    now: float,
    instance: ContainerInstance | None = None,
    capacity_provider: str | None = None,
    subnet: str | None = None,
    waiting: bool = False,
) -> Task:
    """Make one task of `spec`: on `instance` (EC2, EXTERNAL) or on Fargate (no instance).

    `subnet` is where a Fargate task's ENI goes; an EC2 awsvpc task's ENI goes to the first of
    its subnets in the instance's zone. The caller has checked that the task fits.

    `waiting`: an EC2 task whose capacity provider has no room for it yet. It is made with no
    instance, in PROVISIONING, and goes no further until `place` gives it one (or it is
    stopped)."""
    task_id = region.ids.hex32()
    cluster = spec.cluster
    zone = instance.attribute("ecs.availability-zone") if instance is not None else None
    if spec.vpc is not None and subnet is None and instance is not None:
        subnet = subnets.subnet_in(spec.subnet_zones, zone)
    if instance is None and subnet is not None:
        zone = spec.subnet_zones.get(subnet) or fargate.default_zone(region.region, subnet)
    attributes = []
    if instance is not None:
        architecture: str | None = instance.attribute("ecs.cpu-architecture") or "x86_64"
    else:
        architecture = None if waiting else fargate.architecture(spec.definition)
    if architecture is not None:
        attributes.append({"name": "ecs.cpu-architecture", "value": architecture})
    # A waiting task gets its ENI (in a subnet of its instance's zone) when it is placed.
    attachments = [_eni_attachment(region, subnet)] if subnet is not None else []
    task = Task(
        task_id=task_id,
        arn=arn_format.arn(region, "task", cluster.name, task_id),
        cluster_name=cluster.name,
        cluster_arn=cluster.arn,
        task_definition=spec.definition,
        containers=[
            _container(region, cluster, task_id, c, spec.execute_command) for c in spec.containers
        ],
        created_at=now,
        group=spec.group,
        overrides=spec.echo,
        attributes=attributes,
        attachments=attachments,
        enable_execute_command=spec.execute_command,
        tags=[dict(t) for t in spec.tags],
        cpu=spec.cpu,
        memory=spec.memory,
        awsvpc=spec.vpc is not None,
        launch_type=spec.launch_type,
        availability_zone=zone,
        capacity_provider_name=capacity_provider,
        platform_version=spec.platform_version,
        platform_family=spec.platform_family,
        ephemeral_storage=spec.ephemeral_storage,
        started_by=spec.started_by,
        service_name=spec.service_name,
        awsvpc_configuration=spec.vpc,
        last_status="PROVISIONING" if spec.vpc is not None or waiting else "PENDING",
    )
    if spec.volume is not None:
        task.attachments.append(_ebs_attachment(region, spec.volume))
    if instance is not None:
        _reserve(task, spec, instance)
    cluster.tasks[task_id] = task
    region.tasks[task_id] = task
    region.index_for(cluster.name).add(task)
    region.touch(task, cluster)  # the cluster keeps the index's next number
    if instance is not None:
        region.touch(instance)
    lifecycle.begin(region, task, now, waiting=waiting)
    return task


def place(
    region: Region, task: Task, spec: LaunchSpec, instance: ContainerInstance, now: float
) -> None:
    """A task `launch` made waiting gets its instance: its zone, architecture and ENI come from
    there, it reserves what it needs, and its lifecycle goes on from `now`. The caller has
    checked that it fits."""
    zone = instance.attribute("ecs.availability-zone")
    task.availability_zone = zone
    architecture = instance.attribute("ecs.cpu-architecture") or "x86_64"
    task.attributes = [{"name": "ecs.cpu-architecture", "value": architecture}]
    if spec.vpc is not None:
        eni = _eni_attachment(region, subnets.subnet_in(spec.subnet_zones, zone))
        task.attachments.insert(0, eni)
    _reserve(task, spec, instance)
    region.touch(task, instance)
    region.index_for(task.cluster_name).placed(task)
    lifecycle.placed(region, task, now)


def _reserve(task: Task, spec: LaunchSpec, instance: ContainerInstance) -> None:
    task.instance_id, task.instance_arn = instance.instance_id, instance.arn
    task.holding = instance.resources.reserve(spec.demand)
    if task.holding.gpu_ids:  # else every container keeps its empty list
        _assign_gpus(task.containers, spec.containers, task.holding.gpu_ids)
    instance.task_ids.add(task.task_id)


def _eni_attachment(region: Region, subnet: str) -> dict[str, Any]:
    return {
        "id": region.ids.uuid(),
        "type": "ElasticNetworkInterface",
        "status": "PRECREATED",
        "details": [{"name": "subnetId", "value": subnet}],
    }


def _container(
    region: Region, cluster: Cluster, task_id: str, definition: dict[str, Any], execute: bool
) -> Container:
    memory, reservation = definition.get("memory"), definition.get("memoryReservation")
    return Container(
        arn=region.arns.container(cluster.name, task_id, region.ids.uuid()),
        name=definition["name"],
        image=definition["image"],
        cpu=str(definition.get("cpu") or 0),
        memory=None if memory is None else str(memory),
        memory_reservation=None if reservation is None else str(reservation),
        essential=bool(definition.get("essential", True)),
        port_mappings=tuple(definition.get("portMappings") or ()),
        managed_agents=(
            ({"name": "ExecuteCommandAgent", "lastStatus": "PENDING"},) if execute else ()
        ),
    )


def _assign_gpus(
    containers: list[Container], definitions: list[dict[str, Any]], gpu_ids: tuple[str, ...]
) -> None:
    """Hand the task's reserved GPUs to its containers in order, as many as each asked for."""
    free = list(gpu_ids)
    for container, definition in zip(containers, definitions, strict=True):
        count = gpu_count(definition)
        container.gpu_ids, free = tuple(free[:count]), free[count:]


def _ebs_attachment(region: Region, volume: dict[str, Any]) -> dict[str, Any]:
    ebs = volume.get("managedEBSVolume", {})
    delete = ebs.get("terminationPolicy", {}).get("deleteOnTermination", True)
    return {
        "id": region.ids.uuid(),
        "type": "AmazonElasticBlockStorage",
        "status": "CREATED",
        "details": [
            {"name": "roleArn", "value": ebs.get("roleArn", "")},
            {"name": "volumeName", "value": volume["name"]},
            {"name": "deleteOnTermination", "value": str(delete).lower()},
        ],
    }

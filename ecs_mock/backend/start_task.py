"""StartTask: validate the whole request first, then place one task per named instance.

Order of checks (ECS documents none; observations put cluster before task-level problems):
request shape (schema, in dispatch) -> request rules (instance list, startedBy, group,
propagateTags, tags) -> cluster -> task definition -> request semantics (network, overrides,
volumes) -> instance identifiers -> per-instance placement. Nothing is changed until every
request-level check has passed, so a refused request reserves nothing.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .. import clock
from ..errors import invalid_parameter
from . import lifecycle, subnets
from .lookup import find_cluster, find_task_definition, instance_id_of
from .models import Cluster, Container, ContainerInstance, Tags, Task, TaskDefinition
from .placement import (
    bad_gpu_value,
    demand,
    effective_containers,
    gpu_count,
    refusal,
    required_attributes,
)
from .resources import EMPTY_HOLDING
from .state import Region
from .tags import check_tag_count, check_tags
from .task_definitions import task_size

MAX_INSTANCES = 10
MAX_OVERRIDES_CHARS = 8192
STARTED_BY = re.compile(r"[A-Za-z0-9\-/_]*\Z")
MAX_GROUP = 255


def _check_request(params: dict[str, Any]) -> None:
    """Rules that need no state."""
    instances = params["containerInstances"]
    if not instances:
        # Mock decision: exact code unknown; DescribeTasks' sibling rule uses this one.
        raise invalid_parameter("Container Instances cannot be empty.")
    if len(instances) > MAX_INSTANCES:
        raise invalid_parameter(f"instanceIds can have at most {MAX_INSTANCES} items.")
    if any(not str(i).strip() for i in instances):
        raise invalid_parameter("Container instance can not be blank.")
    started_by = params.get("startedBy")
    if started_by is not None:
        if len(started_by) > 36:
            raise invalid_parameter("startedBy longer than 36.")
        if not STARTED_BY.match(started_by):
            # Mock decision: ECS documents the allowed characters but not this message.
            raise invalid_parameter(
                "startedBy may contain only letters, numbers, hyphens (-), "
                "forward slashes (/) and underscores (_)."
            )
    group = params.get("group")
    if group is not None and not 1 <= len(group) <= MAX_GROUP:
        raise invalid_parameter(f"group must be 1 to {MAX_GROUP} characters.")
    if params.get("propagateTags") == "SERVICE":
        # Mock decision: a standalone task has no service to propagate from. RunTask documents
        # "An error will be received if you specify the SERVICE option"; StartTask does the same.
        raise invalid_parameter(
            "propagateTags SERVICE is only valid for tasks started by a service."
        )
    check_tags(params.get("tags", []))


def _check_network(definition: TaskDefinition, params: dict[str, Any]) -> None:
    config = params.get("networkConfiguration")
    if definition.network_mode == "awsvpc":
        if not config or "awsvpcConfiguration" not in config:
            raise invalid_parameter(
                "Network Configuration must be provided when networkMode 'awsvpc' is specified."
            )
        vpc = config["awsvpcConfiguration"]
        if not vpc.get("subnets"):
            raise invalid_parameter("subnets can not be empty.")
        if len(vpc["subnets"]) > 16:
            raise invalid_parameter("subnets can have at most 16 items.")
        if len(vpc.get("securityGroups", [])) > 5:
            raise invalid_parameter("securityGroups can have at most 5 items.")
        if vpc.get("assignPublicIp") == "ENABLED":
            raise invalid_parameter("Assign public IP is not supported for this launch type.")
    elif config:
        raise invalid_parameter(
            "Network Configuration is not valid for the given networkMode of this task definition."
        )


def _check_overrides(definition: TaskDefinition, overrides: dict[str, Any]) -> None:
    if overrides and len(json.dumps(overrides, separators=(",", ":"))) > MAX_OVERRIDES_CHARS:
        raise invalid_parameter(f"Container Overrides length must be at most {MAX_OVERRIDES_CHARS}")
    names = {c["name"] for c in definition.containers}
    for override in overrides.get("containerOverrides", []):
        name = override.get("name")
        if not name:
            # Mock decision: the model says name "is required if any override is specified";
            # the message follows ECS's "<Thing> can not be blank." pattern.
            raise invalid_parameter("Container override name can not be blank.")
        if name not in names:
            raise invalid_parameter(
                f"Override for container named {name} is not a container in the TaskDefinition."
            )
        for key in ("cpu", "memory", "memoryReservation"):
            if override.get(key, 0) < 0:
                raise invalid_parameter(f"Invalid '{key}' override for container {name}.")
    for container in effective_containers(definition, overrides):
        gpu = bad_gpu_value(container)
        if gpu is not None:
            # Mock decision: ECS documents GPU values as whole numbers but not this message.
            raise invalid_parameter(
                f"Invalid GPU value {gpu} for container '{container['name']}'. "
                "It must be a positive whole number."
            )
        memory, reservation = container.get("memory"), container.get("memoryReservation")
        if memory is not None and reservation is not None and memory < reservation:
            # The rule RegisterTaskDefinition enforces, applied to the overridden values.
            raise invalid_parameter(
                f"Invalid setting for container '{container['name']}'. "
                "'memory' must be greater than or equal to 'memoryReservation'."
            )
    if "ephemeralStorage" in overrides:
        raise invalid_parameter("Ephemeral storage overrides are only supported on Fargate.")


def _check_volumes(definition: TaskDefinition, params: dict[str, Any]) -> dict[str, Any] | None:
    at_launch = [v for v in definition.body.get("volumes", []) if v.get("configuredAtLaunch")]
    configs = params.get("volumeConfigurations", [])
    names = {v["name"] for v in at_launch}
    for config in configs:
        if config.get("name") not in names:
            raise invalid_parameter(
                "Volume configuration provided but no matching configuredAtLaunch volume "
                "found in task definition."
            )
    if at_launch and not configs:
        # Mock decision: ECS documents no error; a volume left unconfigured could not be mounted.
        raise invalid_parameter(
            f"Volume {at_launch[0]['name']} is configuredAtLaunch and needs a volumeConfiguration."
        )
    if len(configs) > 1:
        raise invalid_parameter("Only one volume configuration is supported per task.")
    return configs[0] if configs else None


def _tags(cluster: Cluster, definition: TaskDefinition, params: dict[str, Any]) -> Tags:
    """Request tags, then the task definition's (request wins a key), then ECS managed ones."""
    tags = check_tags(params.get("tags", []))
    if params.get("propagateTags") == "TASK_DEFINITION":
        present = {t["key"] for t in tags}
        tags += [dict(t) for t in definition.tags if t["key"] not in present]
        # Mock decision: propagation may not take a task past 50 tags, as TagResource may not.
        check_tag_count(tags)
    if params.get("enableECSManagedTags"):
        tags.append({"key": "aws:ecs:clusterName", "value": cluster.name})
    return tags


def _echo_overrides(definition: TaskDefinition, overrides: dict[str, Any]) -> dict[str, Any]:
    echo = dict(overrides)
    if not echo.get("containerOverrides"):
        echo["containerOverrides"] = [{"name": c["name"]} for c in definition.containers]
    echo.setdefault("inferenceAcceleratorOverrides", [])
    return echo


def start_task(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    _check_request(params)
    cluster = find_cluster(region, params.get("cluster"))
    definition = find_task_definition(region, params["taskDefinition"])
    if definition.status != "ACTIVE":
        raise invalid_parameter("TaskDefinition is inactive")
    if "EC2" not in definition.body.get("compatibilities", []):
        raise invalid_parameter("Task definition does not support launch_type EC2.")
    _check_network(definition, params)
    overrides = params.get("overrides", {})
    _check_overrides(definition, overrides)
    volume = _check_volumes(definition, params)
    task_cpu = task_size(overrides.get("cpu") or definition.body.get("cpu"), "cpu")
    task_memory = task_size(overrides.get("memory") or definition.body.get("memory"), "memory")
    references = list(params["containerInstances"])
    ids = [instance_id_of(region, cluster, ref) for ref in references]
    tags = _tags(cluster, definition, params)

    containers = effective_containers(definition, overrides)
    wanted = demand(definition, containers, task_cpu, task_memory)
    required = required_attributes(definition, bool(params.get("enableExecuteCommand")))
    subnet_zones: dict[str, str | None] = {}
    if definition.network_mode == "awsvpc":
        subnet_zones = subnets.zones_of(region, _subnets(params))
    zones = subnets.known_zones(subnet_zones)
    echo = _echo_overrides(definition, overrides)
    now = clock.now()
    tasks, failures = [], []
    # Mock decision: each entry is one placement attempt, so an instance named twice is asked
    # for two tasks (the second sees the first's reservation), as RunTask --count 2 behaves.
    for reference, instance_id in zip(references, ids, strict=True):
        instance = cluster.instances.get(instance_id)
        if instance is None:
            # An ARN is echoed as given; a bare id becomes this cluster's long ARN for it.
            arn = reference
            if not reference.startswith("arn:"):
                arn = region.arns.container_instance(cluster.name, instance_id)
            failures.append({"arn": arn, "reason": "MISSING"})
            continue
        reason = refusal(instance, required, wanted, zones)
        if reason is not None:
            failures.append({"arn": instance.arn, "reason": reason})
            continue
        eni_subnet = None
        if subnet_zones:
            eni_subnet = subnets.subnet_in(
                subnet_zones, instance.attribute("ecs.availability-zone")
            )
        task = _new_task(region, cluster, definition, instance, containers, params, now, eni_subnet)
        task.holding = instance.resources.reserve(wanted)
        _assign_gpus(task.containers, containers, task.holding.gpu_ids)
        task.cpu, task.memory = task_cpu, task_memory
        task.tags = [dict(t) for t in tags]
        # Shared by this call's tasks: nothing mutates an echo once built.
        task.overrides = echo
        if volume is not None:
            task.attachments.append(_ebs_attachment(region, volume))
        _remember(region, cluster, instance, task)
        lifecycle.begin(region, task, now)
        tasks.append(task.to_wire())
    return {"tasks": tasks, "failures": failures}


def _subnets(params: dict[str, Any]) -> list[str]:
    return list(params["networkConfiguration"]["awsvpcConfiguration"]["subnets"])


def _remember(region: Region, cluster: Cluster, instance: ContainerInstance, task: Task) -> None:
    cluster.tasks[task.task_id] = task
    region.tasks[task.task_id] = task
    instance.task_ids.add(task.task_id)
    region.index_for(cluster.name).add(task)
    region.touch(task, instance, cluster)  # the cluster keeps the index's next number


def _new_task(
    region: Region,
    cluster: Cluster,
    definition: TaskDefinition,
    instance: ContainerInstance,
    containers: list[dict[str, Any]],
    params: dict[str, Any],
    now: float,
    eni_subnet: str | None,
) -> Task:
    task_id = region.ids.hex32()
    arn = region.arns.task(cluster.name, task_id)
    awsvpc = definition.network_mode == "awsvpc"
    execute = bool(params.get("enableExecuteCommand"))
    attachments = []
    if eni_subnet is not None:  # awsvpc
        attachments.append(
            {
                "id": region.ids.uuid(),
                "type": "ElasticNetworkInterface",
                "status": "PRECREATED",
                "details": [{"name": "subnetId", "value": eni_subnet}],
            }
        )
    architecture = instance.attribute("ecs.cpu-architecture") or "x86_64"
    return Task(
        task_id=task_id,
        arn=arn,
        cluster_name=cluster.name,
        cluster_arn=cluster.arn,
        task_definition=definition,
        instance_id=instance.instance_id,
        instance_arn=instance.arn,
        containers=[_container(region, cluster, task_id, c, execute) for c in containers],
        holding=EMPTY_HOLDING,
        created_at=now,
        group=params.get("group") or f"family:{definition.family}",
        overrides={},
        availability_zone=instance.attribute("ecs.availability-zone"),
        attributes=[{"name": "ecs.cpu-architecture", "value": architecture}],
        attachments=attachments,
        enable_execute_command=execute,
        tags=[],
        cpu=None,
        memory=None,
        awsvpc=awsvpc,
        started_by=params.get("startedBy"),
        last_status="PROVISIONING" if awsvpc else "PENDING",
    )


def _container(
    region: Region, cluster: Cluster, task_id: str, definition: dict[str, Any], execute: bool
) -> Container:
    def text(key: str) -> str | None:
        value = definition.get(key)
        return None if value is None else str(value)

    return Container(
        arn=region.arns.container(cluster.name, task_id, region.ids.uuid()),
        name=definition["name"],
        image=definition["image"],
        cpu=str(definition.get("cpu") or 0),
        memory=text("memory"),
        memory_reservation=text("memoryReservation"),
        essential=bool(definition.get("essential", True)),
        port_mappings=list(definition.get("portMappings", [])),
        managed_agents=(
            [{"name": "ExecuteCommandAgent", "lastStatus": "PENDING"}] if execute else []
        ),
    )


def _assign_gpus(
    containers: list[Container], definitions: list[dict[str, Any]], gpu_ids: tuple[str, ...]
) -> None:
    """Hand the task's reserved GPUs to its containers in order, as many as each asked for."""
    free = list(gpu_ids)
    for container, definition in zip(containers, definitions, strict=True):
        count = gpu_count(definition)
        container.gpu_ids, free = free[:count], free[count:]


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

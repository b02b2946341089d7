"""The request checks every task launch shares (StartTask, RunTask, the service scheduler).

Each check raises the modeled ECS error and changes nothing; the front ends call them in the
order their operation documents (or the mock decided), before anything is reserved.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..errors import invalid_parameter, shown
from .models import Cluster, Tags, TaskDefinition
from .placement import bad_gpu_value, effective_containers
from .tags import check_tag_count, check_tags

MAX_OVERRIDES_CHARS = 8192
STARTED_BY = re.compile(r"[A-Za-z0-9\-/_]*\Z")
MAX_GROUP = 255
MIN_EPHEMERAL_GIB, MAX_EPHEMERAL_GIB = 21, 200


def check_started_by(started_by: str | None, limit: int) -> None:
    """StartTask documents 36 characters, RunTask 128; both the same characters."""
    if started_by is None:
        return
    if len(started_by) > limit:
        raise invalid_parameter(f"startedBy longer than {limit}.")
    if not STARTED_BY.match(started_by):
        # Mock decision: ECS documents the allowed characters but not this message.
        raise invalid_parameter(
            "startedBy may contain only letters, numbers, hyphens (-), "
            "forward slashes (/) and underscores (_)."
        )


def check_standalone(params: dict[str, Any], started_by_limit: int) -> None:
    """The rules that need no state and hold for any task not started by a service."""
    check_started_by(params.get("startedBy"), started_by_limit)
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


def check_active(definition: TaskDefinition) -> None:
    if definition.status != "ACTIVE":
        raise invalid_parameter("TaskDefinition is inactive")


def check_compatible(definition: TaskDefinition, launch_type: str) -> None:
    """The task definition must list the launch type among its computed compatibilities."""
    if launch_type not in definition.body.get("compatibilities", []):
        raise invalid_parameter(f"Task definition does not support launch_type {launch_type}.")


def awsvpc_configuration(
    definition: TaskDefinition, params: dict[str, Any], launch_type: str
) -> dict[str, Any] | None:
    """The request's awsvpcConfiguration, checked against the network mode and launch type;
    None for a task that is not awsvpc."""
    config = params.get("networkConfiguration")
    if definition.network_mode != "awsvpc":
        if config:
            raise invalid_parameter(
                "Network Configuration is not valid for the given networkMode of this "
                "task definition."
            )
        return None
    if not config or "awsvpcConfiguration" not in config:
        raise invalid_parameter(
            "Network Configuration must be provided when networkMode 'awsvpc' is specified."
        )
    vpc: dict[str, Any] = config["awsvpcConfiguration"]
    if not vpc.get("subnets"):
        raise invalid_parameter("subnets can not be empty.")
    if len(vpc["subnets"]) > 16:
        raise invalid_parameter("subnets can have at most 16 items.")
    if len(vpc.get("securityGroups", [])) > 5:
        raise invalid_parameter("securityGroups can have at most 5 items.")
    if vpc.get("assignPublicIp") == "ENABLED" and launch_type != "FARGATE":
        raise invalid_parameter("Assign public IP is not supported for this launch type.")
    return vpc


def check_overrides(
    definition: TaskDefinition, overrides: dict[str, Any], launch_type: str
) -> None:
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
                f"Override for container named {shown(name)} is not a container in the "
                "TaskDefinition."
            )
        for key in ("cpu", "memory", "memoryReservation"):
            if override.get(key, 0) < 0:
                raise invalid_parameter(f"Invalid '{key}' override for container {shown(name)}.")
    for container in effective_containers(definition, overrides):
        gpu = bad_gpu_value(container)
        if gpu is not None:
            # Mock decision: ECS documents GPU values as whole numbers but not this message.
            raise invalid_parameter(
                f"Invalid GPU value {shown(gpu)} for container '{shown(container['name'])}'. "
                "It must be a positive whole number."
            )
        memory, reservation = container.get("memory"), container.get("memoryReservation")
        if memory is not None and reservation is not None and memory < reservation:
            # The rule RegisterTaskDefinition enforces, applied to the overridden values.
            raise invalid_parameter(
                f"Invalid setting for container '{shown(container['name'])}'. "
                "'memory' must be greater than or equal to 'memoryReservation'."
            )
    storage = overrides.get("ephemeralStorage")
    if storage is not None:
        if launch_type != "FARGATE":
            raise invalid_parameter("Ephemeral storage overrides are only supported on Fargate.")
        size = storage.get("sizeInGiB")
        if not MIN_EPHEMERAL_GIB <= size <= MAX_EPHEMERAL_GIB:
            # Mock decision: the documented range (21-200 GiB); ECS's message is unknown.
            raise invalid_parameter(
                f"Ephemeral storage size must be between {MIN_EPHEMERAL_GIB} and "
                f"{MAX_EPHEMERAL_GIB} GiB, got {size}."
            )


def check_container_memory(containers: list[dict[str, Any]], task_memory: str | None) -> None:
    """No container may ask for more memory than the task has (observed for RunTask)."""
    if task_memory is None:
        return
    for container in containers:
        if (container.get("memory") or 0) > int(task_memory):
            raise invalid_parameter(
                f"'memory' setting for container '{shown(container['name'])}' is greater than "
                "for task."
            )


def volume_configuration(
    definition: TaskDefinition, params: dict[str, Any]
) -> dict[str, Any] | None:
    volumes = definition.body.get("volumes")
    configs = params.get("volumeConfigurations", [])
    if not volumes and not configs:  # most launches: nothing to configure or check
        return None
    at_launch = [v for v in volumes or () if v.get("configuredAtLaunch")]
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
            f"Volume {shown(at_launch[0]['name'])} is configuredAtLaunch and needs a "
            "volumeConfiguration."
        )
    if len(configs) > 1:
        raise invalid_parameter("Only one volume configuration is supported per task.")
    return configs[0] if configs else None


def task_tags(cluster: Cluster, definition: TaskDefinition, params: dict[str, Any]) -> Tags:
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


def echo_overrides(definition: TaskDefinition, overrides: dict[str, Any]) -> dict[str, Any]:
    echo = dict(overrides)
    if not echo.get("containerOverrides"):
        echo["containerOverrides"] = [{"name": c["name"]} for c in definition.containers]
    echo.setdefault("inferenceAcceleratorOverrides", [])
    return echo

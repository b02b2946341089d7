"""RegisterTaskDefinition, DeregisterTaskDefinition, DescribeTaskDefinition, List*."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .. import clock
from ..errors import EcsError, client_error, invalid_parameter, shown
from . import fargate, fargate_checks, task_definition_deletion
from .lookup import NAME_PATTERN, ROLE_ARN, find_task_definition, split_task_definition
from .models import TaskDefinition
from .numbers import INT32_MAX, parse_digits
from .paging import paged
from .placement import bad_gpu_value
from .state import Region
from .tags import check_tags

# Task sizes as text: ASCII digits and spaces only (re.ASCII: `\d` and `\s` would also take
# other scripts' digits and spaces), short enough that converting them is cheap.
_VCPU = re.compile(r"\s*([0-9]{1,10}(?:\.[0-9]{1,10})?)\s*vcpu\s*", re.IGNORECASE | re.ASCII)
_GB = re.compile(r"\s*([0-9]{1,10}(?:\.[0-9]{1,10})?)\s*gb\s*", re.IGNORECASE | re.ASCII)
_UNITS = re.compile(r"\s*([0-9]+)\s*", re.ASCII)
# IAM's characters for a role name (a short name stands for a role of the caller's account).
ROLE_NAME = re.compile(r"[\w+=,.@-]{1,64}\Z", re.ASCII)
TASK_CPU_MIN, TASK_CPU_MAX = 128, 196608
# ECS's documented quota (observed text: "ClientException: Too many containers.").
MAX_CONTAINERS = 10
# Mock decision: ECS documents no limit on port mappings; 100 per container (as many as an
# instance can reserve) keeps a task's dynamic ports far below the 16,383 an instance has.
MAX_PORT_MAPPINGS = 100
MAX_PORT = 65535
_CONTAINER_DEFAULTS: dict[str, Any] = {
    "portMappings": [],
    "essential": True,
    "environment": [],
    "mountPoints": [],
    "volumesFrom": [],
    "cpu": 0,
}


def task_size(value: str | None, what: str) -> str | None:
    """Task-level cpu/memory as ECS stores them: plain units ('1 vCPU' -> '1024')."""
    if value is None:
        return None
    scaled = (_VCPU if what == "cpu" else _GB).fullmatch(value)
    plain = _UNITS.fullmatch(value)
    units: int | None = None
    if scaled:
        units = int(float(scaled.group(1)) * 1024)
    elif plain:
        units = parse_digits(plain.group(1))
    # Mock decision: a size must come to at least one unit and fit ECS's 32-bit Integer.
    if units is None or not 0 < units <= INT32_MAX:
        raise invalid_parameter(f"Invalid '{what}' setting for task.")
    # Task-level cpu is 128 to 196,608 units (0.125 to 192 vCPUs) on EC2 and EXTERNAL (the
    # model); Fargate's sizes all lie inside that range, so it binds every definition.
    if what == "cpu" and not TASK_CPU_MIN <= units <= TASK_CPU_MAX:
        raise invalid_parameter(f"Invalid '{what}' setting for task.")
    return str(units)


def check_role(value: Any, field: str) -> None:
    """taskRoleArn and executionRoleArn: an IAM role ARN, or a role's short name.

    Mock decision: ECS's observed "Role is not valid" is given to a value written as an ARN that
    is not an IAM role's, and to a short name with characters IAM does not allow in one."""
    if not isinstance(value, str) or not value:
        return
    if value.startswith("arn:"):
        valid = ROLE_ARN.match(value) is not None
    else:
        valid = ROLE_NAME.match(value) is not None
    if not valid:
        raise client_error("Role is not valid")


def _container(
    definition: dict[str, Any], network_mode: str, task_memory: str | None
) -> dict[str, Any]:
    # Deep copy: the default lists must not be shared between stored definitions.
    container = {**copy.deepcopy(_CONTAINER_DEFAULTS), **definition}
    name = container.get("name")
    if not name:
        raise client_error("Container.name should not be null or empty.")
    if not container.get("image"):
        raise client_error("Container.image should not be null or empty.")
    for key in ("cpu", "memory", "memoryReservation"):
        if (container.get(key) or 0) < 0:
            # Mock decision: ECS documents no negative sizes and no message for them.
            raise client_error(
                f"Invalid setting for container '{shown(name)}'. '{key}' must not be negative."
            )
    memory, reservation = container.get("memory"), container.get("memoryReservation")
    # "you must specify a non-zero integer for one or both of memory or memoryReservation"
    if task_memory is None and not memory and not reservation:
        raise client_error(
            f"Invalid setting for container '{shown(name)}'. "
            "At least one of 'memory' or 'memoryReservation' must be specified."
        )
    if memory is not None and reservation is not None and memory < reservation:
        raise client_error(
            f"Invalid setting for container '{shown(name)}'. "
            "'memory' must be greater than or equal to 'memoryReservation'."
        )
    gpu = bad_gpu_value(container)
    if gpu is not None:
        # Mock decision: ECS documents GPU values as whole numbers but not this message.
        raise client_error(
            f"Invalid GPU value {shown(gpu)} for container '{shown(name)}'. "
            "It must be a positive whole number."
        )
    mappings = container["portMappings"]
    if mappings and network_mode == "none":
        # Documented ("you can't specify port mappings"); Mock decision: the message.
        raise client_error("When networkMode=none, you can't specify port mappings.")
    if len(mappings) > MAX_PORT_MAPPINGS:
        raise client_error(
            f"Container '{shown(name)}' has {len(mappings)} port mappings; "
            f"at most {MAX_PORT_MAPPINGS} are supported."
        )
    container["portMappings"] = [_port(m, network_mode, name) for m in mappings]
    return container


def _port(mapping: dict[str, Any], network_mode: str, name: str) -> dict[str, Any]:
    port = {"protocol": "tcp", **mapping}
    for key in ("containerPort", "hostPort"):
        number = port.get(key)
        if number is not None and not 0 <= number <= MAX_PORT:
            # Mock decision: ECS documents port numbers but not this message.
            raise client_error(
                f"Invalid port mapping for container '{shown(name)}': {key} {number} is not "
                f"between 0 and {MAX_PORT}."
            )
    container_port = port.get("containerPort")
    if network_mode in ("awsvpc", "host"):
        if "hostPort" in port and port["hostPort"] != container_port:
            raise client_error(
                f"When networkMode={network_mode}, the host ports and container ports "
                "in port mappings must match."
            )
        if container_port is not None:
            port["hostPort"] = container_port
    elif network_mode == "bridge" and "hostPort" not in port and container_port is not None:
        port["hostPort"] = 0
    return port


def _requires_attributes(body: dict[str, Any]) -> list[dict[str, str]]:
    """The capability attributes ECS derives from a task definition (a representative subset)."""
    needs = []
    if body.get("networkMode") == "awsvpc":
        needs.append("ecs.capability.task-eni")
    if body.get("taskRoleArn"):
        needs.append("com.amazonaws.ecs.capability.task-iam-role")
    if any(v.get("configuredAtLaunch") for v in body.get("volumes", [])):
        needs.append("ecs.capability.ebs-task-attach")
    return [{"name": name} for name in needs]


def _compatibilities(body: dict[str, Any], requires: list[str]) -> list[str]:
    """The launch types a task definition can run on, as ECS computes them.

    A non-awsvpc definition is EC2 and EXTERNAL (ECS Anywhere runs bridge, host and none); an
    awsvpc one is EC2, and FARGATE too when its task size is one Fargate offers."""
    network_mode = body.get("networkMode", "bridge")
    if "FARGATE" in requires and network_mode != "awsvpc":
        raise client_error("Fargate only supports network mode 'awsvpc'.")
    if "FARGATE" in requires:
        # The cpu text is observed from ECS; the memory one is its analogue.
        for size in ("cpu", "memory"):
            if not body.get(size):
                raise client_error(f"Fargate requires that '{size}' be defined at the task level.")
    problem = fargate_checks.incompatibility(body)
    if "FARGATE" in requires and problem is not None:
        raise client_error(problem)
    cpu, memory = body.get("cpu"), body.get("memory")
    fargate_size = bool(cpu and memory and fargate.is_valid_size(int(cpu), int(memory)))
    if "FARGATE" in requires and not fargate_size:
        raise client_error(fargate.no_configuration(cpu, memory))
    fargate_size = fargate_size and problem is None
    if network_mode != "awsvpc":
        compatible = ["EXTERNAL", "EC2"]  # the order ECS reports (AWS CLI examples)
    else:
        compatible = ["EC2", "FARGATE"] if fargate_size else ["EC2"]
    if "EXTERNAL" in requires and "EXTERNAL" not in compatible:
        # Mock decision: ECS Anywhere documents bridge, host and none; this names the conflict.
        raise client_error(
            "Tasks using the EXTERNAL launch type do not support network mode 'awsvpc'."
        )
    return compatible


def _check_host_ports(containers: list[dict[str, Any]], network_mode: str) -> None:
    """Mock decision: one task cannot bind the same static host port twice (Docker would
    refuse the second), so a definition that asks to is refused."""
    if network_mode not in ("bridge", "host"):
        return
    seen: set[tuple[int, str]] = set()
    for container in containers:
        for mapping in container["portMappings"]:
            port = mapping.get("hostPort") or 0
            if not port:
                continue
            key = (port, mapping.get("protocol", "tcp"))
            if key in seen:
                raise client_error(
                    f"Host port {port}/{key[1]} is mapped more than once in the task definition."
                )
            seen.add(key)


def _volume(volume: dict[str, Any]) -> dict[str, Any]:
    """An EFS volume without rootDirectory gets ECS's documented default, `/`."""
    efs = volume.get("efsVolumeConfiguration")
    if efs is None or "rootDirectory" in efs:
        return dict(volume)
    return {**volume, "efsVolumeConfiguration": {**efs, "rootDirectory": "/"}}


def _check_volumes(volumes: list[dict[str, Any]]) -> None:
    if sum(1 for v in volumes if v.get("configuredAtLaunch")) > 1:
        raise client_error(
            "Each task definition revision may only have one volume configured at launch."
        )


def _check_placement_constraints(constraints: list[dict[str, Any]]) -> None:
    """Only memberOf belongs in a task definition (the model's enum; the request check refuses
    distinctInstance before this). Expressions are stored as given and evaluated at launch:
    ECS accepts one no instance can satisfy (observed), so the mock does not judge them here."""
    if len(constraints) > 10:
        # Mock decision: the 10-constraint limit is documented per task; a definition that
        # alone exceeds it could never run.
        raise client_error("A task definition can have at most 10 placement constraints.")


@contextmanager
def _misses_as(missing: EcsError) -> Iterator[None]:
    """lookup words an unparsable revision or a foreign ARN as StartTask does ("TaskDefinition
    not found."); for these operations it is the same miss as an unknown family."""
    try:
        yield
    except EcsError as error:
        if error.code == "ClientException":
            raise missing from None
        raise


def register_task_definition(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    family = params.get("family", "")
    if not family.strip():
        raise client_error("Family can not be blank.")
    if not NAME_PATTERN.match(family):
        raise client_error("Family contains invalid characters.")
    definitions = params.get("containerDefinitions") or []
    if not definitions:
        raise client_error("Container list cannot be empty.")
    if len(definitions) > MAX_CONTAINERS:
        raise client_error("Too many containers.")
    for field in ("taskRoleArn", "executionRoleArn"):
        check_role(params.get(field), field)
    tags = check_tags(params["tags"], allow_empty=False) if "tags" in params else []
    network_mode = params.get("networkMode", "bridge")
    cpu = task_size(params.get("cpu"), "cpu")
    memory = task_size(params.get("memory"), "memory")
    containers = [_container(d, network_mode, memory) for d in definitions]
    names = [c["name"] for c in containers]
    if len(set(names)) != len(names):
        raise client_error("Container names must be unique within a task definition.")
    if not any(c["essential"] for c in containers):
        raise client_error("Task definition doesn't have any essential container.")
    _check_host_ports(containers, network_mode)
    volumes = [_volume(v) for v in params.get("volumes", [])]
    _check_volumes(volumes)
    _check_placement_constraints(params.get("placementConstraints", []))
    # The family is only created once every check (compatibilities included) has passed, so a
    # refused registration leaves no empty family behind for ListTaskDefinitionFamilies.
    revisions = region.families.get(family, [])
    revision = len(revisions) + 1
    arn = region.arns.task_definition(family, revision)
    body: dict[str, Any] = {
        key: value
        for key, value in params.items()
        if key not in ("tags", "containerDefinitions", "cpu", "memory")
    }
    requires = list(params.get("requiresCompatibilities", []))
    body.update(
        taskDefinitionArn=arn,
        family=family,
        revision=revision,
        containerDefinitions=containers,
        volumes=volumes,
        networkMode=network_mode,
        status="ACTIVE",
        placementConstraints=list(params.get("placementConstraints", [])),
        registeredAt=clock.now(),
    )
    body["requiresAttributes"] = _requires_attributes(body)
    body["compatibilities"] = _compatibilities({**body, "cpu": cpu, "memory": memory}, requires)
    if cpu is not None:
        body["cpu"] = cpu
    if memory is not None:
        body["memory"] = memory
    definition = TaskDefinition(family=family, revision=revision, arn=arn, body=body, tags=tags)
    region.families.setdefault(family, []).append(definition)
    region.touch(definition)
    return {"taskDefinition": definition.to_wire(), "tags": list(tags)}


def deregister_task_definition(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    reference = params["taskDefinition"]
    task_definition_deletion.check_revision_number(reference)
    missing = client_error("The specified task definition does not exist.")
    with _misses_as(missing):
        _, revision = split_task_definition(region, reference)
    if revision is None:
        raise client_error("Revision is missing.")
    with _misses_as(missing):
        definition = find_task_definition(region, reference, missing)
    if definition.status == "ACTIVE":
        definition.body["status"] = "INACTIVE"
        definition.body["deregisteredAt"] = clock.now()
        region.touch(definition)
    return {"taskDefinition": definition.to_wire()}


def describe_task_definition(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    missing = client_error("Unable to describe task definition.")
    with _misses_as(missing):
        definition = find_task_definition(region, params["taskDefinition"], missing)
    result: dict[str, Any] = {"taskDefinition": definition.to_wire()}
    if "TAGS" in params.get("include", []):
        result["tags"] = list(definition.tags)
    return result


def list_task_definitions(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    status = params.get("status", "ACTIVE")
    wanted_family = params.get("familyPrefix")
    arns = [
        d.arn
        for family, revisions in sorted(region.families.items())
        if wanted_family is None or family == wanted_family
        for d in revisions
        if d.status == status
    ]
    if params.get("sort") == "DESC":
        arns.reverse()
    return paged("taskDefinitionArns", arns, params)


def list_task_definition_families(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    prefix = params.get("familyPrefix", "")
    # ECS lists both ACTIVE and INACTIVE families by default; an INACTIVE family is one with no
    # ACTIVE revision left (one with an old INACTIVE revision but a live one is ACTIVE only).
    status = params.get("status", "ALL")
    families = [
        family
        for family, revisions in sorted(region.families.items())
        if revisions
        and family.startswith(prefix)
        and (status == "ALL" or _family_status(revisions) == status)
    ]
    return paged("families", families, params)


def _family_status(revisions: list[TaskDefinition]) -> str:
    return "ACTIVE" if any(d.status == "ACTIVE" for d in revisions) else "INACTIVE"

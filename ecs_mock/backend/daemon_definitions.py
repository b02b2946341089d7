"""RegisterDaemonTaskDefinition, DescribeDaemonTaskDefinition, DeleteDaemonTaskDefinition,
ListDaemonTaskDefinitions.

Daemon task definitions are their own resource (not task definitions): revisions per family,
`daemon-task-definition/<family>:<revision>` ARNs, status ACTIVE, then DELETE_IN_PROGRESS while
a daemon still runs a deleted revision, then DELETED (see daemon_lookup.definition_status).
"""

from __future__ import annotations

import copy
from typing import Any

from .. import clock
from ..arns import partition_for
from ..errors import client_error
from .daemon_lookup import definition_status, find_definition, split_definition
from .daemon_models import DaemonTaskDefinition
from .lookup import NAME_PATTERN
from .paging import paged
from .state import Region
from .tags import check_tags
from .task_definitions import task_size

# What ECS adds to a daemon container left without them: the documented example answers
# `essential: true` and empty `mountPoints` and `secrets`; Mock decision: `cpu` 0 as for task
# definitions (the example sets it).
_CONTAINER_DEFAULTS: dict[str, Any] = {
    "essential": True,
    "cpu": 0,
    "mountPoints": [],
    "secrets": [],
}


def registered_by(region: Region) -> str:
    # Mock decision: every call is the account's root principal (ecs_mock has no IAM).
    return f"arn:{partition_for(region.region)}:iam::{region.account_id}:root"


def _container(definition: dict[str, Any]) -> dict[str, Any]:
    container = {**copy.deepcopy(_CONTAINER_DEFAULTS), **copy.deepcopy(definition)}
    name = container.get("name")
    # Mock decision: the model leaves the name optional; a given name follows the documented
    # rule (up to 255 letters, numbers, underscores and hyphens).
    if name is not None and not NAME_PATTERN.match(name):
        raise client_error(f"Container name '{name}' contains invalid characters.")
    if not container["image"].strip():
        raise client_error("Container.image should not be null or empty.")
    memory, reservation = container.get("memory"), container.get("memoryReservation")
    if memory is not None and reservation is not None and memory < reservation:
        # RegisterTaskDefinition's rule and text, for the same container fields.
        raise client_error(
            f"Invalid setting for container '{name}'. "
            "'memory' must be greater than or equal to 'memoryReservation'."
        )
    return container


def register_daemon_task_definition(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    family = params["family"]
    if not family.strip():
        raise client_error("Family can not be blank.")
    if not NAME_PATTERN.match(family):
        raise client_error("Family contains invalid characters.")
    containers = [_container(d) for d in params["containerDefinitions"]]
    if not containers:
        raise client_error("Container list cannot be empty.")
    names = [c["name"] for c in containers if "name" in c]
    if len(set(names)) != len(names):
        raise client_error("Container names must be unique within a daemon task definition.")
    if not any(c["essential"] for c in containers):
        # "Each daemon task definition requires at least one essential container" (DG).
        raise client_error("Daemon task definition doesn't have any essential container.")
    cpu = task_size(params.get("cpu"), "cpu")
    memory = task_size(params.get("memory"), "memory")
    tags = check_tags(params.get("tags", []))
    revisions = region.daemon_families.get(family, [])
    revision = len(revisions) + 1
    arn = region.arns.daemon_task_definition(family, revision)
    body: dict[str, Any] = {
        key: copy.deepcopy(value)
        for key, value in params.items()
        if key not in ("tags", "containerDefinitions", "cpu", "memory")
    }
    body.update(
        daemonTaskDefinitionArn=arn,
        family=family,
        revision=revision,
        containerDefinitions=containers,
        volumes=list(body.get("volumes", [])),
        registeredAt=clock.now(),
        registeredBy=registered_by(region),
    )
    if cpu is not None:
        body["cpu"] = cpu
    if memory is not None:
        body["memory"] = memory
    definition = DaemonTaskDefinition(
        family=family, revision=revision, arn=arn, body=body, tags=tags
    )
    region.daemon_families.setdefault(family, []).append(definition)
    region.touch(definition)
    return {"daemonTaskDefinitionArn": arn}


def _wire(region: Region, definition: DaemonTaskDefinition, now: float) -> dict[str, Any]:
    wire = {**definition.body, "status": definition_status(region, definition, now)}
    if definition.delete_requested_at is not None:
        wire["deleteRequestedAt"] = definition.delete_requested_at
    return wire


def describe_daemon_task_definition(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    now = clock.now()
    definition = find_definition(region, params["daemonTaskDefinition"], now)
    return {"daemonTaskDefinition": _wire(region, definition, now)}


def delete_daemon_task_definition(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    now = clock.now()
    reference = params["daemonTaskDefinition"]
    _, revision = split_definition(region, reference)
    if revision is None:
        # "The family and revision (family:revision) or full ARN" (model); the text is
        # DeregisterTaskDefinition's.
        raise client_error("Revision is missing.")
    definition = find_definition(region, reference, now)
    status = definition_status(region, definition, now)
    if status != "ACTIVE":
        # "A daemon task definition must be in an ACTIVE state to be deleted" (model).
        # Mock decision: the wording; "being deleted" is what tools look for (observed use).
        state = "being deleted" if status == "DELETE_IN_PROGRESS" else "already deleted"
        raise client_error(f"Daemon task definition {definition.arn} is {state}.")
    definition.delete_requested_at = now
    region.touch(definition)
    return {"daemonTaskDefinitionArn": definition.arn}


def list_daemon_task_definitions(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    now = clock.now()
    prefix = params.get("familyPrefix", "")
    exact = params.get("family")
    wanted = params.get("status", "ACTIVE")  # "By default, only ACTIVE ... are listed"
    summaries = []
    for family, revisions in sorted(region.daemon_families.items()):
        if not family.startswith(prefix) or (exact is not None and family != exact):
            continue
        # Mock decision: LAST_REGISTERED keeps each family's newest revision, then filters it.
        chosen = revisions[-1:] if params.get("revision") == "LAST_REGISTERED" else revisions
        for definition in chosen:
            status = definition_status(region, definition, now)
            if wanted == "ALL" or status == wanted:
                summaries.append(_summary(definition, status))
    if params.get("sort") == "DESC":  # ASC (family, then revision) by default
        summaries.reverse()
    return paged("daemonTaskDefinitions", summaries, params)


def _summary(definition: DaemonTaskDefinition, status: str) -> dict[str, Any]:
    summary: dict[str, Any] = {
        "arn": definition.arn,
        "registeredAt": definition.body["registeredAt"],
        "registeredBy": definition.body["registeredBy"],
        "status": status,
    }
    if definition.delete_requested_at is not None:
        summary["deleteRequestedAt"] = definition.delete_requested_at
    return summary

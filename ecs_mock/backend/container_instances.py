"""RegisterContainerInstance and the operations that observe or change container instances.

A deregistered instance is INACTIVE: DescribeContainerInstances still shows it for
`Timings.instance_inactive_visible` of clock time (then MISSING), ListContainerInstances does
not, and once it is forgotten every operation that names it answers as for an instance ECS never
knew (the tasks it orphaned keep its ARN as their containerInstanceArn).
"""

from __future__ import annotations

import dataclasses
import re
from itertools import islice
from typing import Any

from .. import clock
from ..errors import EcsError, client_error, invalid_parameter, shown
from ..strict_json import parse_json
from . import (
    arn_format,
    instance_health,
    instance_hooks,
    instance_types,
    lifecycle,
    provisioning,
    query,
    trunking,
)
from .instance_resources import check_reregistration, registered_resources
from .lookup import cluster_name, find_cluster, instance_id_of
from .models import Cluster, ContainerInstance
from .paging import decode_position, paged_entries
from .resources import Resources
from .state import Region
from .tags import check_tags
from .task_counts import TaskCounts

# Capabilities a current ECS agent on the ECS-optimised Linux AMI advertises.
AGENT_CAPABILITIES: tuple[str, ...] = (
    "com.amazonaws.ecs.capability.docker-remote-api.1.17",
    "com.amazonaws.ecs.capability.docker-remote-api.1.18",
    "com.amazonaws.ecs.capability.docker-remote-api.1.19",
    "com.amazonaws.ecs.capability.docker-remote-api.1.21",
    "com.amazonaws.ecs.capability.docker-remote-api.1.44",
    "com.amazonaws.ecs.capability.logging-driver.awslogs",
    "com.amazonaws.ecs.capability.task-iam-role",
    "com.amazonaws.ecs.capability.task-iam-role-network-host",
    "ecs.capability.task-eni",
    "ecs.capability.task-eni-trunking",
    "ecs.capability.execute-command",
    "ecs.capability.execution-role-awslogs",
    "ecs.capability.ebs-task-attach",
    "ecs.capability.container-health-check",
)
_CAPABILITY_PREFIXES = ("ecs.capability.", "com.amazonaws.ecs.capability.")
ECS_OWNED = ("ecs.", "com.amazonaws.ecs.")  # attributes ECS and its agent set, not the caller
# Attribute name and value rules as the ECS model documents them (Attribute.name / .value).
_ATTRIBUTE_NAME = re.compile(r"[A-Za-z0-9_./\\-]{1,128}")
_ATTRIBUTE_VALUE = re.compile(r"[A-Za-z0-9_.@/\\: -]{1,128}")
EXPIRED = "CONTAINER_INSTANCE_EXPIRED"
DEFAULT_VERSION_INFO = {
    "agentVersion": "1.88.0",
    "agentHash": "5a3ee1e9",
    "dockerVersion": "DockerVersion: 25.0.6",
}


def _identity(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    text = params.get("instanceIdentityDocument")
    if text is None:
        return {}
    try:
        document = parse_json(text)
    except EcsError:  # not JSON, nested too deep, or a non-finite number
        raise invalid_parameter("The instance identity document is not valid JSON.") from None
    if not isinstance(document, dict):
        raise invalid_parameter("The instance identity document is not valid JSON.")
    return document


def check_attribute(attribute: dict[str, str]) -> None:
    # Mock decision: ECS documents the rules but not its messages; these name the offender.
    name = attribute["name"]
    if not _ATTRIBUTE_NAME.fullmatch(name):
        raise invalid_parameter(
            f"Invalid attribute name '{shown(name)}': it must be 1 to 128 letters, numbers, "
            "hyphens, underscores, periods, forward slashes or back slashes."
        )
    value = attribute.get("value")
    if value is not None and (not _ATTRIBUTE_VALUE.fullmatch(value) or value != value.strip(" ")):
        raise invalid_parameter(
            f"Invalid value '{shown(value)}' for attribute '{name}': it must be 1 to 128 letters, "
            "numbers, hyphens, underscores, periods, at signs, forward slashes, back slashes, "
            "colons or spaces, and must not start or end with a space."
        )


def _attributes(
    params: dict[str, Any], document: dict[str, Any], kind: instance_types.InstanceType, az: str
) -> list[dict[str, str]]:
    custom = [
        {k: v for k, v in a.items() if k in ("name", "value")} for a in params.get("attributes", [])
    ]
    for attribute in custom:
        check_attribute(attribute)
    # The identity document is caller-supplied JSON: coerce, or a number there would break the
    # response shape (attribute values are strings).
    derived = {
        "ecs.availability-zone": az,
        "ecs.instance-type": str(
            document.get("instanceType", instance_types.DEFAULT_INSTANCE_TYPE)
        ),
        "ecs.ami-id": str(document.get("imageId", "ami-0c9a3f7f1b2ec2f4b")),
        "ecs.os-type": "linux",
        "ecs.os-family": "LINUX",
        "ecs.cpu-architecture": str(document.get("architecture", kind.arch)),
        "ecs.vpc-id": "vpc-0a1b2c3d4e5f60789",
        "ecs.subnet-id": "subnet-0a1b2c3d4e5f60789",
    }
    attributes = [{"name": name, "value": value} for name, value in derived.items()]
    # Mock decision: a caller that sends capability attributes speaks for the agent; otherwise
    # the instance advertises what a current agent does.
    if not any(a["name"].startswith(_CAPABILITY_PREFIXES) for a in custom):
        attributes += [{"name": name} for name in AGENT_CAPABILITIES]
    names = {a["name"] for a in custom}
    return [a for a in attributes if a["name"] not in names] + custom


def register_container_instance(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    cluster = region.clusters.get(cluster_name(region, params.get("cluster")))
    if cluster is None or cluster.status != "ACTIVE":
        # RegisterContainerInstance answers ClientException here, not ClusterNotFound (observed).
        raise client_error("Cluster not found.")
    tags = check_tags(params.get("tags", []))
    arn_format.check_tags(region, "container-instance", tags)
    document = _identity(region, params)
    type_name = str(document.get("instanceType", instance_types.DEFAULT_INSTANCE_TYPE))
    kind = instance_types.lookup(type_name)
    az = str(document.get("availabilityZone", f"{region.region}a"))
    # Mock decision: ECS names an instance's trunk ENI, so a caller-sent attribute of that name
    # is dropped (trunking.py decides the trunk).
    attributes = [
        a for a in _attributes(params, document, kind, az) if a["name"] != trunking.TRUNK_ATTRIBUTE
    ]
    resources = registered_resources(params, kind)
    previous = _previous_registration(region, cluster, params.get("containerInstanceArn"))
    instance_id = previous.instance_id if previous is not None else region.ids.hex32()
    ec2_instance_id = document.get("instanceId")
    if ec2_instance_id is None:
        ec2_instance_id = previous.ec2_instance_id if previous else "i-" + region.ids.hex(17)
    if previous is None:
        _trunk(region, kind, attributes, resources)
    instance = ContainerInstance(
        instance_id=instance_id,
        arn=arn_format.arn(region, "container-instance", cluster.name, instance_id),
        cluster=cluster.name,
        ec2_instance_id=str(ec2_instance_id),
        resources=resources,
        attributes=attributes,
        registered_at=clock.now(),
        version_info={**DEFAULT_VERSION_INFO, **params.get("versionInfo", {})},
        tags=tags,
    )
    if previous is not None:
        # The agent re-registers on every start: the new totals apply, but what running tasks
        # hold, a drain and the instance's history stay with it.
        check_reregistration(previous, resources)
        instance.resources = dataclasses.replace(
            previous.resources,
            cpu=resources.cpu,
            memory=resources.memory,
            tcp_reserved=resources.tcp_reserved,
            udp_reserved=resources.udp_reserved,
            gpu_ids=resources.gpu_ids,
            extra=resources.extra,
        )
        instance.task_ids = previous.task_ids
        instance.counts = previous.counts
        instance.capacity_provider = previous.capacity_provider
        instance.version = previous.version + 1
        instance.status = previous.status
        instance.registered_at = previous.registered_at
        # Mock decision: tags added since (TagResource) survive a re-registration without tags.
        if "tags" not in params:
            instance.tags = previous.tags
        instance.health_changed_at = previous.health_changed_at
        # The agent that registers is connected: a disconnected one is back.
        instance_health.changed(instance, instance_health.status_of(previous), clock.now())
        # Mock decision: custom attributes added since (PutAttributes) survive too, unless the
        # registration sets the same name; ECS's own ecs.* ones are the new registration's.
        # The trunk ENI (or its absence) stays the first registration's, as its ENI slots do
        # (previous.resources above): ECS gives a trunk to a newly launched instance only.
        sent = {a["name"] for a in instance.attributes}
        instance.attributes += [
            dict(a)
            for a in previous.attributes
            if a["name"] == trunking.TRUNK_ATTRIBUTE
            or (a["name"] not in sent and not a["name"].startswith(ECS_OWNED))
        ]
        instance.attributes_changed()
    cluster.instances[instance_id] = instance
    region.touch(instance)
    if previous is not None:
        # Re-registered with new totals: a waiting task of its capacity provider may fit now.
        provisioning.instances_changed(region, cluster, [instance], clock.now())
    instance_hooks.changed(region, cluster, clock.now())
    return {"containerInstance": instance.to_wire()}


def _trunk(
    region: Region,
    kind: instance_types.InstanceType,
    attributes: list[dict[str, str]],
    resources: Resources,
) -> None:
    """A first registration with awsvpcTrunking in force: the trunk ENI and its slots."""
    found = trunking.trunk(region, kind, attributes)
    if found is None:
        return
    trunk_id, resources.eni_slots = found
    attributes.append({"name": trunking.TRUNK_ATTRIBUTE, "value": trunk_id})


def _previous_registration(
    region: Region, cluster: Cluster, reference: str | None
) -> ContainerInstance | None:
    if not reference:
        return None
    instance_id = instance_id_of(region, cluster, reference)
    previous = cluster.instances.get(instance_id)
    if previous is None:
        # Mock decision: ECS documents no message; an ARN it never issued cannot be re-registered.
        raise client_error(f"Container instance {shown(instance_id)} not found.")
    if previous.status == "INACTIVE":
        # Deregistration is final (observed agent log: re-registering gets this ClientException).
        raise client_error(f"Container instance {instance_id} is inactive.")
    return previous


def _missing(region: Region, cluster: Cluster, reference: str) -> dict[str, str]:
    arn = reference
    if not reference.startswith("arn:"):
        arn = region.arns.container_instance(cluster.name, reference)
    return {"arn": arn, "reason": "MISSING"}


def _references(params: dict[str, Any], limit: int) -> list[str]:
    references = params.get("containerInstances", [])
    if not references:
        raise invalid_parameter("Container Instances cannot be empty.")
    if len(references) > limit:
        raise invalid_parameter(f"instanceIds can have at most {limit} items.")
    return list(references)


def describe_container_instances(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    cluster = find_cluster(region, params.get("cluster"))
    include = params.get("include", [])
    include_tags = "TAGS" in include
    include_health = "CONTAINER_INSTANCE_HEALTH" in include
    now = clock.now()
    found, failures = [], []
    for reference in _references(params, 100):
        instance = cluster.instances.get(instance_id_of(region, cluster, reference))
        if instance is None:
            failures.append(_missing(region, cluster, reference))
            continue
        wire = instance.to_wire(include_tags)
        if include_health:  # "healthStatus" only when asked for, as tags
            wire["healthStatus"] = instance_health.to_wire(instance, now)
        found.append(wire)
    return {"containerInstances": found, "failures": failures}


def _filter(text: str | None) -> query.Expression | None:
    # Mock decision: an empty filter is no filter. A malformed one is refused before any
    # lookup, as a request-shape problem.
    if not text:
        return None
    try:
        return query.parse(text)
    except query.QueryError as error:
        raise invalid_parameter(error.message) from None


def list_container_instances(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    expression = _filter(params.get("filter"))
    cluster = find_cluster(region, params.get("cluster"))
    status = params.get("status")
    (start,) = decode_position(params.get("nextToken"), 1)
    arns = (
        ((ordinal,), i.arn)
        for ordinal, i in enumerate(islice(cluster.instances.values(), start, None), start)
        if (i.status == status if status else i.status != "INACTIVE")
        # a ContainerInstance is a query.QuerySubject
        and (expression is None or expression.matches(i))
    )
    return paged_entries("containerInstanceArns", arns, params)


def update_container_instances_state(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    cluster = find_cluster(region, params.get("cluster"))
    status = params["status"]
    if status not in ("ACTIVE", "DRAINING"):
        raise invalid_parameter(
            f"Container instances status can only be ACTIVE or DRAINING, not {shown(status)}."
        )
    references = _references(params, 10)
    resolved = [(r, cluster.instances.get(instance_id_of(region, cluster, r))) for r in references]
    updated, failures = [], []
    for reference, instance in resolved:
        if instance is None:
            failures.append(_missing(region, cluster, reference))
            continue
        if instance.status not in ("ACTIVE", "DRAINING"):
            failures.append({"arn": instance.arn, "reason": instance.status})
            continue
        if instance.status != status:
            instance.status = status
            instance.version += 1
            region.touch(instance)
        updated.append(instance.to_wire(False))
    if status == "ACTIVE":
        active = [instance for _, instance in resolved if instance is not None]
        provisioning.instances_changed(region, cluster, active, clock.now())
    if updated:
        instance_hooks.changed(region, cluster, clock.now())
    return {"containerInstances": updated, "failures": failures}


def deregister_container_instance(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    cluster = find_cluster(region, params.get("cluster"))
    instance = cluster.instances.get(instance_id_of(region, cluster, params["containerInstance"]))
    if instance is None:
        # Mock decision: ECS documents no message for this; this one names what is wrong.
        raise invalid_parameter("The referenced container instance was not found.")
    live = [
        cluster.tasks[t]
        for t in instance.task_ids
        if t in cluster.tasks and cluster.tasks[t].last_status != "STOPPED"
    ]
    if live and not params.get("force"):
        raise invalid_parameter("Found running tasks on the instance.")
    if instance.status != "INACTIVE":
        now = clock.now()
        health = instance_health.status_of(instance)
        instance.status = "INACTIVE"
        instance.version += 1
        instance.deregistered_at = now
        instance_health.changed(instance, health, now)
        # Forced: tasks are orphaned (current docs). They keep running in the mock's state
        # but no longer hold this instance's resources or count on it.
        for task in live:
            instance.resources.release(task.holding)
        region.touch(instance, *(cluster.tasks[t] for t in instance.task_ids if t in cluster.tasks))
        instance.task_ids = set()
        instance.counts = TaskCounts()
        instance_hooks.changed(region, cluster, now)
        # The key cannot be a task id (those have no "/"), nor another instance's.
        region.schedule(now + region.timings.instance_inactive_visible, _key(instance), EXPIRED)
    return {"containerInstance": instance.to_wire(False)}


def _key(instance: ContainerInstance) -> str:
    return f"{instance.cluster}/{instance.instance_id}"


def _expire(region: Region, key: str, due: float) -> None:
    """A deregistered instance's INACTIVE time is over: it is forgotten. (Its cluster may be
    deleted since, taking it along, or deleted and created again without it.)"""
    cluster_key, _, instance_id = key.partition("/")
    cluster = region.clusters.get(cluster_key)
    instance = cluster.instances.get(instance_id) if cluster is not None else None
    if cluster is None or instance is None or instance.deregistered_at is None:
        return
    if round(instance.deregistered_at + region.timings.instance_inactive_visible, 3) <= due:
        # Mock decision (paging.py): a ListContainerInstances or ListAttributes page token
        # issued before this resumes at its position, so the next page may skip one instance.
        del cluster.instances[instance_id]
        region.touch(instance)
        if region.instance_event_versions.pop(instance.arn, None) is not None:
            region.touch(region)  # the regions row keeps the versions last sent


lifecycle.on_action(EXPIRED, _expire)

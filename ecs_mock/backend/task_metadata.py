"""Task metadata endpoint version 4: what a container reads at `${ECS_CONTAINER_METADATA_URI_V4}`
(its own metadata), `/task` and `/taskWithTags`, in the developer guide's documented shapes.

Built from the task as the API shows it, so "describe the task I run in" code sees the same task
DescribeTasks returns. Pure: no HTTP here (the local server routes `/v4/...` to it).
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from typing import Any

from .lifecycle import instance_of
from .models import Container, Task
from .state import Region


def _time(at: float | None) -> str | None:
    if at is None:
        return None
    moment = datetime.fromtimestamp(at, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _digest(*parts: str) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()


def task(region: Region, found: Task, with_tags: bool = False) -> dict[str, Any]:
    """`${ECS_CONTAINER_METADATA_URI_V4}/task` (and `/taskWithTags` with `with_tags`)."""
    body: dict[str, Any] = {
        # Mock decision: Fargate tasks name their cluster by ARN (the Fargate guide's example),
        # EC2 tasks by short name (the EC2 guide's example).
        "Cluster": found.cluster_arn if found.launch_type == "FARGATE" else found.cluster_name,
        "TaskARN": found.arn,
        "Family": found.family,
        "Revision": str(found.task_definition.revision),
        "DesiredStatus": found.desired_status,
        "KnownStatus": found.last_status,
        "LaunchType": found.launch_type,
    }
    limits = _task_limits(found)
    if limits:
        body["Limits"] = limits
    optional = {
        "PullStartedAt": _time(found.times.get("pullStartedAt")),
        "PullStoppedAt": _time(found.times.get("pullStoppedAt")),
        "ExecutionStoppedAt": _time(found.times.get("executionStoppedAt")),
        "AvailabilityZone": found.availability_zone,
    }
    body.update({key: value for key, value in optional.items() if value is not None})
    if with_tags:
        body["TaskTags"] = {t["key"]: t["value"] for t in found.tags}
        instance = instance_of(region, found)
        if instance is not None:
            body["ContainerInstanceTags"] = {t["key"]: t["value"] for t in instance.tags}
    body["Containers"] = [container(region, found, c) for c in found.containers]
    return body


def container(region: Region, found: Task, which: Container) -> dict[str, Any]:
    """`${ECS_CONTAINER_METADATA_URI_V4}`: one container's metadata."""
    definition = next((d for d in found.task_definition.containers if d["name"] == which.name), {})
    family, revision = found.family, str(found.task_definition.revision)
    # Mock decision: Docker's name and the image digest are invented, stable for the container.
    suffix = _digest(which.arn)[:20]
    body: dict[str, Any] = {
        "DockerId": which.runtime_id or "",
        "Name": which.name,
        "DockerName": f"ecs-{family}-{revision}-{which.name}-{suffix}",
        "Image": which.image,
        "ImageID": "sha256:" + _digest(which.image),
        "Labels": {
            "com.amazonaws.ecs.cluster": found.cluster_name,
            "com.amazonaws.ecs.container-name": which.name,
            "com.amazonaws.ecs.task-arn": found.arn,
            "com.amazonaws.ecs.task-definition-family": family,
            "com.amazonaws.ecs.task-definition-version": revision,
        },
        "DesiredStatus": found.desired_status,
        "KnownStatus": which.last_status,
        "Limits": {"CPU": int(which.cpu or 0), "Memory": int(which.memory or 0)},
        "Type": "NORMAL",
        "ContainerARN": which.arn,
    }
    times = {
        "CreatedAt": _time(found.created_at),
        "StartedAt": _time(found.times.get("startedAt")) if which.runtime_id else None,
        "FinishedAt": (
            _time(found.times.get("executionStoppedAt") or found.times.get("stoppedAt"))
            if which.last_status == "STOPPED"
            else None
        ),
    }
    body.update({key: value for key, value in times.items() if value is not None})
    if which.exit_code is not None:
        body["ExitCode"] = which.exit_code
    if which.network_bindings:
        body["Ports"] = [
            {
                "ContainerPort": b["containerPort"],
                "Protocol": b["protocol"],
                "HostPort": b["hostPort"],
                "HostIp": b["bindIP"],
            }
            for b in which.network_bindings
        ]
    log = definition.get("logConfiguration") or {}
    if log.get("logDriver"):
        body["LogDriver"] = log["logDriver"]
        options = dict(log.get("options") or {})
        if log["logDriver"] == "awslogs":
            # As the documented example: the stream's full name in place of its prefix.
            options.setdefault("awslogs-region", region.region)
            prefix = options.pop("awslogs-stream-prefix", None)
            if prefix:
                options["awslogs-stream"] = f"{prefix}/{which.name}/{found.task_id}"
        body["LogOptions"] = options
    body["Networks"] = _networks(found)
    return body


def _task_limits(found: Task) -> dict[str, Any]:
    """Task-level limits, only when the task definition (or overrides) set a task size."""
    sized = found.overrides.get("cpu") or found.task_definition.body.get("cpu")
    if not sized:
        return {}
    cpu = int(found.cpu) / 1024
    return {"CPU": int(cpu) if cpu.is_integer() else cpu, "Memory": int(found.memory)}


def _networks(found: Task) -> list[dict[str, Any]]:
    mode = found.task_definition.network_mode
    if mode != "awsvpc":
        # Mock decision: bridge and host tasks report their network mode only (the addresses
        # would be Docker's and the host's, which the mock does not have).
        return [{"NetworkMode": mode}]
    networks = []
    for index, attachment in enumerate(
        a for a in found.attachments if a["type"] == "ElasticNetworkInterface"
    ):
        details = {d["name"]: d["value"] for d in attachment["details"]}
        address = details.get("privateIPv4Address")
        if address is None:
            continue  # not attached yet
        base = address.rsplit(".", 1)[0]
        # Mock decision: the subnet is taken to be the address's /24, its gateway the .1.
        networks.append(
            {
                "NetworkMode": "awsvpc",
                "IPv4Addresses": [address],
                "AttachmentIndex": index,
                "MACAddress": details.get("macAddress", ""),
                "IPv4SubnetCIDRBlock": f"{base}.0/24",
                "PrivateDNSName": details.get("privateDnsName", ""),
                "SubnetGatewayIpv4Address": f"{base}.1/24",
            }
        )
    return networks


def find_container(found: Task, name: str | None) -> Container | None:
    """The container `name`, or (None) the first essential one: what `/v4/<task id>` serves."""
    for each in found.containers:
        if (each.name == name) if name is not None else each.essential:
            return each
    return found.containers[0] if name is None and found.containers else None

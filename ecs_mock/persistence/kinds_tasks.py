"""The task row kind: a task in its DescribeTasks shape, with its containers' internals, its
queued lifecycle steps and its ListTasks number (see kinds.py for how a kind is declared)."""

from __future__ import annotations

from typing import Any

from ..backend import lifecycle
from ..backend.models import (
    TASK_TIMES,
    Container,
    Task,
)
from ..backend.state import Region
from .codec import from_json
from .fields import (
    Api,
    Derived,
    Fields,
    Internal,
    Json,
    Kind,
    Loading,
    field_values,
    ident,
    internal_values,
    require,
)
from .kinds_clusters import find_definition

# -- tasks ----------------------------------------------------------------------------------

CONTAINER_FIELDS: Fields = {
    "arn": Api("containerArn"),
    "name": Api("name"),
    "image": Api("image"),
    "cpu": Api("cpu"),
    "memory": Api("memory", None),
    "memory_reservation": Api("memoryReservation", None),
    "essential": Internal(),
    "port_mappings": Internal(),
    "gpu_ids": Api("gpuIds", []),
    "last_status": Api("lastStatus"),
    "exit_code": Api("exitCode", None),
    "reason": Api("reason", None),
    "runtime_id": Api("runtimeId", None),
    "network_bindings": Api("networkBindings", None),  # absent until the container runs
    "network_interfaces": Api("networkInterfaces"),
    "managed_agents": Api("managedAgents", []),
    "health_status": Api("healthStatus", None),
}
TASK_FIELDS: Fields = {
    "task_id": Derived("the task ARN's last part"),
    "arn": Api("taskArn"),
    "cluster_name": Derived("the cluster ARN's name"),
    "cluster_arn": Api("clusterArn"),
    "task_definition": Derived("the task definition row that taskDefinitionArn names"),
    "instance_id": Internal(),
    "instance_arn": Api("containerInstanceArn", None),  # Fargate tasks have none
    "containers": Derived("the body's containers, with internal.container_internals"),
    "holding": Internal(),
    "created_at": Api("createdAt"),
    "group": Api("group"),
    "overrides": Api("overrides"),
    "availability_zone": Api("availabilityZone", None),
    "attributes": Api("attributes"),
    "attachments": Api("attachments"),
    "enable_execute_command": Api("enableExecuteCommand"),
    "tags": Api("tags"),
    "cpu": Api("cpu"),
    "memory": Api("memory"),
    "awsvpc": Internal(),
    "launch_type": Api("launchType"),
    "capacity_provider_name": Api("capacityProviderName", None),
    "platform_version": Api("platformVersion", None),
    "platform_family": Api("platformFamily", None),
    "ephemeral_storage": Derived("ephemeralStorage.sizeInGiB"),
    "started_by": Api("startedBy", None),
    "service_name": Internal(),
    "awsvpc_configuration": Internal(),  # the request's, for the ENI in moto (enis.py)
    "last_status": Api("lastStatus"),
    "desired_status": Api("desiredStatus"),
    "version": Api("version"),
    "times": Derived("the body's lifecycle timestamps (TIME_MEMBERS)"),
    "connectivity": Api("connectivity", None),
    "stop_code": Api("stopCode", None),
    "stopped_reason": Api("stoppedReason", None),
    "health_status": Api("healthStatus", None),
    "protected_until": Internal(),
}
TIME_MEMBERS = TASK_TIMES  # the timestamps the lifecycle keeps in Task.times
_STEPS = frozenset({*lifecycle.ORDER, lifecycle.EXPIRED})


def _task_action(action: Any) -> bool:
    """A lifecycle step, or an action some part of the backend registered a handler for."""
    return isinstance(action, str) and (action in _STEPS or action in lifecycle._actions)


def _task_extra(region: Region, task: Task) -> Json:
    cluster = region.clusters.get(task.cluster_name)
    instance = cluster.instances.get(task.instance_id or "") if cluster else None
    index = region.task_index.get(task.cluster_name)
    return {
        "container_internals": [internal_values(CONTAINER_FIELDS, c) for c in task.containers],
        # Events still queued for this task: [due, sequence, action].
        "queued_steps": [[e.due, e.seq, e.action] for e in region.pending.get(task.task_id, [])],
        "index_number": index.number_of.get(task.task_id) if index else None,
        "on_instance": instance is not None and task.task_id in instance.task_ids,
    }


def _derive_task(region: Region, key: str, body: Json, internal: Json) -> Json:
    where = f"task {key}"
    parts = ident(body.get("taskArn"), "task", region, where)
    require(len(parts) == 2 and parts[1] == key, f"{where}: the ARN does not match its key")
    (cluster_name,) = ident(body.get("clusterArn"), "cluster", region, where)
    require(cluster_name == parts[0], f"{where}: the task and cluster ARNs disagree")
    family_revision = ident(body.get("taskDefinitionArn"), "task-definition", region, where)
    definition = find_definition(region, "/".join(family_revision))
    require(definition is not None, f"{where}: its task definition is missing")
    wires = from_json(list[dict[str, Any]], body.get("containers"), f"{where}.containers")
    inner = from_json(list[dict[str, Any]], internal.get("container_internals"), where)
    require(len(wires) == len(inner), f"{where}: containers and their internals disagree")
    containers = [
        Container(**field_values(Container, CONTAINER_FIELDS, w, i, f"{where}.containers[{n}]"))
        for n, (w, i) in enumerate(zip(wires, inner, strict=True))
    ]
    times = {
        name: from_json(float, body[name], f"{where}.{name}")
        for name in TIME_MEMBERS
        if name in body
    }
    storage = body.get("ephemeralStorage")
    return {
        "task_id": key,
        "cluster_name": cluster_name,
        "task_definition": definition,
        "containers": containers,
        "times": times,
        "ephemeral_storage": (
            None if storage is None else from_json(int, storage.get("sizeInGiB"), where)
        ),
    }


def _link_task(loading: Loading, task: Task, body: Json, internal: Json) -> None:
    region = loading.region
    where = f"task {task.arn}"
    require(task.to_wire() == body, f"{where}: the row does not read back as written")
    cluster = region.clusters.get(task.cluster_name)
    require(cluster is not None, f"{where}: its cluster is missing")
    assert cluster is not None
    require(task.task_id not in region.tasks, f"{where}: duplicate")
    cluster.tasks[task.task_id] = task
    region.tasks[task.task_id] = task
    if from_json(bool, internal.get("on_instance"), f"{where}.on_instance"):
        instance = cluster.instances.get(task.instance_id or "")
        require(instance is not None, f"{where}: its container instance is missing")
        assert instance is not None
        instance.task_ids.add(task.task_id)
    number = from_json(int, internal.get("index_number"), f"{where}.index_number")
    require(number > 0, f"{where}: index_number must be positive")
    loading.task_numbers.setdefault(task.cluster_name, []).append((number, task))
    steps = from_json(list[list[Any]], internal.get("queued_steps"), f"{where}.queued_steps")
    for step in steps:
        require(
            len(step) == 3 and type(step[1]) is int and _task_action(step[2]),
            f"{where}: a queued step is not [due, sequence, state]",
        )
        due = from_json(float, step[0], f"{where}.queued_steps")
        region.schedule(due, task.task_id, step[2], seq=step[1])


TASKS = Kind(
    name="task",
    model=Task,
    fields=TASK_FIELDS,
    key=lambda t: t.task_id,
    find=lambda region, key: region.tasks.get(key),
    every=lambda region: region.tasks.items(),
    body=lambda region, t: t.to_wire(),
    extra=_task_extra,
    derive=_derive_task,
    link=_link_task,
    schema=("DescribeTasks", lambda b, i: {"tasks": [b], "failures": []}),
    nested={"containers": CONTAINER_FIELDS},
)

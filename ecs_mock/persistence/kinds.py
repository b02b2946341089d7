"""What the state file keeps of each resource kind: the one place to extend.

A row holds one resource in the API's own shape (`body`: what Describe* returns for it, less the
members other rows determine, such as task counts and remaining resources) and, in `internal`,
what the API shape lacks. Every field of every persisted model is declared in its kind's
`fields` as one of:

- `Api("member")`: read back from that member of the body (`Api("member", None)` when the member
  is left out of the API shape while unset);
- `Internal()`: kept in the internal column under the field's name;
- `Derived("how")`: rebuilt by the kind's own code from the row, its key or other rows.

To add a field to a model, declare it here (tests fail until every field is declared); an
`Api` or `Internal` field needs nothing else. To add a resource kind (a new store on Region),
write a `Kind` (here, or in a kinds_*.py module beside it, as for daemons, gateways and Express
services), list it in `KINDS` (parents before children) and name the store in
`REGION_STORES`. Values are read back only as the types the models declare (see codec.py).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from typing import Any

from ..backend import idempotency, lifecycle
from ..backend.idempotency import Remembered
from ..backend.models import (
    Cluster,
    Container,
    ContainerInstance,
    Task,
    TaskCounts,
    TaskDefinition,
)
from ..backend.resources import Resources
from ..backend.state import Region
from .codec import field_type, from_json
from .fields import (
    REQUIRED,
    Api,
    Derived,
    Fields,
    Internal,
    Json,
    Kind,
    Loading,
    api_body,
    field_values,
    ident,
    internal_values,
    no_extra,
    require,
)
from .kinds_daemons import DAEMON_TASK_DEFINITIONS, DAEMONS
from .kinds_gateways import EXPRESS_SERVICES, GATEWAY_ASSOCIATIONS, GATEWAYS

# -- task definitions -----------------------------------------------------------------------

TASK_DEFINITION_FIELDS: Fields = {
    "family": Api("family"),
    "revision": Api("revision"),
    "arn": Api("taskDefinitionArn"),
    "body": Derived("the whole body: the definition is stored in its API shape"),
    "tags": Internal(),  # DescribeTaskDefinition answers them beside the definition
}


def _find_definition(region: Region, key: str) -> TaskDefinition | None:
    family, _, revision = key.rpartition(":")
    revisions = region.families.get(family, [])
    number = int(revision) if revision.isdigit() else 0
    return revisions[number - 1] if 1 <= number <= len(revisions) else None


def _link_definition(
    loading: Loading, definition: TaskDefinition, body: Json, internal: Json
) -> None:
    region = loading.region
    revisions = region.families.setdefault(definition.family, [])
    require(
        definition.revision == len(revisions) + 1,
        f"task definition {definition.arn}: revisions of {definition.family} are not 1, 2, ...",
    )
    require(
        definition.arn == region.arns.task_definition(definition.family, definition.revision),
        f"task definition {definition.arn}: the ARN does not match its family and revision",
    )
    revisions.append(definition)


TASK_DEFINITIONS = Kind(
    name="task-definition",
    model=TaskDefinition,
    fields=TASK_DEFINITION_FIELDS,
    key=lambda d: f"{d.family}:{d.revision}",
    find=_find_definition,
    every=lambda region: (
        (f"{d.family}:{d.revision}", d) for revisions in region.families.values() for d in revisions
    ),
    body=lambda region, d: d.body,
    extra=no_extra,
    derive=lambda region, key, body, internal: {"body": body},
    link=_link_definition,
    schema=("DescribeTaskDefinition", lambda b, i: {"taskDefinition": b, "tags": i["tags"]}),
)

# -- clusters -------------------------------------------------------------------------------

CLUSTER_FIELDS: Fields = {
    "name": Api("clusterName"),
    "arn": Api("clusterArn"),
    "status": Api("status"),
    "tags": Api("tags"),
    "settings": Api("settings"),
    "configuration": Api("configuration", None),
    "instances": Derived("the container instance rows of this cluster"),
    "tasks": Derived("the task rows of this cluster"),
    "counts": Derived("recounted from the task rows (finish)"),
    "capacity_providers": Api("capacityProviders"),
    "default_strategy": Api("defaultCapacityProviderStrategy"),
}


def _cluster_extra(region: Region, cluster: Cluster) -> Json:
    # ListTasks' nextToken is a creation number: new tasks must continue after the last one.
    index = region.task_index.get(cluster.name)
    return {"last_task_number": index.last_number if index else 0}


def _link_cluster(loading: Loading, cluster: Cluster, body: Json, internal: Json) -> None:
    region = loading.region
    require(
        cluster.name not in region.clusters and cluster.arn == region.arns.cluster(cluster.name),
        f"cluster {cluster.arn}: duplicate, or the ARN does not match its name",
    )
    region.clusters[cluster.name] = cluster
    last = from_json(int, internal.get("last_task_number"), f"cluster {cluster.name}")
    loading.last_numbers[cluster.name] = last


CLUSTERS = Kind(
    name="cluster",
    model=Cluster,
    fields=CLUSTER_FIELDS,
    key=lambda c: c.name,
    find=lambda region, key: region.clusters.get(key),
    every=lambda region: region.clusters.items(),
    body=lambda region, c: api_body(CLUSTER_FIELDS, c),
    extra=_cluster_extra,
    # Filled by the instance and task rows, and recounted once they are in (finish).
    derive=lambda region, key, body, internal: {
        "instances": {},
        "tasks": {},
        "counts": TaskCounts(),
    },
    link=_link_cluster,
    schema=("DescribeClusters", lambda b, i: {"clusters": [b], "failures": []}),
)

# -- container instances --------------------------------------------------------------------

CONTAINER_INSTANCE_FIELDS: Fields = {
    "instance_id": Derived("the ARN's last part"),
    "arn": Api("containerInstanceArn"),
    "cluster": Derived("the ARN's cluster part"),
    "ec2_instance_id": Api("ec2InstanceId"),
    "resources": Derived("registeredResources, and what tasks hold from internal.resources"),
    "attributes": Api("attributes"),
    "registered_at": Api("registeredAt"),
    "version_info": Api("versionInfo"),
    "status": Api("status"),
    "agent_connected": Api("agentConnected"),
    "version": Api("version"),
    "tags": Api("tags"),
    "status_reason": Api("statusReason", None),
    "deregistered_at": Internal(),
    "task_ids": Derived("the task rows that say they are on this instance"),
    "counts": Derived("recounted from the task rows (finish)"),
    "capacity_provider": Api("capacityProviderName", None),
    "_attributes_by_name": Derived("a lookup cache, rebuilt on first use"),
}
# Resources: what registeredResources shows, and what only the internal column keeps.
RESOURCES_REGISTERED = ("cpu", "memory", "tcp_reserved", "udp_reserved", "gpu_ids", "extra")
RESOURCES_HELD = (
    "eni_slots",
    "cpu_used",
    "memory_used",
    "tcp_used",
    "udp_used",
    "gpus_used",
    "eni_used",
    "tcp_dynamic",
    "udp_dynamic",
    "bound",
)


def _instance_body(region: Region, instance: ContainerInstance) -> Json:
    return {
        **api_body(CONTAINER_INSTANCE_FIELDS, instance),
        "registeredResources": instance.resources.registered(),
    }


def _instance_extra(region: Region, instance: ContainerInstance) -> Json:
    resources = instance.resources
    return {"resources": {name: getattr(resources, name) for name in RESOURCES_HELD}}


def _resources(body: Json, internal: Json, where: str) -> Resources:
    registered = from_json(list[dict[str, Any]], body.get("registeredResources"), where)
    by_name = {str(item.get("name")): item for item in registered}
    require(len(by_name) == len(registered), f"{where}: registeredResources repeats a name")

    def member(name: str, value: str, kind: Any, default: Any = REQUIRED) -> Any:
        item = by_name.pop(name, None)
        if item is None:
            require(default is not REQUIRED, f"{where}: registeredResources has no {name}")
            return default
        return from_json(kind, item.get(value), f"{where}.registeredResources.{name}")

    values: Json = {
        "cpu": member("CPU", "integerValue", int),
        "memory": member("MEMORY", "integerValue", int),
        "tcp_reserved": tuple(member("PORTS", "stringSetValue", list[str])),
        "udp_reserved": tuple(member("PORTS_UDP", "stringSetValue", list[str])),
        "gpu_ids": tuple(member("GPU", "stringSetValue", list[str], [])),
        "extra": list(by_name.values()),
    }
    held = from_json(dict[str, Any], internal.get("resources"), f"{where}.resources")
    require(set(held) == set(RESOURCES_HELD), f"{where}: internal resources are incomplete")
    for name in RESOURCES_HELD:
        kind = field_type(Resources, name)
        values[name] = from_json(kind, held[name], f"{where}.resources.{name}")
    return Resources(**values)


def _derive_instance(region: Region, key: str, body: Json, internal: Json) -> Json:
    where = f"container instance {key}"
    parts = ident(body.get("containerInstanceArn"), "container-instance", region, where)
    require(len(parts) == 2 and "/".join(parts) == key, f"{where}: the ARN does not match")
    return {
        "cluster": parts[0],
        "instance_id": parts[1],
        "resources": _resources(body, internal, where),
        "task_ids": set(),  # filled by the task rows
        "counts": TaskCounts(),  # recounted once they are in (finish)
    }


def _link_instance(
    loading: Loading, instance: ContainerInstance, body: Json, internal: Json
) -> None:
    region = loading.region
    cluster = region.clusters.get(instance.cluster)
    require(cluster is not None, f"container instance {instance.arn}: its cluster is missing")
    assert cluster is not None
    require(instance.instance_id not in cluster.instances, f"{instance.arn}: duplicate")
    cluster.instances[instance.instance_id] = instance


def _find_instance(region: Region, key: str) -> ContainerInstance | None:
    cluster_name, _, instance_id = key.partition("/")
    cluster = region.clusters.get(cluster_name)
    return cluster.instances.get(instance_id) if cluster is not None else None


CONTAINER_INSTANCES = Kind(
    name="container-instance",
    model=ContainerInstance,
    fields=CONTAINER_INSTANCE_FIELDS,
    key=lambda i: f"{i.cluster}/{i.instance_id}",
    find=_find_instance,
    every=lambda region: (
        (f"{c.name}/{key}", i) for c in region.clusters.values() for key, i in c.instances.items()
    ),
    body=_instance_body,
    extra=_instance_extra,
    derive=_derive_instance,
    link=_link_instance,
    schema=(
        "DescribeContainerInstances",
        lambda b, i: {"containerInstances": [b], "failures": []},
    ),
)

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
    "network_bindings": Api("networkBindings", []),
    "network_interfaces": Api("networkInterfaces"),
    "managed_agents": Api("managedAgents", []),
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
    "last_status": Api("lastStatus"),
    "desired_status": Api("desiredStatus"),
    "version": Api("version"),
    "times": Derived("the body's lifecycle timestamps (TIME_MEMBERS)"),
    "connectivity": Api("connectivity", None),
    "stop_code": Api("stopCode", None),
    "stopped_reason": Api("stoppedReason", None),
}
# The timestamps the lifecycle keeps in Task.times (createdAt is a field of its own).
TIME_MEMBERS = (
    "connectivityAt",
    "pullStartedAt",
    "pullStoppedAt",
    "startedAt",
    "stoppingAt",
    "executionStoppedAt",
    "stoppedAt",
)
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
    definition = _find_definition(region, "/".join(family_revision))
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

# -- clientToken answers (idempotency.py) ---------------------------------------------------

CLIENT_TOKEN_FIELDS: Fields = {
    "fingerprint": Internal(),
    "response": Internal(),
    "resource_ids": Internal(),
    "expires": Internal(),
}


def _token(key: str) -> tuple[str, str, str]:
    scope = json.loads(key)
    require(
        isinstance(scope, list) and len(scope) == 3 and all(isinstance(p, str) for p in scope),
        f"client token {key!r}: the key is not [operation, cluster, token]",
    )
    return (scope[0], scope[1], scope[2])


def _link_token(loading: Loading, remembered: Remembered, body: Json, internal: Json) -> None:
    loading.region.client_tokens[_token(loading.key)] = remembered


CLIENT_TOKENS = Kind(
    name=idempotency.KIND,
    model=Remembered,
    fields=CLIENT_TOKEN_FIELDS,
    key=lambda remembered: "",  # touched by Ref(KIND, token_key(...)): the key is not on it
    find=lambda region, key: region.client_tokens.get(_token(key)),
    every=lambda region: ((idempotency.token_key(k), v) for k, v in region.client_tokens.items()),
    body=lambda region, remembered: {},  # no API shape of its own: the answer is internal
    extra=no_extra,
    derive=lambda region, key, body, internal: {},
    link=_link_token,
    schema=None,
)

# Parents before children: a task needs its cluster, instance and task definition loaded.
KINDS: tuple[Kind, ...] = (
    TASK_DEFINITIONS,
    CLUSTERS,
    CONTAINER_INSTANCES,
    TASKS,
    CLIENT_TOKENS,
    DAEMON_TASK_DEFINITIONS,
    DAEMONS,
    GATEWAYS,
    GATEWAY_ASSOCIATIONS,  # after the gateways and clusters it names
    EXPRESS_SERVICES,
)
KIND_OF_MODEL: dict[type, Kind] = {kind.model: kind for kind in KINDS}
KIND_NAMED: dict[str, Kind] = {kind.name: kind for kind in KINDS}

# Every attribute of a Region, and where the state file keeps it (a test checks the list).
REGION_STORES: Mapping[str, str] = {
    "account_id": "the regions row's key",
    "region": "the regions row's key",
    "arns": "derived from the key",
    "ids": "the backend table (one generator for all regions)",
    "timings": "the running server's options, never the file",
    "clusters": CLUSTERS.name,
    "families": TASK_DEFINITIONS.name,
    "tasks": TASKS.name,
    "client_tokens": CLIENT_TOKENS.name,
    "daemon_families": DAEMON_TASK_DEFINITIONS.name,
    "daemons": DAEMONS.name,
    "gateways": GATEWAYS.name,
    "gateway_associations": GATEWAY_ASSOCIATIONS.name,
    "express_services": EXPRESS_SERVICES.name,
    "task_index": "rebuilt from task rows (index_number) and cluster rows (last_task_number)",
    "subnet_zones": "the regions row",
    "capacity_unavailable": "the regions row",
    "_events": "task rows (queued_steps) and the regions row (queued_actions)",
    "pending": "task rows (queued_steps) and the regions row (queued_actions)",
    "loose_targets": "the regions row (queued_actions)",
    "_seq": "rebuilt: after the largest queued sequence (only their order matters)",
    "changes": "not state: what the next commit writes",
}


def region_internal(region: Region) -> Json:
    actions = [
        [event.due, event.seq, event.target, event.action]
        for target in sorted(region.loose_targets)
        for event in region.pending.get(target, [])
    ]
    return {
        "subnet_zones": dict(region.subnet_zones),
        "capacity_unavailable": sorted(region.capacity_unavailable),
        "queued_actions": actions,
    }


def restore_region(loading: Loading, internal: Json) -> None:
    region = loading.region
    where = f"region {region.account_id}/{region.region}"
    zones = from_json(dict[str, str], internal.get("subnet_zones"), f"{where}.subnet_zones")
    region.subnet_zones.update(zones)
    unavailable = internal.get("capacity_unavailable")
    region.capacity_unavailable.update(from_json(list[str], unavailable, where))
    for step in from_json(list[list[Any]], internal.get("queued_actions"), where):
        require(
            len(step) == 4
            and type(step[1]) is int
            and all(isinstance(part, str) for part in step[2:]),
            f"{where}: a queued action is not [due, sequence, target, action]",
        )
        due = from_json(float, step[0], f"{where}.queued_actions")
        region.schedule(due, step[2], step[3], seq=step[1])


def finish(loading: Loading) -> None:
    """Once every row of a region is in: the ListTasks indexes and the live task counters."""
    region = loading.region
    for cluster_name, numbered in loading.task_numbers.items():
        numbered.sort(key=lambda pair: pair[0])
        index = region.index_for(cluster_name)
        for number, task in numbered:
            require(number > index.last_number, f"task {task.arn}: its index_number repeats")
            index.add(task, number)
    for cluster_name, last in loading.last_numbers.items():
        region.index_for(cluster_name).resume_after(last)
    for task in region.tasks.values():
        cluster = region.clusters[task.cluster_name]
        instance = lifecycle.instance_of(region, task)
        for counts in (cluster.counts, *([instance.counts] if instance else [])):
            counts.moved(None, task.last_status)
            if task.last_status != "STOPPED":
                counts.joined(task.group)


def encode(kind: Kind, region: Region, obj: Any) -> tuple[Json, Json]:
    """(body, internal) of one live object."""
    internal = internal_values(kind.fields, obj)
    internal.update(kind.extra(region, obj))
    return kind.body(region, obj), internal


def decode(kind: Kind, loading: Loading, key: str, body: Json, internal: Json) -> None:
    """Rebuild one object from its row and put it into the region."""
    region = loading.region
    loading.key = key
    where = f"{kind.name} {key}"
    values = field_values(kind.model, kind.fields, body, internal, where)
    values.update(kind.derive(region, key, body, internal))
    declared = {f.name for f in dataclasses.fields(kind.model) if f.init}
    require(set(values) == declared, f"{where}: fields {sorted(declared - set(values))} unset")
    obj = kind.model(**values)
    kind.link(loading, obj, body, internal)

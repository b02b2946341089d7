"""Row kinds for task definitions, clusters and container instances (see kinds.py for how a
kind is declared)."""

from __future__ import annotations

from typing import Any

from ..backend.models import (
    Cluster,
    ContainerInstance,
    TaskDefinition,
)
from ..backend.resources import Resources
from ..backend.state import Region
from ..backend.task_counts import TaskCounts
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
    ident,
    no_extra,
    require,
)

# -- task definitions -----------------------------------------------------------------------

TASK_DEFINITION_FIELDS: Fields = {
    "family": Api("family"),
    "revision": Api("revision"),
    "arn": Api("taskDefinitionArn"),
    "body": Derived("the whole body: the definition is stored in its API shape"),
    "tags": Internal(),  # DescribeTaskDefinition answers them beside the definition
}


def find_definition(region: Region, key: str) -> TaskDefinition | None:
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
    find=find_definition,
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
    "attachments": Internal(),  # shown only when asked for (include ATTACHMENTS)
    "attachments_status": Api("attachmentsStatus", None),
    "service_connect_defaults": Api("serviceConnectDefaults", None),
    "deleted_at": Internal(),
    "services": Derived("the service rows of this cluster"),
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
        "services": {},  # filled by the service rows
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
    "agent_update_status": Api("agentUpdateStatus", None),
    "health_changed_at": Internal(),  # shown only when asked for (CONTAINER_INSTANCE_HEALTH)
    "_attributes_by_name": Derived("a lookup cache, rebuilt on first use"),
    "_external": Derived("a lookup cache (is_external), worked out again on first use"),
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

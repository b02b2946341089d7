"""CreateCluster, DescribeClusters, ListClusters, DeleteCluster."""

from __future__ import annotations

from itertools import islice
from typing import TYPE_CHECKING, Any

from .. import clock
from ..errors import EcsError, invalid_parameter, shown
from .lookup import DEFAULT_CLUSTER, NAME_PATTERN, cluster_name, find_cluster
from .models import Cluster
from .paging import decode_position, paged_entries
from .state import Region
from .tags import check_tags

if TYPE_CHECKING:  # express.py imports this module
    from .daemon_models import Daemon
    from .express_models import ExpressService
    from .gateway_models import GatewayAssociation


def create_cluster(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    name = params.get("clusterName") or DEFAULT_CLUSTER
    if not NAME_PATTERN.match(name):
        raise invalid_parameter(
            "Cluster name must match ^[a-zA-Z0-9\\-_]{1,255}$, but was " + shown(name)
        )
    tags = check_tags(params.get("tags", []))
    existing = region.clusters.get(name)
    if existing is not None and existing.status == "ACTIVE":
        # Creating an existing ACTIVE cluster returns it unchanged (observed).
        return {"cluster": existing.to_wire()}
    cluster = Cluster(
        name=name,
        arn=region.arns.cluster(name),
        tags=tags,
        settings=list(
            params.get("settings") or [{"name": "containerInsights", "value": "disabled"}]
        ),
        configuration=params.get("configuration"),
    )
    region.clusters[name] = cluster
    region.touch(cluster)
    return {"cluster": cluster.to_wire()}


def describe_clusters(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    references = params.get("clusters") or [DEFAULT_CLUSTER]
    # "A list of up to 100 cluster names or full cluster ARN entries" (MODEL); the model sets no
    # maximum, so the check is here. Mock decision: the text follows DescribeTasks'.
    if len(references) > 100:
        raise invalid_parameter("clusters can have at most 100 items.")
    include_tags = "TAGS" in params.get("include", [])
    found, failures = [], []
    for reference in references:
        try:
            name = cluster_name(region, reference)
        except EcsError:
            name = reference
        cluster = region.clusters.get(name)
        # An ARN must be this cluster's own: another partition's ARN with the same name is not it.
        if cluster is not None and reference.startswith("arn:") and reference != cluster.arn:
            cluster = None
        if cluster is None:
            arn = reference if reference.startswith("arn:") else region.arns.cluster(reference)
            failures.append({"arn": arn, "reason": "MISSING"})
        else:
            found.append(cluster.to_wire(include_tags))
    return {"clusters": found, "failures": failures}


def list_clusters(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    (start,) = decode_position(params.get("nextToken"), 1)
    arns = (
        ((ordinal,), c.arn)
        for ordinal, c in enumerate(islice(region.clusters.values(), start, None), start)
        if c.status == "ACTIVE"
    )
    return paged_entries("clusterArns", arns, params)


def delete_cluster(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    cluster = find_cluster(region, params["cluster"])
    if any(i.status != "INACTIVE" for i in cluster.instances.values()):
        raise EcsError(
            "ClusterContainsContainerInstancesException",
            "The Cluster cannot be deleted while Container Instances are active or draining.",
        )
    now = clock.now()
    if any(
        s.cluster is cluster and s.status(now) != "INACTIVE"
        for s in region.express_services.values()
    ):
        # An Express gateway service is an ECS service; ECS's observed text for this refusal.
        raise EcsError(
            "ClusterContainsServicesException",
            "The Cluster cannot be deleted while Services are active.",
        )
    if any(t.last_status != "STOPPED" for t in cluster.tasks.values()):
        raise EcsError(
            "ClusterContainsTasksException",
            "The Cluster cannot be deleted while Tasks are active.",
        )
    cluster.status = "INACTIVE"
    wire = cluster.to_wire()
    del region.clusters[cluster.name]
    region.task_index.pop(cluster.name, None)
    for task_id in cluster.tasks:
        region.tasks.pop(task_id, None)
    region.touch(cluster, *cluster.instances.values(), *cluster.tasks.values())
    # Daemons, gateway associations and Express services keep the cluster object itself: they
    # now refer to a deleted one (the state file keeps whether a reference is the live one).
    referrers: tuple[Daemon | GatewayAssociation | ExpressService, ...] = (
        *region.daemons.values(),
        *region.gateway_associations.values(),
        *region.express_services.values(),
    )
    region.touch(*(referrer for referrer in referrers if referrer.cluster is cluster))
    return {"cluster": wire}

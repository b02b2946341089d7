"""CreateCluster, DescribeClusters, ListClusters, DeleteCluster.

A deleted cluster is INACTIVE: DescribeClusters still shows it for `Timings.inactive_visible`
of clock time (then MISSING), ListClusters does not, every operation that needs the cluster
answers ClusterNotFoundException, and its name may be created again at once (a new, empty
cluster with the same ARN).
"""

from __future__ import annotations

from itertools import islice
from typing import TYPE_CHECKING, Any

from .. import clock
from ..errors import EcsError, invalid_parameter, shown
from . import account_settings, cluster_capacity, lifecycle
from .capacity import FARGATE_PROVIDERS
from .cluster_settings import (
    INSIGHTS,
    check_configuration,
    check_namespace,
    check_settings,
    service_connect_defaults,
)
from .lookup import DEFAULT_CLUSTER, NAME_PATTERN, cluster_name, find_cluster
from .models import Cluster
from .paging import decode_position, paged_entries
from .state import Region
from .tags import check_tags

if TYPE_CHECKING:  # express.py imports this module
    from .daemon_models import Daemon
    from .express_models import ExpressService
    from .gateway_models import GatewayAssociation

EXPIRED = "CLUSTER_EXPIRED"


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
    # "If this value is specified, it overrides the containerInsights value set with
    # PutAccountSetting or PutAccountSettingDefault" (API CreateCluster): without it, the value
    # in force for the caller (the account's root user: account_settings.py) applies.
    insights = account_settings.effective(
        region, account_settings.root(region), "containerInsights"
    )
    settings = check_settings(params.get("settings") or [{"name": INSIGHTS, "value": insights}])
    configuration = check_configuration(params.get("configuration"))
    providers = list(params.get("capacityProviders", []))
    strategy = cluster_capacity.normalized(params.get("defaultCapacityProviderStrategy", []))
    cluster_capacity.check(region, name, providers, strategy)
    namespace = (params.get("serviceConnectDefaults") or {}).get("namespace")
    if namespace is not None:
        check_namespace(region, namespace)
    cluster = Cluster(
        name=name,
        arn=region.arns.cluster(name),
        tags=tags,
        settings=settings,
        configuration=configuration,
    )
    if namespace is not None:
        cluster.service_connect_defaults = service_connect_defaults(region, namespace)
    # A deleted (INACTIVE) cluster of that name gives way, in its place: ListClusters pages by
    # position, so moving it would shift the clusters after it.
    region.clusters[name] = cluster
    region.touch(cluster)
    if existing is not None:
        _touch_referrers(region, existing)  # they now refer to a cluster no longer live
    if not providers and not strategy:
        return {"cluster": cluster.to_wire()}
    wire = cluster_capacity.associate(region, cluster, providers, strategy)
    if any(name not in FARGATE_PROVIDERS for name in providers):
        # Observed: a cluster created with Auto Scaling group providers answers PROVISIONING
        # while their resources are made; the next call sees it ACTIVE.
        wire["status"] = "PROVISIONING"
    return {"cluster": wire}


def describe_clusters(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    references = params.get("clusters") or [DEFAULT_CLUSTER]
    # "A list of up to 100 cluster names or full cluster ARN entries" (MODEL); the model sets no
    # maximum, so the check is here. Mock decision: the text follows DescribeTasks'.
    if len(references) > 100:
        raise invalid_parameter("clusters can have at most 100 items.")
    include = params.get("include", [])
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
            # "If ATTACHMENTS is specified, the attachments ... are included, for example the
            # capacity providers" (API reference): without it, they are not.
            found.append(cluster.to_wire("TAGS" in include, "ATTACHMENTS" in include))
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
    if any(s.status in ("ACTIVE", "DRAINING") for s in cluster.services.values()):
        raise EcsError(
            "ClusterContainsServicesException",
            "The Cluster cannot be deleted while Services are active.",
        )
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
    now = clock.now()
    # "You can disassociate them from a cluster using ... PutClusterCapacityProviders or by
    # deleting the cluster" (DeleteCapacityProvider reference).
    cluster_capacity.dissociate_all(region, cluster)
    cluster.status, cluster.deleted_at = "INACTIVE", now
    # Its (stopped) tasks and deregistered instances go with it.
    region.task_index.pop(cluster.name, None)
    if region.waiting.pop(cluster.name, None) is not None:
        region.touch(region)
    for task_id in cluster.tasks:
        region.tasks.pop(task_id, None)
    region.touch(cluster, *cluster.instances.values(), *cluster.tasks.values())
    _touch_referrers(region, cluster)
    cluster.tasks, cluster.instances = {}, {}
    region.schedule(now + region.timings.inactive_visible, cluster.name, EXPIRED)
    return {"cluster": cluster.to_wire()}


def _touch_referrers(region: Region, cluster: Cluster) -> None:
    """Daemons, gateway associations and Express services keep the cluster object itself: they
    now refer to a deleted (then forgotten) one (the state file keeps whether a reference is
    the live one)."""
    referrers: tuple[Daemon | GatewayAssociation | ExpressService, ...] = (
        *region.daemons.values(),
        *region.gateway_associations.values(),
        *region.express_services.values(),
    )
    region.touch(*(referrer for referrer in referrers if referrer.cluster is cluster))
    region.touch(*cluster.services.values())  # service rows are found through the cluster


def _expire(region: Region, name: str, due: float) -> None:
    """A deleted cluster's INACTIVE time is over: DescribeClusters reports it MISSING (unless
    the name was created again since)."""
    cluster = region.clusters.get(name)
    if cluster is None or cluster.status != "INACTIVE" or cluster.deleted_at is None:
        return
    if round(cluster.deleted_at + region.timings.inactive_visible, 3) <= due:
        del region.clusters[name]
        region.touch(cluster)
        _touch_referrers(region, cluster)


lifecycle.on_action(EXPIRED, _expire)

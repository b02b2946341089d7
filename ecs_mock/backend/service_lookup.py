"""Resolving a service, service deployment or task set a request names; misses become ECS's
modeled errors."""

from __future__ import annotations

from ..arns import parse_arn
from ..errors import EcsError, invalid_parameter
from .express_models import is_live
from .models import Cluster
from .service_models import Service, ServiceDeployment, TaskSet
from .state import Region

NOT_FOUND = "Service not found."
NOT_ACTIVE = "Service was not ACTIVE."


def service_name_of(region: Region, cluster: Cluster, reference: str) -> str:
    """A service's name from a name or an ARN (long `service/<cluster>/<name>` or the legacy
    `service/<name>`); an ARN of another cluster is refused as ECS refuses it."""
    if not reference.strip():
        raise invalid_parameter("Service can not be blank.")
    if not reference.startswith("arn:"):
        return reference
    parsed = parse_arn(reference)
    if parsed is None or parsed.kind != "service" or parsed.prefix != region.arns.prefix:
        raise invalid_parameter(f"Invalid identifier: {reference} is not a service ARN")
    owner, _, name = parsed.rest.rpartition("/")
    if owner and owner != cluster.name:
        raise invalid_parameter(
            f"Invalid identifier: Identifier is for cluster {owner}. Your cluster is {cluster.name}"
        )
    return name


def held_by_express(region: Region, cluster_name: str, name: str, now: float) -> bool:
    """An ACTIVE or DRAINING Express gateway service of the cluster has this name. "This name must
    be unique within the specified cluster" (model); Mock decision: the two stores share names."""
    express = region.express_services.get(region.arns.service(cluster_name, name))
    return (
        express is not None and is_live(region, express, now) and express.status(now) != "INACTIVE"
    )


def held_by_service(cluster: Cluster | None, name: str) -> bool:
    """A service made by CreateService, ACTIVE or DRAINING, has this name in the cluster."""
    service = cluster.services.get(name) if cluster is not None else None
    return service is not None and service.status in ("ACTIVE", "DRAINING")


def find_service(region: Region, cluster: Cluster, reference: str) -> Service:
    service = cluster.services.get(service_name_of(region, cluster, reference))
    if service is None:
        raise EcsError("ServiceNotFoundException", NOT_FOUND)
    return service


def find_active_service(region: Region, cluster: Cluster, reference: str) -> Service:
    service = find_service(region, cluster, reference)
    if service.status != "ACTIVE":
        raise EcsError("ServiceNotActiveException", NOT_ACTIVE)
    return service


def _service_of(region: Region, arn: str, kind: str) -> tuple[Service, str] | None:
    """`<kind>/<cluster>/<service>/<id>` of this account and Region -> its service and id."""
    parsed = parse_arn(arn)
    if parsed is None or parsed.kind != kind or parsed.prefix != region.arns.prefix:
        return None
    parts = parsed.rest.split("/")
    if len(parts) != 3:
        return None
    cluster = region.clusters.get(parts[0])
    service = cluster.services.get(parts[1]) if cluster is not None else None
    return (service, parts[2]) if service is not None else None


def find_service_deployment(region: Region, arn: str) -> tuple[Service, ServiceDeployment] | None:
    """`service-deployment/<cluster>/<service>/<id>` -> its service and record, or None."""
    found = _service_of(region, arn, "service-deployment")
    if found is None:
        return None
    service = found[0]
    record = next((r for r in service.service_deployments if r.arn == arn), None)
    return (service, record) if record is not None else None


def find_revision(region: Region, arn: str) -> tuple[Service, str] | None:
    """`service-revision/<cluster>/<service>/<n>` -> its service and deployment id, or None."""
    found = _service_of(region, arn, "service-revision")
    if found is None:
        return None
    service, number = found
    deployment_id = f"ecs-svc/{number}"
    return (service, deployment_id) if deployment_id in service.history else None


def task_set_of(region: Region, service: Service, reference: str) -> TaskSet | None:
    """A task set by its id (`ecs-svc/<n>`) or ARN."""
    for task_set in service.task_sets:
        if reference in (task_set.id, task_set.arn):
            return task_set
    return None

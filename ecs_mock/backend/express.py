"""CreateExpressGatewayService, UpdateExpressGatewayService, DeleteExpressGatewayService,
DescribeExpressGatewayService (express_models explains the lifecycle)."""

from __future__ import annotations

from typing import Any

from .. import clock
from ..errors import EcsError, invalid_parameter
from .clusters import create_cluster
from .express_config import Plan, build, register_managed
from .express_models import ExpressService, ServiceRevision, find_service, is_live, not_found
from .lookup import DEFAULT_CLUSTER, NAME_PATTERN, check_role_arn, cluster_name, find_cluster
from .service_lookup import held_by_service
from .state import Region
from .tags import check_tags


def _revision(region: Region, names: tuple[str, str], plan: Plan, now: float) -> ServiceRevision:
    # Revision ids are long decimal numbers in the documented examples.
    return ServiceRevision(
        arn=region.arns.service_revision(*names, region.ids.digits(19)),
        created_at=now,
        configuration=plan.configuration,
        customer_definition=plan.managed is None,
    )


def create_express_gateway_service(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    now = clock.now()
    name_of_cluster = cluster_name(region, params.get("cluster"))
    cluster = region.clusters.get(name_of_cluster)
    if cluster is not None and cluster.status != "ACTIVE":
        if name_of_cluster != DEFAULT_CLUSTER:
            find_cluster(region, name_of_cluster)  # a deleted cluster's ClusterNotFound
        cluster = None  # a deleted default cluster is created again, as a missing one is
    # "The ECS default cluster (if it does not already exist)" is among what Express Mode
    # creates (DG express-service-work); any other cluster must exist.
    if cluster is None and name_of_cluster != DEFAULT_CLUSTER:
        raise EcsError("ClusterNotFoundException", "Cluster not found.")
    role = check_role_arn(params["infrastructureRoleArn"], "infrastructureRoleArn")
    # "If you don't specify a service name, Amazon ECS generates a unique name" (model).
    # Mock decision: the generated name is express-service-<8 hex digits>.
    name = params.get("serviceName") or f"express-service-{region.ids.hex(8)}"
    if not NAME_PATTERN.match(name):
        raise invalid_parameter("Service name must match ^[a-zA-Z0-9\\-_]{1,255}$, but was " + name)
    arn = region.arns.service(name_of_cluster, name)
    existing = region.express_services.get(arn)
    if (
        existing is not None
        and is_live(region, existing, now)
        and existing.status(now) != "INACTIVE"
    ) or held_by_service(cluster, name):
        # "This name must be unique within the specified cluster" (model); the text is
        # CreateService's for a name already in use.
        raise invalid_parameter("Creation of service was not idempotent.")
    tags = check_tags(params.get("tags", []))
    names = (name_of_cluster, name)
    # Mock decision: the endpoint host is <service>-<8 hex digits>.ecs.<region>.on.aws (the
    # documented *.ecs.<region>.on.aws domain; the unique part's form is not published).
    endpoint = f"{name}-{region.ids.hex(8)}.ecs.{region.region}.on.aws"
    plan = build(region, params, None, names, endpoint)
    # Every check has passed: the writes follow.
    register_managed(region, plan, names)
    if cluster is None:
        create_cluster(region, {"clusterName": DEFAULT_CLUSTER})
        cluster = region.clusters[DEFAULT_CLUSTER]
    service = ExpressService(
        name=name,
        arn=arn,
        cluster=cluster,
        infrastructure_role=role,
        endpoint=endpoint,
        created_at=now,
        updated_at=now,
        deployment_arn=region.arns.service_deployment(
            name_of_cluster, name, region.ids.alphanumeric(21)
        ),
        tags=tags,
    )
    service.revisions.append(_revision(region, names, plan, now))
    region.express_services[arn] = service  # an INACTIVE one of the same name is forgotten
    region.touch(service)
    return {"service": service.wire(now, tags=True, deployment=False)}


def _active(region: Region, params: dict[str, Any], now: float) -> ExpressService:
    service = find_service(region, params["serviceArn"], now, not_found("ServiceNotFoundException"))
    status = service.status(now)
    if status == "INACTIVE":  # both texts observed from DeleteExpressGatewayService
        raise EcsError(
            "ServiceNotActiveException",
            "Cannot perform this operation on a service in INACTIVE status",
        )
    if status == "DRAINING":
        raise EcsError("ServiceNotActiveException", "Service is in DRAINING status")
    return service


def update_express_gateway_service(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    now = clock.now()
    service = _active(region, params, now)
    names = (service.cluster.name, service.name)
    plan = build(region, params, service.revisions[-1], names, service.endpoint)
    register_managed(region, plan, names)
    service.revisions.append(_revision(region, names, plan, now))
    service.deployment_arn = region.arns.service_deployment(*names, region.ids.alphanumeric(21))
    service.updated_at = now
    region.touch(service)
    return {"service": service.updated_wire(now)}


def delete_express_gateway_service(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    now = clock.now()
    service = _active(region, params, now)
    # "The service enters a DRAINING state ... After all tasks stop, the service and
    # infrastructure are permanently removed." (model). Mock decision: draining takes the
    # mock's stopping_seconds (what a task takes to stop); INACTIVE stays describable for
    # stopped_visible seconds, as a stopped task does.
    service.drain_ends_at = round(now + region.timings.stopping, 3)
    service.expires_at = round(service.drain_ends_at + region.timings.stopped_visible, 3)
    service.updated_at = now
    region.touch(service)
    # "The service enters a DRAINING state" (model): so the answer says, even when draining
    # takes no clock time.
    return {"service": service.wire(now, tags=True, status="DRAINING")}


def describe_express_gateway_service(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    now = clock.now()
    # The model lists ResourceNotFoundException, not ServiceNotFoundException, for Describe.
    service = find_service(
        region, params["serviceArn"], now, not_found("ResourceNotFoundException")
    )
    return {"service": service.wire(now, tags="TAGS" in params.get("include", []))}

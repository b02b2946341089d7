"""AssociateGatewayWithCluster, DisassociateGatewayFromCluster, ListGatewayClusterAssociations,
DescribeGatewayRoute, ListGatewayRoutes.

An association stays DISASSOCIATING "until you remove all of the gateway routes for the
cluster", "after which the association is deleted" (model). ecs_mock's gateways have no routes
(gateway_models), so a disassociation completes at once: DisassociateGatewayFromCluster answers
DISASSOCIATING and the association is gone from then on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..arns import parse_arn
from ..errors import EcsError, invalid_parameter
from .gateway_models import GatewayAssociation, find_gateway, gateway_name_of, live_associations
from .lookup import cluster_name, find_cluster
from .paging import paged
from .state import Region

NOTHING = "/"  # a name no gateway or cluster can have
MAX_GATEWAYS_PER_CLUSTER = 5  # "A single cluster can be associated with up to 5 gateways."


def associate_gateway_with_cluster(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    gateway = find_gateway(region, params["gateway"])
    cluster = find_cluster(region, params["cluster"])
    current = [a for a in live_associations(region) if a.cluster is cluster]
    if not any(a.gateway is gateway for a in current):
        if len(current) >= MAX_GATEWAYS_PER_CLUSTER:
            # Mock decision: the limit is documented, not its error; InvalidParameterException.
            raise invalid_parameter(
                f"Cluster {cluster.name} is already associated with "
                f"{MAX_GATEWAYS_PER_CLUSTER} gateways, the most a cluster can have."
            )
        association = GatewayAssociation(gateway=gateway, cluster=cluster)
        region.gateway_associations[(gateway.name, cluster.name)] = association
        region.touch(association)
    # Mock decision: associating again is not an error; the association stays as it is.
    return {"gatewayArn": gateway.arn, "clusterArn": cluster.arn, "status": "ACTIVE"}


def disassociate_gateway_from_cluster(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    gateway = find_gateway(region, params["gateway"])
    cluster = find_cluster(region, params["cluster"])
    key = (gateway.name, cluster.name)
    association = region.gateway_associations.get(key)
    if association is None or not any(a is association for a in live_associations(region)):
        # Mock decision: the text; the error is the model's ResourceNotFoundException.
        raise EcsError(
            "ResourceNotFoundException",
            f"Gateway {gateway.name} is not associated with cluster {cluster.name}.",
        )
    del region.gateway_associations[key]
    region.touch(association)
    return {"gatewayArn": gateway.arn, "clusterArn": cluster.arn, "status": "DISASSOCIATING"}


def _filter(resolve: Callable[[], str], reference: str | None) -> str | None:
    """A filter's name; one naming nothing here (another account's ARN) matches nothing."""
    if reference is None:
        return None
    try:
        return resolve()
    except EcsError as error:
        if error.code == "InvalidParameterException":
            raise  # malformed: refused
        return NOTHING


def list_gateway_cluster_associations(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    # The model lists no not-found error for this operation; Mock decision: a filter naming a
    # gateway or cluster that does not exist matches nothing.
    gateway, cluster = params.get("gateway"), params.get("cluster")
    wanted_gateway = _filter(lambda: gateway_name_of(region, str(gateway)), gateway)
    wanted_cluster = _filter(lambda: cluster_name(region, cluster), cluster)
    statuses = params.get("status")
    summaries = [
        association.summary()
        for association in live_associations(region)
        if (wanted_gateway is None or association.gateway.name == wanted_gateway)
        and (wanted_cluster is None or association.cluster.name == wanted_cluster)
        and (not statuses or "ACTIVE" in statuses)
    ]
    return paged("gatewayClusterAssociations", summaries, params)


def describe_gateway_route(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    reference = params["gatewayRouteArn"]
    parsed = parse_arn(reference)
    if parsed is None:
        raise invalid_parameter(f"Invalid gateway route ARN: {reference}")
    # Routes come from services' gatewayConnectors, which ecs_mock does not have yet.
    raise EcsError("ResourceNotFoundException", f"Gateway route {reference} was not found.")


def list_gateway_routes(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    gateway = params.get("gateway")
    if gateway is not None:
        find_gateway(region, gateway)  # the model's GatewayNotFoundException
    cluster = params.get("cluster")
    _filter(lambda: cluster_name(region, cluster), cluster)  # malformed: refused
    # Routes come from services' gatewayConnectors, which ecs_mock does not have yet.
    return paged("gatewayRoutes", [], params)

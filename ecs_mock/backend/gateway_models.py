"""Gateways and their cluster associations: the models, their wire shapes, and lookups.

A gateway manages shared ingress (Application Load Balancers with host-based routing) for the
services of the clusters it is associated with. ECS creates that infrastructure only "until a
service in an associated cluster begins using the gateway" (CreateGateway); services reach a
gateway through `gatewayConnectors`, and each such use is a gateway route.

Mock decision: ecs_mock has no services yet, so no gateway ever has load balancers or routes:
`currentAlbCount` is 0, DescribeGatewayResources lists nothing, ListGatewayRoutes is empty and
DescribeGatewayRoute finds nothing. An UpdateGateway therefore has no load balancer to change:
it answers UPDATE_IN_PROGRESS as documented, and the gateway reads UPDATE_COMPLETE from then on.

Mock decision: no published source gives a gateway's ARN; ecs_mock uses
`arn:<partition>:ecs:<region>:<account>:gateway/<name>`, as names are unique per account and
Region (like capacity providers, the other account-level resource).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..arns import parse_arn
from ..errors import EcsError, invalid_parameter
from .lookup import NAME_PATTERN
from .models import Cluster, Tags

if TYPE_CHECKING:  # state.py imports this module
    from .state import Region

GATEWAY_NOT_FOUND = "Gateway not found."  # Mock decision: ECS's text is not published


@dataclass
class Gateway:
    name: str
    arn: str
    infrastructure_role: str
    deletion_protection: bool
    configuration: dict[str, Any]  # {"hostSharedAlb": {...}} with the defaults filled in
    propagate_tags: str
    access_type: str
    created_at: float
    updated_at: float
    client_token: str | None = None
    tags: Tags = field(default_factory=list)
    updated: bool = False  # an UpdateGateway was made: UPDATE_COMPLETE instead of ACTIVE

    def status(self) -> str:
        return "UPDATE_COMPLETE" if self.updated else "ACTIVE"

    def summary(self) -> dict[str, Any]:
        return {
            "gatewayArn": self.arn,
            "name": self.name,
            "status": self.status(),
            "createdAt": self.created_at,
        }

    def detail(self) -> dict[str, Any]:
        alb = copy.deepcopy(self.configuration["hostSharedAlb"])
        alb["currentAlbCount"] = 0  # no service uses it: no load balancer is allocated
        return {
            "gatewayArn": self.arn,
            "name": self.name,
            "status": self.status(),
            "failures": [],
            "infrastructureRoleArn": self.infrastructure_role,
            "deletionProtection": self.deletion_protection,
            "configuration": {"hostSharedAlb": alb},
            "accessType": self.access_type,
            "propagateTags": self.propagate_tags,
            "tags": list(self.tags),
            "createdAt": self.created_at,
            "updatedAt": self.updated_at,
        }


@dataclass
class GatewayAssociation:
    gateway: Gateway  # the objects themselves: a deleted and re-created one is another
    cluster: Cluster

    def summary(self) -> dict[str, Any]:
        return {"gatewayArn": self.gateway.arn, "clusterArn": self.cluster.arn, "status": "ACTIVE"}


def gateway_name_of(region: Region, reference: str) -> str:
    """A gateway's name from its name or ARN."""
    if reference.startswith("arn:"):
        parsed = parse_arn(reference)
        if parsed is None or parsed.kind != "gateway" or not NAME_PATTERN.fullmatch(parsed.rest):
            raise invalid_parameter(f"Invalid gateway identifier: {reference}")
        if parsed.prefix != region.arns.prefix:
            raise EcsError("GatewayNotFoundException", GATEWAY_NOT_FOUND)
        return parsed.rest
    if not NAME_PATTERN.fullmatch(reference):
        raise invalid_parameter(f"Invalid gateway identifier: {reference}")
    return reference


def find_gateway(region: Region, reference: str) -> Gateway:
    gateway = region.gateways.get(gateway_name_of(region, reference))
    if gateway is None:
        raise EcsError("GatewayNotFoundException", GATEWAY_NOT_FOUND)
    return gateway


def live_associations(region: Region) -> list[GatewayAssociation]:
    """Associations whose gateway and cluster both still exist (Mock decision: an association
    goes with its deleted cluster)."""
    return [
        association
        for association in region.gateway_associations.values()
        if region.gateways.get(association.gateway.name) is association.gateway
        and region.clusters.get(association.cluster.name) is association.cluster
        and association.cluster.status == "ACTIVE"  # a deleted cluster stays a while, INACTIVE
    ]

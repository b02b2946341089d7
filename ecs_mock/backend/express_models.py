"""Express gateway services (ECS Express Mode): the model, its wire shapes, and lookups.

An Express service is an ECS service (ARN `service/<cluster>/<name>`) that ECS builds around a
primary container: a task definition, a load balancer with an HTTPS URL, security groups and
auto scaling. Each Create/Update makes a service revision (`service-revision/...`) and a service
deployment (`service-deployment/...`), both in the documented ARN forms.

Lifecycle on the mock clock: ACTIVE from creation; DeleteExpressGatewayService makes it
DRAINING ("existing tasks complete current requests") for the mock's `stopping_seconds`, then
INACTIVE, describable for `stopped_visible` seconds (one hour, as stopped tasks), then gone.

Mock decision: the service's tasks are not started yet. Keeping `minTaskCount` of them running,
replacing them on an update and stopping them while DRAINING is the service scheduler's work,
which comes with ECS services (CreateService); it will launch them through the shared pipeline
(backend/launch.py). Nothing here creates tasks, load balancers or scaling policies; the endpoint
is a name only.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..arns import parse_arn
from ..errors import EcsError, invalid_parameter
from .lookup import NAME_PATTERN, find_cluster
from .models import Cluster, Tags

if TYPE_CHECKING:  # state.py imports this module
    from .state import Region

SERVICE_NOT_FOUND = "Service not found."  # ECS's text for a missing service (observed)


@dataclass
class ServiceRevision:
    arn: str
    created_at: float
    configuration: dict[str, Any]  # ExpressGatewayServiceConfiguration without arn/createdAt
    customer_definition: bool  # taskDefinitionArn was given (not managed by ECS)

    def wire(self) -> dict[str, Any]:
        return {
            "serviceRevisionArn": self.arn,
            **copy.deepcopy(self.configuration),
            "createdAt": self.created_at,
        }


@dataclass
class ExpressService:
    name: str
    arn: str
    cluster: Cluster  # the cluster object itself: a cluster deleted and re-created is another
    infrastructure_role: str
    endpoint: str
    created_at: float
    updated_at: float
    deployment_arn: str
    tags: Tags = field(default_factory=list)
    revisions: list[ServiceRevision] = field(default_factory=list)
    drain_ends_at: float | None = None  # set by DeleteExpressGatewayService
    expires_at: float | None = None

    def status(self, now: float) -> str:
        if self.drain_ends_at is None:
            return "ACTIVE"
        return "DRAINING" if now < self.drain_ends_at else "INACTIVE"

    def is_gone(self, now: float) -> bool:
        return self.expires_at is not None and now >= self.expires_at

    def wire(
        self, now: float, tags: bool, deployment: bool = True, status: str | None = None
    ) -> dict[str, Any]:
        """ECSExpressGatewayService. CreateExpressGatewayService leaves `currentDeployment` out
        (observed: it is "not returned immediately in Create response")."""
        wire: dict[str, Any] = {
            "cluster": self.cluster.arn,
            "serviceName": self.name,
            "serviceArn": self.arn,
            "infrastructureRoleArn": self.infrastructure_role,
            "status": {"statusCode": status or self.status(now)},
            # Mock decision: a deployment completes at once (no tasks to replace), so only the
            # newest revision is active.
            "activeConfigurations": [self.revisions[-1].wire()],
            "createdAt": self.created_at,
            "updatedAt": self.updated_at,
        }
        if deployment:
            wire["currentDeployment"] = self.deployment_arn
        if tags:
            wire["tags"] = list(self.tags)
        return wire

    def updated_wire(self, now: float) -> dict[str, Any]:
        """UpdatedExpressGatewayService."""
        return {
            "serviceArn": self.arn,
            "cluster": self.cluster.arn,
            "serviceName": self.name,
            "status": {"statusCode": self.status(now)},
            "targetConfiguration": self.revisions[-1].wire(),
            "createdAt": self.created_at,
            "updatedAt": self.updated_at,
        }


def service_name_of(region: Region, reference: str, missing: EcsError) -> tuple[str, str]:
    """(cluster name, service name) from a long-format service ARN of this account and Region."""
    parsed = parse_arn(reference)
    parts = parsed.rest.split("/") if parsed is not None else []
    if (
        parsed is None
        or parsed.kind != "service"
        or len(parts) != 2
        or not all(NAME_PATTERN.fullmatch(part) for part in parts)
    ):
        # Mock decision: the operations take the (long) service ARN only, as documented.
        raise invalid_parameter(f"Invalid service ARN: {reference}")
    if parsed.prefix != region.arns.prefix:
        raise missing
    return parts[0], parts[1]


def is_live(region: Region, service: ExpressService, now: float) -> bool:
    """Not yet gone, in a cluster that still exists (Mock decision: it goes with its cluster)."""
    cluster = service.cluster
    # A deleted cluster stays INACTIVE in region.clusters for a while: the service is gone.
    return (
        region.clusters.get(cluster.name) is cluster
        and cluster.status == "ACTIVE"
        and not service.is_gone(now)
    )


def find_service(region: Region, reference: str, now: float, missing: EcsError) -> ExpressService:
    cluster_name, _ = service_name_of(region, reference, missing)
    cluster = find_cluster(region, cluster_name)
    service = region.express_services.get(reference)
    if service is None or service.cluster is not cluster or service.is_gone(now):
        raise missing
    return service


def not_found(code: str) -> EcsError:
    return EcsError(code, SERVICE_NOT_FOUND)

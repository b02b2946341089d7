"""Capacity providers as resources: the Auto Scaling group ones an account creates, and the two
Fargate ones every account has (FARGATE, FARGATE_SPOT), which are never stored.

The operations on them are in `capacity_providers`; associating them with clusters is in
`cluster_capacity`; tasks waiting for an Auto Scaling group's capacity are in `provisioning`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..arns import parse_arn
from .capacity import FARGATE_PROVIDERS
from .models import Tags
from .state import Region

__all__ = ["FARGATE_PROVIDERS", "CapacityProvider", "find_provider", "provider_name"]
# Documented defaults of ManagedScaling (API reference, AWS CLI create-capacity-provider).
SCALING_DEFAULTS: dict[str, Any] = {
    "targetCapacity": 100,
    "minimumScalingStepSize": 1,
    "maximumScalingStepSize": 10000,
    "instanceWarmupPeriod": 300,
}


@dataclass
class CapacityProvider:
    """An Auto Scaling group capacity provider (type EC2_AUTOSCALING)."""

    name: str
    arn: str
    asg: dict[str, Any]  # autoScalingGroupProvider with every default filled in
    tags: Tags = field(default_factory=list)
    status: str = "ACTIVE"  # ACTIVE | INACTIVE (deleted)
    update_status: str | None = None
    update_status_reason: str | None = None
    cluster: str | None = None  # the one cluster it is associated with
    deleted_at: float | None = None

    @property
    def managed_scaling(self) -> bool:
        return bool(self.asg["managedScaling"]["status"] == "ENABLED")

    @property
    def managed_draining(self) -> bool:
        return bool(self.asg["managedDraining"] == "ENABLED")

    def to_wire(self, include_tags: bool = True) -> dict[str, Any]:
        wire: dict[str, Any] = {
            "capacityProviderArn": self.arn,
            "name": self.name,
            "status": self.status,
            "autoScalingGroupProvider": {
                **self.asg,
                "managedScaling": dict(self.asg["managedScaling"]),
            },
            "tags": list(self.tags) if include_tags else [],
        }
        if self.update_status is not None:
            wire["updateStatus"] = self.update_status
        if self.update_status_reason is not None:
            wire["updateStatusReason"] = self.update_status_reason
        return wire


def fargate_wire(region: Region, name: str) -> dict[str, Any]:
    """FARGATE or FARGATE_SPOT as DescribeCapacityProviders shows them (AWS CLI example): no
    Auto Scaling group and no tags."""
    return {
        "capacityProviderArn": region.arns.capacity_provider(name),
        "name": name,
        "status": "ACTIVE",
        "tags": [],
    }


def provider_name(region: Region, reference: str) -> str | None:
    """The short name a name or an ARN of this account and region stands for (None: an ARN of
    elsewhere, or not a capacity provider ARN)."""
    if not reference.startswith("arn:"):
        return reference
    parsed = parse_arn(reference)
    if parsed is None or parsed.kind != "capacity-provider" or parsed.prefix != region.arns.prefix:
        return None
    return parsed.rest


def find_provider(region: Region, reference: str) -> CapacityProvider | None:
    """The stored (Auto Scaling group) provider a name or ARN names, INACTIVE ones included."""
    name = provider_name(region, reference)
    return region.capacity_providers.get(name) if name is not None else None


def active_provider(region: Region, name: str) -> CapacityProvider | None:
    found = region.capacity_providers.get(name)
    return found if found is not None and found.status == "ACTIVE" else None

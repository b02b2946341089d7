"""CreateCapacityProvider, DescribeCapacityProviders, UpdateCapacityProvider,
DeleteCapacityProvider: Auto Scaling group providers, and the built-in Fargate ones.

An Auto Scaling group provider is ACTIVE until deleted, then INACTIVE (still describable) for
`Timings.inactive_visible`. The replies of Update and Delete show the update in progress
(UPDATE_IN_PROGRESS, DELETE_IN_PROGRESS, as the AWS CLI examples do); the next call already
sees it complete, as with a task's first step.
"""

from __future__ import annotations

import re
from typing import Any

from .. import clock
from ..errors import EcsError, client_error, invalid_parameter
from . import cluster_capacity, lifecycle
from .lookup import find_cluster
from .paging import page
from .providers import (
    FARGATE_PROVIDERS,
    SCALING_DEFAULTS,
    CapacityProvider,
    fargate_wire,
    find_provider,
    provider_name,
)
from .state import Region
from .tags import check_tags

NAME = re.compile(r"[A-Za-z0-9_-]{1,255}\Z")
RESERVED_PREFIXES = ("aws", "ecs", "fargate")
INVALID_NAME = (
    "The specified capacity provider name is invalid. Up to 255 characters are allowed, "
    "including letters (upper and lowercase), numbers, underscores, and hyphens. The name "
    'cannot be prefixed with "aws", "ecs", or "fargate". Specify a valid name and try again.'
)
ALREADY_EXISTS = (
    "The specified capacity provider already exists. To change the configuration of an "
    "existing capacity provider, update the capacity provider."
)
ASG_IN_USE = (
    "The specified Auto Scaling group ARN is already being used by another capacity provider. "
    "Specify a unique Auto Scaling group ARN and try again."
)
ASSOCIATED = (
    "The capacity provider cannot be deleted because it is associated with cluster: {}. "
    "Remove the capacity provider from the cluster and try again."
)
# Mock decision: ECS's texts for these are not published; each says what is wrong.
NOT_FOUND = (
    "The specified capacity provider does not exist. Specify a valid name or ARN and try again."
)
NOT_MODELLED = (
    "ecs_mock does not model Amazon ECS Managed Instances capacity providers "
    "(managedInstancesProvider); use autoScalingGroupProvider, or the FARGATE and "
    "FARGATE_SPOT capacity providers."
)
CLUSTER_SCOPED = (
    "The cluster parameter is only supported for Amazon ECS Managed Instances capacity "
    "providers, which ecs_mock does not model. Associate an Auto Scaling group capacity "
    "provider with a cluster with PutClusterCapacityProviders."
)
TERMINATION_NEEDS_SCALING = (
    "The managed termination protection setting for the capacity provider is invalid. To "
    "enable managed termination protection for a capacity provider, managed scaling must "
    "also be enabled."
)
# Mock decision: 20 per Region (containers-roadmap#2716 calls it the current hard limit).
MAX_PROVIDERS = 20
DEFAULT_PAGE = 10  # "returns up to 10 results" without maxResults (API reference)
EXPIRED = "CAPACITY_PROVIDER_EXPIRED"


def create_capacity_provider(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    name = params["name"]
    if not NAME.match(name) or name.lower().startswith(RESERVED_PREFIXES):
        raise client_error(INVALID_NAME)
    _refuse_unmodelled(params)
    given = params.get("autoScalingGroupProvider")
    if given is None:
        raise invalid_parameter(
            "autoScalingGroupProvider is required: ecs_mock models Auto Scaling group "
            "capacity providers only."
        )
    tags = check_tags(params.get("tags", []))
    live = [p for p in region.capacity_providers.values() if p.status != "INACTIVE"]
    if any(p.name == name for p in live):
        raise client_error(ALREADY_EXISTS)
    if not str(given.get("autoScalingGroupArn", "")).strip():
        raise invalid_parameter("autoScalingGroupArn can not be blank.")
    asg = _asg_settings(given, None)
    if any(p.asg["autoScalingGroupArn"] == asg["autoScalingGroupArn"] for p in live):
        raise client_error(ASG_IN_USE)
    if len(live) >= MAX_PROVIDERS:
        raise EcsError(
            "LimitExceededException",
            f"The limit of {MAX_PROVIDERS} capacity providers per Region has been reached. "
            "Delete a capacity provider you no longer use and try again.",
        )
    provider = CapacityProvider(name, region.arns.capacity_provider(name), asg, tags)
    # A name whose provider was deleted (INACTIVE) may be used again, in the old one's place
    # (DescribeCapacityProviders pages by position).
    region.capacity_providers[name] = provider
    region.touch(provider)
    return {"capacityProvider": provider.to_wire()}


def describe_capacity_providers(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    include_tags = "TAGS" in params.get("include", [])
    cluster = find_cluster(region, params["cluster"]) if "cluster" in params else None
    names = params.get("capacityProviders")
    if names is not None and len(names) > 100:
        # "Up to 100 capacity providers can be described in an action" (API reference).
        raise invalid_parameter("capacityProviders can have at most 100 items.")

    def wanted(name: str) -> bool:
        return cluster is None or name in cluster.capacity_providers

    found: list[dict[str, Any]] = []
    failures: list[dict[str, str]] = []
    if names:
        for reference in names:
            wire = _describe(region, reference, include_tags)
            if wire is None or not wanted(wire["name"]):
                arn = reference
                if not reference.startswith("arn:"):
                    arn = region.arns.capacity_provider(reference)
                failures.append({"arn": arn, "reason": "MISSING"})
            else:
                found.append(wire)
    else:
        found = [p.to_wire(include_tags) for p in region.capacity_providers.values()]
        found += [fargate_wire(region, name) for name in FARGATE_PROVIDERS]
        found = [wire for wire in found if wanted(wire["name"])]
    # Mock decision: the documented range is 1-10, but clients send up to 100 (aws-nuke asks
    # for 100) and are answered; the mock accepts 1-100, 10 when omitted.
    size = params.get("maxResults")
    window, token = page(found, params.get("nextToken"), DEFAULT_PAGE if size is None else size)
    result: dict[str, Any] = {"capacityProviders": window}
    # Mock decision: names that were not found are reported with the first page.
    result["failures"] = failures if params.get("nextToken") is None else []
    if token:
        result["nextToken"] = token
    return result


def update_capacity_provider(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    name = params["name"]
    _refuse_unmodelled(params)
    if name in FARGATE_PROVIDERS:
        raise client_error(
            f"The {name} capacity provider is reserved and can't be updated. Only Auto Scaling "
            "group capacity providers can be updated."
        )
    provider = region.capacity_providers.get(name)
    if provider is None or provider.status != "ACTIVE":
        raise client_error(NOT_FOUND)
    given = params.get("autoScalingGroupProvider")
    if given is None:
        raise invalid_parameter(
            "autoScalingGroupProvider is required to update an Auto Scaling group capacity "
            "provider."
        )
    provider.asg = _asg_settings(given, provider.asg)
    provider.update_status, provider.update_status_reason = "UPDATE_COMPLETE", None
    region.touch(provider)
    if provider.cluster is not None:
        # Managed scaling and draining decide the cluster's as_policy and managed_draining
        # attachments.
        cluster_capacity.refresh_attachments(region, region.clusters[provider.cluster])
    wire = provider.to_wire()
    wire["updateStatus"] = "UPDATE_IN_PROGRESS"
    return {"capacityProvider": wire}


def delete_capacity_provider(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    reference = params["capacityProvider"]
    if params.get("cluster") is not None:
        raise invalid_parameter(CLUSTER_SCOPED)
    if provider_name(region, reference) in FARGATE_PROVIDERS:
        raise client_error(
            "The FARGATE and FARGATE_SPOT capacity providers are reserved and can't be "
            "deleted. Disassociate them from a cluster with PutClusterCapacityProviders."
        )
    provider = find_provider(region, reference)
    if provider is None:
        raise client_error(NOT_FOUND)
    if provider.status == "INACTIVE":
        # Mock decision: deleting a deleted provider answers it as it is.
        return {"capacityProvider": provider.to_wire()}
    if provider.cluster is not None:
        # Observed: a 200 whose provider says DELETE_FAILED and why, not an exception.
        provider.update_status = "DELETE_FAILED"
        provider.update_status_reason = ASSOCIATED.format(provider.cluster)
        region.touch(provider)
        return {"capacityProvider": provider.to_wire()}
    now = clock.now()
    provider.status, provider.deleted_at = "INACTIVE", now
    provider.update_status, provider.update_status_reason = "DELETE_COMPLETE", None
    region.touch(provider)
    region.schedule(now + region.timings.inactive_visible, provider.name, EXPIRED)
    wire = provider.to_wire()
    wire.update(status="ACTIVE", updateStatus="DELETE_IN_PROGRESS")
    return {"capacityProvider": wire}


def _describe(region: Region, reference: str, include_tags: bool) -> dict[str, Any] | None:
    name = provider_name(region, reference)
    if name in FARGATE_PROVIDERS:
        return fargate_wire(region, name)
    provider = find_provider(region, reference)
    return provider.to_wire(include_tags) if provider is not None else None


def _refuse_unmodelled(params: dict[str, Any]) -> None:
    if params.get("managedInstancesProvider") is not None:
        raise invalid_parameter(NOT_MODELLED)
    if params.get("cluster") is not None:
        raise invalid_parameter(CLUSTER_SCOPED)


def _asg_settings(given: dict[str, Any], current: dict[str, Any] | None) -> dict[str, Any]:
    """The provider's autoScalingGroupProvider after `given` (a create or an update): every
    documented default filled in, the combination checked.

    Mock decision: a managedScaling without `status` (or none at all) is DISABLED, as managed
    termination protection is off by default; an update merges the fields it gives into the
    current settings. Managed draining is on by default (documented)."""
    if current is None:
        base_scaling: dict[str, Any] = {"status": "DISABLED", **SCALING_DEFAULTS}
        asg: dict[str, Any] = {
            "autoScalingGroupArn": given["autoScalingGroupArn"],
            "managedTerminationProtection": "DISABLED",
            "managedDraining": "ENABLED",
        }
    else:
        base_scaling = dict(current["managedScaling"])
        asg = {key: value for key, value in current.items() if key != "managedScaling"}
    asg["managedScaling"] = {**base_scaling, **given.get("managedScaling", {})}
    for key in ("managedTerminationProtection", "managedDraining"):
        if key in given:
            asg[key] = given[key]
    scaling = asg["managedScaling"]
    if scaling["minimumScalingStepSize"] > scaling["maximumScalingStepSize"]:
        # Mock decision: ECS's text is unknown.
        raise invalid_parameter(
            "minimumScalingStepSize must not be greater than maximumScalingStepSize."
        )
    if asg["managedTerminationProtection"] == "ENABLED" and scaling["status"] != "ENABLED":
        # "When using managed termination protection, managed scaling must also be used"
        # (API reference); the text follows ECS's observed one for the same setting.
        raise client_error(TERMINATION_NEEDS_SCALING)
    return asg


def _expire(region: Region, name: str, due: float) -> None:
    """A deleted provider's INACTIVE time is over: it is forgotten (unless a new provider of
    that name was created since)."""
    provider = region.capacity_providers.get(name)
    if provider is None or provider.status != "INACTIVE" or provider.deleted_at is None:
        return
    if round(provider.deleted_at + region.timings.inactive_visible, 3) <= due:
        del region.capacity_providers[name]
        region.touch(provider)


lifecycle.on_action(EXPIRED, _expire)

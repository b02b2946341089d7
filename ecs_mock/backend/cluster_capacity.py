"""Which capacity providers a cluster may use: PutClusterCapacityProviders, and CreateCluster's
`capacityProviders` / `defaultCapacityProviderStrategy` (the same checks, the same effect).

The lists replace the current ones and `[]` clears them (API reference). An Auto Scaling
group provider belongs to one cluster at a time; FARGATE and FARGATE_SPOT to any number. Each
associated Auto Scaling group provider shows as cluster attachments: `as_policy` (the managed
scaling policy, with managed scaling on) and `managed_draining` (with managed draining on),
as the AWS CLI examples show. The reply of the call that changes them shows the change in
progress (new attachments PRECREATED, removed ones DELETING, attachmentsStatus
UPDATE_IN_PROGRESS); later calls see it complete (CREATED, gone, UPDATE_COMPLETE).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..errors import EcsError, client_error, invalid_parameter, shown
from .capacity import FARGATE_PROVIDERS, MIXED, NOT_ASSOCIATED, check_strategy_shape
from .lookup import find_cluster
from .models import Cluster
from .state import Region

# "Capacity providers per cluster: 20" (service quotas; it was 10 in 2022).
MAX_PER_CLUSTER = 20
TOO_MANY = "The maximum number of capacity providers per cluster has been exceeded."
IN_USE = "The specified capacity provider is in use and cannot be removed."
DRAINING_HOOK = "ecs-managed-draining-termination-hook"


def put_cluster_capacity_providers(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    cluster = find_cluster(region, params["cluster"])
    providers = list(params["capacityProviders"])
    strategy = normalized(params["defaultCapacityProviderStrategy"])
    check(region, cluster.name, providers, strategy)
    for name in cluster.capacity_providers:
        if name not in providers and in_use(cluster, name):
            raise EcsError("ResourceInUseException", IN_USE)
    return {"cluster": associate(region, cluster, providers, strategy)}


def normalized(strategy: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Strategy items as a cluster reports them: `weight` and `base` always (default 0)."""
    return [
        {
            "capacityProvider": item["capacityProvider"],
            "weight": item.get("weight", 0),
            "base": item.get("base", 0),
        }
        for item in strategy
    ]


def check(
    region: Region, cluster: str, providers: Sequence[str], strategy: Sequence[dict[str, Any]]
) -> None:
    """Everything that can refuse an association, before anything changes."""
    if len(providers) > MAX_PER_CLUSTER:
        raise invalid_parameter(TOO_MANY)
    duplicate = next((name for name in providers if providers.count(name) > 1), None)
    if duplicate is not None:
        # Mock decision: ECS's text for a repeated provider is unknown.
        raise invalid_parameter(f"Capacity provider {shown(duplicate)} appears more than once.")
    for name in providers:
        if name in FARGATE_PROVIDERS:
            continue
        provider = region.capacity_providers.get(name)
        if provider is None or provider.status != "ACTIVE":
            # Mock decision: short names only, as in strategies; ECS's text is unknown.
            raise client_error(
                f"The specified capacity provider {shown(name)} does not exist. Specify the short "
                "name of an existing capacity provider and try again."
            )
        if provider.cluster is not None and provider.cluster != cluster:
            # Documented: an Auto Scaling group provider can't be associated with another
            # cluster. Mock decision: the text.
            raise invalid_parameter(
                f"The capacity provider {name} is already associated with cluster "
                f"{provider.cluster}. An Auto Scaling group capacity provider can be "
                "associated with one cluster only."
            )
    check_strategy_shape(strategy)
    names = [item["capacityProvider"] for item in strategy]
    # Mock decision: RunTask's observed message for a provider the cluster lacks.
    if any(name not in providers for name in names):
        raise invalid_parameter(NOT_ASSOCIATED)
    fargate = [name in FARGATE_PROVIDERS for name in names]
    if any(fargate) and not all(fargate):
        raise invalid_parameter(MIXED)


def in_use(cluster: Cluster, provider: str) -> bool:
    """A task not yet STOPPED (waiting for capacity included) was placed by the provider."""
    return any(
        task.capacity_provider_name == provider and task.last_status != "STOPPED"
        for task in cluster.tasks.values()
    )


def associate(
    region: Region, cluster: Cluster, providers: list[str], strategy: list[dict[str, Any]]
) -> dict[str, Any]:
    """Make `providers` and `strategy` the cluster's (already checked); the reply's cluster."""
    for name in cluster.capacity_providers:
        provider = region.capacity_providers.get(name)
        if provider is not None and name not in providers:
            provider.cluster = None
            region.touch(provider)
    for name in providers:
        provider = region.capacity_providers.get(name)
        if provider is not None:
            provider.cluster = cluster.name
            region.touch(provider)
    cluster.capacity_providers = providers
    cluster.default_strategy = strategy
    added, removed = refresh_attachments(region, cluster)
    cluster.attachments_status = "UPDATE_COMPLETE"
    region.touch(cluster)
    wire = cluster.to_wire()
    for attachment in wire["attachments"]:
        if attachment["id"] in added:
            attachment["status"] = "PRECREATED"
    wire["attachments"] += [{**attachment, "status": "DELETING"} for attachment in removed]
    wire["attachmentsStatus"] = "UPDATE_IN_PROGRESS"
    return wire


def dissociate_all(region: Region, cluster: Cluster) -> None:
    """A deleted cluster lets go of its providers (which may then be deleted or reused)."""
    for name in cluster.capacity_providers:
        provider = region.capacity_providers.get(name)
        if provider is not None and provider.cluster == cluster.name:
            provider.cluster = None
            region.touch(provider)
    cluster.capacity_providers, cluster.default_strategy = [], []
    cluster.attachments = []
    region.touch(cluster)


def refresh_attachments(region: Region, cluster: Cluster) -> tuple[set[str], list[dict[str, Any]]]:
    """Bring the cluster's attachments in line with its Auto Scaling group providers' settings;
    the ids of the new ones and the attachments that went."""
    existing = {_key(attachment): attachment for attachment in cluster.attachments}
    attachments, added = [], set()
    for name in cluster.capacity_providers:
        provider = region.capacity_providers.get(name)
        if provider is None:
            continue
        kinds = [
            kind
            for kind, on in (
                ("as_policy", provider.managed_scaling),
                ("managed_draining", provider.managed_draining),
            )
            if on
        ]
        for kind in kinds:
            attachment = existing.pop((name, kind), None)
            if attachment is None:
                attachment = _attachment(region, name, kind)
                added.add(attachment["id"])
            attachments.append(attachment)
    cluster.attachments = attachments
    region.touch(cluster)
    return added, list(existing.values())


def _key(attachment: dict[str, Any]) -> tuple[str, str]:
    return str(attachment["details"][0]["value"]), str(attachment["type"])


def _attachment(region: Region, provider: str, kind: str) -> dict[str, Any]:
    if kind == "as_policy":
        detail = {
            "name": "scalingPolicyName",
            "value": f"ECSManagedAutoScalingPolicy-{region.ids.uuid()}",
        }
    else:
        detail = {"name": "autoScalingLifecycleHookName", "value": DRAINING_HOOK}
    return {
        "id": region.ids.uuid(),
        "type": kind,
        "status": "CREATED",
        "details": [{"name": "capacityProviderName", "value": provider}, detail],
    }

"""Capacity providers (a row kind) and the regions row's capacity parts: the queues of tasks
waiting for an Auto Scaling group's capacity, Service Connect namespaces and alarm states (see
kinds.py for how a kind is declared)."""

from __future__ import annotations

import dataclasses
from typing import Any

from ..backend.constraints import parse_constraints
from ..backend.launch import LaunchSpec
from ..backend.providers import CapacityProvider
from ..backend.provisioning import Waiting
from ..backend.state import Region
from ..backend.strategies import Strategy
from .codec import field_type, from_json
from .fields import Api, Fields, Internal, Json, Kind, Loading, api_body, ident, no_extra, require
from .kinds_clusters import find_definition

# -- capacity providers ---------------------------------------------------------------------

CAPACITY_PROVIDER_FIELDS: Fields = {
    "name": Api("name"),
    "arn": Api("capacityProviderArn"),
    "asg": Api("autoScalingGroupProvider"),
    "tags": Api("tags"),
    "status": Api("status"),
    "update_status": Api("updateStatus", None),
    "update_status_reason": Api("updateStatusReason", None),
    "cluster": Internal(),
    "deleted_at": Internal(),
}


def _link_provider(
    loading: Loading, provider: CapacityProvider, body: Json, internal: Json
) -> None:
    region = loading.region
    require(
        provider.name not in region.capacity_providers
        and provider.arn == region.arns.capacity_provider(provider.name),
        f"capacity provider {provider.arn}: duplicate, or the ARN does not match its name",
    )
    region.capacity_providers[provider.name] = provider


CAPACITY_PROVIDERS = Kind(
    name="capacity-provider",
    model=CapacityProvider,
    fields=CAPACITY_PROVIDER_FIELDS,
    key=lambda provider: provider.name,
    find=lambda region, key: region.capacity_providers.get(key),
    every=lambda region: region.capacity_providers.items(),
    body=lambda region, provider: api_body(CAPACITY_PROVIDER_FIELDS, provider),
    extra=no_extra,
    derive=lambda region, key, body, internal: {},
    link=_link_provider,
    schema=(
        "DescribeCapacityProviders",
        lambda b, i: {"capacityProviders": [b], "failures": []},
    ),
)

# -- tasks waiting for capacity (in the regions row) ----------------------------------------

# LaunchSpec fields kept by reference: the cluster by name, the task definition by ARN.
_SPEC_REFERENCES = ("cluster", "definition")


def _spec_json(spec: LaunchSpec) -> Json:
    values = {
        f.name: getattr(spec, f.name)
        for f in dataclasses.fields(spec)
        if f.name not in _SPEC_REFERENCES
    }
    return {**values, "cluster": spec.cluster.name, "definition": spec.definition.arn}


def _waiting_json(entry: Waiting) -> Json:
    return {
        "task_id": entry.task_id,
        "provider": entry.provider,
        "spec": _spec_json(entry.spec),
        "constraints": [constraint.to_wire() for constraint in entry.constraints],
        "strategies": list(entry.strategies),  # all their fields (json_default)
    }


def waiting_json(region: Region) -> Json:
    return {
        cluster: [_waiting_json(entry) for entry in queue]
        for cluster, queue in region.waiting.items()
    }


def _spec(region: Region, value: Any, where: str) -> LaunchSpec:
    data = from_json(dict[str, Any], value, where)
    names = {f.name for f in dataclasses.fields(LaunchSpec)}
    require(set(data) == names, f"{where}: the launch's fields are not {sorted(names)}")
    cluster = region.clusters.get(from_json(str, data["cluster"], f"{where}.cluster"))
    require(cluster is not None, f"{where}: its cluster is missing")
    (definition_key,) = ident(data["definition"], "task-definition", region, where)
    definition = find_definition(region, definition_key)
    require(definition is not None, f"{where}: its task definition is missing")
    values = {
        name: from_json(field_type(LaunchSpec, name), data[name], f"{where}.{name}")
        for name in names - set(_SPEC_REFERENCES)
    }
    return LaunchSpec(cluster=cluster, definition=definition, **values)  # type: ignore[arg-type]


def restore_waiting(region: Region, value: Any, where: str) -> None:
    """After every row is in (the entries name clusters, tasks and task definitions)."""
    queues = from_json(dict[str, list[dict[str, Any]]], value, f"{where}.waiting")
    for cluster, queue in queues.items():
        entries = []
        for n, item in enumerate(queue):
            at = f"{where}.waiting.{cluster}[{n}]"
            require(
                set(item) == {"task_id", "provider", "spec", "constraints", "strategies"},
                f"{at}: not a waiting task",
            )
            task_id = from_json(str, item["task_id"], f"{at}.task_id")
            task = region.tasks.get(task_id)
            require(task is not None and task.cluster_name == cluster, f"{at}: no such task")
            wires = from_json(list[dict[str, str]], item["constraints"], f"{at}.constraints")
            strategies = from_json(list[Strategy], item["strategies"], f"{at}.strategies")
            spec = _spec(region, item["spec"], f"{at}.spec")
            require(spec.cluster.name == cluster, f"{at}: its launch is for another cluster")
            provider = from_json(str, item["provider"], f"{at}.provider")
            entries.append(Waiting(task_id, provider, spec, parse_constraints(wires), strategies))
        if entries:
            region.waiting[cluster] = entries

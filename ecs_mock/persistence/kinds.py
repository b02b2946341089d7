"""What the state file keeps of each resource kind: the one place to extend (with the kinds_*.py
modules beside it, one per group of resources).

A row holds one resource in the API's own shape (`body`: what Describe* returns for it, less the
members other rows determine, such as task counts and remaining resources) and, in `internal`,
what the API shape lacks. Every field of every persisted model is declared in its kind's
`fields` as one of:

- `Api("member")`: read back from that member of the body (`Api("member", None)` when the member
  is left out of the API shape while unset);
- `Internal()`: kept in the internal column under the field's name;
- `Derived("how")`: rebuilt by the kind's own code from the row, its key or other rows.

To add a field to a model, declare it in its kind's fields (tests fail until every field is
declared); an `Api` or `Internal` field needs nothing else. To add a resource kind (a new store
on Region), write a `Kind` (in a kinds_*.py module), list it in `KINDS` here (parents before
children) and name the store in `REGION_STORES`. Values are read back only as the types the
models declare (see codec.py).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from typing import Any

from ..backend import idempotency, lifecycle
from ..backend.idempotency import Remembered
from ..backend.state import Region
from .codec import from_json
from .fields import (
    Fields,
    Internal,
    Json,
    Kind,
    Loading,
    field_values,
    internal_values,
    no_extra,
    require,
)
from .kinds_capacity import CAPACITY_PROVIDERS, restore_waiting, waiting_json
from .kinds_clusters import (
    CLUSTERS,
    CONTAINER_INSTANCES,
    RESOURCES_HELD,
    RESOURCES_REGISTERED,
    TASK_DEFINITIONS,
)
from .kinds_daemons import DAEMON_TASK_DEFINITIONS, DAEMONS
from .kinds_gateways import EXPRESS_SERVICES, GATEWAY_ASSOCIATIONS, GATEWAYS
from .kinds_services import SERVICES
from .kinds_tasks import CONTAINER_FIELDS, TASKS

__all__ = [
    "CONTAINER_FIELDS",
    "KINDS",
    "KIND_NAMED",
    "KIND_OF_MODEL",
    "REGION_STORES",
    "RESOURCES_HELD",
    "RESOURCES_REGISTERED",
    "Kind",
    "Loading",
    "decode",
    "encode",
    "finish",
    "region_internal",
    "restore_region",
]

# -- clientToken answers (idempotency.py) ---------------------------------------------------

CLIENT_TOKEN_FIELDS: Fields = {
    "fingerprint": Internal(),
    "response": Internal(),
    "resource_ids": Internal(),
    "expires": Internal(),
}


def _token(key: str) -> tuple[str, str, str]:
    scope = json.loads(key)
    require(
        isinstance(scope, list) and len(scope) == 3 and all(isinstance(p, str) for p in scope),
        f"client token {key!r}: the key is not [operation, cluster, token]",
    )
    return (scope[0], scope[1], scope[2])


def _link_token(loading: Loading, remembered: Remembered, body: Json, internal: Json) -> None:
    loading.region.client_tokens[_token(loading.key)] = remembered


CLIENT_TOKENS = Kind(
    name=idempotency.KIND,
    model=Remembered,
    fields=CLIENT_TOKEN_FIELDS,
    key=idempotency.token_key,  # touched by Ref(KIND, (operation, cluster, token))
    find=lambda region, key: region.client_tokens.get(_token(key)),
    every=lambda region: ((idempotency.token_key(k), v) for k, v in region.client_tokens.items()),
    body=lambda region, remembered: {},  # no API shape of its own: the answer is internal
    extra=no_extra,
    derive=lambda region, key, body, internal: {},
    link=_link_token,
    schema=None,
)

# Parents before children: a task needs its cluster, instance and task definition loaded.
KINDS: tuple[Kind, ...] = (
    TASK_DEFINITIONS,
    CLUSTERS,
    CONTAINER_INSTANCES,
    TASKS,
    CLIENT_TOKENS,
    DAEMON_TASK_DEFINITIONS,
    DAEMONS,
    GATEWAYS,
    GATEWAY_ASSOCIATIONS,  # after the gateways and clusters it names
    EXPRESS_SERVICES,
    CAPACITY_PROVIDERS,
    SERVICES,  # after the clusters and task definitions they name
)
KIND_OF_MODEL: dict[type, Kind] = {kind.model: kind for kind in KINDS}
KIND_NAMED: dict[str, Kind] = {kind.name: kind for kind in KINDS}

# Every attribute of a Region, and where the state file keeps it (a test checks the list).
REGION_STORES: Mapping[str, str] = {
    "account_id": "the regions row's key",
    "region": "the regions row's key",
    "arns": "derived from the key",
    "ids": "the backend table (one generator for all regions)",
    "timings": "the running server's options, never the file",
    "clusters": CLUSTERS.name,
    "families": TASK_DEFINITIONS.name,
    "tasks": TASKS.name,
    "client_tokens": CLIENT_TOKENS.name,
    "daemon_families": DAEMON_TASK_DEFINITIONS.name,
    "daemons": DAEMONS.name,
    "gateways": GATEWAYS.name,
    "gateway_associations": GATEWAY_ASSOCIATIONS.name,
    "express_services": EXPRESS_SERVICES.name,
    "capacity_providers": CAPACITY_PROVIDERS.name,
    "waiting": "the regions row (waiting: each entry's launch, constraints and strategies)",
    "namespaces": "the regions row",
    "alarm_states": "the regions row",
    "task_index": "rebuilt from task rows (index_number) and cluster rows (last_task_number)",
    "subnet_zones": "the regions row",
    "capacity_unavailable": "the regions row",
    "_events": "task rows (queued_steps) and the regions row (queued_actions)",
    "_lane": "task rows (queued_steps) and the regions row (queued_actions)",
    "pending": "task rows (queued_steps) and the regions row (queued_actions)",
    "loose_targets": "the regions row (queued_actions)",
    "_seq": "rebuilt: after the largest queued sequence (only their order matters)",
    "changes": "not state: what the next commit writes",
    "plain_sizes": "not state: launch.py's per-definition sizes, worked out again when needed",
    "account_settings": "the regions row",
    "instance_event_versions": "the regions row",
    "moto_enis": "the regions row",
    # Mock decision: outcome rules and decisions, the ECS events and the awslogs lines are a
    # test's controls and observations, not AWS resources: a restarted server has none.
    "outcomes": "not kept (test controls)",
    "events": "not kept (observations)",
    "logs": "not kept (observations)",
}


def region_internal(region: Region) -> Json:
    actions = [
        [event.due, event.seq, event.target, event.action]
        for target in sorted(region.loose_targets)
        for event in region.pending.get(target, [])
    ]
    return {
        "subnet_zones": dict(region.subnet_zones),
        "capacity_unavailable": sorted(region.capacity_unavailable),
        "queued_actions": actions,
        "namespaces": dict(region.namespaces),
        "alarm_states": dict(region.alarm_states),
        "waiting": waiting_json(region),
        "account_settings": [
            [principal, name, value]
            for (principal, name), value in sorted(region.account_settings.items())
        ],
        "instance_event_versions": dict(region.instance_event_versions),
        "moto_enis": {task: list(ids) for task, ids in region.moto_enis.items()},
    }


def restore_region(loading: Loading, internal: Json) -> None:
    region = loading.region
    where = f"region {region.account_id}/{region.region}"
    zones = from_json(dict[str, str], internal.get("subnet_zones"), f"{where}.subnet_zones")
    region.subnet_zones.update(zones)
    unavailable = internal.get("capacity_unavailable")
    region.capacity_unavailable.update(from_json(list[str], unavailable, where))
    for step in from_json(list[list[Any]], internal.get("queued_actions"), where):
        require(
            len(step) == 4
            and type(step[1]) is int
            and all(isinstance(part, str) for part in step[2:]),
            f"{where}: a queued action is not [due, sequence, target, action]",
        )
        due = from_json(float, step[0], f"{where}.queued_actions")
        region.schedule(due, step[2], step[3], seq=step[1])
    region.namespaces.update(from_json(dict[str, str], internal.get("namespaces"), where))
    region.alarm_states.update(from_json(dict[str, str], internal.get("alarm_states"), where))
    settings = from_json(list[list[str]], internal.get("account_settings", []), where)
    for setting in settings:
        require(len(setting) == 3, f"{where}: an account setting is not [principal, name, value]")
        region.account_settings[(setting[0], setting[1])] = setting[2]
    versions = internal.get("instance_event_versions", {})
    region.instance_event_versions.update(from_json(dict[str, int], versions, where))
    enis = from_json(dict[str, list[str]], internal.get("moto_enis", {}), where)
    region.moto_enis.update(enis)
    loading.waiting = internal.get("waiting")  # restored once the rows it names are in


def finish(loading: Loading) -> None:
    """Once every row of a region is in: the ListTasks indexes, the live task counters and the
    tasks waiting for capacity."""
    region = loading.region
    where = f"region {region.account_id}/{region.region}"
    restore_waiting(region, loading.waiting, where)
    for cluster_name, numbered in loading.task_numbers.items():
        numbered.sort(key=lambda pair: pair[0])
        index = region.index_for(cluster_name)
        for number, task in numbered:
            require(number > index.last_number, f"task {task.arn}: its index_number repeats")
            index.add(task, number)
    for cluster_name, last in loading.last_numbers.items():
        region.index_for(cluster_name).resume_after(last)
    for task in region.tasks.values():
        cluster = region.clusters[task.cluster_name]
        instance = lifecycle.instance_of(region, task)
        for counts in (cluster.counts, *([instance.counts] if instance else [])):
            counts.moved(None, task.last_status)
            if task.last_status != "STOPPED":
                counts.joined(task.group)


def encode(kind: Kind, region: Region, obj: Any) -> tuple[Json, Json]:
    """(body, internal) of one live object."""
    internal = internal_values(kind.fields, obj)
    internal.update(kind.extra(region, obj))
    return kind.body(region, obj), internal


def decode(kind: Kind, loading: Loading, key: str, body: Json, internal: Json) -> None:
    """Rebuild one object from its row and put it into the region."""
    region = loading.region
    loading.key = key
    where = f"{kind.name} {key}"
    values = field_values(kind.model, kind.fields, body, internal, where)
    values.update(kind.derive(region, key, body, internal))
    declared = {f.name for f in dataclasses.fields(kind.model) if f.init}
    require(set(values) == declared, f"{where}: fields {sorted(declared - set(values))} unset")
    obj = kind.model(**values)
    kind.link(loading, obj, body, internal)

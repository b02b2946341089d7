"""EventBridge events ECS sends: "ECS Task State Change" and "ECS Container Instance State
Change", in the developer guide's documented shape (ecs_cwe_events).

Every task change (launched, a new lastStatus, asked to stop, a container exited) makes one task
event; registering, draining/activating, deregistering a container instance and its agent
connecting or disconnecting make an instance event. Each is kept by the region (the newest
`state.MAX_EVENTS`, readable with `mock.events()`) and, while moto's `mock_aws` is active and
moto has EventBridge loaded, put on moto's default event bus so its rules deliver it (to SQS, ...).
"""

from __future__ import annotations

import copy
import itertools
import uuid
from datetime import datetime, timezone
from typing import Any, NamedTuple

import orjson

# enis first: its listener puts moto's ENI into the task before the event shows the task
from . import enis as _enis  # noqa: F401
from . import instance_hooks, lifecycle, moto_bridge
from .models import TASK_TIMES, Cluster, ContainerInstance, Task
from .state import Region

_EVENT_ID_PREFIX = str(uuid.uuid4())[:24]
_event_numbers = itertools.count(1)
TASK_EVENT = "ECS Task State Change"
INSTANCE_EVENT = "ECS Container Instance State Change"
_TASK_TIMES = ("createdAt", *TASK_TIMES)


def iso(at: float, millis: bool = True) -> str:
    """ECS event timestamps: `2020-01-23T17:57:34.402Z` in detail, no millis in `time`."""
    moment = datetime.fromtimestamp(at, tz=timezone.utc)
    if not millis:
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


class Recorded(NamedTuple):
    """An event as kept: the resource's wire form at the change, finished into the event's
    shape only when read (ISO times, ids), so a change costs one snapshot and no formatting.
    The snapshot is kept as JSON text (`raw`): one object the garbage collector never looks at,
    where the wire form's nested dicts and lists were ten per task change."""

    detail_type: str
    resource: str
    raw: bytes | dict[str, Any]  # a dict only where orjson cannot write it (see `_kept`)
    at: float
    event_id: str


def _kept(raw: dict[str, Any]) -> bytes | dict[str, Any]:
    """A snapshot as kept: its JSON text, written now (so nothing that changes later shows), or,
    for what orjson refuses (a lone surrogate, an integer beyond 64 bits; the stdlib's request
    reader lets both in), a copy deep enough that the task's later changes do not reach it."""
    try:
        return orjson.dumps(raw)
    except orjson.JSONEncodeError:
        return copy.deepcopy(raw)


def _wire(kept: bytes | dict[str, Any]) -> dict[str, Any]:
    if isinstance(kept, bytes):
        found: dict[str, Any] = orjson.loads(kept)
        return found
    return copy.deepcopy(kept)


def task_snapshot(task: Task) -> dict[str, Any]:
    """The task as DescribeTasks shows it now (tags are not part of the event)."""
    raw = task.to_wire(include_tags=False)
    del raw["tags"]
    return raw


def task_detail(raw: dict[str, Any], at: float) -> dict[str, Any]:
    """The event's detail: the task with ISO timestamps and `updatedAt` (the documented
    sample)."""
    detail = dict(raw)
    for name in _TASK_TIMES:
        if name in detail:
            detail[name] = iso(detail[name])
    # The documented event names the ENI attachment type "eni" (DescribeTasks:
    # ElasticNetworkInterface).
    detail["attachments"] = [
        {**a, "type": "eni"} if a.get("type") == "ElasticNetworkInterface" else dict(a)
        for a in raw["attachments"]
    ]
    detail["updatedAt"] = iso(at)
    return detail


def instance_snapshot(instance: ContainerInstance, cluster_arn: str) -> dict[str, Any]:
    """The instance as DescribeContainerInstances shows it now, with `clusterArn`; tags and
    attachments are not part of the event."""
    raw = instance.to_wire(include_tags=False)
    for name in ("tags", "attachments"):
        raw.pop(name, None)
    raw["clusterArn"] = cluster_arn
    return raw


def instance_detail(raw: dict[str, Any], at: float) -> dict[str, Any]:
    detail = dict(raw)
    detail["registeredAt"] = iso(detail["registeredAt"])
    detail["updatedAt"] = iso(at)
    return detail


_FINISH = {TASK_EVENT: task_detail, INSTANCE_EVENT: instance_detail}


def event_of(region: Region, kept: Recorded) -> dict[str, Any]:
    """The EventBridge event, as ECS sends it."""
    return {
        "version": "0",
        "id": kept.event_id,
        "detail-type": kept.detail_type,
        "source": "aws.ecs",
        "account": region.account_id,
        "time": iso(kept.at, millis=False),
        "region": region.region,
        "resources": [kept.resource],
        "detail": _FINISH[kept.detail_type](_wire(kept.raw), kept.at),
    }


def emit(region: Region, detail_type: str, resource: str, raw: dict[str, Any], at: float) -> None:
    # Not region.ids: events must not shift the seeded ids and ARNs of everything else. A
    # random prefix per process and a counter: unique and UUID-shaped, without a uuid4 per event.
    number = next(_event_numbers) & 0xFFFFFFFFFFFF
    kept = Recorded(detail_type, resource, _kept(raw), at, f"{_EVENT_ID_PREFIX}{number:012x}")
    region.events.append(kept)  # a bounded deque: the oldest event drops off
    if moto_bridge.active():
        detail = _FINISH[detail_type](raw, at)
        moto_bridge.put_event(region.account_id, region.region, detail_type, [resource], detail, at)


def task_changed(region: Region, task: Task, at: float) -> None:
    emit(region, TASK_EVENT, task.arn, task_snapshot(task), at)


def instance_changed(region: Region, instance: ContainerInstance, at: float) -> None:
    cluster = region.clusters.get(instance.cluster)
    cluster_arn = cluster.arn if cluster is not None else region.arns.cluster(instance.cluster)
    emit(region, INSTANCE_EVENT, instance.arn, instance_snapshot(instance, cluster_arn), at)


def instances_changed(region: Region, cluster: Cluster, at: float) -> None:
    """`instance_hooks` says some instance of `cluster` changed: one event for each whose
    version moved since its last event (registered, status, attributes, agent connection)."""
    sent = region.instance_event_versions
    for instance in cluster.instances.values():
        if sent.get(instance.arn) != instance.version:
            sent[instance.arn] = instance.version
            region.touch(region)  # the state file keeps the versions in the region's row
            instance_changed(region, instance, at)


def recorded(
    region: Region, detail_type: str | None = None, resource: str | None = None
) -> list[dict[str, Any]]:
    return [
        event_of(region, kept)
        for kept in region.events
        if (detail_type is None or kept.detail_type == detail_type)
        and (resource is None or kept.resource == resource)
    ]


lifecycle.on_task_change(task_changed)
instance_hooks.on_instances_change(instances_changed)

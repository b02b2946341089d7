"""DescribeTasks, ListTasks, StopTask."""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from itertools import islice
from typing import Any

from .. import clock
from ..errors import EcsError, invalid_parameter
from . import lifecycle
from .lookup import find_cluster, find_instance, task_id_of
from .paging import decode, encode, page_size
from .service_lookup import held_by_express
from .state import Region, TaskIndex, contains

DEFAULT_STOP_REASON = "Task stopped by user"


def describe_tasks(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    cluster = find_cluster(region, params.get("cluster"))
    references = params["tasks"]
    if not references:
        raise invalid_parameter("Tasks cannot be empty.")
    if len(references) > 100:
        raise invalid_parameter("tasks can have at most 100 items.")
    include_tags = "TAGS" in params.get("include", [])
    found, failures = [], []
    for reference in references:
        task = cluster.tasks.get(task_id_of(region, cluster, reference))
        if task is None:
            arn = reference
            if not reference.startswith("arn:"):
                arn = region.arns.task(cluster.name, reference)
            failures.append({"arn": arn, "reason": "MISSING"})
        else:
            found.append(task.to_wire(include_tags))
    return {"tasks": found, "failures": failures}


def _pools(index: TaskIndex, params: dict[str, Any], desired: str) -> list[list[int]]:
    """The index pools every listed task must be in: one per filter, each already narrowed to
    the requested desiredStatus."""
    pools = [index.pool(("cluster", "", desired))]
    for name in ("startedBy", "family", "containerInstance", "launchType", "serviceName"):
        if name in params:
            pools.append(index.pool((name, params[name], desired)))
    return pools


def _matching(index: TaskIndex, params: dict[str, Any], after: int) -> Iterator[int]:
    """Task numbers after `after` that are in every pool, walking only the smallest pool by
    index (a slice would copy the rest of it: 333 us on a 100k pool, per page)."""
    desired = params.get("desiredStatus", "RUNNING")
    pools = _pools(index, params, desired)
    smallest = min(pools, key=len)
    others = [pool for pool in pools if pool is not smallest]
    for at in range(bisect.bisect_right(smallest, after), len(smallest)):
        number = smallest[at]
        if index.live(number, desired) and all(contains(pool, number) for pool in others):
            yield number


def list_tasks(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    cluster = find_cluster(region, params.get("cluster"))
    filters = dict(params)
    started_by = params.get("startedBy")
    if started_by is not None and len(started_by) > 36:
        raise invalid_parameter("ownerId longer than 36.")
    after = decode(params.get("nextToken"))
    size = page_size(params.get("maxResults"))
    if "containerInstance" in params:
        instance = find_instance(region, cluster, params["containerInstance"])
        filters["containerInstance"] = instance.instance_id if instance else ""
    if "serviceName" in params:
        # The service's tasks, of every deployment and task set (a name, as documented).
        name = params["serviceName"]
        # ServiceNotFoundException is in ListTasks' model; its use here is inferred.
        if name not in cluster.services:
            if not held_by_express(region, cluster.name, name, clock.now()):
                raise EcsError("ServiceNotFoundException", "Service not found.")
            # Mock decision: an Express service's tasks are not started yet (README): none.
            return {"taskArns": []}
    if (
        params.get("daemonName")
        # "PENDING doesn't return any results" (ECS API reference).
        or params.get("desiredStatus") == "PENDING"
    ):
        # No ECS daemon (the newer Daemon API) starts tasks in the mock: this matches nothing.
        return {"taskArns": []}
    index = region.index_for(cluster.name)
    numbers = list(islice(_matching(index, filters, after), size + 1))
    page = numbers[:size]
    result: dict[str, Any] = {"taskArns": [cluster.tasks[index.task_of[n]].arn for n in page]}
    if len(numbers) > size:
        result["nextToken"] = encode(page[-1])
    return result


def stop_task(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    cluster = find_cluster(region, params.get("cluster"))
    task = cluster.tasks.get(task_id_of(region, cluster, params["task"]))
    if task is None:
        raise invalid_parameter("The referenced task was not found.")
    reason = params.get("reason") or DEFAULT_STOP_REASON
    # Mock decision: stopping a task already asked to stop returns it unchanged (200).
    lifecycle.request_stop(region, task, clock.now(), "UserInitiated", reason)
    return {"task": task.to_wire()}

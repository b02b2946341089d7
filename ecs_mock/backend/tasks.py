"""DescribeTasks, ListTasks, StopTask."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .. import clock
from ..errors import invalid_parameter
from . import lifecycle
from .lookup import find_cluster, find_instance, task_id_of
from .paging import page
from .state import Region, TaskIndex

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


def _candidates(region: Region, index: TaskIndex, params: dict[str, Any]) -> Iterator[str]:
    """Task ids from the smallest index the filters allow, so cost follows the answer."""
    desired = params.get("desiredStatus", "RUNNING")
    pools: list[dict[str, None]] = []
    if desired == "PENDING":
        # "PENDING doesn't return any results" (ECS API reference).
        return iter(())
    pools.append(index.by_desired.get(desired, {}))
    if "startedBy" in params:
        pools.append(index.by_started_by.get(params["startedBy"], {}))
    if "family" in params:
        pools.append(index.by_family.get(params["family"], {}))
    if "containerInstance" in params:
        pools.append(index.by_instance.get(params["containerInstance"], {}))
    smallest = min(pools, key=len)
    others = [pool for pool in pools if pool is not smallest]
    return (task_id for task_id in smallest if all(task_id in pool for pool in others))


def list_tasks(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    cluster = find_cluster(region, params.get("cluster"))
    filters = dict(params)
    started_by = params.get("startedBy")
    if started_by is not None and len(started_by) > 36:
        raise invalid_parameter("ownerId longer than 36.")
    if "containerInstance" in params:
        instance = find_instance(region, cluster, params["containerInstance"])
        filters["containerInstance"] = instance.instance_id if instance else ""
    if params.get("serviceName") or params.get("daemonName"):
        # StartTask never creates service or daemon tasks, so these filters match nothing.
        return {"taskArns": []}
    if params.get("launchType", "EC2") != "EC2":
        return {"taskArns": []}
    index = region.index_for(cluster.name)
    arns = (cluster.tasks[task_id].arn for task_id in _candidates(region, index, filters))
    items, token = page(arns, params.get("nextToken"), params.get("maxResults"))
    result: dict[str, Any] = {"taskArns": items}
    if token:
        result["nextToken"] = token
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

"""Paths that once grew with everything stored: each measured at a small and a large size in
one run, so the ratio says whether the cost follows the answer (flat) or the history."""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from _workload import CLUSTER, FAMILY, client, ec2_ids, register_params

from ecs_mock import clock, mock_ecs
from ecs_mock.protocol import TARGET_PREFIX

INSTANCES = 100  # tasks are spread so that no instance holds more than a thousand
WANTED = "wanted"  # the startedBy of the 10 tasks ListTasks(startedBy) finds among the rest
# The calls the newcomer issue names ("with 100,000 tasks and 1,000 instances in a cluster"),
# each to cost within 1.5x of the same call with 1,000 tasks.
ISSUE_READS = ("describe_tasks", "list_started_by", "describe_clusters", "start_task")


@contextmanager
def _shifted_clock() -> Iterator[Callable[[float], None]]:
    """The mock's clock, movable forward (no sleeping)."""
    original, offset = clock.now, [0.0]
    clock.now = lambda: round(original() + offset[0], 3)
    try:
        yield lambda seconds: offset.__setitem__(0, offset[0] + seconds)
    finally:
        clock.now = original


def _call(mock: Any, operation: str, params: dict[str, Any]) -> dict[str, Any]:
    """Straight to the dispatcher: setting up 100k tasks through botocore would take minutes."""
    reply = mock.dispatcher.handle(
        TARGET_PREFIX + operation, json.dumps(params).encode(), "us-east-1", None
    )
    assert reply.status == 200, reply.body[:300]
    return json.loads(reply.body)  # type: ignore[no-any-return]


def _populate(mock: Any, tasks: int, count: int = INSTANCES) -> list[str]:
    """A cluster of `count` instances holding `tasks` tasks, ten per StartTask, spread."""
    _call(mock, "CreateCluster", {"clusterName": CLUSTER})
    instances = [
        _call(mock, "RegisterContainerInstance", register_params(ec2))["containerInstance"][
            "containerInstanceArn"
        ]
        for ec2 in ec2_ids(count)
    ]
    _call(
        mock,
        "RegisterTaskDefinition",
        {
            "family": FAMILY,
            "containerDefinitions": [{"name": "app", "image": "busybox", "cpu": 1, "memory": 8}],
        },
    )
    for first in range(0, tasks, 10):
        batch = instances[(first // 10 * 10) % count :][:10]
        _call(
            mock,
            "StartTask",
            {"cluster": CLUSTER, "taskDefinition": FAMILY, "containerInstances": batch},
        )
    return instances


def _cpu(fn: Callable[[], object]) -> float:
    start = time.process_time()
    fn()
    return time.process_time() - start


def list_tasks_walk(tasks: int) -> dict[str, float]:
    """CPU per ListTasks page (100 ARNs, through boto3) while paging through every task."""
    with mock_ecs(seed=11) as mock:
        _populate(mock, tasks)
        ecs = client()
        ecs.list_tasks(cluster=CLUSTER, maxResults=1)  # botocore's lazy first-call work
        pages = ecs.get_paginator("list_tasks").paginate(cluster=CLUSTER)
        counted = [0]

        def walk() -> None:
            for page in pages:
                counted[0] += 1
                assert len(page["taskArns"]) <= 100

        spent = _cpu(walk)
    return {"tasks": tasks, "pages": counted[0], "per_page": spent / counted[0]}


def expiry(small: int, large: int, pairs: int = 3) -> dict[str, Any]:
    """CPU of the one call that expires every stopped task an hour after it stopped, at `small`
    and at `large` tasks. Measured in interleaved pairs (each pair: the median of three fresh
    mocks at `small`, then one at `large`) and judged on the median of the pairs' per-task
    ratios, so a drift of the machine's speed during the run falls on both sides of a ratio (one
    unpaired run swung from 0.94x to 1.75x between runs, the 1k call alone by 2x)."""
    smalls: list[float] = []
    larges: list[float] = []
    growths: list[float] = []
    for _ in range(pairs):
        smalls.append(statistics.median(_expiry_once(small) for _ in range(3)))
        larges.append(_expiry_once(large))
        growths.append((larges[-1] / large) / (smalls[-1] / small))
    low, high = statistics.median(smalls), statistics.median(larges)
    return {
        "small": {"tasks": small, "seconds": low, "per_task": low / small},
        "large": {"tasks": large, "seconds": high, "per_task": high / large},
        "growth": statistics.median(growths),
    }


def _expiry_once(tasks: int) -> float:
    with _shifted_clock() as move, mock_ecs(seed=12) as mock:
        _populate(mock, tasks)
        mock.advance("STOPPED")
        move(3601)
        spent = _cpu(lambda: _call(mock, "ListTasks", {"cluster": CLUSTER}))
        assert mock._backend_region().clusters[CLUSTER].tasks == {}
    return spent


def list_attributes_walk(instances: int) -> dict[str, float]:
    """CPU of walking every attribute of `instances` instances through boto3's paginator."""
    with mock_ecs(seed=13) as mock:
        _call(mock, "CreateCluster", {"clusterName": CLUSTER})
        for ec2 in ec2_ids(instances):
            _call(mock, "RegisterContainerInstance", register_params(ec2))
        ecs = client()
        ecs.list_attributes(cluster=CLUSTER, targetType="container-instance", maxResults=1)
        found = [0]

        def walk() -> None:
            pages = ecs.get_paginator("list_attributes").paginate(
                cluster=CLUSTER, targetType="container-instance"
            )
            for page in pages:
                found[0] += len(page["attributes"])

        spent = _cpu(walk)
    return {"instances": instances, "attributes": found[0], "seconds": spent}


def dynamic_port_start(tasks: int) -> dict[str, float]:
    """CPU of starting one more task with a dynamic host port on an instance already running
    `tasks` such tasks (the start, and the call that brings it to RUNNING and binds its port)."""
    with mock_ecs(seed=14) as mock:
        _call(mock, "CreateCluster", {"clusterName": CLUSTER})
        (ec2,) = ec2_ids(1)
        registered = _call(mock, "RegisterContainerInstance", register_params(ec2))
        instance = registered["containerInstance"]["containerInstanceArn"]
        container = {"name": "web", "image": "nginx", "cpu": 1, "memory": 8}
        container["portMappings"] = [{"containerPort": 80, "hostPort": 0}]
        _call(
            mock,
            "RegisterTaskDefinition",
            {"family": FAMILY, "networkMode": "bridge", "containerDefinitions": [container]},
        )
        params = {"cluster": CLUSTER, "taskDefinition": FAMILY, "containerInstances": [instance]}
        for _ in range(tasks):
            _call(mock, "StartTask", params)
        _call(mock, "ListClusters", {})  # the started tasks reach RUNNING and bind their ports

        def start() -> None:
            _call(mock, "StartTask", params)
            _call(mock, "ListClusters", {})

        start()  # warm
        spent = min(_cpu(start) for _ in range(5))
    return {"tasks": tasks, "seconds": spent}


def reads_at_scale(tasks: int, count: int = INSTANCES) -> dict[str, float]:
    """CPU of calls whose answer does not grow with the tasks stored (median of 21 each), in a
    cluster of `count` instances: DescribeClusters, DescribeContainerInstances of one instance,
    UpdateContainerInstancesState of one instance, a re-registration of it, DescribeTasks of 10,
    ListTasks(startedBy) finding the 10 tasks of one starter among all, and a StartTask.
    Straight to the dispatcher, so botocore's share does not hide a cost that grows."""
    with mock_ecs(seed=15) as mock:
        instances = _populate(mock, tasks - 10, count)
        _call(
            mock,
            "StartTask",
            {
                "cluster": CLUSTER,
                "taskDefinition": FAMILY,
                "containerInstances": instances[:10],
                "startedBy": WANTED,
            },
        )
        _call(mock, "ListClusters", {})  # every task RUNNING: the counters are all there is
        one = instances[0]
        (ec2,) = ec2_ids(1)
        some = _call(mock, "ListTasks", {"cluster": CLUSTER, "maxResults": 10})["taskArns"]
        start = {"cluster": CLUSTER, "taskDefinition": FAMILY, "containerInstances": [one]}
        calls: dict[str, Callable[[], object]] = {
            "describe_clusters": lambda: _call(mock, "DescribeClusters", {"clusters": [CLUSTER]}),
            "describe_instance": lambda: _call(
                mock,
                "DescribeContainerInstances",
                {"cluster": CLUSTER, "containerInstances": [one]},
            ),
            "update_state": lambda: _call(
                mock,
                "UpdateContainerInstancesState",
                {"cluster": CLUSTER, "containerInstances": [one], "status": "ACTIVE"},
            ),
            "reregister": lambda: _call(mock, "RegisterContainerInstance", register_params(ec2)),
            "describe_tasks": lambda: _call(
                mock, "DescribeTasks", {"cluster": CLUSTER, "tasks": some}
            ),
            "list_started_by": lambda: _call(
                mock, "ListTasks", {"cluster": CLUSTER, "startedBy": WANTED}
            ),
            "start_task": lambda: _call(mock, "StartTask", start),
        }
        found = calls["list_started_by"]()["taskArns"]
        assert len(found) == 10, found
        out: dict[str, float] = {"tasks": tasks, "instances": count}
        for name, fn in calls.items():
            fn()
            out[name] = sorted(_cpu(fn) for _ in range(21))[10]
    return out


def measure(quick: bool) -> dict[str, Any]:
    small, large = 1_000, (10_000 if quick else 100_000)
    walk_small, walk_large = list_tasks_walk(small), list_tasks_walk(large)
    expire = expiry(small, large)
    attributes = list_attributes_walk(110 if quick else 1_100)
    ports_small, ports_large = (
        dynamic_port_start(100),
        dynamic_port_start(1_000 if quick else 10_000),
    )
    # The issue's cluster: 1,000 instances (the quick run's 10,000 tasks: 100).
    cluster = INSTANCES if quick else 1_000
    reads_small, reads_large = reads_at_scale(small, cluster), reads_at_scale(large, cluster)
    return {
        "reads": {"small": reads_small, "large": reads_large},
        "dynamic_port_start": {"small": ports_small, "large": ports_large},
        "list_tasks_page": {"small": walk_small, "large": walk_large},
        "expiry": expire,
        "list_attributes": attributes,
    }


def table(result: dict[str, Any]) -> str:
    walk, expire = result["list_tasks_page"], result["expiry"]
    attributes = result["list_attributes"]
    ports = result["dynamic_port_start"]
    reads = result["reads"]
    read_lines = [
        f"  {label} at {reads['small']['tasks']:,} / {reads['large']['tasks']:,} tasks:"
        f" {reads['small'][key] * 1e6:,.0f} / {reads['large'][key] * 1e6:,.0f} us"
        f" ({reads['large'][key] / reads['small'][key]:.2f}x)"
        for key, label in (
            ("describe_clusters", "DescribeClusters"),
            ("describe_instance", "DescribeContainerInstances(1)"),
            ("update_state", "UpdateContainerInstancesState(1)"),
            ("reregister", "re-registration of an instance"),
            ("describe_tasks", "DescribeTasks(10)"),
            ("list_started_by", "ListTasks(startedBy), 10 found"),
            ("start_task", "StartTask(1)"),
        )
    ]
    growth = walk["large"]["per_page"] / walk["small"]["per_page"]
    expire_growth = expire["growth"]
    return "\n".join(
        [
            "state-size paths (CPU time; small and large measured in this run; the reads in a"
            f" cluster of {reads['large']['instances']:,} instances, straight to the dispatcher)",
            f"  ListTasks page of 100, paging through all: {walk['small']['per_page'] * 1e6:,.0f}"
            f" us at {walk['small']['tasks']:,} tasks, {walk['large']['per_page'] * 1e6:,.0f} us"
            f" at {walk['large']['tasks']:,} ({growth:.2f}x)",
            f"  expiry of stopped tasks, one call: {expire['small']['seconds'] * 1e3:,.1f} ms for"
            f" {expire['small']['tasks']:,} ({expire['small']['per_task'] * 1e6:.1f} us/task),"
            f" {expire['large']['seconds'] * 1e3:,.1f} ms for {expire['large']['tasks']:,}"
            f" ({expire['large']['per_task'] * 1e6:.1f} us/task; per task {expire_growth:.2f}x,"
            " median of paired runs)",
            f"  StartTask of a dynamic-port task beside {ports['small']['tasks']:,} such tasks on"
            f" one instance: {ports['small']['seconds'] * 1e6:,.0f} us; beside"
            f" {ports['large']['tasks']:,}: {ports['large']['seconds'] * 1e6:,.0f} us"
            f" ({ports['large']['seconds'] / ports['small']['seconds']:.2f}x)",
            *read_lines,
            f"  ListAttributes, every page over {attributes['instances']:,} instances"
            f" ({attributes['attributes']:,} attributes): {attributes['seconds'] * 1e3:,.0f} ms",
        ]
    )

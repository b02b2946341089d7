"""Services: what describing them costs, and what the scheduler's work costs (ecs_mock only).

Two questions, each answered by a ratio (reported, never asserted):

* Does DescribeServices cost follow the services, not their tasks? Ten services of 100 tasks
  each against ten services of one task each.
* Does an ordinary request pay for the scheduler? DescribeClusters in a cluster running 1,000
  service tasks against the same call in one running none; and what one scheduler step costs
  when it has work: StopTask on a task of a 1,000-task service plus the next call (whose tick
  replaces the task), against StopTask on a standalone task plus the next call.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from _workload import CLUSTER, FAMILY, client, ec2_ids, fill, per_call, set_up

from ecs_mock import mock_ecs

NAMES = [f"svc{n}" for n in range(10)]


def _services(ecs: Any, count: int, each: int) -> list[str]:
    names = NAMES[:count]
    for name in names:
        ecs.create_service(
            cluster=CLUSTER, serviceName=name, taskDefinition=FAMILY, desiredCount=each
        )
    ecs.describe_services(cluster=CLUSTER, services=names)  # the first steps run here
    return names


def _describe(ecs: Any, names: list[str]) -> Any:
    return ecs.describe_services(cluster=CLUSTER, services=names)


def _stopper(ecs: Any, arns: list[str]) -> Iterator[None]:
    for arn in arns:
        ecs.stop_task(cluster=CLUSTER, task=arn)
        ecs.describe_clusters(clusters=[CLUSTER])
        yield


def measure(calls: int, repeat: int) -> dict[str, float]:
    out: dict[str, float] = {}
    with mock_ecs(seed=31):
        ecs = client()
        set_up(ecs, ec2_ids(10))
        names = _services(ecs, 10, 100)
        out["describe_10x100"] = per_call(
            lambda: _describe(ecs, names), max(10, calls // 4), repeat
        )
    with mock_ecs(seed=32):
        ecs = client()
        set_up(ecs, ec2_ids(10))
        names = _services(ecs, 10, 1)
        out["describe_10x1"] = per_call(lambda: _describe(ecs, names), max(10, calls // 4), repeat)
    out["describe_tasks_growth"] = out["describe_10x100"] / out["describe_10x1"]

    steps = min(150, max(10, calls // 4))  # victims: (steps x repeat + 1) of 1,000 tasks
    with mock_ecs(seed=33):
        ecs = client()
        set_up(ecs, ec2_ids(10))
        ecs.create_service(
            cluster=CLUSTER, serviceName="big", taskDefinition=FAMILY, desiredCount=1000
        )
        ecs.describe_clusters(clusters=[CLUSTER])
        out["ordinary_with_1000"] = per_call(
            lambda: ecs.describe_clusters(clusters=[CLUSTER]), calls, repeat
        )
        arns = ecs.get_paginator("list_tasks").paginate(cluster=CLUSTER, serviceName="big")
        victims = [arn for page in arns for arn in page["taskArns"]]
        stopping = _stopper(ecs, victims)
        out["step_1000"] = per_call(lambda: next(stopping), steps, repeat)
    with mock_ecs(seed=34):
        ecs = client()
        instances = set_up(ecs, ec2_ids(10))
        standalone = fill(ecs, instances, 1000)
        out["ordinary_without"] = per_call(
            lambda: ecs.describe_clusters(clusters=[CLUSTER]), calls, repeat
        )
        stopping = _stopper(ecs, standalone)
        out["stop_standalone"] = per_call(lambda: next(stopping), steps, repeat)
    out["ordinary_ratio"] = out["ordinary_with_1000"] / out["ordinary_without"]
    out["step_ratio"] = out["step_1000"] / out["stop_standalone"]
    return out

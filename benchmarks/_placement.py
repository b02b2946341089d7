"""RunTask's placement cost beside StartTask's, and how it grows with the cluster (ecs_mock only).

Both calls are timed in the same mock, alternating per repeat, so their ratio holds on a noisy
machine. Instances have room for far more tasks than the rows start (the benchmark task needs
1 CPU and 8 MiB), so every call places every task it asks for.
"""

from __future__ import annotations

import statistics
from typing import Any

from _workload import CLUSTER, FAMILY, client, ec2_ids, per_call, set_up, start_one

from ecs_mock import mock_ecs

STRATEGY = [
    {"type": "spread", "field": "attribute:ecs.availability-zone"},
    {"type": "binpack", "field": "memory"},
]


def _run(ecs: Any, count: int, strategy: list[dict[str, str]] | None = None) -> Any:
    params: dict[str, Any] = {"cluster": CLUSTER, "taskDefinition": FAMILY, "count": count}
    if strategy:
        params["placementStrategy"] = strategy
    return ecs.run_task(**params)


def measure(calls: int, repeat: int) -> dict[str, float]:
    out: dict[str, float] = {}
    ratios, run_one, start = [], [], []
    with mock_ecs(seed=11):
        ecs = client()
        instances = set_up(ecs, ec2_ids(100))
        for _ in range(repeat):
            start.append(per_call(lambda: start_one(ecs, instances[0]), calls, 1))
            run_one.append(per_call(lambda: _run(ecs, 1), calls, 1))
            ratios.append(run_one[-1] / start[-1])
        out["start_task"] = statistics.median(start)
        out["run_task_1_of_100"] = statistics.median(run_one)
        out["run_over_start"] = statistics.median(ratios)
        out["run_task_10_of_100"] = per_call(
            lambda: _run(ecs, 10, STRATEGY), max(10, calls // 10), repeat
        )
    with mock_ecs(seed=12):
        ecs = client()
        set_up(ecs, ec2_ids(1000))
        out["run_task_10_of_1000"] = per_call(
            lambda: _run(ecs, 10, STRATEGY), max(5, calls // 40), repeat
        )
    out["growth_100_to_1000"] = out["run_task_10_of_1000"] / out["run_task_10_of_100"]
    return out

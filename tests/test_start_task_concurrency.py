"""StartTask under threads: concurrent calls never oversubscribe an instance, and a refused
request reserves nothing."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
from botocore.exceptions import ClientError

from ecs_mock import EcsMock

THREADS = 8


def _client() -> Any:
    # A session per thread: boto3 sessions are not thread-safe, clients made from them are.
    return boto3.session.Session().client("ecs", region_name="us-east-1")


def _race(count: int, call: Callable[[Any, int], Any]) -> list[Any]:
    """Run `call(client, n)` on `count` threads released together."""
    clients = [_client() for _ in range(count)]
    barrier = threading.Barrier(count)

    def run(n: int) -> Any:
        barrier.wait()
        return call(clients[n], n)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


def _integers(client: Any, instance: str) -> dict[str, int]:
    (found,) = client.describe_container_instances(containerInstances=[instance])[
        "containerInstances"
    ]
    return {
        r["name"]: r["integerValue"] for r in found["remainingResources"] if r["type"] == "INTEGER"
    }


def _remaining(ecs_mock: EcsMock, instance: str) -> dict[str, int]:
    return _integers(boto3.client("ecs", region_name="us-east-1"), instance)


def test_eight_threads_race_for_room_for_exactly_four(ecs_mock: EcsMock) -> None:
    ecs_mock.register_task_definition(
        "job", containers=[{"name": "a", "image": "x", "cpu": 256, "memory": 512}]
    )
    instance = ecs_mock.add_container_instance("default", cpu=1024, memory=2048)

    def call(client: Any, n: int) -> Any:
        if n == THREADS:  # one extra thread reads the instance while the others start tasks
            return [_integers(client, instance) for _ in range(20)]
        return client.start_task(
            taskDefinition="job", containerInstances=[instance], startedBy=f"t{n}"
        )

    *results, seen = _race(THREADS + 1, call)

    placed = [t for r in results for t in r["tasks"]]
    failures = [f for r in results for f in r["failures"]]
    assert len(placed) == 4
    assert [f["reason"] for f in failures] == ["RESOURCE:CPU"] * 4
    assert {f["arn"] for f in failures} == {instance}
    assert _remaining(ecs_mock, instance) == {"CPU": 0, "MEMORY": 0}
    assert all(value >= 0 for snapshot in seen for value in snapshot.values())
    described = ecs_mock.call("DescribeContainerInstances", containerInstances=[instance])
    found = described["containerInstances"][0]
    assert found["runningTasksCount"] + found["pendingTasksCount"] == 4
    assert len(ecs_mock.call("ListTasks")["taskArns"]) == 4


def test_multi_instance_calls_race_without_oversubscribing(ecs_mock: EcsMock) -> None:
    ecs_mock.register_task_definition(
        "job", containers=[{"name": "a", "image": "x", "cpu": 512, "memory": 128}]
    )
    first = ecs_mock.add_container_instance("default", cpu=1024)
    second = ecs_mock.add_container_instance("default", cpu=1024)

    results = _race(
        THREADS,
        lambda client, n: client.start_task(
            taskDefinition="job", containerInstances=[first, second] if n % 2 else [second, first]
        ),
    )

    placed = [t["containerInstanceArn"] for r in results for t in r["tasks"]]
    assert sorted(placed) == sorted([first, first, second, second])
    assert _remaining(ecs_mock, first)["CPU"] == 0
    assert _remaining(ecs_mock, second)["CPU"] == 0


def test_refused_requests_racing_good_ones_reserve_nothing(ecs_mock: EcsMock) -> None:
    ecs_mock.register_task_definition(
        "job", containers=[{"name": "a", "image": "x", "cpu": 128, "memory": 128}]
    )
    instance = ecs_mock.add_container_instance("default", cpu=1024, memory=1024)

    def call(client: Any, n: int) -> Any:
        bad = n % 2 == 0
        try:
            return client.start_task(
                taskDefinition="job",
                containerInstances=[instance],
                overrides={"containerOverrides": [{"name": "ghost" if bad else "a"}]},
            )
        except ClientError as error:
            return error.response["Error"]["Code"]

    results = _race(THREADS, call)

    assert results.count("InvalidParameterException") == THREADS // 2
    placed = [r for r in results if isinstance(r, dict) and r["tasks"]]
    assert len(placed) == THREADS // 2
    assert _remaining(ecs_mock, instance) == {
        "CPU": 1024 - 128 * (THREADS // 2),
        "MEMORY": 1024 - 128 * (THREADS // 2),
    }

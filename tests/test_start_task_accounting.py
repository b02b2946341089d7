"""StartTask resource accounting: what a task takes from an instance, sequential placement
within one call, counters, and release when the task stops."""

from __future__ import annotations

from typing import Any

import pytest

from ecs_mock import EcsMock

NETWORK = {"awsvpcConfiguration": {"subnets": ["subnet-0123"]}}


def _remaining(ecs: Any, instance: str) -> dict[str, Any]:
    (found,) = ecs.describe_container_instances(containerInstances=[instance])["containerInstances"]
    values: dict[str, Any] = {}
    for resource in found["remainingResources"]:
        if resource["type"] == "INTEGER":
            values[resource["name"]] = resource["integerValue"]
        else:
            values[resource["name"]] = set(resource.get("stringSetValue", []))
    return values


def _instance(ecs: Any, instance: str) -> dict[str, Any]:
    (found,) = ecs.describe_container_instances(containerInstances=[instance])["containerInstances"]
    return dict(found)


@pytest.mark.parametrize(
    ("definition", "overrides", "cpu", "memory"),
    [
        # Container sums; memoryReservation counts before memory.
        (
            {
                "containers": [
                    {"name": "a", "image": "x", "cpu": 100, "memory": 300},
                    {"name": "b", "image": "x", "cpu": 50, "memory": 400, "memoryReservation": 200},
                    {"name": "c", "image": "x", "memoryReservation": 10},
                ]
            },
            None,
            150,
            510,
        ),
        # Task-level size wins over the containers'.
        (
            {
                "containers": [{"name": "a", "image": "x", "cpu": 100, "memory": 300}],
                "cpu": "512",
                "memory": "1024",
            },
            None,
            512,
            1024,
        ),
        # "1 vCPU" / "1 GB" are stored and charged as units.
        (
            {"containers": [{"name": "a", "image": "x"}], "cpu": "1 vCPU", "memory": "1 GB"},
            None,
            1024,
            1024,
        ),
        # Container overrides apply before accounting, memoryReservation included.
        (
            {"containers": [{"name": "a", "image": "x", "cpu": 100, "memory": 300}]},
            {"containerOverrides": [{"name": "a", "cpu": 300, "memoryReservation": 120}]},
            300,
            120,
        ),
        # Task-level overrides replace the definition's task size.
        (
            {
                "containers": [{"name": "a", "image": "x", "memory": 64}],
                "cpu": "256",
                "memory": "512",
            },
            {"cpu": "128", "memory": "2048"},
            128,
            2048,
        ),
    ],
    ids=["container-sums", "task-level", "units", "container-overrides", "task-overrides"],
)
def test_what_a_task_takes(
    ecs_mock: EcsMock,
    ecs: Any,
    definition: dict[str, Any],
    overrides: dict[str, Any] | None,
    cpu: int,
    memory: int,
) -> None:
    ecs_mock.register_task_definition("t", **definition)
    instance = ecs_mock.add_container_instance("default", cpu=4096, memory=8192)
    extra = {"overrides": overrides} if overrides else {}

    result = ecs.start_task(taskDefinition="t", containerInstances=[instance], **extra)

    assert result["failures"] == []
    remaining = _remaining(ecs, instance)
    assert (remaining["CPU"], remaining["MEMORY"]) == (4096 - cpu, 8192 - memory)


def test_sequential_within_one_call(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.register_task_definition(
        "t", containers=[{"name": "a", "image": "x", "cpu": 10, "memory": 400}]
    )
    instance = ecs_mock.add_container_instance("default", cpu=1024, memory=1000)

    result = ecs.start_task(taskDefinition="t", containerInstances=[instance] * 3)

    assert len(result["tasks"]) == 2
    assert result["failures"] == [{"arn": instance, "reason": "RESOURCE:MEMORY"}]
    assert _remaining(ecs, instance)["MEMORY"] == 200


def test_static_ports_are_reserved_dynamic_ones_are_not(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.register_task_definition(
        "t",
        containers=[
            {
                "name": "a",
                "image": "x",
                "memory": 64,
                "portMappings": [
                    {"containerPort": 80, "hostPort": 8080},
                    {"containerPort": 53, "hostPort": 5353, "protocol": "udp"},
                    {"containerPort": 9000},
                    {"containerPort": 9001, "hostPort": 0},
                ],
            }
        ],
    )
    instance = ecs_mock.add_container_instance("default")
    registered = _remaining(ecs, instance)

    first = ecs.start_task(taskDefinition="t", containerInstances=[instance, instance])

    remaining = _remaining(ecs, instance)
    assert remaining["PORTS"] == registered["PORTS"] | {"8080"}
    assert remaining["PORTS_UDP"] == registered["PORTS_UDP"] | {"5353"}
    assert len(first["tasks"]) == 1
    assert first["failures"] == [{"arn": instance, "reason": "RESOURCE:PORTS"}]


def test_host_mode_reserves_the_container_port(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.register_task_definition(
        "t",
        networkMode="host",
        containers=[
            {"name": "a", "image": "x", "memory": 64, "portMappings": [{"containerPort": 7000}]}
        ],
    )
    instance = ecs_mock.add_container_instance("default")
    ecs.start_task(taskDefinition="t", containerInstances=[instance])
    assert "7000" in _remaining(ecs, instance)["PORTS"]


def test_awsvpc_reserves_no_host_port_but_an_eni_slot(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.register_task_definition(
        "t",
        networkMode="awsvpc",
        containers=[
            {"name": "a", "image": "x", "memory": 64, "portMappings": [{"containerPort": 80}]}
        ],
    )
    instance = ecs_mock.add_container_instance("default", eni_slots=3)
    registered = _remaining(ecs, instance)

    result = ecs.start_task(
        taskDefinition="t", containerInstances=[instance] * 4, networkConfiguration=NETWORK
    )

    assert len(result["tasks"]) == 3  # all on port 80: the ports live on each task's ENI
    assert [f["reason"] for f in result["failures"]] == ["RESOURCE:ENI"]
    assert _remaining(ecs, instance)["PORTS"] == registered["PORTS"]


def test_agent_reserved_ports_cannot_be_taken(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.register_task_definition(
        "t",
        containers=[
            {
                "name": "a",
                "image": "x",
                "memory": 64,
                "portMappings": [{"containerPort": 80, "hostPort": 51678}],
            }
        ],
    )
    instance = ecs_mock.add_container_instance("default")
    result = ecs.start_task(taskDefinition="t", containerInstances=[instance])
    assert result["failures"] == [{"arn": instance, "reason": "RESOURCE:PORTS"}]


def test_at_most_100_reserved_ports_per_instance(ecs_mock: EcsMock, ecs: Any) -> None:
    def ports(first: int, count: int) -> list[dict[str, int]]:
        return [{"containerPort": p, "hostPort": p} for p in range(first, first + count)]

    container = {"name": "a", "image": "x", "memory": 1}
    ecs_mock.register_task_definition(
        "fill", containers=[{**container, "portMappings": ports(1000, 95)}]
    )
    ecs_mock.register_task_definition(
        "one", containers=[{**container, "portMappings": ports(3000, 1)}]
    )
    instance = ecs_mock.add_container_instance("default")  # 5 agent ports reserved

    assert ecs.start_task(taskDefinition="fill", containerInstances=[instance])["tasks"]
    assert len(_remaining(ecs, instance)["PORTS"]) == 100
    result = ecs.start_task(taskDefinition="one", containerInstances=[instance])
    assert result["failures"] == [{"arn": instance, "reason": "RESOURCE:PORTS"}]


def test_gpus_are_counted_and_handed_to_containers(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.register_task_definition(
        "t",
        containers=[
            {
                "name": "a",
                "image": "x",
                "memory": 64,
                "resourceRequirements": [{"type": "GPU", "value": "2"}],
            },
            {
                "name": "b",
                "image": "x",
                "memory": 64,
                "resourceRequirements": [{"type": "GPU", "value": "1"}],
            },
            {"name": "c", "image": "x", "memory": 64},
        ],
    )
    instance = ecs_mock.add_container_instance("default", gpus=4)

    result = ecs.start_task(taskDefinition="t", containerInstances=[instance, instance])

    (task,) = result["tasks"]
    given = [c.get("gpuIds", []) for c in task["containers"]]
    assert [len(ids) for ids in given] == [2, 1, 0]
    assert result["failures"] == [{"arn": instance, "reason": "RESOURCE:GPU"}]
    left = _remaining(ecs, instance)["GPU"]
    assert len(left) == 1
    assert left.isdisjoint(given[0] + given[1])


def test_gpu_override_changes_the_demand(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.register_task_definition("t", containers=[{"name": "a", "image": "x", "memory": 64}])
    instance = ecs_mock.add_container_instance("default", gpus=1)
    overrides = {
        "containerOverrides": [
            {"name": "a", "resourceRequirements": [{"type": "GPU", "value": "2"}]}
        ]
    }
    result = ecs.start_task(taskDefinition="t", containerInstances=[instance], overrides=overrides)
    assert result["failures"] == [{"arn": instance, "reason": "RESOURCE:GPU"}]


@pytest.mark.ecs_mock(pending_seconds=60)
def test_counters_follow_the_tasks(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.register_task_definition("t")
    instance = ecs_mock.add_container_instance("default", cpu=1024, memory=1024)
    registered = _remaining(ecs, instance)

    started = ecs.start_task(taskDefinition="t", containerInstances=[instance] * 3)["tasks"]

    found = _instance(ecs, instance)
    cluster = ecs.describe_clusters()["clusters"][0]
    assert (found["pendingTasksCount"], found["runningTasksCount"]) == (3, 0)
    assert (cluster["pendingTasksCount"], cluster["runningTasksCount"]) == (3, 0)

    ecs_mock.advance("RUNNING")
    found = _instance(ecs, instance)
    cluster = ecs.describe_clusters()["clusters"][0]
    assert (found["pendingTasksCount"], found["runningTasksCount"]) == (0, 3)
    assert (cluster["pendingTasksCount"], cluster["runningTasksCount"]) == (0, 3)

    for task in started:
        ecs.stop_task(task=task["taskArn"])
    ecs_mock.advance("STOPPED")
    found = _instance(ecs, instance)
    assert (found["pendingTasksCount"], found["runningTasksCount"]) == (0, 0)
    assert _remaining(ecs, instance) == registered


def test_a_stopped_task_frees_its_port_for_the_next(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.register_task_definition(
        "t",
        containers=[
            {
                "name": "a",
                "image": "x",
                "memory": 64,
                "portMappings": [{"containerPort": 80, "hostPort": 80}],
            }
        ],
    )
    instance = ecs_mock.add_container_instance("default")
    (task,) = ecs.start_task(taskDefinition="t", containerInstances=[instance])["tasks"]
    assert ecs.start_task(taskDefinition="t", containerInstances=[instance])["failures"]

    ecs.stop_task(task=task["taskArn"])
    ecs_mock.advance("STOPPED")

    assert ecs.start_task(taskDefinition="t", containerInstances=[instance])["failures"] == []

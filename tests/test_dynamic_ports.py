"""Dynamic host ports (bridge mappings without a hostPort): an instance has 16,383 of them per
protocol (49153-65535). Placement counts them, so StartTask fails with RESOURCE:PORTS (or
RESOURCE:PORTS_UDP) when a task's dynamic mappings cannot all get one, instead of the task being
placed and the lifecycle searching forever for a free port under the backend lock."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from ecs_mock import EcsMock

DYNAMIC = range(49153, 65536)
MAX_MAPPINGS = 100  # per container (a Mock decision)
MAX_CONTAINERS = 10  # per task definition (ECS's quota)


def _definition(
    ecs_mock: EcsMock, family: str, mappings: int, protocol: str = "tcp", port: int = 0
) -> str:
    """A task definition with `mappings` dynamic mappings spread over up to 10 containers."""
    containers = []
    left = mappings
    for index in range(MAX_CONTAINERS):
        count = min(left, MAX_MAPPINGS)
        left -= count
        ports = [
            {"containerPort": 1000 + n, "hostPort": port, "protocol": protocol}
            for n in range(count)
        ]
        containers.append({"name": f"c{index}", "image": "x", "memory": 1, "portMappings": ports})
        if not left:
            break
    assert not left
    return ecs_mock.register_task_definition(family, containers=containers)


def _bound(ecs: Any, tasks: list[str]) -> list[tuple[int, str]]:
    bound = []
    for start in range(0, len(tasks), 100):
        for task in ecs.describe_tasks(tasks=tasks[start : start + 100])["tasks"]:
            assert task["lastStatus"] == "RUNNING"
            for container in task["containers"]:
                bound += [
                    (b["hostPort"], b["protocol"]) for b in container.get("networkBindings", [])
                ]
    return bound


@pytest.mark.parametrize(("protocol", "reason"), [("tcp", "PORTS"), ("udp", "PORTS_UDP")])
def test_a_task_needing_more_dynamic_ports_than_are_free_is_not_placed(
    ecs_mock: EcsMock, ecs: Any, protocol: str, reason: str
) -> None:
    # The agent's own ports 51678 and 51679 are in the range, reserved for TCP.
    reserved = {51678, 51679} if protocol == "tcp" else set()
    full = _definition(ecs_mock, "full", 1000, protocol)
    rest = _definition(ecs_mock, "rest", len(DYNAMIC) - 16 * 1000 - len(reserved), protocol)
    one = _definition(ecs_mock, "one", 1, protocol)
    instance = ecs_mock.add_container_instance("default", memory=10_000)

    tasks = []
    for _ in range(16):
        started = ecs.start_task(taskDefinition=full, containerInstances=[instance])
        assert started["failures"] == []
        tasks.append(started["tasks"][0]["taskArn"])
    started = ecs.start_task(taskDefinition=rest, containerInstances=[instance])
    assert started["failures"] == []  # exactly the ports left
    tasks.append(started["tasks"][0]["taskArn"])

    refused = ecs.start_task(taskDefinition=one, containerInstances=[instance])
    assert refused["tasks"] == []
    assert refused["failures"] == [{"arn": instance, "reason": f"RESOURCE:{reason}"}]

    # Every placed task reached RUNNING with ports of its own: the whole range, once each.
    bound = _bound(ecs, tasks)
    assert len(bound) == len(set(bound)) == len(DYNAMIC) - len(reserved)
    assert {port for port, _ in bound} == set(DYNAMIC) - reserved

    # A stopped task gives its ports back.
    ecs.stop_task(task=tasks[0])
    again = ecs.start_task(taskDefinition=one, containerInstances=[instance])
    assert again["failures"] == []


def test_static_ports_in_the_dynamic_range_count_against_it(ecs_mock: EcsMock, ecs: Any) -> None:
    static = list(range(49153, 49153 + 90))  # (no agent ports: replaced)
    instance = ecs_mock.add_container_instance("default", memory=10_000, ports=static)
    full = _definition(ecs_mock, "full", 1000)
    rest = _definition(ecs_mock, "rest", len(DYNAMIC) - 16 * 1000 - 90)  # 293
    for _ in range(16):
        assert ecs.start_task(taskDefinition=full, containerInstances=[instance])["tasks"]
    assert ecs.start_task(taskDefinition=rest, containerInstances=[instance])["tasks"]
    one = _definition(ecs_mock, "one", 1)
    refused = ecs.start_task(taskDefinition=one, containerInstances=[instance])
    assert refused["failures"] == [{"arn": instance, "reason": "RESOURCE:PORTS"}]


def test_a_static_port_a_container_got_dynamically_is_taken(ecs_mock: EcsMock, ecs: Any) -> None:
    instance = ecs_mock.add_container_instance("default")
    dynamic = _definition(ecs_mock, "dynamic", 1)
    task = ecs.start_task(taskDefinition=dynamic, containerInstances=[instance])["tasks"][0]
    (port, _), *_ = _bound(ecs, [task["taskArn"]])
    static = _definition(ecs_mock, "static", 1, port=port)

    clash = ecs.start_task(taskDefinition=static, containerInstances=[instance])
    assert clash["failures"] == [{"arn": instance, "reason": "RESOURCE:PORTS"}]
    # On another instance the same port is free.
    other = ecs_mock.add_container_instance("default")
    assert ecs.start_task(taskDefinition=static, containerInstances=[other])["failures"] == []


def test_ports_bound_by_an_exited_container_stay_taken_until_the_task_stops(
    ecs_mock: EcsMock, ecs: Any
) -> None:
    instance = ecs_mock.add_container_instance("default")
    definition = ecs_mock.register_task_definition(
        "pair",
        containers=[
            {"name": "main", "image": "x", "memory": 8},
            {
                "name": "side",
                "image": "x",
                "memory": 8,
                "essential": False,
                "portMappings": [{"containerPort": 80}],
            },
        ],
    )
    task = ecs.start_task(taskDefinition=definition, containerInstances=[instance])["tasks"][0]
    (port, _), *_ = _bound(ecs, [task["taskArn"]])
    ecs_mock.exit_container(task["taskArn"], "side", exit_code=1)
    static = _definition(ecs_mock, "static", 1, port=port)
    clash = ecs.start_task(taskDefinition=static, containerInstances=[instance])
    assert clash["failures"] == [{"arn": instance, "reason": "RESOURCE:PORTS"}]
    ecs.stop_task(task=task["taskArn"])
    assert ecs.start_task(taskDefinition=static, containerInstances=[instance])["tasks"]


def test_registration_bounds_port_mappings_and_containers(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.create_cluster("default")
    mappings = [{"containerPort": 1000 + n} for n in range(MAX_MAPPINGS + 1)]
    with pytest.raises(ClientError) as raised:
        ecs.register_task_definition(
            family="many",
            containerDefinitions=[
                {"name": "c", "image": "x", "memory": 8, "portMappings": mappings}
            ],
        )
    assert raised.value.response["Error"]["Code"] == "ClientException"
    assert "at most 100" in raised.value.response["Error"]["Message"]

    containers = [{"name": f"c{n}", "image": "x", "memory": 8} for n in range(11)]
    with pytest.raises(ClientError) as raised:
        ecs.register_task_definition(family="many", containerDefinitions=containers)
    assert raised.value.response["Error"]["Message"] == "Too many containers."
    assert ecs.list_task_definitions()["taskDefinitionArns"] == []


def test_one_task_cannot_map_a_static_host_port_twice(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.create_cluster("default")
    containers = [
        {
            "name": "a",
            "image": "x",
            "memory": 8,
            "portMappings": [{"containerPort": 80, "hostPort": 8080}],
        },
        {
            "name": "b",
            "image": "x",
            "memory": 8,
            "portMappings": [{"containerPort": 81, "hostPort": 8080}],
        },
    ]
    with pytest.raises(ClientError) as raised:
        ecs.register_task_definition(family="twice", containerDefinitions=containers)
    assert raised.value.response["Error"]["Code"] == "ClientException"
    # The same number for TCP and UDP is two ports.
    containers[1]["portMappings"][0]["protocol"] = "udp"  # type: ignore[index]
    assert ecs.register_task_definition(family="twice", containerDefinitions=containers)


def test_free_port_finds_the_one_free_port_and_ends_when_there_is_none() -> None:
    from ecs_mock.backend.resources import free_port

    draws = iter(range(49153, 65536))

    def draw() -> int:
        return next(draws)

    taken = {(port, "tcp") for port in DYNAMIC if port != 60000}
    assert free_port(draw, "tcp", taken) == 60000
    assert free_port(draw, "udp", taken) in DYNAMIC  # the other protocol is free
    taken.add((60000, "tcp"))
    # Nothing free: the search ends (one lap) instead of spinning under the backend lock.
    assert free_port(lambda: 50000, "tcp", taken) == 50000


def test_free_dynamic_counts_static_ports_in_the_range_and_promised_ones() -> None:
    from ecs_mock.backend.resources import Demand, Resources

    resources = Resources(cpu=1024, memory=1024, tcp_reserved=("22", "51678"))
    assert resources.free_dynamic("tcp") == len(DYNAMIC) - 1  # 51678 is in the range
    assert resources.free_dynamic("udp") == len(DYNAMIC)
    holding = resources.reserve(Demand(tcp_ports=frozenset({50000}), dynamic_tcp=10))
    assert resources.free_dynamic("tcp") == len(DYNAMIC) - 12
    resources.release(holding)
    assert resources.free_dynamic("tcp") == len(DYNAMIC) - 1
    too_many = Demand(dynamic_udp=len(DYNAMIC) + 1)
    assert resources.shortfall(too_many) == "RESOURCE:PORTS_UDP"

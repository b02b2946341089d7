"""RegisterContainerInstance's totals: malformed values are refused whole (nothing registered,
nothing re-registered), devices and ports are never listed twice, and re-registering an instance
never leaves its tasks holding more than it has (remaining = registered - held, never negative).
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from ecs_mock import EcsMock


def _ports(name: str, ports: list[str]) -> dict[str, Any]:
    return {"name": name, "type": "STRINGSET", "stringSetValue": ports}


def _integer(name: str, value: int) -> dict[str, Any]:
    return {"name": name, "type": "INTEGER", "integerValue": value}


def _totals(resources: list[dict[str, Any]]) -> dict[str, Any]:
    """name -> value, with port lists as lists (duplicates would show)."""
    return {
        r["name"]: r["stringSetValue"] if r["type"] == "STRINGSET" else r["integerValue"]
        for r in resources
    }


def _describe(ecs: Any, arn: str) -> dict[str, Any]:
    found: dict[str, Any] = ecs.describe_container_instances(containerInstances=[arn])[
        "containerInstances"
    ][0]
    return found


def _refused(ecs: Any, code: str, **params: Any) -> str:
    with pytest.raises(ClientError) as raised:
        ecs.register_container_instance(cluster="default", **params)
    assert raised.value.response["Error"]["Code"] == code, raised.value.response
    message: str = raised.value.response["Error"]["Message"]
    return message


BAD_RESOURCES = {
    "port-abc": [_ports("PORTS", ["22", "abc"])],
    "port-superscript": [_ports("PORTS", ["²"])],
    "port-arabic-indic-digits": [_ports("PORTS", ["٨٠"])],
    "port-zero": [_ports("PORTS", ["0"])],
    "port-negative": [_ports("PORTS_UDP", ["-53"])],
    "port-too-big": [_ports("PORTS", ["65536"])],
    "port-4301-digits": [_ports("PORTS", ["9" * 4301])],
    "port-with-space": [_ports("PORTS", [" 80"])],
    "port-twice": [_ports("PORTS", ["22", "8080", "8080"])],
    "port-twice-spelled-differently": [_ports("PORTS_UDP", ["53", "053"])],
    "over-100-reserved": [
        _ports("PORTS", [str(p) for p in range(1000, 1060)]),
        _ports("PORTS_UDP", [str(p) for p in range(1000, 1041)]),
    ],
    "gpu-resource-twice": [_ports("GPU", ["gpu-0", "gpu-0"])],
    "cpu-without-integer": [{"name": "CPU", "type": "DOUBLE", "doubleValue": 2048.0}],
    "ports-without-values": [{"name": "PORTS", "type": "STRINGSET"}],
    "cpu-listed-twice": [_integer("CPU", 1024), _integer("CPU", 4096)],
    "no-name": [{"type": "INTEGER", "integerValue": 1}],
}


@pytest.mark.parametrize("resources", BAD_RESOURCES.values(), ids=BAD_RESOURCES.keys())
def test_malformed_totals_are_refused_and_register_nothing(
    ecs_mock: EcsMock, ecs: Any, resources: list[dict[str, Any]]
) -> None:
    ecs_mock.create_cluster("default")
    _refused(ecs, "InvalidParameterException", totalResources=resources)
    assert ecs.list_container_instances()["containerInstanceArns"] == []
    # ...and nothing was left behind that breaks the next request.
    assert ecs.describe_clusters()["clusters"][0]["registeredContainerInstancesCount"] == 0


def test_a_malformed_re_registration_changes_nothing(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.register_task_definition(
        "web",
        containers=[
            {"name": "w", "image": "x", "memory": 64, "portMappings": [{"containerPort": 80}]}
        ],
    )
    arn = ecs_mock.add_container_instance("default", cpu=1024, memory=1024)
    task = ecs.start_task(taskDefinition="web", containerInstances=[arn])["tasks"][0]["taskArn"]
    before = _describe(ecs, arn)

    _refused(
        ecs,
        "InvalidParameterException",
        containerInstanceArn=arn,
        totalResources=[_ports("PORTS", ["22", "abc"])],
    )

    assert _describe(ecs, arn) == before
    # The task still reaches RUNNING and binds a port: the lifecycle is not wedged.
    described = ecs.describe_tasks(tasks=[task])["tasks"][0]
    assert described["lastStatus"] == "RUNNING"
    assert described["containers"][0]["networkBindings"][0]["hostPort"] >= 49153


def test_reserved_ports_are_stored_plainly(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.create_cluster("default")
    instance = ecs.register_container_instance(totalResources=[_ports("PORTS", ["22", "0080"])])[
        "containerInstance"
    ]
    assert _totals(instance["registeredResources"])["PORTS"] == ["22", "80"]


def test_duplicate_gpu_devices_are_refused(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.create_cluster("default")
    devices = [{"id": "gpu-0", "type": "GPU"}, {"id": "gpu-0", "type": "GPU"}]
    message = _refused(ecs, "InvalidParameterException", platformDevices=devices)
    assert "more than once" in message
    assert ecs.list_container_instances()["containerInstanceArns"] == []


def test_gpu_resource_and_devices_must_agree(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.create_cluster("default")
    devices = [{"id": "gpu-0", "type": "GPU"}]
    _refused(
        ecs,
        "InvalidParameterException",
        platformDevices=devices,
        totalResources=[_ports("GPU", ["gpu-1"])],
    )
    same = ecs.register_container_instance(
        platformDevices=devices, totalResources=[_ports("GPU", ["gpu-0"])]
    )["containerInstance"]
    assert _totals(same["registeredResources"])["GPU"] == ["gpu-0"]


def test_two_tasks_never_share_one_gpu(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.register_task_definition(
        "gpu",
        containers=[
            {
                "name": "g",
                "image": "x",
                "memory": 64,
                "resourceRequirements": [{"type": "GPU", "value": "1"}],
            }
        ],
    )
    arn = ecs_mock.add_container_instance("default", gpus=2)
    first = ecs.start_task(taskDefinition="gpu", containerInstances=[arn, arn])
    assert first["failures"] == []
    ids = [task["containers"][0]["gpuIds"] for task in first["tasks"]]
    assert sorted(ids) == [["gpu-0"], ["gpu-1"]]
    third = ecs.start_task(taskDefinition="gpu", containerInstances=[arn])
    assert third["failures"] == [{"arn": arn, "reason": "RESOURCE:GPU"}]


# -- re-registration below what tasks hold --------------------------------------------------


@pytest.fixture
def busy(ecs_mock: EcsMock, ecs: Any) -> str:
    """An instance (2048 CPU, 2048 MiB, 2 GPUs) running one task that holds 1024 CPU, 1024 MiB,
    GPU gpu-0, TCP 8080 and UDP 5353."""
    ecs_mock.register_task_definition(
        "busy",
        containers=[
            {
                "name": "b",
                "image": "x",
                "cpu": 1024,
                "memory": 1024,
                "portMappings": [
                    {"containerPort": 80, "hostPort": 8080},
                    {"containerPort": 53, "hostPort": 5353, "protocol": "udp"},
                ],
                "resourceRequirements": [{"type": "GPU", "value": "1"}],
            }
        ],
    )
    arn = ecs_mock.add_container_instance("default", cpu=2048, memory=2048, gpus=2)
    assert ecs.start_task(taskDefinition="busy", containerInstances=[arn])["failures"] == []
    return arn


SHORT = {
    "cpu": {"totalResources": [_integer("CPU", 512)]},
    "memory": {"totalResources": [_integer("MEMORY", 1000)]},
    "gpu-in-use": {"platformDevices": [{"id": "gpu-1", "type": "GPU"}]},
    "tcp-port-held": {"totalResources": [_ports("PORTS", ["22", "8080"])]},
    "udp-port-held": {"totalResources": [_ports("PORTS_UDP", ["5353"])]},
}


@pytest.mark.parametrize("change", SHORT.values(), ids=SHORT.keys())
def test_re_registering_below_what_tasks_hold_is_refused(
    ecs: Any, busy: str, change: dict[str, Any]
) -> None:
    before = _describe(ecs, busy)
    base = {"platformDevices": [{"id": f"gpu-{n}", "type": "GPU"} for n in range(2)]}
    message = _refused(ecs, "ClientException", containerInstanceArn=busy, **{**base, **change})
    assert "cannot be re-registered" in message
    assert _describe(ecs, busy) == before


def test_re_registering_with_totals_that_cover_the_holdings_applies(ecs: Any, busy: str) -> None:
    again = ecs.register_container_instance(
        containerInstanceArn=busy,
        totalResources=[_integer("CPU", 1024), _integer("MEMORY", 1024)],
        platformDevices=[{"id": "gpu-0", "type": "GPU"}],
    )["containerInstance"]
    registered = _totals(again["registeredResources"])
    remaining = _totals(again["remainingResources"])
    assert (registered["CPU"], registered["MEMORY"]) == (1024, 1024)
    assert (remaining["CPU"], remaining["MEMORY"]) == (0, 0)
    assert remaining["GPU"] == []
    assert sorted(remaining["PORTS"], key=int) == ["22", "2375", "2376", "8080", "51678", "51679"]


def test_remaining_never_lists_a_port_twice_after_re_registration(ecs: Any, busy: str) -> None:
    with pytest.raises(ClientError):
        ecs.register_container_instance(
            containerInstanceArn=busy, totalResources=[_ports("PORTS", ["8080"])]
        )
    ports = _totals(_describe(ecs, busy)["remainingResources"])["PORTS"]
    assert len(ports) == len(set(ports))

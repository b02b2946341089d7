"""Rules of the references an audit found unenforced: Fargate Spot's platforms (ecs-runtask.md
§1.5), task-level cpu on EC2 and IAM role values in RegisterTaskDefinition (ecs-behavior.md
§3.3, §6.2)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from ecs_mock import EcsMock

NETWORK = {"awsvpcConfiguration": {"subnets": ["subnet-aaa"]}}
SPOT = [{"capacityProvider": "FARGATE_SPOT", "weight": 1}]
WINDOWS = {"operatingSystemFamily": "WINDOWS_SERVER_2019_CORE", "cpuArchitecture": "X86_64"}
ARM = {"operatingSystemFamily": "LINUX", "cpuArchitecture": "ARM64"}


def _spot_cluster(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.create_cluster("default")
    ecs.put_cluster_capacity_providers(
        cluster="default",
        capacityProviders=["FARGATE", "FARGATE_SPOT"],
        defaultCapacityProviderStrategy=[],
    )


def _fargate(ecs_mock: EcsMock, family: str, platform: dict[str, str], cpu: str = "1024") -> None:
    ecs_mock.register_task_definition(
        family,
        networkMode="awsvpc",
        cpu=cpu,
        memory="2048",
        requiresCompatibilities=["FARGATE"],
        runtimePlatform=platform,
    )


def _error(raised: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    error = raised.value.response["Error"]
    return error["Code"], error["Message"]


def test_windows_tasks_do_not_run_on_fargate_spot(ecs_mock: EcsMock, ecs: Any) -> None:
    _spot_cluster(ecs_mock, ecs)
    _fargate(ecs_mock, "win", WINDOWS)
    with pytest.raises(ClientError) as raised:
        ecs.run_task(
            taskDefinition="win", networkConfiguration=NETWORK, capacityProviderStrategy=SPOT
        )
    code, message = _error(raised)
    assert code == "InvalidParameterException"
    assert "FARGATE_SPOT" in message
    assert "Windows" in message
    assert ecs.list_tasks()["taskArns"] == []  # nothing launched
    # The same definition runs on FARGATE.
    (task,) = ecs.run_task(
        taskDefinition="win",
        networkConfiguration=NETWORK,
        capacityProviderStrategy=[{"capacityProvider": "FARGATE", "weight": 1}],
    )["tasks"]
    assert task["platformVersion"] == "1.0.0"


def test_arm64_on_fargate_spot_needs_platform_1_4_0(ecs_mock: EcsMock, ecs: Any) -> None:
    _spot_cluster(ecs_mock, ecs)
    _fargate(ecs_mock, "arm", ARM, cpu="256")
    with pytest.raises(ClientError) as raised:
        ecs.run_task(
            taskDefinition="arm",
            networkConfiguration=NETWORK,
            platformVersion="1.3.0",
            capacityProviderStrategy=SPOT,
        )
    assert _error(raised)[0] == "InvalidParameterException"
    assert "ARM" in _error(raised)[1]
    assert ecs.list_tasks()["taskArns"] == []
    for version in ("1.4.0", "LATEST"):
        (task,) = ecs.run_task(
            taskDefinition="arm",
            networkConfiguration=NETWORK,
            platformVersion=version,
            capacityProviderStrategy=SPOT,
        )["tasks"]
        assert task["capacityProviderName"] == "FARGATE_SPOT"
        assert task["platformVersion"] == "1.4.0"
    # x86_64 Linux on Spot is fine on 1.3.0.
    _fargate(ecs_mock, "x86", {"operatingSystemFamily": "LINUX", "cpuArchitecture": "X86_64"})
    (task,) = ecs.run_task(
        taskDefinition="x86",
        networkConfiguration=NETWORK,
        platformVersion="1.3.0",
        capacityProviderStrategy=SPOT,
    )["tasks"]
    assert task["platformVersion"] == "1.3.0"


def test_a_windows_service_on_fargate_spot_reports_why_it_cannot_place(
    ecs_mock: EcsMock, ecs: Any
) -> None:
    _spot_cluster(ecs_mock, ecs)
    _fargate(ecs_mock, "win", WINDOWS)
    ecs.create_service(
        serviceName="svc",
        taskDefinition="win",
        desiredCount=2,
        capacityProviderStrategy=SPOT,
        networkConfiguration=NETWORK,
    )
    (service,) = ecs.describe_services(services=["svc"])["services"]
    assert service["runningCount"] == 0
    assert ecs.list_tasks(serviceName="svc")["taskArns"] == []
    messages = [event["message"] for event in service["events"]]
    assert any("unable to place a task" in m and "FARGATE_SPOT" in m for m in messages)


@pytest.mark.parametrize("cpu", ["64", "127", "196609", "0.1 vcpu", "200 vcpu"])
def test_task_level_cpu_outside_128_to_196608_is_refused(ecs: Any, cpu: str) -> None:
    with pytest.raises(ClientError) as raised:
        ecs.register_task_definition(
            family="t",
            requiresCompatibilities=["EC2"],
            cpu=cpu,
            memory="512",
            containerDefinitions=[{"name": "a", "image": "b"}],
        )
    assert _error(raised) == ("InvalidParameterException", "Invalid 'cpu' setting for task.")
    assert ecs.list_task_definition_families()["families"] == []


@pytest.mark.parametrize(
    ("cpu", "stored"), [("128", "128"), ("196608", "196608"), ("1 vcpu", "1024")]
)
def test_task_level_cpu_at_the_bounds_registers(ecs: Any, cpu: str, stored: str) -> None:
    definition = ecs.register_task_definition(
        family="t",
        cpu=cpu,
        memory="512",
        containerDefinitions=[{"name": "a", "image": "b"}],
    )["taskDefinition"]
    assert definition["cpu"] == stored


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("taskRoleArn", "arn:aws:cloudformation:us-east-1:123456789012:stack/x/y"),
        ("taskRoleArn", "arn:aws:iam::123456789012:user/alice"),
        ("executionRoleArn", "arn:aws:iam::12345:role/short-account"),
        ("executionRoleArn", "not a role"),
        ("taskRoleArn", "r" * 65),
    ],
)
def test_a_role_that_is_not_an_iam_role_is_refused(ecs: Any, field: str, value: str) -> None:
    with pytest.raises(ClientError) as raised:
        ecs.register_task_definition(
            family="r",
            containerDefinitions=[{"name": "a", "image": "b", "memory": 10}],
            **{field: value},
        )
    assert _error(raised) == ("ClientException", "Role is not valid")
    assert ecs.list_task_definition_families()["families"] == []


@pytest.mark.parametrize(
    "value",
    [
        "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
        "arn:aws:iam::123456789012:role/service-role/path/my.role@x",
        "arn:aws-cn:iam::123456789012:role/cn",
        "ecsTaskExecutionRole",
    ],
)
def test_role_arns_and_short_names_register(ecs: Any, value: str) -> None:
    definition = ecs.register_task_definition(
        family="r",
        taskRoleArn=value,
        executionRoleArn=value,
        containerDefinitions=[{"name": "a", "image": "b", "memory": 10}],
    )["taskDefinition"]
    assert (definition["taskRoleArn"], definition["executionRoleArn"]) == (value, value)

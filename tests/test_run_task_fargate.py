"""RunTask on Fargate (ecs-runtask.md §1.4, §1.5, §3.3, §3.4): sizes, platform versions, the
task's shape and its lifecycle on the mock clock."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from freezegun import freeze_time

from ecs_mock import EcsMock

NETWORK = {"awsvpcConfiguration": {"subnets": ["subnet-aaa", "subnet-bbb"]}}
CAPACITY = (
    "Capacity is unavailable at this time. Please try again later or in a different "
    "availability zone"
)


def _fargate_definition(ecs_mock: EcsMock, family: str = "job", **params: Any) -> str:
    params.setdefault("cpu", "256")
    params.setdefault("memory", "512")
    return ecs_mock.register_task_definition(
        family,
        containers=[{"name": "main", "image": "python:3.12", "essential": True}],
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        **params,
    )


def _run(ecs: Any, **params: Any) -> dict[str, Any]:
    params.setdefault("taskDefinition", "job")
    params.setdefault("launchType", "FARGATE")
    params.setdefault("networkConfiguration", NETWORK)
    result: dict[str, Any] = ecs.run_task(**params)
    return result


def _refused(ecs: Any, **params: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as raised:
        _run(ecs, **params)
    error = raised.value.response["Error"]
    return error["Code"], error["Message"]


@pytest.fixture
def job(ecs_mock: EcsMock) -> str:
    ecs_mock.create_cluster("default")
    return _fargate_definition(ecs_mock)


def test_a_fargate_task_as_run_task_returns_it(ecs_mock: EcsMock, ecs: Any, job: str) -> None:
    ecs_mock.add_subnet("subnet-aaa", "us-east-1a")
    ecs_mock.add_subnet("subnet-bbb", "us-east-1b")
    (task,) = _run(ecs, startedBy="prefect")["tasks"]
    assert task["launchType"] == "FARGATE"
    assert "containerInstanceArn" not in task
    assert "capacityProviderName" not in task  # chosen by launchType, not by a strategy
    assert (task["platformVersion"], task["platformFamily"]) == ("1.4.0", "Linux")
    assert (task["cpu"], task["memory"]) == ("256", "512")
    assert task["ephemeralStorage"] == {"sizeInGiB": 20}
    assert "fargateEphemeralStorage" not in task  # not in the oldest supported model
    assert task["attributes"] == [{"name": "ecs.cpu-architecture", "value": "x86_64"}]
    assert task["lastStatus"] == "PROVISIONING"
    (eni,) = task["attachments"]
    assert (eni["type"], eni["status"]) == ("ElasticNetworkInterface", "PRECREATED")
    subnet = eni["details"][0]["value"]
    assert eni["details"] == [{"name": "subnetId", "value": subnet}]
    assert (
        task["availabilityZone"] == {"subnet-aaa": "us-east-1a", "subnet-bbb": "us-east-1b"}[subnet]
    )


def test_a_running_fargate_task_has_its_network_interface(
    ecs_mock: EcsMock, ecs: Any, job: str
) -> None:
    (task,) = _run(ecs)["tasks"]
    (described,) = ecs.describe_tasks(tasks=[task["taskArn"]])["tasks"]
    assert described["lastStatus"] == "RUNNING"
    assert described["connectivity"] == "CONNECTED"
    (eni,) = described["attachments"]
    details = {d["name"]: d["value"] for d in eni["details"]}
    assert eni["status"] == "ATTACHED"
    assert details["networkInterfaceId"].startswith("eni-")
    assert details["privateIPv4Address"].startswith("10.0.")
    container = described["containers"][0]
    assert container["networkInterfaces"][0]["privateIpv4Address"] == details["privateIPv4Address"]
    assert container["networkBindings"] == []  # ecs-runtask.md §3.3
    assert details["privateDnsName"] == (
        "ip-" + details["privateIPv4Address"].replace(".", "-") + ".ec2.internal"
    )


def test_tasks_of_one_call_take_the_subnets_in_turn(ecs_mock: EcsMock, ecs: Any, job: str) -> None:
    ecs_mock.add_subnet("subnet-aaa", "us-east-1a")
    ecs_mock.add_subnet("subnet-bbb", "us-east-1b")
    tasks = _run(ecs, count=4)["tasks"]
    zones = [t["availabilityZone"] for t in tasks]
    assert sorted(zones) == ["us-east-1a", "us-east-1a", "us-east-1b", "us-east-1b"]
    assert zones[0] != zones[1]


def test_an_undeclared_subnet_has_a_stable_zone(ecs_mock: EcsMock, ecs: Any, job: str) -> None:
    network = {"awsvpcConfiguration": {"subnets": ["subnet-unknown"]}}
    zones = {
        t["availabilityZone"] for t in _run(ecs, count=3, networkConfiguration=network)["tasks"]
    }
    assert len(zones) == 1
    assert zones.pop() in ("us-east-1a", "us-east-1b", "us-east-1c")


@pytest.mark.ecs_mock(
    provisioning_seconds=5, pending_seconds=10, stopping_seconds=3, deprovisioning_seconds=2
)
def test_fargate_lifecycle_on_the_mock_clock(ecs_mock: EcsMock, ecs: Any, job: str) -> None:
    with freeze_time("2025-03-01T00:00:00Z") as frozen:
        (task,) = _run(ecs)["tasks"]
        arn = task["taskArn"]

        def status() -> str:
            return str(ecs.describe_tasks(tasks=[arn])["tasks"][0]["lastStatus"])

        assert status() == "PROVISIONING"
        frozen.tick(5)
        assert status() == "PENDING"
        frozen.tick(10)
        assert status() == "RUNNING"
        ecs.stop_task(task=arn)
        assert status() == "STOPPING"
        frozen.tick(3)
        assert status() == "DEPROVISIONING"
        frozen.tick(2)
        described = ecs.describe_tasks(tasks=[arn])["tasks"][0]
    assert described["lastStatus"] == "STOPPED"
    assert described["attachments"][0]["status"] == "DELETED"
    names = (
        "createdAt",
        "connectivityAt",
        "pullStartedAt",
        "startedAt",
        "stoppingAt",
        "executionStoppedAt",
        "stoppedAt",
    )
    order = [described[name] for name in names]
    assert order == sorted(order)
    assert order[0] < order[1] < order[3] < order[-1]


def test_fargate_tasks_count_in_the_cluster_and_list_by_launch_type(
    ecs_mock: EcsMock, ecs: Any, job: str
) -> None:
    arns = [t["taskArn"] for t in _run(ecs, count=2)["tasks"]]
    cluster = ecs.describe_clusters()["clusters"][0]
    assert cluster["runningTasksCount"] == 2
    assert sorted(ecs.list_tasks(launchType="FARGATE")["taskArns"]) == sorted(arns)
    assert ecs.list_tasks(launchType="EC2")["taskArns"] == []


def test_ephemeral_storage_override(ecs_mock: EcsMock, ecs: Any, job: str) -> None:
    (task,) = _run(ecs, overrides={"ephemeralStorage": {"sizeInGiB": 50}})["tasks"]
    assert task["ephemeralStorage"] == {"sizeInGiB": 50}
    code, message = _refused(ecs, overrides={"ephemeralStorage": {"sizeInGiB": 201}})
    assert code == "InvalidParameterException"
    assert "between 21 and 200" in message


def test_arm64_runtime_platform(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.create_cluster("default")
    _fargate_definition(
        ecs_mock, runtimePlatform={"cpuArchitecture": "ARM64", "operatingSystemFamily": "LINUX"}
    )
    (task,) = _run(ecs)["tasks"]
    assert task["attributes"] == [{"name": "ecs.cpu-architecture", "value": "arm64"}]


@pytest.mark.parametrize(
    ("cpu", "memory"),
    [("256", "512"), ("512", "4096"), ("4096", "30720"), ("8192", "61440"), ("16384", "122880")],
)
def test_valid_sizes_run(ecs_mock: EcsMock, ecs: Any, cpu: str, memory: str) -> None:
    ecs_mock.create_cluster("default")
    _fargate_definition(ecs_mock, cpu=cpu, memory=memory)
    (task,) = _run(ecs)["tasks"]
    assert (task["cpu"], task["memory"]) == (cpu, memory)


@pytest.mark.parametrize(
    ("cpu", "memory"), [("256", "4096"), ("512", "512"), ("8192", "18432"), ("16384", "32000")]
)
def test_size_overrides_must_be_a_fargate_size(
    ecs_mock: EcsMock, ecs: Any, job: str, cpu: str, memory: str
) -> None:
    assert _refused(ecs, overrides={"cpu": cpu, "memory": memory}) == (
        "InvalidParameterException",
        f"No Fargate configuration exists for given values: {cpu} CPU, {memory} memory. "
        "See the Amazon ECS documentation for the valid values.",
    )


def test_registering_a_size_fargate_lacks_is_refused(ecs_mock: EcsMock, ecs: Any) -> None:
    with pytest.raises(ecs.exceptions.ClientException) as raised:
        ecs.register_task_definition(
            family="job",
            containerDefinitions=[{"name": "main", "image": "python:3.12"}],
            networkMode="awsvpc",
            requiresCompatibilities=["FARGATE"],
            cpu="512",
            memory="512",
        )
    assert raised.value.response["Error"]["Message"] == (
        "No Fargate configuration exists for given values: 512 CPU, 512 memory. "
        "See the Amazon ECS documentation for the valid values."
    )


def test_awsvpc_definition_of_a_non_fargate_size_is_ec2_only(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.create_cluster("default")
    arn = ecs_mock.register_task_definition("odd", networkMode="awsvpc", cpu="256", memory="4096")
    definition = ecs.describe_task_definition(taskDefinition=arn)["taskDefinition"]
    assert definition["compatibilities"] == ["EC2"]
    assert _refused(ecs, taskDefinition="odd")[1] == (
        "Task definition does not support launch_type FARGATE."
    )


@pytest.mark.parametrize("version", ["1.4", "1.5.0", "1.0.0", "latest"])
def test_unknown_platform_versions(ecs_mock: EcsMock, ecs: Any, job: str, version: str) -> None:
    assert _refused(ecs, platformVersion=version) == (
        "PlatformUnknownException",
        "The specified platform does not exist.",
    )


def test_platform_versions_resolve(ecs_mock: EcsMock, ecs: Any, job: str) -> None:
    assert _run(ecs, platformVersion="LATEST")["tasks"][0]["platformVersion"] == "1.4.0"
    assert _run(ecs, platformVersion="1.3.0")["tasks"][0]["platformVersion"] == "1.3.0"


def test_platform_1_3_lacks_ephemeral_storage_and_large_sizes(
    ecs_mock: EcsMock, ecs: Any, job: str
) -> None:
    incompatible = (
        "PlatformTaskDefinitionIncompatibilityException",
        "One or more of the requested capabilities are not supported.",
    )
    storage = {"ephemeralStorage": {"sizeInGiB": 30}}
    assert _refused(ecs, platformVersion="1.3.0", overrides=storage) == incompatible
    _fargate_definition(ecs_mock, "large", cpu="8192", memory="16384")
    assert _refused(ecs, taskDefinition="large", platformVersion="1.3.0") == incompatible


def test_fargate_needs_a_network_configuration(ecs_mock: EcsMock, ecs: Any, job: str) -> None:
    assert _refused(ecs, networkConfiguration={}) == (
        "InvalidParameterException",
        "Network Configuration must be provided when networkMode 'awsvpc' is specified.",
    )


def test_fargate_may_assign_a_public_ip(ecs_mock: EcsMock, ecs: Any, job: str) -> None:
    network = {"awsvpcConfiguration": {"subnets": ["subnet-aaa"], "assignPublicIp": "ENABLED"}}
    assert _run(ecs, networkConfiguration=network)["tasks"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"placementStrategy": [{"type": "random"}]},
            "Placement strategies are not supported with FARGATE launch type.",
        ),
        (
            {"placementConstraints": [{"type": "distinctInstance"}]},
            "Placement constraints are not supported with FARGATE launch type.",
        ),
    ],
)
def test_fargate_refuses_placement(
    ecs_mock: EcsMock, ecs: Any, job: str, params: dict[str, Any], message: str
) -> None:
    assert _refused(ecs, **params) == ("InvalidParameterException", message)


def test_unavailable_capacity_is_a_failure_without_an_arn(
    ecs_mock: EcsMock, ecs: Any, job: str
) -> None:
    ecs_mock.set_capacity("FARGATE", available=False)
    result = _run(ecs, count=2)
    assert result["tasks"] == []
    assert result["failures"] == [{"reason": CAPACITY}, {"reason": CAPACITY}]
    ecs_mock.set_capacity("FARGATE", available=True)
    assert len(_run(ecs)["tasks"]) == 1


def test_set_capacity_names_only_fargate_providers(ecs_mock: EcsMock) -> None:
    with pytest.raises(ValueError, match="FARGATE, FARGATE_SPOT"):
        ecs_mock.set_capacity("my-asg")

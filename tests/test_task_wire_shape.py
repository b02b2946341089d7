"""A task's wire shape as DescribeTasks shows it (ecs-runtask.md §3.3, ecs-behavior.md §4.3):
privateDnsName, networkBindings, runtimeId and healthStatus, on Fargate and on EC2."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import boto3
import pytest

from ecs_mock import EcsMock, mock_ecs
from ecs_mock.backend.ec2_names import private_dns_name
from ecs_mock.server import ServerApp, ServerOptions

NETWORK = {"awsvpcConfiguration": {"subnets": ["subnet-aaa"]}}
HEALTH_CHECK = {"command": ["CMD-SHELL", "curl -f http://localhost/ || exit 1"]}


def _fargate(ecs_mock: EcsMock, containers: list[dict[str, Any]] | None = None) -> None:
    ecs_mock.create_cluster("default")
    ecs_mock.register_task_definition(
        "job",
        containers=containers or [{"name": "main", "image": "python:3.12"}],
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
    )


def _run_fargate(ecs: Any) -> dict[str, Any]:
    (task,) = ecs.run_task(
        taskDefinition="job", launchType="FARGATE", networkConfiguration=NETWORK
    )["tasks"]
    result: dict[str, Any] = task
    return result


def _bridge(ecs_mock: EcsMock, containers: list[dict[str, Any]]) -> None:
    ecs_mock.create_cluster("default")
    ecs_mock.add_container_instance("default")
    ecs_mock.register_task_definition("web", containers=containers)


def _describe(ecs: Any, arn: str) -> dict[str, Any]:
    (task,) = ecs.describe_tasks(tasks=[arn])["tasks"]
    result: dict[str, Any] = task
    return result


def _eni_details(task: dict[str, Any]) -> dict[str, str]:
    (eni,) = task["attachments"]
    return {d["name"]: d["value"] for d in eni["details"]}


def _task_id(arn: str) -> str:
    return arn.rpartition("/")[2]


# -- privateDnsName ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("region", "expected"),
    [
        ("us-east-1", "ip-10-0-1-184.ec2.internal"),
        ("us-east-2", "ip-10-0-1-184.us-east-2.compute.internal"),
        ("eu-west-1", "ip-10-0-1-184.eu-west-1.compute.internal"),
        ("cn-north-1", "ip-10-0-1-184.cn-north-1.compute.internal"),
    ],
)
def test_private_dns_names_follow_ec2_naming(region: str, expected: str) -> None:
    assert private_dns_name(region, "10.0.1.184") == expected


def test_a_us_east_1_fargate_eni_is_named_in_ec2_internal(ecs_mock: EcsMock, ecs: Any) -> None:
    _fargate(ecs_mock)
    details = _eni_details(_describe(ecs, _run_fargate(ecs)["taskArn"]))
    address = details["privateIPv4Address"]
    assert details["privateDnsName"] == f"ip-{address.replace('.', '-')}.ec2.internal"


def test_an_eu_west_1_awsvpc_task_eni_is_named_in_its_region() -> None:
    with mock_ecs(region="eu-west-1"):
        ecs: Any = boto3.client("ecs", region_name="eu-west-1")
        ecs.create_cluster(clusterName="default")
        ecs.register_task_definition(
            family="job",
            networkMode="awsvpc",
            requiresCompatibilities=["FARGATE"],
            cpu="256",
            memory="512",
            containerDefinitions=[{"name": "main", "image": "python:3.12"}],
        )
        (task,) = ecs.run_task(
            taskDefinition="job", launchType="FARGATE", networkConfiguration=NETWORK
        )["tasks"]
        details = _eni_details(_describe(ecs, task["taskArn"]))
    address = details["privateIPv4Address"].replace(".", "-")
    assert details["privateDnsName"] == f"ip-{address}.eu-west-1.compute.internal"


# -- networkBindings --------------------------------------------------------------------------


def test_a_running_fargate_container_shows_empty_network_bindings(
    ecs_mock: EcsMock, ecs: Any
) -> None:
    _fargate(ecs_mock)
    created = _run_fargate(ecs)
    assert "networkBindings" not in created["containers"][0]  # not before it runs
    (container,) = _describe(ecs, created["taskArn"])["containers"]
    assert container["lastStatus"] == "RUNNING"
    assert container["networkBindings"] == []


def test_a_running_bridge_container_without_ports_shows_empty_bindings(
    ecs_mock: EcsMock, ecs: Any
) -> None:
    _bridge(
        ecs_mock,
        [
            {
                "name": "web",
                "image": "nginx",
                "memory": 64,
                "portMappings": [{"containerPort": 80}],
            },
            {"name": "sidecar", "image": "busybox", "memory": 32, "essential": False},
        ],
    )
    created = ecs.run_task(taskDefinition="web")["tasks"][0]
    assert all("networkBindings" not in c for c in created["containers"])
    web, sidecar = _describe(ecs, created["taskArn"])["containers"]
    (binding,) = web["networkBindings"]
    assert binding["containerPort"] == 80
    assert sidecar["networkBindings"] == []


@pytest.mark.ecs_mock(pending_seconds=60)
def test_a_container_that_never_ran_shows_no_bindings(ecs_mock: EcsMock, ecs: Any) -> None:
    _bridge(ecs_mock, [{"name": "web", "image": "nginx", "memory": 64}])
    arn = ecs.run_task(taskDefinition="web")["tasks"][0]["taskArn"]
    ecs.stop_task(task=arn)
    ecs_mock.advance("STOPPED", task=arn)
    (container,) = _describe(ecs, arn)["containers"]
    assert container["lastStatus"] == "STOPPED"
    assert "networkBindings" not in container
    assert "healthStatus" not in container


# -- runtimeId --------------------------------------------------------------------------------


def test_a_fargate_container_runtime_id_is_the_task_id_and_digits(
    ecs_mock: EcsMock, ecs: Any
) -> None:
    _fargate(ecs_mock)
    arn = _run_fargate(ecs)["taskArn"]
    (container,) = _describe(ecs, arn)["containers"]
    assert re.fullmatch(rf"{_task_id(arn)}-[1-9][0-9]{{8,9}}", container["runtimeId"])


def test_an_ec2_container_runtime_id_is_a_docker_id(ecs_mock: EcsMock, ecs: Any) -> None:
    _bridge(ecs_mock, [{"name": "web", "image": "nginx", "memory": 64}])
    arn = ecs.run_task(taskDefinition="web")["tasks"][0]["taskArn"]
    (container,) = _describe(ecs, arn)["containers"]
    assert re.fullmatch(r"[0-9a-f]{64}", container["runtimeId"])


def _seeded_fargate_runtime_ids(seed: int) -> list[str]:
    with mock_ecs(seed=seed) as mock:
        _fargate(mock)
        ecs: Any = boto3.client("ecs", region_name="us-east-1")
        arns = [_run_fargate(ecs)["taskArn"] for _ in range(3)]
        return [c["runtimeId"] for a in arns for c in _describe(ecs, a)["containers"]]


def test_seeded_fargate_runtime_ids_repeat() -> None:
    first = _seeded_fargate_runtime_ids(5)
    assert first == _seeded_fargate_runtime_ids(5)
    assert first != _seeded_fargate_runtime_ids(6)
    assert len(set(first)) == 3


# -- healthStatus -----------------------------------------------------------------------------


def test_without_health_checks_task_and_containers_are_unknown(ecs_mock: EcsMock, ecs: Any) -> None:
    _fargate(ecs_mock)
    created = _run_fargate(ecs)
    assert "healthStatus" not in created  # absent at creation (ecs-behavior.md §4.3)
    assert "healthStatus" not in created["containers"][0]
    task = _describe(ecs, created["taskArn"])
    assert task["healthStatus"] == "UNKNOWN"
    assert [c["healthStatus"] for c in task["containers"]] == ["UNKNOWN"]


def test_an_ec2_task_without_health_checks_is_unknown(ecs_mock: EcsMock, ecs: Any) -> None:
    _bridge(ecs_mock, [{"name": "web", "image": "nginx", "memory": 64}])
    arn = ecs.run_task(taskDefinition="web")["tasks"][0]["taskArn"]
    task = _describe(ecs, arn)
    assert (task["healthStatus"], task["containers"][0]["healthStatus"]) == ("UNKNOWN", "UNKNOWN")


def test_an_essential_container_with_a_health_check_makes_the_task_healthy(
    ecs_mock: EcsMock, ecs: Any
) -> None:
    _fargate(
        ecs_mock,
        [
            {"name": "app", "image": "nginx", "healthCheck": HEALTH_CHECK},
            {"name": "proxy", "image": "envoy"},  # essential, no health check: not counted
        ],
    )
    arn = _run_fargate(ecs)["taskArn"]
    task = _describe(ecs, arn)
    assert task["healthStatus"] == "HEALTHY"
    health = {c["name"]: c["healthStatus"] for c in task["containers"]}
    assert health == {"app": "HEALTHY", "proxy": "UNKNOWN"}
    ecs.stop_task(task=arn)
    stopped = _describe(ecs, arn)
    assert stopped["lastStatus"] == "STOPPED"
    assert stopped["healthStatus"] == "HEALTHY"  # the last health stays, as ECS shows it


def test_non_essential_checks_count_when_no_essential_container_has_one(
    ecs_mock: EcsMock, ecs: Any
) -> None:
    # "The container health check status of nonessential containers only affects the health
    # status of a task if no essential containers have health checks defined" (API HealthCheck).
    _fargate(
        ecs_mock,
        [
            {"name": "app", "image": "nginx"},
            {"name": "probe", "image": "busybox", "essential": False, "healthCheck": HEALTH_CHECK},
        ],
    )
    task = _describe(ecs, _run_fargate(ecs)["taskArn"])
    assert task["healthStatus"] == "HEALTHY"
    health = {c["name"]: c["healthStatus"] for c in task["containers"]}
    assert health == {"app": "UNKNOWN", "probe": "HEALTHY"}


@pytest.mark.ecs_mock(pending_seconds=3600)
def test_a_container_the_agent_reports_running_gets_bindings_and_health(
    ecs_mock: EcsMock, ecs: Any
) -> None:
    _bridge(
        ecs_mock, [{"name": "web", "image": "nginx", "memory": 64, "healthCheck": HEALTH_CHECK}]
    )
    arn = ecs.run_task(taskDefinition="web")["tasks"][0]["taskArn"]
    ecs.submit_container_state_change(task=arn, containerName="web", status="RUNNING")
    task = _describe(ecs, arn)
    (container,) = task["containers"]
    assert container["lastStatus"] == "RUNNING"
    assert (container["networkBindings"], container["healthStatus"]) == ([], "HEALTHY")
    assert task["healthStatus"] == "HEALTHY"


# -- the state file keeps it all --------------------------------------------------------------


def test_the_state_file_keeps_the_new_members(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    app = ServerApp(ServerOptions(state_file=path, seed=3))
    view = app.view()
    view.call("CreateCluster", clusterName="default")
    view.call(
        "RegisterTaskDefinition",
        family="job",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        containerDefinitions=[
            {"name": "app", "image": "nginx", "healthCheck": HEALTH_CHECK},
            {"name": "side", "image": "busybox", "essential": False},
        ],
    )
    arn = view.call(
        "RunTask", taskDefinition="job", launchType="FARGATE", networkConfiguration=NETWORK
    )["tasks"][0]["taskArn"]
    before = view.call("DescribeTasks", tasks=[arn])["tasks"][0]
    app.close()
    reopened = ServerApp(ServerOptions(state_file=path, seed=3))
    try:
        after = reopened.view().call("DescribeTasks", tasks=[arn])["tasks"][0]
    finally:
        reopened.close()
    assert after == before
    assert after["healthStatus"] == "HEALTHY"
    assert [c["networkBindings"] for c in after["containers"]] == [[], []]
    assert all(c["runtimeId"].startswith(_task_id(arn) + "-") for c in after["containers"])

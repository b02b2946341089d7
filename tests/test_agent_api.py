"""The agent-side API: a test plays the ECS agent and drives tasks, containers, attachments and
agent updates through the public API."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError
from freezegun import freeze_time

from ecs_mock import EcsMock

AGENT_IN_CHARGE = pytest.mark.ecs_mock(pending_seconds=3600, stopping_seconds=3600)
SIDECAR = {"name": "sidecar", "image": "busybox", "memory": 64, "essential": False}


def _code(caught: pytest.ExceptionInfo[ClientError]) -> str:
    return str(caught.value.response["Error"]["Code"])


def _task(ecs: Any, arn: str) -> dict[str, Any]:
    task: dict[str, Any] = ecs.describe_tasks(tasks=[arn])["tasks"][0]
    return task


def _containers(task: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in task["containers"]}


@pytest.fixture
def started(ecs_mock: EcsMock, ecs: Any) -> str:
    ecs_mock.register_task_definition(
        "app",
        containers=[
            {
                "name": "app",
                "image": "busybox",
                "memory": 128,
                "portMappings": [{"containerPort": 80}],
            },
            SIDECAR,
        ],
    )
    ecs_mock.add_container_instance("default")
    arn: str = ecs.run_task(taskDefinition="app")["tasks"][0]["taskArn"]
    return arn


@AGENT_IN_CHARGE
def test_the_agent_reports_a_task_running_then_stopped(started: str, ecs: Any) -> None:
    assert _task(ecs, started)["lastStatus"] == "PENDING"
    binding = {"bindIP": "0.0.0.0", "containerPort": 80, "hostPort": 32768, "protocol": "tcp"}
    answer = ecs.submit_task_state_change(
        task=started,
        status="RUNNING",
        containers=[
            {
                "containerName": "app",
                "status": "RUNNING",
                "runtimeId": "abc",
                "networkBindings": [binding],
            },
            {"containerName": "sidecar", "status": "RUNNING", "runtimeId": "def"},
        ],
        pullStartedAt=1_700_000_000,
        pullStoppedAt=1_700_000_005,
    )
    assert answer["acknowledgment"] == "ACK"
    task = _task(ecs, started)
    assert task["lastStatus"] == "RUNNING"
    containers = _containers(task)
    assert containers["app"]["runtimeId"] == "abc"
    assert containers["app"]["networkBindings"] == [binding]
    assert task["pullStoppedAt"].timestamp() == 1_700_000_005
    cluster = ecs.describe_clusters()["clusters"][0]
    assert (cluster["runningTasksCount"], cluster["pendingTasksCount"]) == (1, 0)
    # The agent reports the task gone without being asked: its containers exited.
    ecs.submit_task_state_change(
        task=started,
        status="STOPPED",
        reason="OutOfMemoryError: Container killed due to memory usage",
        containers=[{"containerName": "app", "status": "STOPPED", "exitCode": 137}],
    )
    task = _task(ecs, started)
    assert (task["lastStatus"], task["desiredStatus"]) == ("STOPPED", "STOPPED")
    assert task["stopCode"] == "EssentialContainerExited"
    assert _containers(task)["app"]["exitCode"] == 137
    assert ecs.describe_clusters()["clusters"][0]["runningTasksCount"] == 0


@AGENT_IN_CHARGE
def test_a_container_report_moves_one_container(started: str, ecs: Any) -> None:
    for name in ("app", "sidecar"):
        ecs.submit_container_state_change(task=started, containerName=name, status="RUNNING")
    ecs.submit_task_state_change(task=started, status="RUNNING")
    # A non-essential container exiting leaves the task running; an essential one stops it.
    ecs.submit_container_state_change(
        task=started, containerName="sidecar", status="STOPPED", exitCode=0, reason="done"
    )
    task = _task(ecs, started)
    assert task["lastStatus"] == "RUNNING"
    assert _containers(task)["sidecar"]["lastStatus"] == "STOPPED"
    assert _containers(task)["sidecar"]["reason"] == "done"
    ecs.submit_container_state_change(
        task=started, containerName="app", status="STOPPED", exitCode=1
    )
    task = _task(ecs, started)
    assert task["desiredStatus"] == "STOPPED"
    assert task["stoppedReason"] == "Essential container in task exited"
    # A late report cannot move a container backwards.
    ecs.submit_container_state_change(task=started, containerName="app", status="RUNNING")
    assert _containers(_task(ecs, started))["app"]["lastStatus"] == "STOPPED"


@AGENT_IN_CHARGE
def test_stop_task_waits_for_the_agent(started: str, ecs: Any) -> None:
    ecs.submit_task_state_change(task=started, status="RUNNING")
    ecs.stop_task(task=started)
    assert _task(ecs, started)["lastStatus"] == "STOPPING"
    ecs.submit_task_state_change(task=started, status="STOPPED", executionStoppedAt=1_700_000_100)
    task = _task(ecs, started)
    assert (task["lastStatus"], task["stopCode"]) == ("STOPPED", "UserInitiated")
    assert task["executionStoppedAt"].timestamp() == 1_700_000_100


@pytest.mark.ecs_mock(pending_seconds=3600)
def test_attachments_and_managed_agents_report(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.register_task_definition(
        "net", networkMode="awsvpc", taskRoleArn="arn:aws:iam::123456789012:role/r"
    )
    ecs_mock.add_container_instance("default")
    task = ecs.run_task(
        taskDefinition="net",
        enableExecuteCommand=True,
        networkConfiguration={"awsvpcConfiguration": {"subnets": ["subnet-1"]}},
    )["tasks"][0]
    attachment = "arn:aws:ecs:us-east-1:123456789012:attachment/" + task["attachments"][0]["id"]
    ecs.submit_attachment_state_changes(
        attachments=[{"attachmentArn": attachment, "status": "ATTACHED"}]
    )
    assert _task(ecs, task["taskArn"])["attachments"][0]["status"] == "ATTACHED"
    ecs.submit_task_state_change(
        task=task["taskArn"],
        managedAgents=[
            {"containerName": "app", "managedAgentName": "ExecuteCommandAgent", "status": "RUNNING"}
        ],
    )
    (agent,) = _containers(_task(ecs, task["taskArn"]))["app"]["managedAgents"]
    assert (agent["name"], agent["lastStatus"]) == ("ExecuteCommandAgent", "RUNNING")
    with pytest.raises(ClientError) as caught:
        ecs.submit_attachment_state_changes(
            attachments=[{"attachmentArn": attachment + "x", "status": "ATTACHED"}]
        )
    assert _code(caught) == "InvalidParameterException"


@AGENT_IN_CHARGE
def test_bad_reports_are_refused_and_change_nothing(started: str, ecs: Any) -> None:
    bad_calls = [
        {"task": started, "status": "SLEEPING"},
        {"task": started, "status": "RUNNING", "containers": [{"containerName": "nope"}]},
        {
            "task": started,
            "status": "RUNNING",
            "containers": [{"containerName": "app", "status": "X"}],
        },
        {"task": "0" * 32, "status": "RUNNING"},
        {"status": "RUNNING"},
        {
            "task": started,
            "status": "RUNNING",
            "managedAgents": [
                {
                    "containerName": "app",
                    "managedAgentName": "ExecuteCommandAgent",
                    "status": "RUNNING",
                }
            ],
        },
    ]
    for params in bad_calls:
        with pytest.raises(ClientError) as caught:
            ecs.submit_task_state_change(**params)
        assert _code(caught) == "InvalidParameterException", params
    assert _task(ecs, started)["lastStatus"] == "PENDING"
    with pytest.raises(ClientError) as caught:
        ecs.submit_task_state_change(cluster="nope", task=started, status="RUNNING")
    assert _code(caught) == "ClusterNotFoundException"
    with pytest.raises(ClientError) as caught:
        ecs.submit_container_state_change(task=started, status="RUNNING")
    assert _code(caught) == "InvalidParameterException"


def test_discover_poll_endpoint(ecs_mock: EcsMock, ecs: Any) -> None:
    instance = ecs_mock.add_container_instance("default")
    answer = ecs.discover_poll_endpoint(cluster="default", containerInstance=instance)
    assert answer["endpoint"] == "https://ecs-a-1.us-east-1.amazonaws.com/"
    assert answer["telemetryEndpoint"] == "https://ecs-t-1.us-east-1.amazonaws.com/"
    assert "serviceConnectEndpoint" in answer
    assert ecs.discover_poll_endpoint()["endpoint"] == answer["endpoint"]
    for params in ({"cluster": "nope"}, {"cluster": "default", "containerInstance": "f" * 32}):
        with pytest.raises(ClientError) as caught:
            ecs.discover_poll_endpoint(**params)
        assert _code(caught) == "ClientException"


@pytest.fixture
def frozen() -> Iterator[Any]:
    with freeze_time("2025-06-01T00:00:00Z") as frozen:
        yield frozen


def test_update_container_agent_walks_its_status_on_the_clock(
    frozen: Any, ecs_mock: EcsMock, ecs: Any
) -> None:
    ecs_mock.create_cluster("default")
    old = ecs.register_container_instance(versionInfo={"agentVersion": "1.70.0"})[
        "containerInstance"
    ]
    arn = old["containerInstanceArn"]
    answer = ecs.update_container_agent(containerInstance=arn)["containerInstance"]
    assert answer["agentUpdateStatus"] == "PENDING"
    with pytest.raises(ClientError) as caught:
        ecs.update_container_agent(containerInstance=arn)
    assert _code(caught) == "UpdateInProgressException"
    seen = []
    for _ in range(4):
        frozen.tick(10)
        (described,) = ecs.describe_container_instances(containerInstances=[arn])[
            "containerInstances"
        ]
        seen.append(described["agentUpdateStatus"])
    assert seen == ["STAGING", "STAGED", "UPDATING", "UPDATED"]
    assert described["versionInfo"]["agentVersion"] == "1.88.0"
    with pytest.raises(ClientError) as caught:
        ecs.update_container_agent(containerInstance=arn)
    assert _code(caught) == "NoUpdateAvailableException"


def test_update_container_agent_errors(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.create_cluster("default")
    custom = ecs.register_container_instance(versionInfo={"agentVersion": "custom-build"})
    with pytest.raises(ClientError) as caught:
        ecs.update_container_agent(
            containerInstance=custom["containerInstance"]["containerInstanceArn"]
        )
    assert _code(caught) == "MissingVersionException"
    with pytest.raises(ClientError) as caught:
        ecs.update_container_agent(containerInstance="f" * 32)
    assert _code(caught) == "InvalidParameterException"
    with pytest.raises(ClientError) as caught:
        ecs.update_container_agent(cluster="nope", containerInstance="f" * 32)
    assert _code(caught) == "ClusterNotFoundException"

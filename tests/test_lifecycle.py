"""The task lifecycle: clock-driven states, timestamps, versions, counters and release."""

from __future__ import annotations

import datetime as dt
from typing import Any

import boto3
import pytest
import time_machine
from freezegun import freeze_time

from ecs_mock import EcsMock, mock_ecs

START = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
AWSVPC = {"awsvpcConfiguration": {"subnets": ["subnet-12344321"]}}


def _client() -> Any:
    return boto3.client("ecs", region_name="us-east-1")


def _at(seconds: float) -> dt.datetime:
    return START + dt.timedelta(seconds=seconds)


def _bridge_task(mock: EcsMock, ecs: Any, **start: Any) -> dict[str, Any]:
    instance = mock.add_container_instance("default")
    mock.register_task_definition(
        "web",
        containers=[
            {
                "name": "web",
                "image": "nginx",
                "memory": 128,
                "portMappings": [{"containerPort": 80, "hostPort": 0}],
            }
        ],
    )
    task: dict[str, Any] = ecs.start_task(
        taskDefinition="web", containerInstances=[instance], **start
    )["tasks"][0]
    return task


def _awsvpc_task(mock: EcsMock, ecs: Any) -> dict[str, Any]:
    instance = mock.add_container_instance("default")
    mock.register_task_definition(
        "vpc",
        networkMode="awsvpc",
        containers=[{"name": "app", "image": "busybox", "memory": 128}],
    )
    task: dict[str, Any] = ecs.start_task(
        taskDefinition="vpc", containerInstances=[instance], networkConfiguration=AWSVPC
    )["tasks"][0]
    return task


def _describe(ecs: Any, arn: str) -> dict[str, Any]:
    task: dict[str, Any] = ecs.describe_tasks(tasks=[arn])["tasks"][0]
    return task


def _times(task: dict[str, Any]) -> dict[str, dt.datetime]:
    return {key: value for key, value in task.items() if key.endswith("At")}


def test_bridge_task_walks_every_state_with_scheduled_timestamps() -> None:
    timings = mock_ecs(pending_seconds=5, stopping_seconds=30)
    with freeze_time(START) as frozen, timings as mock:
        ecs = _client()
        started = _bridge_task(mock, ecs)
        arn = started["taskArn"]
        assert (started["lastStatus"], started["version"]) == ("PENDING", 1)
        assert _times(started) == {"createdAt": _at(0)}
        assert "networkBindings" not in started["containers"][0]

        frozen.tick(3)
        assert _describe(ecs, arn)["lastStatus"] == "PENDING"

        frozen.tick(10)  # well past the step: it is stamped when it was due, not when read
        running = _describe(ecs, arn)
        assert (running["lastStatus"], running["version"]) == ("RUNNING", 2)
        assert running["connectivity"] == "CONNECTED"
        assert _times(running) == {
            "createdAt": _at(0),
            "connectivityAt": _at(5),
            "pullStartedAt": _at(5),
            "pullStoppedAt": _at(5),
            "startedAt": _at(5),
        }
        container = running["containers"][0]
        assert container["lastStatus"] == "RUNNING"
        assert len(container["runtimeId"]) == 64
        (binding,) = container["networkBindings"]
        assert binding["containerPort"] == 80
        assert 49153 <= binding["hostPort"] <= 65535

        stopping = ecs.stop_task(task=arn)["task"]
        assert stopping["lastStatus"] == "RUNNING"  # the reply shows the status before the stop
        assert (stopping["desiredStatus"], stopping["version"]) == ("STOPPED", 3)
        assert stopping["stoppingAt"] == _at(13)

        frozen.tick(29)
        described = _describe(ecs, arn)
        assert (described["lastStatus"], described["version"]) == ("STOPPING", 4)
        assert "stoppedAt" not in described

        frozen.tick(100)
        stopped = _describe(ecs, arn)
        assert (stopped["lastStatus"], stopped["version"]) == ("STOPPED", 5)
        assert stopped["executionStoppedAt"] == stopped["stoppedAt"] == _at(43)
        assert stopped["containers"][0]["lastStatus"] == "STOPPED"
        assert stopped["containers"][0]["exitCode"] == 143
        assert stopped["containers"][0]["networkBindings"] == []  # its host port is free


def test_awsvpc_task_provisions_attaches_and_deprovisions() -> None:
    timings = mock_ecs(
        provisioning_seconds=2, pending_seconds=5, stopping_seconds=3, deprovisioning_seconds=4
    )
    with freeze_time(START) as frozen, timings as mock:
        ecs = _client()
        started = _awsvpc_task(mock, ecs)
        arn = started["taskArn"]
        assert started["lastStatus"] == "PROVISIONING"
        assert started["attachments"][0]["status"] == "PRECREATED"

        frozen.tick(2)
        pending = _describe(ecs, arn)
        assert (pending["lastStatus"], pending["version"]) == ("PENDING", 2)
        eni = pending["attachments"][0]
        assert eni["status"] == "ATTACHED"
        details = {d["name"]: d["value"] for d in eni["details"]}
        assert details["subnetId"] == "subnet-12344321"
        assert details["networkInterfaceId"].startswith("eni-")
        assert details["privateIPv4Address"].startswith("10.0.")
        assert (
            pending["containers"][0]["networkInterfaces"][0]["privateIpv4Address"]
            == (details["privateIPv4Address"])
        )
        assert pending["connectivityAt"] == _at(2)
        assert "startedAt" not in pending

        frozen.tick(5)
        running = _describe(ecs, arn)
        assert (running["lastStatus"], running["startedAt"]) == ("RUNNING", _at(7))
        assert running["containers"][0]["networkBindings"] == []  # awsvpc: no host bindings

        ecs.stop_task(task=arn)
        frozen.tick(3)
        deprovisioning = _describe(ecs, arn)
        assert deprovisioning["lastStatus"] == "DEPROVISIONING"
        assert deprovisioning["attachments"][0]["status"] == "DETACHING"
        assert deprovisioning["executionStoppedAt"] == _at(10)
        assert deprovisioning["containers"][0]["lastStatus"] == "STOPPED"

        frozen.tick(4)
        stopped = _describe(ecs, arn)
        assert (stopped["lastStatus"], stopped["version"]) == ("STOPPED", 7)
        assert stopped["stoppedAt"] == _at(14)
        assert stopped["attachments"][0]["status"] == "DELETED"


def test_one_jump_applies_every_due_step_including_expiry() -> None:
    with freeze_time(START) as frozen, mock_ecs(pending_seconds=5, stopping_seconds=5) as mock:
        ecs = _client()
        arn = _bridge_task(mock, ecs)["taskArn"]
        ecs.stop_task(task=arn)  # while PENDING
        frozen.tick(5)
        stopped = _describe(ecs, arn)
        assert stopped["lastStatus"] == "STOPPED"
        assert "startedAt" not in stopped  # a task stopped while PENDING never ran
        assert "exitCode" not in stopped["containers"][0]

        frozen.tick(3599)
        assert _describe(ecs, arn)["lastStatus"] == "STOPPED"  # visible for one hour...
        frozen.tick(1)
        missing = ecs.describe_tasks(tasks=[arn])  # ...then gone
        assert missing == {
            "tasks": [],
            "failures": [{"arn": arn, "reason": "MISSING"}],
            "ResponseMetadata": missing["ResponseMetadata"],
        }


def test_time_machine_drives_the_clock_too() -> None:
    with time_machine.travel(START, tick=False) as traveller, mock_ecs(pending_seconds=60) as m:
        ecs = _client()
        arn = _bridge_task(m, ecs)["taskArn"]
        assert _describe(ecs, arn)["lastStatus"] == "PENDING"
        traveller.shift(dt.timedelta(seconds=60))
        running = _describe(ecs, arn)
        assert (running["lastStatus"], running["startedAt"]) == ("RUNNING", _at(60))
        ecs.stop_task(task=arn)
        traveller.shift(dt.timedelta(seconds=3599))
        assert _describe(ecs, arn)["stoppedAt"] == _at(60)
        traveller.shift(dt.timedelta(seconds=1))
        assert ecs.describe_tasks(tasks=[arn])["failures"][0]["reason"] == "MISSING"


@pytest.mark.ecs_mock(pending_seconds=30)
def test_marker_sets_step_durations(ecs_mock: EcsMock, ecs: Any) -> None:
    with freeze_time(START) as frozen:
        arn = _bridge_task(ecs_mock, ecs)["taskArn"]
        frozen.tick(29)
        assert _describe(ecs, arn)["lastStatus"] == "PENDING"
        frozen.tick(1)
        assert _describe(ecs, arn)["lastStatus"] == "RUNNING"


def test_reads_do_not_move_a_task_on() -> None:
    with freeze_time(START), mock_ecs(pending_seconds=1) as mock:
        ecs = _client()
        arn = _bridge_task(mock, ecs)["taskArn"]
        seen = [_describe(ecs, arn)["lastStatus"] for _ in range(5)]
        assert seen == ["PENDING"] * 5


def test_waiters_return_at_their_first_poll_with_a_real_clock(ecs_mock: EcsMock, ecs: Any) -> None:
    arn = _bridge_task(ecs_mock, ecs)["taskArn"]
    ecs_mock.clear_calls()
    ecs.get_waiter("tasks_running").wait(tasks=[arn])
    assert [call.operation for call in ecs_mock.calls] == ["DescribeTasks"]

    ecs.stop_task(task=arn)
    ecs_mock.clear_calls()
    ecs.get_waiter("tasks_stopped").wait(tasks=[arn])
    assert [call.operation for call in ecs_mock.calls] == ["DescribeTasks"]


def test_tasks_running_waiter_fails_fast_on_an_unknown_task(ecs_mock: EcsMock, ecs: Any) -> None:
    from botocore.exceptions import WaiterError

    ecs_mock.create_cluster("default")
    with pytest.raises(WaiterError, match="MISSING"):
        ecs.get_waiter("tasks_running").wait(tasks=["0123456789abcdef0123456789abcdef"])
    assert len(ecs_mock.calls_to("DescribeTasks")) == 1


def test_counters_and_resources_follow_the_lifecycle() -> None:
    with freeze_time(START) as frozen, mock_ecs(pending_seconds=5, stopping_seconds=5) as mock:
        ecs = _client()
        arn = _bridge_task(mock, ecs)["taskArn"]

        def counts() -> tuple[int, int, int, int, int]:
            cluster = ecs.describe_clusters(clusters=["default"])["clusters"][0]
            instance_arn = ecs.list_container_instances()["containerInstanceArns"][0]
            instance = ecs.describe_container_instances(containerInstances=[instance_arn])
            described = instance["containerInstances"][0]
            memory = next(
                r["integerValue"] for r in described["remainingResources"] if r["name"] == "MEMORY"
            )
            return (
                cluster["pendingTasksCount"],
                cluster["runningTasksCount"],
                described["pendingTasksCount"],
                described["runningTasksCount"],
                memory,
            )

        registered = counts()[4] + 128
        assert counts() == (1, 0, 1, 0, registered - 128)
        frozen.tick(5)
        assert counts() == (0, 1, 0, 1, registered - 128)
        ecs.stop_task(task=arn)
        frozen.tick(1)
        assert counts() == (0, 0, 0, 0, registered - 128)  # STOPPING still holds its resources
        frozen.tick(4)
        assert counts() == (0, 0, 0, 0, registered)
        mock.advance("STOPPED", task=arn)  # a second stop releases nothing more
        frozen.tick(3600)
        assert counts() == (0, 0, 0, 0, registered)


def test_dynamic_host_ports_differ_on_one_instance(ecs_mock: EcsMock, ecs: Any) -> None:
    instance = ecs_mock.add_container_instance("default")
    ecs_mock.register_task_definition(
        "many",
        containers=[
            {
                "name": "web",
                "image": "nginx",
                "memory": 8,
                "portMappings": [{"containerPort": 80}, {"containerPort": 81}],
            }
        ],
    )
    arns = [
        ecs.start_task(taskDefinition="many", containerInstances=[instance])["tasks"][0]["taskArn"]
        for _ in range(20)
    ]
    described = ecs.describe_tasks(tasks=arns)["tasks"]
    ports = [b["hostPort"] for t in described for b in t["containers"][0]["networkBindings"]]
    assert len(ports) == 40
    assert len(set(ports)) == 40
    assert all(49153 <= port <= 65535 for port in ports)


def test_negative_step_duration_is_refused() -> None:
    with pytest.raises(ValueError, match="pending_seconds must be a finite number >= 0"):
        mock_ecs(pending_seconds=-1)

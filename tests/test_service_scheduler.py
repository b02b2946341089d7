"""The service scheduler on the mock clock: launching to desiredCount through the launch
pipeline, replacing stopped tasks, scaling in, placement failures as events, throttled
retries, and that only due work runs."""

from __future__ import annotations

import re
from typing import Any

import pytest
from freezegun import freeze_time

from ecs_mock import EcsMock
from ecs_mock.backend import service_scheduler
from ecs_mock.backend.service_models import Service
from ecs_mock.backend.state import Region

T0 = "2025-06-01T00:00:00Z"
UNABLE = "was unable to place a task because no container instance met all of its requirements."
GUIDE = "For more information, see the Troubleshooting section of the Amazon ECS Developer Guide."


def _service(ecs: Any, name: str = "web", cluster: str = "default") -> dict[str, Any]:
    result: dict[str, Any] = ecs.describe_services(cluster=cluster, services=[name])["services"][0]
    return result


def _messages(ecs: Any, name: str = "web") -> list[str]:
    return [event["message"] for event in _service(ecs, name)["events"]]


def _tasks(ecs: Any, name: str = "web", desired: str = "RUNNING") -> list[dict[str, Any]]:
    arns = ecs.list_tasks(serviceName=name, desiredStatus=desired)["taskArns"]
    return ecs.describe_tasks(tasks=arns)["tasks"] if arns else []


@pytest.fixture
def app(ecs_mock: EcsMock) -> EcsMock:
    ecs_mock.register_task_definition("app")
    return ecs_mock


def test_stopped_tasks_are_replaced_from_their_deployment(app: EcsMock, ecs: Any) -> None:
    app.add_container_instance("default")
    ecs.create_service(serviceName="web", taskDefinition="app", desiredCount=2)
    victim = _tasks(ecs)[0]
    ecs.stop_task(task=victim["taskArn"], reason="testing")
    running = _tasks(ecs)
    assert len(running) == 2
    assert victim["taskArn"] not in {t["taskArn"] for t in running}
    assert {t["startedBy"] for t in running} == {victim["startedBy"]}
    new = next(t for t in running if t["createdAt"] > victim["createdAt"])
    messages = _messages(ecs)
    # A user's StopTask: no "has stopped" event, the replacement's "has started", steady again.
    assert messages[:2] == [
        "(service web) has reached a steady state.",
        f"(service web) has started 1 tasks: (task {new['taskArn'].rsplit('/', 1)[1]}).",
    ]
    assert not any("has stopped" in message for message in messages)
    (stopped,) = _tasks(ecs, desired="STOPPED")
    assert (stopped["stopCode"], stopped["stoppedReason"]) == ("UserInitiated", "testing")


def test_scale_in_stops_tasks_with_the_scheduler_stop_code(app: EcsMock, ecs: Any) -> None:
    app.add_container_instance("default", availability_zone="us-east-1a")
    app.add_container_instance("default", availability_zone="us-east-1b")
    ecs.create_service(serviceName="web", taskDefinition="app", desiredCount=4)
    ecs.update_service(service="web", desiredCount=1)
    service = _service(ecs)
    assert (service["desiredCount"], service["runningCount"]) == (1, 1)
    stopped = _tasks(ecs, desired="STOPPED")
    assert len(stopped) == 3
    deployment = service["deployments"][0]["id"]
    for task in stopped:
        assert task["stopCode"] == "ServiceSchedulerInitiated"
        assert task["stoppedReason"] == f"Scaling activity initiated by (deployment {deployment})"
    stopped_events = [m for m in _messages(ecs) if "has stopped" in m]
    assert len(stopped_events) == 1
    assert stopped_events[0].startswith("(service web) has stopped 3 running tasks: (task ")
    named = set(re.findall(r"\(task ([0-9a-f]{32})\)", stopped_events[0]))
    assert named == {t["taskArn"].rsplit("/", 1)[1] for t in stopped}
    # Zones stay balanced as far as they can: 2+2 became 1+0 by taking from the fuller first.
    ecs.update_service(service="web", desiredCount=2)
    assert sorted(t["availabilityZone"] for t in _tasks(ecs)) == ["us-east-1a", "us-east-1b"]


def test_placement_failures_are_events_not_errors(app: EcsMock, ecs: Any) -> None:
    ecs_mock = app
    ecs_mock.create_cluster("default")
    ecs.create_service(serviceName="web", taskDefinition="app", desiredCount=1)
    assert _messages(ecs)[0] == (
        "(service web) was unable to place a task because no container instance met all of its "
        f"requirements. Reason: No Container Instances were found in your cluster. {GUIDE}"
    )
    small = ecs_mock.add_container_instance("default", cpu=1024, memory=64)
    messages = _messages(ecs)
    small_id = small.rsplit("/", 1)[1]
    assert messages[0] == (
        f"(service web) {UNABLE} The closest matching (container-instance {small_id}) has "
        f"insufficient memory available. {GUIDE}"
    )
    assert _service(ecs)["runningCount"] == 0
    # The same message is not repeated while its cause lasts.
    ecs.update_service(service="web", desiredCount=1)
    assert _messages(ecs).count(messages[0]) == 1
    ecs_mock.add_container_instance("default")  # room at last: placed at once
    service = _service(ecs)
    assert service["runningCount"] == 1
    assert service["events"][0]["message"] == "(service web) has reached a steady state."


def test_port_conflict_names_the_closest_instance(ecs_mock: EcsMock, ecs: Any) -> None:
    web = {
        "name": "web",
        "image": "nginx",
        "memory": 64,
        "portMappings": [{"containerPort": 80, "hostPort": 8080}],
    }
    ecs_mock.register_task_definition("web", containers=[web])
    instance = ecs_mock.add_container_instance("default")
    ecs.create_service(serviceName="web", taskDefinition="web", desiredCount=2)
    service = _service(ecs)
    assert service["runningCount"] == 1
    assert (
        f"(service web) {UNABLE} The closest matching (container-instance "
        f"{instance.rsplit('/', 1)[1]}) is already using a port required by your task. {GUIDE}"
    ) in [event["message"] for event in service["events"]]


@pytest.mark.ecs_mock(pending_seconds=5)
def test_state_moves_with_the_clock_not_with_reads(app: EcsMock, ecs: Any) -> None:
    app.add_container_instance("default")
    with freeze_time(T0) as frozen:
        ecs.create_service(serviceName="web", taskDefinition="app", desiredCount=2)
        first = _service(ecs)
        for _ in range(3):
            assert _service(ecs) == first  # reading again at the same time changes nothing
        assert (first["pendingCount"], first["runningCount"]) == (2, 0)
        assert first["deployments"][0]["rolloutState"] == "IN_PROGRESS"
        frozen.tick(5)
        later = _service(ecs)
    assert (later["pendingCount"], later["runningCount"]) == (0, 2)
    assert later["deployments"][0]["rolloutState"] == "COMPLETED"


def test_only_due_work_runs(app: EcsMock, ecs: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    app.add_container_instance("default", cpu=8192, memory=16384)
    for name in ("a", "b", "c"):
        ecs.create_service(serviceName=name, taskDefinition="app", desiredCount=5)
    ecs.describe_services(services=["a", "b", "c"])
    ran: list[str] = []
    original = service_scheduler.run_step

    def counting(region: Region, service: Service, now: float, force: bool = False) -> None:
        ran.append(service.name)
        original(region, service, now, force)

    monkeypatch.setattr(service_scheduler, "run_step", counting)
    for _ in range(5):
        ecs.describe_services(services=["a", "b", "c"])
        ecs.list_tasks(serviceName="a")
        ecs.describe_clusters(clusters=["default"])
    assert ran == []  # steady services cost a read nothing
    ecs.stop_task(task=ecs.list_tasks(serviceName="b")["taskArns"][0])
    assert _service(ecs, "b")["runningCount"] == 5
    assert set(ran) == {"b"}  # only the service whose task changed took steps


def test_throttled_retries_back_off(app: EcsMock, ecs: Any) -> None:
    app.add_container_instance("default")
    with freeze_time(T0) as frozen:
        ecs.create_service(serviceName="web", taskDefinition="app", desiredCount=1)
        ecs.describe_services(services=["web"])
        app.fail_service_tasks("web", reason="CannotPullContainerError: no such image")
        ecs.update_service(service="web", forceNewDeployment=True)
        counts = []
        for _ in range(8):
            primary = _service(ecs)["deployments"][0]
            counts.append(primary["failedTasks"])
            frozen.tick(10)
        # Four starts at once (the first try and three immediate retries), then 10 s, 20 s, 40 s.
        assert counts == [4, 5, 5, 6, 6, 6, 6, 7]
        messages = _messages(ecs)
        throttled = "(service web) is unable to consistently start tasks successfully."
        assert messages.count(throttled) == 1
        failed = [t for t in _tasks(ecs, desired="STOPPED") if t["stopCode"] == "TaskFailedToStart"]
        assert {t["stoppedReason"] for t in failed} == {"CannotPullContainerError: no such image"}
        assert all("startedAt" not in t for t in failed)
        # The old deployment kept its task throughout (minimumHealthyPercent 100).
        assert _service(ecs)["runningCount"] == 1


def test_tags_propagate_to_service_tasks(app: EcsMock, ecs: Any) -> None:
    app.register_task_definition("tagged", tags=[{"key": "from", "value": "definition"}])
    app.add_container_instance("default")
    ecs.create_service(
        serviceName="web",
        taskDefinition="app",
        desiredCount=1,
        tags=[{"key": "from", "value": "service"}],
        propagateTags="SERVICE",
        enableECSManagedTags=True,
    )
    ecs.create_service(
        serviceName="job", taskDefinition="tagged", desiredCount=1, propagateTags="TASK_DEFINITION"
    )
    web = ecs.describe_tasks(tasks=ecs.list_tasks(serviceName="web")["taskArns"], include=["TAGS"])
    assert web["tasks"][0]["tags"] == [
        {"key": "from", "value": "service"},
        {"key": "aws:ecs:clusterName", "value": "default"},
        {"key": "aws:ecs:serviceName", "value": "web"},
    ]
    job = ecs.describe_tasks(tasks=ecs.list_tasks(serviceName="job")["taskArns"], include=["TAGS"])
    assert job["tasks"][0]["tags"] == [{"key": "from", "value": "definition"}]


def test_fargate_capacity_unavailable_is_an_event(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.create_cluster("default")
    ecs_mock.register_task_definition(
        "job",
        containers=[{"name": "app", "image": "busybox"}],
        networkMode="awsvpc",
        cpu="256",
        memory="512",
    )
    ecs_mock.set_capacity("FARGATE", available=False)
    ecs.create_service(
        serviceName="web",
        taskDefinition="job",
        desiredCount=1,
        launchType="FARGATE",
        networkConfiguration={"awsvpcConfiguration": {"subnets": ["subnet-a"]}},
    )
    assert _messages(ecs)[0] == (
        "(service web) was unable to place a task. Reason: Capacity is unavailable at this "
        f"time. Please try again later or in a different availability zone. {GUIDE}"
    )
    ecs_mock.set_capacity("FARGATE", available=True)
    ecs_mock.advance_scheduler("web")
    assert _service(ecs)["runningCount"] == 1


@pytest.mark.ecs_mock(service_healthy_after_seconds=30)
def test_a_deployment_waits_for_healthy_tasks(app: EcsMock, ecs: Any) -> None:
    app.add_container_instance("default")
    with freeze_time(T0) as frozen:
        ecs.create_service(serviceName="web", taskDefinition="app", desiredCount=1)
        assert _service(ecs)["deployments"][0]["rolloutState"] == "IN_PROGRESS"
        frozen.tick(29)
        assert _service(ecs)["deployments"][0]["rolloutState"] == "IN_PROGRESS"
        frozen.tick(1)
        assert _service(ecs)["deployments"][0]["rolloutState"] == "COMPLETED"


def test_steady_state_message_repeats_every_six_hours(app: EcsMock, ecs: Any) -> None:
    app.add_container_instance("default")
    with freeze_time(T0) as frozen:
        ecs.create_service(serviceName="web", taskDefinition="app", desiredCount=1)
        assert _messages(ecs).count("(service web) has reached a steady state.") == 1
        frozen.tick(6 * 3600 - 1)
        assert _messages(ecs).count("(service web) has reached a steady state.") == 1
        frozen.tick(1)
        assert _messages(ecs).count("(service web) has reached a steady state.") == 2


def test_events_keep_the_latest_hundred(app: EcsMock, ecs: Any) -> None:
    app.add_container_instance("default")
    ecs.create_service(serviceName="web", taskDefinition="app", desiredCount=1)
    for _ in range(60):
        ecs.stop_task(task=ecs.list_tasks(serviceName="web")["taskArns"][0])
    events = _service(ecs)["events"]
    assert len(events) == 100
    stamps = [event["createdAt"] for event in events]
    assert stamps == sorted(stamps, reverse=True)

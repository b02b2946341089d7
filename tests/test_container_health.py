"""Container health as a test control (`set_container_health`): a standalone task reports it
and keeps running; a service's unhealthy task is replaced first, then stopped ("Task failed
container health checks"), after the service's grace period, counting for the circuit breaker.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from freezegun import freeze_time

from ecs_mock import EcsMock
from ecs_mock.server import ServerApp, ServerOptions

T0 = "2025-06-01T00:00:00Z"
CHECK = {"command": ["CMD-SHELL", "curl -f http://localhost/ || exit 1"]}
APP = {"name": "app", "image": "nginx", "memory": 64, "healthCheck": CHECK}
TARGET_GROUP = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tg/abc"
ALB = {"targetGroupArn": TARGET_GROUP, "containerName": "app", "containerPort": 80}
REASON = "Task failed container health checks"


def _task(ecs: Any, arn: str) -> dict[str, Any]:
    found: dict[str, Any] = ecs.describe_tasks(tasks=[arn])["tasks"][0]
    return found


def _health(task: dict[str, Any]) -> dict[str, str]:
    return {c["name"]: c["healthStatus"] for c in task["containers"]}


def _service(ecs: Any) -> dict[str, Any]:
    found: dict[str, Any] = ecs.describe_services(services=["web"])["services"][0]
    return found


def _messages(ecs: Any) -> list[str]:
    return [event["message"] for event in _service(ecs)["events"]]


def _arns(ecs: Any, desired: str = "RUNNING") -> list[str]:
    arns: list[str] = ecs.list_tasks(serviceName="web", desiredStatus=desired)["taskArns"]
    return arns


def _id(arn: str) -> str:
    return arn.rsplit("/", 1)[1]


def _behind_alb(ecs: Any, desired: int, grace: int) -> None:
    """The `web` service behind a target group, with a health check grace period."""
    ecs.create_service(
        serviceName="web",
        taskDefinition="app",
        desiredCount=desired,
        loadBalancers=[ALB],
        healthCheckGracePeriodSeconds=grace,
    )


@pytest.fixture
def app(ecs_mock: EcsMock) -> EcsMock:
    ecs_mock.register_task_definition("app", containers=[dict(APP)])
    ecs_mock.add_container_instance("default")
    return ecs_mock


# -- standalone tasks -----------------------------------------------------------------------


def test_a_standalone_task_reports_unhealthy_and_keeps_running(app: EcsMock, ecs: Any) -> None:
    arn = ecs.run_task(taskDefinition="app")["tasks"][0]["taskArn"]
    before = _task(ecs, arn)
    assert (before["healthStatus"], _health(before)) == ("HEALTHY", {"app": "HEALTHY"})
    app.set_container_health(arn)
    task = _task(ecs, arn)
    assert (task["lastStatus"], task["desiredStatus"]) == ("RUNNING", "RUNNING")
    assert (task["healthStatus"], _health(task)) == ("UNHEALTHY", {"app": "UNHEALTHY"})
    assert task["version"] == before["version"] + 1
    assert "stopCode" not in task
    # The change is a task state change event, showing the new health.
    last = app.events("ECS Task State Change", task=arn)[-1]["detail"]
    assert (last["healthStatus"], last["containers"][0]["healthStatus"]) == ("UNHEALTHY",) * 2
    assert last["version"] == task["version"]
    app.set_container_health(arn, "app", status="HEALTHY")
    healthy_again = _task(ecs, arn)
    assert (healthy_again["healthStatus"], healthy_again["lastStatus"]) == ("HEALTHY", "RUNNING")
    # The same status again changes nothing: no new version, no event.
    events = len(app.events(task=arn))
    app.set_container_health(arn, status="HEALTHY")
    assert _task(ecs, arn)["version"] == healthy_again["version"]
    assert len(app.events(task=arn)) == events


def test_unknown_makes_the_task_unknown(app: EcsMock, ecs: Any) -> None:
    arn = ecs.run_task(taskDefinition="app")["tasks"][0]["taskArn"]
    app.set_container_health(arn, status="UNKNOWN")
    task = _task(ecs, arn)
    assert (task["healthStatus"], _health(task)) == ("UNKNOWN", {"app": "UNKNOWN"})


def test_a_non_essential_container_does_not_count_beside_an_essential_check(
    app: EcsMock, ecs: Any
) -> None:
    side = {"name": "side", "image": "busybox", "memory": 32, "essential": False}
    app.register_task_definition("pair", containers=[dict(APP), {**side, "healthCheck": CHECK}])
    arn = ecs.run_task(taskDefinition="pair")["tasks"][0]["taskArn"]
    app.set_container_health(arn, "side")
    task = _task(ecs, arn)
    assert _health(task) == {"app": "HEALTHY", "side": "UNHEALTHY"}
    assert task["healthStatus"] == "HEALTHY"
    app.set_container_health(arn, "app")
    assert _task(ecs, arn)["healthStatus"] == "UNHEALTHY"


def test_a_non_essential_check_counts_when_no_essential_container_has_one(
    app: EcsMock, ecs: Any
) -> None:
    main = {"name": "main", "image": "nginx", "memory": 64}
    side = {"name": "side", "image": "busybox", "memory": 32, "essential": False}
    app.register_task_definition("pair", containers=[main, {**side, "healthCheck": CHECK}])
    arn = ecs.run_task(taskDefinition="pair")["tasks"][0]["taskArn"]
    assert _task(ecs, arn)["healthStatus"] == "HEALTHY"
    app.set_container_health(arn)  # every container with a healthCheck: just `side`
    task = _task(ecs, arn)
    assert _health(task) == {"main": "UNKNOWN", "side": "UNHEALTHY"}
    assert task["healthStatus"] == "UNHEALTHY"


@pytest.mark.ecs_mock(pending_seconds=5)
def test_misuse_is_refused_before_anything_changes(app: EcsMock, ecs: Any) -> None:
    plain = {"name": "plain", "image": "busybox", "memory": 32, "essential": False}
    app.register_task_definition("mixed", containers=[dict(APP), plain])
    app.register_task_definition("bare", containers=[{**plain, "essential": True}])
    with freeze_time(T0) as frozen:
        mixed = ecs.run_task(taskDefinition="mixed")["tasks"][0]["taskArn"]
        bare = ecs.run_task(taskDefinition="bare")["tasks"][0]["taskArn"]
        with pytest.raises(ValueError, match="is PENDING, not RUNNING"):
            app.set_container_health(mixed)
        frozen.tick(5)
        before = _task(ecs, mixed)
        with pytest.raises(ValueError, match="'plain' has no healthCheck"):
            app.set_container_health(mixed, "plain")
        with pytest.raises(ValueError, match="no container named 'nope'"):
            app.set_container_health(mixed, "nope")
        with pytest.raises(ValueError, match="status must be one of HEALTHY, UNHEALTHY, UNKNOWN"):
            app.set_container_health(mixed, status="SICK")
        with pytest.raises(ValueError, match="no running container with a healthCheck"):
            app.set_container_health(bare)
        with pytest.raises(ValueError, match="no task"):
            app.set_container_health("0" * 32)
        assert _task(ecs, mixed) == before
        ecs.stop_task(task=mixed)
        frozen.tick(1)
        with pytest.raises(ValueError, match="not RUNNING"):
            app.set_container_health(mixed)


# -- service tasks --------------------------------------------------------------------------


def test_a_service_task_is_replaced_then_stopped(app: EcsMock, ecs: Any) -> None:
    ecs.create_service(serviceName="web", taskDefinition="app", desiredCount=1)
    (sick,) = _arns(ecs)
    deployment = _service(ecs)["deployments"][0]["id"]
    app.set_container_health(sick)
    (replacement,) = _arns(ecs)
    assert replacement != sick
    stopped = _task(ecs, sick)
    assert (stopped["lastStatus"], stopped["healthStatus"]) == ("STOPPED", "UNHEALTHY")
    assert (stopped["stopCode"], stopped["stoppedReason"]) == ("ServiceSchedulerInitiated", REASON)
    new = _task(ecs, replacement)
    assert (new["startedBy"], new["healthStatus"]) == (deployment, "HEALTHY")
    # Newest first: the replacement's start (before the stop), E10, E3, then steady again.
    assert _messages(ecs)[1:4] == [
        f"(service web) has stopped 1 running tasks: (task {_id(sick)}).",
        f"(service web) (task {_id(sick)}) failed container health checks.",
        f"(service web) has started 1 tasks: (task {_id(replacement)}). Amazon ECS replaced 1 "
        "tasks due to an unhealthy status.",
    ]
    assert _messages(ecs)[0] == "(service web) has reached a steady state."
    assert _service(ecs)["runningCount"] == 1


@pytest.mark.ecs_mock(pending_seconds=5)
def test_failed_tasks_counts_the_unhealthy_task_until_one_runs(app: EcsMock, ecs: Any) -> None:
    with freeze_time(T0) as frozen:
        ecs.create_service(serviceName="web", taskDefinition="app", desiredCount=2)
        frozen.tick(5)
        sick = _arns(ecs)[0]
        assert _service(ecs)["deployments"][0]["failedTasks"] == 0
        app.set_container_health(sick)
        service = _service(ecs)
        assert service["deployments"][0]["failedTasks"] == 1
        assert (service["runningCount"], service["pendingCount"]) == (1, 1)
        frozen.tick(5)  # the replacement runs: "the failed task count resets to zero"
        service = _service(ecs)
        assert service["deployments"][0]["failedTasks"] == 0
        assert service["runningCount"] == 2


@pytest.mark.ecs_mock(pending_seconds=5, service_healthy_after_seconds=60)
def test_unhealthy_tasks_trip_the_circuit_breaker(app: EcsMock, ecs: Any) -> None:
    breaker = {"deploymentCircuitBreaker": {"enable": True, "rollback": False}}
    with freeze_time(T0) as frozen:
        ecs.create_service(
            serviceName="web",
            taskDefinition="app",
            desiredCount=3,
            deploymentConfiguration=breaker,
        )
        frozen.tick(10)
        first = _arns(ecs)
        assert len(first) == 3
        for arn in first[:2]:
            app.set_container_health(arn)
        assert _service(ecs)["deployments"][0]["rolloutState"] == "IN_PROGRESS"
        app.set_container_health(first[2])  # the third: threshold min(200, max(3, ceil(1.5)))
        primary = _service(ecs)["deployments"][0]
        assert (primary["rolloutState"], primary["failedTasks"]) == ("FAILED", 3)
        assert primary["rolloutStateReason"] == (
            "ECS deployment circuit breaker: tasks failed to start."
        )
        assert any("deployment failed: tasks failed to start." in m for m in _messages(ecs))


@pytest.mark.ecs_mock(stopping_seconds=5)
def test_without_room_the_unhealthy_task_goes_first(app: EcsMock, ecs: Any) -> None:
    with freeze_time(T0) as frozen:
        ecs.create_service(
            serviceName="web",
            taskDefinition="app",
            desiredCount=1,
            deploymentConfiguration={"maximumPercent": 100, "minimumHealthyPercent": 0},
        )
        (sick,) = _arns(ecs)
        app.set_container_health(sick)
        assert _arns(ecs) == []  # maximumPercent leaves no room: stopped first
        assert _task(ecs, sick)["stoppedReason"] == REASON
        assert _messages(ecs)[:2] == [
            f"(service web) has stopped 1 running tasks: (task {_id(sick)}).",
            f"(service web) (task {_id(sick)}) failed container health checks.",
        ]
        frozen.tick(5)  # stopped: room for its replacement, started as any other
        (replacement,) = _arns(ecs)
        assert f"(service web) has started 1 tasks: (task {_id(replacement)})." in _messages(ecs)


@pytest.fixture
def balanced(ecs_mock: EcsMock) -> EcsMock:
    web = {**APP, "portMappings": [{"containerPort": 80}]}
    ecs_mock.register_task_definition("app", containers=[web])
    ecs_mock.add_container_instance("default")
    return ecs_mock


def test_the_grace_period_holds_off_the_replacement(balanced: EcsMock, ecs: Any) -> None:
    with freeze_time(T0) as frozen:
        _behind_alb(ecs, desired=1, grace=60)
        (sick,) = _arns(ecs)
        frozen.tick(10)
        balanced.set_container_health(sick)
        frozen.tick(49)  # 59 s after it started: still in its grace period
        assert _arns(ecs) == [sick]
        assert _task(ecs, sick)["healthStatus"] == "UNHEALTHY"
        assert not any("failed container health checks" in m for m in _messages(ecs))
        frozen.tick(1)  # the period is over: the scheduler wakes by itself, no call needed
        (replacement,) = _arns(ecs)
        assert replacement != sick
        assert _task(ecs, sick)["stoppedReason"] == REASON


def test_healthy_again_within_the_grace_period_stays(balanced: EcsMock, ecs: Any) -> None:
    with freeze_time(T0) as frozen:
        _behind_alb(ecs, desired=1, grace=60)
        (task,) = _arns(ecs)
        balanced.set_container_health(task)
        frozen.tick(30)
        balanced.set_container_health(task, status="HEALTHY")
        frozen.tick(3600)
        assert _arns(ecs) == [task]
        assert _service(ecs)["deployments"][0]["failedTasks"] == 0


def test_scale_in_takes_an_unhealthy_task_first(balanced: EcsMock, ecs: Any) -> None:
    balanced.add_container_instance("default")
    with freeze_time(T0) as frozen:
        _behind_alb(ecs, desired=3, grace=600)
        tasks = sorted(_arns(ecs), key=lambda arn: _task(ecs, arn)["createdAt"])
        frozen.tick(1)
        balanced.set_container_health(tasks[0])  # the oldest: never the default pick
        ecs.update_service(service="web", desiredCount=2)
        assert tasks[0] not in _arns(ecs)
        stopped = _task(ecs, tasks[0])
        assert stopped["stoppedReason"].startswith("Scaling activity initiated by")


# -- the state file ---------------------------------------------------------------------------


def test_health_and_the_grace_period_wake_survive_a_reload(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    live = ServerApp(ServerOptions(state_file=path, seed=5))
    view = live.view()
    with freeze_time(T0) as frozen:
        web = {**APP, "portMappings": [{"containerPort": 80}]}
        view.register_task_definition("app", containers=[web])
        view.add_container_instance("default")
        alone = view.call("RunTask", taskDefinition="app")["tasks"][0]["taskArn"]
        view.set_container_health(alone)
        view.call(
            "CreateService",
            serviceName="web",
            taskDefinition="app",
            desiredCount=1,
            loadBalancers=[ALB],
            healthCheckGracePeriodSeconds=60,
        )
        (sick,) = view.call("ListTasks", serviceName="web")["taskArns"]
        view.set_container_health(sick)
        before = view.call("DescribeTasks", tasks=[alone, sick])["tasks"]
        live.close()
        loaded = ServerApp(ServerOptions(state_file=path, seed=5))
        try:
            again = loaded.view()
            assert again.call("DescribeTasks", tasks=[alone, sick])["tasks"] == before
            assert [t["healthStatus"] for t in before] == ["UNHEALTHY", "UNHEALTHY"]
            frozen.tick(60)  # the queued step at the grace period's end was kept
            (replacement,) = again.call("ListTasks", serviceName="web")["taskArns"]
            assert replacement != sick
            tasks = again.call("DescribeTasks", tasks=[alone, sick])["tasks"]
            assert [t["lastStatus"] for t in tasks] == ["RUNNING", "STOPPED"]
            assert tasks[1]["stoppedReason"] == REASON
        finally:
            loaded.close()

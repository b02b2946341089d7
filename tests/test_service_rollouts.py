"""Rolling deployments step by step within minimumHealthyPercent / maximumPercent, the circuit
breaker and its rollback, alarms, forceNewDeployment, and the configuration-blocked event."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import WaiterError
from freezegun import freeze_time

from ecs_mock import EcsMock
from ecs_mock._schema import shape_members

T0 = "2025-06-01T00:00:00Z"
PREFIX = "arn:aws:ecs:us-east-1:123456789012"


def _service(ecs: Any) -> dict[str, Any]:
    result: dict[str, Any] = ecs.describe_services(services=["web"])["services"][0]
    return result


def _view(ecs: Any) -> list[tuple[str, str, int, int, int, str]]:
    """Each deployment as (revision, status, desired, running, pending, rolloutState)."""
    return [
        (
            d["taskDefinition"].rsplit("/", 1)[1],
            d["status"],
            d["desiredCount"],
            d["runningCount"],
            d["pendingCount"],
            d["rolloutState"],
        )
        for d in _service(ecs)["deployments"]
    ]


def _messages(ecs: Any) -> list[str]:
    return [event["message"] for event in _service(ecs)["events"]]


@pytest.fixture
def two_revisions(ecs_mock: EcsMock) -> EcsMock:
    ecs_mock.register_task_definition("app")
    ecs_mock.register_task_definition("app")
    ecs_mock.add_container_instance("default", availability_zone="us-east-1a")
    ecs_mock.add_container_instance("default", availability_zone="us-east-1b")
    return ecs_mock


@pytest.mark.ecs_mock(pending_seconds=5, stopping_seconds=5)
def test_rolling_update_step_by_step_at_half_capacity(two_revisions: EcsMock, ecs: Any) -> None:
    config = {"minimumHealthyPercent": 50, "maximumPercent": 100}
    with freeze_time(T0) as frozen:
        ecs.create_service(
            serviceName="web",
            taskDefinition="app:1",
            desiredCount=4,
            deploymentConfiguration=config,
        )
        frozen.tick(5)
        assert _view(ecs) == [("app:1", "PRIMARY", 4, 4, 0, "COMPLETED")]
        updated = ecs.update_service(service="web", taskDefinition="app:2")["service"]
        new_id = updated["deployments"][0]["id"]
        # The response: before the scheduler's step, the new PRIMARY at 0.
        assert [(d["status"], d["desiredCount"]) for d in updated["deployments"]] == [
            ("PRIMARY", 0),
            ("ACTIVE", 4),
        ]
        steps = []
        for _ in range(5):
            steps.append(_view(ecs))
            frozen.tick(5)
        assert steps == [
            # t+0: up = 4 leaves no room; floor 2 lets two old tasks go at once.
            [
                ("app:2", "PRIMARY", 4, 0, 0, "IN_PROGRESS"),
                ("app:1", "ACTIVE", 2, 2, 0, "COMPLETED"),
            ],
            # t+5: those two stopped; two new ones start (PENDING for 5 s).
            [
                ("app:2", "PRIMARY", 4, 0, 2, "IN_PROGRESS"),
                ("app:1", "ACTIVE", 2, 2, 0, "COMPLETED"),
            ],
            # t+10: the new two run (healthy: 4), so the last two old ones may stop.
            [
                ("app:2", "PRIMARY", 4, 2, 0, "IN_PROGRESS"),
                ("app:1", "ACTIVE", 0, 0, 0, "COMPLETED"),
            ],
            # t+15: old deployment drained and removed; the last two new ones start.
            [("app:2", "PRIMARY", 4, 2, 2, "IN_PROGRESS")],
            # t+20: done.
            [("app:2", "PRIMARY", 4, 4, 0, "COMPLETED")],
        ]
        messages = _messages(ecs)
        assert messages[:2] == [
            "(service web) has reached a steady state.",
            f"(service web) (deployment {new_id}) deployment completed.",
        ]
        assert sum("has stopped 2 running tasks" in m for m in messages) == 2
        ecs.get_waiter("services_stable").wait(services=["web"], WaiterConfig={"MaxAttempts": 1})
        old_tasks = ecs.list_tasks(serviceName="web", desiredStatus="STOPPED")["taskArns"]
        old = ecs.describe_tasks(tasks=old_tasks)["tasks"]
    old_id = updated["deployments"][1]["id"]
    assert {(t["stopCode"], t["stoppedReason"]) for t in old} == {
        ("ServiceSchedulerInitiated", f"Scaling activity initiated by (deployment {old_id})")
    }


@pytest.mark.ecs_mock(pending_seconds=5)
def test_maximum_200_starts_the_new_tasks_before_stopping_old(
    two_revisions: EcsMock, ecs: Any
) -> None:
    with freeze_time(T0) as frozen:
        ecs.create_service(serviceName="web", taskDefinition="app:1", desiredCount=2)
        frozen.tick(5)
        ecs.update_service(service="web", taskDefinition="app:2")
        assert _view(ecs) == [
            ("app:2", "PRIMARY", 2, 0, 2, "IN_PROGRESS"),
            ("app:1", "ACTIVE", 2, 2, 0, "COMPLETED"),
        ]
        assert _service(ecs)["runningCount"] == 2  # minimumHealthyPercent 100 holds
        frozen.tick(5)
        assert _view(ecs) == [("app:2", "PRIMARY", 2, 2, 0, "COMPLETED")]


def test_a_deployment_the_configuration_blocks_is_reported(
    two_revisions: EcsMock, ecs: Any
) -> None:
    config = {"minimumHealthyPercent": 100, "maximumPercent": 100}
    ecs.create_service(
        serviceName="web", taskDefinition="app:1", desiredCount=2, deploymentConfiguration=config
    )
    ecs.update_service(service="web", taskDefinition="app:2")
    assert _view(ecs) == [
        ("app:2", "PRIMARY", 2, 0, 0, "IN_PROGRESS"),
        ("app:1", "ACTIVE", 2, 2, 0, "COMPLETED"),
    ]
    blocked = (
        "(service web) was unable to stop or start tasks during a deployment because of the "
        "service deployment configuration. Update the minimumHealthyPercent or maximumPercent "
        "value and try again."
    )
    assert _messages(ecs)[0] == blocked
    ecs.describe_services(services=["web"])
    assert _messages(ecs).count(blocked) == 1  # once
    ecs.update_service(service="web", deploymentConfiguration={"maximumPercent": 200})
    assert _view(ecs) == [("app:2", "PRIMARY", 2, 2, 0, "COMPLETED")]


def test_force_new_deployment_replaces_every_task(two_revisions: EcsMock, ecs: Any) -> None:
    ecs.create_service(serviceName="web", taskDefinition="app:1", desiredCount=2)
    before = set(ecs.list_tasks(serviceName="web")["taskArns"])
    forced = ecs.update_service(service="web", forceNewDeployment=True)["service"]
    assert forced["deployments"][0]["taskDefinition"].endswith("app:1")
    after = set(ecs.list_tasks(serviceName="web")["taskArns"])
    assert len(after) == 2
    assert not before & after
    assert _view(ecs) == [("app:1", "PRIMARY", 2, 2, 0, "COMPLETED")]


def test_circuit_breaker_rolls_back_to_the_last_completed_deployment(
    two_revisions: EcsMock, ecs: Any
) -> None:
    breaker = {"deploymentCircuitBreaker": {"enable": True, "rollback": True}}
    created = ecs.create_service(
        serviceName="web", taskDefinition="app:1", desiredCount=2, deploymentConfiguration=breaker
    )
    old_id = created["service"]["deployments"][0]["id"]
    before = set(ecs.list_tasks(serviceName="web")["taskArns"])
    two_revisions.fail_service_tasks("web", task_definition="app:2")
    failed_id = ecs.update_service(service="web", taskDefinition="app:2")["service"]["deployments"][
        0
    ]["id"]
    # The first poll: the breaker (threshold 3 for 2 tasks) tripped, the rollback completed.
    ecs.get_waiter("services_stable").wait(services=["web"], WaiterConfig={"MaxAttempts": 1})
    service = _service(ecs)
    (primary,) = service["deployments"]
    assert primary["id"] == old_id  # the old deployment, with its old id
    assert primary["taskDefinition"].endswith("app:1")
    assert primary["rolloutState"] == "COMPLETED"
    assert service["taskDefinition"].endswith("app:1")
    assert set(ecs.list_tasks(serviceName="web")["taskArns"]) == before  # old tasks never left
    messages = list(reversed(_messages(ecs)))  # oldest first
    tail = messages[messages.index(f"(service web) rolling back to deployment {old_id}.") - 1 :]
    assert tail == [
        f"(service web) (deployment {failed_id}) deployment failed: tasks failed to start.",
        f"(service web) rolling back to deployment {old_id}.",
        f"(service web) (deployment {old_id}) deployment completed.",
        "(service web) has reached a steady state.",
    ]
    stopped = ecs.describe_tasks(
        tasks=ecs.list_tasks(serviceName="web", desiredStatus="STOPPED")["taskArns"]
    )["tasks"]
    assert len(stopped) == 4  # two batches of two: the second passed the threshold of 3
    assert {t["stopCode"] for t in stopped} == {"TaskFailedToStart"}
    if hasattr(ecs, "list_service_deployments"):
        briefs = ecs.list_service_deployments(service="web")["serviceDeployments"]
        assert [b["status"] for b in briefs] == ["ROLLBACK_SUCCESSFUL", "SUCCESSFUL"]
        (record,) = ecs.describe_service_deployments(
            serviceDeploymentArns=[briefs[0]["serviceDeploymentArn"]]
        )["serviceDeployments"]
        assert record["deploymentCircuitBreaker"] == {
            "status": "TRIGGERED",
            "failureCount": 4,
            "threshold": 3,
        }
        assert record["rollback"]["serviceRevisionArn"].endswith(old_id.split("/")[1])
        assert record["statusReason"] == "ECS deployment circuit breaker: tasks failed to start."


@pytest.mark.ecs_mock(pending_seconds=5)
def test_rollback_target_shows_its_reason_while_rolling_back(
    two_revisions: EcsMock, ecs: Any
) -> None:
    breaker = {
        "deploymentCircuitBreaker": {"enable": True, "rollback": True},
        "minimumHealthyPercent": 0,
    }
    with freeze_time(T0) as frozen:
        created = ecs.create_service(
            serviceName="web",
            taskDefinition="app:1",
            desiredCount=2,
            deploymentConfiguration=breaker,
        )
        old_id = created["service"]["deployments"][0]["id"]
        frozen.tick(5)
        two_revisions.fail_service_tasks("web", task_definition="app:2")
        ecs.update_service(service="web", taskDefinition="app:2")
        # minimumHealthyPercent 0: the old tasks go at once; the new ones fail as they would
        # have started running (after pending_seconds), two by two.
        assert _view(ecs) == [("app:2", "PRIMARY", 2, 0, 2, "IN_PROGRESS")]
        frozen.tick(5)
        assert _view(ecs) == [("app:2", "PRIMARY", 2, 0, 2, "IN_PROGRESS")]
        frozen.tick(5)
        (primary,) = _service(ecs)["deployments"]  # the failed one had no task left
        assert (primary["id"], primary["rolloutState"]) == (old_id, "IN_PROGRESS")
        assert primary["rolloutStateReason"] == (
            f"ECS deployment circuit breaker: rolling back to deploymentId {old_id}."
        )
        assert (primary["pendingCount"], primary["taskDefinition"][-5:]) == (2, "app:1")
        frozen.tick(5)
        assert _view(ecs) == [("app:1", "PRIMARY", 2, 2, 0, "COMPLETED")]


def test_circuit_breaker_without_rollback_leaves_the_failed_deployment(
    two_revisions: EcsMock, ecs: Any
) -> None:
    breaker = {"deploymentCircuitBreaker": {"enable": True, "rollback": False}}
    ecs.create_service(
        serviceName="web", taskDefinition="app:1", desiredCount=2, deploymentConfiguration=breaker
    )
    two_revisions.fail_service_tasks("web", task_definition="app:2")
    ecs.update_service(service="web", taskDefinition="app:2")
    assert _view(ecs) == [
        ("app:2", "PRIMARY", 2, 0, 0, "FAILED"),
        ("app:1", "ACTIVE", 2, 2, 0, "COMPLETED"),
    ]
    primary = _service(ecs)["deployments"][0]
    assert primary["rolloutStateReason"] == "ECS deployment circuit breaker: tasks failed to start."
    assert primary["failedTasks"] == 4
    launched = len(ecs.list_tasks(serviceName="web", desiredStatus="STOPPED")["taskArns"])
    ecs_mock = two_revisions
    ecs_mock.advance_scheduler("web")
    # A FAILED deployment launches no more tasks.
    assert len(ecs.list_tasks(serviceName="web", desiredStatus="STOPPED")["taskArns"]) == launched
    with pytest.raises(WaiterError):
        ecs.get_waiter("services_stable").wait(
            services=["web"], WaiterConfig={"MaxAttempts": 1, "Delay": 0}
        )


@pytest.mark.skipif(
    "thresholdConfiguration" not in shape_members("DeploymentCircuitBreaker"),
    reason="this botocore's ECS model has no circuit breaker thresholdConfiguration",
)
def test_breaker_threshold_follows_the_desired_count(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.register_task_definition("app")
    ecs_mock.add_container_instance("default", cpu=10240, memory=16384)
    breaker = {"deploymentCircuitBreaker": {"enable": True, "rollback": False}}
    ecs_mock.register_task_definition("app")
    ecs.create_service(
        serviceName="web", taskDefinition="app:1", desiredCount=10, deploymentConfiguration=breaker
    )
    ecs_mock.fail_service_tasks("web", task_definition="app:2")
    ecs.update_service(service="web", taskDefinition="app:2")
    primary = _service(ecs)["deployments"][0]
    # ceil(0.5 x 10) = 5: the ten tasks of the first batch all failed, and it tripped.
    assert (primary["rolloutState"], primary["failedTasks"]) == ("FAILED", 10)
    custom = {
        "deploymentCircuitBreaker": {
            "enable": True,
            "rollback": False,
            "thresholdConfiguration": {"type": "COUNT", "value": 45},
        }
    }
    ecs_mock.register_task_definition("app")
    ecs.update_service(service="web", taskDefinition="app:3", deploymentConfiguration=custom)
    ecs_mock.fail_service_tasks("web", task_definition="app:3")
    primary = _service(ecs)["deployments"][0]
    # Four batches of ten failed (the first try, three immediate retries): 40 < 45.
    assert (primary["rolloutState"], primary["failedTasks"]) == ("IN_PROGRESS", 40)


@pytest.mark.ecs_mock(pending_seconds=5)
def test_an_alarm_fails_the_deployment_and_rolls_back(two_revisions: EcsMock, ecs: Any) -> None:
    alarms = {"alarms": {"alarmNames": ["latency"], "enable": True, "rollback": True}}
    with freeze_time(T0) as frozen:
        created = ecs.create_service(
            serviceName="web",
            taskDefinition="app:1",
            desiredCount=1,
            deploymentConfiguration=alarms,
        )
        old_id = created["service"]["deployments"][0]["id"]
        frozen.tick(5)
        new_id = ecs.update_service(service="web", taskDefinition="app:2")["service"][
            "deployments"
        ][0]["id"]
        assert _service(ecs)["deployments"][0]["rolloutState"] == "IN_PROGRESS"
        two_revisions.set_alarm_state("latency", "ALARM")
        service = _service(ecs)
        # The old deployment, PRIMARY again, still ran its task: complete at once; the failed
        # deployment's starting task was stopped, and the deployment went with it.
        assert [d["id"] for d in service["deployments"]] == [old_id]
        assert _view(ecs) == [("app:1", "PRIMARY", 1, 1, 0, "COMPLETED")]
        messages = [e["message"] for e in service["events"]]
        assert messages.index(f"(service web) rolling back to deployment {old_id}.") == (
            messages.index(
                f"(service web) (deployment {new_id}) deployment failed: alarm detected."
            )
            - 1
        )
        # The rollback ignores the alarm that was already in ALARM when it began.
        frozen.tick(5)
        assert _view(ecs) == [("app:1", "PRIMARY", 1, 1, 0, "COMPLETED")]
        if hasattr(ecs, "list_service_deployments"):
            brief = ecs.list_service_deployments(service="web")["serviceDeployments"][0]
            record = ecs.describe_service_deployments(
                serviceDeploymentArns=[brief["serviceDeploymentArn"]]
            )["serviceDeployments"][0]
            assert record["alarms"] == {
                "status": "TRIGGERED",
                "alarmNames": ["latency"],
                "triggeredAlarmNames": ["latency"],
            }
            assert record["status"] == "ROLLBACK_SUCCESSFUL"
            assert record["statusReason"] == "ECS deployment alarms triggered."


@pytest.mark.ecs_mock(pending_seconds=5)
def test_an_update_during_a_deployment_supersedes_it(two_revisions: EcsMock, ecs: Any) -> None:
    two_revisions.register_task_definition("app")
    with freeze_time(T0) as frozen:
        ecs.create_service(serviceName="web", taskDefinition="app:1", desiredCount=1)
        frozen.tick(5)
        ecs.update_service(service="web", taskDefinition="app:2")
        assert _service(ecs)["pendingCount"] == 1  # app:2's task is starting
        ecs.update_service(service="web", taskDefinition="app:3")
        # app:2's task was not healthy yet: it is the first to go, and app:2 with it.
        assert [d[0] for d in _view(ecs)] == ["app:3", "app:1"]
        frozen.tick(5)
        assert _view(ecs) == [("app:3", "PRIMARY", 1, 1, 0, "COMPLETED")]
        if hasattr(ecs, "list_service_deployments"):
            briefs = ecs.list_service_deployments(service="web")["serviceDeployments"]
            assert [b["status"] for b in briefs] == ["SUCCESSFUL", "STOPPED", "SUCCESSFUL"]
            assert briefs[1]["statusReason"] == "Superseded by a newer service deployment."

"""Task outcomes under test control (issue 14): per task or by rule, scripted rules, stop codes,
start failures, a task held in PENDING, and RunTask failures injected for the next N calls."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from freezegun import freeze_time

from ecs_mock import EcsMock, Outcome, TaskView

REGION = "us-east-1"
LOGGED = {
    "logDriver": "awslogs",
    "options": {"awslogs-group": "/apps", "awslogs-region": REGION, "awslogs-stream-prefix": "p"},
}
TWO = [
    {
        "name": "app",
        "image": "app:1",
        "memory": 256,
        "command": ["run"],
        "logConfiguration": LOGGED,
    },
    {"name": "sidecar", "image": "side:1", "memory": 128, "essential": False},
]


@pytest.fixture
def ecs(ecs_mock: EcsMock) -> Any:
    ecs_mock.create_cluster()
    ecs_mock.add_container_instance()
    ecs_mock.register_task_definition("two", containers=TWO)
    ecs_mock.register_task_definition("other", containers=[TWO[0]])
    return boto3.client("ecs", region_name=REGION)


def run(ecs: Any, family: str = "two", **params: Any) -> str:
    return str(ecs.run_task(taskDefinition=family, **params)["tasks"][0]["taskArn"])


def described(ecs: Any, arn: str) -> dict[str, Any]:
    return dict(ecs.describe_tasks(tasks=[arn])["tasks"][0])


def exit_codes(task: dict[str, Any]) -> dict[str, Any]:
    return {c["name"]: c.get("exitCode") for c in task["containers"]}


def test_without_an_outcome_a_task_keeps_running(ecs: Any) -> None:
    arn = run(ecs)
    assert described(ecs, arn)["lastStatus"] == "RUNNING"


def test_a_family_rule_makes_the_essential_container_exit(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.set_outcome(Outcome.exits(3, container="app"), family="two")
    other = run(ecs, "other")
    arn = run(ecs)
    task = described(ecs, arn)
    assert task["lastStatus"] == "STOPPED"
    assert task["stopCode"] == "EssentialContainerExited"
    assert task["stoppedReason"] == "Essential container in task exited"
    assert exit_codes(task) == {"app": 3, "sidecar": 143}  # the rest get SIGTERM
    assert described(ecs, other)["lastStatus"] == "RUNNING"


def test_per_container_exit_codes_after_some_seconds(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.set_outcome(Outcome.exits(codes={"sidecar": 2, "app": 0}, after=30), family="two")
    with freeze_time("2025-03-01T00:00:00Z") as frozen:
        arn = run(ecs)
        frozen.tick(29)
        assert described(ecs, arn)["lastStatus"] == "RUNNING"
        frozen.tick(1)
        task = described(ecs, arn)
    assert task["lastStatus"] == "STOPPED"
    assert exit_codes(task) == {"app": 0, "sidecar": 2}


def test_a_non_essential_container_exiting_leaves_the_task_running(
    ecs_mock: EcsMock, ecs: Any
) -> None:
    arn = run(ecs)
    ecs_mock.set_outcome(Outcome.exits(1, container="sidecar"), task=arn)
    task = described(ecs, arn)
    assert task["lastStatus"] == "RUNNING"
    assert exit_codes(task) == {"app": None, "sidecar": 1}


def test_rules_match_started_by_and_the_newest_wins(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.set_outcome(Outcome.exits(1))
    ecs_mock.set_outcome(Outcome.exits(7), started_by="job-7")
    seven = described(ecs, run(ecs, startedBy="job-7"))
    one = described(ecs, run(ecs, startedBy="job-8"))
    assert exit_codes(seven)["app"] == 7
    assert exit_codes(one)["app"] == 1


def test_a_rule_for_the_next_n_tasks_only(ecs_mock: EcsMock, ecs: Any) -> None:
    rule = ecs_mock.set_outcome(Outcome.exits(1), family="two", times=1)
    first, second = run(ecs), run(ecs)
    assert described(ecs, first)["lastStatus"] == "STOPPED"
    assert described(ecs, second)["lastStatus"] == "RUNNING"
    assert rule is not None
    assert rule.decided == 1


def test_a_scripted_rule_sees_the_command_and_environment(ecs_mock: EcsMock, ecs: Any) -> None:
    seen: list[TaskView] = []

    def script(task: TaskView) -> Outcome:
        seen.append(task)
        code = int(task.environment["EXIT_WITH"])
        return Outcome.exits(code, logs=[f"ran {' '.join(task.command)}"])

    ecs_mock.set_outcome(script, family="two")
    overrides = {
        "containerOverrides": [
            {
                "name": "app",
                "command": ["run", "--job", "9"],
                "environment": [{"name": "EXIT_WITH", "value": "9"}],
            }
        ]
    }
    arn = run(ecs, overrides=overrides)
    assert exit_codes(described(ecs, arn))["app"] == 9
    assert seen[0].command == ["run", "--job", "9"]
    assert seen[0].family == "two"
    assert ecs_mock.logs(arn) == ["ran run --job 9"]


def test_a_scripted_rule_that_raises_fails_the_task_to_start(ecs_mock: EcsMock, ecs: Any) -> None:
    def broken(task: TaskView) -> Outcome:
        raise RuntimeError("boom")

    ecs_mock.set_outcome(broken)
    task = described(ecs, run(ecs))
    assert task["stopCode"] == "TaskFailedToStart"
    assert "raised RuntimeError('boom')" in task["stoppedReason"]
    assert len(ecs_mock.outcome_errors) == 1


def test_cannot_pull_fails_to_start_without_exit_codes(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.set_outcome(Outcome.cannot_pull("pull access denied"), family="two")
    task = described(ecs, run(ecs))
    assert task["lastStatus"] == "STOPPED"
    assert task["stopCode"] == "TaskFailedToStart"
    assert task["stoppedReason"] == "CannotPullContainerError: pull access denied"
    assert exit_codes(task) == {"app": None, "sidecar": None}
    assert task["containers"][0]["reason"] == "CannotPullContainerError: pull access denied"
    assert "startedAt" not in task


def test_an_eni_timeout_fails_a_fargate_task_in_provisioning(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.add_subnet("subnet-a", "us-east-1a")
    ecs_mock.register_task_definition(
        "web",
        containers=[{"name": "web", "image": "web:1"}],
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
    )
    ecs_mock.set_outcome(Outcome.eni_timeout(), family="web")
    arn = run(
        ecs,
        "web",
        launchType="FARGATE",
        networkConfiguration={"awsvpcConfiguration": {"subnets": ["subnet-a"]}},
    )
    task = described(ecs, arn)
    assert task["lastStatus"] == "STOPPED"
    assert (
        task["stoppedReason"] == "Timeout waiting for network interface provisioning to complete."
    )
    assert "pullStartedAt" not in task


def test_host_terminated_names_the_instance(ecs_mock: EcsMock, ecs: Any) -> None:
    arn = run(ecs)
    ecs_mock.set_outcome(Outcome.host_terminated(), task=arn)
    task = described(ecs, arn)
    instance = ecs.describe_container_instances(containerInstances=[task["containerInstanceArn"]])[
        "containerInstances"
    ][0]
    assert task["stoppedReason"] == f"Host EC2 (instance {instance['ec2InstanceId']}) terminated."
    assert exit_codes(task) == {"app": None, "sidecar": None}


def test_stops_with_a_chosen_code_and_reason(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.set_outcome(
        Outcome.stops("UserInitiated", "Scaled in by my launcher", exit_code=0), family="two"
    )
    task = described(ecs, run(ecs))
    assert (task["stopCode"], task["stoppedReason"]) == (
        "UserInitiated",
        "Scaled in by my launcher",
    )
    assert exit_codes(task) == {"app": 0, "sidecar": 0}
    with pytest.raises(ValueError, match="stop_code must be one of"):
        Outcome.stops("NotACode", "x")


def test_a_spot_interruption_outcome(ecs_mock: EcsMock, ecs: Any) -> None:
    arn = run(ecs)
    ecs_mock.set_outcome(Outcome.spot_interrupted(), task=arn)
    task = described(ecs, arn)
    assert task["stopCode"] == "SpotInterruption"
    assert task["stoppedReason"] == "Your Spot Task was interrupted."


def test_a_task_that_never_leaves_pending_until_released(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.set_outcome(Outcome.stays_pending(), family="two")
    with freeze_time("2025-03-01T00:00:00Z") as frozen:
        arn = run(ecs)
        frozen.tick(3600)
        assert described(ecs, arn)["lastStatus"] == "PENDING"
        ecs_mock.set_outcome(Outcome.exits(0), task=arn)  # a new outcome releases it
        task = described(ecs, arn)
    assert task["lastStatus"] == "STOPPED"
    assert exit_codes(task)["app"] == 0


def test_a_held_task_still_stops_when_asked(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.set_outcome(Outcome.stays_pending())
    arn = run(ecs)
    ecs.stop_task(task=arn)
    assert described(ecs, arn)["lastStatus"] == "STOPPED"


def test_advance_releases_a_held_task(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.set_outcome(Outcome.stays_pending())
    arn = run(ecs)
    ecs_mock.advance("RUNNING", task=arn)
    assert described(ecs, arn)["lastStatus"] == "RUNNING"


def test_a_task_outcome_with_an_unknown_container_is_refused(ecs_mock: EcsMock, ecs: Any) -> None:
    arn = run(ecs)
    with pytest.raises(ValueError, match="no container named nope"):
        ecs_mock.set_outcome(Outcome.exits(1, container="nope"), task=arn)
    with pytest.raises(ValueError, match="criteria are for rules"):
        ecs_mock.set_outcome(Outcome.exits(1), task=arn, family="two")


def test_run_task_failures_for_the_next_n_calls(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.fail_run_task("AGENT", count=2)
    instance = ecs.list_container_instances()["containerInstanceArns"][0]
    for _ in range(2):
        answer = ecs.run_task(taskDefinition="two")
        assert answer["tasks"] == []
        assert answer["failures"] == [{"arn": instance, "reason": "AGENT"}]
    assert len(ecs.run_task(taskDefinition="two")["tasks"]) == 1
    assert ecs.list_tasks()["taskArns"] != []


def test_an_injected_fargate_capacity_failure(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.add_subnet("subnet-a", "us-east-1a")
    ecs_mock.register_task_definition(
        "web",
        containers=[{"name": "web", "image": "web:1"}],
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
    )
    reason = "Capacity is unavailable at this time. Please try again later."
    ecs_mock.fail_run_task(reason)
    answer = ecs.run_task(
        taskDefinition="web",
        launchType="FARGATE",
        count=2,
        networkConfiguration={"awsvpcConfiguration": {"subnets": ["subnet-a"]}},
    )
    assert answer["tasks"] == []
    assert answer["failures"] == [{"reason": reason}, {"reason": reason}]


def test_an_invalid_run_task_call_does_not_use_up_an_injected_failure(
    ecs_mock: EcsMock, ecs: Any
) -> None:
    ecs_mock.fail_run_task("RESOURCE:MEMORY")
    with pytest.raises(ecs.exceptions.ClientException):
        ecs.run_task(taskDefinition="missing")
    assert ecs.run_task(taskDefinition="two")["failures"][0]["reason"] == "RESOURCE:MEMORY"
    assert len(ecs.run_task(taskDefinition="two")["tasks"]) == 1


def test_clear_outcomes_forgets_rules_and_injected_failures(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.set_outcome(Outcome.exits(1))
    ecs_mock.fail_run_task("AGENT")
    ecs_mock.clear_outcomes()
    arn = run(ecs)
    assert described(ecs, arn)["lastStatus"] == "RUNNING"

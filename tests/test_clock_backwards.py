"""When the clock moves backwards (freezegun, time-machine), a task's timestamps still never go
backwards: each new one is at least the task's latest so far. The steps themselves stay due on
the clock, so the task still moves on while the clock is behind."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
import time_machine
from freezegun import freeze_time

from ecs_mock import EcsMock

ORDER = [
    "createdAt",
    "connectivityAt",
    "pullStartedAt",
    "pullStoppedAt",
    "startedAt",
    "stoppingAt",
    "executionStoppedAt",
    "stoppedAt",
]
START = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)


def _assert_ordered(task: dict[str, Any]) -> None:
    stamps = [task[key] for key in ORDER if key in task]
    assert stamps == sorted(stamps), {key: task.get(key) for key in ORDER}


@pytest.mark.parametrize("awsvpc", [False, True], ids=["bridge", "awsvpc"])
@pytest.mark.ecs_mock(pending_seconds=10, stopping_seconds=5, deprovisioning_seconds=5)
def test_stop_after_the_clock_went_back_keeps_timestamps_ordered(
    ecs_mock: EcsMock, ecs: Any, awsvpc: bool
) -> None:
    params: dict[str, Any] = {}
    if awsvpc:
        ecs_mock.register_task_definition("app", networkMode="awsvpc")
        params["networkConfiguration"] = {"awsvpcConfiguration": {"subnets": ["subnet-1"]}}
    else:
        ecs_mock.register_task_definition("app")
    instance = ecs_mock.add_container_instance("default")
    with freeze_time(START) as frozen:
        task = ecs.start_task(taskDefinition="app", containerInstances=[instance], **params)
        arn = task["tasks"][0]["taskArn"]
        frozen.tick(timedelta(seconds=10))
        assert ecs.describe_tasks(tasks=[arn])["tasks"][0]["lastStatus"] == "RUNNING"

        frozen.move_to(START - timedelta(hours=1))  # an hour before the task was created
        ecs.stop_task(task=arn)
        frozen.tick(timedelta(seconds=10))  # stopping and deprovisioning are due on the clock
        stopped = ecs.describe_tasks(tasks=[arn])["tasks"][0]

    assert stopped["lastStatus"] == "STOPPED"
    _assert_ordered(stopped)
    assert stopped["stoppedAt"] >= stopped["startedAt"] >= stopped["createdAt"]


@pytest.mark.ecs_mock(pending_seconds=30)
def test_running_after_the_clock_went_back_is_not_before_creation(
    ecs_mock: EcsMock, ecs: Any
) -> None:
    ecs_mock.register_task_definition("app")
    instance = ecs_mock.add_container_instance("default")
    with time_machine.travel(START, tick=False) as traveller:
        arn = ecs.start_task(taskDefinition="app", containerInstances=[instance])["tasks"][0][
            "taskArn"
        ]
        traveller.shift(timedelta(seconds=30))
        ecs_mock.advance("RUNNING", task=arn)
        traveller.move_to(START - timedelta(days=1))
        ecs_mock.exit_container(arn, "app", exit_code=1)
        traveller.shift(timedelta(seconds=1))
        task = ecs.describe_tasks(tasks=[arn])["tasks"][0]
    assert task["lastStatus"] == "STOPPED"
    _assert_ordered(task)

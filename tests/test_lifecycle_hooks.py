"""The lifecycle's extension points: task change listeners and scheduled actions, both on the
mock clock (what the service scheduler and task state change events build on)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from freezegun import freeze_time

from ecs_mock import EcsMock
from ecs_mock.backend import lifecycle
from ecs_mock.backend.models import Task
from ecs_mock.backend.state import Region


@pytest.fixture
def seen() -> Iterator[list[tuple[str, str, str, float]]]:
    log: list[tuple[str, str, str, float]] = []

    def listener(region: Region, task: Task, at: float) -> None:
        log.append((task.task_id, task.last_status, task.desired_status, at))

    lifecycle.on_task_change(listener)
    yield log
    lifecycle.off_task_change(listener)


@pytest.mark.ecs_mock(pending_seconds=5)
def test_listeners_see_every_change_with_its_clock_time(
    ecs_mock: EcsMock, ecs: Any, seen: list[tuple[str, str, str, float]]
) -> None:
    ecs_mock.register_task_definition("app")
    instance = ecs_mock.add_container_instance("default")
    with freeze_time("2025-01-01T00:00:00Z") as frozen:
        task = ecs.start_task(taskDefinition="app", containerInstances=[instance])["tasks"][0]
        task_id = task["taskArn"].rsplit("/", 1)[1]
        frozen.tick(7)
        ecs.stop_task(task=task_id)
        ecs.list_tasks()
    start = 1735689600.0
    assert seen == [
        (task_id, "PENDING", "RUNNING", start),
        (task_id, "RUNNING", "RUNNING", start + 5),  # due at 5 s, applied at the next call
        (task_id, "RUNNING", "STOPPED", start + 7),
        (task_id, "STOPPING", "STOPPED", start + 7),
        (task_id, "STOPPED", "STOPPED", start + 7),
    ]


def test_scheduled_actions_run_when_due_and_never_before(ecs_mock: EcsMock, ecs: Any) -> None:
    ran: list[tuple[str, float]] = []
    lifecycle.on_action("TEST_ACTION", lambda region, target, due: ran.append((target, due)))
    ecs_mock.create_cluster("default")
    with freeze_time("2025-01-01T00:00:00Z") as frozen:
        region = ecs_mock._backend_region()
        region.schedule(1735689610.0, "thing-1", "TEST_ACTION")
        ecs.list_clusters()
        assert ran == []
        frozen.tick(10)
        ecs.list_clusters()
    assert ran == [("thing-1", 1735689610.0)]


def test_actions_may_not_shadow_lifecycle_steps() -> None:
    with pytest.raises(ValueError, match="lifecycle step"):
        lifecycle.on_action("RUNNING", lambda region, target, due: None)

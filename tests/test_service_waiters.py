"""The service waiters on the default durations (all 0): each returns at its first poll, as a
deploy tool's `services_stable` after CreateService, a rolling UpdateService and a scale-in,
and `services_inactive` after a forced DeleteService of a running service (ecs-services.md §7).
MaxAttempts 1 makes a waiter that would need a second poll fail instead of sleeping 15 s."""

from __future__ import annotations

import re
from typing import Any

import pytest
from botocore.exceptions import WaiterError

from ecs_mock import EcsMock

FIRST_POLL = {"MaxAttempts": 1}


@pytest.fixture
def cluster(ecs_mock: EcsMock) -> EcsMock:
    ecs_mock.register_task_definition("app")
    ecs_mock.register_task_definition("app")
    ecs_mock.add_container_instance("default", availability_zone="us-east-1a")
    ecs_mock.add_container_instance("default", availability_zone="us-east-1b")
    return ecs_mock


def _service(ecs: Any) -> dict[str, Any]:
    found: dict[str, Any] = ecs.describe_services(services=["web"])["services"][0]
    return found


def test_services_stable_at_the_first_poll_after_create_update_and_scale_in(
    cluster: EcsMock, ecs: Any
) -> None:
    ecs.create_service(serviceName="web", taskDefinition="app:1", desiredCount=3)
    ecs.get_waiter("services_stable").wait(services=["web"], WaiterConfig=FIRST_POLL)

    updated = ecs.update_service(service="web", taskDefinition="app:2")["service"]
    new_id = updated["deployments"][0]["id"]
    assert re.fullmatch(r"ecs-svc/\d{19}", new_id)
    ecs.get_waiter("services_stable").wait(services=["web"], WaiterConfig=FIRST_POLL)
    (primary,) = _service(ecs)["deployments"]
    assert (primary["id"], primary["runningCount"]) == (new_id, 3)
    assert primary["taskDefinition"].endswith("app:2")

    ecs.update_service(service="web", desiredCount=1)
    ecs.get_waiter("services_stable").wait(services=["web"], WaiterConfig=FIRST_POLL)
    service = _service(ecs)
    assert (service["runningCount"], service["pendingCount"]) == (1, 0)
    stopped_arns = ecs.list_tasks(serviceName="web", desiredStatus="STOPPED")["taskArns"]
    stopped = ecs.describe_tasks(tasks=stopped_arns)["tasks"]
    scaled_in = [t for t in stopped if t["startedBy"] == new_id]
    assert len(scaled_in) == 2
    for task in scaled_in:
        assert task["stopCode"] == "ServiceSchedulerInitiated"
        assert task["stoppedReason"] == f"Scaling activity initiated by (deployment {new_id})"
    ids = sorted(t["taskArn"].rsplit("/", 1)[1] for t in scaled_in)
    event = service["events"][1]["message"]  # newest first: the scale-in, then steady state
    listed = re.findall(r"\(task ([0-9a-f]{32})\)", event)
    assert sorted(listed) == ids
    assert (
        event
        == "(service web) has stopped 2 running tasks: "
        + " ".join(f"(task {task_id})" for task_id in listed)
        + "."
    )
    assert service["events"][0]["message"] == "(service web) has reached a steady state."


def test_services_inactive_at_the_first_poll_after_a_forced_delete(
    cluster: EcsMock, ecs: Any
) -> None:
    ecs.create_service(serviceName="web", taskDefinition="app:1", desiredCount=2)
    ecs.get_waiter("services_stable").wait(services=["web"], WaiterConfig=FIRST_POLL)
    deleted = ecs.delete_service(service="web", force=True)["service"]
    assert deleted["status"] == "DRAINING"  # the answer is the state before the next step
    ecs.get_waiter("services_inactive").wait(services=["web"], WaiterConfig=FIRST_POLL)
    service = _service(ecs)
    assert (service["status"], service["runningCount"], service["desiredCount"]) == (
        "INACTIVE",
        0,
        0,
    )
    assert ecs.list_tasks(serviceName="web")["taskArns"] == []


def test_services_stable_fails_fast_while_a_task_cannot_be_placed(
    ecs_mock: EcsMock, ecs: Any
) -> None:
    # The waiter can fail: one small instance, two tasks of 512 MiB each.
    ecs_mock.register_task_definition(
        "big", containers=[{"name": "app", "image": "busybox", "memory": 512}]
    )
    instance = ecs_mock.add_container_instance("default", cpu=1024, memory=768)
    ecs.create_service(serviceName="web", taskDefinition="big", desiredCount=2)
    with pytest.raises(WaiterError):
        ecs.get_waiter("services_stable").wait(services=["web"], WaiterConfig=FIRST_POLL)
    service = _service(ecs)
    assert (service["runningCount"], service["desiredCount"]) == (1, 2)
    instance_id = instance.rsplit("/", 1)[1]
    messages = [e["message"] for e in service["events"]]
    assert messages[0].startswith("(service web) has started 1 tasks: ")
    assert messages[1] == (
        "(service web) was unable to place a task because no container instance met all of its "
        f"requirements. The closest matching (container-instance {instance_id}) has "
        "insufficient memory available. For more information, see the Troubleshooting section "
        "of the Amazon ECS Developer Guide."
    )

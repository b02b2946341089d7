"""Worked example: testing code that calls StartTask and handles its failures[].

`launch_job` is the code under test (it would live in your application). The tests drive it
through a real boto3 client against the `ecs_mock` fixture: no AWS account, no stubbing of
responses by hand, and capacity failures come back exactly as ECS reports them.
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from ecs_mock import EcsMock

# -- code under test ---------------------------------------------------------------------------


class NoCapacity(Exception):
    """No listed instance could take the job; `reasons` maps instance ARN -> ECS reason."""

    def __init__(self, reasons: dict[str, str]) -> None:
        super().__init__(f"no instance could take the job: {reasons}")
        self.reasons = reasons


def launch_job(
    ecs: Any, *, cluster: str, task_definition: str, instances: list[str], job_id: str
) -> str:
    """Start one task for `job_id` on the first instance with room; return its task ARN.

    StartTask places one task per instance it is given, so the launcher offers the instances
    one at a time and stops at the first success.
    """
    reasons: dict[str, str] = {}
    for instance in instances:
        response = ecs.start_task(
            cluster=cluster,
            taskDefinition=task_definition,
            containerInstances=[instance],
            startedBy=job_id,
        )
        if response["tasks"]:
            return str(response["tasks"][0]["taskArn"])
        for failure in response["failures"]:
            reasons[failure["arn"]] = failure["reason"]
    raise NoCapacity(reasons)


# -- tests -------------------------------------------------------------------------------------


@pytest.fixture
def ecs(ecs_mock: EcsMock) -> Any:
    ecs_mock.register_task_definition(
        "report", containers=[{"name": "report", "image": "report:1", "cpu": 256, "memory": 1024}]
    )
    return boto3.client("ecs", region_name="us-east-1")


def test_job_starts_on_an_instance_with_room(ecs_mock: EcsMock, ecs: Any) -> None:
    instance = ecs_mock.add_container_instance("batch", cpu=2048, memory=4096)

    task_arn = launch_job(
        ecs, cluster="batch", task_definition="report", instances=[instance], job_id="job-1"
    )

    assert ecs.list_tasks(cluster="batch", startedBy="job-1")["taskArns"] == [task_arn]


def test_not_enough_memory_is_reported_not_swallowed(ecs_mock: EcsMock, ecs: Any) -> None:
    small = ecs_mock.add_container_instance("batch", cpu=2048, memory=512)

    with pytest.raises(NoCapacity) as refused:
        launch_job(ecs, cluster="batch", task_definition="report", instances=[small], job_id="j2")

    assert refused.value.reasons == {small: "RESOURCE:MEMORY"}
    assert ecs.list_tasks(cluster="batch")["taskArns"] == []


def test_falls_back_to_the_next_instance_when_the_first_is_full(
    ecs_mock: EcsMock, ecs: Any
) -> None:
    busy = ecs_mock.add_container_instance("batch", cpu=2048, memory=1024)
    spare = ecs_mock.add_container_instance("batch", cpu=2048, memory=4096)
    launch_job(ecs, cluster="batch", task_definition="report", instances=[busy], job_id="j3")

    task_arn = launch_job(
        ecs, cluster="batch", task_definition="report", instances=[busy, spare], job_id="j4"
    )

    (task,) = ecs.describe_tasks(cluster="batch", tasks=[task_arn])["tasks"]
    assert task["containerInstanceArn"] == spare

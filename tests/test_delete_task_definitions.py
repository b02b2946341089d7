"""DeleteTaskDefinitions: INACTIVE -> DELETE_IN_PROGRESS, failures for the rest; and the
revision-number check DeregisterTaskDefinition shares with it."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from ecs_mock import EcsMock
from ecs_mock._schema import shape_members

PREFIX = "arn:aws:ecs:us-east-1:123456789012:task-definition"

STAMPED = "deleteRequestedAt" in shape_members("TaskDefinition")


@pytest.fixture
def app(ecs_mock: EcsMock) -> EcsMock:
    for _ in range(3):
        ecs_mock.register_task_definition("app")
    return ecs_mock


def _error(caught: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    error = caught.value.response["Error"]
    return error["Code"], error["Message"]


def test_an_inactive_revision_goes_delete_in_progress(app: EcsMock, ecs: Any) -> None:
    ecs.deregister_task_definition(taskDefinition="app:1")
    answer = ecs.delete_task_definitions(taskDefinitions=["app:1"])
    assert answer["failures"] == []
    (deleted,) = answer["taskDefinitions"]
    assert (deleted["taskDefinitionArn"], deleted["status"]) == (
        f"{PREFIX}/app:1",
        "DELETE_IN_PROGRESS",
    )
    # Older ECS models (the oldest botocore supported) have no deleteRequestedAt: not answered.
    assert ("deleteRequestedAt" in deleted) == STAMPED
    described = ecs.describe_task_definition(taskDefinition="app:1")["taskDefinition"]
    assert described["status"] == "DELETE_IN_PROGRESS"
    listed = ecs.list_task_definitions(status="DELETE_IN_PROGRESS")["taskDefinitionArns"]
    assert listed == [f"{PREFIX}/app:1"]
    assert (
        f"{PREFIX}/app:1" not in ecs.list_task_definitions(status="INACTIVE")["taskDefinitionArns"]
    )
    # The family keeps counting.
    assert app.register_task_definition("app").endswith(":4")
    # Again: answered again, unchanged.
    again = ecs.delete_task_definitions(taskDefinitions=[f"{PREFIX}/app:1"])
    assert again["taskDefinitions"][0].get("deleteRequestedAt") == deleted.get("deleteRequestedAt")


def test_active_and_unknown_revisions_are_failures(app: EcsMock, ecs: Any) -> None:
    ecs.deregister_task_definition(taskDefinition="app:2")
    answer = ecs.delete_task_definitions(taskDefinitions=["app:1", "app:2", "app:9", "nope:1"])
    assert [d["revision"] for d in answer["taskDefinitions"]] == [2]
    assert [(f["arn"], f["reason"]) for f in answer["failures"]] == [
        (f"{PREFIX}/app:1", "ACTIVE"),
        ("app:9", "MISSING"),
        ("nope:1", "MISSING"),
    ]
    assert (
        ecs.describe_task_definition(taskDefinition="app:1")["taskDefinition"]["status"] == "ACTIVE"
    )


def test_a_deleted_revision_cannot_start_tasks(app: EcsMock, ecs: Any) -> None:
    instance = app.add_container_instance("default")
    ecs.deregister_task_definition(taskDefinition="app:3")
    ecs.delete_task_definitions(taskDefinitions=["app:3"])
    with pytest.raises(ClientError) as caught:
        ecs.start_task(taskDefinition="app:3", containerInstances=[instance])
    assert _error(caught) == ("InvalidParameterException", "TaskDefinition is inactive")


def test_a_service_on_a_deleted_revision_still_scales(app: EcsMock, ecs: Any) -> None:
    app.add_container_instance("default")
    ecs.create_service(serviceName="web", taskDefinition="app:3", desiredCount=1)
    ecs.deregister_task_definition(taskDefinition="app:3")
    ecs.delete_task_definitions(taskDefinitions=["app:3"])
    ecs.update_service(service="web", desiredCount=2)
    assert ecs.describe_services(services=["web"])["services"][0]["runningCount"] == 2


@pytest.mark.parametrize(
    ("references", "expected"),
    [
        ([], ("InvalidParameterException", "Task definitions can not be empty.")),
        (
            ["app:1"] * 11,
            ("InvalidParameterException", "taskDefinitions can have at most 10 items."),
        ),
        (["app"], ("ClientException", "Revision is missing.")),
        (["app:foo"], ("InvalidParameterException", "Invalid revision number. Number: foo")),
    ],
)
def test_bad_requests_change_nothing(
    app: EcsMock, ecs: Any, references: list[str], expected: tuple[str, str]
) -> None:
    ecs.deregister_task_definition(taskDefinition="app:1")
    with pytest.raises(ClientError) as caught:
        ecs.delete_task_definitions(taskDefinitions=references)
    assert _error(caught) == expected
    assert (
        ecs.describe_task_definition(taskDefinition="app:1")["taskDefinition"]["status"]
        == "INACTIVE"
    )


@pytest.mark.parametrize("reference", ["app:foo", f"{PREFIX}/app:latest", "app:"])
def test_deregister_with_a_revision_that_is_no_number(
    app: EcsMock, ecs: Any, reference: str
) -> None:
    with pytest.raises(ClientError) as caught:
        ecs.deregister_task_definition(taskDefinition=reference)
    revision = reference.rsplit(":", 1)[1]
    assert _error(caught) == (
        "InvalidParameterException",
        f"Invalid revision number. Number: {revision}",
    )


def test_a_service_cannot_move_to_a_deleted_revision(app: EcsMock, ecs: Any) -> None:
    app.add_container_instance("default")
    ecs.create_service(serviceName="web", taskDefinition="app:3", desiredCount=1)
    ecs.deregister_task_definition(taskDefinition="app:1")
    ecs.delete_task_definitions(taskDefinitions=["app:1"])
    for call in (
        lambda: ecs.update_service(service="web", taskDefinition="app:1"),
        lambda: ecs.create_service(serviceName="api", taskDefinition="app:1", desiredCount=1),
    ):
        with pytest.raises(ClientError) as caught:
            call()
        assert _error(caught) == ("InvalidParameterException", "TaskDefinition is inactive")
    service = ecs.describe_services(services=["web"])["services"][0]
    assert service["taskDefinition"].endswith(":3")

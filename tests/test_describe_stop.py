"""DescribeTasks and StopTask."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from ecs_mock import EcsMock

UNKNOWN_ID = "0123456789abcdef0123456789abcdef"


def _start(mock: EcsMock, ecs: Any, cluster: str = "default", **extra: Any) -> str:
    instance = mock.add_container_instance(cluster)
    mock.register_task_definition("app")
    arn: str = ecs.start_task(
        cluster=cluster, taskDefinition="app", containerInstances=[instance], **extra
    )["tasks"][0]["taskArn"]
    return arn


def _error(raised: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    error = raised.value.response["Error"]
    return error["Code"], error["Message"]


def test_describe_by_id_and_arn_with_missing_failures(ecs_mock: EcsMock, ecs: Any) -> None:
    arn = _start(ecs_mock, ecs)
    task_id = arn.rpartition("/")[2]
    result = ecs.describe_tasks(tasks=[task_id, arn, UNKNOWN_ID])
    assert [task["taskArn"] for task in result["tasks"]] == [arn, arn]
    assert result["failures"] == [
        {"arn": arn.replace(task_id, UNKNOWN_ID), "reason": "MISSING"},
    ]


def test_describe_is_scoped_to_the_cluster(ecs_mock: EcsMock, ecs: Any) -> None:
    arn = _start(ecs_mock, ecs)
    ecs_mock.create_cluster("other")
    task_id = arn.rpartition("/")[2]
    result = ecs.describe_tasks(cluster="other", tasks=[task_id])
    assert result["tasks"] == []
    assert result["failures"][0]["reason"] == "MISSING"


def test_describe_tags_only_when_asked(ecs_mock: EcsMock, ecs: Any) -> None:
    arn = _start(ecs_mock, ecs, tags=[{"key": "team", "value": "data"}])
    assert ecs.describe_tasks(tasks=[arn])["tasks"][0]["tags"] == []
    tagged = ecs.describe_tasks(tasks=[arn], include=["TAGS"])["tasks"][0]
    assert tagged["tags"] == [{"key": "team", "value": "data"}]


def test_describe_refuses_bad_lists(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.create_cluster("default")
    with pytest.raises(ClientError) as raised:
        ecs.describe_tasks(tasks=[])
    assert _error(raised) == ("InvalidParameterException", "Tasks cannot be empty.")
    with pytest.raises(ClientError) as raised:
        ecs.describe_tasks(tasks=[UNKNOWN_ID] * 101)
    assert _error(raised)[0] == "InvalidParameterException"
    assert "100" in _error(raised)[1]
    with pytest.raises(ClientError) as raised:
        ecs.describe_tasks(cluster="nope", tasks=[UNKNOWN_ID])
    assert _error(raised)[0] == "ClusterNotFoundException"


def test_stop_task_reply_and_final_state(ecs_mock: EcsMock, ecs: Any) -> None:
    arn = _start(ecs_mock, ecs, tags=[{"key": "team", "value": "data"}])
    ecs_mock.advance("RUNNING", task=arn)
    reply = ecs.stop_task(task=arn)["task"]
    assert reply["lastStatus"] == "RUNNING"
    assert reply["desiredStatus"] == "STOPPED"
    assert reply["stopCode"] == "UserInitiated"
    assert reply["stoppedReason"] == "Task stopped by user"
    assert "stoppingAt" in reply
    stopped = ecs.describe_tasks(tasks=[arn], include=["TAGS"])["tasks"][0]
    assert stopped["lastStatus"] == "STOPPED"
    assert stopped["tags"] == []  # "Any tags associated with the task will be deleted."


def test_stop_task_with_reason_is_idempotent(ecs_mock: EcsMock, ecs: Any) -> None:
    arn = _start(ecs_mock, ecs)
    first = ecs.stop_task(task=arn, reason="deploy 42")["task"]
    assert (first["lastStatus"], first["stoppedReason"]) == ("RUNNING", "deploy 42")
    again = ecs.stop_task(task=arn, reason="another reason")["task"]
    assert again["stoppedReason"] == "deploy 42"
    assert again["lastStatus"] == "STOPPED"
    assert again["version"] == ecs.describe_tasks(tasks=[arn])["tasks"][0]["version"]
    assert ecs.stop_task(task=arn)["task"]["version"] == again["version"]


def test_stop_task_refusals_change_nothing(ecs_mock: EcsMock, ecs: Any) -> None:
    arn = _start(ecs_mock, ecs)
    for task in (UNKNOWN_ID, arn.rpartition("/")[0] + "/" + UNKNOWN_ID):
        with pytest.raises(ClientError) as raised:
            ecs.stop_task(task=task)
        assert _error(raised) == (
            "InvalidParameterException",
            "The referenced task was not found.",
        )
    with pytest.raises(ClientError) as raised:
        ecs.stop_task(task="not/a task")
    assert _error(raised) == ("InvalidParameterException", "Task Identifier is invalid")
    assert ecs.list_tasks()["taskArns"] == [arn]
    assert ecs.describe_tasks(tasks=[arn])["tasks"][0]["desiredStatus"] == "RUNNING"

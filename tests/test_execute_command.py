"""ExecuteCommand: refused unless the task has ECS Exec enabled and a RUNNING
ExecuteCommandAgent; otherwise answered with a session object (no command runs)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from botocore.exceptions import ClientError

from ecs_mock import EcsMock

ROLE = "arn:aws:iam::123456789012:role/task"
NOT_ENABLED = (
    "The execute command failed because execute command was not enabled when the task was run "
    "or the execute command agent isn\u2019t running. Wait and try again or run a new task with "
    "execute command enabled and try again."
)


def _run(ecs: Any, execute: bool = True, family: str = "app") -> dict[str, Any]:
    task: dict[str, Any] = ecs.run_task(taskDefinition=family, enableExecuteCommand=execute)[
        "tasks"
    ][0]
    return task


@pytest.fixture
def app(ecs_mock: EcsMock) -> EcsMock:
    ecs_mock.register_task_definition("app", taskRoleArn=ROLE)
    ecs_mock.add_container_instance("default")
    return ecs_mock


def _refusal(ecs: Any, **params: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as caught:
        ecs.execute_command(**{"command": "/bin/sh", "interactive": True, **params})
    error = caught.value.response["Error"]
    return error["Code"], error["Message"]


def test_a_running_task_with_exec_gets_a_session(app: EcsMock, ecs: Any) -> None:
    task = _run(ecs)
    answer = ecs.execute_command(task=task["taskArn"], command="/bin/sh", interactive=True)
    assert answer["taskArn"] == task["taskArn"]
    assert answer["clusterArn"] == task["clusterArn"]
    assert answer["containerName"] == "app"
    assert answer["containerArn"] == task["containers"][0]["containerArn"]
    assert answer["interactive"] is True
    session = answer["session"]
    assert re.fullmatch(r"ecs-execute-command-[0-9a-f]{17}", session["sessionId"])
    assert session["streamUrl"].startswith(
        f"wss://ssmmessages.us-east-1.amazonaws.com/v1/data-channel/{session['sessionId']}?"
    )
    assert session["tokenValue"]
    again = ecs.execute_command(task=task["taskArn"], command="ls", interactive=True)
    assert again["session"]["sessionId"] != session["sessionId"]


def test_exec_not_enabled_or_agent_not_running_is_refused(app: EcsMock, ecs: Any) -> None:
    plain = _run(ecs, execute=False)
    assert _refusal(ecs, task=plain["taskArn"]) == ("InvalidParameterException", NOT_ENABLED)
    stopped = _run(ecs)
    ecs.stop_task(task=stopped["taskArn"])
    assert _refusal(ecs, task=stopped["taskArn"]) == ("InvalidParameterException", NOT_ENABLED)


@pytest.mark.ecs_mock(pending_seconds=60)
def test_the_agent_must_be_running(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.register_task_definition("app", taskRoleArn=ROLE)
    ecs_mock.add_container_instance("default")
    task = _run(ecs)  # PENDING: its ExecuteCommandAgent is PENDING too
    assert _refusal(ecs, task=task["taskArn"]) == ("InvalidParameterException", NOT_ENABLED)
    ecs.submit_task_state_change(
        task=task["taskArn"],
        managedAgents=[
            {"containerName": "app", "managedAgentName": "ExecuteCommandAgent", "status": "RUNNING"}
        ],
    )
    assert ecs.execute_command(task=task["taskArn"], command="id", interactive=True)["session"]


def test_requests_ecs_exec_cannot_serve_are_refused(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.register_task_definition(
        "pair",
        taskRoleArn=ROLE,
        containers=[
            {"name": "web", "image": "busybox", "memory": 64},
            {"name": "log", "image": "busybox", "memory": 64},
        ],
    )
    ecs_mock.add_container_instance("default")
    task = _run(ecs, family="pair")["taskArn"]
    assert _refusal(ecs, task=task, interactive=False) == (
        "InvalidParameterException",
        "Interactive is the only mode supported currently.",
    )
    assert _refusal(ecs, task=task)[0] == "InvalidParameterException"  # which container?
    assert _refusal(ecs, task=task, container="db")[0] == "InvalidParameterException"
    assert (
        ecs.execute_command(task=task, container="log", command="sh", interactive=True)[
            "containerName"
        ]
        == "log"
    )
    assert _refusal(ecs, task="0" * 32)[0] == "InvalidParameterException"
    assert _refusal(ecs, task=task, cluster="nope")[0] == "ClusterNotFoundException"

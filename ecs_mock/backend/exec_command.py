"""ExecuteCommand (ECS Exec): checked as ECS checks it, answered with a session object.

No command runs: there is no container, SSM agent or Session Manager behind the mock. The
answer has the shape a client needs (sessionId, streamUrl, tokenValue) so code that starts a
session can be tested up to the point where it would open the WebSocket.
"""

from __future__ import annotations

from typing import Any

from ..errors import invalid_parameter, shown
from .lookup import find_cluster, task_id_of
from .models import Container, Task
from .state import Region

# Observed (aws-cli, e1s and copilot-cli reports), apostrophe as they show it.
NOT_ENABLED = (
    "The execute command failed because execute command was not enabled when the task was run "
    "or the execute command agent isn\u2019t running. Wait and try again or run a new task with "
    "execute command enabled and try again."
)
INTERACTIVE_ONLY = "Interactive is the only mode supported currently."
AGENT = "ExecuteCommandAgent"


def _container(task: Task, name: str | None) -> Container:
    if name is None:
        if len(task.containers) > 1:
            # Mock decision: ECS's message for this is not documented.
            raise invalid_parameter(
                "The task has more than one container: specify the container to run the command in."
            )
        return task.containers[0]
    for container in task.containers:
        if container.name == name:
            return container
    # Mock decision: ECS's message for this is not documented.
    raise invalid_parameter(f"The container {shown(name)} is not in the task.")


def _agent_running(container: Container) -> bool:
    return any(
        agent["name"] == AGENT and agent.get("lastStatus") == "RUNNING"
        for agent in container.managed_agents
    )


def execute_command(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    cluster = find_cluster(region, params.get("cluster"))
    if not params["interactive"]:
        raise invalid_parameter(INTERACTIVE_ONLY)
    if not params["command"].strip():
        # Mock decision: an empty command has nothing to run.
        raise invalid_parameter("Command can not be blank.")
    task = cluster.tasks.get(task_id_of(region, cluster, params["task"]))
    if task is None:
        # Mock decision: the message StopTask gives for an unknown task.
        raise invalid_parameter("The referenced task was not found.")
    container = _container(task, params.get("container"))
    if not task.enable_execute_command or not _agent_running(container):
        raise invalid_parameter(NOT_ENABLED)
    # Mock decision: the session's names follow the shape ECS Exec sessions show (an
    # `ecs-execute-command-` id and an ssmmessages data channel of the Region).
    session_id = "ecs-execute-command-" + region.ids.hex(17)
    stream_url = (
        f"wss://ssmmessages.{region.region}.amazonaws.com/v1/data-channel/{session_id}"
        f"?role=publish_subscribe&cell-number={region.ids.alphanumeric(32)}"
    )
    return {
        "clusterArn": cluster.arn,
        "containerArn": container.arn,
        "containerName": container.name,
        "interactive": True,
        "session": {
            "sessionId": session_id,
            "streamUrl": stream_url,
            "tokenValue": region.ids.alphanumeric(64),
        },
        "taskArn": task.arn,
    }

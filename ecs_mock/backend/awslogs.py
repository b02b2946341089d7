"""The awslogs log driver: a container's log lines in its CloudWatch Logs stream.

For a container whose logConfiguration is `awslogs`, the stream
`<awslogs-stream-prefix>/<container name>/<task id>` (without a prefix: the container's runtime
id, as Docker names it) is created in `awslogs-group` when the container starts, and the lines
its outcome prints are written there, stamped with the mock clock. They are always kept by the
mock (readable with `mock.logs(task)`), and also written to moto's CloudWatch Logs while
`mock_aws` is active. With moto active, a group that does not exist fails the task to start
(ECS's error), unless `awslogs-create-group` is "true", which creates it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from . import moto_bridge
from .models import Container, Task
from .state import Region

# Observed: the Docker daemon's error on EC2 (and Fargate platform 1.3.0), e.g.
# Rayraegah/terraform-aws-hasura#25, cn-terraform/terraform-aws-nexus#35.
MISSING_GROUP_EC2 = (
    "CannotStartContainerError: Error response from daemon: failed to initialize logging "
    "driver: failed to create Cloudwatch log stream: ResourceNotFoundException: The specified "
    "log group does not exist."
)
# Mock decision: the Fargate 1.4.0 agent's observed prefix for logger failures
# (terraform-aws-modules/terraform-aws-ecs#145) with the same CloudWatch Logs error; the exact
# text for a missing group was not found.
MISSING_GROUP_FARGATE = (
    "ResourceInitializationError: failed to validate logger args: create stream has been "
    "retried 1 times: failed to create Cloudwatch log stream: ResourceNotFoundException: The "
    "specified log group does not exist. : exit status 1"
)
LogKey = tuple[str, str, str]  # (CloudWatch Logs region, group, stream)


@dataclass(frozen=True)
class LogTarget:
    region: str
    group: str
    prefix: str | None
    create_group: bool


def target(region: Region, definition: dict[str, Any]) -> LogTarget | None:
    """Where a container definition's awslogs driver writes; None for other drivers."""
    config = definition.get("logConfiguration") or {}
    if config.get("logDriver") != "awslogs":
        return None
    options = config.get("options") or {}
    group = options.get("awslogs-group")
    if not group:
        return None  # refused at registration; a definition stored earlier has nowhere to write
    return LogTarget(
        region=options.get("awslogs-region") or region.region,
        group=group,
        prefix=options.get("awslogs-stream-prefix") or None,
        create_group=str(options.get("awslogs-create-group", "")).lower() == "true",
    )


def uses_awslogs(task: Task) -> bool:
    return task.task_definition.uses_awslogs


def stream_name(log: LogTarget, container: Container, task: Task) -> str:
    if log.prefix is not None:
        return f"{log.prefix}/{container.name}/{task.task_id}"
    # Mock decision: without a prefix the stream is named by the container's runtime id (the
    # Docker container id, as the awslogs driver names it).
    return container.runtime_id or container.name


def start_failure(region: Region, task: Task) -> str | None:
    """ECS's reason for a task whose log group is missing (moto active only), else None."""
    if not moto_bridge.active():
        return None
    for definition in task.task_definition.containers:
        log = target(region, definition)
        if log is None or log.create_group:
            continue
        if moto_bridge.log_group_exists(region.account_id, log.region, log.group) is False:
            return MISSING_GROUP_FARGATE if task.launch_type == "FARGATE" else MISSING_GROUP_EC2
    return None


def start(region: Region, task: Task, lines_of: dict[str, tuple[str, ...]], at: float) -> None:
    """The task's containers started at `at`: create their streams and write their lines."""
    definitions = {d["name"]: d for d in task.task_definition.containers}
    stamp = round(at * 1000)
    for container in task.containers:
        log = target(region, definitions.get(container.name, {}))
        if log is None:
            continue
        lines = [(stamp, text) for text in lines_of.get(container.name, ())]
        write(region, log, stream_name(log, container, task), lines)


def write(region: Region, log: LogTarget, stream: str, lines: list[tuple[int, str]]) -> None:
    key = (log.region, log.group, stream)
    kept = region.logs.setdefault(key, [])
    kept.extend(lines)
    moto_bridge.write_logs(
        region.account_id, log.region, log.group, stream, lines, create_group=log.create_group
    )


def lines(region: Region, task: Task, container: str | None = None) -> list[str]:
    """The lines the mock wrote for the task's containers (all, or `container`'s), in order."""
    definitions = {d["name"]: d for d in task.task_definition.containers}
    found: list[str] = []
    for each in _containers(task, container):
        log = target(region, definitions.get(each.name, {}))
        if log is None:
            continue
        key = (log.region, log.group, stream_name(log, each, task))
        found.extend(text for _, text in region.logs.get(key, ()))
    return found


def _containers(task: Task, name: str | None) -> Iterable[Container]:
    return (c for c in task.containers if name is None or c.name == name)

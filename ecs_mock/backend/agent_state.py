"""The agent's reports: SubmitTaskStateChange, SubmitContainerStateChange and
SubmitAttachmentStateChanges.

With these a test plays the ECS container agent: it reports containers, managed agents,
attachments and whole tasks moving on, and the mock applies each report as the lifecycle's
own step would (counts, host ports, service scheduler, events). The clock still drives what the
agent does not report; give the lifecycle long durations (`pending_seconds`,
`stopping_seconds`) to leave the agent in charge.

Every report is checked whole before anything changes (a bad one changes nothing). A report
that would move a task or container backwards is acknowledged and ignored (Mock decision: the
agent's reports can arrive late; ECS documents nothing for them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import clock
from ..errors import invalid_parameter, shown
from . import container_start, lifecycle
from .lookup import find_cluster, task_id_of
from .models import Container, Task
from .state import Region

# Mock decision: ECS documents the acknowledgment's type (a string), not its value.
ACK = {"acknowledgment": "ACK"}
CONTAINER_STATES = {"PENDING": 0, "RUNNING": 1, "STOPPED": 2}
MANAGED_AGENT_STATES = frozenset({"PENDING", "RUNNING", "STOPPED"})
ATTACHMENT_STATES = frozenset(
    {"PRECREATED", "CREATED", "ATTACHING", "ATTACHED", "DETACHING", "DETACHED", "DELETED", "FAILED"}
)
# Mock decision: a task the agent reports stopping without being asked to stop stopped because
# its containers exited, as when an essential container exits.
AGENT_STOP_CODE = "EssentialContainerExited"
AGENT_STOP_REASON = "Essential container in task exited"


@dataclass
class ContainerReport:
    container: Container
    status: str | None
    exit_code: int | None
    reason: str | None
    runtime_id: str | None
    bindings: list[dict[str, Any]] | None


def _task(region: Region, params: dict[str, Any]) -> Task:
    cluster = find_cluster(region, params.get("cluster"))
    reference = params.get("task")
    if not reference:
        raise invalid_parameter("Task can not be blank.")
    task = cluster.tasks.get(task_id_of(region, cluster, reference))
    if task is None:
        raise invalid_parameter("The referenced task was not found.")
    return task


def _container(task: Task, name: str | None) -> Container:
    if not name:
        raise invalid_parameter("Container name can not be blank.")
    for container in task.containers:
        if container.name == name:
            return container
    # Mock decision: ECS documents no message for a container the task does not have.
    raise invalid_parameter(f"Container {shown(name)} is not in the task.")


def _status(value: str | None, allowed: Any, what: str) -> str | None:
    if value is not None and value not in allowed:
        raise invalid_parameter(f"Invalid {what} status {shown(value)}.")
    return value


def _container_report(task: Task, item: dict[str, Any]) -> ContainerReport:
    return ContainerReport(
        container=_container(task, item.get("containerName")),
        status=_status(item.get("status"), CONTAINER_STATES, "container"),
        exit_code=item.get("exitCode"),
        reason=item.get("reason"),
        runtime_id=item.get("runtimeId"),
        bindings=item.get("networkBindings"),
    )


def _apply_container(region: Region, task: Task, report: ContainerReport, now: float) -> None:
    container = report.container
    if report.runtime_id is not None:
        container.runtime_id = report.runtime_id
    if report.reason is not None:
        container.reason = report.reason
    if report.exit_code is not None:
        container.exit_code = report.exit_code
    if report.bindings is not None:
        container.network_bindings = tuple(dict(b) for b in report.bindings)
    status = report.status
    if status is None or CONTAINER_STATES[status] <= CONTAINER_STATES[container.last_status]:
        task.version += 1
        lifecycle.changed(region, task, now)
        return
    container.last_status = status
    task.version += 1
    if status == "RUNNING":
        container_start.container_started(task, container)
        for agent in container.managed_agents:
            agent.update(lastStatus="RUNNING", lastStartedAt=now)
        lifecycle.changed(region, task, now)
        return
    container_start.release_bindings(container)
    for agent in container.managed_agents:
        agent["lastStatus"] = "STOPPED"
    if container.essential:
        lifecycle.request_stop(region, task, now, AGENT_STOP_CODE, AGENT_STOP_REASON)
    else:
        lifecycle.changed(region, task, now)


def _move_task(region: Region, task: Task, status: str, reason: str | None, now: float) -> None:
    """Walk the task forward to `status` through the steps the lifecycle would take."""
    if lifecycle.ORDER[status] <= lifecycle.ORDER[task.last_status]:
        return
    if status in lifecycle.STOP_PATH and task.desired_status != "STOPPED":
        lifecycle.request_stop(region, task, now, AGENT_STOP_CODE, reason or AGENT_STOP_REASON)
    steps = [s for s in lifecycle.ORDER if lifecycle.ORDER[s] <= lifecycle.ORDER[status]]
    for step in steps:
        if step in lifecycle.REACHABLE or step == status:
            if step == "DEPROVISIONING" and not task.awsvpc and step != status:
                continue
            lifecycle.enter(region, task, step, now)


def _attachment_id(arn: str) -> str:
    return arn.rsplit("attachment/", 1)[-1]


def _attachment_changes(
    task: Task, items: list[dict[str, Any]]
) -> list[tuple[dict[str, Any], str]]:
    found = {attachment["id"]: attachment for attachment in task.attachments}
    changes = []
    for item in items:
        status = _status(item.get("status"), ATTACHMENT_STATES, "attachment")
        attachment = found.get(_attachment_id(item.get("attachmentArn", "")))
        if attachment is None or status is None:
            raise invalid_parameter(
                f"Attachment {shown(item.get('attachmentArn'))} is not in the task."
            )
        changes.append((attachment, status))
    return changes


def _agent_changes(
    task: Task, items: list[dict[str, Any]]
) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    changes = []
    for item in items:
        container = _container(task, item.get("containerName"))
        status = _status(item.get("status"), MANAGED_AGENT_STATES, "managed agent")
        agent = next(
            (a for a in container.managed_agents if a["name"] == item.get("managedAgentName")),
            None,
        )
        if agent is None or status is None:
            # Mock decision: an agent the container was not started with cannot report.
            raise invalid_parameter(
                f"Container {shown(container.name)} has no managed agent "
                f"{shown(item.get('managedAgentName'))}."
            )
        changes.append((agent, {"lastStatus": status, "reason": item.get("reason")}))
    return changes


def submit_task_state_change(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    now = clock.now()
    task = _task(region, params)
    status = params.get("status")
    if status is not None and status not in lifecycle.ORDER:
        raise invalid_parameter(f"Invalid task status {shown(status)}.")
    containers = [_container_report(task, item) for item in params.get("containers", [])]
    attachments = _attachment_changes(task, params.get("attachments", []))
    agents = _agent_changes(task, params.get("managedAgents", []))
    for report in containers:
        _apply_container(region, task, report, now)
    for attachment, attachment_status in attachments:
        attachment["status"] = attachment_status
    for agent, change in agents:
        agent["lastStatus"] = change["lastStatus"]
        if change["lastStatus"] == "RUNNING":
            agent["lastStartedAt"] = now
        if change["reason"] is not None:
            agent["reason"] = change["reason"]
    if status is not None:
        _move_task(region, task, status, params.get("reason"), now)
    for name in ("pullStartedAt", "pullStoppedAt", "executionStoppedAt"):
        if name in params:
            task.times[name] = float(params[name])
    if attachments or agents:
        task.version += 1
        lifecycle.changed(region, task, now)
    return dict(ACK)


def submit_container_state_change(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    task = _task(region, params)
    report = _container_report(task, params)
    _apply_container(region, task, report, clock.now())
    return dict(ACK)


def submit_attachment_state_changes(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    cluster = find_cluster(region, params.get("cluster"))
    items = params["attachments"]
    if not items:
        raise invalid_parameter("Attachments can not be empty.")
    by_id = {
        attachment["id"]: (task, attachment)
        for task in cluster.tasks.values()
        for attachment in task.attachments
    }
    changes = []
    for item in items:
        status = _status(item.get("status"), ATTACHMENT_STATES, "attachment")
        found = by_id.get(_attachment_id(item.get("attachmentArn", "")))
        if found is None or status is None:
            # Mock decision: ECS documents no message for an unknown attachment.
            raise invalid_parameter(
                f"Attachment {shown(item.get('attachmentArn'))} was not found in the cluster."
            )
        changes.append((found, status))
    now = clock.now()
    for (task, attachment), status in changes:
        attachment["status"] = status
        task.version += 1
        lifecycle.changed(region, task, now)
    return dict(ACK)

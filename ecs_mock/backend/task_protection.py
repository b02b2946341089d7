"""GetTaskProtection and UpdateTaskProtection: task scale-in protection on the mock clock.

A protected task is one the service scheduler does not stop to scale in or to finish a
deployment (service_replica.py, task_set_scheduler.py). Protection lasts `expiresInMinutes`
(1..2880, default 120) from the call; when it lapses, `protectionEnabled` reads false and the
service's scheduler takes another step, so a scale-in that waited for it goes ahead.
"""

from __future__ import annotations

from typing import Any

from .. import clock
from ..errors import invalid_parameter
from . import lifecycle, service_scheduler
from .lookup import find_cluster, task_id_of
from .models import Task
from .state import Region

DEFAULT_MINUTES = 120
MAX_MINUTES = 2880
EXPIRED = "TASK_PROTECTION_EXPIRED"
# "Invoking this operation for a standalone task will result in an TASK_NOT_VALID failure."
NOT_VALID = "TASK_NOT_VALID"


def is_protected(task: Task, now: float) -> bool:
    return task.protected_until is not None and now < task.protected_until


def _checked_references(params: dict[str, Any], most: int) -> list[str]:
    references: list[str] = params.get("tasks") or []
    if not references:
        # Mock decision: GetTaskProtection without tasks is refused rather than answering every
        # task of the cluster (ECS documents the list as "up to 100 task IDs").
        raise invalid_parameter("Tasks cannot be empty.")
    if len(references) > most:
        raise invalid_parameter(f"tasks can have at most {most} items.")
    return references


def _wire(task: Task, now: float) -> dict[str, Any]:
    wire: dict[str, Any] = {"taskArn": task.arn, "protectionEnabled": is_protected(task, now)}
    if wire["protectionEnabled"]:
        wire["expirationDate"] = task.protected_until
    return wire


def _resolve(
    region: Region, params: dict[str, Any], most: int
) -> tuple[list[Task], list[dict[str, str]]]:
    cluster = find_cluster(region, params["cluster"])
    found: list[Task] = []
    failures: list[dict[str, str]] = []
    for reference in _checked_references(params, most):
        task = cluster.tasks.get(task_id_of(region, cluster, reference))
        arn = (
            reference if reference.startswith("arn:") else region.arns.task(cluster.name, reference)
        )
        if task is None:
            failures.append({"arn": arn, "reason": "MISSING"})
        elif task.service_name is None:
            failures.append(
                {"arn": task.arn, "reason": NOT_VALID, "detail": "Task is not part of a service."}
            )
        else:
            found.append(task)
    return found, failures


def get_task_protection(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    now = clock.now()
    tasks, failures = _resolve(region, params, 100)
    return {"protectedTasks": [_wire(task, now) for task in tasks], "failures": failures}


def update_task_protection(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    now = clock.now()
    enabled = params["protectionEnabled"]
    minutes = params.get("expiresInMinutes")
    if minutes is not None and not 1 <= minutes <= MAX_MINUTES:
        # Mock decision: ECS documents the range (1 to 2,880 minutes) but not this message.
        raise invalid_parameter(
            f"expiresInMinutes must be between 1 and {MAX_MINUTES}, got {minutes}."
        )
    tasks, failures = _resolve(region, params, 10)
    answered = []
    for task in tasks:
        if task.desired_status == "STOPPED":
            # Mock decision: a task already stopping cannot be protected (ECS: unknown).
            failures.append(
                {"arn": task.arn, "reason": NOT_VALID, "detail": "Task is stopping or stopped."}
            )
            continue
        if enabled:
            # "The expiresInMinutes property is always reset when you invoke this operation."
            task.protected_until = round(now + 60 * (minutes or DEFAULT_MINUTES), 3)
            region.schedule(task.protected_until, task.task_id, EXPIRED)
        else:
            task.protected_until = None
            _wake_service(region, task, now)
        region.touch(task)
        answered.append(_wire(task, now))
    return {"protectedTasks": answered, "failures": failures}


def _wake_service(region: Region, task: Task, at: float) -> None:
    cluster = region.clusters.get(task.cluster_name)
    service = cluster.services.get(task.service_name or "") if cluster is not None else None
    if service is not None:
        service_scheduler.request_step(region, service, at)


def _expired(region: Region, task_id: str, due: float) -> None:
    task = region.tasks.get(task_id)
    # A stale entry when the protection was renewed or removed since it was scheduled.
    if task is not None and task.protected_until == due:
        task.protected_until = None
        region.touch(task)
        _wake_service(region, task, due)


lifecycle.on_action(EXPIRED, _expired)

"""Container health as a test sets it, and what the service scheduler does about it.

The mock runs no health checks: a container with a `healthCheck` is HEALTHY once it runs
(container_start.py) until a test says otherwise (`mock.set_container_health`). The task's
health follows its containers' (`container_start.update_task_health`).

"If a task is run manually, and not as part of a service, the task will continue its
lifecycle regardless of its health status. For tasks that are part of a service, if the task
reports as unhealthy then the task will be stopped and the service scheduler will replace it"
(API HealthCheck). A REPLICA service's step (service_replica.py) asks `failing` which of its
tasks to replace, starts the replacements first within maximumPercent (DG ecs_services, API
DeploymentConfiguration), then stops them with `stop_failing`.
"""

from __future__ import annotations

from collections.abc import Sequence

from . import lifecycle, service_events, service_scheduler
from .container_start import HEALTHY, UNHEALTHY, UNKNOWN, health_checked, update_task_health
from .models import Task
from .service_launch import SCHEDULER
from .service_models import Service
from .state import Region

STATUSES = (HEALTHY, UNHEALTHY, UNKNOWN)
# The stoppedReason ECS gives a service task stopped for its container health checks
# (observed: repost.aws knowledge-center/ecs-task-stopped, many user reports).
FAILED_REASON = "Task failed container health checks"


def set_health(region: Region, task: Task, container: str | None, status: str, now: float) -> None:
    """Test control: `container`'s health (None: every running container with a health
    check) is `status` now. Refused (ValueError) before any change: a task that is not
    RUNNING, an unknown container, one without a `healthCheck` or not running, a status ECS
    does not report."""
    if status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}, got {status!r}")
    if task.last_status != "RUNNING":
        raise ValueError(f"task {task.task_id} is {task.last_status}, not RUNNING")
    checked = health_checked(task)
    if container is None:
        targets = [c for c in task.containers if c.name in checked and c.last_status == "RUNNING"]
        if not targets:
            raise ValueError(f"task {task.task_id} has no running container with a healthCheck")
    else:
        found = next((c for c in task.containers if c.name == container), None)
        if found is None:
            raise ValueError(f"task has no container named {container!r}")
        if container not in checked:
            raise ValueError(f"container {container!r} has no healthCheck in its task definition")
        if found.last_status != "RUNNING":
            raise ValueError(f"container {container!r} is {found.last_status}, not RUNNING")
        targets = [found]
    if all(c.health_status == status for c in targets):
        return  # nothing changes: no new version, no event
    for target in targets:
        target.health_status = status
    update_task_health(task)
    # Mock decision: a health change is a task state change, as ECS sends one when a task's
    # health changes: it bumps the version and sends the task event (task_events.py), and the
    # task's service looks at it (service_scheduler.py).
    task.version += 1
    lifecycle.changed(region, task, now)


def reports_unhealthy(task: Task) -> bool:
    return task.health_status == UNHEALTHY


def failing(region: Region, service: Service, tasks: Sequence[Task], now: float) -> list[Task]:
    """The service's RUNNING tasks still wanted that report UNHEALTHY past the service's
    healthCheckGracePeriodSeconds, counted from when the task started ("ignores unhealthy
    Elastic Load Balancing, VPC Lattice, and container health checks after a task has first
    started", API CreateService; a grace period needs a load balancer, C15). An unhealthy task
    still in its grace period wakes the service when the period ends."""
    found = []
    primary = service.primary
    for task in tasks:
        if not reports_unhealthy(task):
            continue
        if task.last_status != "RUNNING" or task.desired_status != "RUNNING":
            continue
        ends = task.times.get("startedAt", now) + service.grace_period
        if now >= ends:
            found.append(task)
        else:
            service_scheduler.request_step(region, service, ends)
    # Mock decision: older deployments' go first, then the oldest (ECS: "at random").
    primary_id = primary.id if primary is not None else None
    return sorted(found, key=lambda t: (t.started_by == primary_id, t.created_at, t.task_id))


def stop_failing(region: Region, service: Service, tasks: Sequence[Task], now: float) -> None:
    """Stop `tasks` for their health checks: `(task t) failed container health checks.` for
    each, then `has stopped N running tasks` (E10, E3; observed), stopCode
    ServiceSchedulerInitiated, and one more failed task for each one's deployment (the circuit
    breaker counts tasks "stopped for failing health checks", ecs-services.md §3.8)."""
    stopped = []
    for task in tasks:
        service_events.emit(region, service, service_events.failed_health_checks(task), now)
        if lifecycle.request_stop(region, task, now, SCHEDULER, FAILED_REASON):
            stopped.append(task)
            fleet = service.fleet(task.started_by)
            if fleet is not None:
                # Not a failed start: the throttling of retries does not count it (tasks stopped
                # after RUNNING never throttle, ecs-services.md §3.9): not count_failure.
                fleet.failed_tasks += 1
    if stopped:
        service_events.emit(region, service, service_events.stopped(stopped), now)

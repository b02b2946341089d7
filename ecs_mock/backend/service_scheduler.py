"""The service scheduler on the mock clock: when a service's step runs, and what triggers it.

A step reconciles one service (its tasks toward the desired count, a rolling deployment one
step on). Mock decision (ecs-services.md §3.0, inferred): steps are queued on the region's
event queue (`region.schedule`) and run by `lifecycle.tick` when due, like task lifecycle
steps: never because something was read.
What queues a step: a change to one of the service's tasks (the lifecycle's task listener),
Create/Update/DeleteService, instance changes in its cluster, a timer (a task becoming
healthy, a throttled retry, the 6-hourly steady-state message). A service has at most one
step queued; a step costs O(that service's tasks), and nothing else pays for it.
"""

from __future__ import annotations

from . import instance_hooks, lifecycle, service_events
from .models import Cluster, Task
from .service_models import Fleet, Service
from .service_rollout import BACKOFF_BASE, BACKOFF_MAX
from .state import Region

STEP = "SERVICE_STEP"
FORGET = "SERVICE_FORGET"
# stopCodes of starts that failed (the circuit breaker and throttling count them). Mock
# decision: a task the user or the scheduler stopped before it ran did not fail.
_NOT_FAILURES = frozenset({"UserInitiated", "ServiceSchedulerInitiated"})


def key(service: Service) -> str:
    return f"{service.cluster_name}/{service.name}"


def find(region: Region, target: str) -> Service | None:
    cluster_name, _, name = target.partition("/")
    cluster = region.clusters.get(cluster_name)
    return cluster.services.get(name) if cluster is not None else None


def request_step(region: Region, service: Service, at: float, force: bool = False) -> None:
    """Queue a step due at `at` (no sooner than `service_step_seconds` after the last one,
    unless forced); a step already queued for that time or earlier covers it. Every change to
    a service ends by asking for a step: the service is touched here (its state file row)."""
    region.touch(service)
    if service.status == "INACTIVE":
        return
    due = at if force else max(at, service.last_step + region.timings.service_step)
    due = round(due, 3)
    if service.next_step is not None and service.next_step <= due:
        return
    service.next_step = due
    region.schedule(due, key(service), STEP)


def _step_due(region: Region, target: str, due: float) -> None:
    service = find(region, target)
    if service is None or service.next_step != due:
        return  # a stale entry: the queued step moved, or the service is gone
    service.next_step = None
    region.touch(service)
    run_step(region, service, due)


def run_step(region: Region, service: Service, now: float, force: bool = False) -> None:
    """One reconciliation of `service` at clock time `now` (`force`: skip throttling)."""
    from . import service_daemon, service_replica, task_set_scheduler

    cluster = region.clusters.get(service.cluster_name)
    if cluster is None or cluster.services.get(service.name) is not service:
        return
    service.last_step = now
    region.touch(service)
    if service.controller != "ECS":
        task_set_scheduler.step(region, cluster, service, now)
    elif service.scheduling == "DAEMON":
        service_daemon.step(region, cluster, service, now, force)
    else:
        service_replica.step(region, cluster, service, now, force)
    if service.status == "DRAINING" and _drained(region, service):
        service.status = "INACTIVE"
        service.inactive_at = now
        region.schedule(now + region.timings.service_inactive_visible, key(service), FORGET)


def _drained(region: Region, service: Service) -> bool:
    """INACTIVE "once all tasks are STOPPING/STOPPED" (documented)."""
    stopping = lifecycle.ORDER["STOPPING"]
    for task_id in service.live_task_ids():
        task = region.tasks.get(task_id)
        if task is not None and lifecycle.ORDER[task.last_status] < stopping:
            return False
    return True


def _forget(region: Region, target: str, due: float) -> None:
    """An INACTIVE service past its hour of visibility: DescribeServices says MISSING.

    Mock decision: ECS says INACTIVE services "may be purged" without saying when; an hour,
    as for stopped tasks."""
    service = find(region, target)
    if service is None or service.inactive_at is None:
        return
    if service.inactive_at + region.timings.service_inactive_visible <= due:
        cluster = region.clusters[service.cluster_name]
        del cluster.services[service.name]
        region.touch(service)


def _task_changed(region: Region, task: Task, at: float) -> None:
    if task.service_name is None:
        return
    cluster = region.clusters.get(task.cluster_name)
    service = cluster.services.get(task.service_name) if cluster is not None else None
    fleet = service.fleet(task.started_by) if service is not None else None
    if service is None or fleet is None:
        return
    track(service, fleet, task, at)
    request_step(region, service, at)


def track(service: Service, fleet: Fleet, task: Task, at: float) -> None:
    """Keep the fleet's live counters and the failure counters in step with one task."""
    before = service.seen.get(task.task_id)
    last, desired = before if before is not None else (None, None)
    if last != task.last_status:
        fleet.counts.moved(last, task.last_status)
        fleet.updated_at = at
    if task.last_status == "STOPPED":
        service.seen.pop(task.task_id, None)
        fleet.task_ids.discard(task.task_id)
    else:
        service.seen[task.task_id] = (task.last_status, task.desired_status)
        fleet.task_ids.add(task.task_id)
    if task.last_status == "RUNNING" and last != "RUNNING":
        breaker = service.deployment_config.get("deploymentCircuitBreaker", {})
        if breaker.get("resetOnHealthyTask", True):
            fleet.failed_tasks = 0
        service.streak = 0
        service_events.clear(service, "throttle")
    if task.desired_status == "STOPPED" and desired != "STOPPED":
        never_ran = "startedAt" not in task.times
        if never_ran and task.stop_code not in _NOT_FAILURES:
            count_failure(service, fleet)


def count_failure(service: Service, fleet: Fleet, tasks: int = 1) -> None:
    """`tasks` of `fleet` failed to start."""
    fleet.failed_tasks += tasks
    service.failures_since_step += tasks


def placed(region: Region, service: Service, fleet: Fleet, unplaced: int, now: float) -> None:
    """After a step's launches: tasks that found no place count for the circuit breaker (as
    the spec reads the API docs), and the step is retried later, or at once when the cluster's
    instances change.

    Mock decision: placement retries wait 10 s, 20 s, 40 s, ... up to 27 minutes (the
    throttling curve), without the throttling event, which is for tasks that fail to start."""
    if not unplaced:
        service.placement_retries = 0
        return
    fleet.failed_tasks += unplaced
    delay = min(BACKOFF_MAX, BACKOFF_BASE * 2.0 ** min(service.placement_retries, 16))
    service.placement_retries += 1
    request_step(region, service, now + delay)


def _instances_changed(region: Region, cluster: Cluster, at: float) -> None:
    """New capacity or a drain: every service of the cluster looks again, DAEMON ones first
    (their tasks are placed before replica tasks, DG), without waiting out a backoff."""
    services = sorted(cluster.services.values(), key=lambda s: s.scheduling != "DAEMON")
    for service in services:
        if service.status == "INACTIVE":
            continue
        service.streak = 0
        service.placement_retries = 0
        service_events.clear(service, "placement")
        request_step(region, service, at)


lifecycle.on_task_change(_task_changed)
lifecycle.on_action(STEP, _step_due)
lifecycle.on_action(FORGET, _forget)
instance_hooks.on_instances_change(_instances_changed)

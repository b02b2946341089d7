"""Tasks waiting for an Auto Scaling group capacity provider's capacity (managed scaling).

ECS returns such a task from RunTask in PROVISIONING, with no failure, and scales the group
out; "if the Auto Scaling group can't scale out ... the tasks fail to transition beyond
PROVISIONING" and stop with stopCode TaskFailedToStart (developer guide, cluster auto
scaling; API failure reasons). The mock has no Auto Scaling group: a test adds the provider's
instances (`add_container_instance(capacity_provider=...)`, `scale_out`). A waiting task is
placed, oldest first, whenever room may have appeared among its provider's instances (one
registers or comes back ACTIVE, its attributes change, a task on one stops), and stops after
`Timings.capacity_wait` of clock time with the reason the placement gives.

Placement is the scheduler's own (`scheduler.Placer`) and the task is made and later given its
instance by the launch pipeline (`launch.launch(waiting=True)`, `launch.place`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..errors import client_error
from . import lifecycle
from .constraints import Constraint
from .launch import LaunchSpec, launch, place
from .models import Cluster, ContainerInstance, Task
from .scheduler import Placer, candidates
from .state import Region
from .strategies import Strategy

# "a maximum of 100 tasks can be in the provisioning state for any cluster" (AWS deep dive on
# cluster auto scaling); the RunTask reference documents the ClientException, not its text.
QUOTA = 100
TIMEOUT = "CAPACITY_WAIT_TIMEOUT"
RETRY = "CAPACITY_RETRY"
FAILED_TO_START = "TaskFailedToStart"
EMPTY = "EMPTY CAPACITY PROVIDER"
NO_ACTIVE = "NO ACTIVE INSTANCES"


@dataclass
class Waiting:
    """A task waiting for room, with everything its placement needs."""

    task_id: str
    provider: str
    spec: LaunchSpec
    constraints: list[Constraint]
    strategies: list[Strategy]


def check_quota(region: Region, cluster: Cluster, more: int) -> None:
    """RunTask may not take a cluster past the PROVISIONING quota.

    Mock decision: the call is refused up front when all of its tasks for managed-scaling
    providers could not wait (some might have found room), and the text is the mock's."""
    waiting = len(region.waiting.get(cluster.name, []))
    if more and waiting + more > QUOTA:
        raise client_error(
            f"The quota of {QUOTA} tasks in the PROVISIONING state for cluster {cluster.name} "
            f"has been reached ({waiting} are waiting for capacity). Wait for them to start or "
            "stop and try again."
        )


def wait(
    region: Region,
    spec: LaunchSpec,
    provider: str,
    constraints: list[Constraint],
    strategies: list[Strategy],
    now: float,
) -> Task:
    """Make a task that waits in PROVISIONING for room among `provider`'s instances."""
    task = launch(region, spec, now, capacity_provider=provider, waiting=True)
    entry = Waiting(task.task_id, provider, spec, list(constraints), list(strategies))
    region.waiting.setdefault(spec.cluster.name, []).append(entry)
    region.touch(region)  # the regions row keeps the waiting queues
    region.schedule(now + region.timings.capacity_wait, task.task_id, TIMEOUT)
    return task


def instances_changed(
    region: Region, cluster: Cluster, instances: Iterable[ContainerInstance], now: float
) -> None:
    """Instances registered, came back ACTIVE, reconnected or changed attributes: their
    providers' waiting tasks may fit now."""
    if not region.waiting.get(cluster.name):
        return
    providers = {i.capacity_provider for i in instances if i.capacity_provider is not None}
    for provider in sorted(providers):
        offer(region, cluster, provider, now)


def offer(region: Region, cluster: Cluster, provider: str, now: float) -> None:
    """Place the provider's waiting tasks that fit now, oldest first; the others wait on (a
    large task that does not fit does not hold back a smaller one that does)."""
    queue = region.waiting.get(cluster.name)
    if not queue:
        return
    for entry in list(queue):
        if entry.provider != provider:
            continue
        task = _live(region, entry)
        if task is None:
            queue.remove(entry)
            region.touch(region)
            continue
        chosen = _placer(cluster, entry, region).next()
        if isinstance(chosen, list):
            continue
        queue.remove(entry)
        region.touch(region)
        place(region, task, entry.spec, chosen, now)
    if not queue:
        region.waiting.pop(cluster.name, None)


def _live(region: Region, entry: Waiting) -> Task | None:
    task = region.tasks.get(entry.task_id)
    if task is None or not task.awaiting_instance or task.desired_status == "STOPPED":
        return None
    return task


def _placer(cluster: Cluster, entry: Waiting, region: Region) -> Placer:
    spec = entry.spec
    return Placer(
        candidates(cluster.instances.values(), "EC2", entry.provider),
        cluster.instances.values(),
        spec.required,
        spec.demand,
        spec.zones,
        entry.constraints,
        entry.strategies,
        spec.group,
        region.ids.random,
    )


def _dequeue(region: Region, entry: Waiting, cluster: str) -> None:
    queue = region.waiting[cluster]
    queue.remove(entry)
    region.touch(region)
    if not queue:
        del region.waiting[cluster]


def _find(region: Region, task: Task) -> Waiting | None:
    queue = region.waiting.get(task.cluster_name, [])
    return next((entry for entry in queue if entry.task_id == task.task_id), None)


def _timed_out(region: Region, task_id: str, due: float) -> None:
    """The wait is over: place the task if it fits now, else stop it with ECS's reason."""
    task = region.tasks.get(task_id)
    cluster = region.clusters.get(task.cluster_name) if task is not None else None
    entry = _find(region, task) if task is not None else None
    if task is None or cluster is None or entry is None or _live(region, entry) is None:
        return
    chosen = _placer(cluster, entry, region).next()
    _dequeue(region, entry, cluster.name)
    if not isinstance(chosen, list):
        place(region, task, entry.spec, chosen, due)
        return
    reason = _reason(cluster, entry.provider, chosen)
    lifecycle.request_stop(region, task, due, FAILED_TO_START, f"{FAILED_TO_START}: {reason}")


def _reason(cluster: Cluster, provider: str, failures: list[dict[str, str]]) -> str:
    """The documented TaskFailedToStart reasons (API failure reasons).

    Mock decision: EMPTY CAPACITY PROVIDER when the provider has no registered instance in the
    cluster, NO ACTIVE INSTANCES when none of them is ACTIVE (all DRAINING), else the reason
    the first ACTIVE instance (in registration order) refuses the task for, without a final
    period (RESOURCE:CPU, RESOURCE:MEMORY, MemberOf placement constraint unsatisfied, ...)."""
    registered = [
        i
        for i in cluster.instances.values()
        if i.capacity_provider == provider and i.status != "INACTIVE"
    ]
    if not registered:
        return EMPTY
    if not failures:
        return NO_ACTIVE
    return failures[0]["reason"].rstrip(".")


def _retry(region: Region, target: str, due: float) -> None:
    cluster_name, _, provider = target.partition("/")
    cluster = region.clusters.get(cluster_name)
    if cluster is not None and cluster.status == "ACTIVE":
        offer(region, cluster, provider, due)


def _task_changed(region: Region, task: Task, at: float) -> None:
    """A waiting task asked to stop leaves the queue; a task that stopped on a provider's
    instance gave back room its provider's waiting tasks may use."""
    provider = task.capacity_provider_name
    if provider is None or task.launch_type != "EC2" or not region.waiting.get(task.cluster_name):
        return
    if task.awaiting_instance:
        if task.desired_status == "STOPPED":
            entry = _find(region, task)
            if entry is not None:
                _dequeue(region, entry, task.cluster_name)
        return
    if task.last_status == "STOPPED":
        # Scheduled, not run here: the task's own step is still being applied.
        region.schedule(at, f"{task.cluster_name}/{provider}", RETRY)


lifecycle.on_action(TIMEOUT, _timed_out)
lifecycle.on_action(RETRY, _retry)
lifecycle.on_task_change(_task_changed)

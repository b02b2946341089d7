"""The task lifecycle, driven by the clock and never by reads.

Every transition is an event due at a clock time; each call first applies the events that are due
(`tick`). Reading a task twice at the same clock time shows the same thing.
"""

from __future__ import annotations

from collections.abc import Callable

from . import container_start
from .ec2_names import private_dns_name
from .models import ContainerInstance, Task
from .state import Region
from .task_counts import TaskCounts

# Called after every change to a task (created, a new lastStatus, asked to stop, a container
# exited) with the clock time of the change: the service scheduler and the task state change
# events listen here instead of scanning tasks.
TaskListener = Callable[[Region, Task, float], None]
# Runs a scheduled action of another part of the backend: (region, target key, due time).
ActionHandler = Callable[[Region, str, float], None]
# Asked before a task moves forward outside the stop path (PENDING, RUNNING, ...) at a clock
# time: False holds it where it is (test outcomes: a task that never leaves PENDING, or one
# that fails to start).
TaskGate = Callable[[Region, Task, str, float], bool]
_listeners: list[TaskListener] = []
_actions: dict[str, ActionHandler] = {}
_gates: list[TaskGate] = []


def on_task_change(listener: TaskListener) -> TaskListener:
    """Register `listener` (usable as a decorator) for every task change in every region."""
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def off_task_change(listener: TaskListener) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


def gate_task(gate: TaskGate) -> TaskGate:
    """Register `gate` (usable as a decorator) for every forward step off the stop path."""
    if gate not in _gates:
        _gates.append(gate)
    return gate


def on_action(action: str, handler: ActionHandler) -> None:
    """Run `handler` for events scheduled with `region.schedule(due, target, action)`."""
    if action in ORDER or action == EXPIRED:
        raise ValueError(f"{action!r} is a task lifecycle step")
    _actions[action] = handler


def changed(region: Region, task: Task, at: float) -> None:
    """Tell the listeners a task changed (and note it for the state file)."""
    region.touch(task)
    for listener in _listeners:
        listener(region, task, at)


ORDER = {
    "PROVISIONING": 0,
    "PENDING": 1,
    "ACTIVATING": 2,
    "RUNNING": 3,
    "DEACTIVATING": 4,
    "STOPPING": 5,
    "DEPROVISIONING": 6,
    "STOPPED": 7,
}
STOP_PATH = frozenset({"DEACTIVATING", "STOPPING", "DEPROVISIONING", "STOPPED"})
# Mock decision: StartTask tasks have no load balancer or service discovery to register with,
# so they never pass through ACTIVATING or DEACTIVATING; these are the states they do reach.
REACHABLE = ("PENDING", "RUNNING", "STOPPING", "DEPROVISIONING", "STOPPED")
EXPIRED = "EXPIRED"
# Mock decision: a container stopped by StopTask exits as a process does on SIGTERM.
STOPPED_BY_SIGNAL_EXIT_CODE = 143


def begin(region: Region, task: Task, now: float, waiting: bool = False) -> None:
    """A task now exists: count it and schedule its way to RUNNING. A `waiting` task (no
    instance yet) stays in PROVISIONING until `placed`."""
    for counts in _counts(region, task):
        counts.arrived(task.last_status, task.group)
    if not waiting:
        _schedule_start(region, task, now)
    changed(region, task, now)


def placed(region: Region, task: Task, now: float) -> None:
    """A waiting task now has its instance: count it there and schedule its way to RUNNING."""
    instance = instance_of(region, task)
    if instance is not None:
        instance.counts.arrived(task.last_status, task.group)
    _schedule_start(region, task, now)
    changed(region, task, now)


def _schedule_start(region: Region, task: Task, now: float) -> None:
    due = now
    if task.last_status == "PROVISIONING":
        due += region.timings.provisioning
        region.schedule(due, task.task_id, "PENDING")
    region.schedule(due + region.timings.pending, task.task_id, "RUNNING")


def tick(region: Region, now: float) -> None:
    """Apply every step due by `now`, each stamped with the time it was due, not `now`."""
    while (event := region.next_due(now)) is not None:
        handler = _actions.get(event.action)
        if handler is not None:
            handler(region, event.target, event.due)
            continue
        task = region.tasks.get(event.target)
        if task is None:
            continue
        if event.action == EXPIRED:
            forget(region, task)
        else:
            enter(region, task, event.action, event.due)


def request_stop(
    region: Region, task: Task, now: float, code: str, reason: str, queue_steps: bool = True
) -> bool:
    """Ask a task to stop; False when it was already asked (StopTask is idempotent).
    `queue_steps=False` when the caller enters every stop step itself, now."""
    if task.desired_status == "STOPPED":
        return False
    task.desired_status = "STOPPED"
    region.index_for(task.cluster_name).desired_changed(task, "RUNNING")
    task.stop_code = code
    task.stopped_reason = reason
    task.times["stoppingAt"] = not_before(task, now)
    task.version += 1
    # Scheduled rather than entered, so the reply to the call that stops the task still shows
    # the status it had; the next call (at the same clock time) sees STOPPING or beyond.
    if queue_steps:
        region.schedule(now, task.task_id, "STOPPING")
        due = now + region.timings.stopping
        if task.awsvpc:
            region.schedule(due, task.task_id, "DEPROVISIONING")
            due += region.timings.deprovisioning
        region.schedule(due, task.task_id, "STOPPED")
    changed(region, task, now)
    return True


def enter(region: Region, task: Task, state: str, at: float) -> None:
    """Move a task on to `state` at clock time `at`, if that is forward on its path."""
    if ORDER[state] <= ORDER[task.last_status]:
        return
    if task.desired_status == "STOPPED" and state not in STOP_PATH:
        return
    if state not in STOP_PATH:
        for gate in _gates:
            if not gate(region, task, state, at):
                return
    for counts in _counts(region, task):
        counts.moved(task.last_status, state)
        if state == "STOPPED":
            counts.left(task.group)
    task.last_status = state
    task.version += 1
    at = not_before(task, at)
    if state == "PENDING":
        _attach_eni(region, task, at)
    elif state == "RUNNING":
        _run(region, task, at)
    elif state == "DEPROVISIONING":
        _stop_containers(task, at)
        _set_eni_status(task, "DETACHING")
    elif state == "STOPPED":
        _stop(region, task, at)
    changed(region, task, at)


def not_before(task: Task, at: float) -> float:
    """Mock decision: a task's timestamps never go backwards, even when the clock does
    (freezegun, time-machine): a new one is at least the task's latest so far. Steps stay due
    on the clock itself, so a task still moves on while the clock is behind its stamps."""
    return max(at, task.created_at, *task.times.values())


def advance(region: Region, task: Task, state: str, now: float) -> None:
    """Test control: walk the task through every step up to `state` at `now`."""
    if state in STOP_PATH and task.desired_status != "STOPPED":
        reason = "Task stopped by ecs_mock test control"
        # Walking all the way to STOPPED enters every stop step here: none need queueing.
        request_stop(region, task, now, "UserInitiated", reason, queue_steps=state != "STOPPED")
    if task.awaiting_instance and task.desired_status != "STOPPED":
        return  # it cannot start before its capacity provider has room for it
    for step in REACHABLE:
        if ORDER[step] > ORDER[state]:
            break
        if step == "DEPROVISIONING" and not task.awsvpc:
            continue
        enter(region, task, step, now)


def exit_container(
    region: Region, task: Task, name: str, exit_code: int, reason: str | None, now: float
) -> None:
    """Test control: one container exits; an essential one takes the task down with it."""
    for container in task.containers:
        if container.name != name or container.last_status == "STOPPED":
            continue
        container.last_status = "STOPPED"
        container.exit_code = exit_code
        container.reason = reason
        container_start.release_bindings(container)
        task.version += 1
        region.touch(task)
        if container.essential:
            request_stop(
                region, task, now, "EssentialContainerExited", "Essential container in task exited"
            )
        else:
            changed(region, task, now)


def instance_of(region: Region, task: Task) -> ContainerInstance | None:
    """The instance a task runs on, while the task still counts there (a forced deregistration
    orphans its tasks)."""
    if task.instance_id is None:
        return None
    cluster = region.clusters.get(task.cluster_name)
    instance = cluster.instances.get(task.instance_id) if cluster is not None else None
    if instance is None or task.task_id not in instance.task_ids:
        return None
    return instance


def _counts(region: Region, task: Task) -> list[TaskCounts]:
    """The live counters a task's status changes move: its cluster's and its instance's."""
    found = []
    cluster = region.clusters.get(task.cluster_name)
    if cluster is not None:
        found.append(cluster.counts)
    instance = instance_of(region, task)
    if instance is not None:
        found.append(instance.counts)
    return found


def forget(region: Region, task: Task) -> None:
    """A STOPPED task past its hour of visibility is gone: DescribeTasks reports it MISSING."""
    region.tasks.pop(task.task_id, None)
    region.touch(task)
    cluster = region.clusters.get(task.cluster_name)
    if cluster is not None:
        cluster.tasks.pop(task.task_id, None)
        instance = cluster.instances.get(task.instance_id or "")
        if instance is not None:
            instance.task_ids.discard(task.task_id)
    index = region.task_index.get(task.cluster_name)
    if index is not None:
        index.remove(task)


def _attach_eni(region: Region, task: Task, at: float) -> None:
    for attachment in task.attachments:
        if attachment["type"] != "ElasticNetworkInterface":
            continue
        octets = region.ids.port(1, 254), region.ids.port(1, 254)
        address = f"10.0.{octets[0]}.{octets[1]}"
        attachment["status"] = "ATTACHED"
        attachment["details"] = [
            *attachment["details"],
            {"name": "networkInterfaceId", "value": "eni-" + region.ids.hex(17)},
            {"name": "macAddress", "value": ":".join(region.ids.hex(2) for _ in range(6))},
            {"name": "privateDnsName", "value": private_dns_name(region.region, address)},
            {"name": "privateIPv4Address", "value": address},
        ]
        for container in task.containers:
            container.network_interfaces = (
                {"attachmentId": attachment["id"], "privateIpv4Address": address},
            )
        task.connectivity = "CONNECTED"
        task.times["connectivityAt"] = at


def _run(region: Region, task: Task, at: float) -> None:
    # Mock decision: the image pull takes no clock time, so pullStartedAt, pullStoppedAt and
    # startedAt are all the moment the task reaches RUNNING.
    task.times.update(pullStartedAt=at, pullStoppedAt=at, startedAt=at)
    if task.connectivity is None:
        task.connectivity = "CONNECTED"
        task.times["connectivityAt"] = at
    container_start.start_containers(region, task, instance_of(region, task), at)


def _stop_containers(task: Task, at: float) -> None:
    """The containers are gone (SIGTERM, then SIGKILL): executionStoppedAt."""
    task.times.setdefault("executionStoppedAt", at)
    for container in task.containers:
        if container.last_status == "RUNNING" and container.exit_code is None:
            container.exit_code = STOPPED_BY_SIGNAL_EXIT_CODE
        container.last_status = "STOPPED"
        container_start.release_bindings(container)
        for agent in container.managed_agents:
            agent["lastStatus"] = "STOPPED"


# A Spot interruption: "TerminationNotice" while the task is stopping (DG-CP's event sample),
# "SpotInterruption" once it is stopped (consumer fixtures; ecs-runtask.md §3.4).
TERMINATION_NOTICE = "TerminationNotice"
SPOT_INTERRUPTION = "SpotInterruption"


def _stop(region: Region, task: Task, at: float) -> None:
    if task.stop_code == TERMINATION_NOTICE:
        task.stop_code = SPOT_INTERRUPTION
    _stop_containers(task, at)
    task.times["stoppedAt"] = at
    task.tags = []  # "Any tags associated with the task will be deleted." (StopTask docs)
    _set_eni_status(task, "DELETED")
    instance = instance_of(region, task)
    if instance is not None:
        instance.resources.release(task.holding)  # Holding guards against a second release
        region.touch(instance)
    region.schedule(at + region.timings.stopped_visible, task.task_id, EXPIRED)


def _set_eni_status(task: Task, status: str) -> None:
    for attachment in task.attachments:
        if attachment["type"] == "ElasticNetworkInterface":
            attachment["status"] = status

"""One step of a REPLICA service with the ECS deployment controller: the rolling deployment.

With D the desired count, up = floor(D x maximumPercent / 100) and floorH = ceil(D x
minimumHealthyPercent / 100) (documented rounding), a step (ecs-services.md §3.4; the order
of the parts is inferred):

0. stop at once what cannot stay: tasks on deregistered instances, and tasks on DRAINING
   instances that are not RUNNING yet;
1. start: k = min(D - active(PRIMARY), up - inFlight(all)) new PRIMARY tasks; then stop the
   tasks reporting UNHEALTHY that were replaced (container_health.py);
2. stop tasks of older deployments (and RUNNING tasks on DRAINING instances) while
   healthy(all) - 1 >= floorH, tasks not healthy first (those may always go); once PRIMARY has
   D healthy tasks, all of them;
3. scale PRIMARY in to D;
4. drop older deployments without tasks;
5. report a deployment that can neither start nor stop (once);
6. completion ("deployment completed.", "has reached a steady state.").

"active" = desiredStatus RUNNING; "inFlight" = not yet STOPPED; "healthy" = RUNNING for
`service_healthy_after_seconds` (health checks are not modelled). Leaving tasks (on DRAINING
instances) count as in flight and healthy while they run, but not as active.

Mock decision: an older deployment is not refilled when one of its tasks stops during a
rollout (ECS now replaces from the task's own revision, NEWS-25); the new PRIMARY's tasks take
the place, and the old deployment's desiredCount follows its active tasks.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

from . import (
    container_health,
    service_events,
    service_launch,
    service_rebalance,
    service_rollout,
    service_scheduler,
)
from .models import Cluster, Task
from .service_models import Deployment, Service
from .state import Region
from .strategies import parse_strategies, spread_value
from .task_protection import is_protected

# Mock decision: ECS does not publish these stoppedReasons.
DRAINING_REASON = "Task stopped because its container instance is DRAINING."
DEREGISTERED_REASON = "Task stopped because its container instance was deregistered."


def where(cluster: Cluster, task: Task) -> str:
    """`ok`, `draining` (its instance is DRAINING) or `gone` (deregistered, or orphaned)."""
    if task.instance_id is None:
        return "ok"
    instance = cluster.instances.get(task.instance_id)
    if instance is None or instance.status == "INACTIVE" or task.task_id not in instance.task_ids:
        return "gone"
    return "draining" if instance.status == "DRAINING" else "ok"


def is_active(task: Task) -> bool:
    return task.desired_status == "RUNNING"


def is_healthy(region: Region, task: Task, now: float) -> bool:
    if task.last_status != "RUNNING" or task.desired_status != "RUNNING":
        return False
    started = task.times.get("startedAt", now)
    return now - started >= region.timings.service_healthy_after


def live_tasks(region: Region, deployment: Deployment) -> list[Task]:
    found = (region.tasks.get(task_id) for task_id in deployment.task_ids)
    # Mock decision: tasks created in the same millisecond (a frozen clock) are ordered by id,
    # so that which one a step stops never depends on a set's iteration order.
    return sorted((t for t in found if t is not None), key=lambda t: (t.created_at, t.task_id))


def step(region: Region, cluster: Cluster, service: Service, now: float, force: bool) -> None:
    service_rollout.absorb_failures(service)
    check_failures(region, service, now)
    primary = service.primary
    if primary is None:
        return
    service_rollout.start_deployment(service, primary, now)
    config = service.deployment_config
    desired = service.desired_count if service.status == "ACTIVE" else 0
    up = desired * config.get("maximumPercent", 200) // 100
    floor_healthy = math.ceil(desired * config.get("minimumHealthyPercent", 100) / 100)
    mine = live_tasks(region, primary)
    everything = mine + [t for d in service.deployments[1:] for t in live_tasks(region, d)]
    places = {task.task_id: where(cluster, task) for task in everything}
    # Tasks reporting UNHEALTHY past the grace period: replaced (step 1), then stopped (1b).
    failing = container_health.failing(region, service, everything, now)
    unhealthy = {task.task_id for task in failing}
    # Healthy when the step began; a task the step stops is no longer active, so no longer
    # healthy: `healthy(t)` below stays true to the moment without a second pass.
    was_healthy = {
        task.task_id
        for task in everything
        if is_healthy(region, task, now) and task.task_id not in unhealthy
    }

    def healthy(task: Task) -> bool:
        return task.task_id in was_healthy and task.desired_status == "RUNNING"

    def staying(task: Task) -> bool:
        return is_active(task) and places[task.task_id] == "ok" and task.task_id not in unhealthy

    # 0. what cannot stay
    for task in everything:
        if not is_active(task):
            continue
        if places[task.task_id] == "gone":
            service_launch.stop_with(region, task, now, DEREGISTERED_REASON)
        elif places[task.task_id] == "draining" and task.last_status != "RUNNING":
            service_launch.stop_with(region, task, now, DRAINING_REASON)

    # 1. start
    progressed = False
    started: list[Task] = []
    if primary.rollout_state != "FAILED":
        primary.desired_count = desired
    wanted = min(desired - sum(map(staying, mine)), up - len(everything))
    launching = wanted > 0 and primary.rollout_state != "FAILED" and service.status == "ACTIVE"
    if launching and may_launch(region, service, now, force):
        starter = service_launch.Starter(region, cluster, service, primary, now)
        starter.start(wanted, mine)
        starter.replacing = len(failing)
        starter.finish()
        started = starter.started
        service.last_launch = now
        service_scheduler.placed(region, service, primary, starter.unplaced, now)
        progressed = bool(starter.started)
        mine = mine + starter.started
        everything = everything + starter.started
        places.update({task.task_id: "ok" for task in starter.started})

    # 1b. unhealthy tasks go once replaced; with no room for a replacement (maximumPercent,
    # resources), one at a time, to free room (API DeploymentConfiguration).
    # Mock decision: they go in the step that starts their replacements, not once those are
    # healthy.
    failing = [task for task in failing if is_active(task)]  # not already stopped by step 0
    if failing:
        container_health.stop_failing(region, service, failing[: max(len(started), 1)], now)
        progressed = True

    # 2. stop older deployments' tasks and tasks on DRAINING instances, within minimumHealthy;
    # a protected task (task_protection.py) waits for its protection to end unless it must go.
    leaving = [
        task
        for task in everything
        if is_active(task)
        and (task.started_by != primary.id or places[task.task_id] == "draining")
        and task.task_id not in unhealthy
        and not (places[task.task_id] == "ok" and is_protected(task, now))
    ]
    healthy_count = sum(map(healthy, everything))
    primary_healthy = sum(healthy(task) and places[task.task_id] == "ok" for task in mine)
    victims: list[Task] = []
    if primary_healthy >= desired:
        victims = leaving
    else:
        for task in sorted(leaving, key=healthy):
            if not healthy(task):
                victims.append(task)
            elif healthy_count - 1 >= floor_healthy:
                victims.append(task)
                healthy_count -= 1
    _stop_leaving(region, service, victims, places, now)
    progressed = progressed or bool(victims)

    # 3. scale PRIMARY in, never stopping a protected task
    extra = [task for task in mine if staying(task)]
    if len(extra) > desired:
        # After an AZ rebalancing start, the fullest zone gives one up once all are healthy.
        if not (service.rebalancing and not all(map(healthy, extra))):
            stoppable = [task for task in extra if not is_protected(task, now)]
            count = min(len(extra) - desired, len(stoppable))
            scale_in = choose_victims(region, cluster, service, stoppable, count)
            if service.rebalancing and len(extra) - desired == 1:
                service_rebalance.stop_moved(region, service, scale_in, now)
            else:
                service_launch.stop(region, service, scale_in, now)
            service.rebalancing = False
    elif service.rebalancing:
        service.rebalancing = False

    # 4. older deployments shrink as their tasks go, and leave when none is left
    for deployment in list(service.deployments[1:]):
        if not deployment.task_ids:
            service.deployments.remove(deployment)
            deployment.status = "INACTIVE"
            continue
        deployment.desired_count = sum(
            region.tasks[t].desired_status == "RUNNING"
            for t in deployment.task_ids
            if t in region.tasks
        )

    # 5. a deployment that can neither start nor stop
    stopped = {task.task_id for task in victims}
    if not progressed and wanted <= 0 and any(t.task_id not in stopped for t in leaving):
        settled = all(
            task.last_status == "RUNNING" and healthy(task)
            for task in everything
            if task.task_id not in stopped
        )
        if settled:
            message = service_events.blocked_by_configuration()
            service_events.emit(region, service, message, now, kind="configuration")
    elif progressed:
        service_events.clear(service, "configuration")

    # 6. completion and steady state
    still = [task for task in mine if task.last_status != "STOPPED"]
    ready = all(places[task.task_id] == "ok" for task in still) and desired == sum(
        map(healthy, still)
    )
    placed = [t for t in still if staying(t)]
    service_rebalance.check_done(region, cluster, service, primary, placed, now)
    settle(region, service, now, desired, ready)
    if service.steady_since is not None and service_rebalance.applies(service):
        in_flight = sum(len(d.task_ids) for d in service.deployments)
        service_rebalance.step(region, cluster, service, primary, placed, in_flight, up, now)
    wake_when_healthy(region, service, everything, now)


def _stop_leaving(
    region: Region, service: Service, victims: list[Task], places: dict[str, str], now: float
) -> None:
    drained = [task for task in victims if places[task.task_id] == "draining"]
    for task in drained:
        service_launch.stop_with(region, task, now, DRAINING_REASON)
    service_launch.stop(region, service, [t for t in victims if t not in drained], now)


def check_failures(region: Region, service: Service, now: float) -> None:
    """The circuit breaker, alarms and a requested StopServiceDeployment act first.

    Mock decision: alarms are watched while the deployment is IN_PROGRESS (there is no bake
    time in a ROLLING deployment here)."""
    primary = service.primary
    if primary is None or primary.rollout_state != "IN_PROGRESS":
        return
    record = primary.service_deployment
    if record is not None and record.status == "ROLLBACK_REQUESTED":
        service_rollout.trip(
            region,
            service,
            primary,
            now,
            service_rollout.STOP_REQUESTED,
            "a rollback was requested.",
            True,
            "stop",
        )
        return
    alarms = service.deployment_config.get("alarms") or {}
    triggered = [
        name
        for name in alarms.get("alarmNames", [])
        if alarms.get("enable")
        if region.alarm_states.get(name) == "ALARM" and name not in primary.ignored_alarms
    ]
    if triggered:
        if record is not None:
            record.triggered_alarms = triggered
        service_rollout.trip(
            region,
            service,
            primary,
            now,
            service_rollout.ALARM_FAILED,
            "alarm detected.",
            bool(alarms.get("rollback")),
            "alarm",
        )
        return
    breaker = service.deployment_config.get("deploymentCircuitBreaker", {})
    if breaker.get("enable") and primary.failed_tasks >= service_rollout.threshold(service):
        service_rollout.trip(
            region,
            service,
            primary,
            now,
            service_rollout.BREAKER_FAILED,
            "tasks failed to start.",
            bool(breaker.get("rollback")),
            "breaker",
        )


def may_launch(region: Region, service: Service, now: float, force: bool) -> bool:
    """Throttling: after repeated failed starts, wait out the backoff (E8 once)."""
    delay = service_rollout.launch_delay(service)
    if force or delay == 0 or now >= service.last_launch + delay:
        return True
    service_events.emit(region, service, service_events.throttled(), now, kind="throttle")
    service_scheduler.request_step(region, service, service.last_launch + delay)
    return False


def settle(region: Region, service: Service, now: float, desired: int, ready: bool) -> None:
    """Complete the PRIMARY deployment when it alone runs `desired` healthy tasks where they
    may stay (`ready`), and report steady state (ecs-services.md §3.6)."""
    primary = service.primary
    if primary is None or service.status != "ACTIVE":
        return
    alone = len(service.deployments) == 1
    if (
        primary.rollout_state == "IN_PROGRESS"
        and alone
        and ready
        and primary.counts.running == desired
        and primary.counts.pending == 0
    ):
        service_rollout.complete(region, service, primary, now)
    is_steady = (
        alone
        and ready
        and primary.rollout_state == "COMPLETED"
        and service.running_count == desired
        and service.pending_count == 0
    )
    repeat = service_rollout.steady(region, service, is_steady, now)
    if repeat is not None:
        service_scheduler.request_step(region, service, repeat)


def wake_when_healthy(region: Region, service: Service, tasks: Sequence[Task], now: float) -> None:
    wait = region.timings.service_healthy_after
    if wait <= 0:
        return
    for task in tasks:
        started = task.times.get("startedAt")
        if task.last_status == "RUNNING" and started is not None and now - started < wait:
            service_scheduler.request_step(region, service, started + wait)


def choose_victims(
    region: Region, cluster: Cluster, service: Service, tasks: Sequence[Task], count: int
) -> list[Task]:
    """Scale-in (DG): tasks not yet RUNNING first; then by the service's first placement
    strategy (binpack: the instance with the most of the resource left; spread: the value with
    the most tasks; random), else the zone with the most tasks, then the instance with the
    most. Mock decision: remaining ties go to the newest task."""
    strategies = parse_strategies(service.placement_strategy)
    first = strategies[0] if strategies else None
    pool = list(tasks)
    chosen: list[Task] = []

    def bucket(task: Task, field: str) -> str | None:
        instance = cluster.instances.get(task.instance_id or "")
        if instance is None:
            return task.availability_zone if field.endswith("availability-zone") else task.task_id
        return spread_value(instance, field)

    while pool and len(chosen) < count:
        # Mock decision: a task reporting UNHEALTHY (in its grace period) goes as early.
        waiting = [
            task
            for task in pool
            if task.last_status != "RUNNING" or container_health.reports_unhealthy(task)
        ]
        if waiting:
            pick = max(waiting, key=lambda t: (t.created_at, t.task_id))
        elif first is not None and first.type == "random":
            pick = region.ids.random.choice(pool)
        elif first is not None and first.type == "binpack":

            def left(task: Task) -> int:
                instance = cluster.instances.get(task.instance_id or "")
                if instance is None:
                    return 0
                held = instance.resources
                if (first.field or "").lower() == "cpu":
                    return held.cpu - held.cpu_used
                return held.memory - held.memory_used

            pick = max(pool, key=lambda t: (left(t), t.created_at, t.task_id))
        else:
            fields = (
                [first.field or "instanceId"]
                if first is not None
                else ["attribute:ecs.availability-zone", "instanceId"]
            )
            counts = [Counter(bucket(t, f) for t in pool) for f in fields]
            pick = max(
                pool,
                key=lambda t: (
                    *(c[bucket(t, f)] for c, f in zip(counts, fields, strict=True)),
                    t.created_at,
                    t.task_id,
                ),
            )
        chosen.append(pick)
        pool.remove(pick)
    return chosen

"""One step of a DAEMON service: exactly one task on each ACTIVE instance that satisfies the
service's placement constraints (DG ecs_services). New instances get one; DRAINING,
deregistered and no longer matching instances lose theirs; the desired count is the number of
such instances. A new deployment replaces the task of each instance in turn, within
minimumHealthyPercent (default 0) and maximumPercent (at most 100: never two on one instance).
"""

from __future__ import annotations

import math

from . import service_launch, service_replica
from .constraints import Constraint
from .models import Cluster, ContainerInstance, Task
from .service_models import Service
from .service_replica import is_active, is_healthy, live_tasks, where
from .state import Region


def eligible(
    cluster: Cluster, service: Service, constraints: list[Constraint]
) -> list[ContainerInstance]:
    """ACTIVE instances of the service's kind that satisfy its memberOf constraints."""
    primary = service.primary
    external = primary is not None and primary.launch.launch_type == "EXTERNAL"
    return [
        instance
        for instance in cluster.instances.values()
        if instance.status == "ACTIVE"
        and instance.is_external == external
        and all(
            c.parsed.matches(instance) for c in constraints if c.type == "memberOf" and c.parsed
        )
    ]


def step(region: Region, cluster: Cluster, service: Service, now: float, force: bool) -> None:
    from . import service_rollout, service_scheduler

    service_rollout.absorb_failures(service)
    service_replica.check_failures(region, service, now)
    primary = service.primary
    if primary is None:
        return
    service_rollout.start_deployment(service, primary, now)
    constraints, _ = service_launch.placement(service, primary)
    hosts = eligible(cluster, service, constraints) if service.status == "ACTIVE" else []
    desired = len(hosts)
    if service.status == "ACTIVE":
        service.desired_count = desired
    if primary.rollout_state != "FAILED":
        primary.desired_count = desired
    everything = [task for d in service.deployments for task in live_tasks(region, d)]
    host_ids = {instance.instance_id for instance in hosts}
    on: dict[str, list[Task]] = {}
    for task in everything:
        on.setdefault(task.instance_id or "", []).append(task)

    # Tasks where the service no longer wants one.
    replaced: list[Task] = []
    for task in everything:
        if not is_active(task) or task.instance_id in host_ids:
            continue
        place = where(cluster, task)
        if place == "gone":
            service_launch.stop_with(region, task, now, service_replica.DEREGISTERED_REASON)
        elif place == "draining":
            service_launch.stop_with(region, task, now, service_replica.DRAINING_REASON)
        else:
            replaced.append(task)

    config = service.deployment_config
    floor_healthy = math.ceil(desired * config.get("minimumHealthyPercent", 0) / 100)
    healthy = sum(is_healthy(region, task, now) for task in everything)
    starter = service_launch.Starter(region, cluster, service, primary, now)
    launching = primary.rollout_state != "FAILED" and service.status == "ACTIVE"
    allowed = launching and service_replica.may_launch(region, service, now, force)
    for instance in hosts:
        here = on.get(instance.instance_id, [])
        current = [t for t in here if is_active(t) and t.started_by == primary.id]
        older = [t for t in here if is_active(t) and t.started_by != primary.id]
        if current:
            replaced += current[1:] + older
        elif older:
            task = older[0]
            if not is_healthy(region, task, now) or healthy - 1 >= floor_healthy:
                replaced += older
                healthy -= is_healthy(region, task, now)
        elif not here and allowed:
            starter.start_on(instance)
    service_launch.stop(region, service, replaced, now)
    if allowed:
        starter.finish()
        if starter.started or starter.unplaced:
            service.last_launch = now
        service_scheduler.placed(region, service, primary, starter.unplaced, now)
    for deployment in service.deployments[1:]:
        deployment.desired_count = sum(map(is_active, live_tasks(region, deployment)))
    for deployment in list(service.deployments[1:]):
        if not deployment.task_ids:
            service.deployments.remove(deployment)
            deployment.status = "INACTIVE"
    mine = live_tasks(region, primary)
    per_host = dict.fromkeys(host_ids, 0)
    for task in mine:
        if task.instance_id in per_host and is_healthy(region, task, now):
            per_host[task.instance_id] += 1
    ready = len(mine) == desired and all(count == 1 for count in per_host.values())
    service_replica.settle(region, service, now, desired, ready)
    service_replica.wake_when_healthy(region, service, everything, now)

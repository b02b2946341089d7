"""One step of a service whose deployments are task sets (EXTERNAL and CODE_DEPLOY controllers).

Each task set is kept at its computedDesiredCount = ceil(desiredCount x scale / 100) with its
own revision (ecs-services.md §6, inferred): missing tasks are started, extra ones stopped,
tasks on DRAINING instances replaced first. Mock decision: minimumHealthyPercent and
maximumPercent are stored and echoed but do not apply (ECS uses them for draining there);
whoever controls the deployment shifts the scales. A DRAINING task set goes to 0 and is
removed once it has no tasks.
"""

from __future__ import annotations

import math

from . import service_launch, service_replica, service_scheduler
from .models import Cluster
from .service_models import Service, TaskSet
from .service_replica import is_active, is_healthy, where
from .state import Region
from .task_protection import is_protected


def computed_count(service: Service, task_set: TaskSet) -> int:
    if task_set.status == "DRAINING" or service.status != "ACTIVE":
        return 0
    return math.ceil(service.desired_count * task_set.scale / 100 - 1e-9)


def step(region: Region, cluster: Cluster, service: Service, now: float) -> None:
    for task_set in list(service.task_sets):
        _reconcile(region, cluster, service, task_set, now)
    for task_set in list(service.task_sets):
        if task_set.status == "DRAINING" and not task_set.task_ids:
            service.task_sets.remove(task_set)


def _reconcile(
    region: Region, cluster: Cluster, service: Service, task_set: TaskSet, now: float
) -> None:
    wanted = computed_count(service, task_set)
    task_set.desired_count = wanted
    found = (region.tasks.get(task_id) for task_id in task_set.task_ids)
    tasks = sorted((t for t in found if t is not None), key=lambda t: (t.created_at, t.task_id))
    places = {task.task_id: where(cluster, task) for task in tasks}
    for task in tasks:
        if not is_active(task):
            continue
        if places[task.task_id] == "gone":
            service_launch.stop_with(region, task, now, service_replica.DEREGISTERED_REASON)
        elif places[task.task_id] == "draining" and task.last_status != "RUNNING":
            service_launch.stop_with(region, task, now, service_replica.DRAINING_REASON)
    staying = [t for t in tasks if is_active(t) and places[t.task_id] == "ok"]
    if len(staying) < wanted and service_replica.may_launch(region, service, now, False):
        starter = service_launch.Starter(region, cluster, service, task_set, now)
        starter.start(wanted - len(staying), tasks)
        starter.finish()
        service.last_launch = now
        service_scheduler.placed(region, service, task_set, starter.unplaced, now)
        staying += starter.started
        tasks += starter.started
    elif len(staying) > wanted:
        stoppable = [task for task in staying if not is_protected(task, now)]
        victims = service_replica.choose_victims(
            region, cluster, service, stoppable, min(len(staying) - wanted, len(stoppable))
        )
        service_launch.stop(region, service, victims, now)
    healthy = sum(is_healthy(region, t, now) for t in staying)
    draining = [t for t in tasks if is_active(t) and places.get(t.task_id) == "draining"]
    if draining and healthy >= wanted:
        for task in draining:
            service_launch.stop_with(region, task, now, service_replica.DRAINING_REASON)
    stable = (
        task_set.counts.running == wanted
        and task_set.counts.pending == 0
        and not draining
        and all(is_active(t) for t in tasks if t.last_status == "RUNNING")
    )
    stability = "STEADY_STATE" if stable else "STABILIZING"
    if stability != task_set.stability:
        task_set.stability = stability
        task_set.stability_at = task_set.updated_at = now
    service_replica.wake_when_healthy(region, service, tasks, now)

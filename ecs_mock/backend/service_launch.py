"""The service scheduler's front end to the launch pipeline: start and stop a fleet's tasks.

Tasks are made exactly as RunTask makes them (`launch.prepare`, `scheduler.Placer`,
`launch.launch`), with the service's placement and the fleet's revision: group
`service:<name>`, startedBy the fleet id. What RunTask reports as `failures[]` becomes a service
event here ("was unable to place a task because ..."), never an error.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from typing import Any

from ..errors import EcsError
from . import capacity, fargate, lifecycle, service_events
from .capacity import Target
from .constraints import Constraint, parse_constraints, unsatisfied
from .launch import LaunchSpec, launch, prepare
from .models import Cluster, ContainerInstance, Task
from .placement import refusal
from .scheduler import Placer
from .service_models import FailRule, Fleet, Service
from .state import Region
from .strategies import Strategy, parse_strategies

SCHEDULER = "ServiceSchedulerInitiated"
FAILS = "SERVICE_TASK_FAILS"  # a scheduled action: a test-controlled start failure
# ECS's default for service tasks: "spread using the attribute:ecs.availability-zone" (DG
# task-placement-strategies), then "the fewest number of running tasks for this service"
# per instance (API CreateService). Not echoed: the service shows `placementStrategy: []`.
DEFAULT_STRATEGIES = (
    Strategy("spread", "attribute:ecs.availability-zone"),
    Strategy("spread", "instanceId"),
)


def group_of(service: Service) -> str:
    return f"service:{service.name}"


def scaling_reason(fleet_id: str) -> str:
    """Mock decision: the stopped task's own deployment is the one named (observed for a task
    whose startedBy equals the id; which one ECS names when draining an old one is unproven)."""
    return f"Scaling activity initiated by (deployment {fleet_id})"


def placement(service: Service, fleet: Fleet) -> tuple[list[Constraint], list[Strategy]]:
    constraints = parse_constraints(
        service.placement_constraints,
        fleet.launch.definition.body.get("placementConstraints", []),
    )
    strategies = parse_strategies(service.placement_strategy) or list(DEFAULT_STRATEGIES)
    return constraints, strategies


def spec_for(
    region: Region, cluster: Cluster, service: Service, fleet: Fleet, launch_type: str
) -> LaunchSpec:
    launch_config = fleet.launch
    params: dict[str, Any] = {
        "group": group_of(service),
        "startedBy": fleet.id,
        "enableExecuteCommand": service.execute_command,
        "enableECSManagedTags": service.managed_tags,
    }
    if launch_config.network is not None:
        params["networkConfiguration"] = launch_config.network
    if launch_config.platform_version is not None and launch_type == "FARGATE":
        params["platformVersion"] = launch_config.platform_version
    if launch_config.volumes:
        params["volumeConfigurations"] = launch_config.volumes
    if service.propagate_tags == "SERVICE":
        params["tags"] = [dict(tag) for tag in service.tags]
    elif service.propagate_tags == "TASK_DEFINITION":
        params["propagateTags"] = "TASK_DEFINITION"
    spec = prepare(region, cluster, launch_config.definition, params, launch_type)
    spec.service_name = service.name
    if service.managed_tags:
        spec.tags.append({"key": "aws:ecs:serviceName", "value": service.name})
    return spec


def targets_for(cluster: Cluster, fleet: Fleet, live: Sequence[Task], count: int) -> list[Target]:
    """Where each of the next `count` tasks goes. A strategy is split over the fleet's whole
    desired count (base first, then by weight); the next tasks fill the providers furthest
    below their share."""
    launch_config = fleet.launch
    if not launch_config.strategy:
        return [Target(launch_config.launch_type or "EC2")] * count
    capacity.check_against_cluster(cluster, launch_config.strategy, False)
    wanted = Counter(capacity.split(launch_config.strategy, max(fleet.desired_count, count)))
    have = Counter(t.capacity_provider_name for t in live if t.desired_status == "RUNNING")
    names: list[str] = []
    for item in launch_config.strategy:
        name = item["capacityProvider"]
        names += [name] * max(0, wanted[name] - have[name])
    names += capacity.split(launch_config.strategy, count)
    return [
        Target("FARGATE" if n in capacity.FARGATE_PROVIDERS else "EC2", n) for n in names[:count]
    ]


def candidates(cluster: Cluster, target: Target) -> list[ContainerInstance]:
    """ACTIVE instances of the target's kind, as RunTask chooses among (registration order)."""
    found = []
    for instance in cluster.instances.values():
        if instance.status != "ACTIVE":
            continue
        if (target.launch_type == "EXTERNAL") != instance.is_external:
            continue
        if target.provider is not None and instance.capacity_provider != target.provider:
            continue
        found.append(instance)
    return found


class Starter:
    """Starts one fleet's tasks during one scheduler step; reports what it could not place."""

    def __init__(
        self, region: Region, cluster: Cluster, service: Service, fleet: Fleet, now: float
    ) -> None:
        self.region, self.cluster, self.service, self.fleet, self.now = (
            region,
            cluster,
            service,
            fleet,
            now,
        )
        self.started: list[Task] = []
        self.unplaced = 0
        self._specs: dict[str, LaunchSpec] = {}
        self._placers: dict[Target, Placer] = {}
        self._placement: tuple[list[Constraint], list[Strategy]] | None = None
        self.zone: str | None = None  # AZ rebalancing: place only in this zone, quietly
        self.replacing = 0  # how many of the tasks started replace unhealthy ones (E2's tail)

    def spec(self, launch_type: str) -> LaunchSpec:
        found = self._specs.get(launch_type)
        if found is None:
            found = spec_for(self.region, self.cluster, self.service, self.fleet, launch_type)
            self._specs[launch_type] = found
        return found

    def rules(self) -> tuple[list[Constraint], list[Strategy]]:
        if self._placement is None:
            self._placement = placement(self.service, self.fleet)
        return self._placement

    def start(self, count: int, live: Sequence[Task]) -> None:
        """Place up to `count` tasks where the scheduler chooses (REPLICA, task sets)."""
        try:
            targets = targets_for(self.cluster, self.fleet, live, count)
            zones = Counter(t.availability_zone for t in live if t.desired_status == "RUNNING")
            stuck: set[Target] = set()
            for target in targets:
                if target in stuck:
                    self.unplaced += 1
                elif not self._start_one(target, zones):
                    stuck.add(target)
                    self.unplaced += 1
        except EcsError as error:  # the revision no longer launches (e.g. a provider removed)
            self.unplaced += count - len(self.started)
            self._refused(service_events.unable_with_reason(error.message))

    def start_on(self, instance: ContainerInstance) -> bool:
        """Place one task on `instance` (DAEMON): False, with an event, when it cannot."""
        try:
            launch_type = "EXTERNAL" if instance.is_external else "EC2"
            spec = self.spec(launch_type)
            constraints, _ = self.rules()
            reason = refusal(instance, spec.required, spec.demand, spec.zones) or unsatisfied(
                constraints, instance, spec.group
            )
        except EcsError as error:
            self.unplaced += 1
            self._refused(service_events.unable_with_reason(error.message))
            return False
        if reason is not None:
            self.unplaced += 1
            self._refused(service_events.unable_to_place([{"arn": instance.arn, "reason": reason}]))
            return False
        self._made(launch(self.region, spec, self.now, instance=instance))
        return True

    def _start_one(self, target: Target, zones: Counter[str | None]) -> bool:
        spec = self.spec(target.launch_type)
        if target.launch_type == "FARGATE":
            provider = target.provider or "FARGATE"
            if provider == "FARGATE_SPOT":  # refused as a task that cannot launch
                fargate.check_spot(self.fleet.launch.definition, spec.platform_version)
            if provider in self.region.capacity_unavailable:
                self._refused(service_events.unable_with_reason(fargate.CAPACITY_UNAVAILABLE))
                return False
            subnet = _emptiest_subnet(self.region, spec, zones, self.zone)
            task = launch(
                self.region, spec, self.now, capacity_provider=target.provider, subnet=subnet
            )
            zones[task.availability_zone] += 1
            self._made(task)
            return True
        placer = self._placers.get(target)
        if placer is None:
            found = candidates(self.cluster, target)
            if self.zone is not None:
                found = [i for i in found if i.attribute("ecs.availability-zone") == self.zone]
            if not found:
                self._refused(service_events.no_instances())
                return False
            constraints, strategies = self.rules()
            placer = Placer(
                found,
                self.cluster.instances.values(),
                spec.required,
                spec.demand,
                spec.zones,
                constraints,
                strategies,
                spec.group,
                self.region.ids.random,
            )
            self._placers[target] = placer
        chosen = placer.next()
        if isinstance(chosen, list):
            self._refused(service_events.unable_to_place(chosen))
            return False
        task = launch(
            self.region, spec, self.now, instance=chosen, capacity_provider=target.provider
        )
        placer.placed(chosen)
        self._made(task)
        return True

    def _made(self, task: Task) -> None:
        self.started.append(task)
        rule = _matching_rule(self.service, task)
        if rule is not None:
            _schedule_failure(self.region, task, rule, self.now)

    def _refused(self, message: str) -> None:
        if self.zone is not None:
            return  # rebalancing is a best effort: no event when it finds no room
        service_events.emit(self.region, self.service, message, self.now, kind="placement")

    def finish(self) -> None:
        """E2 for the tasks started; a step that placed everything clears E7's quiet period."""
        if self.started:
            message = (
                service_events.started(self.started)
                if self.zone is None
                else service_events.rebalance_started(self.zone, self.started)
            )
            replaced = min(self.replacing, len(self.started))
            if replaced:
                message += " " + service_events.replaced_unhealthy(replaced)
            service_events.emit(self.region, self.service, message, self.now)
        if self.unplaced == 0:
            service_events.clear(self.service, "placement")


def stop(
    region: Region, service: Service, tasks: Sequence[Task], now: float, announce: bool = True
) -> list[Task]:
    """The scheduler stops `tasks` (scale-in, replaced by a deployment, drained): E3 unless
    the caller words the event itself (`announce` False); returns those it stopped."""
    stopped = [
        task
        for task in tasks
        if lifecycle.request_stop(
            region, task, now, SCHEDULER, scaling_reason(task.started_by or "")
        )
    ]
    if stopped and announce:
        service_events.emit(region, service, service_events.stopped(stopped), now)
    return stopped


def stop_with(region: Region, task: Task, now: float, reason: str) -> bool:
    return lifecycle.request_stop(region, task, now, SCHEDULER, reason)


def _emptiest_subnet(
    region: Region, spec: LaunchSpec, zones: Counter[str | None], only: str | None = None
) -> str:
    """Mock decision: a Fargate service task goes to the first subnet of the zone holding the
    fewest of the service's tasks ("a best attempt to maintain a balance across Availability
    Zones", DG)."""

    def zone(subnet: str) -> str:
        return spec.subnet_zones.get(subnet) or fargate.default_zone(region.region, subnet)

    subnets = [s for s in spec.subnet_zones if only is None or zone(s) == only] or list(
        spec.subnet_zones
    )
    return min(subnets, key=lambda subnet: zones[zone(subnet)])


def subnet_zones(region: Region, spec: LaunchSpec) -> set[str]:
    """The zones a Fargate task of `spec` can run in."""
    return {z or fargate.default_zone(region.region, s) for s, z in spec.subnet_zones.items()}


def _matching_rule(service: Service, task: Task) -> FailRule | None:
    for rule in service.fail_rules:
        if rule.definition_arn not in (None, task.task_definition.arn):
            continue
        if rule.remaining is not None:
            if rule.remaining <= 0:
                continue
            rule.remaining -= 1
        return rule
    return None


def _schedule_failure(region: Region, task: Task, rule: FailRule, now: float) -> None:
    """The task fails just before it would have reached RUNNING (so it never does)."""
    running_due = now + region.timings.pending
    if task.last_status == "PROVISIONING":
        running_due += region.timings.provisioning
    key = f"{task.task_id}|{rule.stop_code}|{rule.reason}"
    if running_due <= now:
        _fail(region, key, now)
    else:
        region.schedule(max(now, math.floor((running_due - 0.001) * 1000) / 1000), key, FAILS)


def _fail(region: Region, key: str, at: float) -> None:
    task_id, code, reason = key.split("|", 2)
    task = region.tasks.get(task_id)
    if task is None or task.last_status == "RUNNING":
        return
    for container in task.containers:
        if container.last_status == "PENDING":
            container.reason = reason
    region.touch(task)
    lifecycle.request_stop(region, task, at, code, reason)


lifecycle.on_action(FAILS, _fail)

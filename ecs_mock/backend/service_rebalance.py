"""Availability Zone rebalancing (`availabilityZoneRebalancing: ENABLED`, DG-LIVE).

Once a service is steady, if its tasks per zone differ by more than one over the zones it can
run in, the scheduler starts a task in the emptiest zone (within maximumPercent) and, once that
one is healthy, stops one in the fullest. Mock decision: only for services placed by ECS's
default strategy or a spread over zones (another strategy could choose the new task as the
one to stop, forever), and only across zones that hold a candidate instance (EC2) or one of
the service's subnets (Fargate); a zone with no room is skipped without an event.

Events (track-service-rebalancing): "is not AZ balanced ... AZ Rebalancing in progress." when
an operation starts, "has started N tasks in <zone> to AZ Rebalance: ..." and "has stopped N
running tasks in <zone> due to AZ rebalancing: ..." for each move, "is AZ balanced with ..."
when it completes. Mock decision: one operation lasts from the first move until the zones are
balanced (one start and one completion event around all its moves); it ends without the
completion event if rebalancing stops applying or fewer than two zones are left.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from . import service_events, service_launch
from .models import Cluster, Task
from .service_models import Deployment, Service
from .state import Region
from .strategies import parse_strategies

ZONE = "attribute:ecs.availability-zone"


def applies(service: Service) -> bool:
    if service.az_rebalancing != "ENABLED":
        return False
    strategies = parse_strategies(service.placement_strategy)
    return not strategies or (strategies[0].type == "spread" and strategies[0].field == ZONE)


def zones_of(region: Region, cluster: Cluster, service: Service, primary: Deployment) -> set[str]:
    if primary.launch.is_fargate:
        starter = service_launch.Starter(region, cluster, service, primary, 0.0)
        return service_launch.subnet_zones(region, starter.spec("FARGATE"))
    kind = "EXTERNAL" if primary.launch.launch_type == "EXTERNAL" else "EC2"
    found = set()
    for instance in cluster.instances.values():
        zone = instance.attribute("ecs.availability-zone")
        if instance.status == "ACTIVE" and instance.is_external == (kind == "EXTERNAL") and zone:
            found.add(zone)
    return found


def _counts(zones: set[str], tasks: Sequence[Task]) -> Counter[str]:
    counts = Counter(dict.fromkeys(zones, 0))
    counts.update(t.availability_zone for t in tasks if t.availability_zone in zones)
    return counts


def _balanced(counts: Counter[str]) -> bool:
    return max(counts.values()) - min(counts.values()) <= 1


def stop_moved(region: Region, service: Service, tasks: Sequence[Task], now: float) -> None:
    """Stop the task a move made surplus (in the fullest zone), with the rebalancing event."""
    stopped = service_launch.stop(region, service, tasks, now, announce=False)
    by_zone: dict[str, list[Task]] = {}
    for task in stopped:
        by_zone.setdefault(task.availability_zone or "", []).append(task)
    for zone in sorted(by_zone):
        message = service_events.rebalance_stopped(zone, by_zone[zone])
        service_events.emit(region, service, message, now)


def check_done(
    region: Region,
    cluster: Cluster,
    service: Service,
    primary: Deployment,
    staying: list[Task],
    now: float,
) -> None:
    """End an operation once no move is pending and the zones are balanced: "is AZ balanced"."""
    if not service.rebalance_operation or service.rebalancing:
        return
    zones = zones_of(region, cluster, service, primary) if applies(service) else set()
    if len(zones) < 2:
        service.rebalance_operation = False
        return
    counts = _counts(zones, staying)
    if _balanced(counts):
        service_events.emit(region, service, service_events.az_balanced(counts), now)
        service.rebalance_operation = False


def step(
    region: Region,
    cluster: Cluster,
    service: Service,
    primary: Deployment,
    staying: list[Task],
    in_flight: int,
    up: int,
    now: float,
) -> bool:
    """Start one task where the service is thinnest when it is out of balance; True if one was
    started (the scale-in that follows stops one in the fullest zone)."""
    zones = zones_of(region, cluster, service, primary)
    if len(zones) < 2 or in_flight + 1 > up:
        return False
    counts = _counts(zones, staying)
    if _balanced(counts):
        return False
    emptiest = min(sorted(zones), key=lambda zone: counts[zone])
    starter = service_launch.Starter(region, cluster, service, primary, now)
    starter.zone = emptiest
    starter.start(1, staying)
    if not starter.started:
        return False
    if not service.rebalance_operation:
        service_events.emit(region, service, service_events.not_az_balanced(counts), now)
        service.rebalance_operation = True
    starter.finish()
    service.rebalancing = True
    return True

"""Availability Zone rebalancing (`availabilityZoneRebalancing: ENABLED`, DG-LIVE).

Once a service is steady, if its tasks per zone differ by more than one over the zones it can
run in, the scheduler starts a task in the emptiest zone (within maximumPercent) and, once that
one is healthy, stops one in the fullest. Mock decision: only for services placed by ECS's
default strategy or a spread over zones (another strategy could choose the new task as the
one to stop, forever), and only across zones that hold a candidate instance (EC2) or one of
the service's subnets (Fargate); a zone with no room is skipped without an event.
"""

from __future__ import annotations

from collections import Counter

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
    counts = Counter(dict.fromkeys(zones, 0))
    counts.update(t.availability_zone for t in staying if t.availability_zone in zones)
    emptiest = min(sorted(zones), key=lambda zone: counts[zone])
    fullest = max(sorted(zones), key=lambda zone: counts[zone])
    if counts[fullest] - counts[emptiest] <= 1:
        return False
    starter = service_launch.Starter(region, cluster, service, primary, now)
    starter.zone = emptiest
    starter.start(1, staying)
    if not starter.started:
        return False
    spread = ", ".join(f"{counts[zone]} tasks in {zone}" for zone in sorted(zones))
    # Mock decision: the developer guide's wording, with the zones named.
    message = f"is not AZ balanced with {spread}. AZ Rebalancing in progress."
    service_events.emit(region, service, message, now)
    starter.finish()
    service.rebalancing = True
    return True

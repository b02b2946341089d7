"""Which availability zones an awsvpc task's subnets are in, where that can be known.

ECS refuses to place an awsvpc task on an instance outside its subnets' zones (failure reason
LOCATION). The mock knows a subnet's zone from two places: subnets a test declared
(`TestControls.add_subnet`) and, while moto's `mock_aws` is active, moto's EC2 subnets.
"""

from __future__ import annotations

import importlib
import sys

from .state import Region


def zones_of(region: Region, subnets: list[str]) -> dict[str, str | None]:
    """Each of `subnets` (in request order) with its zone, None where unknown; looked up once
    per request, since a moto lookup is not free."""
    return {subnet: _zone_of(region, subnet) for subnet in subnets}


def known_zones(zones: dict[str, str | None]) -> frozenset[str] | None:
    """The zones an instance must be in, or None when any subnet's zone is unknown.

    Mock decision: a subnet of unknown zone could be in any zone, so with one unknown subnet no
    LOCATION check is made (a mock without EC2 cannot refuse what ECS might accept).
    """
    if not zones or None in zones.values():
        return None
    return frozenset(zone for zone in zones.values() if zone is not None)


def subnet_in(zones: dict[str, str | None], zone: str | None) -> str:
    """The first subnet in `zone`, else the first subnet listed: where the task's ENI goes."""
    return next((s for s, z in zones.items() if z == zone), next(iter(zones)))


def _zone_of(region: Region, subnet: str) -> str | None:
    return region.subnet_zones.get(subnet) or _moto_zone(region, subnet)


def _moto_zone(region: Region, subnet: str) -> str | None:
    # Only a moto that is already imported and active can know the subnet; never import it here.
    core = sys.modules.get("moto.core.models")
    if core is None or "moto.ec2.models" not in sys.modules:
        return None
    if not getattr(getattr(core, "MockAWS", None), "_mocks_active", False):
        return None
    try:
        ec2 = importlib.import_module("moto.ec2.models")
        backend = ec2.ec2_backends[region.account_id][region.region]
        return str(backend.get_subnet(subnet).availability_zone)
    except Exception:  # an unknown subnet, or a moto whose internals moved: zone unknown
        return None

"""EC2 host names, built in one place.

An instance's or ENI's private DNS name is `ip-<address with dashes>.ec2.internal` in us-east-1
and `ip-<address with dashes>.<region>.compute.internal` in every other region (ecs-runtask.md
§3.3: `ip-10-0-1-184.ec2.internal` in a us-east-1 Fargate task's ENI attachment; EC2's own
naming scheme for the other regions).
"""

from __future__ import annotations

# The one region whose private DNS names have no region in them.
_LEGACY_DNS_REGION = "us-east-1"


def private_dns_name(region: str, address: str) -> str:
    """The private DNS name EC2 gives the IPv4 `address` in `region`."""
    host = "ip-" + address.replace(".", "-")
    if region == _LEGACY_DNS_REGION:
        return f"{host}.ec2.internal"
    return f"{host}.{region}.compute.internal"

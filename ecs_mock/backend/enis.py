"""A task's elastic network interface: in moto's EC2 while `mock_aws` is active, else invented.

With moto active and the subnet known to moto's EC2, the ENI is created there in the task's
subnet with the request's security groups (and a public IP for `assignPublicIp: ENABLED` on
Fargate), its id, MAC address and private IP go into the task's attachment, and it is deleted
when the task reaches STOPPED. Otherwise the mock invents the values, as ECS-shaped as it can.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import moto_bridge
from .models import Task
from .state import Region


@dataclass(frozen=True)
class Interface:
    eni_id: str
    mac_address: str
    private_ip: str
    private_dns_name: str


def allocate(region: Region, task: Task, attachment: dict[str, Any]) -> Interface:
    """The ENI for `attachment` (a PRECREATED ENI attachment of `task`)."""
    details = {d["name"]: d["value"] for d in attachment["details"]}
    subnet = details.get("subnetId", "")
    vpc = task.awsvpc_configuration or {}
    # Mock decision: ECS describes a task ENI with its attachment ARN.
    description = f"{region.arns.prefix}:attachment/{attachment['id']}"
    public_ip = task.launch_type == "FARGATE" and vpc.get("assignPublicIp") == "ENABLED"
    found = moto_bridge.create_eni(
        region.account_id,
        region.region,
        subnet,
        list(vpc.get("securityGroups", [])),
        public_ip,
        description,
    )
    if found is not None:
        dns = found.private_dns_name or _dns_name(region, found.private_ip)
        return Interface(found.eni_id, found.mac_address, found.private_ip, dns)
    octets = region.ids.port(1, 254), region.ids.port(1, 254)
    address = f"10.0.{octets[0]}.{octets[1]}"
    return Interface(
        eni_id="eni-" + region.ids.hex(17),
        mac_address=":".join(region.ids.hex(2) for _ in range(6)),
        private_ip=address,
        private_dns_name=_dns_name(region, address),
    )


def release(region: Region, task: Task) -> None:
    """The task is STOPPED: delete its ENI from moto's EC2 if moto holds it."""
    if not moto_bridge.active():
        return
    for attachment in task.attachments:
        if attachment["type"] != "ElasticNetworkInterface":
            continue
        for detail in attachment["details"]:
            if detail["name"] == "networkInterfaceId":
                moto_bridge.delete_eni(region.account_id, region.region, detail["value"])


def _dns_name(region: Region, address: str) -> str:
    return f"ip-{address.replace('.', '-')}.{region.region}.compute.internal"

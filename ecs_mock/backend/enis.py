"""A task's elastic network interface in moto's EC2 while `mock_aws` is active.

The lifecycle attaches an invented ENI when an awsvpc task reaches PENDING. With moto active
and the subnet known to moto's EC2, this listener (`lifecycle.on_task_change`) creates a real
one there instead, in the task's subnet with the request's security groups (and a public IP for
`assignPublicIp: ENABLED` on Fargate), puts its id, MAC address, private IP and DNS name into
the task's attachment, and deletes it when the task reaches STOPPED. Without moto (or with a
subnet moto does not know) the invented values stay, as before.
"""

from __future__ import annotations

from typing import Any

from . import lifecycle, moto_bridge
from .ec2_names import private_dns_name
from .models import Task
from .state import Region


def on_change(region: Region, task: Task, at: float) -> None:
    if task.last_status == "STOPPED":
        _release(region, task)
        return
    if not task.awsvpc or not moto_bridge.active():
        return
    if task.last_status != "PENDING" or task.desired_status == "STOPPED":
        return
    if task.task_id in region.moto_enis:
        return  # done (or tried) already
    region.moto_enis[task.task_id] = []
    region.touch(region)  # the state file keeps moto_enis in the region's row
    for attachment in task.attachments:
        if attachment["type"] == "ElasticNetworkInterface" and attachment["status"] == "ATTACHED":
            _allocate(region, task, attachment)


def _allocate(region: Region, task: Task, attachment: dict[str, Any]) -> None:
    details = {d["name"]: d["value"] for d in attachment["details"]}
    vpc = task.awsvpc_configuration or {}
    # Mock decision: ECS describes a task ENI with its attachment ARN.
    description = f"{region.arns.prefix}:attachment/{attachment['id']}"
    public_ip = task.launch_type == "FARGATE" and vpc.get("assignPublicIp") == "ENABLED"
    found = moto_bridge.create_eni(
        region.account_id,
        region.region,
        details.get("subnetId", ""),
        list(vpc.get("securityGroups", [])),
        public_ip,
        description,
    )
    if found is None:
        return
    region.moto_enis[task.task_id].append(found.eni_id)
    dns = found.private_dns_name or private_dns_name(region.region, found.private_ip)
    real = {
        "networkInterfaceId": found.eni_id,
        "macAddress": found.mac_address,
        "privateDnsName": dns,
        "privateIPv4Address": found.private_ip,
    }
    attachment["details"] = [
        {"name": d["name"], "value": real.get(d["name"], d["value"])} for d in attachment["details"]
    ]
    for container in task.containers:
        for interface in container.network_interfaces:
            if interface.get("attachmentId") == attachment["id"]:
                interface["privateIpv4Address"] = found.private_ip


def _release(region: Region, task: Task) -> None:
    """The task is STOPPED: delete the ENIs moto holds for it."""
    if task.task_id in region.moto_enis:
        region.touch(region)
    for eni_id in region.moto_enis.pop(task.task_id, []):
        moto_bridge.delete_eni(region.account_id, region.region, eni_id)


lifecycle.on_task_change(on_change)

"""What the agent registers for common EC2 instance types.

vCPUs x 1024 CPU units; memory is what the agent reports (MemTotal less what the OS holds, as seen
on ECS-optimised AMIs); ENI slots are the type's ENI limit less the primary ENI. Types not listed
fall back to m5.large's figures (mock decision, documented in the README).

`trunk_tasks` is the developer guide's "Task limit with ENI trunking" for the type (container-
instance-eni.md, "Supported Amazon EC2 instance types"): the awsvpc tasks an instance launched
with the awsvpcTrunking account setting enabled can run. 0 means the type does not support ENI
trunking: the T family (t2, t3, t4g) is not in those tables, and g4dn is one of the families
they name as not supported.
"""

from __future__ import annotations

from typing import NamedTuple


class InstanceType(NamedTuple):
    vcpus: int
    memory_mib: int
    enis: int
    arch: str = "x86_64"
    trunk_tasks: int = 0


INSTANCE_TYPES: dict[str, InstanceType] = {
    "t2.micro": InstanceType(1, 982, 2),
    "t3.micro": InstanceType(2, 943, 2),
    "t3.small": InstanceType(2, 1939, 3),
    "t3.medium": InstanceType(2, 3922, 3),
    "t3.large": InstanceType(2, 7950, 3),
    "t4g.medium": InstanceType(2, 3896, 3, "arm64"),
    "m5.large": InstanceType(2, 7680, 3, trunk_tasks=10),
    "m5.xlarge": InstanceType(4, 15576, 4, trunk_tasks=20),
    "m5.2xlarge": InstanceType(8, 31403, 4, trunk_tasks=40),
    "m6g.large": InstanceType(2, 7693, 3, "arm64", trunk_tasks=10),
    "c5.large": InstanceType(2, 3768, 3, trunk_tasks=10),
    "c5.xlarge": InstanceType(4, 7625, 4, trunk_tasks=20),
    "r5.large": InstanceType(2, 15578, 3, trunk_tasks=10),
    "g4dn.xlarge": InstanceType(4, 15602, 3),
    "p3.2xlarge": InstanceType(8, 61022, 4, trunk_tasks=40),
}
DEFAULT_INSTANCE_TYPE = "m5.large"


def lookup(instance_type: str) -> InstanceType:
    return INSTANCE_TYPES.get(instance_type, INSTANCE_TYPES[DEFAULT_INSTANCE_TYPE])

"""ENI trunking: what the awsvpcTrunking account setting gives a newly registered instance.

With the setting enabled, ECS attaches a "trunk" network interface to a new container instance of
a supported type, and the instance can run the type's "task limit with ENI trunking" awsvpc
tasks instead of its ENI limit less the primary ENI (developer guide, container-instance-eni.md:
a c5.large runs ten instead of two). The instance shows the trunk as its `ecs.awsvpc-trunk-id`
attribute. "Only new Amazon EC2 instances launched after opting in to awsvpcTrunking receive the
increased ENI limits and the trunk network interface. Previously launched instances do not
receive these features regardless of the actions taken" (same page), so this is decided once, at
an instance's first registration, and the instance keeps it.

Mock decisions:
- The principal that registers is the account's root user (the mock has no IAM identities;
  account_settings.py): the setting in force is the root user's, which is the account default
  (PutAccountSettingDefault, or PutAccountSetting without principalArn). A setting for a named
  user or role (say the container instance role) does not reach the mock's registrations.
- The instance is ACTIVE at once: the REGISTERING status ECS shows while it provisions the trunk
  is not modelled, and registration never fails for want of a trunk (no REGISTRATION_FAILED).
- The trunk ENI id is invented (`eni-` and 17 hex digits, from the region's id generator); it
  is not created in moto's EC2, even under `mock_aws`.
- Only an instance whose agent advertises `ecs.capability.task-eni-trunking` gets a trunk (the
  agent advertises it with task ENIs on Linux; an ECS Anywhere instance does not), so a
  registration that sends its own capability list without it gets none.
"""

from __future__ import annotations

from . import account_settings
from .instance_types import InstanceType
from .models import EXTERNAL_CAPABILITY
from .state import Region

SETTING = "awsvpcTrunking"
TRUNK_ATTRIBUTE = "ecs.awsvpc-trunk-id"
CAPABILITY = "ecs.capability.task-eni-trunking"


def trunk(
    region: Region, kind: InstanceType, attributes: list[dict[str, str]]
) -> tuple[str, int] | None:
    """(trunk ENI id, ENI slots) for a first registration of an instance of type `kind` with
    `attributes`, or None when it gets no trunk (setting disabled, type or agent unsupported)."""
    if not kind.trunk_tasks:
        return None
    names = {a["name"] for a in attributes}
    if CAPABILITY not in names or EXTERNAL_CAPABILITY in names:
        return None
    if account_settings.effective(region, account_settings.root(region), SETTING) != "enabled":
        return None
    return "eni-" + region.ids.hex(17), kind.trunk_tasks

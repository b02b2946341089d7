"""A container instance's health (DescribeContainerInstances include=CONTAINER_INSTANCE_HEALTH).

ECS runs automated checks on every running container instance; the one check type the model
names is CONTAINER_RUNTIME, and `overallStatus` is the most severe of the checks' statuses
(IMPAIRED, then INSUFFICIENT_DATA, then INITIALIZING, then OK: the developer guide's "Monitor
Amazon ECS container instance health").

Mock decision: there is no container runtime to check, so the CONTAINER_RUNTIME check says OK
while the agent is connected and the instance registered (ACTIVE or DRAINING), and
INSUFFICIENT_DATA when ECS cannot hear from it: its agent is disconnected
(`set_agent_connected(..., False)`) or it is deregistered (INACTIVE). A registration is checked
at once (no INITIALIZING phase, as the mock's lifecycle steps take no time by default), and every
instance is checked whatever its agent version (ECS checks agents from 1.57.0 on). IMPAIRED is
never reported.
"""

from __future__ import annotations

from typing import Any

from .models import ContainerInstance

OK = "OK"
INSUFFICIENT_DATA = "INSUFFICIENT_DATA"
CHECK_TYPE = "CONTAINER_RUNTIME"


def status_of(instance: ContainerInstance) -> str:
    if instance.status == "INACTIVE" or not instance.agent_connected:
        return INSUFFICIENT_DATA
    return OK


def changed(instance: ContainerInstance, before: str, at: float) -> None:
    """Call after changing what the health follows (status, agent connection) with the status
    `status_of` gave before: a different one now last changed at `at`."""
    if status_of(instance) != before:
        instance.health_changed_at = at


def to_wire(instance: ContainerInstance, now: float) -> dict[str, Any]:
    """The `healthStatus` member (ContainerInstanceHealthStatus) as of clock time `now`."""
    status = status_of(instance)
    last_change = instance.health_changed_at
    if last_change is None:  # unchanged since it registered
        last_change = instance.registered_at
    # Mock decision: a registered instance is checked whenever it is described (lastUpdated is
    # now); a deregistered one is checked no more (lastUpdated stays at its deregistration).
    # Never before the last change, even when the clock goes back.
    checked = now if instance.status != "INACTIVE" else instance.deregistered_at or now
    detail = {
        "type": CHECK_TYPE,
        "status": status,
        "lastUpdated": max(checked, last_change),
        "lastStatusChange": last_change,
    }
    return {"overallStatus": status, "details": [detail]}

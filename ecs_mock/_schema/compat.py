"""Answers written for the newest ECS model, fitted to an older installed botocore.

ecs_mock renders the members today's ECS returns (a service's `availabilityZoneRebalancing`,
`currentServiceDeployment`, ...). An older botocore's model lacks some of them, and the response
check would then call the answer a bug. Only members named here (added to the model after
botocore 1.34.17, the oldest supported) are dropped, and only where the installed model lacks
them: anything else the model does not know still fails the check, on every botocore.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from .registry import REGISTRY

if TYPE_CHECKING:
    from botocore.model import Shape

NEWER_MEMBERS: Final = frozenset(
    {
        "availabilityZoneRebalancing",
        "bakeTimeInMinutes",
        "canaryConfiguration",
        "currentServiceDeployment",
        "currentServiceRevisions",
        "fargateEphemeralStorage",
        "lifecycleHooks",
        "linearConfiguration",
        "resourceManagementType",
        "resetOnHealthyTask",
        "strategy",
        "thresholdConfiguration",
        "vpcLatticeConfigurations",
    }
)


def fit_to_model(operation: str, body: dict[str, Any]) -> bool:
    """Drop, in place, the newer members the installed model lacks; True if any was dropped."""
    shape = REGISTRY.output_shape(operation)
    return shape is not None and _fit(shape, body)


def _fit(shape: Shape, value: Any) -> bool:
    dropped = False
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        members = shape.members  # type: ignore[attr-defined]
        for key in list(value):
            member = members.get(key)
            if member is None:
                if key in NEWER_MEMBERS:
                    del value[key]
                    dropped = True
            else:
                dropped = _fit(member, value[key]) or dropped
    elif kind == "list" and isinstance(value, list):
        member = shape.member  # type: ignore[attr-defined]
        for item in value:
            dropped = _fit(member, item) or dropped
    elif kind == "map" and isinstance(value, dict):
        member = shape.value  # type: ignore[attr-defined]
        for item in value.values():
            dropped = _fit(member, item) or dropped
    return dropped

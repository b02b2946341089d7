"""What Fargate accepts: task sizes, platform versions, and where a task's ENI lands (pure)."""

from __future__ import annotations

import zlib
from typing import Any

from ..errors import EcsError, invalid_parameter
from .models import TaskDefinition

GIB = 1024
# Task cpu -> allowed memory (MiB), from the developer guide's table and the model's Task.memory.
_SIZES: dict[int, range] = {
    256: range(0),  # listed explicitly below: 512, 1024, 2048
    512: range(1 * GIB, 4 * GIB + 1, GIB),
    1024: range(2 * GIB, 8 * GIB + 1, GIB),
    2048: range(4 * GIB, 16 * GIB + 1, GIB),
    4096: range(8 * GIB, 30 * GIB + 1, GIB),
    8192: range(16 * GIB, 60 * GIB + 1, 4 * GIB),
    16384: range(32 * GIB, 120 * GIB + 1, 8 * GIB),
}
_SMALLEST = (512, 1024, 2048)
LINUX_ONLY_CPU = frozenset({256, 512})
LARGE_CPU = frozenset({8192, 16384})  # need platform version 1.4.0
LINUX_VERSIONS = ("1.4.0", "1.3.0")
WINDOWS_VERSIONS = ("1.0.0",)
DEFAULT_EPHEMERAL_GIB = 20
CAPACITY_UNAVAILABLE = (
    "Capacity is unavailable at this time. Please try again later or in a different "
    "availability zone"
)


def is_valid_size(cpu: int, memory: int) -> bool:
    if cpu == 256:
        return memory in _SMALLEST
    allowed = _SIZES.get(cpu)
    return allowed is not None and memory in allowed


def no_configuration(cpu: str | None, memory: str | None) -> str:
    return (
        f"No Fargate configuration exists for given values: {cpu} CPU, {memory} memory. "
        "See the Amazon ECS documentation for the valid values."
    )


def check_size(cpu: str | None, memory: str | None, windows: bool) -> None:
    """RunTask's check of the effective (overridden) task size.

    Mock decision: ECS's RunTask message is unknown; RegisterTaskDefinition's observed text is
    reused, as InvalidParameterException (the request is a parameter problem here)."""
    if cpu is None or memory is None or not is_valid_size(int(cpu), int(memory)):
        raise invalid_parameter(no_configuration(cpu, memory))
    if windows and int(cpu) in LINUX_ONLY_CPU:
        raise invalid_parameter(no_configuration(cpu, memory))


def operating_system(definition: TaskDefinition) -> str:
    platform = definition.body.get("runtimePlatform") or {}
    return str(platform.get("operatingSystemFamily") or "LINUX")


def is_windows(definition: TaskDefinition) -> bool:
    return operating_system(definition).startswith("WINDOWS")


def platform_family(definition: TaskDefinition) -> str:
    """`Linux` for Linux tasks (observed); Windows tasks report their family as registered.

    Mock decision: ECS's spelling of a Windows platformFamily is not documented here."""
    return "Linux" if not is_windows(definition) else operating_system(definition)


def architecture(definition: TaskDefinition) -> str:
    platform = definition.body.get("runtimePlatform") or {}
    return "arm64" if platform.get("cpuArchitecture") == "ARM64" else "x86_64"


def platform_version(
    requested: str | None, definition: TaskDefinition, task_cpu: str | None, storage: bool
) -> str:
    """The concrete version a task reports: LATEST (or none) resolves to the newest one.

    1.3.0 lacks what 1.4.0 added (ephemeral storage, EFS volumes, 8 and 16 vCPU): a task that
    needs them there is refused with ECS's observed incompatibility error."""
    windows = is_windows(definition)
    versions = WINDOWS_VERSIONS if windows else LINUX_VERSIONS
    version = versions[0] if requested in (None, "LATEST") else requested
    if version not in versions:
        raise EcsError("PlatformUnknownException", "The specified platform does not exist.")
    if version == "1.3.0":
        efs = any("efsVolumeConfiguration" in v for v in definition.body.get("volumes", []))
        large = task_cpu is not None and int(task_cpu) in LARGE_CPU
        if storage or efs or large:
            raise EcsError(
                "PlatformTaskDefinitionIncompatibilityException",
                "One or more of the requested capabilities are not supported.",
            )
    return version


def check_spot(definition: TaskDefinition, version: str | None) -> None:
    """FARGATE_SPOT runs Linux tasks only, ARM64 ones from platform version 1.4.0 (documented).

    Mock decision: the error class and texts are chosen; they follow ECS's observed refusal of
    ARM64 tasks on Spot before 1.4.0 supported them ("FARGATE_SPOT capacity provider is not
    supported when using ARM architecture.")."""
    if is_windows(definition):
        raise invalid_parameter(
            "FARGATE_SPOT capacity provider is not supported when using a Windows operating "
            "system family."
        )
    if architecture(definition) == "arm64" and version == "1.3.0":
        raise invalid_parameter(
            "FARGATE_SPOT capacity provider is not supported when using ARM architecture on "
            "platform version 1.3.0; use 1.4.0 or LATEST."
        )


def ephemeral_storage(definition: TaskDefinition, overrides: dict[str, Any]) -> int:
    override = overrides.get("ephemeralStorage")
    if override is not None:
        return int(override["sizeInGiB"])
    registered = definition.body.get("ephemeralStorage") or {}
    return int(registered.get("sizeInGiB") or DEFAULT_EPHEMERAL_GIB)


def default_zone(region: str, subnet: str) -> str:
    """Mock decision: a subnet whose zone nobody declared (add_subnet) and moto does not know is
    placed in one of the region's zones a..c, always the same one for the same subnet id."""
    return f"{region}{'abc'[zlib.crc32(subnet.encode()) % 3]}"

"""Task definition parameters Fargate refuses (pure).

The developer guide's "task definition differences for Fargate" lists what is not valid there:
disableNetworking, dnsSearchDomains, dnsServers, dockerSecurityOptions, extraHosts, gpu,
ipcMode, links, placementConstraints, privileged, maxSwap, swappiness; in linuxParameters only
the SYS_PTRACE capability may be added and devices, sharedMemorySize and tmpfs are not
supported; volumes take no dockerVolumeConfiguration (and the API reference: no host
sourcePath). pidMode may only be `task`.

A definition that requires FARGATE is refused with the first problem found; one that does not
is registered without FARGATE among its compatibilities.
"""

from __future__ import annotations

from typing import Any

PREFIX = "Tasks using the Fargate launch type do not support"
# Observed (issue 15, defect 3).
PID_MODE = f"{PREFIX} pidMode 'host'. The supported value for pidMode is 'task'."
IPC_MODE = f"{PREFIX} ipcMode."
_CONTAINER_FIELDS = (
    "disableNetworking",
    "dnsSearchDomains",
    "dnsServers",
    "dockerSecurityOptions",
    "extraHosts",
    "links",
)
_LINUX_FIELDS = ("devices", "sharedMemorySize", "tmpfs", "maxSwap", "swappiness")
ALLOWED_CAPABILITY = "SYS_PTRACE"


def _present(value: Any) -> bool:
    return value not in (None, [], {}, False)


def _container_problem(container: dict[str, Any]) -> str | None:
    # Mock decision: the messages below follow the observed pidMode / ipcMode wording; ECS's
    # own texts for these are not documented.
    name = container.get("name", "")
    if container.get("privileged"):
        return f"{PREFIX} privileged containers (container '{name}')."
    for field in _CONTAINER_FIELDS:
        if _present(container.get(field)):
            return f"{PREFIX} {field} (container '{name}')."
    if any(r.get("type") == "GPU" for r in container.get("resourceRequirements") or []):
        return f"{PREFIX} GPU resource requirements (container '{name}')."
    linux = container.get("linuxParameters") or {}
    for field in _LINUX_FIELDS:
        if _present(linux.get(field)):
            return f"{PREFIX} linuxParameters {field} (container '{name}')."
    added = (linux.get("capabilities") or {}).get("add") or []
    extra = [c for c in added if c != ALLOWED_CAPABILITY]
    if extra:
        return (
            f"{PREFIX} adding the kernel capability '{extra[0]}' (container '{name}'). "
            f"The only capability that can be added is '{ALLOWED_CAPABILITY}'."
        )
    return None


def _volume_problem(volume: dict[str, Any]) -> str | None:
    name = volume.get("name", "")
    if "dockerVolumeConfiguration" in volume:
        return f"{PREFIX} dockerVolumeConfiguration (volume '{name}')."
    if (volume.get("host") or {}).get("sourcePath"):
        return f"{PREFIX} host volumes with a sourcePath (volume '{name}')."
    return None


def incompatibility(body: dict[str, Any]) -> str | None:
    """Why a task definition (its registered body) cannot run on Fargate, or None."""
    if body.get("pidMode") == "host":
        return PID_MODE
    if "ipcMode" in body:
        return IPC_MODE
    if body.get("placementConstraints"):
        return f"{PREFIX} placementConstraints."
    for container in body.get("containerDefinitions", []):
        problem = _container_problem(container)
        if problem is not None:
            return problem
    for volume in body.get("volumes", []):
        problem = _volume_problem(volume)
        if problem is not None:
            return problem
    return None

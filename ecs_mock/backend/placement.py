"""What a task demands of an instance and why an instance cannot take it (pure)."""

from __future__ import annotations

from typing import Any

from .models import ContainerInstance, TaskDefinition
from .numbers import parse_digits
from .resources import Demand

EXEC_CAPABILITY = "ecs.capability.execute-command"
# The reasons a container instance can refuse a task in failures[], in the order the refusal
# chain checks them.
INSTANCE_FAILURE_REASONS = (
    "AGENT",
    "ATTRIBUTE",
    "LOCATION",
    "RESOURCE:CPU",
    "RESOURCE:MEMORY",
    "RESOURCE:PORTS",
    "RESOURCE:PORTS_UDP",
    "RESOURCE:GPU",
    "RESOURCE:ENI",
)


def effective_containers(
    definition: TaskDefinition, overrides: dict[str, Any]
) -> list[dict[str, Any]]:
    """Container definitions with the request's cpu/memory/GPU overrides applied first."""
    by_name = {o["name"]: o for o in overrides.get("containerOverrides", []) if "name" in o}
    merged = []
    for container in definition.containers:
        override = by_name.get(container["name"], {})
        merged.append(
            {
                **container,
                **{
                    key: override[key]
                    for key in ("cpu", "memory", "memoryReservation", "resourceRequirements")
                    if key in override
                },
            }
        )
    return merged


def demand(
    definition: TaskDefinition,
    containers: list[dict[str, Any]],
    task_cpu: str | None,
    task_memory: str | None,
) -> Demand:
    """Task-level size wins; otherwise container sums (memoryReservation before memory)."""
    cpu = int(task_cpu) if task_cpu else sum(int(c.get("cpu") or 0) for c in containers)
    if task_memory:
        memory = int(task_memory)
    else:
        memory = sum(int(c.get("memoryReservation") or c.get("memory") or 0) for c in containers)
    tcp: set[int] = set()
    udp: set[int] = set()
    dynamic = {"tcp": 0, "udp": 0}
    mode = definition.network_mode
    if mode in ("bridge", "host"):
        for container in containers:
            for mapping in container.get("portMappings", []):
                port = mapping.get("hostPort") or 0
                if mode == "host":
                    port = mapping.get("containerPort") or 0
                is_udp = mapping.get("protocol") == "udp"
                if port:
                    (udp if is_udp else tcp).add(int(port))
                elif mode == "bridge":  # the agent binds it to a free ephemeral port
                    dynamic["udp" if is_udp else "tcp"] += 1
    gpus = sum(gpu_count(container) for container in containers)
    return Demand(
        cpu=cpu,
        memory=memory,
        tcp_ports=frozenset(tcp),
        udp_ports=frozenset(udp),
        gpus=gpus,
        eni=1 if mode == "awsvpc" else 0,
        dynamic_tcp=dynamic["tcp"],
        dynamic_udp=dynamic["udp"],
    )


def gpu_count(container: dict[str, Any]) -> int:
    """GPUs one container asks for; values are checked by `bad_gpu_value` first."""
    return sum(
        parse_digits(requirement["value"]) or 0
        for requirement in container.get("resourceRequirements", [])
        if requirement.get("type") == "GPU"
    )


def bad_gpu_value(container: dict[str, Any]) -> str | None:
    """The first GPU requirement value that is not a positive whole number, if any.

    Mock decision: whole numbers in ASCII digits up to 2147483647 (ECS's 32-bit Integer)."""
    for requirement in container.get("resourceRequirements", []):
        value = requirement.get("value", "")
        if requirement.get("type") == "GPU" and not parse_digits(value):
            return str(value)
    return None


def required_attributes(definition: TaskDefinition, execute_command: bool) -> list[str]:
    names = [a["name"] for a in definition.body.get("requiresAttributes", [])]
    if execute_command:
        names.append(EXEC_CAPABILITY)
    return names


def refusal(
    instance: ContainerInstance,
    required: list[str],
    wanted: Demand,
    zones: frozenset[str] | None = None,
) -> str | None:
    """The failure reason for placing on `instance`, in ECS's (inferred) order, or None.

    `zones` are an awsvpc task's subnet zones when known (None: no LOCATION check)."""
    status = instance.status
    if status == "INACTIVE" or status == "DRAINING":
        return status
    if not instance.agent_connected:
        return "AGENT"
    if required and not all(instance.has_attribute(name) for name in required):
        return "ATTRIBUTE"
    if zones is not None and instance.attribute("ecs.availability-zone") not in zones:
        return "LOCATION"
    return instance.resources.shortfall(wanted)

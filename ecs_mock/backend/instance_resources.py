"""What RegisterContainerInstance registers: totals read from `totalResources` and
`platformDevices`, refused whole when malformed, and the rule for re-registering an instance
whose tasks hold some of them."""

from __future__ import annotations

import dataclasses
from typing import Any

from ..errors import client_error, invalid_parameter, shown
from . import instance_types
from .models import ContainerInstance
from .numbers import parse_digits
from .resources import AGENT_RESERVED_PORTS, DYNAMIC_PORTS, MAX_RESERVED_PORTS, Resources

MAX_PORT = 65535


def registered_resources(params: dict[str, Any], kind: instance_types.InstanceType) -> Resources:
    given: dict[str, dict[str, Any]] = {}
    for resource in params.get("totalResources", []):
        name = resource.get("name")
        if not name:
            raise invalid_parameter("Resource name can not be blank.")
        if name in given:
            # Mock decision: a second value for one resource is refused, not silently dropped.
            raise invalid_parameter(f"Resource {shown(name)} is listed more than once.")
        given[name] = resource
    gpus = tuple(
        str(device["id"])
        for device in params.get("platformDevices", [])
        if device.get("type") == "GPU"
    )
    listed = _strings(given, "GPU", ())
    if gpus and listed and set(gpus) != set(listed):
        # Mock decision: two different GPU lists cannot both be the instance's devices.
        raise invalid_parameter("The GPU resource and the GPU platformDevices differ.")
    resources = Resources(
        cpu=_integer(given, "CPU", kind.vcpus * 1024),
        memory=_integer(given, "MEMORY", kind.memory_mib),
        tcp_reserved=_ports(given, "PORTS", AGENT_RESERVED_PORTS),
        udp_reserved=_ports(given, "PORTS_UDP", ()),
        gpu_ids=_unique("GPU", gpus or listed),
        eni_slots=kind.enis - 1,
        extra=[r for name, r in given.items() if name not in _KNOWN_RESOURCES],
    )
    if len(resources.tcp_reserved) + len(resources.udp_reserved) > MAX_RESERVED_PORTS:
        # "A container instance can have up to 100 reserved ports at a time, including the
        # default reserved ports" (developer guide). Mock decision: refused at registration.
        raise invalid_parameter(
            f"A container instance can reserve at most {MAX_RESERVED_PORTS} ports (PORTS and "
            "PORTS_UDP together)."
        )
    return resources


_KNOWN_RESOURCES = ("CPU", "MEMORY", "PORTS", "PORTS_UDP", "GPU")


def _integer(given: dict[str, dict[str, Any]], name: str, default: int) -> int:
    if name not in given:
        return default
    value = given[name].get("integerValue")
    if value is None:
        # Mock decision: CPU and MEMORY are INTEGER resources (as the agent sends them).
        raise invalid_parameter(f"Resource {name} must have an integerValue.")
    if value < 0:
        raise invalid_parameter("Resource values must not be negative.")
    return int(value)


def _strings(
    given: dict[str, dict[str, Any]], name: str, default: tuple[str, ...]
) -> tuple[str, ...]:
    if name not in given:
        return default
    values = given[name].get("stringSetValue")
    if values is None:
        raise invalid_parameter(f"Resource {name} must have a stringSetValue.")
    return tuple(values)


Given = dict[str, dict[str, Any]]


def _ports(given: Given, name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    """Reserved ports: whole numbers 1-65535 in ASCII digits, each once."""
    ports = _strings(given, name, default)
    for port in ports:
        number = parse_digits(port, MAX_PORT)
        if not number:
            # Mock decision: ECS documents the ports as numbers but not this message.
            raise invalid_parameter(
                f"Invalid port {shown(port)} in {name}: ports are whole numbers from 1 to "
                f"{MAX_PORT}."
            )
    numbers = [parse_digits(port, MAX_PORT) for port in ports]
    if len(set(numbers)) != len(numbers):
        raise invalid_parameter(f"{name} lists a port more than once.")
    # Stored in plain form ("080" is port 80), so comparisons with task ports are exact.
    return tuple(str(number) for number in numbers)


def _unique(name: str, ids: tuple[str, ...]) -> tuple[str, ...]:
    if len(set(ids)) != len(ids):
        # Two tasks would be handed the same device.
        raise invalid_parameter(f"{name} ids must be unique: a device is listed more than once.")
    if any(not gpu for gpu in ids):
        raise invalid_parameter(f"{name} ids can not be blank.")
    return ids


def check_reregistration(previous: ContainerInstance, new: Resources) -> None:
    """Refuse new totals that would leave the instance's tasks holding more than it has.

    Mock decision (ECS documents nothing here): a re-registration whose CPU, memory, GPUs or
    ports fall short of what the instance's tasks hold is a ClientException and changes
    nothing, so remaining = registered - held stays true and never goes negative, and no port
    is held twice. Larger totals, or smaller ones that still cover the holdings, apply."""
    held = previous.resources
    after = dataclasses.replace(
        held,
        cpu=new.cpu,
        memory=new.memory,
        tcp_reserved=new.tcp_reserved,
        udp_reserved=new.udp_reserved,
        gpu_ids=new.gpu_ids,
    )
    problems = []
    if new.cpu < held.cpu_used:
        problems.append(f"its tasks hold {held.cpu_used} CPU units, more than {new.cpu}")
    if new.memory < held.memory_used:
        problems.append(f"its tasks hold {held.memory_used} MiB of memory, more than {new.memory}")
    gone = [gpu for gpu in held.gpus_used if gpu not in new.gpu_ids]
    if gone:
        problems.append(f"its tasks use GPU {shown(gone[0])}, which the registration lacks")
    for protocol, reserved, used in (
        ("tcp", new.tcp_reserved, held.tcp_used),
        ("udp", new.udp_reserved, held.udp_used),
    ):
        bound = {str(port) for port, kind in held.bound if kind == protocol}
        clash = sorted(set(reserved) & (used | bound), key=int)
        if clash:
            problems.append(f"port {clash[0]}/{protocol} is taken by one of its tasks")
        if after.free_dynamic(protocol) < 0:
            low, high = DYNAMIC_PORTS
            problems.append(
                f"its tasks need more {protocol} ports in {low}-{high} than it would leave free"
            )
    count = len(new.tcp_reserved) + len(new.udp_reserved) + len(held.tcp_used) + len(held.udp_used)
    if count > MAX_RESERVED_PORTS:
        problems.append(f"with its tasks' ports it would reserve more than {MAX_RESERVED_PORTS}")
    if problems:
        raise client_error(
            f"Container instance {previous.instance_id} cannot be re-registered with these "
            f"resources: {'; '.join(problems)}."
        )

"""Container-instance resources: what was registered, what tasks hold, and the wire rendering.

Pure arithmetic, no locking: callers hold the region lock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# The agent reserves these TCP ports on Linux unless told otherwise (amazon-ecs-agent config).
AGENT_RESERVED_PORTS: tuple[str, ...] = ("22", "2375", "2376", "51678", "51679")
# A container instance can hold at most 100 reserved ports, defaults included (ECS developer guide).
MAX_RESERVED_PORTS = 100
# Dynamic host ports (bridge hostPort 0 or absent) come from the Linux ephemeral range; they do
# not count towards the 100 reserved ports, but there are only this many of them per protocol.
DYNAMIC_PORTS = (49153, 65535)
DYNAMIC_PORT_COUNT = DYNAMIC_PORTS[1] - DYNAMIC_PORTS[0] + 1


@dataclass
class Demand:
    """What one task asks of an instance."""

    cpu: int = 0
    memory: int = 0
    tcp_ports: frozenset[int] = frozenset()
    udp_ports: frozenset[int] = frozenset()
    gpus: int = 0
    eni: int = 0
    dynamic_tcp: int = 0  # port mappings that get a host port from the ephemeral range
    dynamic_udp: int = 0


@dataclass(slots=True)
class Holding:
    """What one placed task holds, so it can be given back exactly once."""

    cpu: int
    memory: int
    tcp_ports: frozenset[str]
    udp_ports: frozenset[str]
    gpu_ids: tuple[str, ...]
    eni: int
    released: bool = False
    dynamic_tcp: int = 0
    dynamic_udp: int = 0
    # (port, protocol) of the dynamic host ports bound so far (at RUNNING).
    bound: set[tuple[int, str]] = field(default_factory=set)


# Placeholder until a task is placed; releasing it is a no-op.
EMPTY_HOLDING = Holding(0, 0, frozenset(), frozenset(), (), 0, released=True)


@dataclass
class Resources:
    """Registered totals and what tasks currently hold on one container instance."""

    cpu: int
    memory: int
    tcp_reserved: tuple[str, ...] = AGENT_RESERVED_PORTS
    udp_reserved: tuple[str, ...] = ()
    gpu_ids: tuple[str, ...] = ()
    eni_slots: int = 2
    extra: list[dict[str, Any]] = field(default_factory=list)
    cpu_used: int = 0
    memory_used: int = 0
    tcp_used: set[str] = field(default_factory=set)
    udp_used: set[str] = field(default_factory=set)
    gpus_used: list[str] = field(default_factory=list)
    eni_used: int = 0
    # Dynamic host ports: how many the placed tasks will bind (held from placement, so a placed
    # task always finds a free one at RUNNING), and which are bound now.
    tcp_dynamic: int = 0
    udp_dynamic: int = 0
    bound: set[tuple[int, str]] = field(default_factory=set)

    def shortfall(self, demand: Demand) -> str | None:
        """The first resource that cannot be met, as ECS names it in `failures[].reason`."""
        if demand.cpu > self.cpu - self.cpu_used:
            return "RESOURCE:CPU"
        if demand.memory > self.memory - self.memory_used:
            return "RESOURCE:MEMORY"
        if demand.tcp_ports and not self._ports_free(
            demand.tcp_ports, self.tcp_reserved, self.tcp_used, "tcp"
        ):
            return "RESOURCE:PORTS"
        if demand.dynamic_tcp and demand.dynamic_tcp > self.free_dynamic("tcp"):
            return "RESOURCE:PORTS"
        if demand.udp_ports and not self._ports_free(
            demand.udp_ports, self.udp_reserved, self.udp_used, "udp"
        ):
            return "RESOURCE:PORTS_UDP"
        if demand.dynamic_udp and demand.dynamic_udp > self.free_dynamic("udp"):
            return "RESOURCE:PORTS_UDP"
        if demand.gpus > len(self.gpu_ids) - len(self.gpus_used):
            return "RESOURCE:GPU"
        if demand.eni > self.eni_slots - self.eni_used:
            return "RESOURCE:ENI"
        return None

    def _ports_free(
        self, wanted: frozenset[int], reserved: tuple[str, ...], used: set[str], protocol: str
    ) -> bool:
        if not wanted:
            return True
        names = {str(port) for port in wanted}
        if names & set(reserved) or names & used:
            return False
        # Mock decision: a static host port that a running container got as its dynamic port is
        # taken too (ECS would place the task and Docker would fail to bind it).
        if any((port, protocol) in self.bound for port in wanted):
            return False
        held = len(self.tcp_reserved) + len(self.udp_reserved)
        held += len(self.tcp_used) + len(self.udp_used)
        return held + len(names) <= MAX_RESERVED_PORTS

    def static_ports(self, protocol: str) -> set[int]:
        """Host ports reserved at registration or held by tasks' static mappings."""
        if protocol == "udp":
            return {int(port) for port in (*self.udp_reserved, *self.udp_used)}
        return {int(port) for port in (*self.tcp_reserved, *self.tcp_used)}

    def dynamic_held(self, protocol: str) -> int:
        return self.udp_dynamic if protocol == "udp" else self.tcp_dynamic

    def free_dynamic(self, protocol: str) -> int:
        """Dynamic host ports still free for tasks placed from now on: the ephemeral range less
        the static ports inside it and every dynamic port already promised to a placed task."""
        low, high = DYNAMIC_PORTS
        static = sum(1 for port in self.static_ports(protocol) if low <= port <= high)
        return DYNAMIC_PORT_COUNT - static - self.dynamic_held(protocol)

    def bind_dynamic(
        self,
        holding: Holding,
        protocol: str,
        draw: Callable[[], int],
        taken: set[tuple[int, str]],
    ) -> int:
        """A free dynamic host port for one of `holding`'s mappings (see `free_port`), recorded
        as bound until the task gives its holding back."""
        port = free_port(draw, protocol, taken, self.bound)
        if not holding.released:  # an orphaned task's ports are no longer this instance's
            holding.bound.add((port, protocol))
            self.bound.add((port, protocol))
        return port

    def reserve(self, demand: Demand) -> Holding:
        free_gpus = [gpu for gpu in self.gpu_ids if gpu not in self.gpus_used]
        holding = Holding(
            cpu=demand.cpu,
            memory=demand.memory,
            tcp_ports=_names(demand.tcp_ports),
            udp_ports=_names(demand.udp_ports),
            gpu_ids=tuple(free_gpus[: demand.gpus]),
            eni=demand.eni,
            dynamic_tcp=demand.dynamic_tcp,
            dynamic_udp=demand.dynamic_udp,
        )
        self.cpu_used += holding.cpu
        self.memory_used += holding.memory
        self.tcp_used |= holding.tcp_ports
        self.udp_used |= holding.udp_ports
        self.gpus_used.extend(holding.gpu_ids)
        self.eni_used += holding.eni
        self.tcp_dynamic += holding.dynamic_tcp
        self.udp_dynamic += holding.dynamic_udp
        return holding

    def release(self, holding: Holding) -> None:
        if holding.released:
            return
        holding.released = True
        self.cpu_used -= holding.cpu
        self.memory_used -= holding.memory
        self.tcp_used -= holding.tcp_ports
        self.udp_used -= holding.udp_ports
        for gpu in holding.gpu_ids:
            self.gpus_used.remove(gpu)
        self.eni_used -= holding.eni
        self.tcp_dynamic -= holding.dynamic_tcp
        self.udp_dynamic -= holding.dynamic_udp
        self.bound -= holding.bound

    def registered(self) -> list[dict[str, Any]]:
        return self._render(0, 0, set(), set(), [])

    def remaining(self) -> list[dict[str, Any]]:
        return self._render(
            self.cpu_used, self.memory_used, self.tcp_used, self.udp_used, self.gpus_used
        )

    def _render(
        self, cpu: int, memory: int, tcp: set[str], udp: set[str], gpus: list[str]
    ) -> list[dict[str, Any]]:
        rendered = [
            _integer("CPU", self.cpu - cpu),
            _integer("MEMORY", self.memory - memory),
            _string_set("PORTS", [*self.tcp_reserved, *sorted(tcp, key=int)]),
            _string_set("PORTS_UDP", [*self.udp_reserved, *sorted(udp, key=int)]),
        ]
        if self.gpu_ids:
            rendered.append(_string_set("GPU", [gpu for gpu in self.gpu_ids if gpu not in gpus]))
        rendered.extend(dict(item) for item in self.extra)
        return rendered


_NO_PORTS: frozenset[str] = frozenset()


def _names(ports: frozenset[int]) -> frozenset[str]:
    """Port numbers as the strings instances report; most tasks hold none, and share one."""
    return frozenset(str(port) for port in ports) if ports else _NO_PORTS


def free_port(draw: Callable[[], int], protocol: str, *taken: set[tuple[int, str]]) -> int:
    """A dynamic port in none of `taken`: random ones first (`draw`), then a walk on from the
    last of them.

    Redrawing keeps the search short however full the range gets (a walk alone would crawl
    along the runs it creates). Placement promises every placed task a free port for each of
    its dynamic mappings (`free_dynamic`), so one exists; with the whole range taken all the
    same, the walk ends after one lap and answers the last draw, rather than searching forever
    under the backend lock."""
    port = draw()
    for _ in range(_DRAWS):
        if not any((port, protocol) in pairs for pairs in taken):
            return port
        port = draw()
    low = DYNAMIC_PORTS[0]
    for step in range(DYNAMIC_PORT_COUNT):
        candidate = low + (port - low + step) % DYNAMIC_PORT_COUNT
        if not any((candidate, protocol) in pairs for pairs in taken):
            return candidate
    return port


_DRAWS = 32


def _integer(name: str, value: int) -> dict[str, Any]:
    # Real responses carry every numeric field, zeros included (CLI examples).
    return {
        "name": name,
        "type": "INTEGER",
        "doubleValue": 0.0,
        "longValue": 0,
        "integerValue": value,
    }


def _string_set(name: str, values: list[str]) -> dict[str, Any]:
    return {
        "name": name,
        "type": "STRINGSET",
        "doubleValue": 0.0,
        "longValue": 0,
        "integerValue": 0,
        "stringSetValue": values,
    }

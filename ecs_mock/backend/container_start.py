"""A task's containers as they start and stop: runtime ids, network bindings, health.

Called by the lifecycle (a task reaching RUNNING, its containers exiting) and by the agent
API (SubmitContainerStateChange), so both paths give containers the same shape.
"""

from __future__ import annotations

from typing import Any

from .models import Container, ContainerInstance, Task
from .resources import DYNAMIC_PORTS, free_port
from .state import Region

HEALTHY, UNHEALTHY, UNKNOWN = "HEALTHY", "UNHEALTHY", "UNKNOWN"


def start_containers(
    region: Region, task: Task, instance: ContainerInstance | None, at: float
) -> None:
    """Every PENDING container of `task` is RUNNING now: give it a runtime id, its network
    bindings (bridge and host mode), its health, and start its managed agents."""
    network_mode = task.task_definition.network_mode
    needs_ports = any(container.port_mappings for container in task.containers)
    taken = _host_ports_in_use(instance) if needs_ports else set()
    checked = health_checked(task)
    for container in task.containers:
        if container.last_status != "PENDING":
            continue
        container.last_status = "RUNNING"
        container.runtime_id = runtime_id(region, task)
        if network_mode in ("bridge", "host") and container.port_mappings:
            container.network_bindings = tuple(
                _binding(region, task, instance, mapping, network_mode, taken)
                for mapping in container.port_mappings
            )
        else:
            # Mock decision: a RUNNING container always shows `networkBindings`, `[]` when it
            # has none (ecs-runtask.md §3.3 shows `[]` on RUNNING Fargate containers; the
            # reference is silent on bridge and host containers without port mappings).
            container.network_bindings = ()
        container.health_status = UNKNOWN if container.name not in checked else HEALTHY
        for agent in container.managed_agents:
            agent.update(lastStatus="RUNNING", lastStartedAt=at)
    update_task_health(task)


def runtime_id(region: Region, task: Task) -> str:
    """A Fargate container's runtime id is `<taskId>-<digits>` (AWS CLI describe-tasks ex.2:
    `74de0355a10a4f979ac495c14EXAMPLE-265927825`); on EC2 and EXTERNAL instances it is the
    Docker container id, 64 hex digits. Both drawn from the seeded ids."""
    if task.launch_type == "FARGATE":
        return region.ids.fargate_runtime_id(task.task_id)
    return region.ids.hex64()


def container_started(task: Task, container: Container) -> None:
    """One container was reported RUNNING (agent API): bindings and health as a start gives."""
    if container.network_bindings is None:
        container.network_bindings = ()
    if container.health_status is None:
        checked = health_checked(task)
        container.health_status = HEALTHY if container.name in checked else UNKNOWN
    update_task_health(task)


def release_bindings(container: Container) -> None:
    """The container stopped: its host ports are free again. Mock decision: it keeps showing
    `networkBindings: []` (it had bindings once it ran); one that never ran shows none."""
    if container.network_bindings is not None:
        container.network_bindings = ()


def health_checked(task: Task) -> frozenset[str]:
    """The names of the task's containers whose definition has a `healthCheck`."""
    return frozenset(
        d["name"] for d in task.task_definition.containers if d.get("healthCheck") is not None
    )


def update_task_health(task: Task) -> None:
    """The task's healthStatus from its essential containers that have a health check
    (UNHEALTHY before UNKNOWN before HEALTHY); UNKNOWN when there is none. "The container
    health check status of nonessential containers only affects the health status of a task if
    no essential containers have health checks defined" (API HealthCheck): then the
    non-essential ones with a health check count the same way. Containers without a health
    check report UNKNOWN (API Container).

    Mock decision: health checks are not run, so a container with one is HEALTHY from the
    moment it is RUNNING (until a test sets it: `container_health.py`), and keeps its last
    health once it stops (as ECS shows a stopped task's last health)."""
    checked = health_checked(task)
    counted = [c for c in task.containers if c.name in checked]
    essential = [c for c in counted if c.essential]
    statuses = [c.health_status for c in essential or counted]
    if UNHEALTHY in statuses:
        task.health_status = UNHEALTHY
    elif statuses and all(status == HEALTHY for status in statuses):
        task.health_status = HEALTHY
    else:
        task.health_status = UNKNOWN


def _host_ports_in_use(instance: ContainerInstance | None) -> set[tuple[int, str]]:
    """(port, protocol) pairs held on the task's instance by registration or static mappings.

    The dynamic ports other tasks were bound to are in `Resources.bound`, which
    `bind_dynamic` consults itself, so this costs O(static ports), not O(tasks there); a
    stopped task's old bindings are free again (its holding went back)."""
    if instance is None:
        return set()
    held = instance.resources
    taken = {(int(port), "tcp") for port in (*held.tcp_used, *held.tcp_reserved)}
    taken.update((int(port), "udp") for port in (*held.udp_used, *held.udp_reserved))
    return taken


def _binding(
    region: Region,
    task: Task,
    instance: ContainerInstance | None,
    mapping: dict[str, Any],
    network_mode: str,
    taken: set[tuple[int, str]],
) -> dict[str, Any]:
    container_port = mapping.get("containerPort", 0)
    protocol = mapping.get("protocol", "tcp")
    host_port = mapping.get("hostPort") or 0
    if network_mode == "host":
        host_port = container_port
    elif not host_port:
        # Placement kept a free port for this mapping (Resources.free_dynamic): bind it there.
        def draw() -> int:
            return region.ids.port(*DYNAMIC_PORTS)

        if instance is None:
            host_port = free_port(draw, protocol, taken)
        else:
            host_port = instance.resources.bind_dynamic(task.holding, protocol, draw, taken)
            region.touch(instance)
    taken.add((host_port, protocol))
    return {
        "bindIP": "0.0.0.0",
        "containerPort": container_port,
        "hostPort": host_port,
        "protocol": protocol,
    }

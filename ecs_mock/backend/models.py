"""Typed in-memory resources. Each renders itself to the wire shape of the ECS model."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from .resources import EMPTY_HOLDING, Holding, Resources
from .task_counts import PENDING_STATES, TaskCounts

if TYPE_CHECKING:
    from .service_models import Service

Tags = list[dict[str, str]]
EXTERNAL_CAPABILITY = "ecs.capability.external"  # what ECS Anywhere instances advertise


@dataclass
class Cluster:
    name: str
    arn: str
    status: str = "ACTIVE"
    tags: Tags = field(default_factory=list)
    settings: list[dict[str, str]] = field(default_factory=list)
    configuration: dict[str, Any] | None = None
    instances: dict[str, ContainerInstance] = field(default_factory=dict)
    tasks: dict[str, Task] = field(default_factory=dict)
    counts: TaskCounts = field(default_factory=TaskCounts)
    capacity_providers: list[str] = field(default_factory=list)
    default_strategy: list[dict[str, Any]] = field(default_factory=list)
    # The Auto Scaling group providers' attachments (as_policy, managed_draining), as they are
    # once settled; attachments_status is None until capacity providers were first associated.
    attachments: list[dict[str, Any]] = field(default_factory=list)
    attachments_status: str | None = None
    service_connect_defaults: dict[str, str] | None = None
    deleted_at: float | None = None
    services: dict[str, Service] = field(default_factory=dict)  # by name, INACTIVE ones too

    def to_wire(
        self, include_tags: bool = True, include_attachments: bool = True
    ) -> dict[str, Any]:
        active = sum(1 for i in self.instances.values() if i.status != "INACTIVE")
        wire: dict[str, Any] = {
            "clusterArn": self.arn,
            "clusterName": self.name,
            "status": self.status,
            "registeredContainerInstancesCount": active,
            "runningTasksCount": self.counts.running,
            "pendingTasksCount": self.counts.pending,
            "activeServicesCount": sum(s.status == "ACTIVE" for s in self.services.values()),
            "statistics": [],
            "tags": list(self.tags) if include_tags else [],
            "settings": list(self.settings),
            "capacityProviders": list(self.capacity_providers),
            "defaultCapacityProviderStrategy": [dict(item) for item in self.default_strategy],
        }
        if self.configuration is not None:
            wire["configuration"] = self.configuration
        if self.attachments_status is not None:
            if include_attachments:
                wire["attachments"] = [dict(a) for a in self.attachments]
            wire["attachmentsStatus"] = self.attachments_status
        if self.service_connect_defaults is not None:
            wire["serviceConnectDefaults"] = dict(self.service_connect_defaults)
        return wire


@dataclass
class TaskDefinition:
    family: str
    revision: int
    arn: str
    body: dict[str, Any]
    tags: Tags = field(default_factory=list)

    @property
    def status(self) -> str:
        return str(self.body["status"])

    @property
    def containers(self) -> list[dict[str, Any]]:
        return list(self.body["containerDefinitions"])

    @property
    def network_mode(self) -> str:
        return str(self.body.get("networkMode", "bridge"))

    @cached_property
    def uses_awslogs(self) -> bool:
        """Some container logs with the awslogs driver. (Worked out once: a registered
        definition's containers never change; not a field, so no state file keeps it.)"""
        return any(
            (d.get("logConfiguration") or {}).get("logDriver") == "awslogs"
            for d in self.body["containerDefinitions"]
        )

    def to_wire(self) -> dict[str, Any]:
        return self.body


@dataclass
class ContainerInstance:
    instance_id: str
    arn: str
    cluster: str
    ec2_instance_id: str
    resources: Resources
    attributes: list[dict[str, str]]
    registered_at: float
    version_info: dict[str, str]
    status: str = "ACTIVE"
    agent_connected: bool = True
    version: int = 1
    tags: Tags = field(default_factory=list)
    status_reason: str | None = None
    deregistered_at: float | None = None
    task_ids: set[str] = field(default_factory=set)
    counts: TaskCounts = field(default_factory=TaskCounts)
    capacity_provider: str | None = None
    agent_update_status: str | None = None  # UpdateContainerAgent (agent_endpoints.py)
    # When its health (instance_health.py) last changed; None: not since it registered
    health_changed_at: float | None = None
    _attributes_by_name: dict[str, str | None] | None = field(
        default=None, init=False, repr=False, compare=False
    )
    _external: bool | None = field(default=None, init=False, repr=False, compare=False)

    def attribute(self, name: str) -> str | None:
        return self._attribute_map().get(name)

    def has_attribute(self, name: str) -> bool:
        return name in self._attribute_map()

    def attributes_changed(self) -> None:
        """Call after changing `attributes` in place, so lookups see the change."""
        self._attributes_by_name = None
        self._external = None

    def _attribute_map(self) -> dict[str, str | None]:
        # Placement reads attributes of every candidate for every task: a name -> value map
        # instead of a scan of the list, rebuilt after each change.
        found = self._attributes_by_name
        if found is None:
            found = self._attributes_by_name = {a["name"]: a.get("value") for a in self.attributes}
        return found

    # What the cluster query language (memberOf, ListContainerInstances filter) reads.
    @property
    def running_tasks_count(self) -> int:
        return self.counts.running

    @property
    def agent_version(self) -> str:
        return self.version_info.get("agentVersion", "")

    @property
    def task_groups(self) -> Collection[str]:
        return self.counts.groups.keys()

    @property
    def is_external(self) -> bool:
        """Registered by ECS Anywhere (the EXTERNAL launch type's instances). Kept until the
        attributes change: placement reads it for every candidate of every task."""
        external = self._external
        if external is None:
            external = self._external = EXTERNAL_CAPABILITY in self._attribute_map()
        return external

    def to_wire(self, include_tags: bool = True) -> dict[str, Any]:
        wire: dict[str, Any] = {
            "containerInstanceArn": self.arn,
            "ec2InstanceId": self.ec2_instance_id,
            "version": self.version,
            "versionInfo": dict(self.version_info),
            "remainingResources": self.resources.remaining(),
            "registeredResources": self.resources.registered(),
            "status": self.status,
            "agentConnected": self.agent_connected,
            "runningTasksCount": self.counts.running,
            "pendingTasksCount": self.counts.pending,
            "attributes": [dict(a) for a in self.attributes],
            "registeredAt": self.registered_at,
            "attachments": [],
            "tags": list(self.tags) if include_tags else [],
        }
        if self.status_reason is not None:
            wire["statusReason"] = self.status_reason
        if self.capacity_provider is not None:
            wire["capacityProviderName"] = self.capacity_provider
        if self.agent_update_status is not None:
            wire["agentUpdateStatus"] = self.agent_update_status
        return wire


# The lifecycle timestamps a task keeps in `Task.times`, in the order they happen (createdAt is
# a field of its own).
TASK_TIMES = (
    "connectivityAt",
    "pullStartedAt",
    "pullStoppedAt",
    "startedAt",
    "stoppingAt",
    "executionStoppedAt",
    "stoppedAt",
)


# Slotted: a cluster may hold 100,000 tasks, and a slot costs 8 bytes where a __dict__ entry
# costs far more (a Task's dict alone was ~1.6 KiB).
@dataclass(slots=True)
class Container:
    arn: str
    name: str
    image: str
    cpu: str
    memory: str | None
    memory_reservation: str | None
    essential: bool
    port_mappings: tuple[dict[str, Any], ...]
    # Tuples, replaced and never changed in place: empty is the shared (), where an empty list
    # per field and container was a tenth of what a stopped task holds.
    gpu_ids: tuple[str, ...] = ()
    last_status: str = "PENDING"
    exit_code: int | None = None
    reason: str | None = None
    runtime_id: str | None = None
    # None until the container runs (then shown, `[]` when it has none: container_start.py).
    network_bindings: tuple[dict[str, Any], ...] | None = None
    network_interfaces: tuple[dict[str, Any], ...] = ()
    managed_agents: tuple[dict[str, Any], ...] = ()
    health_status: str | None = None  # set once it runs (container_start.py)

    def to_wire(self, task_arn: str) -> dict[str, Any]:
        wire: dict[str, Any] = {
            "containerArn": self.arn,
            "taskArn": task_arn,
            "name": self.name,
            "image": self.image,
            "lastStatus": self.last_status,
        }
        if self.network_bindings is not None:
            wire["networkBindings"] = [dict(b) for b in self.network_bindings]
        wire["networkInterfaces"] = (
            [dict(n) for n in self.network_interfaces] if self.network_interfaces else []
        )
        wire["cpu"] = self.cpu
        if self.memory is not None:
            wire["memory"] = self.memory
        if self.memory_reservation is not None:
            wire["memoryReservation"] = self.memory_reservation
        if self.runtime_id is not None:
            wire["runtimeId"] = self.runtime_id
        if self.exit_code is not None:
            wire["exitCode"] = self.exit_code
        if self.reason is not None:
            wire["reason"] = self.reason
        if self.gpu_ids:
            wire["gpuIds"] = list(self.gpu_ids)
        if self.managed_agents:
            wire["managedAgents"] = [dict(a) for a in self.managed_agents]
        if self.health_status is not None:
            wire["healthStatus"] = self.health_status
        return wire


@dataclass(slots=True)
class Task:
    task_id: str
    arn: str
    cluster_name: str
    cluster_arn: str
    task_definition: TaskDefinition
    containers: list[Container]
    created_at: float
    group: str
    overrides: dict[str, Any]
    attributes: list[dict[str, str]]
    attachments: list[dict[str, Any]]
    enable_execute_command: bool
    tags: Tags
    cpu: str
    memory: str
    awsvpc: bool
    launch_type: str = "EC2"
    # EC2 and EXTERNAL tasks run on a container instance; Fargate tasks on none.
    instance_id: str | None = None
    instance_arn: str | None = None
    holding: Holding = field(default_factory=lambda: EMPTY_HOLDING)
    availability_zone: str | None = None
    capacity_provider_name: str | None = None
    platform_version: str | None = None
    platform_family: str | None = None
    ephemeral_storage: int | None = None  # GiB, Fargate only
    started_by: str | None = None
    service_name: str | None = None  # the service whose scheduler started it
    # The request's awsvpcConfiguration (subnets, securityGroups, assignPublicIp), awsvpc only
    awsvpc_configuration: dict[str, Any] | None = None
    last_status: str = "PENDING"
    desired_status: str = "RUNNING"
    version: int = 1
    times: dict[str, float] = field(default_factory=dict)
    connectivity: str | None = None
    stop_code: str | None = None
    stopped_reason: str | None = None
    health_status: str | None = None  # from its essential containers once they run
    # Task scale-in protection (task_protection.py): protected until this clock time.
    protected_until: float | None = None

    @property
    def is_pending(self) -> bool:
        return self.last_status in PENDING_STATES

    @property
    def awaiting_instance(self) -> bool:
        """An EC2 task waiting in PROVISIONING for its capacity provider to have room."""
        return self.instance_id is None and self.launch_type != "FARGATE"

    @property
    def family(self) -> str:
        return self.task_definition.family

    def to_wire(self, include_tags: bool = True) -> dict[str, Any]:
        wire: dict[str, Any] = {
            "taskArn": self.arn,
            "clusterArn": self.cluster_arn,
            "taskDefinitionArn": self.task_definition.arn,
            "overrides": self.overrides,
            "lastStatus": self.last_status,
            "desiredStatus": self.desired_status,
            "containers": [c.to_wire(self.arn) for c in self.containers],
            "version": self.version,
            "createdAt": self.created_at,
            "group": self.group,
            "launchType": self.launch_type,
            "cpu": self.cpu,
            "memory": self.memory,
            "attachments": self.attachments,
            "attributes": self.attributes,
            "enableExecuteCommand": self.enable_execute_command,
            "tags": list(self.tags) if include_tags else [],
        }
        # The optional members, each only when set (in this order).
        if self.instance_arn is not None:
            wire["containerInstanceArn"] = self.instance_arn
        if self.capacity_provider_name is not None:
            wire["capacityProviderName"] = self.capacity_provider_name
        if self.platform_version is not None:
            wire["platformVersion"] = self.platform_version
        if self.platform_family is not None:
            wire["platformFamily"] = self.platform_family
        if self.started_by is not None:
            wire["startedBy"] = self.started_by
        if self.availability_zone is not None:
            wire["availabilityZone"] = self.availability_zone
        if self.connectivity is not None:
            wire["connectivity"] = self.connectivity
        if self.stop_code is not None:
            wire["stopCode"] = self.stop_code
        if self.stopped_reason is not None:
            wire["stoppedReason"] = self.stopped_reason
        if self.health_status is not None:
            wire["healthStatus"] = self.health_status
        if self.ephemeral_storage is not None:
            # Mock decision: `fargateEphemeralStorage` (shown by newer AWS CLI examples) is left
            # out: the oldest supported botocore's model (1.34.17) does not have it.
            wire["ephemeralStorage"] = {"sizeInGiB": self.ephemeral_storage}
        if self.times:
            wire.update(self.times)
        return wire

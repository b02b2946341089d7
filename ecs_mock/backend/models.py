"""Typed in-memory resources. Each renders itself to the wire shape of the ECS model."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .resources import Holding, Resources

Tags = list[dict[str, str]]


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

    def to_wire(self, include_tags: bool = True) -> dict[str, Any]:
        active = [i for i in self.instances.values() if i.status != "INACTIVE"]
        live = [t for t in self.tasks.values() if t.last_status != "STOPPED"]
        wire: dict[str, Any] = {
            "clusterArn": self.arn,
            "clusterName": self.name,
            "status": self.status,
            "registeredContainerInstancesCount": len(active),
            "runningTasksCount": sum(1 for t in live if t.last_status == "RUNNING"),
            "pendingTasksCount": sum(1 for t in live if t.is_pending),
            "activeServicesCount": 0,
            "statistics": [],
            "tags": list(self.tags) if include_tags else [],
            "settings": list(self.settings),
            "capacityProviders": [],
            "defaultCapacityProviderStrategy": [],
        }
        if self.configuration is not None:
            wire["configuration"] = self.configuration
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

    def attribute(self, name: str) -> str | None:
        for attribute in self.attributes:
            if attribute["name"] == name:
                return attribute.get("value")
        return None

    def has_attribute(self, name: str) -> bool:
        return any(attribute["name"] == name for attribute in self.attributes)

    def to_wire(self, tasks: dict[str, Task], include_tags: bool = True) -> dict[str, Any]:
        mine = [tasks[task_id] for task_id in self.task_ids if task_id in tasks]
        live = [t for t in mine if t.last_status != "STOPPED"]
        wire: dict[str, Any] = {
            "containerInstanceArn": self.arn,
            "ec2InstanceId": self.ec2_instance_id,
            "version": self.version,
            "versionInfo": dict(self.version_info),
            "remainingResources": self.resources.remaining(),
            "registeredResources": self.resources.registered(),
            "status": self.status,
            "agentConnected": self.agent_connected,
            "runningTasksCount": sum(1 for t in live if t.last_status == "RUNNING"),
            "pendingTasksCount": sum(1 for t in live if t.is_pending),
            "attributes": [dict(a) for a in self.attributes],
            "registeredAt": self.registered_at,
            "attachments": [],
            "tags": list(self.tags) if include_tags else [],
        }
        if self.status_reason is not None:
            wire["statusReason"] = self.status_reason
        return wire


PENDING_STATES = frozenset({"PROVISIONING", "PENDING", "ACTIVATING"})


@dataclass
class Container:
    arn: str
    name: str
    image: str
    cpu: str
    memory: str | None
    memory_reservation: str | None
    essential: bool
    port_mappings: list[dict[str, Any]]
    gpu_ids: list[str] = field(default_factory=list)
    last_status: str = "PENDING"
    exit_code: int | None = None
    reason: str | None = None
    runtime_id: str | None = None
    network_bindings: list[dict[str, Any]] = field(default_factory=list)
    network_interfaces: list[dict[str, Any]] = field(default_factory=list)
    managed_agents: list[dict[str, Any]] = field(default_factory=list)

    def to_wire(self, task_arn: str) -> dict[str, Any]:
        wire: dict[str, Any] = {
            "containerArn": self.arn,
            "taskArn": task_arn,
            "name": self.name,
            "image": self.image,
            "lastStatus": self.last_status,
            "networkBindings": [dict(b) for b in self.network_bindings],
            "networkInterfaces": [dict(n) for n in self.network_interfaces],
            "cpu": self.cpu,
        }
        if not self.network_bindings:
            del wire["networkBindings"]
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
        return wire


@dataclass
class Task:
    task_id: str
    arn: str
    cluster_name: str
    cluster_arn: str
    task_definition: TaskDefinition
    instance_id: str
    instance_arn: str
    containers: list[Container]
    holding: Holding
    created_at: float
    group: str
    overrides: dict[str, Any]
    availability_zone: str | None
    attributes: list[dict[str, str]]
    attachments: list[dict[str, Any]]
    enable_execute_command: bool
    tags: Tags
    cpu: str | None
    memory: str | None
    awsvpc: bool
    started_by: str | None = None
    last_status: str = "PENDING"
    desired_status: str = "RUNNING"
    version: int = 1
    times: dict[str, float] = field(default_factory=dict)
    connectivity: str | None = None
    stop_code: str | None = None
    stopped_reason: str | None = None

    @property
    def is_pending(self) -> bool:
        return self.last_status in PENDING_STATES

    @property
    def family(self) -> str:
        return self.task_definition.family

    def to_wire(self, include_tags: bool = True) -> dict[str, Any]:
        wire: dict[str, Any] = {
            "taskArn": self.arn,
            "clusterArn": self.cluster_arn,
            "taskDefinitionArn": self.task_definition.arn,
            "containerInstanceArn": self.instance_arn,
            "overrides": self.overrides,
            "lastStatus": self.last_status,
            "desiredStatus": self.desired_status,
            "containers": [c.to_wire(self.arn) for c in self.containers],
            "version": self.version,
            "createdAt": self.created_at,
            "group": self.group,
            "launchType": "EC2",
            "attachments": self.attachments,
            "attributes": self.attributes,
            "enableExecuteCommand": self.enable_execute_command,
            "tags": list(self.tags) if include_tags else [],
        }
        optional: dict[str, Any] = {
            "cpu": self.cpu,
            "memory": self.memory,
            "startedBy": self.started_by,
            "availabilityZone": self.availability_zone,
            "connectivity": self.connectivity,
            "stopCode": self.stop_code,
            "stoppedReason": self.stopped_reason,
        }
        wire.update({key: value for key, value in optional.items() if value is not None})
        wire.update(self.times)
        return wire

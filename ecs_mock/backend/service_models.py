"""Services and what they own: deployments and task sets (fleets of tasks), service deployments.

A *fleet* is whatever owns a service's tasks: a deployment (ECS deployment controller) or a task
set (EXTERNAL and CODE_DEPLOY). Its tasks carry the fleet's id as `startedBy`, so the scheduler
finds a task's fleet from the task alone. Counters are kept live by the scheduler's task
listener, so describing a service costs the same with ten tasks or ten thousand.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

from .models import Tags, TaskDefinition
from .task_counts import TaskCounts

MAX_EVENTS = 100  # "A maximum of 100 of the latest events are displayed" (MODEL)


@dataclass
class Launch:
    """What a fleet's tasks run and where: the fields whose change makes a new deployment."""

    definition: TaskDefinition
    launch_type: str | None = None  # exactly one of launch_type and strategy is set
    strategy: list[dict[str, Any]] = field(default_factory=list)
    platform_version: str | None = None  # as requested (LATEST); Fargate only
    network: dict[str, Any] | None = None  # networkConfiguration, assignPublicIp filled in
    load_balancers: list[dict[str, Any]] = field(default_factory=list)
    registries: list[dict[str, Any]] = field(default_factory=list)
    volumes: list[dict[str, Any]] = field(default_factory=list)
    service_connect: dict[str, Any] | None = None
    lattice: list[dict[str, Any]] | None = None

    def same_as(self, other: Launch) -> bool:
        return self == other

    def target_params(self) -> dict[str, Any]:
        """launchType or capacityProviderStrategy, as RunTask would take them."""
        if self.strategy:
            return {"capacityProviderStrategy": self.strategy}
        return {"launchType": self.launch_type or "EC2"}

    def target_wire(self) -> dict[str, Any]:
        if self.strategy:
            return {"capacityProviderStrategy": [dict(item) for item in self.strategy]}
        return {"launchType": self.launch_type or "EC2"}

    @property
    def is_fargate(self) -> bool:
        if self.strategy:
            return all(i["capacityProvider"] in ("FARGATE", "FARGATE_SPOT") for i in self.strategy)
        return self.launch_type == "FARGATE"


@dataclass
class Fleet:
    """Tasks of one deployment or task set."""

    id: str  # ecs-svc/<19 digits>; the tasks' startedBy
    launch: Launch
    created_at: float
    updated_at: float
    desired_count: int = 0
    counts: TaskCounts = field(default_factory=TaskCounts)  # running / pending, live
    task_ids: set[str] = field(default_factory=set)  # tasks not yet STOPPED
    failed_tasks: int = 0  # the circuit breaker's counter
    resolved_platform: str | None = None  # Fargate: the version LATEST resolved to
    platform_family: str | None = None

    @property
    def number(self) -> str:
        """The digits of the id: a service revision's ARN ends with them (observed)."""
        return self.id.rpartition("/")[2]


@dataclass
class ServiceDeployment:
    """One change of a service's revision, as ListServiceDeployments shows it (ECS controller)."""

    arn: str
    target: Deployment
    sources: list[tuple[Deployment, int, int, int]]  # (deployment, requested, running, pending)
    created_at: float
    config: dict[str, Any]  # deploymentConfiguration when the deployment was made
    status: str = "PENDING"
    status_reason: str | None = None
    started_at: float | None = None
    finished_at: float | None = None
    stopped_at: float | None = None
    updated_at: float | None = None
    rollback: dict[str, Any] | None = None
    breaker_status: str | None = None  # TRIGGERED once tripped; else derived
    alarm_status: str | None = None
    triggered_alarms: list[str] = field(default_factory=list)

    @property
    def finished(self) -> bool:
        return self.status in ("SUCCESSFUL", "STOPPED", "ROLLBACK_SUCCESSFUL", "ROLLBACK_FAILED")


@dataclass
class Deployment(Fleet):
    status: str = "PRIMARY"  # PRIMARY | ACTIVE
    rollout_state: str = "IN_PROGRESS"
    rollout_reason: str = ""
    service_deployment: ServiceDeployment | None = None
    revision_created_at: float = 0.0
    ignored_alarms: frozenset[str] = frozenset()  # already in ALARM when it started
    completed_once: bool = False  # a rollback goes back to a deployment that completed
    rolling_back: ServiceDeployment | None = None  # on a rollback's target: what it undoes


@dataclass
class TaskSet(Fleet):
    arn: str = ""
    status: str = "ACTIVE"  # ACTIVE | PRIMARY | DRAINING
    scale: float = 0.0  # percent of the service's desiredCount
    external_id: str | None = None
    started_by: str | None = None  # CODE_DEPLOY for the task set CodeDeploy would own
    stability: str = "STABILIZING"
    stability_at: float = 0.0
    tags: Tags = field(default_factory=list)


@dataclass
class FailRule:
    """Test control: new tasks of the service (of one task definition, or any) fail to start."""

    definition_arn: str | None
    stop_code: str
    reason: str
    remaining: int | None  # None: every matching task until cleared


@dataclass
class Service:
    name: str
    arn: str
    cluster_name: str
    cluster_arn: str
    created_at: float
    created_by: str
    launch: Launch | None  # what the next deployment runs (None: EXTERNAL without task sets)
    base_launch_type: str  # where `capacityProviderStrategy: []` returns to
    desired_count: int = 0
    status: str = "ACTIVE"  # ACTIVE | DRAINING | INACTIVE
    scheduling: str = "REPLICA"
    controller: str = "ECS"
    deployment_config: dict[str, Any] = field(default_factory=dict)
    placement_constraints: list[dict[str, Any]] = field(default_factory=list)
    placement_strategy: list[dict[str, Any]] = field(default_factory=list)
    grace_period: int = 0
    propagate_tags: str = "NONE"
    managed_tags: bool = False
    execute_command: bool = False
    az_rebalancing: str = "DISABLED"
    role_arn: str | None = None
    tags: Tags = field(default_factory=list)
    deployments: list[Deployment] = field(default_factory=list)  # PRIMARY first
    task_sets: list[TaskSet] = field(default_factory=list)
    history: dict[str, Deployment] = field(default_factory=dict)  # every deployment, by id
    service_deployments: list[ServiceDeployment] = field(default_factory=list)  # oldest first
    events: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=MAX_EVENTS))
    inactive_at: float | None = None
    # -- the scheduler's own state ------------------------------------------------------
    seen: dict[str, tuple[str, str]] = field(default_factory=dict)  # task -> (last, desired)
    next_step: float | None = None  # when the queued step is due
    last_step: float = float("-inf")
    last_launch: float = float("-inf")
    streak: int = 0  # consecutive steps that followed failed starts (throttling)
    placement_retries: int = 0  # consecutive steps that could not place every task
    rebalancing: bool = False  # an AZ rebalancing task was started: one to stop once healthy
    rebalance_operation: bool = False  # AZ rebalancing under way: "is AZ balanced" is due
    failures_since_step: int = 0
    steady_since: float | None = None  # when E1 was last emitted while steady
    quiet: dict[str, tuple[str, float]] = field(default_factory=dict)  # kind -> (message, at)
    fail_rules: list[FailRule] = field(default_factory=list)

    @property
    def primary(self) -> Deployment | None:
        return self.deployments[0] if self.deployments else None

    @property
    def primary_task_set(self) -> TaskSet | None:
        return next((t for t in self.task_sets if t.status == "PRIMARY"), None)

    def fleets(self) -> list[Fleet]:
        return [*self.deployments, *self.task_sets]

    def fleet(self, fleet_id: str | None) -> Fleet | None:
        for fleet in self.fleets():
            if fleet.id == fleet_id:
                return fleet
        return None

    @property
    def running_count(self) -> int:
        return sum(fleet.counts.running for fleet in self.fleets())

    @property
    def pending_count(self) -> int:
        return sum(fleet.counts.pending for fleet in self.fleets())

    def live_task_ids(self) -> list[str]:
        return [task_id for fleet in self.fleets() for task_id in fleet.task_ids]

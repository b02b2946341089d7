"""Daemons, their task definitions, revisions and deployments, and their wire shapes.

A daemon runs one task on each container instance of its capacity providers (ECS Managed
Instances). Every CreateDaemon, UpdateDaemon and DeleteDaemon starts a deployment; every
CreateDaemon and UpdateDaemon also snapshots the daemon's settings as an immutable revision.

States are read off the mock clock, so nothing moves because it was read: a deployment is
IN_PROGRESS from its creation until `finishes_at`, then SUCCESSFUL (STOPPED if a newer one
replaced it first), and a deleted daemon is DELETE_IN_PROGRESS until its deletion deployment
finishes, after which it is gone.

Mock decision: daemon tasks are not started yet (no task ever appears in ListTasks for a
daemon): ECS runs one on each ECS Managed Instance of the capacity providers, and ecs_mock
provisions no Managed Instances (nor has capacity providers to own them); once it does, they
launch through the shared pipeline (backend/launch.py). So every instance count is 0, a
deployment has no instances to drain, and it lasts exactly its `bakeTimeInMinutes` (default 0:
SUCCESSFUL at once).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .models import Cluster, Tags

# Defaults the Developer Guide gives for the console (drain 25 %) and the model (bake 0,
# alarms off); the deployment configuration is echoed with them filled in.
DEFAULT_DRAIN_PERCENT = 25.0
# The documented example shows a circuit-breaker threshold of 10, the floor ECS services use.
CIRCUIT_BREAKER_THRESHOLD = 10
SUCCESS_REASON = "Deployment completed successfully."  # the documented example's text


@dataclass
class DaemonTaskDefinition:
    family: str
    revision: int
    arn: str
    body: dict[str, Any]  # the wire body without status and deleteRequestedAt
    tags: Tags = field(default_factory=list)
    delete_requested_at: float | None = None


@dataclass
class DaemonRevision:
    arn: str
    created_at: float
    task_definition_arn: str
    container_images: list[dict[str, str]]
    capacity_providers: list[str]
    propagate_tags: str
    managed_tags: bool
    execute_command: bool
    critical: bool

    def detail(self) -> dict[str, Any]:
        """DaemonRevisionDetail (DescribeDaemon's currentRevisions)."""
        return {
            "arn": self.arn,
            "capacityProviders": [
                {"arn": arn, "runningCount": 0, "withoutDaemonCount": 0}
                for arn in self.capacity_providers
            ],
            "totalRunningCount": 0,
            "totalWithoutDaemonCount": 0,
        }

    def deployment_detail(self) -> dict[str, Any]:
        """DaemonDeploymentRevisionDetail (a deployment's target and sources)."""
        return {
            "arn": self.arn,
            "capacityProviders": [
                {
                    "arn": arn,
                    "runningInstanceCount": 0,
                    "withoutDaemonInstanceCount": 0,
                    "drainingInstanceCount": 0,
                }
                for arn in self.capacity_providers
            ],
            "totalRunningInstanceCount": 0,
            "totalWithoutDaemonInstanceCount": 0,
            "totalDrainingInstanceCount": 0,
        }


@dataclass
class DaemonDeployment:
    arn: str
    created_at: float
    finishes_at: float
    target: DaemonRevision | None  # None for the deployment DeleteDaemon starts
    sources: list[DaemonRevision]
    configuration: dict[str, Any]
    stopped_at: float | None = None

    def status(self, now: float) -> str:
        if self.stopped_at is not None:
            return "STOPPED"
        return "SUCCESSFUL" if now >= self.finishes_at else "IN_PROGRESS"

    def in_progress(self, now: float) -> bool:
        return self.status(now) == "IN_PROGRESS"

    def reason(self, now: float) -> str | None:
        status = self.status(now)
        if status == "SUCCESSFUL":
            return SUCCESS_REASON
        if status == "STOPPED":
            # Mock decision: ECS's wording for a replaced deployment is not published.
            return "Deployment stopped: a newer deployment replaced it."
        return None

    def times(self, now: float) -> dict[str, float]:
        # Mock decision: nothing waits before a deployment starts, so startedAt == createdAt.
        times = {"createdAt": self.created_at, "startedAt": self.created_at}
        status = self.status(now)
        if status == "STOPPED" and self.stopped_at is not None:
            times["stoppedAt"] = self.stopped_at
        elif status == "SUCCESSFUL":
            times["finishedAt"] = self.finishes_at
        return times


@dataclass
class Daemon:
    name: str
    arn: str
    cluster: Cluster  # the cluster object itself: a cluster deleted and re-created is another
    created_at: float
    updated_at: float
    configuration: dict[str, Any]
    client_token: str | None = None
    tags: Tags = field(default_factory=list)
    revisions: list[DaemonRevision] = field(default_factory=list)
    deployments: list[DaemonDeployment] = field(default_factory=list)  # oldest first
    deleted_at: float | None = None

    @property
    def latest(self) -> DaemonDeployment:
        return self.deployments[-1]

    @property
    def status(self) -> str:
        return "ACTIVE" if self.deleted_at is None else "DELETE_IN_PROGRESS"

    def is_gone(self, now: float) -> bool:
        """Deleted, and its deletion deployment has finished."""
        return self.deleted_at is not None and not self.latest.in_progress(now)

    def current_revisions(self, now: float) -> list[DaemonRevision]:
        """What runs on the instances: the newest deployment's target, plus the revisions it
        replaces while it is still rolling out."""
        deployment = self.latest
        current = [deployment.target] if deployment.target is not None else []
        if deployment.in_progress(now):
            current += [r for r in deployment.sources if r is not deployment.target]
        return current

    def stop_rollout(self, now: float) -> None:
        """A new deployment replaces one still in progress."""
        if self.deployments and self.latest.in_progress(now):
            self.latest.stopped_at = now

    def detail(self, now: float) -> dict[str, Any]:
        return {
            "daemonArn": self.arn,
            "clusterArn": self.cluster.arn,
            "status": self.status,
            "currentRevisions": [r.detail() for r in self.current_revisions(now)],
            "deploymentArn": self.latest.arn,
            "createdAt": self.created_at,
            "updatedAt": self.updated_at,
        }

    def summary(self) -> dict[str, Any]:
        return {
            "daemonArn": self.arn,
            "status": self.status,
            "createdAt": self.created_at,
            "updatedAt": self.updated_at,
        }

    def revision_wire(self, revision: DaemonRevision) -> dict[str, Any]:
        """DaemonRevision, as DescribeDaemonRevisions answers it."""
        return {
            "daemonRevisionArn": revision.arn,
            "clusterArn": self.cluster.arn,
            "daemonArn": self.arn,
            "daemonTaskDefinitionArn": revision.task_definition_arn,
            "createdAt": revision.created_at,
            "containerImages": [dict(image) for image in revision.container_images],
            "propagateTags": revision.propagate_tags,
            "enableECSManagedTags": revision.managed_tags,
            "enableExecuteCommand": revision.execute_command,
            "critical": revision.critical,
        }

    def deployment_wire(self, deployment: DaemonDeployment, now: float) -> dict[str, Any]:
        """DaemonDeployment, as DescribeDaemonDeployments answers it."""
        status = deployment.status(now)
        monitoring = "MONITORING" if status == "IN_PROGRESS" else "MONITORING_COMPLETE"
        alarms = deployment.configuration["alarms"]
        wire: dict[str, Any] = {
            "daemonDeploymentArn": deployment.arn,
            "clusterArn": self.cluster.arn,
            "status": status,
            "sourceDaemonRevisions": [r.deployment_detail() for r in deployment.sources],
            "circuitBreaker": {
                "failureCount": 0,
                "status": monitoring,
                "threshold": CIRCUIT_BREAKER_THRESHOLD,
            },
            "alarms": {
                "status": monitoring if alarms["enable"] else "DISABLED",
                "alarmNames": list(alarms["alarmNames"]),
                "triggeredAlarmNames": [],
            },
            "deploymentConfiguration": _copy_configuration(deployment.configuration),
            **deployment.times(now),
        }
        if deployment.target is not None:
            wire["targetDaemonRevision"] = deployment.target.deployment_detail()
        reason = deployment.reason(now)
        if reason is not None:
            wire["statusReason"] = reason
        return wire

    def deployment_summary(self, deployment: DaemonDeployment, now: float) -> dict[str, Any]:
        wire: dict[str, Any] = {
            "daemonDeploymentArn": deployment.arn,
            "daemonArn": self.arn,
            "clusterArn": self.cluster.arn,
            "status": deployment.status(now),
            **deployment.times(now),
        }
        if deployment.target is not None:
            wire["targetDaemonRevisionArn"] = deployment.target.arn
        reason = deployment.reason(now)
        if reason is not None:
            wire["statusReason"] = reason
        return wire


def _copy_configuration(configuration: dict[str, Any]) -> dict[str, Any]:
    alarms = configuration["alarms"]
    return {
        "drainPercent": configuration["drainPercent"],
        "alarms": {"alarmNames": list(alarms["alarmNames"]), "enable": alarms["enable"]},
        "bakeTimeInMinutes": configuration["bakeTimeInMinutes"],
    }

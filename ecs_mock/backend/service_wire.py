"""Services, deployments, task sets and service deployments in the wire shapes of the ECS model."""

from __future__ import annotations

import hashlib
from typing import Any

from .service_models import Deployment, Fleet, Launch, Service, ServiceDeployment, TaskSet
from .state import Region

SERVICE_ROLE = "role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS"


def revision_arn(region: Region, service: Service, deployment: Fleet) -> str:
    return region.arns.service_revision(service.cluster_name, service.name, deployment.number)


def _launch_fields(launch: Launch, fleet: Fleet | None) -> dict[str, Any]:
    """What a deployment, task set or revision reports about where its tasks run."""
    wire: dict[str, Any] = launch.target_wire()
    if launch.is_fargate:
        resolved = fleet.resolved_platform if fleet is not None else None
        wire["platformVersion"] = resolved or launch.platform_version or "LATEST"
        if fleet is not None and fleet.platform_family is not None:
            wire["platformFamily"] = fleet.platform_family
    if launch.network is not None:
        wire["networkConfiguration"] = launch.network
    return wire


def behind_classic_load_balancer(launch: Launch) -> bool:
    """A Classic Load Balancer is named by `loadBalancerName` (ALB/NLB by targetGroupArn)."""
    return any(item.get("loadBalancerName") for item in launch.load_balancers)


def deployment_wire(deployment: Deployment) -> dict[str, Any]:
    """rolloutState and its reason are "only returned for services that use the rolling update
    (ECS) deployment type that aren't behind a Classic Load Balancer" (MODEL): left out for a
    deployment whose load balancers include a CLB. The scheduler still keeps and acts on them
    (completion, the circuit breaker and its rollback); only the answer omits them."""
    launch = deployment.launch
    wire: dict[str, Any] = {
        "id": deployment.id,
        "status": deployment.status,
        "taskDefinition": launch.definition.arn,
        "desiredCount": deployment.desired_count,
        "pendingCount": deployment.counts.pending,
        "runningCount": deployment.counts.running,
        "failedTasks": deployment.failed_tasks,
        "createdAt": deployment.created_at,
        "updatedAt": deployment.updated_at,
        **_launch_fields(launch, deployment),
    }
    if not behind_classic_load_balancer(launch):
        wire["rolloutState"] = deployment.rollout_state
        wire["rolloutStateReason"] = deployment.rollout_reason
    if launch.volumes:
        wire["volumeConfigurations"] = launch.volumes
    if launch.service_connect is not None:
        wire["serviceConnectConfiguration"] = launch.service_connect
    if launch.lattice:
        wire["vpcLatticeConfigurations"] = launch.lattice
    return wire


def task_set_wire(
    region: Region, service: Service, task_set: TaskSet, include_tags: bool
) -> dict[str, Any]:
    launch = task_set.launch
    wire: dict[str, Any] = {
        "id": task_set.id,
        "taskSetArn": task_set.arn,
        "serviceArn": service.arn,
        "clusterArn": service.cluster_arn,
        "status": task_set.status,
        "taskDefinition": launch.definition.arn,
        "computedDesiredCount": task_set.desired_count,
        "pendingCount": task_set.counts.pending,
        "runningCount": task_set.counts.running,
        "createdAt": task_set.created_at,
        "updatedAt": task_set.updated_at,
        **_launch_fields(launch, task_set),
        "loadBalancers": launch.load_balancers,
        "serviceRegistries": launch.registries,
        "scale": {"value": task_set.scale, "unit": "PERCENT"},
        "stabilityStatus": task_set.stability,
        "stabilityStatusAt": task_set.stability_at,
    }
    if task_set.external_id is not None:
        wire["externalId"] = task_set.external_id
    if task_set.started_by is not None:
        wire["startedBy"] = task_set.started_by
    if include_tags:
        wire["tags"] = list(task_set.tags)
    return wire


def service_wire(region: Region, service: Service, include_tags: bool) -> dict[str, Any]:
    config = dict(service.deployment_config)
    wire: dict[str, Any] = {
        "serviceArn": service.arn,
        "serviceName": service.name,
        "clusterArn": service.cluster_arn,
        "status": service.status,
        "desiredCount": service.desired_count,
        "runningCount": service.running_count,
        "pendingCount": service.pending_count,
        "deploymentConfiguration": config,
        "deployments": [deployment_wire(d) for d in service.deployments],
        "roleArn": service.role_arn or f"arn:aws:iam::{region.account_id}:{SERVICE_ROLE}",
        "events": list(reversed(service.events)),
        "createdAt": service.created_at,
        "placementConstraints": list(service.placement_constraints),
        "placementStrategy": list(service.placement_strategy),
        "healthCheckGracePeriodSeconds": service.grace_period,
        "schedulingStrategy": service.scheduling,
        "deploymentController": {"type": service.controller},
        "createdBy": service.created_by,
        "enableECSManagedTags": service.managed_tags,
        "propagateTags": service.propagate_tags,
        "enableExecuteCommand": service.execute_command,
        "availabilityZoneRebalancing": service.az_rebalancing,
        "resourceManagementType": "CUSTOMER",
    }
    # What the service runs: the PRIMARY deployment's revision (ECS), the primary task set's
    # (EXTERNAL, CODE_DEPLOY; none reported without one), else what was requested.
    fleet: Fleet | None = service.primary
    if service.controller != "ECS":
        fleet = service.primary_task_set
        wire["taskSets"] = [task_set_wire(region, service, t, False) for t in service.task_sets]
    launch = fleet.launch if fleet is not None else None
    if service.controller == "EXTERNAL" and launch is None:
        wire["launchType"] = "EC2"  # observed on a new EXTERNAL service with no task set
    if launch is not None:
        wire.update(launch.target_wire())
        if launch.is_fargate:
            wire["platformVersion"] = launch.platform_version or "LATEST"
            if fleet is not None and fleet.platform_family is not None:
                wire["platformFamily"] = fleet.platform_family
        wire["taskDefinition"] = launch.definition.arn
        if launch.network is not None:
            wire["networkConfiguration"] = launch.network
    wire["loadBalancers"] = list(launch.load_balancers) if launch else []
    wire["serviceRegistries"] = list(launch.registries) if launch else []
    if service.service_deployments:
        wire["currentServiceDeployment"] = service.service_deployments[-1].arn
    if service.controller == "ECS":
        wire["currentServiceRevisions"] = [
            {
                "arn": revision_arn(region, service, d),
                "requestedTaskCount": d.desired_count,
                "runningTaskCount": d.counts.running,
                "pendingTaskCount": d.counts.pending,
            }
            for d in service.deployments
        ]
    if include_tags:
        wire["tags"] = list(service.tags)
    return wire


def summary(region: Region, service: Service, deployment: Deployment) -> dict[str, Any]:
    return {
        "arn": revision_arn(region, service, deployment),
        "requestedTaskCount": deployment.desired_count,
        "runningTaskCount": deployment.counts.running,
        "pendingTaskCount": deployment.counts.pending,
    }


def breaker_wire(service_deployment: ServiceDeployment, threshold: int) -> dict[str, Any]:
    breaker = service_deployment.config.get("deploymentCircuitBreaker", {})
    if not breaker.get("enable"):
        status = "DISABLED"
    elif service_deployment.breaker_status is not None:
        status = service_deployment.breaker_status
    elif service_deployment.finished:
        status = "MONITORING_COMPLETE"
    else:
        status = "MONITORING"
    return {
        "status": status,
        "failureCount": service_deployment.target.failed_tasks,
        "threshold": threshold,
    }


def service_deployment_wire(
    region: Region, service: Service, record: ServiceDeployment, threshold: int
) -> dict[str, Any]:
    alarms = record.config.get("alarms") or {}
    wire: dict[str, Any] = {
        "serviceDeploymentArn": record.arn,
        "serviceArn": service.arn,
        "clusterArn": service.cluster_arn,
        "createdAt": record.created_at,
        "sourceServiceRevisions": [
            {
                "arn": revision_arn(region, service, deployment),
                "requestedTaskCount": requested,
                "runningTaskCount": running,
                "pendingTaskCount": pending,
            }
            for deployment, requested, running, pending in record.sources
        ],
        "targetServiceRevision": summary(region, service, record.target),
        "status": record.status,
        "deploymentConfiguration": dict(record.config),
        "deploymentCircuitBreaker": breaker_wire(record, threshold),
        "alarms": {"status": "DISABLED"},
    }
    if alarms.get("enable"):
        wire["alarms"] = {
            "status": record.alarm_status
            or ("MONITORING_COMPLETE" if record.finished else "MONITORING"),
            "alarmNames": list(alarms.get("alarmNames", [])),
            "triggeredAlarmNames": list(record.triggered_alarms),
        }
    optional = {
        "startedAt": record.started_at,
        "finishedAt": record.finished_at,
        "stoppedAt": record.stopped_at,
        "updatedAt": record.updated_at,
        "statusReason": record.status_reason,
        "rollback": record.rollback,
    }
    wire.update({key: value for key, value in optional.items() if value is not None})
    return wire


def brief_wire(region: Region, service: Service, record: ServiceDeployment) -> dict[str, Any]:
    wire: dict[str, Any] = {
        "serviceDeploymentArn": record.arn,
        "serviceArn": service.arn,
        "clusterArn": service.cluster_arn,
        "createdAt": record.created_at,
        "targetServiceRevisionArn": revision_arn(region, service, record.target),
        "status": record.status,
    }
    optional = {
        "startedAt": record.started_at,
        "finishedAt": record.finished_at,
        "statusReason": record.status_reason,
    }
    wire.update({key: value for key, value in optional.items() if value is not None})
    return wire


def revision_wire(region: Region, service: Service, deployment: Deployment) -> dict[str, Any]:
    launch = deployment.launch
    wire: dict[str, Any] = {
        "serviceRevisionArn": revision_arn(region, service, deployment),
        "serviceArn": service.arn,
        "clusterArn": service.cluster_arn,
        "taskDefinition": launch.definition.arn,
        **_launch_fields(launch, deployment),
        "loadBalancers": list(launch.load_balancers),
        "serviceRegistries": list(launch.registries),
        "containerImages": [
            {
                "containerName": container["name"],
                "image": container["image"],
                "imageDigest": _digest(container["image"]),
            }
            for container in launch.definition.containers
        ],
        "guardDutyEnabled": False,
        "serviceConnectConfiguration": launch.service_connect or {"enabled": False},
        "createdAt": deployment.revision_created_at,
    }
    if launch.volumes:
        wire["volumeConfigurations"] = launch.volumes
    if launch.lattice:
        wire["vpcLatticeConfigurations"] = launch.lattice
    return wire


def _digest(image: str) -> str:
    """Mock decision: no registry to ask, so an image's digest is a stable hash of its name."""
    return "sha256:" + hashlib.sha256(image.encode()).hexdigest()

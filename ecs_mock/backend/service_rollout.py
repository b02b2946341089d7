"""How a deployment ends: completion and steady state, the circuit breaker and rollbacks,
StopServiceDeployment, throttled retries, and the service deployment status machine (pure state
changes; the scheduler decides when they run)."""

from __future__ import annotations

import math
from typing import Any

from . import service_events
from .service_models import Deployment, Service, ServiceDeployment
from .state import Region

BREAKER_FAILED = "ECS deployment circuit breaker: tasks failed to start."
# Mock decision: ECS's texts for a deployment rolled back by StopServiceDeployment and for one
# failed by an alarm are not published; these follow the circuit breaker's.
STOP_REQUESTED = "ECS deployment stopped: a rollback was requested."
ALARM_FAILED = "ECS deployment alarms triggered."
SUPERSEDED = "Superseded by a newer service deployment."
# Throttling (DG service-throttle-logic: the gap grows up to 27 minutes). Mock decision: the
# first retries after failed starts are immediate (a breaker with the smallest threshold, 3,
# trips at the first poll), then 10 s, 20 s, 40 s, ... up to 27 minutes.
FREE_RETRIES = 3
BACKOFF_BASE = 10.0
BACKOFF_MAX = 27 * 60.0


def threshold(service: Service) -> int:
    """The circuit breaker's failure threshold (API ServiceDeploymentCircuitBreaker:
    min 3, max 200, half the desired count rounded up), or the configured one."""
    breaker = service.deployment_config.get("deploymentCircuitBreaker", {})
    custom: dict[str, Any] = breaker.get("thresholdConfiguration") or {}
    kind = custom.get("type", "BOUNDED_PERCENT")
    value = int(custom.get("value", 50))
    if kind == "COUNT":
        return int(value)
    share: int = math.ceil(value * service.desired_count / 100)
    if kind == "UNBOUNDED_PERCENT":
        # Mock decision: at least one failure, or a service scaled to 0 would trip at once.
        return max(1, share)
    return min(200, max(3, share))


def start_deployment(service: Service, deployment: Deployment, now: float) -> None:
    """The first step of a deployment: its service deployment is now IN_PROGRESS."""
    record = deployment.service_deployment
    if record is not None and record.status == "PENDING":
        record.status = "IN_PROGRESS"
        record.started_at = record.updated_at = now


def supersede(record: ServiceDeployment | None, now: float) -> None:
    """A newer UpdateService replaced this service deployment before it finished [inferred]."""
    if record is None or record.finished:
        return
    record.status = "STOPPED"
    record.status_reason = SUPERSEDED
    record.stopped_at = record.updated_at = now


def absorb_failures(service: Service) -> None:
    """Failed starts since the last step make this step one more of a failing streak."""
    if service.failures_since_step:
        service.streak += 1
        service.failures_since_step = 0


def launch_delay(service: Service) -> float:
    """Seconds the next launch must wait after the previous one (0 while not throttled)."""
    if service.streak <= FREE_RETRIES:
        return 0.0
    doublings = min(service.streak - FREE_RETRIES - 1, 16)  # 10 s x 2^16 is past the cap
    return min(BACKOFF_MAX, BACKOFF_BASE * 2.0**doublings)


def trip(
    region: Region,
    service: Service,
    deployment: Deployment,
    now: float,
    reason: str,
    event_reason: str,
    roll_back: bool,
    cause: str,
) -> None:
    """The PRIMARY deployment failed (breaker, alarm or a requested stop): FAILED, and with
    `roll_back` the last COMPLETED deployment becomes PRIMARY again, with its old id."""
    deployment.rollout_state = "FAILED"
    deployment.rollout_reason = reason
    deployment.updated_at = now
    service_events.emit(
        region, service, service_events.deployment_failed(deployment.id, event_reason), now
    )
    undone = deployment.rolling_back
    if undone is not None:  # the rollback itself failed: nothing further to roll back to
        undone.status = "ROLLBACK_FAILED"
        undone.finished_at = undone.updated_at = now
        deployment.rolling_back = None
        return
    record = deployment.service_deployment
    if record is None:
        return
    if cause == "breaker":
        record.breaker_status = "TRIGGERED"
    elif cause == "alarm":
        record.alarm_status = "TRIGGERED"
    target = rollback_target(service, deployment) if roll_back else None
    if target is None:
        record.status = "STOPPED"
        record.status_reason = reason
        record.stopped_at = record.updated_at = now
        return
    record.status = "ROLLBACK_IN_PROGRESS"
    record.status_reason = reason
    record.updated_at = now
    record.rollback = {
        "reason": reason,
        "startedAt": now,
        "serviceRevisionArn": region.arns.service_revision(
            service.cluster_name, service.name, target.number
        ),
    }
    deployment.status = "ACTIVE"
    if target in service.deployments:
        service.deployments.remove(target)
    target.status = "PRIMARY"
    target.rollout_state = "IN_PROGRESS"
    target.rollout_reason = (
        f"ECS deployment circuit breaker: rolling back to deploymentId {target.id}."
        if cause == "breaker"
        else f"ECS deployment rolling back to deploymentId {target.id}."
    )
    target.failed_tasks = 0
    target.updated_at = now
    # Like a new deployment, the rollback ignores the alarms already in ALARM (documented).
    names = (service.deployment_config.get("alarms") or {}).get("alarmNames", [])
    target.ignored_alarms = frozenset(n for n in names if region.alarm_states.get(n) == "ALARM")
    target.rolling_back = record
    service.deployments.insert(0, target)
    service.launch = target.launch
    service.streak = 0  # a new deployment starts a new streak
    service_events.emit(region, service, service_events.rolling_back(target.id), now)


def rollback_target(service: Service, failed: Deployment) -> Deployment | None:
    """The most recent deployment that completed, other than the one that failed."""
    for deployment in reversed(list(service.history.values())):
        if deployment is not failed and deployment.completed_once:
            return deployment
    return None


def complete(region: Region, service: Service, deployment: Deployment, now: float) -> None:
    deployment.rollout_state = "COMPLETED"
    deployment.rollout_reason = f"ECS deployment {deployment.id} completed."
    deployment.completed_once = True
    deployment.updated_at = now
    service_events.emit(region, service, service_events.deployment_completed(deployment.id), now)
    undone = deployment.rolling_back
    if undone is not None:
        undone.status = "ROLLBACK_SUCCESSFUL"
        undone.finished_at = undone.updated_at = now
        deployment.rolling_back = None
        return
    record = deployment.service_deployment
    if record is not None and not record.finished:
        record.status = "SUCCESSFUL"
        record.finished_at = record.updated_at = now


def steady(region: Region, service: Service, is_steady: bool, now: float) -> float | None:
    """E1 on entering steady state, and every 6 hours while it lasts; returns when the next
    repetition is due (None when not steady)."""
    if not is_steady:
        service.steady_since = None
        return None
    last = service.steady_since
    if last is None or now - last >= service_events.REPEAT_AFTER:
        service_events.emit(region, service, service_events.steady(), now)
        service.steady_since = last = now
    return last + service_events.REPEAT_AFTER

"""Test controls for services: what a deploy tool's tests need beyond the API."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from . import clock
from .backend import container_health, lifecycle, service_scheduler
from .backend.lookup import find_cluster, find_task_definition
from .backend.service_models import FailRule, Service
from .errors import EcsError

if TYPE_CHECKING:
    from .backend.models import Task
    from .backend.state import Region
    from .dispatch import Dispatcher

DEFAULT_FAILURE = (
    "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to "
    "resolve reference: not found"
)


class ServiceControls:
    """Mixed into the mock object (and the server's view) beside the other test controls."""

    @property
    def dispatcher(self) -> Dispatcher:  # provided by the mock
        raise NotImplementedError

    def _backend_region(self, region: str | None = None) -> Region:  # provided by TestControls
        raise NotImplementedError

    def _changing(self, region: str | None = None) -> AbstractContextManager[Region]:
        """Under the lock, settled at the end (provided by TestControls)."""
        raise NotImplementedError

    def _tasks(self, cluster: str | None, reference: str | None) -> list[Task]:
        """The tasks named (provided by TestControls)."""
        raise NotImplementedError

    def set_container_health(
        self,
        task: str,
        container: str | None = None,
        status: str = "UNHEALTHY",
        cluster: str | None = None,
    ) -> None:
        """Make a RUNNING task's container (None: each one with a `healthCheck`) report
        `status` (HEALTHY, UNHEALTHY or UNKNOWN) now; the task's healthStatus follows its
        essential containers'. A standalone task keeps running; a service's UNHEALTHY task is
        replaced, then stopped (stoppedReason "Task failed container health checks"), once the
        service's healthCheckGracePeriodSeconds since it started are over. Refused
        (ValueError): a container without a `healthCheck`, an unknown one, a task not RUNNING."""
        with self._changing() as region:
            now = clock.now()
            lifecycle.tick(region, now)
            (target,) = self._tasks(cluster, task)
            container_health.set_health(region, target, container, status, now)
            lifecycle.tick(region, now)  # the service's step it asks for runs now

    def fail_service_tasks(
        self,
        service: str,
        *,
        cluster: str = "default",
        task_definition: str | None = None,
        reason: str = DEFAULT_FAILURE,
        stop_code: str = "TaskFailedToStart",
        count: int | None = None,
    ) -> None:
        """Make the service's new tasks (of `task_definition` only, when given: a family, a
        `family:revision` or an ARN) fail to start: each stops just before it would reach
        RUNNING, with `stop_code` and `reason`, and counts for the circuit breaker and the
        throttling of retries. `count` limits how many tasks fail (default: all, until
        `clear_service_task_failures`)."""
        if count is not None and count < 1:
            raise ValueError("count must be at least 1")
        if stop_code not in ("TaskFailedToStart", "EssentialContainerExited"):
            raise ValueError("stop_code must be TaskFailedToStart or EssentialContainerExited")
        with self._changing() as region:
            target = self._service(region, cluster, service)
            arn = None
            if task_definition is not None:
                try:
                    arn = find_task_definition(region, task_definition).arn
                except EcsError:
                    raise ValueError(f"no task definition {task_definition!r}") from None
            target.fail_rules.append(FailRule(arn, stop_code, reason, count))
            region.touch(target)

    def clear_service_task_failures(self, service: str, *, cluster: str = "default") -> None:
        """New tasks of the service start normally again."""
        with self._changing() as region:
            target = self._service(region, cluster, service)
            target.fail_rules.clear()
            region.touch(target)

    def advance_scheduler(self, service: str | None = None, *, cluster: str = "default") -> None:
        """Run the scheduler now: one step of `service` (or of every service of `cluster`)
        after the due lifecycle steps, even if its next step is not due yet (a throttled
        retry, `service_step_seconds`). What the step starts moves on as the clock says."""
        with self._changing() as region:
            now = clock.now()
            lifecycle.tick(region, now)
            found = find_cluster(region, cluster)
            targets = (
                [self._service(region, cluster, service)]
                if service is not None
                else list(found.services.values())
            )
            for target in targets:
                service_scheduler.run_step(region, target, now, force=True)
            lifecycle.tick(region, now)

    def service_events(self, service: str, *, cluster: str = "default") -> list[str]:
        """The service's event messages, newest first (as DescribeServices shows them)."""
        with self._changing() as region:  # the due steps it applies are kept
            lifecycle.tick(region, clock.now())
            target = self._service(region, cluster, service)
            return [event["message"] for event in reversed(target.events)]

    def set_alarm_state(self, alarm: str, state: str = "ALARM") -> None:
        """Put a CloudWatch alarm (by name) in ALARM or OK. A deployment in progress whose
        service monitors it (deploymentConfiguration.alarms) then fails, and rolls back when
        `alarms.rollback` is on; alarms already in ALARM when a deployment started are
        ignored by it (documented)."""
        if state not in ("ALARM", "OK"):
            raise ValueError("state must be ALARM or OK")
        with self._changing() as region:
            now = clock.now()
            lifecycle.tick(region, now)
            region.alarm_states[alarm] = state
            region.touch(region)  # the regions row keeps the alarm states
            for cluster in region.clusters.values():
                for target in cluster.services.values():
                    names = (target.deployment_config.get("alarms") or {}).get("alarmNames", [])
                    if alarm in names:
                        service_scheduler.request_step(region, target, now)

    def _service(self, region: Region, cluster: str, name: str) -> Service:
        try:
            found = find_cluster(region, cluster).services.get(name)
        except EcsError:
            found = None
        if found is None:
            raise ValueError(f"no service {name!r} in cluster {cluster!r}")
        return found

"""Setup shortcuts and test controls, mixed into the mock object the fixture yields."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from . import _schema, clock
from .arns import parse_arn
from .assertions import CallAssertions
from .backend import instance_health, instance_hooks, lifecycle, outcomes, provisioning
from .backend.capacity import FARGATE_PROVIDERS
from .backend.lookup import find_cluster, find_task, instance_id_of
from .backend.models import Task
from .backend.state import Region
from .errors import EcsError, shown
from .instance_controls import InstanceControls
from .outcome_controls import OutcomeControls
from .protocol import TARGET_PREFIX
from .service_controls import ServiceControls

if TYPE_CHECKING:
    from .controls import Call, Controls
    from .dispatch import Dispatcher

_DEFAULT_CONTAINER = {
    "name": "app",
    "image": "public.ecr.aws/docker/library/busybox:latest",
    "cpu": 128,
    "memory": 128,
}


class TestControls(InstanceControls, OutcomeControls, ServiceControls, CallAssertions):
    """The setup shortcuts, test controls and call log of a mock: the type of the `ecs_mock`
    fixture's value (an `EcsMock`) and of the local server's `app.view()`.

    Every shortcut goes through the same validation as the API (they are API calls, logged
    with `source="shortcut"`), acting in this object's `account_id` and `region`, except where
    the API has no way in (agent connectivity, ENI slots, forcing lifecycle steps)."""

    __test__ = False  # not a pytest test class
    account_id: str
    region: str

    @property
    def dispatcher(self) -> Dispatcher:  # provided by the mock; internal
        raise NotImplementedError

    def _log(self) -> Controls:
        return self.dispatcher.controls

    # -- calling the API without a client ---------------------------------------------------

    def call(self, operation: str, region: str | None = None, **params: Any) -> dict[str, Any]:
        """Run one ECS operation in this mock's account and region; raise EcsError on error."""
        dispatcher = self.dispatcher
        reply = dispatcher.handle(
            TARGET_PREFIX + operation,
            json.dumps(params),
            region or self.region,
            None,
            source="shortcut",
            account_id=self.account_id,
        )
        body: dict[str, Any] = json.loads(reply.body)
        if reply.status != 200:
            raise EcsError(body["__type"], body["message"], reply.status)
        return body

    @property
    def calls(self) -> list[Call]:
        """The requests received, oldest first, refused ones included, from clients and from
        setup shortcuts (see `Call.source`); the oldest are dropped past the log's byte bound."""
        return self._log().recorded()

    def calls_to(self, operation: str) -> list[Call]:
        return [call for call in self.calls if call.operation == operation]

    def clear_calls(self) -> None:
        """Forget the calls received so far, and their counts (injected errors stay queued)."""
        self._log().clear_calls()

    def inject_error(
        self,
        operation: str,
        code: str = "ServerException",
        message: str | None = None,
        count: int = 1,
    ) -> None:
        """Answer the next `count` attempts of `operation` with this error, before any check
        or state change. botocore retries ServerException and ThrottlingException (5 attempts
        in its default mode, each one counted here): set AWS_MAX_ATTEMPTS=1 (or the client's
        retries config) to see the error at once, or count attempts when you assert."""
        if operation not in _schema.known_operations():
            raise ValueError(f"{operation!r} is not an ECS operation (use e.g. 'DescribeTasks')")
        status = 500 if code == "ServerException" else 400
        text = message or ("Rate exceeded" if code == "ThrottlingException" else f"Injected {code}")
        self.dispatcher.controls.inject(operation, EcsError(code, text, status), count)

    # -- setup shortcuts --------------------------------------------------------------------

    def create_cluster(self, name: str = "default", **params: Any) -> str:
        return str(self.call("CreateCluster", clusterName=name, **params)["cluster"]["clusterArn"])

    def register_task_definition(
        self, family: str = "app", containers: list[dict[str, Any]] | None = None, **params: Any
    ) -> str:
        result = self.call(
            "RegisterTaskDefinition",
            family=family,
            containerDefinitions=containers or [dict(_DEFAULT_CONTAINER)],
            **params,
        )
        return str(result["taskDefinition"]["taskDefinitionArn"])

    def add_subnet(self, subnet_id: str, availability_zone: str, region: str | None = None) -> None:
        """Declare a subnet's zone, so that StartTask can refuse an awsvpc task on an instance
        in another zone (failure LOCATION). Subnets moto's active `mock_aws` knows need no
        declaring; undeclared, unknown subnets are never checked."""
        if not subnet_id or not availability_zone:
            raise ValueError("subnet_id and availability_zone must not be empty")
        with self._changing(region) as state:
            state.subnet_zones[subnet_id] = availability_zone
            state.touch(state)

    # -- steering what the API cannot -------------------------------------------------------

    def _backend_region(self, region: str | None = None) -> Region:
        """The in-memory state of this object's account in `region` (internal: its types
        change between releases; inspect resources through the API instead)."""
        return self.dispatcher.backend.region(self.account_id, region or self.region)

    @contextmanager
    def _changing(self, region: str | None = None) -> Iterator[Region]:
        """A control that changes state directly: under the lock, and settled (kept, and
        written to the server's state file) at the end, like an API call."""
        backend = self.dispatcher.backend
        with backend.lock:
            state = self._backend_region(region)
            try:
                yield state
            except BaseException:
                backend.settle(state, accepted=False)
                raise
            backend.settle(state)

    def set_agent_connected(
        self, instance: str, connected: bool, cluster: str | None = None
    ) -> None:
        """Disconnect (or reconnect) an instance's agent: StartTask then fails with AGENT.

        `instance` is an ARN (its cluster is taken from it) or an id in `cluster` (default
        "default")."""
        with self._changing() as region:
            now = clock.now()
            lifecycle.tick(region, now)  # an instance deregistered long enough ago is gone
            found = self._instance(cluster, instance)
            health = instance_health.status_of(found)
            if found.agent_connected != connected:
                # Mock decision: an agent connection change is a container instance state
                # change: it bumps the instance's version (and sends its event).
                found.version += 1
            found.agent_connected = connected
            instance_health.changed(found, health, now)
            region.touch(found)
            if connected:
                provisioning.instances_changed(region, region.clusters[found.cluster], [found], now)
            instance_hooks.changed(region, region.clusters[found.cluster], now)

    def advance(
        self, state: str = "RUNNING", task: str | None = None, cluster: str | None = None
    ) -> None:
        """Move one task (id or ARN), or every task, through each step up to `state` now.

        A stop state asks the task to stop first (stopCode UserInitiated). A task waiting for
        its capacity provider's room stays waiting (it cannot start without an instance).
        Without `cluster` an id is looked up in every cluster, and no task means every task in
        the region."""
        if state not in lifecycle.REACHABLE:
            raise ValueError(f"state must be one of {', '.join(lifecycle.REACHABLE)}")
        with self._changing() as region:
            now = clock.now()
            lifecycle.tick(region, now)
            for target in self._tasks(cluster, task):
                outcomes.release(region, target)  # forcing steps overrides a hold
                lifecycle.advance(region, target, state, now)

    def set_capacity(self, provider: str = "FARGATE", available: bool = False) -> None:
        """Make a Fargate capacity provider (FARGATE or FARGATE_SPOT; a RunTask with
        launchType FARGATE uses FARGATE) unavailable: each task RunTask would put there fails
        with ECS's "Capacity is unavailable at this time..." and no ARN, until it is available
        again."""
        if provider not in FARGATE_PROVIDERS:
            raise ValueError(f"provider must be one of {', '.join(FARGATE_PROVIDERS)}")
        with self._changing() as region:
            if available:
                region.capacity_unavailable.discard(provider)
            else:
                region.capacity_unavailable.add(provider)
            region.touch(region)

    def interrupt_spot(self, task: str, cluster: str | None = None) -> None:
        """Interrupt a FARGATE_SPOT task now, as the two-minute warning does: while it stops
        its stopCode is TerminationNotice, once STOPPED SpotInterruption; stoppedReason
        "Your Spot Task was interrupted."."""
        with self._changing() as region:
            now = clock.now()
            lifecycle.tick(region, now)
            (target,) = self._tasks(cluster, task)
            if target.capacity_provider_name != "FARGATE_SPOT":
                raise ValueError(f"task {task!r} is not a FARGATE_SPOT task")
            lifecycle.request_stop(
                region,
                target,
                now,
                lifecycle.TERMINATION_NOTICE,
                "Your Spot Task was interrupted.",
            )

    def exit_container(
        self,
        task: str,
        container: str,
        exit_code: int,
        reason: str | None = None,
        cluster: str | None = None,
    ) -> None:
        """Make one container exit now; an essential one stops the task with stopCode
        EssentialContainerExited, a non-essential one leaves it running."""
        if not isinstance(exit_code, int) or isinstance(exit_code, bool):
            raise ValueError(f"exit_code must be an int, got {exit_code!r}")
        with self._changing() as region:
            now = clock.now()
            lifecycle.tick(region, now)
            (target,) = self._tasks(cluster, task)
            if container not in {c.name for c in target.containers}:
                raise ValueError(f"task has no container named {shown(container)!r}")
            lifecycle.exit_container(region, target, container, exit_code, reason, now)

    def _instance(self, cluster: str | None, reference: str) -> Any:
        region = self._backend_region()
        if cluster is None:
            # A long-format ARN names its cluster: container-instance/<cluster>/<id>.
            parsed = parse_arn(reference)
            cluster = (parsed.rest.rpartition("/")[0] if parsed else "") or "default"
        try:
            found = find_cluster(region, cluster)
            instance = found.instances.get(instance_id_of(region, found, reference))
        except EcsError:  # a control's misuse is a ValueError, like every other one here
            instance = None
        if instance is None:
            raise ValueError(
                f"no container instance {shown(reference)!r} in cluster {shown(cluster)!r}"
            )
        return instance

    def _tasks(self, cluster: str | None, reference: str | None) -> list[Task]:
        region = self._backend_region()
        if cluster is None:
            if reference is None:
                return list(region.tasks.values())
            # Both an id and an ARN (task/<cluster>/<id>) end with the id.
            task = region.tasks.get(reference.rpartition("/")[2])
            if task is None or (reference.startswith("arn:") and task.arn != reference):
                raise ValueError(f"no task {shown(reference)!r} in region {region.region!r}")
            return [task]
        found = find_cluster(region, cluster)
        if reference is None:
            return list(found.tasks.values())
        task = find_task(region, found, reference)
        if task is None:
            raise ValueError(f"no task {shown(reference)!r} in cluster {shown(cluster)!r}")
        return [task]

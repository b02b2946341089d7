"""Setup shortcuts for container instances: `add_container_instance` (one line, any shape of
instance: resources, GPUs, ENI slots, zone, ECS Anywhere, a capacity provider's) and
`scale_out` (playing an Auto Scaling group provider scaling out).

Mixed into `TestControls`; each registration is a RegisterContainerInstance call, with what the
API cannot set (ENI slots, an instance's provider) applied under the same lock.
"""

from __future__ import annotations

import json
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from . import clock
from .backend import lifecycle, provisioning
from .backend.container_instances import AGENT_CAPABILITIES
from .backend.lookup import find_cluster
from .backend.models import EXTERNAL_CAPABILITY
from .backend.providers import active_provider
from .errors import EcsError

if TYPE_CHECKING:
    from .backend.state import Region
    from .dispatch import Dispatcher


class InstanceControls:
    """Container-instance setup shortcuts (see the README, *Test controls*)."""

    if TYPE_CHECKING:  # provided by TestControls
        region: str

        @property
        def dispatcher(self) -> Dispatcher: ...
        def call(
            self, operation: str, region: str | None = None, **params: Any
        ) -> dict[str, Any]: ...
        def create_cluster(self, name: str = "default", **params: Any) -> str: ...
        def _backend_region(self, region: str | None = None) -> Region: ...
        def _changing(self, region: str | None = None) -> AbstractContextManager[Region]: ...
        def _instance(self, cluster: str | None, reference: str) -> Any: ...

    def add_container_instance(
        self,
        cluster: str = "default",
        *,
        cpu: int | None = None,
        memory: int | None = None,
        ports: list[int] | None = None,
        udp_ports: list[int] | None = None,
        gpus: int = 0,
        eni_slots: int | None = None,
        instance_type: str = "m5.large",
        availability_zone: str | None = None,
        attributes: list[dict[str, str]] | None = None,
        external: bool = False,
        capacity_provider: str | None = None,
    ) -> str:
        """Register a container instance in one line (the cluster is created if missing);
        returns its ARN. Unset resources follow the instance type, as the agent's would.

        `external=True` registers it as ECS Anywhere does (an `mi-` id and the
        `ecs.capability.external` attribute), for the EXTERNAL launch type.
        `capacity_provider` makes it one of that Auto Scaling group provider's instances (the
        provider must exist); tasks waiting for that provider's capacity are placed on it if
        they fit. Refused (ValueError, or EcsError from the API) before anything is created."""
        for name, value in (("gpus", gpus), ("eni_slots", eni_slots), ("cpu", cpu)):
            if value is not None and not _is_whole(value):
                raise ValueError(f"{name} must be an int >= 0, got {value!r}")
        if memory is not None and not _is_whole(memory):
            raise ValueError(f"memory must be an int >= 0, got {memory!r}")
        for name, listed in (("ports", ports), ("udp_ports", udp_ports)):
            if listed is not None and not (
                isinstance(listed, list) and all(_is_whole(port) for port in listed)
            ):
                raise ValueError(f"{name} must be a list of port numbers, got {listed!r}")
        if capacity_provider is not None and external:
            # "You cannot use capacity providers for tasks that run on external container
            # instances" (developer guide).
            raise ValueError("an ECS Anywhere (external) instance has no capacity provider")
        dispatcher = self.dispatcher
        # One lock around every step: no other call sees the instance before its ENI slots and
        # capacity provider.
        with dispatcher.backend.lock:
            if capacity_provider is not None and not (
                isinstance(capacity_provider, str)
                and active_provider(self._backend_region(), capacity_provider)
            ):
                raise ValueError(
                    f"no Auto Scaling group capacity provider {capacity_provider!r} (create it "
                    "with CreateCapacityProvider first)"
                )
            existing = self._backend_region().clusters.get(cluster)
            created = existing is None or existing.status != "ACTIVE"
            if created:
                self.create_cluster(cluster)
            params = self._registration(cluster, cpu, memory, ports, udp_ports, gpus)
            prefix = "mi-" if external else "i-"
            params["instanceIdentityDocument"] = json.dumps(
                {
                    "instanceId": prefix + self._backend_region().ids.hex(17),
                    "instanceType": instance_type,
                    "availabilityZone": availability_zone or f"{self.region}a",
                    "region": self.region,
                }
            )
            if attributes is not None:
                params["attributes"] = attributes
            if external:
                # An ECS Anywhere agent: the usual capabilities but task ENIs and their
                # trunking (no awsvpc there).
                capabilities = [
                    name
                    for name in AGENT_CAPABILITIES
                    if name not in ("ecs.capability.task-eni", "ecs.capability.task-eni-trunking")
                ]
                params["attributes"] = [
                    *params.get("attributes", []),
                    *({"name": name} for name in (*capabilities, EXTERNAL_CAPABILITY)),
                ]
            try:
                registered = self.call("RegisterContainerInstance", **params)
            except EcsError:
                if created:  # refused: leave no cluster behind either
                    self.call("DeleteCluster", cluster=cluster)
                raise
            arn = str(registered["containerInstance"]["containerInstanceArn"])
            if eni_slots is not None or capacity_provider is not None:
                with self._changing() as region:
                    instance = self._instance(cluster, arn)
                    if eni_slots is not None:
                        instance.resources.eni_slots = eni_slots
                    if capacity_provider is not None:
                        instance.capacity_provider = capacity_provider
                    region.touch(instance)
                    now = clock.now()
                    lifecycle.tick(region, now)
                    provisioning.instances_changed(
                        region, find_cluster(region, cluster), [instance], now
                    )
        return arn

    def scale_out(self, provider: str, count: int = 1, **instance: Any) -> list[str]:
        """Play the provider's Auto Scaling group scaling out: register `count` instances of
        the Auto Scaling group capacity provider `provider` in the cluster it is associated
        with (each as `add_container_instance(cluster, capacity_provider=provider,
        **instance)` would); tasks waiting for its capacity are placed, oldest first, as they
        fit. Returns the new instances' ARNs."""
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise ValueError(f"count must be a whole number >= 1, got {count!r}")
        if "capacity_provider" in instance or "cluster" in instance:
            raise ValueError("scale_out takes the provider's own cluster and name")
        with self.dispatcher.backend.lock:
            found = active_provider(self._backend_region(), provider)
            if found is None:
                raise ValueError(f"no Auto Scaling group capacity provider {provider!r}")
            if found.cluster is None:
                raise ValueError(
                    f"capacity provider {provider!r} is not associated with a cluster "
                    "(PutClusterCapacityProviders)"
                )
            cluster = found.cluster
        return [
            self.add_container_instance(cluster, capacity_provider=provider, **instance)
            for _ in range(count)
        ]

    @staticmethod
    def _registration(
        cluster: str,
        cpu: int | None,
        memory: int | None,
        ports: list[int] | None,
        udp_ports: list[int] | None,
        gpus: int,
    ) -> dict[str, Any]:
        resources: list[dict[str, Any]] = []
        if cpu is not None:
            resources.append({"name": "CPU", "type": "INTEGER", "integerValue": cpu})
        if memory is not None:
            resources.append({"name": "MEMORY", "type": "INTEGER", "integerValue": memory})
        for name, listed in (("PORTS", ports), ("PORTS_UDP", udp_ports)):
            if listed is not None:
                values = [str(port) for port in listed]
                resources.append({"name": name, "type": "STRINGSET", "stringSetValue": values})
        return {
            "cluster": cluster,
            "totalResources": resources,
            "platformDevices": [{"id": f"gpu-{n}", "type": "GPU"} for n in range(gpus)],
        }


def _is_whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0

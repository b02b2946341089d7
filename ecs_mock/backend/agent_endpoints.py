"""The agent's own calls about itself: DiscoverPollEndpoint and UpdateContainerAgent.

ECS documents both as "only used by the Amazon ECS agent". DiscoverPollEndpoint names the
endpoints an agent would connect to (nothing listens there: the mock has no agent
communication service). UpdateContainerAgent walks `agentUpdateStatus` through PENDING,
STAGING, STAGED, UPDATING and UPDATED on the mock clock, then reports the newest agent version.
"""

from __future__ import annotations

from typing import Any

from .. import clock
from ..errors import EcsError, client_error, invalid_parameter, shown
from . import lifecycle
from .container_instances import DEFAULT_VERSION_INFO
from .lookup import cluster_name, find_cluster, instance_id_of
from .models import ContainerInstance
from .state import Region

LATEST_AGENT_VERSION = DEFAULT_VERSION_INFO["agentVersion"]
# Mock decision: each step of an agent update takes this long on the mock clock (ECS documents
# the statuses, not their durations).
AGENT_UPDATE_STEP_SECONDS = 10.0
UPDATE_STEPS = ("STAGING", "STAGED", "UPDATING", "UPDATED")
_IN_PROGRESS = frozenset({"PENDING", "STAGING", "STAGED", "UPDATING"})
_ACTION = "AGENT_UPDATE_"
# The model's documentation of each error, used as its message (Mock decision).
NO_UPDATE = (
    "There's no update available for this Amazon ECS container agent. This might be because the "
    "agent is already running the latest version or because it's so old that there's no update "
    "path to the current version."
)
MISSING_VERSION = (
    "Amazon ECS can't determine the current version of the Amazon ECS container agent on the "
    "container instance and doesn't have enough information to proceed with an update."
)
IN_PROGRESS = (
    "There's already a current Amazon ECS container agent update in progress on the container "
    "instance that's specified."
)


def discover_poll_endpoint(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    """Mock decision: the endpoints follow the host names agents log (ecs-a-N / ecs-t-N of the
    Region); a named cluster or container instance must exist (ClientException, as the model
    has no ClusterNotFoundException for this operation)."""
    if "cluster" in params or "containerInstance" in params:
        cluster = region.clusters.get(cluster_name(region, params.get("cluster")))
        if cluster is None or cluster.status != "ACTIVE":
            raise client_error("Cluster not found.")
        reference = params.get("containerInstance")
        if reference is not None and instance_id_of(region, cluster, reference) not in (
            cluster.instances
        ):
            raise client_error(f"Container instance {shown(reference)} not found.")
    name = region.region
    return {
        "endpoint": f"https://ecs-a-1.{name}.amazonaws.com/",
        "telemetryEndpoint": f"https://ecs-t-1.{name}.amazonaws.com/",
        "serviceConnectEndpoint": f"https://ecs-sc.{name}.api.aws",
    }


def _version(text: str) -> tuple[int, ...] | None:
    parts = text.split(".")
    if not text or not all(part.isascii() and part.isdigit() for part in parts):
        return None
    return tuple(int(part) for part in parts)


def update_container_agent(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    cluster = find_cluster(region, params.get("cluster"))
    instance = cluster.instances.get(instance_id_of(region, cluster, params["containerInstance"]))
    if instance is None or instance.status == "INACTIVE":
        # Mock decision: the message DeregisterContainerInstance gives.
        raise invalid_parameter("The referenced container instance was not found.")
    if instance.agent_update_status in _IN_PROGRESS:
        raise EcsError("UpdateInProgressException", IN_PROGRESS)
    current = _version(instance.agent_version)
    if current is None:
        raise EcsError("MissingVersionException", MISSING_VERSION)
    if current >= (_version(LATEST_AGENT_VERSION) or ()):
        raise EcsError("NoUpdateAvailableException", NO_UPDATE)
    now = clock.now()
    instance.agent_update_status = "PENDING"
    instance.version += 1
    region.touch(instance)
    key = f"{cluster.name}/{instance.instance_id}"
    for number, step in enumerate(UPDATE_STEPS, start=1):
        region.schedule(now + number * AGENT_UPDATE_STEP_SECONDS, key, _ACTION + step)
    return {"containerInstance": instance.to_wire()}


def _instance(region: Region, key: str) -> ContainerInstance | None:
    cluster_key, _, instance_id = key.partition("/")
    cluster = region.clusters.get(cluster_key)
    return cluster.instances.get(instance_id) if cluster is not None else None


def _stepper(step: str) -> lifecycle.ActionHandler:
    def run(region: Region, key: str, due: float) -> None:
        instance = _instance(region, key)
        if instance is None or instance.status == "INACTIVE":
            return
        instance.agent_update_status = step
        instance.version += 1
        if step == "UPDATED":
            instance.version_info["agentVersion"] = LATEST_AGENT_VERSION
        region.touch(instance)

    return run


for _step in UPDATE_STEPS:
    lifecycle.on_action(_ACTION + _step, _stepper(_step))

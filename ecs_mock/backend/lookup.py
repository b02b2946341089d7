"""Resolving what a request names (cluster, task definition, container instance) to state.

Every miss becomes the modeled ECS error, never a KeyError.
"""

from __future__ import annotations

import re

from ..arns import parse_arn
from ..errors import EcsError, client_error, cluster_not_found, invalid_parameter, shown
from .models import Cluster, ContainerInstance, Task, TaskDefinition
from .numbers import parse_digits
from .state import Region

# \Z, not $: `$` would let a trailing newline into a name.
NAME_PATTERN = re.compile(r"[a-zA-Z0-9\-_]{1,255}\Z")
DEFAULT_CLUSTER = "default"
# An IAM role ARN (path and name in IAM's allowed characters).
ROLE_ARN = re.compile(r"arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}\Z", re.ASCII)


def check_role_arn(value: str, field: str) -> str:
    """The new ECS operations name their IAM roles by full ARN only (their documentation)."""
    if not ROLE_ARN.match(value):
        raise invalid_parameter(f"{field} must be the ARN of an IAM role, but was {value}")
    return value


INACTIVE_CLUSTER = "The referenced cluster was inactive."


def cluster_name(region: Region, reference: str | None) -> str:
    """The cluster's short name from a name or an ARN of this account and region."""
    if reference is None:
        return DEFAULT_CLUSTER
    if reference.startswith("arn:"):
        parsed = parse_arn(reference)
        if parsed is None or parsed.kind != "cluster":
            raise invalid_parameter("The ARN provided is invalid.")
        # Mock decision: a cluster ARN of another account, region or partition is not found here.
        if parsed.prefix != region.arns.prefix:
            raise cluster_not_found()
        return parsed.rest
    if not NAME_PATTERN.match(reference):
        raise invalid_parameter(
            f"Cluster must match ^[a-zA-Z0-9\\-_]{{1,255}}$, but was {shown(reference)}"
        )
    return reference


def find_cluster(region: Region, reference: str | None) -> Cluster:
    """The ACTIVE cluster a request names; unknown and deleted ones are ClusterNotFound."""
    cluster = region.clusters.get(cluster_name(region, reference))
    if cluster is None:
        raise cluster_not_found()
    if cluster.status != "ACTIVE":
        # Observed for CreateService and UpdateService on a deleted cluster. Mock decision:
        # every operation that needs an ACTIVE cluster answers a deleted one so.
        raise EcsError("ClusterNotFoundException", INACTIVE_CLUSTER)
    return cluster


def split_task_definition(region: Region, reference: str) -> tuple[str, int | None]:
    """(family, revision or None) from `family`, `family:revision` or an ARN."""
    if not reference.strip():
        raise invalid_parameter("TaskDefinition can not be blank.")
    text = reference
    if reference.startswith("arn:"):
        parsed = parse_arn(reference)
        if parsed is None or parsed.kind != "task-definition":
            raise client_error("TaskDefinition not found.")
        if parsed.prefix != region.arns.prefix:
            raise client_error("TaskDefinition not found.")
        text = parsed.rest
    family, _, revision = text.partition(":")
    if not revision:
        return family, None
    number = parse_digits(revision)
    if number is None:  # not ASCII digits, or beyond any revision ECS can issue
        raise client_error("TaskDefinition not found.")
    return family, number


def find_task_definition(
    region: Region, reference: str, missing: EcsError | None = None
) -> TaskDefinition:
    """A family resolves to its latest ACTIVE revision; a named revision may be INACTIVE."""
    family, revision = split_task_definition(region, reference)
    revisions = region.families.get(family, [])
    if revision is None:
        for candidate in reversed(revisions):
            if candidate.status == "ACTIVE":
                return candidate
    elif 1 <= revision <= len(revisions):
        return revisions[revision - 1]
    raise missing or client_error("TaskDefinition not found.")


def instance_id_of(region: Region, cluster: Cluster, reference: str) -> str:
    """A container instance's id from an id or ARN; an ARN of another cluster is refused."""
    if not reference.strip():
        raise invalid_parameter("Container instance can not be blank.")
    if not reference.startswith("arn:"):
        if "/" in reference or ":" in reference:
            # Mock decision: an id with ARN punctuation is a mangled ARN, refused like one,
            # rather than reported MISSING under an ARN nobody wrote.
            raise invalid_parameter(
                f"Invalid identifier: {shown(reference)} is not a container instance ID or ARN"
            )
        return reference
    parsed = parse_arn(reference)
    if parsed is None or parsed.kind != "container-instance":
        raise invalid_parameter(
            f"Invalid identifier: {shown(reference)} is not a container instance ARN"
        )
    if parsed.prefix != region.arns.prefix:
        raise invalid_parameter(
            "Invalid identifier: Identifier is for account "
            f"{parsed.account_id} in {shown(parsed.region)}. Your account is "
            f"{region.account_id} in {region.region}"
        )
    owner, _, instance_id = parsed.rest.rpartition("/")
    if owner and owner != cluster.name:
        raise invalid_parameter(
            f"Invalid identifier: Identifier is for cluster {shown(owner)}. "
            f"Your cluster is {cluster.name}"
        )
    return instance_id


def find_instance(region: Region, cluster: Cluster, reference: str) -> ContainerInstance | None:
    return cluster.instances.get(instance_id_of(region, cluster, reference))


def task_id_of(region: Region, cluster: Cluster, reference: str) -> str:
    """A task's id from an id or ARN; malformed identifiers get ECS's observed message."""
    if not reference.strip():
        raise invalid_parameter("Task Identifier is invalid")
    if not reference.startswith("arn:"):
        if "/" in reference or ":" in reference:
            raise invalid_parameter("Task Identifier is invalid")
        return reference
    parsed = parse_arn(reference)
    if parsed is None or parsed.kind != "task":
        raise invalid_parameter("Task Identifier is invalid")
    if parsed.prefix != region.arns.prefix:
        raise invalid_parameter("Task Identifier is invalid")
    owner, _, task_id = parsed.rest.rpartition("/")
    if owner and owner != cluster.name:
        raise invalid_parameter(
            f"Invalid identifier: Identifier is for cluster {shown(owner)}. "
            f"Your cluster is {cluster.name}"
        )
    return task_id


def find_task(region: Region, cluster: Cluster, reference: str) -> Task | None:
    return cluster.tasks.get(task_id_of(region, cluster, reference))

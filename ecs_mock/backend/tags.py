"""Tag rules shared by every operation that takes tags, and the tagging operations."""

from __future__ import annotations

from typing import Any

from .. import clock
from ..arns import parse_arn
from ..errors import EcsError, client_error, invalid_parameter, shown
from .arn_format import LONG_ARN_FOR_TAGS
from .capacity import FARGATE_PROVIDERS
from .daemon_lookup import is_live
from .express_models import is_live as is_live_service
from .lookup import NAME_PATTERN, find_cluster
from .models import Tags
from .numbers import parse_digits
from .service_models import TaskSet
from .state import Region

MAX_TAGS = 50


def check_tags(tags: list[dict[str, Any]], allow_empty: bool = True) -> Tags:
    """Length and pattern limits are checked by the request schema; these are the semantic ones."""
    if not tags:  # most requests tag nothing: no checks to make
        if not allow_empty:
            raise client_error("Tags can not be empty.")
        return []
    seen: set[str] = set()
    for tag in tags:
        if "key" not in tag:  # Mock decision: the model does not require it; ECS needs a key.
            raise invalid_parameter("Tag key must not be empty.")
        key = str(tag.get("key", ""))
        if key.lower().startswith("aws:"):
            raise invalid_parameter("Tag key must not start with aws:")
        # Mock decision: ECS documents that keys are unique but not the message for a repeat.
        if key in seen:
            raise invalid_parameter(f"Duplicate tag key: {shown(key)}. Tag keys must be unique.")
        seen.add(key)
    return [{"key": str(t.get("key", "")), "value": str(t.get("value", ""))} for t in tags]


def merge_tags(existing: Tags, new: Tags) -> Tags:
    """Same key overwrites (TagResource)."""
    merged = {tag["key"]: tag["value"] for tag in existing}
    merged.update({tag["key"]: tag["value"] for tag in new})
    return check_tag_count([{"key": key, "value": value} for key, value in merged.items()])


def check_tag_count(tags: Tags) -> Tags:
    """A resource's tags after merging or propagation must stay within the 50."""
    # `aws:` tags do not count towards the 50 (DG ecs-using-tags.md). Mock decision: going over
    # is an InvalidParameterException; ECS's code and text for it are not published.
    if sum(not tag["key"].lower().startswith("aws:") for tag in tags) > MAX_TAGS:
        raise invalid_parameter("Tag limit exceeded. A resource can have at most 50 tags.")
    return tags


def _holder(region: Region, owner: Any) -> Any:
    """What the state file keeps a tagged object in: a task set is kept in its service's row."""
    if not isinstance(owner, TaskSet):
        return owner
    for cluster in region.clusters.values():
        for service in cluster.services.values():
            if any(task_set is owner for task_set in service.task_sets):
                return service
    return owner


def _resource_tags(region: Region, arn: str) -> tuple[Tags, Any, str]:
    """The tag list of the resource an ARN names, its owner object and the attribute holding it
    (for FARGATE and FARGATE_SPOT: no owner, and the provider's name)."""
    parsed = parse_arn(arn)
    # The whole prefix, partition included: an `aws-cn` ARN never names a us-east-1 resource.
    if parsed is None or parsed.prefix != region.arns.prefix:
        raise invalid_parameter("The ARN provided is invalid.")
    missing = EcsError("ResourceNotFoundException", "The specified resource could not be found.")
    if parsed.kind == "cluster":
        cluster = region.clusters.get(parsed.rest)
        if cluster is None:
            raise missing
        if cluster.status != "ACTIVE":
            # Observed for TagResource on a deleted cluster (gruntwork-io/cloud-nuke#145).
            raise invalid_parameter(
                "The specified cluster is inactive. Specify an active cluster and try again."
            )
        return cluster.tags, cluster, "tags"
    if parsed.kind == "capacity-provider":
        if parsed.rest in FARGATE_PROVIDERS:
            return [], None, parsed.rest  # reserved: no owner whose tags could change
        provider = region.capacity_providers.get(parsed.rest)
        if provider is None:
            raise missing
        if provider.status != "ACTIVE":
            # Mock decision: as for a deleted cluster.
            raise invalid_parameter(
                "The specified capacity provider is inactive. Specify an active capacity "
                "provider and try again."
            )
        return provider.tags, provider, "tags"
    if parsed.kind == "task-definition":
        family, _, revision = parsed.rest.partition(":")
        revisions = region.families.get(family, [])
        number = parse_digits(revision)
        if number is None or not 1 <= number <= len(revisions):
            raise missing
        definition = revisions[number - 1]
        return definition.tags, definition, "tags"
    if parsed.kind in _NEWER_KINDS:
        owner = _newer_resource(region, parsed.kind, arn, parsed.rest)
        if owner is not None:
            return owner.tags, owner, "tags"
        if parsed.kind != "service":
            raise missing
    if parsed.kind in ("service", "task-set"):
        return _service_tags(region, parsed.kind, parsed.rest, missing)
    cluster_part, _, object_id = parsed.rest.rpartition("/")
    if parsed.kind in ("container-instance", "task") and not cluster_part and object_id:
        raise invalid_parameter(LONG_ARN_FOR_TAGS)  # the old (short) format: no tags
    # Only long-format ARNs (with the cluster) name a taggable task or instance; a cluster part
    # that could not be a cluster name is a malformed ARN, not a lookup of a strange cluster.
    if parsed.kind in ("container-instance", "task") and NAME_PATTERN.fullmatch(cluster_part):
        cluster = find_cluster(region, cluster_part)
        if parsed.kind == "container-instance":
            instance = cluster.instances.get(object_id)
            if instance is None:
                raise missing
            return instance.tags, instance, "tags"
        task = cluster.tasks.get(object_id)
        if task is None:
            raise missing
        if task.last_status == "STOPPED":
            raise invalid_parameter(
                "The specified task is stopped. Specify a running task and try again."
            )
        return task.tags, task, "tags"
    raise invalid_parameter("The ARN provided is invalid.")


_NEWER_KINDS = ("daemon", "daemon-task-definition", "gateway", "service")


def _newer_resource(region: Region, kind: str, arn: str, rest: str) -> Any:
    """The daemon, daemon task definition, gateway or Express service an ARN names, or None
    (a `service/` ARN that is no Express service may still name a service: _service_tags)."""
    now = clock.now()
    if kind == "daemon":
        daemon = region.daemons.get(arn)
        return daemon if daemon is not None and is_live(region, daemon, now) else None
    if kind == "daemon-task-definition":
        family, _, revision = rest.partition(":")
        revisions = region.daemon_families.get(family, [])
        if revision.isdigit() and 1 <= int(revision) <= len(revisions):
            return revisions[int(revision) - 1]
        return None
    if kind == "gateway":
        return region.gateways.get(rest)
    service = region.express_services.get(arn)
    return service if service is not None and is_live_service(region, service, now) else None


def _reserved(owner: Any, name: str) -> None:
    if owner is None:
        # Mock decision: FARGATE and FARGATE_SPOT exist in every account with no tags, and
        # their tags can't be changed (ListTagsForResource answers none).
        raise invalid_parameter(f"The {name} capacity provider is reserved and can't be tagged.")


def _service_tags(region: Region, kind: str, rest: str, missing: EcsError) -> tuple[Tags, Any, str]:
    """`service/<cluster>/<name>` and `task-set/<cluster>/<service>/ecs-svc/<n>`; tags die
    with the service (an INACTIVE one is not found)."""
    parts = rest.split("/")
    if kind == "service" and len(parts) == 1 and NAME_PATTERN.fullmatch(parts[0]):
        raise invalid_parameter(LONG_ARN_FOR_TAGS)  # the old (short) format: no tags
    if len(parts) != (2 if kind == "service" else 4):
        raise invalid_parameter("The ARN provided is invalid.")
    if not NAME_PATTERN.fullmatch(parts[0]):
        raise invalid_parameter("The ARN provided is invalid.")
    cluster = find_cluster(region, parts[0])
    service = cluster.services.get(parts[1])
    if service is None or service.status == "INACTIVE":
        raise missing
    if kind == "service":
        return service.tags, service, "tags"
    task_set_id = "/".join(parts[2:])
    task_set = next((t for t in service.task_sets if t.id == task_set_id), None)
    if task_set is None:
        raise missing
    return task_set.tags, task_set, "tags"


def tag_resource(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    _, owner, attribute = _resource_tags(region, params["resourceArn"])
    _reserved(owner, attribute)
    new = check_tags(params.get("tags", []))
    setattr(owner, attribute, merge_tags(getattr(owner, attribute), new))
    region.touch(_holder(region, owner))
    return {}


def untag_resource(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    tags, owner, attribute = _resource_tags(region, params["resourceArn"])
    _reserved(owner, attribute)
    drop = set(params.get("tagKeys", []))
    # "You cannot edit or delete tag keys or values with this prefix" (DG ecs-using-tags.md), so
    # the managed aws:ecs:* tags survive. Mock decision: TagResource's message for it.
    if any(key.lower().startswith("aws:") for key in drop):
        raise invalid_parameter("Tag key must not start with aws:")
    setattr(owner, attribute, [tag for tag in tags if tag["key"] not in drop])
    region.touch(_holder(region, owner))
    return {}


def list_tags_for_resource(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    tags, _, _ = _resource_tags(region, params["resourceArn"])
    return {"tags": list(tags)}

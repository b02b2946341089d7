"""PutAttributes, DeleteAttributes and ListAttributes on container instances.

Attributes live on the instance itself (ContainerInstance.attributes), the list that
DescribeContainerInstances shows and StartTask's ATTRIBUTE check reads, so a change here is seen
by both at once. Each change is validated whole before anything is written: a refused request
leaves every instance as it was.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from typing import Any

from .. import clock
from ..arns import parse_arn
from ..errors import EcsError, invalid_parameter, shown
from . import instance_hooks, provisioning
from .container_instances import ECS_OWNED, check_attribute
from .lookup import find_cluster, instance_id_of
from .models import Cluster, ContainerInstance
from .paging import Position, decode_position, paged_entries
from .state import Region

TARGET_TYPE = "container-instance"  # the only target type the model's TargetType enum has
# Both limits are documented (PutAttributes.attributes, AttributeLimitExceededException).
PER_CALL = 10
PER_INSTANCE = 10

Change = tuple[ContainerInstance, dict[str, str]]


def _is_custom(name: str) -> bool:
    return not name.startswith(ECS_OWNED)  # ECS's own attributes are not the caller's


def _target_not_found(reference: str, cluster: Cluster) -> EcsError:
    # Mock decision: ECS documents the error, not its message; this one names the target.
    return EcsError(
        "TargetNotFoundException",
        f"Container instance {shown(reference)} was not found in cluster {cluster.name}.",
    )


def _check_request(attributes: list[dict[str, str]]) -> None:
    """The rules that need no state, so a malformed request is refused before any lookup."""
    if not attributes:
        # Mock decision: an empty list is refused, like StartTask's empty containerInstances.
        raise invalid_parameter("Attributes cannot be empty.")
    if len(attributes) > PER_CALL:
        # The model's list has no maximum; the limit is in its documentation only.
        raise invalid_parameter(f"You can specify up to {PER_CALL} attributes in a single call.")
    for attribute in attributes:
        check_attribute(attribute)
        reference = attribute.get("targetId")
        if not reference:
            # Mock decision: refused, as the documentation names no default target.
            raise invalid_parameter(f"Attribute '{shown(attribute['name'])}' must have a targetId.")
        if not reference.startswith("arn:") and "targetType" not in attribute:
            # Documented (Attribute.targetType): required with the short form of the id.
            raise invalid_parameter(
                f"Attribute '{shown(attribute['name'])}' must have a targetType: its targetId "
                f"{shown(reference)} is not a full ARN."
            )


def _target(region: Region, cluster: Cluster, reference: str) -> ContainerInstance:
    parsed = parse_arn(reference)
    if parsed is not None and parsed.kind == TARGET_TYPE:
        owner = parsed.rest.rpartition("/")[0]
        # Instances are cluster- and Region-specific (TargetNotFoundException's documentation):
        # one of another cluster, account or Region is not a target here, not a malformed id.
        if parsed.prefix != region.arns.prefix or (owner and owner != cluster.name):
            raise _target_not_found(reference, cluster)
    instance = cluster.instances.get(instance_id_of(region, cluster, reference))
    # Mock decision: a deregistered (INACTIVE) instance takes no attributes.
    if instance is None or instance.status == "INACTIVE":
        raise _target_not_found(reference, cluster)
    return instance


def _resolve(region: Region, params: dict[str, Any]) -> list[Change]:
    attributes: list[dict[str, str]] = params["attributes"]
    _check_request(attributes)
    cluster = find_cluster(region, params.get("cluster"))
    return [(_target(region, cluster, a["targetId"]), a) for a in attributes]


def _check_limit(changes: list[Change]) -> None:
    """Refuse a put that would leave an instance with more than 10 custom attributes."""
    added: dict[str, set[str]] = {}
    for instance, attribute in changes:
        added.setdefault(instance.instance_id, set()).add(attribute["name"])
    for instance, _ in changes:
        before = {a["name"] for a in instance.attributes if _is_custom(a["name"])}
        after = before | {n for n in added[instance.instance_id] if _is_custom(n)}
        # An instance registered with more than 10 may still have their values replaced.
        if len(after) > PER_INSTANCE and len(after) > len(before):
            raise EcsError(
                "AttributeLimitExceededException",
                f"You can apply up to {PER_INSTANCE} custom attributes for each resource.",
            )


def _stored(instance: ContainerInstance, name: str) -> dict[str, str] | None:
    return next((a for a in instance.attributes if a["name"] == name), None)


def put_attributes(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    changes = _resolve(region, params)
    _check_limit(changes)
    for instance, attribute in changes:
        new = {k: v for k, v in attribute.items() if k in ("name", "value")}
        existing = _stored(instance, attribute["name"])
        if existing is None:
            instance.attributes.append(new)
        else:
            # The value is replaced, and a put without a value leaves none (documented).
            existing.clear()
            existing.update(new)
        instance.attributes_changed()
        region.touch(instance)
        # Attribute changes are not among the documented container instance state change
        # events, so `version` (which counts those) stays as it is.
    _room_may_have_changed(region, params, changes)
    _changed(region, changes)
    # Mock decision: echoed as sent, targetId included as given (the AWS CLI's documented
    # example shows the request's attributes unchanged).
    return {"attributes": [dict(a) for a in params["attributes"]]}


def delete_attributes(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    deleted = []
    changes = _resolve(region, params)
    for instance, attribute in changes:
        existing = _stored(instance, attribute["name"])
        if existing is None:
            # Mock decision: deleting an attribute the instance lacks is no error; it is left
            # out of the answer, which lists what was "successfully deleted" (documented).
            continue
        instance.attributes.remove(existing)
        instance.attributes_changed()
        region.touch(instance)
        # The AWS CLI's documented example echoes the request with the deleted value filled in.
        echoed = {k: v for k, v in attribute.items() if k != "value"}
        if "value" in existing:
            echoed["value"] = existing["value"]
        deleted.append(echoed)
    _room_may_have_changed(region, params, changes)
    _changed(region, changes if deleted else [])
    return {"attributes": deleted}


def _room_may_have_changed(region: Region, params: dict[str, Any], changes: list[Change]) -> None:
    """Tasks waiting for these instances' capacity providers may satisfy memberOf now."""
    cluster = find_cluster(region, params.get("cluster"))
    instances = {instance.instance_id: instance for instance, _ in changes}
    provisioning.instances_changed(region, cluster, instances.values(), clock.now())


def _changed(region: Region, changes: list[Change]) -> None:
    """memberOf constraints read attributes: services of the clusters concerned look again."""
    clusters = {instance.cluster for instance, _ in changes}
    for name in clusters:
        cluster = region.clusters.get(name)
        if cluster is not None:
            instance_hooks.changed(region, cluster, clock.now())


def list_attributes(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    name, value = params.get("attributeName"), params.get("attributeValue")
    if value is not None and name is None:
        # Documented: attributeValue needs attributeName. Mock decision: the message.
        raise invalid_parameter("attributeValue can only be used together with attributeName.")
    cluster = find_cluster(region, params.get("cluster"))
    # Resolve the token before the walk starts, so a bad one is refused rather than ignored.
    start = decode_position(params.get("nextToken"), 2)
    return paged_entries("attributes", _listed(cluster, start, name, value), params)


def _listed(
    cluster: Cluster, start: Position, name: str | None, value: str | None
) -> Iterator[tuple[Position, dict[str, str]]]:
    """Matching attributes from `start` on: (instance ordinal, attribute index) and the entry."""
    first_instance, first_attribute = start
    instances = islice(cluster.instances.values(), first_instance, None)
    for ordinal, instance in enumerate(instances, first_instance):
        # Mock decision: deregistered instances are left out, as ListContainerInstances does.
        if instance.status == "INACTIVE":
            continue
        attributes = instance.attributes
        # ECS's own attributes are listed too: the documented example filters on ecs.os-type.
        for index in range(first_attribute if ordinal == first_instance else 0, len(attributes)):
            attribute = attributes[index]
            if (name is None or attribute["name"] == name) and (
                value is None or attribute.get("value") == value
            ):
                entry = {**attribute, "targetType": TARGET_TYPE, "targetId": instance.arn}
                yield (ordinal, index), entry

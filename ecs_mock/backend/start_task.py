"""StartTask: the launch pipeline's front end for named instances, one task per instance named.

Order of checks (ECS documents none; observations put cluster before task-level problems):
request shape (schema, in dispatch) -> request rules (instance list, startedBy, group,
propagateTags, tags) -> cluster -> task definition -> request semantics (network, overrides,
volumes) -> instance identifiers -> per-instance placement. Nothing is changed until every
request-level check has passed, so a refused request reserves nothing.
"""

from __future__ import annotations

from typing import Any

from .. import clock
from ..errors import invalid_parameter
from .launch import launch, prepare
from .launch_checks import check_active, check_compatible, check_standalone
from .lookup import find_cluster, find_task_definition, instance_id_of
from .placement import refusal
from .state import Region

MAX_INSTANCES = 10
STARTED_BY_LIMIT = 36  # StartTask's documented limit (RunTask's is 128)


def _check_instances(instances: list[str]) -> None:
    if not instances:
        # Mock decision: exact code unknown; DescribeTasks' sibling rule uses this one.
        raise invalid_parameter("Container Instances cannot be empty.")
    if len(instances) > MAX_INSTANCES:
        raise invalid_parameter(f"instanceIds can have at most {MAX_INSTANCES} items.")
    if any(not str(i).strip() for i in instances):
        raise invalid_parameter("Container instance can not be blank.")


def start_task(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    references = list(params["containerInstances"])
    _check_instances(references)
    check_standalone(params, STARTED_BY_LIMIT)
    cluster = find_cluster(region, params.get("cluster"))
    definition = find_task_definition(region, params["taskDefinition"])
    check_active(definition)
    check_compatible(definition, "EC2")
    spec = prepare(region, cluster, definition, params, "EC2")
    ids = [instance_id_of(region, cluster, ref) for ref in references]

    # Mock decision: StartTask does not evaluate placement constraints (the caller names the
    # instances; ECS documents constraints for RunTask and services).
    zones = spec.zones
    now = clock.now()
    tasks, failures = [], []
    # Mock decision: each entry is one placement attempt, so an instance named twice is asked
    # for two tasks (the second sees the first's reservation), as RunTask --count 2 behaves.
    for reference, instance_id in zip(references, ids, strict=True):
        instance = cluster.instances.get(instance_id)
        if instance is None:
            # An ARN is echoed as given; a bare id becomes this cluster's long ARN for it.
            arn = reference
            if not reference.startswith("arn:"):
                arn = region.arns.container_instance(cluster.name, instance_id)
            failures.append({"arn": arn, "reason": "MISSING"})
            continue
        reason = refusal(instance, spec.required, spec.demand, zones)
        if reason is not None:
            failures.append({"arn": instance.arn, "reason": reason})
            continue
        tasks.append(launch(region, spec, now, instance=instance).to_wire())
    return {"tasks": tasks, "failures": failures}

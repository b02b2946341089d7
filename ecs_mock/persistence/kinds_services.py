"""The service row kind: a service with its deployments, task sets, service deployments, events
and the scheduler's own state (see kinds.py for how a kind is declared).

A service is a small object graph: a deployment is listed by the service, kept in its history,
and named by service deployments (as their target and sources), which deployments name in turn.
The internal column keeps each deployment once (by id) and each service deployment once (by
ARN); everything else refers to them by those keys. A fleet's launch names its task definition
by ARN. The body keeps the service's identity in its API shape.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, deque
from typing import Any

from ..backend import service_config
from ..backend.service_models import (
    MAX_EVENTS,
    Deployment,
    Launch,
    Service,
    ServiceDeployment,
    TaskSet,
)
from ..backend.state import Region
from ..backend.task_counts import TaskCounts
from .codec import field_type, from_json
from .fields import Api, Derived, Fields, Internal, Json, Kind, Loading, ident, require
from .kinds_clusters import find_definition

# How the nested models' fields are kept: Internal() as their own values, Derived() by the
# code below (references by key, counters).
_REFERENCE = Derived("kept by reference (a key), rebuilt from the service's tables")
LAUNCH_FIELDS: Fields = {
    **{f.name: Internal() for f in dataclasses.fields(Launch)},
    "definition": Derived("the task definition row its ARN names"),
}
_FLEET_DERIVED: Fields = {
    "launch": Derived("LAUNCH_FIELDS"),
    "counts": Derived("running, pending and groups"),
}
DEPLOYMENT_FIELDS: Fields = {
    **{f.name: Internal() for f in dataclasses.fields(Deployment)},
    **_FLEET_DERIVED,
    "service_deployment": _REFERENCE,
    "rolling_back": _REFERENCE,
}
TASK_SET_FIELDS: Fields = {
    **{f.name: Internal() for f in dataclasses.fields(TaskSet)},
    **_FLEET_DERIVED,
}
SERVICE_DEPLOYMENT_FIELDS: Fields = {
    **{f.name: Internal() for f in dataclasses.fields(ServiceDeployment)},
    "target": _REFERENCE,
    "sources": _REFERENCE,
}
_GRAPH = ("launch", "deployments", "task_sets", "history", "service_deployments")
SERVICE_FIELDS: Fields = {
    **{f.name: Internal() for f in dataclasses.fields(Service)},
    "name": Api("serviceName"),
    "arn": Api("serviceArn"),
    "cluster_arn": Api("clusterArn"),
    "status": Api("status"),
    "cluster_name": Derived("the row's key"),
    **{
        name: Derived("the internal column's graph (deployments, service deployments)")
        for name in _GRAPH
    },
    "events": Derived("a list, newest last (a deque of at most MAX_EVENTS)"),
    "last_step": Derived("null for never (minus infinity, which JSON lacks)"),
    "last_launch": Derived("null for never (minus infinity, which JSON lacks)"),
}


def _own(fields: Fields, obj: Any) -> Json:
    return {name: getattr(obj, name) for name, spec in fields.items() if isinstance(spec, Internal)}


def _read_own(model: type, fields: Fields, data: Any, where: str) -> Json:
    values = from_json(dict[str, Any], data, where)
    own = [name for name, spec in fields.items() if isinstance(spec, Internal)]
    require(all(name in values for name in own), f"{where}: fields are missing")
    return {
        name: from_json(field_type(model, name), values[name], f"{where}.{name}") for name in own
    }


def _launch_json(launch: Launch) -> Json:
    return {**_own(LAUNCH_FIELDS, launch), "definition": launch.definition.arn}


def _launch(region: Region, data: Any, where: str) -> Launch:
    values = _read_own(Launch, LAUNCH_FIELDS, data, where)
    (key,) = ident(data.get("definition"), "task-definition", region, where)
    definition = find_definition(region, key)
    require(definition is not None, f"{where}: its task definition is missing")
    return Launch(definition=definition, **values)  # type: ignore[arg-type]


def _counts_json(counts: TaskCounts) -> Json:
    return {"running": counts.running, "pending": counts.pending, "groups": dict(counts.groups)}


def _counts(data: Any, where: str) -> TaskCounts:
    values = from_json(dict[str, Any], data, where)
    groups = from_json(dict[str, int], values.get("groups"), f"{where}.groups")
    return TaskCounts(
        running=from_json(int, values.get("running"), f"{where}.running"),
        pending=from_json(int, values.get("pending"), f"{where}.pending"),
        groups=Counter(groups),
    )


def _fleet_json(fields: Fields, fleet: Any) -> Json:
    return {
        **_own(fields, fleet),
        "launch": _launch_json(fleet.launch),
        "counts": _counts_json(fleet.counts),
    }


def _fleet(region: Region, model: type, fields: Fields, data: Any, where: str) -> Any:
    values = _read_own(model, fields, data, where)
    launch = _launch(region, data.get("launch"), f"{where}.launch")
    fleet = model(launch=launch, counts=_counts(data.get("counts"), f"{where}.counts"), **values)
    if fleet.resolved_platform is None:
        # A state file written before fleets were resolved at creation: resolve it now.
        service_config.resolve_platform(fleet)
    return fleet


def _reachable(service: Service) -> tuple[dict[str, Deployment], dict[str, ServiceDeployment]]:
    """Every deployment (by id) and service deployment (by ARN) the service holds or names."""
    deployments: dict[str, Deployment] = {}
    records: dict[str, ServiceDeployment] = {}
    todo: list[Any] = [
        *service.deployments,
        *service.history.values(),
        *service.service_deployments,
    ]
    while todo:
        item = todo.pop()
        if isinstance(item, Deployment):
            known: Any = deployments.get(item.id)
            if known is None:
                deployments[item.id] = item
                todo.extend(r for r in (item.service_deployment, item.rolling_back) if r)
        else:
            known = records.get(item.arn)
            if known is None:
                records[item.arn] = item
                todo.extend([item.target, *(source[0] for source in item.sources)])
        if known is not None and known is not item:
            raise TypeError(f"service {service.arn}: two objects under one key in its graph")
    return deployments, records


def _service_extra(region: Region, service: Service) -> Json:
    deployments, records = _reachable(service)
    return {
        "deployment_table": {
            key: {
                **_fleet_json(DEPLOYMENT_FIELDS, d),
                "service_deployment": d.service_deployment.arn if d.service_deployment else None,
                "rolling_back": d.rolling_back.arn if d.rolling_back else None,
            }
            for key, d in sorted(deployments.items())
        },
        "record_table": {
            arn: {
                **_own(SERVICE_DEPLOYMENT_FIELDS, r),
                "target": r.target.id,
                "sources": [
                    [d.id, requested, running, pending]
                    for d, requested, running, pending in r.sources
                ],
            }
            for arn, r in sorted(records.items())
        },
        "launch": _launch_json(service.launch) if service.launch is not None else None,
        "deployments": [d.id for d in service.deployments],
        "history": {key: d.id for key, d in service.history.items()},
        "service_deployments": [r.arn for r in service.service_deployments],
        "task_sets": [_fleet_json(TASK_SET_FIELDS, t) for t in service.task_sets],
        "events": list(service.events),
        "last_step": None if service.last_step == float("-inf") else service.last_step,
        "last_launch": None if service.last_launch == float("-inf") else service.last_launch,
    }


def _derive_service(region: Region, key: str, body: Json, internal: Json) -> Json:
    where = f"service {key}"
    cluster_name, _, name = key.partition("/")
    parts = ident(body.get("serviceArn"), "service", region, where)
    require(parts == [cluster_name, name], f"{where}: the ARN does not match its key")
    table = from_json(dict[str, dict[str, Any]], internal.get("deployment_table"), where)
    deployments: dict[str, Deployment] = {}
    links: list[tuple[Deployment, str | None, str | None]] = []
    for deployment_id, data in table.items():
        at = f"{where}.deployment_table.{deployment_id}"
        deployment = _fleet(region, Deployment, DEPLOYMENT_FIELDS, data, at)
        require(deployment.id == deployment_id, f"{at}: the id does not match its key")
        deployments[deployment_id] = deployment
        links.append(
            (
                deployment,
                from_json(str | None, data.get("service_deployment"), f"{at}.service_deployment"),
                from_json(str | None, data.get("rolling_back"), f"{at}.rolling_back"),
            )
        )

    def by_id(reference: Any, at: str) -> Deployment:
        found = deployments.get(from_json(str, reference, at))
        require(found is not None, f"{at}: no such deployment {reference!r}")
        assert found is not None
        return found

    records: dict[str, ServiceDeployment] = {}
    record_table = from_json(dict[str, dict[str, Any]], internal.get("record_table"), where)
    for arn, data in record_table.items():
        at = f"{where}.record_table.{arn}"
        values = _read_own(ServiceDeployment, SERVICE_DEPLOYMENT_FIELDS, data, at)
        sources = from_json(list[tuple[str, int, int, int]], data.get("sources"), f"{at}.sources")
        record = ServiceDeployment(
            target=by_id(data.get("target"), f"{at}.target"),
            sources=[(by_id(s[0], f"{at}.sources"), s[1], s[2], s[3]) for s in sources],
            **values,
        )
        require(record.arn == arn, f"{at}: the ARN does not match its key")
        records[arn] = record

    def by_arn(reference: str | None, at: str) -> ServiceDeployment | None:
        if reference is None:
            return None
        require(reference in records, f"{at}: no such service deployment {reference!r}")
        return records[reference]

    for owner, current, rolling_back in links:
        owner.service_deployment = by_arn(current, f"{where}: deployment {owner.id}")
        owner.rolling_back = by_arn(rolling_back, f"{where}: deployment {owner.id}")
    launch = internal.get("launch")
    history = from_json(dict[str, str], internal.get("history"), f"{where}.history")
    events = from_json(list[dict[str, Any]], internal.get("events"), f"{where}.events")
    never = float("-inf")
    last_step = from_json(float | None, internal.get("last_step"), f"{where}.last_step")
    last_launch = from_json(float | None, internal.get("last_launch"), f"{where}.last_launch")
    return {
        "cluster_name": cluster_name,
        "launch": None if launch is None else _launch(region, launch, f"{where}.launch"),
        "deployments": [
            by_id(d, f"{where}.deployments")
            for d in from_json(list[str], internal.get("deployments"), where)
        ],
        "history": {k: by_id(d, f"{where}.history") for k, d in history.items()},
        "service_deployments": [
            _required(by_arn(arn, f"{where}.service_deployments"))
            for arn in from_json(list[str], internal.get("service_deployments"), where)
        ],
        "task_sets": [
            _fleet(region, TaskSet, TASK_SET_FIELDS, data, f"{where}.task_sets[{n}]")
            for n, data in enumerate(from_json(list[Any], internal.get("task_sets"), where))
        ],
        "events": deque(events, maxlen=MAX_EVENTS),
        "last_step": never if last_step is None else last_step,
        "last_launch": never if last_launch is None else last_launch,
    }


def _required(record: ServiceDeployment | None) -> ServiceDeployment:
    assert record is not None
    return record


def _link_service(loading: Loading, service: Service, body: Json, internal: Json) -> None:
    region = loading.region
    cluster = region.clusters.get(service.cluster_name)
    require(cluster is not None, f"service {service.arn}: its cluster is missing")
    assert cluster is not None
    require(cluster.arn == service.cluster_arn, f"service {service.arn}: cluster ARN mismatch")
    require(service.name not in cluster.services, f"service {service.arn}: duplicate")
    cluster.services[service.name] = service


def _find_service(region: Region, key: str) -> Service | None:
    cluster_name, _, name = key.partition("/")
    cluster = region.clusters.get(cluster_name)
    return cluster.services.get(name) if cluster is not None else None


def _service_body(region: Region, service: Service) -> Json:
    return {
        "serviceArn": service.arn,
        "serviceName": service.name,
        "clusterArn": service.cluster_arn,
        "status": service.status,
    }


SERVICES = Kind(
    name="service",
    model=Service,
    fields=SERVICE_FIELDS,
    key=lambda service: f"{service.cluster_name}/{service.name}",
    find=_find_service,
    every=lambda region: (
        (f"{c.name}/{name}", s) for c in region.clusters.values() for name, s in c.services.items()
    ),
    body=_service_body,
    extra=_service_extra,
    derive=_derive_service,
    link=_link_service,
    schema=None,  # the body is the service's identity only; its API shape is built on reads
    nested={
        "launch": LAUNCH_FIELDS,
        "deployments": DEPLOYMENT_FIELDS,
        "task_sets": TASK_SET_FIELDS,
        "service_deployments": SERVICE_DEPLOYMENT_FIELDS,
    },
)

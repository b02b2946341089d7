"""DescribeServices, ListServices, ListServicesByNamespace.

Only services made by CreateService are found here. Mock decision: an Express gateway service
(express.py, its own store) is not shown by these reads; its name is MISSING in DescribeServices.
"""

from __future__ import annotations

from typing import Any

from ..errors import EcsError, invalid_parameter
from .lookup import find_cluster
from .paging import page
from .service_lookup import service_name_of
from .service_models import Service
from .service_wire import service_wire
from .state import Region

DEFAULT_PAGE = 10


def describe_services(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    references = params["services"]
    if not references:
        raise invalid_parameter("Services cannot be empty.")
    if len(references) > 10:
        raise invalid_parameter("service names can have at most 10 items.")
    cluster = find_cluster(region, params.get("cluster"))
    include_tags = "TAGS" in params.get("include", [])
    found, failures = [], []
    for reference in references:
        service = cluster.services.get(service_name_of(region, cluster, reference))
        if service is None:
            # A bare name's ARN is written without the cluster segment (observed).
            arn = (
                reference
                if reference.startswith("arn:")
                else f"{region.arns.prefix}:service/{reference}"
            )
            failures.append({"arn": arn, "reason": "MISSING"})
        else:
            found.append(service_wire(region, service, include_tags))
    return {"services": found, "failures": failures}


def list_services(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    cluster = find_cluster(region, params.get("cluster"))
    launch_type = params.get("launchType")
    scheduling = params.get("schedulingStrategy")
    management = params.get("resourceManagementType")

    def listed(service: Service) -> bool:
        if service.status != "ACTIVE":
            return False
        if scheduling is not None and service.scheduling != scheduling:
            return False
        if management is not None and management != "CUSTOMER":
            return False
        if launch_type is not None:
            launch = service.launch
            # Services on a capacity provider strategy have no launch type to match.
            kind = service.base_launch_type if launch is None else launch.launch_type
            return bool(kind == launch_type)
        return True

    # Mock decision: creation order (ECS does not document one).
    arns = (s.arn for s in cluster.services.values() if listed(s))
    return _paged("serviceArns", arns, params)


def list_services_by_namespace(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    namespace = params["namespace"]
    if not namespace.strip():
        raise invalid_parameter("Namespace can not be blank.")
    referenced = False
    arns = []
    for cluster in region.clusters.values():
        for service in cluster.services.values():
            connect = service.launch.service_connect if service.launch else None
            given = (connect or {}).get("namespace")
            if given is None or not _same_namespace(given, namespace):
                continue
            referenced = True
            if service.status == "ACTIVE":
                arns.append(service.arn)
    if not referenced:
        # Mock decision: no Cloud Map here; a namespace no service names is not found.
        raise EcsError("NamespaceNotFoundException", "Namespace not found.")
    return _paged("serviceArns", arns, params)


def _same_namespace(given: str, asked: str) -> bool:
    """A namespace named by name or ARN: equal, or one is the other's last path segment."""
    return given == asked or given.rpartition("/")[2] == asked or asked.rpartition("/")[2] == given


def _paged(key: str, items: Any, params: dict[str, Any]) -> dict[str, Any]:
    """List* with ECS's default page of 10 for services (MODEL: maxResults 1-100)."""
    size = params.get("maxResults")
    window, token = page(items, params.get("nextToken"), DEFAULT_PAGE if size is None else size)
    result: dict[str, Any] = {key: window}
    if token:
        result["nextToken"] = token
    return result

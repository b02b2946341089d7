"""CreateGateway, UpdateGateway, DeleteGateway, DescribeGateway, ListGateways,
DescribeGatewayResources. (Associations and routes: gateway_clusters.)"""

from __future__ import annotations

import copy
from typing import Any

from .. import clock
from ..errors import invalid_parameter
from .gateway_models import Gateway, find_gateway, live_associations
from .lookup import NAME_PATTERN, check_role_arn
from .paging import page, paged
from .state import Region
from .tags import check_tags

MAX_NAMES = 10  # ListGateways: "You can specify up to 10 names." (model)
# Documented defaults of HostSharedAlbConfiguration and GatewayElbNetworkConfiguration.
_ALB_DEFAULTS: dict[str, Any] = {
    "scheme": "internet-facing",
    "port": 443,
    "protocol": "HTTPS",
    "maxAlbCount": 10,
    "httpDesync": "defensive",
}
# The members UpdateGatewayAlbConfiguration may change (the model's mutable subset).
_MUTABLE = ("maxAlbCount", "webACLArn", "accessLogs", "httpDesync", "testTrafficRules")


def _check_alb(alb: dict[str, Any]) -> None:
    """Rules the model documents but does not enforce."""
    if alb.get("port", 443) != 443 or alb.get("protocol", "HTTPS") != "HTTPS":
        # "The gateway supports only HTTPS at port 443." Mock decision: the enum's HTTP and
        # any other port are refused rather than stored.
        raise invalid_parameter("The gateway supports only HTTPS at port 443.")
    if alb.get("maxAlbCount", 1) < 1:
        raise invalid_parameter("maxAlbCount must be at least 1.")
    header = alb.get("testTrafficRules", {}).get("header")
    if header is not None and not header["values"]:
        raise invalid_parameter("testTrafficRules.header.values can not be empty.")


def create_gateway(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    name = params["name"]
    # "can be up to 255 characters" (model). Mock decision: the characters of other ECS names.
    if not NAME_PATTERN.match(name):
        raise invalid_parameter("Gateway name must match ^[a-zA-Z0-9\\-_]{1,255}$, but was " + name)
    role = check_role_arn(params["infrastructureRoleArn"], "infrastructureRoleArn")
    token = params.get("clientToken")
    existing = region.gateways.get(name)
    if existing is not None:
        # "If this token matches a previous request, the service ignores the request, but does
        # not return an error." (model)
        if token is not None and token == existing.client_token:
            return _answer(existing, existing.status())
        # "The name must be unique within your account" (model); Mock decision: the text.
        raise invalid_parameter(f"A gateway named {name} already exists.")
    alb = copy.deepcopy(params["configuration"]["hostSharedAlb"])
    _check_alb(alb)
    alb = {**_ALB_DEFAULTS, **alb}
    alb["networkConfiguration"] = {
        "ipAddressType": "dualstack",  # documented default
        **alb.get("networkConfiguration", {}),
    }
    tags = check_tags(params.get("tags", []))
    now = clock.now()
    gateway = Gateway(
        name=name,
        arn=region.arns.gateway(name),
        infrastructure_role=role,
        deletion_protection=params.get("deletionProtection", True),  # "The default is true."
        configuration={"hostSharedAlb": alb},
        propagate_tags=params.get("propagateTags", "GATEWAY"),  # "The default is GATEWAY."
        # "The gateway derives this value from its scheme" (model).
        access_type="PUBLIC" if alb["scheme"] == "internet-facing" else "PRIVATE",
        created_at=now,
        updated_at=now,
        client_token=token,
        tags=tags,
    )
    region.gateways[name] = gateway
    region.touch(gateway)
    return _answer(gateway, "ACTIVE")  # "A newly created gateway is always ACTIVE."


def _answer(gateway: Gateway, status: str) -> dict[str, Any]:
    return {"gatewayArn": gateway.arn, "name": gateway.name, "status": status}


def update_gateway(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    gateway = find_gateway(region, params["gateway"])
    role = params.get("infrastructureRoleArn")
    if role is not None:
        check_role_arn(role, "infrastructureRoleArn")
    changes = params.get("configuration", {}).get("hostSharedAlb", {})
    _check_alb(changes)
    alb = copy.deepcopy(gateway.configuration["hostSharedAlb"])
    alb.update({key: copy.deepcopy(changes[key]) for key in _MUTABLE if key in changes})
    security_group = changes.get("networkConfiguration", {}).get("inboundSecurityGroup")
    if security_group is not None:
        alb["networkConfiguration"]["inboundSecurityGroup"] = security_group
    gateway.configuration = {"hostSharedAlb": alb}
    if role is not None:
        gateway.infrastructure_role = role
    if "deletionProtection" in params:
        gateway.deletion_protection = params["deletionProtection"]
    if "propagateTags" in params:  # "If you don't specify a value, ... unchanged."
        gateway.propagate_tags = params["propagateTags"]
    gateway.updated = True
    gateway.updated_at = clock.now()
    region.touch(gateway)
    # "After a successful update request, the status is UPDATE_IN_PROGRESS." (model)
    return _answer(gateway, "UPDATE_IN_PROGRESS")


def delete_gateway(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    gateway = find_gateway(region, params["gateway"])
    # "deletion protection must be disabled and the gateway must not have any cluster
    # associations" (model). Mock decision: both refusals are InvalidParameterException, as
    # ECS refuses DeleteService on a service still scaled up.
    if gateway.deletion_protection:
        raise invalid_parameter(
            f"Gateway {gateway.name} has deletion protection enabled. "
            "Turn it off with UpdateGateway before deleting the gateway."
        )
    clusters = sorted(a.cluster.name for a in live_associations(region) if a.gateway is gateway)
    if clusters:
        raise invalid_parameter(
            f"Gateway {gateway.name} is associated with clusters {', '.join(clusters)}. "
            "Disassociate them before deleting the gateway."
        )
    del region.gateways[gateway.name]
    region.touch(gateway)
    for key in [k for k, a in region.gateway_associations.items() if a.gateway is gateway]:
        region.touch(region.gateway_associations.pop(key))
    return _answer(gateway, "DELETED")  # "After a successful delete, the status is DELETED."


def describe_gateway(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    return {"gateway": find_gateway(region, params["gateway"]).detail()}


def list_gateways(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    names = params.get("names")
    if names is not None and len(names) > MAX_NAMES:
        raise invalid_parameter(f"names can have at most {MAX_NAMES} items.")
    statuses = params.get("status")
    summaries = [
        gateway.summary()
        for gateway in region.gateways.values()  # creation order
        if (not names or gateway.name in names) and (not statuses or gateway.status() in statuses)
    ]
    return paged("gateways", summaries, params)


def describe_gateway_resources(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    gateway = find_gateway(region, params["gateway"])
    # "The maximum value is 20 and the default is 10." (model). No load balancer exists until
    # a service uses the gateway, which ecs_mock's services cannot yet (gateway_models).
    none: list[dict[str, Any]] = []
    resources, token = page(none, params.get("nextToken"), params.get("maxResults"), 20, 10)
    result: dict[str, Any] = {
        "gatewayResources": {"gatewayArn": gateway.arn, "resources": {"hostSharedAlb": resources}}
    }
    if token:
        result["nextToken"] = token
    return result

"""Row kinds for gateways, their cluster associations and Express gateway services (see
kinds.py for how a kind is declared).

Their API shapes are partly read off the clock (an Express service's status) or filled in on
the way out (a gateway's `currentAlbCount`), so each row's body keeps the stable members of its
API shape, and the internal column the rest.
"""

from __future__ import annotations

import json
from typing import Any

from ..backend.express_models import ExpressService
from ..backend.gateway_models import Gateway, GatewayAssociation
from ..backend.state import Region
from .fields import (
    Api,
    Derived,
    Fields,
    Internal,
    Json,
    Kind,
    Loading,
    api_body,
    cluster_live,
    cluster_ref,
    ident,
    no_extra,
    require,
)

# -- gateways -------------------------------------------------------------------------------

GATEWAY_FIELDS: Fields = {
    "name": Api("name"),
    "arn": Api("gatewayArn"),
    "infrastructure_role": Api("infrastructureRoleArn"),
    "deletion_protection": Api("deletionProtection"),
    "configuration": Internal(),  # the API shape adds currentAlbCount to it
    "propagate_tags": Api("propagateTags"),
    "access_type": Api("accessType"),
    "created_at": Api("createdAt"),
    "updated_at": Api("updatedAt"),
    "client_token": Internal(),
    "tags": Api("tags"),
    "updated": Internal(),  # status UPDATE_COMPLETE rather than ACTIVE
}


def _link_gateway(loading: Loading, gateway: Gateway, body: Json, internal: Json) -> None:
    region = loading.region
    require(
        gateway.name not in region.gateways and gateway.arn == region.arns.gateway(gateway.name),
        f"gateway {gateway.arn}: duplicate, or the ARN does not match its name",
    )
    region.gateways[gateway.name] = gateway


GATEWAYS = Kind(
    name="gateway",
    model=Gateway,
    fields=GATEWAY_FIELDS,
    key=lambda gateway: gateway.name,
    find=lambda region, key: region.gateways.get(key),
    every=lambda region: region.gateways.items(),
    body=lambda region, gateway: api_body(GATEWAY_FIELDS, gateway),
    extra=no_extra,
    derive=lambda region, key, body, internal: {},
    link=_link_gateway,
    schema=None,
)

# -- gateway associations -------------------------------------------------------------------

GATEWAY_ASSOCIATION_FIELDS: Fields = {
    "gateway": Derived("the gateway row that gatewayArn names"),
    "cluster": Derived("clusterArn, and internal.cluster_live"),
}


def _association_key(association: GatewayAssociation) -> str:
    return json.dumps([association.gateway.name, association.cluster.name])


def _association_of(key: str) -> tuple[str, str]:
    pair = json.loads(key)
    require(
        isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) for p in pair),
        f"gateway association {key!r}: the key is not [gateway, cluster]",
    )
    return (pair[0], pair[1])


def _derive_association(region: Region, key: str, body: Json, internal: Json) -> Json:
    where = f"gateway association {key}"
    gateway_name, cluster_name = _association_of(key)
    (name,) = ident(body.get("gatewayArn"), "gateway", region, where)
    gateway = region.gateways.get(name)
    # DeleteGateway removes its associations: an association's gateway is always a live one.
    require(gateway is not None and name == gateway_name, f"{where}: its gateway is missing")
    cluster = cluster_ref(region, body.get("clusterArn"), internal.get("cluster_live"), where)
    require(cluster.name == cluster_name, f"{where}: the key and the cluster ARN disagree")
    return {"gateway": gateway, "cluster": cluster}


def _link_association(
    loading: Loading, association: GatewayAssociation, body: Json, internal: Json
) -> None:
    region = loading.region
    pair = (association.gateway.name, association.cluster.name)
    require(pair not in region.gateway_associations, f"gateway association {pair}: duplicate")
    region.gateway_associations[pair] = association


GATEWAY_ASSOCIATIONS = Kind(
    name="gateway-association",
    model=GatewayAssociation,
    fields=GATEWAY_ASSOCIATION_FIELDS,
    key=_association_key,
    find=lambda region, key: region.gateway_associations.get(_association_of(key)),
    every=lambda region: (
        (json.dumps(list(pair)), association)
        for pair, association in region.gateway_associations.items()
    ),
    body=lambda region, association: {
        "gatewayArn": association.gateway.arn,
        "clusterArn": association.cluster.arn,
    },
    extra=lambda region, association: {"cluster_live": cluster_live(region, association.cluster)},
    derive=_derive_association,
    link=_link_association,
    schema=None,
)

# -- Express gateway services ---------------------------------------------------------------

EXPRESS_SERVICE_FIELDS: Fields = {
    "name": Api("serviceName"),
    "arn": Api("serviceArn"),
    "cluster": Derived("the body's cluster (an ARN), and internal.cluster_live"),
    "infrastructure_role": Api("infrastructureRoleArn"),
    "endpoint": Internal(),
    "created_at": Api("createdAt"),
    "updated_at": Api("updatedAt"),
    "deployment_arn": Api("currentDeployment"),
    "tags": Api("tags"),
    "revisions": Internal(),
    "drain_ends_at": Internal(),  # DRAINING, then INACTIVE, are read off the clock from these
    "expires_at": Internal(),
}


def _service_body(region: Region, service: ExpressService) -> Json:
    return {**api_body(EXPRESS_SERVICE_FIELDS, service), "cluster": service.cluster.arn}


def _derive_service(region: Region, key: str, body: Json, internal: Json) -> Json:
    where = f"Express service {key}"
    parts = ident(body.get("serviceArn"), "service", region, where)
    require(
        len(parts) == 2 and body.get("serviceArn") == key and parts[1] == body.get("serviceName"),
        f"{where}: the ARN does not match its key and name",
    )
    cluster = cluster_ref(region, body.get("cluster"), internal.get("cluster_live"), where)
    require(cluster.name == parts[0], f"{where}: the service and cluster ARNs disagree")
    return {"cluster": cluster}


def _link_service(loading: Loading, service: ExpressService, body: Json, internal: Json) -> None:
    region = loading.region
    require(service.arn not in region.express_services, f"Express service {service.arn}: duplicate")
    require(bool(service.revisions), f"Express service {service.arn}: it has no revision")
    region.express_services[service.arn] = service


def _service_extra(region: Region, service: ExpressService) -> Any:
    return {"cluster_live": cluster_live(region, service.cluster)}


EXPRESS_SERVICES = Kind(
    name="express-service",
    model=ExpressService,
    fields=EXPRESS_SERVICE_FIELDS,
    key=lambda service: service.arn,
    find=lambda region, key: region.express_services.get(key),
    every=lambda region: region.express_services.items(),
    body=_service_body,
    extra=_service_extra,
    derive=_derive_service,
    link=_link_service,
    schema=None,
)

"""Gateways, their cluster associations and routes, through boto3."""

from __future__ import annotations

from typing import Any

import pytest

from ecs_mock import EcsMock
from ecs_mock._schema import known_operations
from ecs_mock.errors import EcsError

pytestmark = pytest.mark.skipif(
    "CreateGateway" not in known_operations(),
    reason="this botocore's ECS model has no gateways (a newer release adds them)",
)

PREFIX = "arn:aws:ecs:us-east-1:123456789012"
ROLE = "arn:aws:iam::123456789012:role/ecsInfrastructureRole"


def _create(ecs: Any, name: str = "edge", **params: Any) -> dict[str, Any]:
    created: dict[str, Any] = ecs.create_gateway(
        name=name,
        infrastructureRoleArn=ROLE,
        configuration=params.pop("configuration", {"hostSharedAlb": {}}),
        **params,
    )
    return created


def _error(raised: pytest.ExceptionInfo[Any]) -> tuple[str, str]:
    error = raised.value.response["Error"]
    return error["Code"], error["Message"]


def test_create_is_active_with_the_documented_defaults(ecs: Any) -> None:
    created = _create(ecs, tags=[{"key": "team", "value": "web"}])
    assert created["gatewayArn"] == f"{PREFIX}:gateway/edge"
    assert (created["name"], created["status"]) == ("edge", "ACTIVE")

    gateway = ecs.describe_gateway(gateway="edge")["gateway"]
    assert gateway["gatewayArn"] == created["gatewayArn"]
    assert gateway["status"] == "ACTIVE"
    assert gateway["failures"] == []
    assert gateway["infrastructureRoleArn"] == ROLE
    assert gateway["deletionProtection"] is True
    assert gateway["propagateTags"] == "GATEWAY"
    assert gateway["accessType"] == "PUBLIC"
    assert gateway["tags"] == [{"key": "team", "value": "web"}]
    assert gateway["configuration"] == {
        "hostSharedAlb": {
            "networkConfiguration": {"ipAddressType": "dualstack"},
            "scheme": "internet-facing",
            "port": 443,
            "protocol": "HTTPS",
            "maxAlbCount": 10,
            "currentAlbCount": 0,
            "httpDesync": "defensive",
        }
    }
    assert gateway["createdAt"] == gateway["updatedAt"]


def test_internal_scheme_is_private_and_given_settings_are_kept(ecs: Any) -> None:
    alb = {
        "networkConfiguration": {"subnets": ["subnet-1"], "inboundSecurityGroup": "sg-1"},
        "scheme": "internal",
        "maxAlbCount": 3,
        "testTrafficRules": {"header": {"name": "x-test", "values": ["1"]}},
    }
    _create(ecs, configuration={"hostSharedAlb": alb}, deletionProtection=False)
    gateway = ecs.describe_gateway(gateway=f"{PREFIX}:gateway/edge")["gateway"]
    assert gateway["accessType"] == "PRIVATE"
    assert gateway["deletionProtection"] is False
    described = gateway["configuration"]["hostSharedAlb"]
    assert described["networkConfiguration"] == {
        "ipAddressType": "dualstack",
        "subnets": ["subnet-1"],
        "inboundSecurityGroup": "sg-1",
    }
    assert (described["maxAlbCount"], described["scheme"]) == (3, "internal")
    assert described["testTrafficRules"] == alb["testTrafficRules"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"name": "bad name"}, "Gateway name must match"),
        ({"infrastructureRoleArn": "ecsInfrastructureRole"}, "must be the ARN of an IAM role"),
        ({"configuration": {"hostSharedAlb": {"port": 80}}}, "only HTTPS at port 443"),
        ({"configuration": {"hostSharedAlb": {"protocol": "HTTP"}}}, "only HTTPS at port 443"),
        (
            {"configuration": {"hostSharedAlb": {"maxAlbCount": 0}}},
            "maxAlbCount must be at least 1",
        ),
        ({"tags": [{"key": "AWS:x", "value": "v"}]}, "aws:"),
    ],
    ids=["name", "role", "port", "protocol", "alb-count", "tags"],
)
def test_create_refusals_change_nothing(ecs: Any, params: dict[str, Any], message: str) -> None:
    request = {
        "name": "edge",
        "infrastructureRoleArn": ROLE,
        "configuration": {"hostSharedAlb": {}},
        **params,
    }
    with pytest.raises(ecs.exceptions.InvalidParameterException) as raised:
        ecs.create_gateway(**request)
    assert message in _error(raised)[1]
    assert ecs.list_gateways()["gateways"] == []


def test_an_empty_configuration_is_refused_by_the_model(ecs: Any, ecs_mock: EcsMock) -> None:
    # The configuration is a union: exactly one variant must be set.
    with pytest.raises(EcsError) as raised:
        ecs_mock.call("CreateGateway", name="edge", infrastructureRoleArn=ROLE, configuration={})
    assert raised.value.code == "InvalidParameterException"
    assert "configuration" in raised.value.message
    assert ecs.list_gateways()["gateways"] == []


def test_names_are_unique_unless_the_client_token_repeats(ecs: Any) -> None:
    first = _create(ecs, clientToken="once")
    again = _create(ecs, clientToken="once")
    assert (again["gatewayArn"], again["status"]) == (first["gatewayArn"], "ACTIVE")
    with pytest.raises(ecs.exceptions.InvalidParameterException) as raised:
        _create(ecs)
    assert _error(raised)[1] == "A gateway named edge already exists."
    assert len(ecs.list_gateways()["gateways"]) == 1


def test_update_answers_in_progress_and_changes_only_what_it_names(ecs: Any) -> None:
    _create(ecs)
    answer = ecs.update_gateway(
        gateway="edge",
        deletionProtection=False,
        configuration={
            "hostSharedAlb": {
                "maxAlbCount": 4,
                "networkConfiguration": {"inboundSecurityGroup": "sg-2"},
                "httpDesync": "strictest",
            }
        },
    )
    assert answer["status"] == "UPDATE_IN_PROGRESS"
    gateway = ecs.describe_gateway(gateway="edge")["gateway"]
    # No load balancer exists to be updated, so the update is complete at once.
    assert gateway["status"] == "UPDATE_COMPLETE"
    assert gateway["deletionProtection"] is False
    assert gateway["propagateTags"] == "GATEWAY"
    alb = gateway["configuration"]["hostSharedAlb"]
    assert (alb["maxAlbCount"], alb["httpDesync"], alb["scheme"]) == (
        4,
        "strictest",
        "internet-facing",
    )
    assert alb["networkConfiguration"] == {
        "ipAddressType": "dualstack",
        "inboundSecurityGroup": "sg-2",
    }
    assert gateway["updatedAt"] >= gateway["createdAt"]
    assert [g["status"] for g in ecs.list_gateways(status=["UPDATE_COMPLETE"])["gateways"]] == [
        "UPDATE_COMPLETE"
    ]
    with pytest.raises(ecs.exceptions.InvalidParameterException, match="IAM role"):
        ecs.update_gateway(gateway="edge", infrastructureRoleArn="role")


@pytest.mark.parametrize(
    ("reference", "code"),
    [
        ("nope", "GatewayNotFoundException"),
        (f"{PREFIX}:gateway/nope", "GatewayNotFoundException"),
        ("arn:aws:ecs:eu-west-1:123456789012:gateway/edge", "GatewayNotFoundException"),
        ("bad name", "InvalidParameterException"),
        (f"{PREFIX}:cluster/edge", "InvalidParameterException"),
    ],
    ids=["name", "arn", "other-region", "malformed", "other-kind"],
)
def test_gateway_lookups(ecs: Any, cluster: str, reference: str, code: str) -> None:
    _create(ecs)
    for call in (
        lambda: ecs.describe_gateway(gateway=reference),
        lambda: ecs.update_gateway(gateway=reference, propagateTags="NONE"),
        lambda: ecs.delete_gateway(gateway=reference),
        lambda: ecs.describe_gateway_resources(gateway=reference),
        lambda: ecs.associate_gateway_with_cluster(gateway=reference, cluster=cluster),
        lambda: ecs.disassociate_gateway_from_cluster(gateway=reference, cluster=cluster),
        lambda: ecs.list_gateway_routes(gateway=reference),
    ):
        with pytest.raises(ecs.exceptions.ClientError) as raised:
            call()
        assert _error(raised)[0] == code
    assert ecs.describe_gateway(gateway="edge")["gateway"]["propagateTags"] == "GATEWAY"


def test_delete_needs_protection_off_and_no_associations(ecs: Any, cluster: str) -> None:
    _create(ecs)
    ecs.associate_gateway_with_cluster(gateway="edge", cluster=cluster)
    with pytest.raises(ecs.exceptions.InvalidParameterException, match="deletion protection"):
        ecs.delete_gateway(gateway="edge")
    ecs.update_gateway(gateway="edge", deletionProtection=False)
    with pytest.raises(ecs.exceptions.InvalidParameterException) as raised:
        ecs.delete_gateway(gateway="edge")
    assert "associated with clusters default" in _error(raised)[1]

    answer = ecs.disassociate_gateway_from_cluster(gateway="edge", cluster=cluster)
    assert answer["status"] == "DISASSOCIATING"
    deleted = ecs.delete_gateway(gateway="edge")

    assert (deleted["status"], deleted["gatewayArn"]) == ("DELETED", f"{PREFIX}:gateway/edge")
    with pytest.raises(ecs.exceptions.GatewayNotFoundException):
        ecs.describe_gateway(gateway="edge")
    assert ecs.list_gateways()["gateways"] == []
    _create(ecs)  # the name is free again
    assert ecs.list_gateway_cluster_associations()["gatewayClusterAssociations"] == []


def test_list_filters_by_name_and_status_and_pages(ecs: Any) -> None:
    for name in ("a", "b", "c"):
        _create(ecs, name)
    ecs.update_gateway(gateway="b", propagateTags="NONE")

    def names(**params: Any) -> list[str]:
        return [g["name"] for g in ecs.list_gateways(**params)["gateways"]]

    assert names() == ["a", "b", "c"]
    assert names(names=["c", "a"]) == ["a", "c"]
    assert names(status=["ACTIVE"]) == ["a", "c"]
    paginator = ecs.get_paginator("list_gateways")
    pages = list(paginator.paginate(PaginationConfig={"PageSize": 2}))
    assert [len(p["gateways"]) for p in pages] == [2, 1]
    with pytest.raises(ecs.exceptions.InvalidParameterException, match="at most 10"):
        ecs.list_gateways(names=[str(n) for n in range(11)])


def test_resources_and_routes_are_empty_without_services(ecs: Any, cluster: str) -> None:
    created = _create(ecs)
    resources = ecs.describe_gateway_resources(gateway="edge")
    assert resources["gatewayResources"] == {
        "gatewayArn": created["gatewayArn"],
        "resources": {"hostSharedAlb": []},
    }
    assert "nextToken" not in resources
    with pytest.raises(ecs.exceptions.InvalidParameterException, match="between 1 and 20"):
        ecs.describe_gateway_resources(gateway="edge", maxResults=21)
    ecs.associate_gateway_with_cluster(gateway="edge", cluster=cluster)
    assert ecs.list_gateway_routes(gateway="edge", cluster=cluster)["gatewayRoutes"] == []
    assert ecs.list_gateway_routes(cluster="elsewhere")["gatewayRoutes"] == []
    route = f"{PREFIX}:gateway-route/edge/default/web"
    with pytest.raises(ecs.exceptions.ResourceNotFoundException):
        ecs.describe_gateway_route(gatewayRouteArn=route)
    with pytest.raises(ecs.exceptions.InvalidParameterException):
        ecs.describe_gateway_route(gatewayRouteArn="route")


def test_associations_are_listed_filtered_and_limited(ecs: Any, ecs_mock: EcsMock) -> None:
    for name in ("c1", "c2"):
        ecs_mock.create_cluster(name)
    for gateway in ("g1", "g2", "g3", "g4", "g5", "g6"):
        _create(ecs, gateway)
    for gateway in ("g1", "g2", "g3", "g4", "g5"):
        answer = ecs.associate_gateway_with_cluster(gateway=gateway, cluster="c1")
        assert answer == {
            "gatewayArn": f"{PREFIX}:gateway/{gateway}",
            "clusterArn": f"{PREFIX}:cluster/c1",
            "status": "ACTIVE",
            "ResponseMetadata": answer["ResponseMetadata"],
        }
    ecs.associate_gateway_with_cluster(gateway="g1", cluster="c1")  # again: no change
    with pytest.raises(ecs.exceptions.InvalidParameterException, match="5 gateways"):
        ecs.associate_gateway_with_cluster(gateway="g6", cluster="c1")
    ecs.associate_gateway_with_cluster(gateway="g1", cluster="c2")

    def pairs(**params: Any) -> list[tuple[str, str]]:
        listed = ecs.list_gateway_cluster_associations(**params)["gatewayClusterAssociations"]
        return [(a["gatewayArn"].rsplit("/")[-1], a["clusterArn"].rsplit("/")[-1]) for a in listed]

    assert len(pairs()) == 6
    assert pairs(gateway="g1") == [("g1", "c1"), ("g1", "c2")]
    assert pairs(cluster=f"{PREFIX}:cluster/c2") == [("g1", "c2")]
    assert pairs(status=["DISASSOCIATING"]) == []
    assert pairs(gateway="nope") == []
    assert pairs(gateway="arn:aws:ecs:eu-west-1:123456789012:gateway/g1") == []
    pages = ecs.get_paginator("list_gateway_cluster_associations").paginate(
        PaginationConfig={"PageSize": 4}
    )
    assert [len(p["gatewayClusterAssociations"]) for p in pages] == [4, 2]
    with pytest.raises(ecs.exceptions.ClusterNotFoundException):
        ecs.associate_gateway_with_cluster(gateway="g6", cluster="nope")
    with pytest.raises(ecs.exceptions.ResourceNotFoundException, match="not associated"):
        ecs.disassociate_gateway_from_cluster(gateway="g6", cluster="c2")
    # An association goes with its cluster.
    ecs.delete_cluster(cluster="c2")
    assert pairs(gateway="g1") == [("g1", "c1")]


def test_tags_on_gateways(ecs: Any) -> None:
    arn = _create(ecs)["gatewayArn"]
    ecs.tag_resource(resourceArn=arn, tags=[{"key": "k", "value": "v"}])
    assert ecs.describe_gateway(gateway="edge")["gateway"]["tags"] == [{"key": "k", "value": "v"}]
    ecs.untag_resource(resourceArn=arn, tagKeys=["k"])
    assert ecs.list_tags_for_resource(resourceArn=arn)["tags"] == []

"""A service name is unique in its cluster across CreateService's services and Express gateway
services (two stores in ecs_mock, one name space in ECS)."""

from __future__ import annotations

from typing import Any

import pytest

from ecs_mock import EcsMock
from ecs_mock._schema import known_operations

pytestmark = pytest.mark.skipif(
    "CreateExpressGatewayService" not in known_operations(),
    reason="this botocore's ECS model has no Express gateway services (a newer release adds them)",
)

ROLE = "arn:aws:iam::123456789012:role/ecsInfrastructureRoleForExpressServices"
NOT_IDEMPOTENT = "Creation of service was not idempotent."


def _express(ecs: Any, name: str) -> str:
    arn: str = ecs.create_express_gateway_service(
        serviceName=name,
        infrastructureRoleArn=ROLE,
        executionRoleArn=ROLE,
        primaryContainer={"image": "nginx"},
    )["service"]["serviceArn"]
    return arn


def test_create_service_refuses_an_express_service_name(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.register_task_definition("app")
    arn = _express(ecs, "web")
    with pytest.raises(ecs.exceptions.InvalidParameterException) as raised:
        ecs.create_service(serviceName="web", taskDefinition="app", desiredCount=0)
    assert raised.value.response["Error"]["Message"] == NOT_IDEMPOTENT
    assert ecs.list_services()["serviceArns"] == []
    # The Express service is untouched, and still the one its ARN tags.
    ecs.tag_resource(resourceArn=arn, tags=[{"key": "k", "value": "v"}])
    assert ecs.list_tags_for_resource(resourceArn=arn)["tags"] == [{"key": "k", "value": "v"}]
    # ListTasks knows the name (an Express service's tasks are not started yet).
    assert ecs.list_tasks(serviceName="web")["taskArns"] == []
    with pytest.raises(ecs.exceptions.ServiceNotFoundException):
        ecs.list_tasks(serviceName="nope")
    # Another name, or the same name in another cluster, is free.
    ecs.create_service(serviceName="api", taskDefinition="app", desiredCount=0)
    ecs_mock.create_cluster("other")
    ecs.create_service(cluster="other", serviceName="web", taskDefinition="app", desiredCount=0)


def test_create_express_service_refuses_a_service_name(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.create_cluster("default")
    ecs_mock.register_task_definition("app")
    ecs.create_service(serviceName="web", taskDefinition="app", desiredCount=0)
    with pytest.raises(ecs.exceptions.InvalidParameterException) as raised:
        _express(ecs, "web")
    assert raised.value.response["Error"]["Message"] == NOT_IDEMPOTENT
    assert ecs.describe_services(services=["web"])["services"][0]["status"] == "ACTIVE"
    # Once the service is INACTIVE its name is free for either kind.
    ecs.delete_service(service="web")
    assert ecs.describe_services(services=["web"])["services"][0]["status"] == "INACTIVE"
    arn = _express(ecs, "web")
    assert arn.endswith(":service/default/web")

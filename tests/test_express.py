"""Express gateway services (ECS Express Mode), through boto3."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import boto3
import pytest
from freezegun import freeze_time

from ecs_mock import EcsMock, mock_ecs
from ecs_mock._schema import known_operations
from ecs_mock.server import EcsServer

pytestmark = pytest.mark.skipif(
    "CreateExpressGatewayService" not in known_operations(),
    reason="this botocore's ECS model has no Express gateway services (a newer release adds them)",
)

PREFIX = "arn:aws:ecs:us-east-1:123456789012"
INFRA = "arn:aws:iam::123456789012:role/ecsInfrastructureRoleForExpressServices"
EXECUTION = "arn:aws:iam::123456789012:role/ecsTaskExecutionRole"
START = dt.datetime(2025, 11, 21, 9, 0, tzinfo=dt.UTC)


def _create(ecs: Any, **params: Any) -> dict[str, Any]:
    request = {
        "serviceName": "web",
        "infrastructureRoleArn": INFRA,
        "executionRoleArn": EXECUTION,
        "primaryContainer": {"image": "public.ecr.aws/nginx/nginx:latest"},
        **params,
    }
    service: dict[str, Any] = ecs.create_express_gateway_service(**request)["service"]
    return service


def _error(raised: pytest.ExceptionInfo[Any]) -> tuple[str, str]:
    error = raised.value.response["Error"]
    return error["Code"], error["Message"]


def test_create_makes_the_default_cluster_and_fills_the_documented_defaults(ecs: Any) -> None:
    service = _create(ecs, tags=[{"key": "app", "value": "web"}])

    assert service["serviceArn"] == f"{PREFIX}:service/default/web"
    assert service["cluster"] == f"{PREFIX}:cluster/default"
    assert service["status"] == {"statusCode": "ACTIVE"}
    assert service["infrastructureRoleArn"] == INFRA
    assert service["tags"] == [{"key": "app", "value": "web"}]
    assert "currentDeployment" not in service  # observed: not in the Create answer
    assert ecs.describe_clusters(clusters=["default"])["clusters"][0]["status"] == "ACTIVE"
    [config] = service["activeConfigurations"]
    assert config["serviceRevisionArn"].startswith(f"{PREFIX}:service-revision/default/web/")
    assert (config["cpu"], config["memory"], config["cpuArchitecture"]) == ("256", "512", "X86_64")
    assert config["healthCheckPath"] == "/ping"
    assert config["executionRoleArn"] == EXECUTION
    assert config["primaryContainer"] == {
        "image": "public.ecr.aws/nginx/nginx:latest",
        "containerPort": 80,
        "awsLogsConfiguration": {"logGroup": "/aws/ecs/default/web", "logStreamPrefix": "ecs"},
    }
    assert config["scalingTarget"] == {
        "minTaskCount": 1,
        "maxTaskCount": 20,
        "autoScalingMetric": "AVERAGE_CPU",
        "autoScalingTargetValue": 60,
    }
    assert config["networkConfiguration"] == {"securityGroups": [], "subnets": []}
    [ingress] = config["ingressPaths"]
    assert ingress["accessType"] == "PUBLIC"
    assert ingress["endpoint"].startswith("web-")
    assert ingress["endpoint"].endswith(".ecs.us-east-1.on.aws")


def test_the_managed_task_definition_is_a_real_one(ecs: Any) -> None:
    config = _create(
        ecs,
        cpu="1 vCPU",
        memory="2048",
        cpuArchitecture="ARM64",
        taskRoleArn="arn:aws:iam::123456789012:role/app",
        primaryContainer={
            "image": "app:1",
            "containerPort": 8080,
            "command": ["serve"],
            "environment": [{"name": "MODE", "value": "prod"}],
            "awsLogsConfiguration": {"logGroup": "/app", "logStreamPrefix": "web"},
        },
    )["activeConfigurations"][0]
    described = ecs.describe_task_definition(taskDefinition=config["taskDefinitionArn"])
    body = described["taskDefinition"]
    assert body["family"] == "express-default-web"
    assert (body["cpu"], body["memory"], body["networkMode"]) == ("1024", "2048", "awsvpc")
    assert "FARGATE" in body["compatibilities"]
    assert body["runtimePlatform"] == {"cpuArchitecture": "ARM64", "operatingSystemFamily": "LINUX"}
    assert (body["executionRoleArn"], body["taskRoleArn"]) == (EXECUTION, config["taskRoleArn"])
    [main] = body["containerDefinitions"]
    assert (main["name"], main["image"], main["command"]) == ("Main", "app:1", ["serve"])
    assert main["portMappings"] == [
        {"containerPort": 8080, "protocol": "tcp", "name": "Main-8080-tcp", "hostPort": 8080}
    ]
    assert main["environment"] == [{"name": "MODE", "value": "prod"}]
    assert main["logConfiguration"]["options"] == {
        "awslogs-group": "/app",
        "awslogs-region": "us-east-1",
        "awslogs-stream-prefix": "web",
    }


def test_describe_has_the_deployment_and_tags_on_request(ecs: Any) -> None:
    arn = _create(ecs, tags=[{"key": "k", "value": "v"}])["serviceArn"]
    plain = ecs.describe_express_gateway_service(serviceArn=arn)["service"]
    assert plain["currentDeployment"].startswith(f"{PREFIX}:service-deployment/default/web/")
    assert "tags" not in plain
    tagged = ecs.describe_express_gateway_service(serviceArn=arn, include=["TAGS"])["service"]
    assert tagged["tags"] == [{"key": "k", "value": "v"}]
    ecs.tag_resource(resourceArn=arn, tags=[{"key": "more", "value": "x"}])
    assert len(ecs.list_tags_for_resource(resourceArn=arn)["tags"]) == 2


def test_a_caller_task_definition_is_checked_and_described(ecs: Any, ecs_mock: EcsMock) -> None:
    main = {
        "name": "Main",
        "image": "app:2",
        "memory": 512,
        "portMappings": [{"containerPort": 3000, "name": "http"}],
    }
    ecs_mock.register_task_definition(
        "mine",
        containers=[main],
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="512",
        memory="1024",
        executionRoleArn=EXECUTION,
    )
    service = ecs.create_express_gateway_service(
        serviceName="mine", infrastructureRoleArn=INFRA, taskDefinitionArn="mine:1"
    )["service"]
    config = service["activeConfigurations"][0]
    assert config["taskDefinitionArn"] == f"{PREFIX}:task-definition/mine:1"
    assert config["primaryContainer"] == {"image": "app:2", "containerPort": 3000}
    assert (config["cpu"], config["memory"], config["executionRoleArn"]) == (
        "512",
        "1024",
        EXECUTION,
    )
    assert "cpuArchitecture" not in config  # the task definition names none
    assert (
        ecs.list_task_definitions(familyPrefix="express-default-mine")["taskDefinitionArns"] == []
    )

    with pytest.raises(ecs.exceptions.InvalidParameterException, match="cannot be given with cpu"):
        ecs.create_express_gateway_service(
            serviceName="x", infrastructureRoleArn=INFRA, taskDefinitionArn="mine:1", cpu="256"
        )
    ecs_mock.register_task_definition("bridge", containers=[main])
    with pytest.raises(ecs.exceptions.ClientException, match="launch_type FARGATE"):
        ecs.create_express_gateway_service(
            serviceName="x", infrastructureRoleArn=INFRA, taskDefinitionArn="bridge"
        )
    ecs_mock.register_task_definition("noport", containers=[{**main, "portMappings": []}])
    with pytest.raises(ecs.exceptions.InvalidParameterException, match="container named Main"):
        ecs.create_express_gateway_service(
            serviceName="x", infrastructureRoleArn=INFRA, taskDefinitionArn="noport"
        )
    with pytest.raises(ecs.exceptions.ClientException, match="TaskDefinition not found"):
        ecs.create_express_gateway_service(
            serviceName="x", infrastructureRoleArn=INFRA, taskDefinitionArn="nope:1"
        )


@pytest.mark.parametrize(
    ("params", "code", "message"),
    [
        ({"cluster": "nope"}, "ClusterNotFoundException", "Cluster not found."),
        ({"serviceName": "bad name"}, "InvalidParameterException", "Service name must match"),
        ({"infrastructureRoleArn": "infra"}, "InvalidParameterException", "IAM role"),
        ({"executionRoleArn": "exec"}, "InvalidParameterException", "IAM role"),
        ({"primaryContainer": None}, "InvalidParameterException", "primaryContainer is required"),
        ({"executionRoleArn": None}, "InvalidParameterException", "executionRoleArn is required"),
        ({"healthCheckPath": "health"}, "InvalidParameterException", "must start with '/'"),
        ({"cpu": "lots"}, "InvalidParameterException", "Invalid 'cpu' setting"),
        (
            {"primaryContainer": {"image": "x", "containerPort": 0}},
            "InvalidParameterException",
            "containerPort must be between 1 and 65535",
        ),
        (
            {"scalingTarget": {"minTaskCount": 5, "maxTaskCount": 2}},
            "InvalidParameterException",
            "minTaskCount <= maxTaskCount",
        ),
        (
            {"scalingTarget": {"autoScalingTargetValue": 150}},
            "InvalidParameterException",
            "out of range",
        ),
    ],
    ids=[
        "cluster",
        "name",
        "infrastructure-role",
        "execution-role",
        "no-container",
        "no-execution-role",
        "health-check",
        "cpu",
        "port",
        "task-counts",
        "target-value",
    ],
)
def test_create_refusals_change_nothing(
    ecs: Any, params: dict[str, Any], code: str, message: str
) -> None:
    request = {
        "serviceName": "web",
        "infrastructureRoleArn": INFRA,
        "executionRoleArn": EXECUTION,
        "primaryContainer": {"image": "nginx"},
        **params,
    }
    with pytest.raises(ecs.exceptions.ClientError) as raised:
        ecs.create_express_gateway_service(**{k: v for k, v in request.items() if v is not None})
    assert _error(raised)[0] == code
    assert message in _error(raised)[1]
    assert ecs.list_clusters()["clusterArns"] == []  # not even the default cluster was made
    assert ecs.list_task_definitions()["taskDefinitionArns"] == []


def test_a_name_in_use_is_refused_and_a_named_cluster_must_exist(
    ecs: Any, ecs_mock: EcsMock
) -> None:
    _create(ecs)
    with pytest.raises(ecs.exceptions.InvalidParameterException) as raised:
        _create(ecs)
    assert _error(raised)[1] == "Creation of service was not idempotent."
    ecs_mock.create_cluster("apps")
    other = _create(ecs, cluster="apps")  # the same name in another cluster is another service
    assert other["serviceArn"] == f"{PREFIX}:service/apps/web"


def test_update_makes_a_revision_and_keeps_what_it_does_not_name(ecs: Any) -> None:
    service = _create(
        ecs,
        scalingTarget={"maxTaskCount": 4},
        networkConfiguration={"subnets": ["subnet-1"], "securityGroups": ["sg-1"]},
    )
    arn = service["serviceArn"]
    deployment = ecs.describe_express_gateway_service(serviceArn=arn)["service"][
        "currentDeployment"
    ]

    updated = ecs.update_express_gateway_service(
        serviceArn=arn, primaryContainer={"image": "nginx:2"}, scalingTarget={"minTaskCount": 2}
    )["service"]

    target = updated["targetConfiguration"]
    assert updated["status"] == {"statusCode": "ACTIVE"}
    assert updated["updatedAt"] >= updated["createdAt"]
    assert target["serviceRevisionArn"] != service["activeConfigurations"][0]["serviceRevisionArn"]
    assert target["taskDefinitionArn"] == f"{PREFIX}:task-definition/express-default-web:2"
    assert target["primaryContainer"]["image"] == "nginx:2"
    assert target["executionRoleArn"] == EXECUTION
    assert (target["scalingTarget"]["minTaskCount"], target["scalingTarget"]["maxTaskCount"]) == (
        2,
        4,
    )
    assert target["networkConfiguration"] == {"securityGroups": ["sg-1"], "subnets": ["subnet-1"]}
    assert target["ingressPaths"] == service["activeConfigurations"][0]["ingressPaths"]
    described = ecs.describe_express_gateway_service(serviceArn=arn)["service"]
    assert described["currentDeployment"] != deployment
    assert described["activeConfigurations"] == [target]
    with pytest.raises(ecs.exceptions.InvalidParameterException, match="minTaskCount"):
        ecs.update_express_gateway_service(serviceArn=arn, scalingTarget={"minTaskCount": 9})
    assert ecs.describe_express_gateway_service(serviceArn=arn)["service"][
        "activeConfigurations"
    ] == [target]


def test_delete_drains_then_the_service_is_inactive_then_gone() -> None:
    with freeze_time(START) as frozen, mock_ecs(stopping_seconds=30) as mock:
        ecs = boto3.client("ecs", region_name="us-east-1")
        arn = _create(ecs)["serviceArn"]
        with pytest.raises(ecs.exceptions.ClusterContainsServicesException):
            ecs.delete_cluster(cluster="default")

        deleted = ecs.delete_express_gateway_service(serviceArn=arn)["service"]

        assert deleted["status"] == {"statusCode": "DRAINING"}
        status = ecs.describe_express_gateway_service(serviceArn=arn)["service"]["status"]
        assert status == {"statusCode": "DRAINING"}
        for call in (
            lambda: ecs.delete_express_gateway_service(serviceArn=arn),
            lambda: ecs.update_express_gateway_service(serviceArn=arn, cpu="512"),
        ):
            with pytest.raises(ecs.exceptions.ServiceNotActiveException) as raised:
                call()
            assert _error(raised)[1] == "Service is in DRAINING status"
        frozen.tick(dt.timedelta(seconds=30))
        status = ecs.describe_express_gateway_service(serviceArn=arn)["service"]["status"]
        assert status == {"statusCode": "INACTIVE"}
        with pytest.raises(ecs.exceptions.ServiceNotActiveException) as raised:
            ecs.delete_express_gateway_service(serviceArn=arn)
        assert _error(raised)[1] == "Cannot perform this operation on a service in INACTIVE status"
        _create(ecs, primaryContainer={"image": "nginx:3"})  # an INACTIVE name can be reused
        ecs.delete_express_gateway_service(serviceArn=arn)
        frozen.tick(dt.timedelta(seconds=30 + 3600))
        with pytest.raises(ecs.exceptions.ResourceNotFoundException):
            ecs.describe_express_gateway_service(serviceArn=arn)
        with pytest.raises(ecs.exceptions.ServiceNotFoundException):
            ecs.update_express_gateway_service(serviceArn=arn, cpu="512")
        ecs.delete_cluster(cluster="default")
        assert ecs.list_clusters()["clusterArns"] == []
        # A deleted cluster is kept INACTIVE for a week (README, Clusters).
        assert [c.status for c in mock._backend_region().clusters.values()] == ["INACTIVE"]


@pytest.mark.parametrize(
    ("arn", "describe", "change"),
    [
        ("web", "InvalidParameterException", "InvalidParameterException"),
        (f"{PREFIX}:service/web", "InvalidParameterException", "InvalidParameterException"),
        (f"{PREFIX}:service/default/nope", "ResourceNotFoundException", "ServiceNotFoundException"),
        (f"{PREFIX}:service/nope/web", "ClusterNotFoundException", "ClusterNotFoundException"),
        (
            "arn:aws:ecs:us-east-1:210987654321:service/default/web",
            "ResourceNotFoundException",
            "ServiceNotFoundException",
        ),
    ],
    ids=["name", "short-arn", "unknown", "unknown-cluster", "other-account"],
)
def test_service_lookups(ecs: Any, arn: str, describe: str, change: str) -> None:
    _create(ecs)
    with pytest.raises(ecs.exceptions.ClientError) as raised:
        ecs.describe_express_gateway_service(serviceArn=arn)
    assert _error(raised)[0] == describe
    for call in (
        lambda: ecs.update_express_gateway_service(serviceArn=arn, cpu="512"),
        lambda: ecs.delete_express_gateway_service(serviceArn=arn),
    ):
        with pytest.raises(ecs.exceptions.ClientError) as raised:
            call()
        assert _error(raised)[0] == change


def test_generated_names_are_unique(ecs: Any) -> None:
    request = {
        "infrastructureRoleArn": INFRA,
        "executionRoleArn": EXECUTION,
        "primaryContainer": {"image": "nginx"},
    }
    names = {ecs.create_express_gateway_service(**request)["service"]["serviceName"] for _ in "ab"}
    assert len(names) == 2
    assert all(name.startswith("express-service-") for name in names)


def test_a_state_file_keeps_daemons_gateways_and_express_services(tmp_path: Path) -> None:
    state = tmp_path / "state"
    provider = f"{PREFIX}:capacity-provider/managed"
    with EcsServer(port=0, state_file=state) as server:
        ecs = boto3.client(
            "ecs",
            endpoint_url=server.url,
            region_name="us-east-1",
            aws_access_key_id="x",
            aws_secret_access_key="x",
        )
        ecs.create_cluster(clusterName="apps")
        ecs.register_daemon_task_definition(family="agent", containerDefinitions=[{"image": "a"}])
        daemon = ecs.create_daemon(
            daemonName="agent",
            clusterArn="apps",
            daemonTaskDefinitionArn="agent:1",
            capacityProviderArns=[provider],
        )["daemonArn"]
        ecs.create_gateway(
            name="edge", infrastructureRoleArn=INFRA, configuration={"hostSharedAlb": {}}
        )
        ecs.associate_gateway_with_cluster(gateway="edge", cluster="apps")
        service = _create(ecs, cluster="apps")["serviceArn"]
    with EcsServer(port=0, state_file=state) as server:
        assert server.app.loaded_from_file
        ecs = boto3.client(
            "ecs",
            endpoint_url=server.url,
            region_name="us-east-1",
            aws_access_key_id="x",
            aws_secret_access_key="x",
        )
        assert ecs.describe_daemon(daemonArn=daemon)["daemon"]["status"] == "ACTIVE"
        associations = ecs.list_gateway_cluster_associations(gateway="edge")
        assert len(associations["gatewayClusterAssociations"]) == 1
        described = ecs.describe_express_gateway_service(serviceArn=service)["service"]
        assert described["status"] == {"statusCode": "ACTIVE"}
        # The objects still share their cluster: the cluster cannot go while the service is up.
        with pytest.raises(ecs.exceptions.ClusterContainsServicesException):
            ecs.delete_cluster(cluster="apps")


def test_a_deleted_cluster_is_refused_and_a_deleted_default_cluster_made_again(ecs: Any) -> None:
    ecs.create_cluster(clusterName="apps")
    ecs.delete_cluster(cluster="apps")
    with pytest.raises(ecs.exceptions.ClusterNotFoundException) as raised:
        _create(ecs, cluster="apps")
    assert _error(raised)[1] == "The referenced cluster was inactive."
    ecs.create_cluster(clusterName="default")
    ecs.delete_cluster(cluster="default")
    service = _create(ecs)
    (cluster,) = ecs.describe_clusters(clusters=["default"])["clusters"]
    assert cluster["status"] == "ACTIVE"
    assert service["cluster"] == cluster["clusterArn"]
    assert ecs.list_clusters()["clusterArns"] == [cluster["clusterArn"]]

"""CreateService / DescribeServices / ListServices / UpdateService / DeleteService through boto3:
the service object, its defaults, validation (ecs-services.md §1.2), idempotency, lists."""

from __future__ import annotations

import re
from typing import Any

import pytest
from botocore.exceptions import ClientError
from freezegun import freeze_time

from ecs_mock import EcsMock
from ecs_mock._schema import shape_members

PREFIX = "arn:aws:ecs:us-east-1:123456789012"
FARGATE_APP = {"name": "app", "image": "busybox", "essential": True}


def _error(raised: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    error = raised.value.response["Error"]
    return error["Code"], error["Message"]


@pytest.fixture
def setup(ecs_mock: EcsMock) -> EcsMock:
    ecs_mock.register_task_definition("app")
    ecs_mock.add_container_instance("default", availability_zone="us-east-1a")
    ecs_mock.add_container_instance("default", availability_zone="us-east-1b")
    return ecs_mock


def test_create_answers_before_the_first_step_with_the_defaults(setup: EcsMock, ecs: Any) -> None:
    service = ecs.create_service(serviceName="web", taskDefinition="app", desiredCount=2)["service"]
    assert service["serviceArn"] == f"{PREFIX}:service/default/web"
    assert service["clusterArn"] == f"{PREFIX}:cluster/default"
    assert (service["status"], service["desiredCount"]) == ("ACTIVE", 2)
    assert (service["runningCount"], service["pendingCount"]) == (0, 0)
    assert service["taskDefinition"] == f"{PREFIX}:task-definition/app:1"
    assert service["launchType"] == "EC2"
    assert service["deploymentConfiguration"] == {
        "deploymentCircuitBreaker": {"enable": False, "rollback": False},
        "maximumPercent": 200,
        "minimumHealthyPercent": 100,
    }
    assert service["deploymentController"] == {"type": "ECS"}
    assert service["schedulingStrategy"] == "REPLICA"
    assert (service["propagateTags"], service["enableECSManagedTags"]) == ("NONE", False)
    assert (service["enableExecuteCommand"], service["healthCheckGracePeriodSeconds"]) == (False, 0)
    for key in ("placementConstraints", "placementStrategy", "loadBalancers", "events"):
        assert service[key] == []
    assert service["serviceRegistries"] == []
    assert service["roleArn"] == (
        "arn:aws:iam::123456789012:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS"
    )
    assert service["createdBy"] == "arn:aws:iam::123456789012:root"
    assert "tags" not in service
    (primary,) = service["deployments"]
    assert re.fullmatch(r"ecs-svc/\d{19}", primary["id"])
    assert (primary["status"], primary["desiredCount"], primary["failedTasks"]) == ("PRIMARY", 0, 0)
    assert primary["rolloutState"] == "IN_PROGRESS"
    assert primary["rolloutStateReason"] == f"ECS deployment {primary['id']} in progress."
    assert primary["launchType"] == "EC2"


def test_the_next_call_sees_the_service_steady(setup: EcsMock, ecs: Any) -> None:
    created = ecs.create_service(serviceName="web", taskDefinition="app", desiredCount=2)
    deployment_id = created["service"]["deployments"][0]["id"]
    service = ecs.describe_services(services=["web"])["services"][0]
    assert (service["runningCount"], service["pendingCount"]) == (2, 0)
    (primary,) = service["deployments"]
    assert (primary["desiredCount"], primary["runningCount"]) == (2, 2)
    assert primary["rolloutState"] == "COMPLETED"
    assert primary["rolloutStateReason"] == f"ECS deployment {deployment_id} completed."
    messages = [event["message"] for event in service["events"]]
    tasks = ecs.list_tasks(serviceName="web")["taskArns"]
    ids = " ".join(f"(task {arn.rsplit('/', 1)[1]})" for arn in tasks)
    assert messages == [
        "(service web) has reached a steady state.",
        f"(service web) (deployment {deployment_id}) deployment completed.",
        f"(service web) has started 2 tasks: {ids}.",
    ]
    assert all(re.fullmatch(r"[0-9a-f-]{36}", event["id"]) for event in service["events"])
    described = ecs.describe_tasks(tasks=tasks)["tasks"]
    assert {(t["startedBy"], t["group"], t["lastStatus"]) for t in described} == {
        (deployment_id, "service:web", "RUNNING")
    }
    # Default placement spreads over zones.
    assert sorted(t["availabilityZone"] for t in described) == ["us-east-1a", "us-east-1b"]
    ecs.get_waiter("services_stable").wait(services=["web"], WaiterConfig={"MaxAttempts": 1})


def test_tags_echoed_on_create_and_with_include(setup: EcsMock, ecs: Any) -> None:
    tags = [{"key": "team", "value": "web"}]
    created = ecs.create_service(serviceName="web", taskDefinition="app", desiredCount=0, tags=tags)
    assert created["service"]["tags"] == tags
    arn = created["service"]["serviceArn"]
    assert "tags" not in ecs.describe_services(services=["web"])["services"][0]
    assert ecs.describe_services(services=["web"], include=["TAGS"])["services"][0]["tags"] == tags
    ecs.tag_resource(resourceArn=arn, tags=[{"key": "env", "value": "prod"}])
    ecs.untag_resource(resourceArn=arn, tagKeys=["team"])
    assert ecs.list_tags_for_resource(resourceArn=arn)["tags"] == [{"key": "env", "value": "prod"}]


@pytest.mark.parametrize(
    ("params", "code", "message"),
    [
        ({"serviceName": "bad name"}, "InvalidParameterException", "Service name must match"),
        ({"desiredCount": None}, "InvalidParameterException", "DesiredCount is missing"),
        ({"desiredCount": -1}, "InvalidParameterException", "desiredCount must be 0 or greater."),
        ({"desiredCount": 5001}, "InvalidParameterException", "is above the 5000 tasks"),
        ({"taskDefinition": " "}, "InvalidParameterException", "TaskDefinition can not be blank."),
        ({"taskDefinition": "nope"}, "ClientException", "TaskDefinition not found."),
        ({"clientToken": "x" * 37}, "InvalidParameterException", "clientToken longer than 36."),
        (
            {"launchType": "EC2", "capacityProviderStrategy": [{"capacityProvider": "FARGATE"}]},
            "InvalidParameterException",
            "Specifying both a launch type and capacity provider strategy is not supported. "
            "Remove one and try again.",
        ),
        (
            {"healthCheckGracePeriodSeconds": 30},
            "InvalidParameterException",
            "Health check grace period is only valid for services configured to use load balancers",
        ),
        (
            {"tags": [{"key": "aws:x", "value": "y"}]},
            "InvalidParameterException",
            "Tag key must not start with aws:",
        ),
        (
            {"deploymentConfiguration": {"minimumHealthyPercent": -5}},
            "InvalidParameterException",
            "minimumHealthyPercent must be 0 or greater.",
        ),
        (
            {"deploymentConfiguration": {"minimumHealthyPercent": 150}},
            "InvalidParameterException",
            "minimumHealthyPercent must be 100 or less.",
        ),
        pytest.param(
            {"deploymentConfiguration": {"strategy": "BLUE_GREEN"}},
            "InvalidParameterException",
            "ecs_mock models ROLLING deployments only",
            marks=pytest.mark.skipif(
                "strategy" not in shape_members("DeploymentConfiguration"),
                reason="this botocore's ECS model has no deployment strategy",
            ),
        ),
        (
            {"placementStrategy": [{"type": "binpack", "field": "disk"}]},
            "InvalidParameterException",
            "Invalid field 'disk' for placement strategy binpack",
        ),
        (
            {"networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-1"]}}},
            "InvalidParameterException",
            "Network Configuration is not valid for the given networkMode of this task definition.",
        ),
        (
            {"platformVersion": "1.4.0"},
            "InvalidParameterException",
            "platform version must be null",
        ),
        (
            {"serviceRegistries": [{"registryArn": "arn:a"}, {"registryArn": "arn:b"}]},
            "InvalidParameterException",
            "serviceRegistries can have at most 1 item.",
        ),
        ({"cluster": "nope"}, "ClusterNotFoundException", "Cluster not found."),
    ],
)
def test_create_refusals_change_nothing(
    setup: EcsMock, ecs: Any, params: dict[str, Any], code: str, message: str
) -> None:
    request: dict[str, Any] = {"serviceName": "web", "taskDefinition": "app", "desiredCount": 1}
    request.update(params)
    request = {key: value for key, value in request.items() if value is not None}
    with pytest.raises(ClientError) as raised:
        ecs.create_service(**request)
    got_code, got_message = _error(raised)
    assert got_code == code
    assert got_message.startswith(message) or message in got_message
    assert ecs.list_services()["serviceArns"] == []
    assert ecs.list_tasks()["taskArns"] == []


def test_idempotency_with_client_token(setup: EcsMock, ecs: Any) -> None:
    request = {"serviceName": "web", "taskDefinition": "app", "desiredCount": 1}
    first = ecs.create_service(clientToken="token-1", **request)["service"]
    again = ecs.create_service(clientToken="token-1", **request)["service"]
    assert again["serviceArn"] == first["serviceArn"]
    assert again["deployments"][0]["id"] == first["deployments"][0]["id"]
    assert again["runningCount"] == 1  # the service as it is now
    for changed in (
        {"clientToken": "token-1", **request, "desiredCount": 2},
        {"clientToken": "token-2", **request},
        request,
    ):
        with pytest.raises(ecs.exceptions.InvalidParameterException) as raised:
            ecs.create_service(**changed)
        assert _error(raised)[1] == "Creation of service was not idempotent."
    assert len(ecs.list_tasks(serviceName="web")["taskArns"]) == 1


@pytest.mark.ecs_mock(service_step_seconds=5)
def test_draining_then_inactive_then_recreated(setup: EcsMock, ecs: Any) -> None:
    with freeze_time("2025-03-01T00:00:00Z") as frozen:
        first = ecs.create_service(serviceName="web", taskDefinition="app", desiredCount=1)
        frozen.tick(5)
        assert ecs.describe_services(services=["web"])["services"][0]["runningCount"] == 1
        with pytest.raises(ecs.exceptions.InvalidParameterException) as raised:
            ecs.delete_service(service="web")
        assert _error(raised)[1] == "The service cannot be stopped while it is scaled above 0."
        deleted = ecs.delete_service(service="web", force=True)["service"]
        assert (deleted["status"], deleted["desiredCount"]) == ("DRAINING", 0)
        # The scheduler's next step is due 5 s after its last one: DRAINING until then.
        assert ecs.list_services()["serviceArns"] == []
        with pytest.raises(ecs.exceptions.InvalidParameterException) as raised:
            ecs.create_service(serviceName="web", taskDefinition="app", desiredCount=1)
        assert _error(raised)[1] == "Unable to Start a service that is still Draining."
        # One step stops the task, the next (5 s on) sees it stopping: INACTIVE.
        frozen.tick(10)
        ecs.get_waiter("services_inactive").wait(services=["web"], WaiterConfig={"MaxAttempts": 1})
        service = ecs.describe_services(services=["web"])["services"][0]
        assert (service["status"], service["runningCount"]) == ("INACTIVE", 0)
        assert ecs.list_services()["serviceArns"] == []
        task = ecs.describe_tasks(tasks=ecs.list_tasks(desiredStatus="STOPPED")["taskArns"])[
            "tasks"
        ][0]
        assert task["stopCode"] == "ServiceSchedulerInitiated"
        old_id = first["service"]["deployments"][0]["id"]
        assert task["stoppedReason"] == f"Scaling activity initiated by (deployment {old_id})"
        assert ecs.delete_service(service="web")["service"]["status"] == "INACTIVE"  # 200 again
        second = ecs.create_service(serviceName="web", taskDefinition="app", desiredCount=1)[
            "service"
        ]
        assert second["serviceArn"] == first["service"]["serviceArn"]
        assert second["deployments"][0]["id"] != old_id


def test_inactive_services_become_missing_after_an_hour(setup: EcsMock, ecs: Any) -> None:
    with freeze_time("2025-03-01T00:00:00Z") as frozen:
        ecs.create_service(serviceName="web", taskDefinition="app", desiredCount=0)
        ecs.delete_service(service="web")
        assert ecs.describe_services(services=["web"])["services"][0]["status"] == "INACTIVE"
        frozen.tick(3599)
        assert ecs.describe_services(services=["web"])["services"][0]["status"] == "INACTIVE"
        frozen.tick(1)
        answer = ecs.describe_services(services=["web"])
    assert answer["services"] == []
    assert answer["failures"] == [{"arn": f"{PREFIX}:service/web", "reason": "MISSING"}]


def test_delete_unknown_and_update_refusals(setup: EcsMock, ecs: Any) -> None:
    with pytest.raises(ecs.exceptions.ServiceNotFoundException) as raised:
        ecs.delete_service(service="nope")
    assert _error(raised)[1] == "Service not found."
    with pytest.raises(ecs.exceptions.ServiceNotFoundException):
        ecs.update_service(service="nope", desiredCount=1)
    ecs.create_service(serviceName="web", taskDefinition="app", desiredCount=0)
    ecs.delete_service(service="web")
    with pytest.raises(ecs.exceptions.ServiceNotActiveException) as raised:
        ecs.update_service(service="web", desiredCount=1)
    assert _error(raised)[1] == "Service was not ACTIVE."


def test_describe_services_failures_and_limits(setup: EcsMock, ecs: Any) -> None:
    ecs.create_service(serviceName="web", taskDefinition="app", desiredCount=0)
    arn = f"{PREFIX}:service/default/gone"
    answer = ecs.describe_services(services=["web", "nope", arn])
    assert [s["serviceName"] for s in answer["services"]] == ["web"]
    assert answer["failures"] == [
        {"arn": f"{PREFIX}:service/nope", "reason": "MISSING"},
        {"arn": arn, "reason": "MISSING"},
    ]
    by_arn = ecs.describe_services(services=[f"{PREFIX}:service/default/web"])["services"]
    assert by_arn[0]["serviceName"] == "web"
    with pytest.raises(ecs.exceptions.InvalidParameterException) as raised:
        ecs.describe_services(services=[])
    assert _error(raised)[1] == "Services cannot be empty."
    with pytest.raises(ecs.exceptions.InvalidParameterException) as raised:
        ecs.describe_services(services=[f"s{n}" for n in range(11)])
    assert _error(raised)[1] == "service names can have at most 10 items."
    setup.create_cluster("other")
    with pytest.raises(ecs.exceptions.InvalidParameterException) as raised:
        ecs.describe_services(cluster="other", services=[f"{PREFIX}:service/default/web"])
    assert (
        _error(raised)[1]
        == "Invalid identifier: Identifier is for cluster default. Your cluster is other"
    )


def test_list_services_pages_and_filters(setup: EcsMock, ecs: Any) -> None:
    for n in range(12):
        ecs.create_service(serviceName=f"s{n:02}", taskDefinition="app", desiredCount=0)
    ecs.create_service(serviceName="daemon", taskDefinition="app", schedulingStrategy="DAEMON")
    first = ecs.list_services()
    assert len(first["serviceArns"]) == 10
    assert "nextToken" in first
    pages = ecs.get_paginator("list_services").paginate(PaginationConfig={"PageSize": 5})
    listed = [arn for page in pages for arn in page["serviceArns"]]
    assert listed == [f"{PREFIX}:service/default/s{n:02}" for n in range(12)] + [
        f"{PREFIX}:service/default/daemon"
    ]
    assert ecs.list_services(schedulingStrategy="DAEMON")["serviceArns"] == [
        f"{PREFIX}:service/default/daemon"
    ]
    assert len(ecs.list_services(launchType="EC2", maxResults=100)["serviceArns"]) == 13
    assert ecs.list_services(launchType="FARGATE")["serviceArns"] == []
    with pytest.raises(ecs.exceptions.InvalidParameterException):
        ecs.list_services(maxResults=101)
    ecs.delete_service(service="s00")
    assert f"{PREFIX}:service/default/s00" not in ecs.list_services(maxResults=100)["serviceArns"]


def test_list_services_by_namespace(setup: EcsMock, ecs: Any) -> None:
    connect = {"enabled": True, "namespace": "shop"}
    ecs.create_service(
        serviceName="web", taskDefinition="app", desiredCount=0, serviceConnectConfiguration=connect
    )
    ecs.create_service(serviceName="other", taskDefinition="app", desiredCount=0)
    assert ecs.list_services_by_namespace(namespace="shop")["serviceArns"] == [
        f"{PREFIX}:service/default/web"
    ]
    with pytest.raises(ecs.exceptions.NamespaceNotFoundException):
        ecs.list_services_by_namespace(namespace="nope")
    deployment = ecs.describe_services(services=["web"])["services"][0]["deployments"][0]
    assert deployment["serviceConnectConfiguration"] == connect


def test_update_service_fields_and_deployment_triggers(setup: EcsMock, ecs: Any) -> None:
    ecs.create_service(
        serviceName="web",
        taskDefinition="app",
        desiredCount=1,
        placementConstraints=[{"type": "distinctInstance"}],
    )
    first = ecs.describe_services(services=["web"])["services"][0]["deployments"][0]["id"]
    scaled = ecs.update_service(service="web", desiredCount=2)["service"]
    assert [d["id"] for d in scaled["deployments"]] == [first]  # desiredCount: no deployment
    same = ecs.update_service(service="web", taskDefinition="app:1")["service"]
    assert [d["id"] for d in same["deployments"]] == [first]
    updated = ecs.update_service(
        service="web",
        placementConstraints=[],
        deploymentConfiguration={"minimumHealthyPercent": 50},
    )["service"]
    assert updated["placementConstraints"] == []
    assert updated["deploymentConfiguration"]["minimumHealthyPercent"] == 50
    assert updated["deploymentConfiguration"]["maximumPercent"] == 200  # kept
    forced = ecs.update_service(service="web", forceNewDeployment=True)["service"]
    assert [(d["status"], d["desiredCount"]) for d in forced["deployments"]] == [
        ("PRIMARY", 0),
        ("ACTIVE", 2),
    ]
    assert forced["deployments"][1]["id"] == first
    assert forced["deployments"][1]["rolloutState"] == "COMPLETED"
    service = ecs.describe_services(services=["web"])["services"][0]
    assert len(service["deployments"]) == 1
    assert service["deployments"][0]["id"] == forced["deployments"][0]["id"]
    assert "tags" not in forced


def test_cluster_counts_services_and_refuses_deletion(setup: EcsMock, ecs: Any) -> None:
    ecs.create_service(serviceName="web", taskDefinition="app", desiredCount=0)
    ecs.create_service(serviceName="gone", taskDefinition="app", desiredCount=0)
    ecs.delete_service(service="gone")
    cluster = ecs.describe_clusters(clusters=["default"])["clusters"][0]
    assert cluster["activeServicesCount"] == 1
    with pytest.raises(ecs.exceptions.ClusterContainsServicesException) as raised:
        ecs.delete_cluster(cluster="default")
    assert _error(raised)[1] == "The Cluster cannot be deleted while Services are active."


def test_fargate_service(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.create_cluster("default")
    ecs_mock.register_task_definition(
        "job",
        containers=[FARGATE_APP],
        networkMode="awsvpc",
        cpu="256",
        memory="512",
        requiresCompatibilities=["FARGATE"],
    )
    ecs_mock.add_subnet("subnet-a", "us-east-1a")
    ecs_mock.add_subnet("subnet-b", "us-east-1b")
    network = {"awsvpcConfiguration": {"subnets": ["subnet-a", "subnet-b"]}}
    with pytest.raises(ecs.exceptions.InvalidParameterException) as raised:
        ecs.create_service(
            serviceName="web", taskDefinition="job", desiredCount=1, launchType="FARGATE"
        )
    assert _error(raised)[1].startswith("Network Configuration must be provided")
    with pytest.raises(ecs.exceptions.InvalidParameterException) as raised:
        ecs.create_service(
            serviceName="web",
            taskDefinition="job",
            desiredCount=1,
            launchType="FARGATE",
            networkConfiguration=network,
            placementStrategy=[{"type": "random"}],
        )
    assert _error(raised)[1] == "Placement strategies are not supported with FARGATE launch type."
    created = ecs.create_service(
        serviceName="web",
        taskDefinition="job",
        desiredCount=4,
        launchType="FARGATE",
        networkConfiguration=network,
    )["service"]
    assert created["platformVersion"] == "LATEST"
    filled = {
        "awsvpcConfiguration": {**network["awsvpcConfiguration"], "assignPublicIp": "DISABLED"}
    }
    assert created["networkConfiguration"] == filled
    service = ecs.describe_services(services=["web"])["services"][0]
    deployment = service["deployments"][0]
    assert (deployment["platformVersion"], deployment["platformFamily"]) == ("1.4.0", "Linux")
    assert deployment["networkConfiguration"] == filled
    assert service["runningCount"] == 4
    tasks = ecs.describe_tasks(tasks=ecs.list_tasks(serviceName="web")["taskArns"])["tasks"]
    assert {t["launchType"] for t in tasks} == {"FARGATE"}
    assert sorted(t["availabilityZone"] for t in tasks) == ["us-east-1a"] * 2 + ["us-east-1b"] * 2


def test_capacity_provider_strategy_service(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.create_cluster("default")
    # PutClusterCapacityProviders is another issue's: associate the Fargate providers directly.
    with ecs_mock.backend.lock:
        ecs_mock._backend_region().clusters["default"].capacity_providers = [
            "FARGATE",
            "FARGATE_SPOT",
        ]
    ecs_mock.register_task_definition(
        "job", containers=[FARGATE_APP], networkMode="awsvpc", cpu="256", memory="512"
    )
    strategy = [
        {"capacityProvider": "FARGATE", "base": 1, "weight": 1},
        {"capacityProvider": "FARGATE_SPOT", "weight": 3},
    ]
    created = ecs.create_service(
        serviceName="web",
        taskDefinition="job",
        desiredCount=5,
        capacityProviderStrategy=strategy,
        networkConfiguration={"awsvpcConfiguration": {"subnets": ["subnet-a"]}},
    )["service"]
    assert "launchType" not in created
    assert created["capacityProviderStrategy"] == [
        {"capacityProvider": "FARGATE", "weight": 1, "base": 1},
        {"capacityProvider": "FARGATE_SPOT", "weight": 3, "base": 0},
    ]
    tasks = ecs.describe_tasks(tasks=ecs.list_tasks(serviceName="web")["taskArns"])["tasks"]
    assert (
        sorted(t["capacityProviderName"] for t in tasks) == ["FARGATE"] * 2 + ["FARGATE_SPOT"] * 3
    )
    with pytest.raises(ecs.exceptions.InvalidParameterException) as raised:
        ecs.create_service(
            serviceName="other",
            taskDefinition="job",
            desiredCount=1,
            capacityProviderStrategy=[{"capacityProvider": "mine", "weight": 1}],
            networkConfiguration={"awsvpcConfiguration": {"subnets": ["subnet-a"]}},
        )
    assert "not associated with the cluster" in _error(raised)[1]


def test_load_balancers_are_checked_and_echoed(ecs_mock: EcsMock, ecs: Any) -> None:
    web = {
        "name": "web",
        "image": "nginx",
        "memory": 128,
        "portMappings": [{"containerPort": 80}],
    }
    ecs_mock.register_task_definition("web", containers=[web])
    ecs_mock.add_container_instance("default")
    group = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef"
    good = {"targetGroupArn": group, "containerName": "web", "containerPort": 80}
    for wrong, message in [
        (
            {**good, "containerName": "nope"},
            "The container nope does not exist in the task definition.",
        ),
        (
            {**good, "containerPort": 8080},
            "The container web did not have a container port 8080 defined.",
        ),
        ({**good, "targetGroupArn": "tg"}, "Invalid target group ARN: tg"),
        ({**good, "loadBalancerName": "classic"}, "either a targetGroupArn or a loadBalancerName"),
    ]:
        with pytest.raises(ecs.exceptions.InvalidParameterException) as raised:
            ecs.create_service(
                serviceName="s", taskDefinition="web", desiredCount=1, loadBalancers=[wrong]
            )
        assert message in _error(raised)[1]
    created = ecs.create_service(
        serviceName="s",
        taskDefinition="web",
        desiredCount=1,
        loadBalancers=[good],
        healthCheckGracePeriodSeconds=30,
        role="ecsServiceRole",
    )["service"]
    assert created["loadBalancers"] == [good]
    assert created["healthCheckGracePeriodSeconds"] == 30
    assert created["roleArn"] == "arn:aws:iam::123456789012:role/ecsServiceRole"

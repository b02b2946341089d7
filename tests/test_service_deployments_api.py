"""ListServiceDeployments, DescribeServiceDeployments, DescribeServiceRevisions,
StopServiceDeployment, ContinueServiceDeployment and the service deployment status machine."""

from __future__ import annotations

import re
from typing import Any

import boto3
import pytest
from freezegun import freeze_time

from ecs_mock import EcsMock

pytestmark = pytest.mark.skipif(
    not hasattr(boto3.client("ecs", region_name="us-east-1"), "list_service_deployments"),
    reason="this botocore predates the service deployment operations",
)
T0 = "2025-06-01T00:00:00Z"
PREFIX = "arn:aws:ecs:us-east-1:123456789012"


@pytest.fixture
def web(ecs_mock: EcsMock, ecs: Any) -> EcsMock:
    ecs_mock.register_task_definition("app")
    ecs_mock.register_task_definition(
        "app", containers=[{"name": "app", "image": "busybox:2", "cpu": 64, "memory": 64}]
    )
    ecs_mock.add_container_instance("default")
    return ecs_mock


def _briefs(ecs: Any, **params: Any) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = ecs.list_service_deployments(service="web", **params)[
        "serviceDeployments"
    ]
    return result


def test_list_and_describe_service_deployments(web: EcsMock, ecs: Any) -> None:
    with freeze_time(T0) as frozen:
        created = ecs.create_service(serviceName="web", taskDefinition="app:1", desiredCount=2)
        first_id = created["service"]["deployments"][0]["id"]
        (brief,) = _briefs(ecs)
        assert brief["status"] == "SUCCESSFUL"
        frozen.tick(60)
        updated = ecs.update_service(service="web", taskDefinition="app:2")["service"]
        second_id = updated["deployments"][0]["id"]
        briefs = _briefs(ecs)
    assert [b["status"] for b in briefs] == ["SUCCESSFUL", "SUCCESSFUL"]  # newest first
    newest, oldest = briefs
    assert re.fullmatch(
        rf"{PREFIX}:service-deployment/default/web/[A-Za-z0-9_-]{{21}}",
        newest["serviceDeploymentArn"],
    )
    # A PRIMARY deployment's digits name its service revision (what Terraform relies on).
    assert newest["targetServiceRevisionArn"] == (
        f"{PREFIX}:service-revision/default/web/{second_id.split('/')[1]}"
    )
    assert oldest["targetServiceRevisionArn"].endswith(first_id.split("/")[1])
    assert newest["serviceArn"] == f"{PREFIX}:service/default/web"
    assert newest["finishedAt"] >= newest["startedAt"] >= newest["createdAt"]
    service = ecs.describe_services(services=["web"])["services"][0]
    assert service["currentServiceDeployment"] == newest["serviceDeploymentArn"]
    assert service["currentServiceRevisions"] == [
        {
            "arn": newest["targetServiceRevisionArn"],
            "requestedTaskCount": 2,
            "runningTaskCount": 2,
            "pendingTaskCount": 0,
        }
    ]

    answer = ecs.describe_service_deployments(
        serviceDeploymentArns=[newest["serviceDeploymentArn"], f"{PREFIX}:service-deployment/x/y/z"]
    )
    assert answer["failures"] == [
        {"arn": f"{PREFIX}:service-deployment/x/y/z", "reason": "MISSING"}
    ]
    (record,) = answer["serviceDeployments"]
    assert record["status"] == "SUCCESSFUL"
    assert record["sourceServiceRevisions"] == [
        {
            "arn": oldest["targetServiceRevisionArn"],
            "requestedTaskCount": 2,
            "runningTaskCount": 2,
            "pendingTaskCount": 0,
        }
    ]
    assert record["targetServiceRevision"]["runningTaskCount"] == 2
    assert record["deploymentCircuitBreaker"] == {
        "status": "DISABLED",
        "failureCount": 0,
        "threshold": 3,
    }
    assert record["alarms"] == {"status": "DISABLED"}
    assert record["deploymentConfiguration"]["maximumPercent"] == 200
    first = ecs.describe_service_deployments(serviceDeploymentArns=[oldest["serviceDeploymentArn"]])
    assert first["serviceDeployments"][0]["sourceServiceRevisions"] == []

    # Filters and paging.
    assert _briefs(ecs, status=["IN_PROGRESS"]) == []
    assert [b["serviceDeploymentArn"] for b in _briefs(ecs, createdAt={"after": T0})] != []
    later = _briefs(ecs, createdAt={"after": "2025-06-01T00:00:30Z"})
    assert [b["serviceDeploymentArn"] for b in later] == [newest["serviceDeploymentArn"]]
    page = ecs.list_service_deployments(service="web", maxResults=1)
    assert len(page["serviceDeployments"]) == 1
    rest = ecs.list_service_deployments(service="web", nextToken=page["nextToken"])
    assert rest["serviceDeployments"] == [oldest]
    with pytest.raises(ecs.exceptions.ServiceNotFoundException):
        ecs.list_service_deployments(service="nope")


def test_describe_service_revisions(web: EcsMock, ecs: Any) -> None:
    ecs.create_service(serviceName="web", taskDefinition="app:2", desiredCount=1)
    (brief,) = _briefs(ecs)
    arn = brief["targetServiceRevisionArn"]
    answer = ecs.describe_service_revisions(serviceRevisionArns=[arn, arn + "0"])
    assert answer["failures"] == [{"arn": arn + "0", "reason": "MISSING"}]
    (revision,) = answer["serviceRevisions"]
    assert revision["serviceRevisionArn"] == arn
    assert revision["taskDefinition"] == f"{PREFIX}:task-definition/app:2"
    assert revision["launchType"] == "EC2"
    (image,) = revision["containerImages"]
    assert (image["containerName"], image["image"]) == ("app", "busybox:2")
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", image["imageDigest"])
    assert revision["guardDutyEnabled"] is False
    assert revision["serviceConnectConfiguration"] == {"enabled": False}
    with pytest.raises(ecs.exceptions.InvalidParameterException):
        ecs.describe_service_revisions(serviceRevisionArns=[])
    with pytest.raises(ecs.exceptions.InvalidParameterException):
        ecs.describe_service_revisions(serviceRevisionArns=[arn] * 21)


@pytest.mark.ecs_mock(pending_seconds=10)
def test_stop_service_deployment_rolls_back(web: EcsMock, ecs: Any) -> None:
    with freeze_time(T0) as frozen:
        created = ecs.create_service(serviceName="web", taskDefinition="app:1", desiredCount=1)
        old_id = created["service"]["deployments"][0]["id"]
        frozen.tick(10)
        ecs.update_service(service="web", taskDefinition="app:2")
        newest = _briefs(ecs)[0]
        assert newest["status"] == "IN_PROGRESS"
        arn = newest["serviceDeploymentArn"]
        assert ecs.stop_service_deployment(serviceDeploymentArn=arn)["serviceDeploymentArn"] == arn
        statuses = [b["status"] for b in _briefs(ecs)]
        assert statuses[0] == "ROLLBACK_SUCCESSFUL"  # the old task still ran: done at once
        service = ecs.describe_services(services=["web"])["services"][0]
        assert [d["id"] for d in service["deployments"]] == [old_id]
        assert service["taskDefinition"].endswith("app:1")
        record = ecs.describe_service_deployments(serviceDeploymentArns=[arn])[
            "serviceDeployments"
        ][0]
        assert record["rollback"]["serviceRevisionArn"].endswith(old_id.split("/")[1])
        assert record["statusReason"] == "ECS deployment stopped: a rollback was requested."
        with pytest.raises(ecs.exceptions.ConflictException):
            ecs.stop_service_deployment(serviceDeploymentArn=arn)  # finished
        with pytest.raises(ecs.exceptions.ConflictException):
            # The first deployment has nothing earlier to roll back to.
            ecs.stop_service_deployment(
                serviceDeploymentArn=_briefs(ecs)[1]["serviceDeploymentArn"]
            )


@pytest.mark.ecs_mock(pending_seconds=10, service_step_seconds=5)
def test_stop_is_requested_then_in_progress(web: EcsMock, ecs: Any) -> None:
    with freeze_time(T0) as frozen:
        ecs.create_service(serviceName="web", taskDefinition="app:1", desiredCount=1)
        frozen.tick(10)
        ecs.update_service(service="web", taskDefinition="app:2")
        frozen.tick(5)
        arn = _briefs(ecs)[0]["serviceDeploymentArn"]
        ecs.stop_service_deployment(serviceDeploymentArn=arn)
        assert _briefs(ecs)[0]["status"] == "ROLLBACK_REQUESTED"
        ecs.stop_service_deployment(serviceDeploymentArn=arn)  # again: nothing more to do
        frozen.tick(5)  # the next step rolls back; the one after sees the old deployment done
        assert _briefs(ecs)[0]["status"] == "ROLLBACK_IN_PROGRESS"
        frozen.tick(5)
        assert _briefs(ecs)[0]["status"] == "ROLLBACK_SUCCESSFUL"


def test_stop_and_continue_refusals(web: EcsMock, ecs: Any) -> None:
    ecs.create_service(serviceName="web", taskDefinition="app:1", desiredCount=1)
    arn = _briefs(ecs)[0]["serviceDeploymentArn"]
    unknown = f"{PREFIX}:service-deployment/default/web/AAAAAAAAAAAAAAAAAAAAA"
    with pytest.raises(ecs.exceptions.ServiceDeploymentNotFoundException):
        ecs.stop_service_deployment(serviceDeploymentArn=unknown)
    with pytest.raises(ecs.exceptions.InvalidParameterException):
        ecs.stop_service_deployment(serviceDeploymentArn=arn, stopType="ABORT")
    with pytest.raises(ecs.exceptions.ServiceDeploymentNotFoundException):
        ecs.continue_service_deployment(serviceDeploymentArn=unknown, hookId="h")
    with pytest.raises(ecs.exceptions.InvalidParameterException) as raised:
        ecs.continue_service_deployment(serviceDeploymentArn=arn, hookId="h")
    assert "no lifecycle hook h awaiting action" in raised.value.response["Error"]["Message"]
    with pytest.raises(ecs.exceptions.InvalidParameterException) as raised:
        ecs.update_service(
            service="web",
            deploymentConfiguration={
                "lifecycleHooks": [
                    {"hookTargetArn": "arn:aws:lambda:us-east-1:123456789012:function:f"}
                ]
            },
        )
    assert "ROLLING deployments only" in raised.value.response["Error"]["Message"]

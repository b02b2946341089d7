"""Task sets: the EXTERNAL deployment controller's deployments; CODE_DEPLOY's one task set."""

from __future__ import annotations

import re
from typing import Any

import pytest
from botocore.exceptions import WaiterError

from ecs_mock import EcsMock

PREFIX = "arn:aws:ecs:us-east-1:123456789012"
EXTERNAL = {"type": "EXTERNAL"}


@pytest.fixture
def external(ecs_mock: EcsMock, ecs: Any) -> EcsMock:
    ecs_mock.register_task_definition("app")
    ecs_mock.register_task_definition("app")
    ecs_mock.add_container_instance("default", cpu=4096, memory=8192)
    ecs.create_service(serviceName="web", desiredCount=3, deploymentController=EXTERNAL)
    return ecs_mock


def _service(ecs: Any) -> dict[str, Any]:
    result: dict[str, Any] = ecs.describe_services(services=["web"])["services"][0]
    return result


def _sets(ecs: Any) -> dict[str, dict[str, Any]]:
    found = ecs.describe_task_sets(cluster="default", service="web")["taskSets"]
    return {task_set["taskDefinition"].rsplit("/", 1)[1]: task_set for task_set in found}


def test_an_external_service_starts_without_deployments(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.create_cluster("default")
    created = ecs.create_service(serviceName="web", desiredCount=1, deploymentController=EXTERNAL)[
        "service"
    ]
    assert (created["deployments"], created["taskSets"]) == ([], [])
    assert created["launchType"] == "EC2"
    assert created["deploymentController"] == EXTERNAL
    assert "taskDefinition" not in created
    with pytest.raises(ecs.exceptions.InvalidParameterException) as raised:
        ecs.create_service(
            serviceName="other",
            taskDefinition="app",
            desiredCount=1,
            deploymentController=EXTERNAL,
        )
    assert "set it on its task sets" in raised.value.response["Error"]["Message"]


def test_task_sets_scale_as_a_percentage(external: EcsMock, ecs: Any) -> None:
    created = ecs.create_task_set(
        cluster="default",
        service="web",
        taskDefinition="app:1",
        scale={"value": 50, "unit": "PERCENT"},
        externalId="blue",
        tags=[{"key": "color", "value": "blue"}],
    )["taskSet"]
    assert re.fullmatch(r"ecs-svc/\d{19}", created["id"])
    assert created["taskSetArn"] == f"{PREFIX}:task-set/default/web/{created['id']}"
    assert (created["status"], created["computedDesiredCount"]) == ("ACTIVE", 2)
    assert created["scale"] == {"value": 50.0, "unit": "PERCENT"}
    assert (created["externalId"], created["stabilityStatus"]) == ("blue", "STABILIZING")
    assert created["tags"] == [{"key": "color", "value": "blue"}]
    blue = _sets(ecs)["app:1"]
    assert (blue["runningCount"], blue["stabilityStatus"]) == (2, "STEADY_STATE")
    tasks = ecs.describe_tasks(tasks=ecs.list_tasks(serviceName="web")["taskArns"])["tasks"]
    assert {t["startedBy"] for t in tasks} == {created["id"]}
    assert {t["group"] for t in tasks} == {"service:web"}
    service = _service(ecs)
    assert (service["runningCount"], service["deployments"]) == (2, [])
    assert "taskDefinition" not in service  # no primary task set yet

    green = ecs.create_task_set(cluster="default", service="web", taskDefinition="app:2")["taskSet"]
    assert green["scale"] == {"value": 0.0, "unit": "PERCENT"}
    assert green["computedDesiredCount"] == 0
    ecs.update_task_set(cluster="default", service="web", taskSet=green["id"], scale={"value": 100})
    primary = ecs.update_service_primary_task_set(
        cluster="default", service="web", primaryTaskSet=green["taskSetArn"]
    )["taskSet"]
    assert primary["status"] == "PRIMARY"
    sets = _sets(ecs)
    assert (sets["app:2"]["computedDesiredCount"], sets["app:2"]["runningCount"]) == (3, 3)
    assert sets["app:1"]["status"] == "ACTIVE"
    service = _service(ecs)
    assert service["taskDefinition"] == f"{PREFIX}:task-definition/app:2"
    assert service["runningCount"] == 5
    # services_stable never succeeds for task set services: deployments is [] (faithful).
    with pytest.raises(WaiterError):
        ecs.get_waiter("services_stable").wait(
            services=["web"], WaiterConfig={"MaxAttempts": 1, "Delay": 0}
        )
    # The service's desiredCount moves every task set's computed count.
    ecs.update_service(service="web", desiredCount=1)
    sets = _sets(ecs)
    assert (sets["app:1"]["computedDesiredCount"], sets["app:2"]["computedDesiredCount"]) == (1, 1)
    assert _service(ecs)["runningCount"] == 2


def test_delete_task_set(external: EcsMock, ecs: Any) -> None:
    blue = ecs.create_task_set(
        cluster="default", service="web", taskDefinition="app:1", scale={"value": 100}
    )["taskSet"]
    with pytest.raises(ecs.exceptions.InvalidParameterException):
        ecs.delete_task_set(cluster="default", service="web", taskSet=blue["id"])
    deleted = ecs.delete_task_set(cluster="default", service="web", taskSet=blue["id"], force=True)[
        "taskSet"
    ]
    assert deleted["status"] == "DRAINING"
    assert _sets(ecs) == {}  # its tasks stopped; the set is gone
    stopped = ecs.describe_tasks(
        tasks=ecs.list_tasks(serviceName="web", desiredStatus="STOPPED")["taskArns"]
    )["tasks"]
    assert len(stopped) == 3
    assert {t["stopCode"] for t in stopped} == {"ServiceSchedulerInitiated"}
    missing = ecs.describe_task_sets(cluster="default", service="web", taskSets=[blue["id"]])
    assert missing["failures"] == [{"arn": blue["id"], "reason": "MISSING"}]
    with pytest.raises(ecs.exceptions.TaskSetNotFoundException):
        ecs.update_task_set(
            cluster="default", service="web", taskSet=blue["id"], scale={"value": 1}
        )


def test_describe_task_sets_filters_and_tags(external: EcsMock, ecs: Any) -> None:
    tags = [{"key": "k", "value": "v"}]
    one = ecs.create_task_set(cluster="default", service="web", taskDefinition="app:1", tags=tags)
    ecs.create_task_set(cluster="default", service="web", taskDefinition="app:2")
    wanted = one["taskSet"]["taskSetArn"]
    answer = ecs.describe_task_sets(
        cluster="default", service="web", taskSets=[wanted], include=["TAGS"]
    )
    assert [t["taskSetArn"] for t in answer["taskSets"]] == [wanted]
    assert answer["taskSets"][0]["tags"] == tags
    assert "tags" not in ecs.describe_task_sets(cluster="default", service="web")["taskSets"][0]
    ecs.tag_resource(resourceArn=wanted, tags=[{"key": "more", "value": "x"}])
    assert ecs.list_tags_for_resource(resourceArn=wanted)["tags"] == [
        *tags,
        {"key": "more", "value": "x"},
    ]


def test_task_set_refusals(external: EcsMock, ecs: Any) -> None:
    with pytest.raises(ecs.exceptions.InvalidParameterException) as raised:
        ecs.create_task_set(
            cluster="default", service="web", taskDefinition="app", scale={"value": 150}
        )
    assert "between 0 and 100" in raised.value.response["Error"]["Message"]
    with pytest.raises(ecs.exceptions.ServiceNotFoundException):
        ecs.create_task_set(cluster="default", service="nope", taskDefinition="app")
    ecs.create_service(serviceName="plain", taskDefinition="app", desiredCount=0)
    with pytest.raises(ecs.exceptions.InvalidParameterException) as raised:
        ecs.create_task_set(cluster="default", service="plain", taskDefinition="app")
    assert "EXTERNAL deployment controller" in raised.value.response["Error"]["Message"]
    with pytest.raises(ecs.exceptions.InvalidParameterException) as raised:
        ecs.update_service(service="web", taskDefinition="app")
    assert "EXTERNAL deployment controller" in raised.value.response["Error"]["Message"]
    with pytest.raises(ecs.exceptions.TaskSetNotFoundException):
        ecs.update_service_primary_task_set(
            cluster="default", service="web", primaryTaskSet="ecs-svc/1"
        )
    ecs.update_service(service="web", desiredCount=0)
    ecs.delete_service(service="web")
    with pytest.raises(ecs.exceptions.ServiceNotActiveException):
        ecs.create_task_set(cluster="default", service="web", taskDefinition="app")


def test_code_deploy_services_have_one_primary_task_set(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.register_task_definition("app")
    ecs_mock.add_container_instance("default")
    created = ecs.create_service(
        serviceName="web",
        taskDefinition="app",
        desiredCount=2,
        deploymentController={"type": "CODE_DEPLOY"},
    )["service"]
    assert created["deployments"] == []
    (task_set,) = created["taskSets"]
    assert (task_set["status"], task_set["startedBy"]) == ("PRIMARY", "CODE_DEPLOY")
    assert task_set["scale"] == {"value": 100.0, "unit": "PERCENT"}
    assert _service(ecs)["runningCount"] == 2
    with pytest.raises(ecs.exceptions.InvalidParameterException) as raised:
        ecs.update_service(service="web", taskDefinition="app")
    assert raised.value.response["Error"]["Message"] == (
        "Unable to update task definition on services with a CODE_DEPLOY deployment "
        "controller. Use AWS CodeDeploy to trigger a new deployment."
    )
    with pytest.raises(ecs.exceptions.InvalidParameterException) as raised:
        ecs.update_service(service="web", forceNewDeployment=True)
    assert raised.value.response["Error"]["Message"] == (
        "Cannot force a new deployment on services with a CODE_DEPLOY deployment controller. "
        "Use AWS CodeDeploy to trigger a new deployment."
    )
    ecs.update_service(service="web", desiredCount=3)
    assert _service(ecs)["runningCount"] == 3
    with pytest.raises(ecs.exceptions.InvalidParameterException):
        ecs.create_task_set(cluster="default", service="web", taskDefinition="app")

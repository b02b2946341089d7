"""Account settings (issue 15): Put/PutDefault/Delete/List, effective settings, principals,
filters and pagination, and the long ARN format settings' effects (short ARNs, no tags)."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from ecs_mock import EcsMock
from ecs_mock._schema import setting_facts

ROOT = "arn:aws:iam::123456789012:root"
ROLE = "arn:aws:iam::123456789012:role/launcher"


@pytest.fixture
def ecs(ecs_mock: EcsMock) -> Any:
    return boto3.client("ecs", region_name="us-east-1")


def error_of(call: Any, **params: Any) -> dict[str, str]:
    with pytest.raises(ClientError) as caught:
        call(**params)
    return dict(caught.value.response["Error"])


def names(settings: list[dict[str, Any]]) -> dict[str, str]:
    return {s["name"]: s["value"] for s in settings}


def test_launchers_read_task_long_arn_format_enabled_by_default(ecs: Any) -> None:
    answer = ecs.list_account_settings(name="taskLongArnFormat", effectiveSettings=True)
    assert [(s["name"], s["value"], s["principalArn"]) for s in answer["settings"]] == [
        ("taskLongArnFormat", "enabled", ROOT)
    ]
    # Nothing set explicitly: without effectiveSettings the list is empty.
    assert ecs.list_account_settings()["settings"] == []


def test_put_then_list_and_delete(ecs: Any) -> None:
    put = ecs.put_account_setting(name="containerInsights", value="enhanced")["setting"]
    assert (put["name"], put["value"], put["principalArn"]) == (
        "containerInsights",
        "enhanced",
        ROOT,
    )
    assert names(ecs.list_account_settings()["settings"]) == {"containerInsights": "enhanced"}
    deleted = ecs.delete_account_setting(name="containerInsights")["setting"]
    assert deleted["value"] == "enhanced"
    assert ecs.list_account_settings()["settings"] == []
    effective = names(ecs.list_account_settings(effectiveSettings=True, maxResults=10)["settings"])
    assert effective["containerInsights"] == "disabled"


def test_a_principal_setting_overrides_the_account_default(ecs: Any) -> None:
    ecs.put_account_setting_default(name="awsvpcTrunking", value="enabled")
    ecs.put_account_setting(name="awsvpcTrunking", value="disabled", principalArn=ROLE)
    own = ecs.list_account_settings(principalArn=ROLE, name="awsvpcTrunking")["settings"]
    assert [(s["value"], s["principalArn"]) for s in own] == [("disabled", ROLE)]
    root = ecs.list_account_settings(name="awsvpcTrunking", effectiveSettings=True)["settings"]
    assert root[0]["value"] == "enabled"
    ecs.delete_account_setting(name="awsvpcTrunking", principalArn=ROLE)
    inherited = ecs.list_account_settings(
        principalArn=ROLE, name="awsvpcTrunking", effectiveSettings=True
    )["settings"]
    assert [(s["value"], s["principalArn"]) for s in inherited] == [("enabled", ROLE)]


def test_value_filter_and_pagination(ecs: Any) -> None:
    known = setting_facts()[0]
    everything = ecs.list_account_settings(effectiveSettings=True, maxResults=10)
    pages = [everything["settings"]]
    token = everything.get("nextToken")
    while token:
        page = ecs.list_account_settings(effectiveSettings=True, maxResults=10, nextToken=token)
        pages.append(page["settings"])
        token = page.get("nextToken")
    seen = [s["name"] for page in pages for s in page]
    assert len(seen) == len(set(seen))
    assert set(seen) <= known
    assert "taskLongArnFormat" in seen
    paginator = ecs.get_paginator("list_account_settings")
    assert [
        s["name"] for p in paginator.paginate(effectiveSettings=True) for s in p["settings"]
    ] == seen
    filtered = ecs.list_account_settings(
        name="guardDutyActivate", value="on", effectiveSettings=True
    )["settings"]
    assert filtered == []  # the value in force is "off"


def test_errors_change_nothing(ecs: Any) -> None:
    assert error_of(ecs.put_account_setting, name="taskLongArnFormat", value="maybe") == {
        "Code": "InvalidParameterException",
        "Message": "Invalid value maybe for account setting taskLongArnFormat. "
        "Valid values are: enabled, disabled.",
    }
    other_account = "arn:aws:iam::999999999999:role/x"
    error = error_of(
        ecs.put_account_setting, name="awsvpcTrunking", value="enabled", principalArn=other_account
    )
    assert error["Code"] == "InvalidParameterException"
    assert error_of(ecs.put_account_setting, name="guardDutyActivate", value="on")["Code"] == (
        "InvalidParameterException"
    )
    assert error_of(ecs.list_account_settings, value="enabled")["Code"] == (
        "InvalidParameterException"
    )
    assert ecs.list_account_settings()["settings"] == []


def test_short_task_arns_refuse_tags(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.create_cluster()
    ecs_mock.add_container_instance()
    ecs_mock.register_task_definition("app")
    ecs.put_account_setting_default(name="taskLongArnFormat", value="disabled")
    task = ecs.run_task(taskDefinition="app")["tasks"][0]
    task_id = task["taskArn"].rpartition("/")[2]
    assert task["taskArn"] == f"arn:aws:ecs:us-east-1:123456789012:task/{task_id}"
    assert ecs.describe_tasks(tasks=[task["taskArn"]])["tasks"][0]["taskArn"] == task["taskArn"]
    refused = {
        "Code": "InvalidParameterException",
        "Message": "Long arn format must be used for tagging operations",
    }
    assert error_of(
        ecs.tag_resource, resourceArn=task["taskArn"], tags=[{"key": "k", "value": "v"}]
    ) == (refused)
    assert (
        error_of(ecs.run_task, taskDefinition="app", tags=[{"key": "k", "value": "v"}]) == refused
    )
    assert len(ecs.list_tasks()["taskArns"]) == 1  # the refused RunTask started nothing
    ecs.stop_task(task=task["taskArn"])
    ecs.put_account_setting_default(name="taskLongArnFormat", value="enabled")
    again = ecs.run_task(taskDefinition="app", tags=[{"key": "k", "value": "v"}])["tasks"][0]
    assert again["taskArn"].startswith("arn:aws:ecs:us-east-1:123456789012:task/default/")


def test_short_service_and_container_instance_arns(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.create_cluster()
    ecs_mock.register_task_definition("app")
    ecs.put_account_setting(name="serviceLongArnFormat", value="disabled")
    ecs.put_account_setting(name="containerInstanceLongArnFormat", value="disabled")
    instance = ecs_mock.add_container_instance()
    assert instance.endswith(":container-instance/" + instance.rpartition("/")[2])
    assert "/default/" not in instance
    service = ecs.create_service(serviceName="web", taskDefinition="app", desiredCount=0)
    arn = service["service"]["serviceArn"]
    assert arn == "arn:aws:ecs:us-east-1:123456789012:service/web"
    assert ecs.describe_services(services=[arn])["services"][0]["serviceName"] == "web"
    tags = [{"key": "k", "value": "v"}]
    assert error_of(ecs.tag_resource, resourceArn=arn, tags=tags)["Message"] == (
        "Long arn format must be used for tagging operations"
    )
    assert error_of(ecs.tag_resource, resourceArn=instance, tags=tags)["Message"] == (
        "Long arn format must be used for tagging operations"
    )
    assert (
        error_of(
            ecs.create_service,
            serviceName="tagged",
            taskDefinition="app",
            desiredCount=0,
            tags=tags,
        )["Message"]
        == "Long arn format must be used for tagging operations"
    )
    assert ecs.list_services()["serviceArns"] == [arn]

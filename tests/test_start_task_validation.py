"""StartTask request validation: every refused request gets ECS's code and message, and
changes nothing (no task, no reservation)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from ecs_mock import EcsMock

ARN = "arn:aws:ecs:us-east-1:123456789012"
# Quoted as the model spells it, which differs between botocore releases.
MODEL_TAG_KEY_PATTERN: str = (
    botocore.session.get_session().get_service_model("ecs").shape_for("TagKey").metadata["pattern"]
)
NETWORK = {"awsvpcConfiguration": {"subnets": ["subnet-0123"]}}
VOLUME = {
    "name": "data",
    "managedEBSVolume": {"roleArn": "arn:aws:iam::123456789012:role/ebs", "sizeInGiB": 10},
}


@pytest.fixture
def instance(ecs_mock: EcsMock) -> str:
    arn = ecs_mock.add_container_instance("default", cpu=1024, memory=1024)
    ecs_mock.add_container_instance("other")
    ecs_mock.register_task_definition("app")
    ecs_mock.register_task_definition(
        "vpc",
        networkMode="awsvpc",
        containers=[{"name": "web", "image": "nginx", "memory": 128}],
    )
    ecs_mock.register_task_definition(
        "ebs",
        volumes=[{"name": "data", "configuredAtLaunch": True}],
        containers=[{"name": "db", "image": "postgres", "memory": 128}],
    )
    ecs_mock.register_task_definition("old")
    ecs_mock.register_task_definition("old")
    ecs_mock.call("DeregisterTaskDefinition", taskDefinition="old:1")
    ecs_mock.register_task_definition("gone")
    ecs_mock.call("DeregisterTaskDefinition", taskDefinition="gone:1")
    ecs_mock.register_task_definition(
        "edge",
        requiresCompatibilities=["EXTERNAL"],
        containers=[{"name": "e", "image": "x", "memory": 64}],
    )
    return arn


def _raw_client() -> Any:
    """A client that sends whatever it is given, so the mock's own checks are what answer."""
    return boto3.client("ecs", region_name="us-east-1", config=Config(parameter_validation=False))


def _tags(count: int) -> list[dict[str, str]]:
    return [{"key": f"k{n}", "value": "v"} for n in range(count)]


Case = tuple[Callable[[str], dict[str, Any]], str, str]

CASES: dict[str, Case] = {
    "unknown cluster": (
        lambda i: {"cluster": "nope"},
        "ClusterNotFoundException",
        "Cluster not found.",
    ),
    "unknown cluster ARN": (
        lambda i: {"cluster": f"{ARN}:cluster/nope"},
        "ClusterNotFoundException",
        "Cluster not found.",
    ),
    "malformed cluster name": (
        lambda i: {"cluster": "no spaces"},
        "InvalidParameterException",
        "Cluster must match ^[a-zA-Z0-9\\-_]{1,255}$, but was no spaces",
    ),
    # A regex `$` accepts a trailing newline; the name must not.
    "cluster name with a trailing newline": (
        lambda i: {"cluster": "default\n"},
        "InvalidParameterException",
        "Cluster must match ^[a-zA-Z0-9\\-_]{1,255}$, but was default\n",
    ),
    "cluster ARN of another partition": (
        lambda i: {"cluster": f"{ARN}:cluster/default".replace("arn:aws:", "arn:aws-cn:")},
        "ClusterNotFoundException",
        "Cluster not found.",
    ),
    "unknown family": (
        lambda i: {"taskDefinition": "nope"},
        "ClientException",
        "TaskDefinition not found.",
    ),
    "unknown revision": (
        lambda i: {"taskDefinition": "app:9"},
        "ClientException",
        "TaskDefinition not found.",
    ),
    "unknown task definition ARN": (
        lambda i: {"taskDefinition": f"{ARN}:task-definition/app:9"},
        "ClientException",
        "TaskDefinition not found.",
    ),
    "family with no ACTIVE revision": (
        lambda i: {"taskDefinition": "gone"},
        "ClientException",
        "TaskDefinition not found.",
    ),
    "blank task definition": (
        lambda i: {"taskDefinition": " "},
        "InvalidParameterException",
        "TaskDefinition can not be blank.",
    ),
    "explicit INACTIVE revision": (
        lambda i: {"taskDefinition": "old:1"},
        "InvalidParameterException",
        "TaskDefinition is inactive",
    ),
    "INACTIVE revision by ARN": (
        lambda i: {"taskDefinition": f"{ARN}:task-definition/old:1"},
        "InvalidParameterException",
        "TaskDefinition is inactive",
    ),
    "no container instances": (
        lambda i: {"containerInstances": []},
        "InvalidParameterException",
        "Container Instances cannot be empty.",
    ),
    "more than 10 container instances": (
        lambda i: {"containerInstances": [i] * 11},
        "InvalidParameterException",
        "instanceIds can have at most 10 items.",
    ),
    "blank container instance": (
        lambda i: {"containerInstances": [i, "  "]},
        "InvalidParameterException",
        "Container instance can not be blank.",
    ),
    "instance ARN of another cluster": (
        lambda i: {"containerInstances": [i.replace("/default/", "/other/")]},
        "InvalidParameterException",
        "Invalid identifier: Identifier is for cluster other. Your cluster is default",
    ),
    "startedBy too long": (
        lambda i: {"startedBy": "x" * 37},
        "InvalidParameterException",
        "startedBy longer than 36.",
    ),
    "startedBy bad characters": (
        lambda i: {"startedBy": "job 1!"},
        "InvalidParameterException",
        "startedBy may contain only letters, numbers, hyphens (-), forward slashes (/) "
        "and underscores (_).",
    ),
    "startedBy with a trailing newline": (
        lambda i: {"startedBy": "job\n"},
        "InvalidParameterException",
        "startedBy may contain only letters, numbers, hyphens (-), forward slashes (/) "
        "and underscores (_).",
    ),
    "empty group": (
        lambda i: {"group": ""},
        "InvalidParameterException",
        "group must be 1 to 255 characters.",
    ),
    "more than 50 tags": (
        lambda i: {"tags": _tags(51)},
        "InvalidParameterException",
        "1 validation error detected: Value at 'tags' failed to satisfy constraint: "
        "Member must have length less than or equal to 50",
    ),
    "tag key over 128": (
        lambda i: {"tags": [{"key": "k" * 129, "value": "v"}]},
        "InvalidParameterException",
        "1 validation error detected: Value at 'tags.1.member.key' failed to satisfy "
        "constraint: Member must have length less than or equal to 128",
    ),
    "tag value over 256": (
        lambda i: {"tags": [{"key": "k", "value": "v" * 257}]},
        "InvalidParameterException",
        "1 validation error detected: Value at 'tags.1.member.value' failed to satisfy "
        "constraint: Member must have length less than or equal to 256",
    ),
    "tag key pattern": (
        lambda i: {"tags": [{"key": "bad!", "value": "v"}]},
        "InvalidParameterException",
        "1 validation error detected: Value 'bad!' at 'tags.1.member.key' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: " + MODEL_TAG_KEY_PATTERN,
    ),
    "duplicate tag keys": (
        lambda i: {"tags": [{"key": "a", "value": "1"}, {"key": "a", "value": "2"}]},
        "InvalidParameterException",
        "Duplicate tag key: a. Tag keys must be unique.",
    ),
    "aws: tag prefix in any case": (
        lambda i: {"tags": [{"key": "AwS:team", "value": "x"}]},
        "InvalidParameterException",
        "Tag key must not start with aws:",
    ),
    "propagateTags outside its enum": (
        lambda i: {"propagateTags": "ALWAYS"},
        "InvalidParameterException",
        "1 validation error detected: Value 'ALWAYS' at 'propagateTags' failed to satisfy "
        "constraint: Member must satisfy enum value set: [TASK_DEFINITION, SERVICE, NONE]",
    ),
    "propagateTags SERVICE without a service": (
        lambda i: {"propagateTags": "SERVICE"},
        "InvalidParameterException",
        "propagateTags SERVICE is only valid for tasks started by a service.",
    ),
    "overrides over 8192 characters": (
        lambda i: {
            "overrides": {
                "containerOverrides": [{"name": "app", "command": ["x" * 8200]}],
            }
        },
        "InvalidParameterException",
        "Container Overrides length must be at most 8192",
    ),
    "override for an unknown container": (
        lambda i: {"overrides": {"containerOverrides": [{"name": "sidecar"}]}},
        "InvalidParameterException",
        "Override for container named sidecar is not a container in the TaskDefinition.",
    ),
    "override without a container name": (
        lambda i: {"overrides": {"containerOverrides": [{"cpu": 64}]}},
        "InvalidParameterException",
        "Container override name can not be blank.",
    ),
    "override memory under memoryReservation": (
        lambda i: {
            "overrides": {
                "containerOverrides": [{"name": "app", "memory": 64, "memoryReservation": 100}]
            }
        },
        "InvalidParameterException",
        "Invalid setting for container 'app'. "
        "'memory' must be greater than or equal to 'memoryReservation'.",
    ),
    "GPU override not a number": (
        lambda i: {
            "overrides": {
                "containerOverrides": [
                    {"name": "app", "resourceRequirements": [{"type": "GPU", "value": "two"}]}
                ]
            }
        },
        "InvalidParameterException",
        "Invalid GPU value two for container 'app'. It must be a positive whole number.",
    ),
    "GPU override negative": (
        lambda i: {
            "overrides": {
                "containerOverrides": [
                    {"name": "app", "resourceRequirements": [{"type": "GPU", "value": "-1"}]}
                ]
            }
        },
        "InvalidParameterException",
        "Invalid GPU value -1 for container 'app'. It must be a positive whole number.",
    ),
    "container instance id with ARN punctuation": (
        lambda i: {"containerInstances": ["default/" + i.rsplit("/", 1)[1]]},
        "InvalidParameterException",
        "Invalid identifier: default/",
    ),
    "task ARN given as a container instance": (
        lambda i: {"containerInstances": [f"{ARN}:task/default/{'a' * 32}"]},
        "InvalidParameterException",
        f"Invalid identifier: {ARN}:task/default/{'a' * 32} is not a container instance ARN",
    ),
    "negative cpu override": (
        lambda i: {"overrides": {"containerOverrides": [{"name": "app", "cpu": -1}]}},
        "InvalidParameterException",
        "Invalid 'cpu' override for container app.",
    ),
    "task cpu override not a size": (
        lambda i: {"overrides": {"cpu": "lots"}},
        "InvalidParameterException",
        "Invalid 'cpu' setting for task.",
    ),
    "task memory override not a size": (
        lambda i: {"overrides": {"memory": "0"}},
        "InvalidParameterException",
        "Invalid 'memory' setting for task.",
    ),
    "awsvpc without networkConfiguration": (
        lambda i: {"taskDefinition": "vpc"},
        "InvalidParameterException",
        "Network Configuration must be provided when networkMode 'awsvpc' is specified.",
    ),
    "networkConfiguration for bridge": (
        lambda i: {"networkConfiguration": NETWORK},
        "InvalidParameterException",
        "Network Configuration is not valid for the given networkMode of this task definition.",
    ),
    "assignPublicIp ENABLED": (
        lambda i: {
            "taskDefinition": "vpc",
            "networkConfiguration": {
                "awsvpcConfiguration": {"subnets": ["subnet-1"], "assignPublicIp": "ENABLED"}
            },
        },
        "InvalidParameterException",
        "Assign public IP is not supported for this launch type.",
    ),
    "awsvpc with no subnets": (
        lambda i: {
            "taskDefinition": "vpc",
            "networkConfiguration": {"awsvpcConfiguration": {"subnets": []}},
        },
        "InvalidParameterException",
        "subnets can not be empty.",
    ),
    "volume configuration with no configuredAtLaunch volume": (
        lambda i: {"volumeConfigurations": [VOLUME]},
        "InvalidParameterException",
        "Volume configuration provided but no matching configuredAtLaunch volume found in "
        "task definition.",
    ),
    "volume configuration naming another volume": (
        lambda i: {"taskDefinition": "ebs", "volumeConfigurations": [{**VOLUME, "name": "x"}]},
        "InvalidParameterException",
        "Volume configuration provided but no matching configuredAtLaunch volume found in "
        "task definition.",
    ),
    "configuredAtLaunch volume left unconfigured": (
        lambda i: {"taskDefinition": "ebs"},
        "InvalidParameterException",
        "Volume data is configuredAtLaunch and needs a volumeConfiguration.",
    ),
    "enableExecuteCommand not a boolean": (
        lambda i: {"enableExecuteCommand": "yes"},
        "InvalidParameterException",
        "enableExecuteCommand",
    ),
}


def _state(ecs_mock: EcsMock, instance: str) -> Any:
    described = ecs_mock.call("DescribeContainerInstances", containerInstances=[instance])
    (found,) = described["containerInstances"]
    tasks = ecs_mock.call("ListTasks")["taskArns"]
    stopped = ecs_mock.call("ListTasks", desiredStatus="STOPPED")["taskArns"]
    return found["remainingResources"], found["pendingTasksCount"], tasks, stopped


@pytest.mark.parametrize("name", list(CASES))
def test_refused_request_has_ecs_code_and_message_and_changes_nothing(
    ecs_mock: EcsMock, instance: str, name: str
) -> None:
    change, code, message = CASES[name]
    request: dict[str, Any] = {"taskDefinition": "app", "containerInstances": [instance]}
    request.update(change(instance))
    before = _state(ecs_mock, instance)

    with pytest.raises(ClientError) as raised:
        _raw_client().start_task(**request)

    error = raised.value.response["Error"]
    assert error["Code"] == code
    if message.isidentifier() or message.endswith("/"):
        assert message in error["Message"]  # the message must name the field or value
    else:
        assert error["Message"] == message
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert _state(ecs_mock, instance) == before


def test_implicit_default_cluster_must_exist(ecs_mock: EcsMock) -> None:
    instance = ecs_mock.add_container_instance("prod")
    ecs_mock.register_task_definition("app")
    client = boto3.client("ecs", region_name="us-east-1")

    with pytest.raises(ClientError) as raised:
        client.start_task(taskDefinition="app", containerInstances=[instance])

    assert raised.value.response["Error"] == {
        "Code": "ClusterNotFoundException",
        "Message": "Cluster not found.",
    }


def test_cluster_is_checked_before_the_task_definition(ecs: Any, instance: str) -> None:
    with pytest.raises(ClientError) as raised:
        ecs.start_task(cluster="nope", taskDefinition="nope", containerInstances=[instance])
    assert raised.value.response["Error"]["Code"] == "ClusterNotFoundException"


def test_request_rules_come_before_the_cluster(ecs: Any, instance: str) -> None:
    with pytest.raises(ClientError) as raised:
        ecs.start_task(
            cluster="nope", taskDefinition="app", containerInstances=[instance], startedBy="x" * 40
        )
    assert raised.value.response["Error"]["Message"] == "startedBy longer than 36."


def test_one_bad_instance_reference_refuses_the_whole_request(
    ecs_mock: EcsMock, ecs: Any, instance: str
) -> None:
    """An identifier error is request-level: even the good instance gets no task."""
    other = ecs_mock.add_container_instance("other")
    with pytest.raises(ClientError):
        ecs.start_task(taskDefinition="app", containerInstances=[instance, other])
    assert ecs.list_tasks()["taskArns"] == []


def test_instance_arn_with_a_trailing_newline_is_not_that_instance(ecs: Any, instance: str) -> None:
    # A regex `$` would accept the newline and place a task on `instance`.
    with pytest.raises(ecs.exceptions.InvalidParameterException) as raised:
        ecs.start_task(taskDefinition="app", containerInstances=[instance + "\n"])
    assert "is not a container instance ARN" in raised.value.response["Error"]["Message"]
    assert ecs.list_tasks()["taskArns"] == []


def test_overrides_at_the_limit_are_accepted(ecs: Any, instance: str) -> None:
    overrides = {"containerOverrides": [{"name": "app", "command": [""]}]}
    padding = 8192 - len(json.dumps(overrides, separators=(",", ":")))
    overrides["containerOverrides"][0]["command"] = ["x" * padding]

    started = ecs.start_task(
        taskDefinition="app", containerInstances=[instance], overrides=overrides
    )

    assert len(started["tasks"]) == 1


@pytest.mark.parametrize(
    "extra",
    [
        {"startedBy": "job-42/retry_1"},
        {"startedBy": "x" * 36},
        {"group": "g" * 255},
        {"tags": _tags(50)},
        {"tags": [{"key": "k" * 128, "value": "v" * 256}]},
        {"tags": []},
        {"propagateTags": "NONE"},
        {"referenceId": "ref-1"},
        {"enableECSManagedTags": False},
        {"taskDefinition": "old"},
        {"taskDefinition": "old:2"},
        {"taskDefinition": f"{ARN}:task-definition/app:1"},
        {"cluster": f"{ARN}:cluster/default"},
    ],
    ids=lambda extra: ",".join(extra),
)
def test_limits_and_forms_that_are_accepted(ecs: Any, instance: str, extra: dict[str, Any]) -> None:
    request: dict[str, Any] = {"taskDefinition": "app", "containerInstances": [instance]}
    request.update(extra)
    started = ecs.start_task(**request)
    assert len(started["tasks"]) == 1
    assert started["failures"] == []


def test_gpu_values_are_checked_at_registration_too(ecs: Any, ecs_mock: EcsMock) -> None:
    with pytest.raises(ClientError) as raised:
        ecs.register_task_definition(
            family="gpu",
            containerDefinitions=[
                {
                    "name": "train",
                    "image": "x",
                    "memory": 64,
                    "resourceRequirements": [{"type": "GPU", "value": "0"}],
                }
            ],
        )
    assert raised.value.response["Error"] == {
        "Code": "ClientException",
        "Message": "Invalid GPU value 0 for container 'train'. It must be a positive whole number.",
    }


def test_a_definition_that_requires_external_is_still_ec2_compatible(
    ecs_mock: EcsMock, ecs: Any, instance: str
) -> None:
    """requiresCompatibilities is checked at registration; what a task can run on is the
    computed `compatibilities`, which for a bridge definition is EXTERNAL and EC2 (as a
    FARGATE-requiring definition is still EC2-compatible, observed)."""
    definition = ecs.describe_task_definition(taskDefinition="edge")["taskDefinition"]
    assert definition["compatibilities"] == ["EXTERNAL", "EC2"]
    result = ecs.start_task(taskDefinition="edge", containerInstances=[instance])
    assert len(result["tasks"]) == 1

"""The StartTask response: the Task and Container objects as ECS returns them right after
StartTask (every response is also checked against the service model by the dispatcher)."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

import pytest
from freezegun import freeze_time

from ecs_mock import EcsMock

PREFIX = "arn:aws:ecs:us-east-1:123456789012"
NETWORK = {"awsvpcConfiguration": {"subnets": ["subnet-0123", "subnet-4567"]}}


@pytest.fixture
def instance(ecs_mock: EcsMock) -> str:
    ecs_mock.register_task_definition(
        "web",
        containers=[
            {"name": "nginx", "image": "nginx:1.27", "cpu": 256, "memory": 512},
            {"name": "log", "image": "fluentbit", "memoryReservation": 64},
        ],
        tags=[{"key": "team", "value": "web"}, {"key": "tier", "value": "front"}],
    )
    return ecs_mock.add_container_instance(
        "default", instance_type="m6g.large", availability_zone="us-east-1c"
    )


def _one(result: dict[str, Any]) -> dict[str, Any]:
    assert result["failures"] == []
    (task,) = result["tasks"]
    return dict(task)


def test_bridge_task_as_ecs_returns_it(ecs: Any, instance: str) -> None:
    task = _one(ecs.start_task(taskDefinition="web", containerInstances=[instance]))

    task_id = task["taskArn"].rsplit("/", 1)[1]
    assert re.fullmatch(r"[0-9a-f]{32}", task_id)
    assert task["taskArn"] == f"{PREFIX}:task/default/{task_id}"
    assert task["clusterArn"] == f"{PREFIX}:cluster/default"
    assert task["taskDefinitionArn"] == f"{PREFIX}:task-definition/web:1"
    assert task["containerInstanceArn"] == instance
    assert (task["lastStatus"], task["desiredStatus"], task["version"]) == (
        "PENDING",
        "RUNNING",
        1,
    )
    assert task["launchType"] == "EC2"
    assert task["group"] == "family:web"
    assert task["availabilityZone"] == "us-east-1c"
    assert task["attributes"] == [{"name": "ecs.cpu-architecture", "value": "arm64"}]
    assert task["enableExecuteCommand"] is False
    assert task["attachments"] == []
    assert task["tags"] == []
    assert task["overrides"] == {
        "containerOverrides": [{"name": "nginx"}, {"name": "log"}],
        "inferenceAcceleratorOverrides": [],
    }
    assert "startedBy" not in task
    # No task-level size in the definition: the containers' sums (AWS CLI run-task example 1),
    # memoryReservation standing in where memory is unset (Mock decision).
    assert (task["cpu"], task["memory"]) == ("256", "576")
    for absent in ("startedAt", "stoppedAt", "connectivity", "platformVersion", "stopCode"):
        assert absent not in task

    nginx, log = task["containers"]
    assert nginx["name"] == "nginx"
    assert re.fullmatch(
        rf"{PREFIX}:container/default/{task_id}/[0-9a-f]{{8}}-[0-9a-f]{{4}}-4[0-9a-f]{{3}}-"
        r"[89ab][0-9a-f]{3}-[0-9a-f]{12}",
        nginx["containerArn"],
    )
    assert nginx["containerArn"] != log["containerArn"]
    assert {c["taskArn"] for c in task["containers"]} == {task["taskArn"]}
    assert (nginx["image"], nginx["cpu"], nginx["memory"]) == ("nginx:1.27", "256", "512")
    assert "memoryReservation" not in nginx
    assert (log["image"], log["cpu"], log["memoryReservation"]) == ("fluentbit", "0", "64")
    assert "memory" not in log
    for container in task["containers"]:
        assert container["lastStatus"] == "PENDING"
        assert container["networkInterfaces"] == []
        for absent in ("networkBindings", "runtimeId", "exitCode", "managedAgents"):
            assert absent not in container


@pytest.mark.parametrize(
    "reference", ["web", "web:2", f"{PREFIX}:task-definition/web:2"], ids=["family", "rev", "arn"]
)
def test_task_definition_arn_is_resolved(
    ecs_mock: EcsMock, ecs: Any, instance: str, reference: str
) -> None:
    ecs_mock.register_task_definition("web", containers=[{"name": "a", "image": "x", "memory": 8}])
    ecs_mock.register_task_definition("web", containers=[{"name": "a", "image": "x", "memory": 8}])
    ecs.deregister_task_definition(taskDefinition="web:3")

    task = _one(ecs.start_task(taskDefinition=reference, containerInstances=[instance]))

    assert task["taskDefinitionArn"] == f"{PREFIX}:task-definition/web:2"


def test_created_at_follows_a_frozen_clock(ecs: Any, instance: str) -> None:
    with freeze_time("2024-02-29 12:34:56.789"):
        task = _one(ecs.start_task(taskDefinition="web", containerInstances=[instance]))
    assert task["createdAt"] == datetime(2024, 2, 29, 12, 34, 56, 789000, tzinfo=timezone.utc)


def test_requested_fields_are_echoed(ecs: Any, instance: str) -> None:
    overrides = {
        "containerOverrides": [
            {"name": "nginx", "command": ["nginx", "-g", "daemon off;"], "cpu": 128, "memory": 256}
        ],
        "cpu": "512",
        "memory": "1024",
    }
    task = _one(
        ecs.start_task(
            taskDefinition="web",
            containerInstances=[instance],
            startedBy="job-7",
            group="batch",
            overrides=overrides,
            referenceId="ref-1",
        )
    )
    assert task["startedBy"] == "job-7"
    assert task["group"] == "batch"
    assert task["overrides"] == {**overrides, "inferenceAcceleratorOverrides": []}
    assert (task["cpu"], task["memory"]) == ("512", "1024")
    nginx = task["containers"][0]
    assert (nginx["cpu"], nginx["memory"]) == ("128", "256")
    assert "referenceId" not in task


def test_task_level_size_is_returned_as_strings(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.register_task_definition(
        "sized", cpu="0.5 vCPU", memory="1 GB", containers=[{"name": "a", "image": "x"}]
    )
    instance = ecs_mock.add_container_instance("default")
    task = _one(ecs.start_task(taskDefinition="sized", containerInstances=[instance]))
    assert (task["cpu"], task["memory"]) == ("512", "1024")


def test_execute_command_adds_a_pending_agent_to_each_container(ecs: Any, instance: str) -> None:
    task = _one(
        ecs.start_task(
            taskDefinition="web", containerInstances=[instance], enableExecuteCommand=True
        )
    )
    assert task["enableExecuteCommand"] is True
    for container in task["containers"]:
        assert container["managedAgents"] == [
            {"name": "ExecuteCommandAgent", "lastStatus": "PENDING"}
        ]


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({}, []),
        ({"tags": [{"key": "job", "value": "7"}]}, [("job", "7")]),
        ({"propagateTags": "TASK_DEFINITION"}, [("team", "web"), ("tier", "front")]),
        ({"propagateTags": "NONE"}, []),
        (
            {"propagateTags": "TASK_DEFINITION", "tags": [{"key": "team", "value": "ops"}]},
            [("team", "ops"), ("tier", "front")],
        ),
        ({"enableECSManagedTags": True}, [("aws:ecs:clusterName", "default")]),
        (
            {
                "tags": [{"key": "job", "value": "7"}],
                "propagateTags": "TASK_DEFINITION",
                "enableECSManagedTags": True,
            },
            [("job", "7"), ("team", "web"), ("tier", "front"), ("aws:ecs:clusterName", "default")],
        ),
    ],
    ids=["none", "request", "propagated", "propagate-none", "request-wins", "managed", "all"],
)
def test_tags_compose(
    ecs: Any, instance: str, extra: dict[str, Any], expected: list[tuple[str, str]]
) -> None:
    task = _one(ecs.start_task(taskDefinition="web", containerInstances=[instance], **extra))

    assert [(t["key"], t["value"]) for t in task["tags"]] == expected
    listed = ecs.list_tags_for_resource(resourceArn=task["taskArn"])["tags"]
    assert [(t["key"], t["value"]) for t in listed] == expected


def test_awsvpc_task_is_provisioning_with_a_precreated_eni(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.register_task_definition(
        "vpc",
        networkMode="awsvpc",
        containers=[
            {"name": "a", "image": "x", "memory": 64, "portMappings": [{"containerPort": 80}]}
        ],
    )
    instance = ecs_mock.add_container_instance("default")

    task = _one(
        ecs.start_task(
            taskDefinition="vpc", containerInstances=[instance], networkConfiguration=NETWORK
        )
    )

    assert task["lastStatus"] == "PROVISIONING"
    (eni,) = task["attachments"]
    assert eni["type"] == "ElasticNetworkInterface"
    assert eni["status"] == "PRECREATED"
    assert re.fullmatch(r"[0-9a-f-]{36}", eni["id"])
    assert eni["details"] == [{"name": "subnetId", "value": "subnet-0123"}]
    assert task["containers"][0]["networkInterfaces"] == []


def test_volume_configuration_adds_an_ebs_attachment(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.register_task_definition(
        "db",
        volumes=[{"name": "data", "configuredAtLaunch": True}],
        containers=[{"name": "pg", "image": "postgres", "memory": 256}],
    )
    instance = ecs_mock.add_container_instance("default")
    role = "arn:aws:iam::123456789012:role/ecs-ebs"

    task = _one(
        ecs.start_task(
            taskDefinition="db",
            containerInstances=[instance],
            volumeConfigurations=[
                {
                    "name": "data",
                    "managedEBSVolume": {
                        "roleArn": role,
                        "sizeInGiB": 20,
                        "terminationPolicy": {"deleteOnTermination": False},
                    },
                }
            ],
        )
    )

    (ebs,) = task["attachments"]
    assert (ebs["type"], ebs["status"]) == ("AmazonElasticBlockStorage", "CREATED")
    assert ebs["details"] == [
        {"name": "roleArn", "value": role},
        {"name": "volumeName", "value": "data"},
        {"name": "deleteOnTermination", "value": "false"},
    ]


def test_describe_tasks_shows_the_started_task(ecs: Any, instance: str) -> None:
    task = _one(
        ecs.start_task(taskDefinition="web", containerInstances=[instance], startedBy="job-1")
    )
    (described,) = ecs.describe_tasks(tasks=[task["taskArn"]])["tasks"]
    assert described["taskArn"] == task["taskArn"]
    assert [c["containerArn"] for c in described["containers"]] == [
        c["containerArn"] for c in task["containers"]
    ]
    assert ecs.list_tasks(startedBy="job-1")["taskArns"] == [task["taskArn"]]


def test_each_task_of_one_call_has_its_own_ids(ecs: Any, instance: str) -> None:
    result = ecs.start_task(taskDefinition="web", containerInstances=[instance, instance])
    first, second = result["tasks"]
    assert first["taskArn"] != second["taskArn"]
    assert first["overrides"] == second["overrides"]
    container_arns = [c["containerArn"] for t in result["tasks"] for c in t["containers"]]
    assert len(set(container_arns)) == 4

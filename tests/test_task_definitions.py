"""RegisterTaskDefinition, DeregisterTaskDefinition, DescribeTaskDefinition,
ListTaskDefinitions and ListTaskDefinitionFamilies through real boto3 clients."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import boto3
import pytest
from freezegun import freeze_time

from ecs_mock import EcsMock

PREFIX = "arn:aws:ecs:us-east-1:123456789012:task-definition"
WEB = {"name": "web", "image": "nginx:1.27", "memory": 256}


def _register(ecs: Any, family: str = "app", **params: Any) -> dict[str, Any]:
    params.setdefault("containerDefinitions", [dict(WEB)])
    definition: dict[str, Any] = ecs.register_task_definition(family=family, **params)[
        "taskDefinition"
    ]
    return definition


def _arns(ecs: Any, **params: Any) -> list[str]:
    arns: list[str] = ecs.list_task_definitions(**params)["taskDefinitionArns"]
    return arns


def _families(ecs: Any, **params: Any) -> list[str]:
    families: list[str] = ecs.list_task_definition_families(**params)["families"]
    return families


def _message(raised: pytest.ExceptionInfo[Any]) -> str:
    message: str = raised.value.response["Error"]["Message"]
    return message


def _snapshot(ecs: Any) -> tuple[list[str], list[str], list[str]]:
    """Everything a rejected request could have changed."""
    return (
        _arns(ecs),
        _arns(ecs, status="INACTIVE"),
        _families(ecs, status="ALL"),
    )


# -- RegisterTaskDefinition -----------------------------------------------------------------


def test_revisions_count_up_per_family_and_survive_deregistration(
    ecs_mock: EcsMock, ecs: Any
) -> None:
    assert [_register(ecs, "app")["revision"] for _ in range(3)] == [1, 2, 3]
    assert _register(ecs, "other")["revision"] == 1
    ecs.deregister_task_definition(taskDefinition="app:3")
    ecs.deregister_task_definition(taskDefinition="app:2")
    # "always increases by one ... even if you deregistered previous revisions"
    fourth = _register(ecs, "app")
    assert fourth["revision"] == 4
    assert fourth["taskDefinitionArn"] == f"{PREFIX}/app:4"


@pytest.mark.parametrize(
    ("region", "partition"),
    [("us-east-1", "aws"), ("cn-north-1", "aws-cn"), ("us-gov-west-1", "aws-us-gov")],
)
def test_arn_carries_partition_region_and_account(
    ecs_mock: EcsMock, region: str, partition: str
) -> None:
    client = boto3.client("ecs", region_name=region)
    definition = _register(client, "batch-job_2")
    assert definition["taskDefinitionArn"] == (
        f"arn:{partition}:ecs:{region}:{ecs_mock.account_id}:task-definition/batch-job_2:1"
    )
    assert definition["family"] == "batch-job_2"
    described = client.describe_task_definition(taskDefinition=definition["taskDefinitionArn"])
    assert described["taskDefinition"]["taskDefinitionArn"] == definition["taskDefinitionArn"]


@pytest.mark.ecs_mock(account_id="210987654321")
def test_arn_uses_the_mock_account(ecs: Any) -> None:
    arn = _register(ecs)["taskDefinitionArn"]
    assert arn == "arn:aws:ecs:us-east-1:210987654321:task-definition/app:1"


def test_bridge_registration_response(ecs_mock: EcsMock, ecs: Any) -> None:
    with freeze_time("2024-02-29 12:34:56.789"):
        definition = _register(
            ecs,
            containerDefinitions=[
                dict(WEB),
                {
                    "name": "sidecar",
                    "image": "fluentbit",
                    "memoryReservation": 64,
                    "essential": False,
                    "environment": [{"name": "LEVEL", "value": "debug"}],
                },
            ],
        )
    assert definition["status"] == "ACTIVE"
    assert definition["networkMode"] == "bridge"
    # ECS Anywhere runs bridge tasks too (AWS CLI register-task-definition example).
    assert definition["compatibilities"] == ["EXTERNAL", "EC2"]
    assert definition["requiresAttributes"] == []
    assert definition["placementConstraints"] == []
    assert definition["volumes"] == []
    assert definition["registeredAt"] == datetime(
        2024, 2, 29, 12, 34, 56, 789000, tzinfo=timezone.utc
    )
    assert "deregisteredAt" not in definition
    # Without a task-level size none is reported.
    assert "cpu" not in definition
    assert "memory" not in definition
    web, sidecar = definition["containerDefinitions"]
    assert web == {
        **WEB,
        "portMappings": [],
        "environment": [],
        "mountPoints": [],
        "volumesFrom": [],
        "essential": True,
        "cpu": 0,
    }
    # Defaults only fill what the caller left out.
    assert sidecar["essential"] is False
    assert sidecar["environment"] == [{"name": "LEVEL", "value": "debug"}]
    assert sidecar["memoryReservation"] == 64
    assert "memory" not in sidecar
    assert ecs.describe_task_definition(taskDefinition="app:1")["taskDefinition"] == definition


def test_awsvpc_with_task_size_is_also_fargate_compatible(ecs_mock: EcsMock, ecs: Any) -> None:
    definition = _register(
        ecs,
        networkMode="awsvpc",
        cpu="0.5 vCPU",
        memory="1 GB",
        containerDefinitions=[{"name": "web", "image": "nginx"}],
        taskRoleArn="arn:aws:iam::123456789012:role/app",
    )
    assert definition["networkMode"] == "awsvpc"
    assert definition["compatibilities"] == ["EC2", "FARGATE"]
    # ECS stores task sizes in units whatever form was sent.
    assert (definition["cpu"], definition["memory"]) == ("512", "1024")
    assert {a["name"] for a in definition["requiresAttributes"]} == {
        "ecs.capability.task-eni",
        "com.amazonaws.ecs.capability.task-iam-role",
    }
    # Task memory stands in for the container's own memory setting.
    assert "memory" not in definition["containerDefinitions"][0]


def test_awsvpc_without_task_size_is_ec2_only(ecs_mock: EcsMock, ecs: Any) -> None:
    definition = _register(ecs, networkMode="awsvpc")
    assert definition["compatibilities"] == ["EC2"]
    assert definition["requiresAttributes"] == [{"name": "ecs.capability.task-eni"}]


def test_explicit_fargate_registration(ecs_mock: EcsMock, ecs: Any) -> None:
    definition = _register(
        ecs,
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        containerDefinitions=[{"name": "web", "image": "nginx"}],
    )
    assert definition["compatibilities"] == ["EC2", "FARGATE"]
    assert definition["requiresCompatibilities"] == ["FARGATE"]


def _no_memory() -> dict[str, Any]:
    return {"containerDefinitions": [{"name": "web", "image": "nginx"}]}


REJECTED: list[tuple[str, dict[str, Any], str, str]] = [
    (
        "no memory on an EC2 container",
        _no_memory(),
        "ClientException",
        "Invalid setting for container 'web'. "
        "At least one of 'memory' or 'memoryReservation' must be specified.",
    ),
    (
        "blank container name",
        {"containerDefinitions": [{**WEB, "name": ""}]},
        "ClientException",
        "Container.name should not be null or empty.",
    ),
    (
        "container without a name",
        {"containerDefinitions": [{"image": "nginx", "memory": 128}]},
        "ClientException",
        "Container.name should not be null or empty.",
    ),
    (
        "no containers",
        {"containerDefinitions": []},
        "ClientException",
        "Container list cannot be empty.",
    ),
    ("empty tags", {"tags": []}, "ClientException", "Tags can not be empty."),
    (
        "aws: tag",
        {"tags": [{"key": "aws:owner", "value": "me"}]},
        "InvalidParameterException",
        "Tag key must not start with aws:",
    ),
    (
        "bad task cpu",
        {"cpu": "lots"},
        "InvalidParameterException",
        "Invalid 'cpu' setting for task.",
    ),
    ("zero task cpu", {"cpu": "0"}, "InvalidParameterException", "Invalid 'cpu' setting for task."),
    (
        "memory below memoryReservation",
        {"containerDefinitions": [{**WEB, "memory": 128, "memoryReservation": 256}]},
        "ClientException",
        "Invalid setting for container 'web'. "
        "'memory' must be greater than or equal to 'memoryReservation'.",
    ),
    (
        "no essential container",
        {
            "containerDefinitions": [
                {**WEB, "essential": False},
                {**WEB, "name": "log", "essential": False},
            ]
        },
        "ClientException",
        "Task definition doesn't have any essential container.",
    ),
    (
        # Fails only after every container check passed: the last chance to leave state behind.
        "Fargate without task cpu",
        {"networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "memory": "512"},
        "ClientException",
        "Fargate requires that 'cpu' be defined at the task level.",
    ),
]


@pytest.mark.parametrize(
    ("overrides", "code", "message"),
    [case[1:] for case in REJECTED],
    ids=[case[0] for case in REJECTED],
)
@pytest.mark.parametrize("family", ["app", "fresh"])
def test_rejected_registration_changes_nothing(
    ecs_mock: EcsMock,
    ecs: Any,
    family: str,
    overrides: dict[str, Any],
    code: str,
    message: str,
) -> None:
    _register(ecs, "app")
    before = _snapshot(ecs)
    with pytest.raises(getattr(ecs.exceptions, code)) as raised:
        ecs.register_task_definition(
            **{"family": family, "containerDefinitions": [dict(WEB)], **overrides}
        )
    assert _message(raised) == message
    assert _snapshot(ecs) == before
    # A refused request uses up no revision number.
    assert _register(ecs, family)["revision"] == (2 if family == "app" else 1)


@pytest.mark.parametrize(
    ("family", "message"),
    [
        ("", "Family can not be blank."),
        ("my app", "Family contains invalid characters."),
        ("app:2", "Family contains invalid characters."),
        ("web/api", "Family contains invalid characters."),
    ],
)
def test_bad_family_is_refused(ecs_mock: EcsMock, ecs: Any, family: str, message: str) -> None:
    _register(ecs, "app")
    before = _snapshot(ecs)
    with pytest.raises(ecs.exceptions.ClientException) as raised:
        ecs.register_task_definition(family=family, containerDefinitions=[dict(WEB)])
    assert _message(raised) == message
    assert _snapshot(ecs) == before


def test_task_memory_satisfies_containers_without_memory(ecs_mock: EcsMock, ecs: Any) -> None:
    definition = _register(ecs, memory="512", **_no_memory())
    assert definition["memory"] == "512"
    assert definition["compatibilities"] == ["EXTERNAL", "EC2"]


def test_memory_equal_to_reservation_is_accepted(ecs_mock: EcsMock, ecs: Any) -> None:
    container = {**WEB, "memory": 256, "memoryReservation": 256}
    definition = _register(ecs, containerDefinitions=[container])
    assert definition["containerDefinitions"][0]["memoryReservation"] == 256


# -- tags -----------------------------------------------------------------------------------


def test_tags_on_register_and_describe_include(ecs_mock: EcsMock, ecs: Any) -> None:
    tags = [{"key": "team", "value": "data"}, {"key": "cost-centre", "value": "42"}]
    reply = ecs.register_task_definition(family="app", containerDefinitions=[dict(WEB)], tags=tags)
    assert reply["tags"] == tags
    _register(ecs, "app")  # revision 2, untagged

    plain = ecs.describe_task_definition(taskDefinition="app:1")
    assert plain.get("tags", []) == []
    assert ecs.describe_task_definition(taskDefinition="app:1", include=["TAGS"])["tags"] == tags
    # Tags belong to one revision, not to the family.
    assert ecs.describe_task_definition(taskDefinition="app", include=["TAGS"])["tags"] == []
    listed = ecs.list_tags_for_resource(resourceArn=f"{PREFIX}/app:1")["tags"]
    assert listed == tags


def test_tags_added_later_are_described(ecs_mock: EcsMock, ecs: Any) -> None:
    arn = _register(ecs)["taskDefinitionArn"]
    ecs.tag_resource(resourceArn=arn, tags=[{"key": "stage", "value": "prod"}])
    described = ecs.describe_task_definition(taskDefinition=arn, include=["TAGS"])
    assert described["tags"] == [{"key": "stage", "value": "prod"}]


# -- DescribeTaskDefinition -----------------------------------------------------------------


def _three_images(ecs: Any) -> list[str]:
    images = ["nginx:1", "nginx:2", "nginx:3"]
    for image in images:
        _register(ecs, containerDefinitions=[{**WEB, "image": image}])
    return images


def _described(ecs: Any, reference: str) -> dict[str, Any]:
    definition: dict[str, Any] = ecs.describe_task_definition(taskDefinition=reference)[
        "taskDefinition"
    ]
    return definition


def test_describe_by_family_revision_and_arn(ecs_mock: EcsMock, ecs: Any) -> None:
    images = _three_images(ecs)
    latest = _described(ecs, "app")
    assert (latest["revision"], latest["containerDefinitions"][0]["image"]) == (3, images[2])
    second = _described(ecs, "app:2")
    assert (second["revision"], second["containerDefinitions"][0]["image"]) == (2, images[1])
    first = _described(ecs, f"{PREFIX}/app:1")
    assert (first["revision"], first["containerDefinitions"][0]["image"]) == (1, images[0])


@pytest.mark.parametrize(
    "reference",
    [
        "nope",
        "app:4",
        "app:0",
        "app:latest",
        "nope:1",
        f"{PREFIX}/app:9",
        "arn:aws:ecs:eu-west-1:123456789012:task-definition/app:1",
        "arn:aws:ecs:us-east-1:999999999999:task-definition/app:1",
    ],
)
def test_describe_unknown(ecs_mock: EcsMock, ecs: Any, reference: str) -> None:
    _three_images(ecs)
    with pytest.raises(ecs.exceptions.ClientException) as raised:
        ecs.describe_task_definition(taskDefinition=reference)
    assert _message(raised) == "Unable to describe task definition."


# -- DeregisterTaskDefinition ---------------------------------------------------------------


def test_deregister_marks_the_revision_inactive(ecs_mock: EcsMock, ecs: Any) -> None:
    _three_images(ecs)
    with freeze_time("2024-03-01 08:00:00.250"):
        reply = ecs.deregister_task_definition(taskDefinition="app:3")["taskDefinition"]
    assert reply["status"] == "INACTIVE"
    assert reply["revision"] == 3
    assert reply["deregisteredAt"] == datetime(2024, 3, 1, 8, 0, 0, 250000, tzinfo=timezone.utc)
    # The inactive revision stays describable by name ...
    inactive = _described(ecs, "app:3")
    assert inactive["status"] == "INACTIVE"
    assert inactive["deregisteredAt"] == reply["deregisteredAt"]
    # ... while the bare family moves to the newest revision still ACTIVE.
    latest = _described(ecs, "app")
    assert (latest["revision"], latest["status"]) == (2, "ACTIVE")
    assert "deregisteredAt" not in latest


def test_deregister_by_arn(ecs_mock: EcsMock, ecs: Any) -> None:
    arn = _register(ecs)["taskDefinitionArn"]
    assert ecs.deregister_task_definition(taskDefinition=arn)["taskDefinition"]["status"] == (
        "INACTIVE"
    )
    assert _arns(ecs) == []
    assert _arns(ecs, status="INACTIVE") == [arn]


def test_family_with_no_active_revision_is_not_describable(ecs_mock: EcsMock, ecs: Any) -> None:
    _register(ecs)
    ecs.deregister_task_definition(taskDefinition="app:1")
    with pytest.raises(ecs.exceptions.ClientException) as raised:
        ecs.describe_task_definition(taskDefinition="app")
    assert _message(raised) == "Unable to describe task definition."
    assert _described(ecs, "app:1")["status"] == "INACTIVE"


def test_deregistering_twice_keeps_the_first_deregistration(ecs_mock: EcsMock, ecs: Any) -> None:
    _register(ecs)
    with freeze_time("2024-03-01 08:00:00"):
        first = ecs.deregister_task_definition(taskDefinition="app:1")["taskDefinition"]
    with freeze_time("2024-03-02 09:30:00"):
        again = ecs.deregister_task_definition(taskDefinition="app:1")["taskDefinition"]
    assert again["status"] == "INACTIVE"
    assert again["deregisteredAt"] == first["deregisteredAt"]
    assert again["deregisteredAt"] == datetime(2024, 3, 1, 8, 0, tzinfo=timezone.utc)


def test_start_task_refuses_an_inactive_revision(ecs_mock: EcsMock, ecs: Any) -> None:
    instance = ecs_mock.add_container_instance("default")
    _register(ecs)
    _register(ecs)
    ecs.deregister_task_definition(taskDefinition="app:2")
    with pytest.raises(ecs.exceptions.InvalidParameterException) as raised:
        ecs.start_task(taskDefinition="app:2", containerInstances=[instance])
    assert _message(raised) == "TaskDefinition is inactive"
    assert ecs.list_tasks()["taskArns"] == []
    # The family alone still starts, on the ACTIVE revision.
    task = ecs.start_task(taskDefinition="app", containerInstances=[instance])["tasks"][0]
    assert task["taskDefinitionArn"] == f"{PREFIX}/app:1"


@pytest.mark.parametrize(
    ("reference", "message"),
    [
        ("app", "Revision is missing."),
        (f"{PREFIX}/app", "Revision is missing."),
        ("app:7", "The specified task definition does not exist."),
        ("nope:1", "The specified task definition does not exist."),
        (
            "arn:aws:ecs:eu-west-1:123456789012:task-definition/app:1",
            "The specified task definition does not exist.",
        ),
    ],
)
def test_deregister_refusals_change_nothing(
    ecs_mock: EcsMock, ecs: Any, reference: str, message: str
) -> None:
    _register(ecs)
    before = _snapshot(ecs)
    with pytest.raises(ecs.exceptions.ClientException) as raised:
        ecs.deregister_task_definition(taskDefinition=reference)
    assert _message(raised) == message
    assert _snapshot(ecs) == before
    assert _described(ecs, "app:1")["status"] == "ACTIVE"


# -- ListTaskDefinitions --------------------------------------------------------------------


@pytest.fixture
def catalogue(ecs_mock: EcsMock, ecs: Any) -> None:
    """api:1-3 (api:2 INACTIVE), apiworker:1, web:1-2; registered out of name order."""
    for family in ("web", "api", "apiworker", "api", "web", "api"):
        _register(ecs, family)
    ecs.deregister_task_definition(taskDefinition="api:2")


def _short(arns: list[str]) -> list[str]:
    return [arn.rpartition("/")[2] for arn in arns]


ACTIVE_ASC = ["api:1", "api:3", "apiworker:1", "web:1", "web:2"]


@pytest.mark.usefixtures("catalogue")
def test_list_defaults_to_active_sorted_by_family_then_revision(ecs: Any) -> None:
    assert _short(_arns(ecs)) == ACTIVE_ASC
    assert _short(_arns(ecs, sort="ASC")) == ACTIVE_ASC
    assert _short(_arns(ecs, status="ACTIVE")) == ACTIVE_ASC
    assert _arns(ecs)[0] == f"{PREFIX}/api:1"


@pytest.mark.usefixtures("catalogue")
def test_list_desc_reverses_family_and_revision(ecs: Any) -> None:
    assert _short(_arns(ecs, sort="DESC")) == ACTIVE_ASC[::-1]


@pytest.mark.usefixtures("catalogue")
def test_list_inactive(ecs: Any) -> None:
    assert _short(_arns(ecs, status="INACTIVE")) == ["api:2"]


@pytest.mark.usefixtures("catalogue")
def test_list_family_prefix_is_the_full_family_name(ecs: Any) -> None:
    # Unlike ListTaskDefinitionFamilies, "api" does not match "apiworker" here.
    assert _short(_arns(ecs, familyPrefix="api")) == ["api:1", "api:3"]
    assert _short(_arns(ecs, familyPrefix="api", sort="DESC")) == ["api:3", "api:1"]
    assert _short(_arns(ecs, familyPrefix="api", status="INACTIVE")) == ["api:2"]
    assert _arns(ecs, familyPrefix="ap") == []
    assert _arns(ecs, familyPrefix="nope") == []


@pytest.mark.usefixtures("catalogue")
@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ACTIVE_ASC),
        ({"sort": "DESC"}, ACTIVE_ASC[::-1]),
        ({"familyPrefix": "web"}, ["web:1", "web:2"]),
    ],
)
def test_list_paginates(ecs: Any, params: dict[str, Any], expected: list[str]) -> None:
    paginator = ecs.get_paginator("list_task_definitions")
    pages = list(paginator.paginate(**params, PaginationConfig={"PageSize": 2}))
    assert [len(page["taskDefinitionArns"]) for page in pages] == [
        min(2, len(expected) - start) for start in range(0, len(expected), 2)
    ]
    assert _short([arn for page in pages for arn in page["taskDefinitionArns"]]) == expected
    assert "nextToken" not in pages[-1]


@pytest.mark.usefixtures("catalogue")
def test_list_next_token_by_hand(ecs: Any) -> None:
    first = ecs.list_task_definitions(maxResults=3)
    assert _short(first["taskDefinitionArns"]) == ACTIVE_ASC[:3]
    rest = ecs.list_task_definitions(maxResults=3, nextToken=first["nextToken"])
    assert _short(rest["taskDefinitionArns"]) == ACTIVE_ASC[3:]
    assert "nextToken" not in rest
    assert "nextToken" not in ecs.list_task_definitions(maxResults=5)


# -- ListTaskDefinitionFamilies -------------------------------------------------------------


@pytest.fixture
def families(ecs_mock: EcsMock, ecs: Any) -> None:
    """api and apiworker ACTIVE; mixed has an INACTIVE and an ACTIVE revision; old only INACTIVE."""
    for family in ("old", "mixed", "mixed", "apiworker", "api"):
        _register(ecs, family)
    ecs.deregister_task_definition(taskDefinition="old:1")
    ecs.deregister_task_definition(taskDefinition="mixed:1")


@pytest.mark.usefixtures("families")
@pytest.mark.parametrize(
    ("status", "expected"),
    [
        # Documented: "By default, both ACTIVE and INACTIVE task definition families are listed."
        (None, ["api", "apiworker", "mixed", "old"]),
        ("ALL", ["api", "apiworker", "mixed", "old"]),
        ("ACTIVE", ["api", "apiworker", "mixed"]),
        # INACTIVE: families without any ACTIVE revision, so not "mixed".
        ("INACTIVE", ["old"]),
    ],
)
def test_families_by_status(ecs: Any, status: str | None, expected: list[str]) -> None:
    params = {} if status is None else {"status": status}
    assert _families(ecs, **params) == expected


@pytest.mark.usefixtures("families")
def test_families_prefix_is_a_prefix(ecs: Any) -> None:
    assert _families(ecs, familyPrefix="api") == ["api", "apiworker"]
    assert _families(ecs, familyPrefix="apiw") == ["apiworker"]
    assert _families(ecs, familyPrefix="o", status="ACTIVE") == []
    assert _families(ecs, familyPrefix="o", status="INACTIVE") == ["old"]
    assert _families(ecs, familyPrefix="zzz") == []


def test_family_becomes_inactive_with_its_last_revision(ecs_mock: EcsMock, ecs: Any) -> None:
    _register(ecs)
    _register(ecs)
    ecs.deregister_task_definition(taskDefinition="app:1")
    assert _families(ecs, status="INACTIVE") == []
    ecs.deregister_task_definition(taskDefinition="app:2")
    assert _families(ecs, status="INACTIVE") == ["app"]
    assert _families(ecs, status="ACTIVE") == []
    _register(ecs)
    assert _families(ecs, status="ACTIVE") == ["app"]


@pytest.mark.usefixtures("families")
@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["api", "apiworker", "mixed", "old"]),
        ({"status": "ACTIVE"}, ["api", "apiworker", "mixed"]),
        ({"familyPrefix": "api"}, ["api", "apiworker"]),
    ],
)
def test_families_paginate(ecs: Any, params: dict[str, Any], expected: list[str]) -> None:
    paginator = ecs.get_paginator("list_task_definition_families")
    pages = list(paginator.paginate(**params, PaginationConfig={"PageSize": 1}))
    assert [page["families"] for page in pages] == [[family] for family in expected]
    size = len(expected) - 1
    first = ecs.list_task_definition_families(maxResults=size, **params)
    assert first["families"] == expected[:size]
    rest = ecs.list_task_definition_families(
        maxResults=size, nextToken=first["nextToken"], **params
    )
    assert rest == {"families": expected[size:], "ResponseMetadata": rest["ResponseMetadata"]}

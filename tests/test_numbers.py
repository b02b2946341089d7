"""Numbers callers write: sizes are never negative, digits are ASCII digits, numbers beyond
what ECS stores are validation errors, and NaN or Infinity is neither accepted nor ever sent.

Each of these answered HTTP 500 (a Python ValueError, OverflowError or RecursionError), or was
accepted and echoed, before."""

from __future__ import annotations

import base64
import json
import math
import sys
from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from ecs_mock import EcsMock, mock_ecs
from ecs_mock.protocol import TARGET_PREFIX, reply
from ecs_mock.server import EcsServer

CONTAINER = {"name": "c", "image": "x", "memory": 64}


@pytest.fixture
def raw(ecs_mock: EcsMock) -> Any:
    """A boto3 client that sends what it is given (no client-side validation)."""
    import boto3

    return boto3.client("ecs", region_name="us-east-1", config=Config(parameter_validation=False))


def _code(call: Any, **params: Any) -> str:
    with pytest.raises(ClientError) as raised:
        call(**params)
    code: str = raised.value.response["Error"]["Code"]
    return code


# -- negative sizes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "container",
    [
        {**CONTAINER, "cpu": -512},
        {**CONTAINER, "memory": -1},
        {**CONTAINER, "memoryReservation": -64},
        {"name": "c", "image": "x", "memory": 0},  # no memory at all (ECS wants a non-zero one)
        {**CONTAINER, "portMappings": [{"containerPort": 70000}]},
        {**CONTAINER, "portMappings": [{"containerPort": 80, "hostPort": -1}]},
        {**CONTAINER, "portMappings": [{"containerPort": 80, "hostPort": 65536}]},
    ],
    ids=[
        "cpu",
        "memory",
        "reservation",
        "zero-memory",
        "container-port",
        "host-port-low",
        "host-port-high",
    ],
)
def test_negative_or_out_of_range_container_values_are_refused(
    ecs_mock: EcsMock, ecs: Any, container: dict[str, Any]
) -> None:
    code = _code(ecs.register_task_definition, family="f", containerDefinitions=[container])
    assert code == "ClientException"
    assert ecs.list_task_definitions()["taskDefinitionArns"] == []


def test_negative_sizes_cannot_make_room(ecs_mock: EcsMock, ecs: Any) -> None:
    """The attack of the report: a container of -1024 CPU beside one of 1024, twenty times."""
    containers = [
        {"name": "big", "image": "x", "cpu": 1024, "memory": 64},
        {"name": "minus", "image": "x", "cpu": -1024, "memory": 64},
    ]
    assert _code(ecs.register_task_definition, family="f", containerDefinitions=containers) == (
        "ClientException"
    )


@pytest.mark.parametrize("key", ["cpu", "memory", "memoryReservation"])
def test_negative_overrides_are_refused(ecs_mock: EcsMock, ecs: Any, key: str) -> None:
    ecs_mock.register_task_definition("app")
    instance = ecs_mock.add_container_instance("default")
    overrides = {"containerOverrides": [{"name": "app", key: -128}]}
    code = _code(
        ecs.start_task, taskDefinition="app", containerInstances=[instance], overrides=overrides
    )
    assert code == "InvalidParameterException"
    assert ecs.list_tasks()["taskArns"] == []


@pytest.mark.parametrize(
    "size",
    [
        "0",
        "0 vCPU",
        "0.0001 vCPU",
        "-1",
        "\u0661\u0660\u0662\u0664",  # Arabic-Indic digits
        "1024\u00a0",  # a no-break space: whitespace to Python, not to ECS
        "9" * 11,
        "9" * 400 + " vCPU",
        "9" * 5000,
    ],
)
def test_task_sizes_outside_whole_positive_ascii_units_are_refused(
    ecs_mock: EcsMock, ecs: Any, size: str
) -> None:
    code = _code(
        ecs.register_task_definition, family="f", containerDefinitions=[CONTAINER], cpu=size
    )
    assert code == "InvalidParameterException"
    ecs_mock.register_task_definition("app")
    instance = ecs_mock.add_container_instance("default")
    code = _code(
        ecs.start_task,
        taskDefinition="app",
        containerInstances=[instance],
        overrides={"memory": size},
    )
    assert code == "InvalidParameterException"


@pytest.mark.parametrize("value", ["²", "\u0663", "0", "-1", "1.5", "9" * 11, "9" * 5000])
def test_gpu_values_must_be_positive_ascii_whole_numbers(
    ecs_mock: EcsMock, ecs: Any, value: str
) -> None:
    gpu = [{"type": "GPU", "value": value}]
    code = _code(
        ecs.register_task_definition,
        family="f",
        containerDefinitions=[{**CONTAINER, "resourceRequirements": gpu}],
    )
    assert code == "ClientException"
    ecs_mock.register_task_definition("app")
    instance = ecs_mock.add_container_instance("default", gpus=1)
    overrides = {"containerOverrides": [{"name": "app", "resourceRequirements": gpu}]}
    code = _code(
        ecs.start_task, taskDefinition="app", containerInstances=[instance], overrides=overrides
    )
    assert code == "InvalidParameterException"


# -- revisions, tokens and other digits written as text -----------------------------------------


@pytest.mark.parametrize("revision", ["²", "\u0661", "9" * 4301, "9" * 20, "+1", " 1"])
def test_revisions_are_ascii_digits_of_a_possible_revision(
    ecs_mock: EcsMock, ecs: Any, revision: str
) -> None:
    arn = ecs_mock.register_task_definition("app")
    instance = ecs_mock.add_container_instance("default")
    reference = f"app:{revision}"
    code = _code(ecs.start_task, taskDefinition=reference, containerInstances=[instance])
    assert code == "ClientException"
    assert _code(ecs.describe_task_definition, taskDefinition=reference) == "ClientException"
    # DeregisterTaskDefinition: "Invalid revision number. Number: ..." when it is not digits.
    digits = revision.isascii() and revision.isdigit()
    expected = "ClientException" if digits else "InvalidParameterException"
    assert _code(ecs.deregister_task_definition, taskDefinition=reference) == expected
    foreign = arn.rsplit(":", 1)[0] + ":" + revision
    assert _code(ecs.list_tags_for_resource, resourceArn=foreign) == "ResourceNotFoundException"


@pytest.mark.parametrize(
    "offset", [str(sys.maxsize + 1), "9" * 5000, "²", "-1", " 1", "1_0"], ids=repr
)
def test_next_tokens_beyond_any_list_are_refused(ecs_mock: EcsMock, ecs: Any, offset: str) -> None:
    ecs_mock.create_cluster("default")
    token = base64.urlsafe_b64encode(offset.encode()).decode()
    for call in (ecs.list_clusters, ecs.list_task_definitions, ecs.list_tasks):
        assert _code(call, nextToken=token) == "InvalidParameterException"


def test_identity_documents_nested_too_deep_are_refused(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.create_cluster("default")
    document = "[" * 100_000 + "]" * 100_000
    code = _code(ecs.register_container_instance, instanceIdentityDocument=document)
    assert code == "InvalidParameterException"
    assert ecs.list_container_instances()["containerInstanceArns"] == []


@pytest.mark.parametrize("value", [2**31, -(2**31) - 1, 10**400])
def test_integers_beyond_ecs_integers_are_validation_errors(
    ecs_mock: EcsMock, raw: Any, value: int
) -> None:
    with pytest.raises(ClientError) as raised:
        raw.register_task_definition(family="f", containerDefinitions=[{**CONTAINER, "cpu": value}])
    error = raised.value.response["Error"]
    assert error["Code"] == "InvalidParameterException"
    assert "containerDefinitions.1.member.cpu" in error["Message"]
    assert len(error["Message"]) < 400  # the number is not echoed digit by digit


def test_the_largest_integer_is_still_accepted(ecs_mock: EcsMock, raw: Any) -> None:
    ecs_mock.create_cluster("default")
    reply_ = raw.register_container_instance(
        totalResources=[{"name": "CPU", "type": "INTEGER", "integerValue": 2**31 - 1}]
    )
    registered = reply_["containerInstance"]["registeredResources"]
    assert next(r for r in registered if r["name"] == "CPU")["integerValue"] == 2**31 - 1


# -- NaN and Infinity ------------------------------------------------------------------------------


def _strict(body: bytes) -> Any:
    """JSON as Node's JSON.parse reads it: NaN and Infinity are not JSON."""

    def refuse(name: str) -> None:
        raise ValueError(name)

    return json.loads(body, parse_constant=refuse)


NON_FINITE = [
    '{"totalResources": [{"name": "X", "type": "DOUBLE", "doubleValue": NaN}]}',
    '{"totalResources": [{"name": "X", "type": "DOUBLE", "doubleValue": Infinity}]}',
    '{"totalResources": [{"name": "X", "type": "DOUBLE", "doubleValue": -Infinity}]}',
    '{"totalResources": [{"name": "X", "type": "DOUBLE", "doubleValue": 1e999}]}',
]


@pytest.mark.parametrize("body", NON_FINITE, ids=["nan", "infinity", "minus-infinity", "1e999"])
def test_non_finite_numbers_are_refused_and_never_echoed(body: str) -> None:
    with mock_ecs() as mock:
        mock.create_cluster("default")
        answer = mock.dispatcher.handle(
            TARGET_PREFIX + "RegisterContainerInstance", body, "us-east-1", None
        )
        assert answer.status == 400
        assert _strict(answer.body)["__type"] == "SerializationException"
        assert mock.call("ListContainerInstances")["containerInstanceArns"] == []


def test_finite_doubles_are_still_accepted() -> None:
    with mock_ecs() as mock:
        mock.create_cluster("default")
        resources = [{"name": "X", "type": "DOUBLE", "doubleValue": 1.5e300}]
        instance = mock.call("RegisterContainerInstance", totalResources=resources)
        extra = instance["containerInstance"]["registeredResources"][-1]
        assert extra["doubleValue"] == 1.5e300


def test_the_encoder_refuses_to_emit_non_finite_numbers() -> None:
    assert reply(200, {"x": 1.0}).body == b'{"x":1.0}'
    with pytest.raises(ValueError, match="not JSON compliant"):
        reply(200, {"x": math.nan})


def test_the_server_refuses_non_finite_and_deep_control_bodies() -> None:
    import urllib.error
    import urllib.request

    deep = b'{"state": ' * 5000 + b'"RUNNING"' + b"}" * 5000
    with EcsServer(port=0, empty=True) as server:
        for body in (b'{"state": NaN}', deep, b'{"empty": Infinity}'):
            path = "advance" if body.startswith(b'{"state"') else "reset"
            request = urllib.request.Request(
                f"{server.url}/_ecs_mock/{path}",
                data=body,
                method="POST",
                headers={"Content-Type": "application/json"},
            )
            with pytest.raises(urllib.error.HTTPError) as raised:
                urllib.request.urlopen(request, timeout=10)
            assert raised.value.code == 400
            assert _strict(raised.value.read())["__type"] == "SerializationException"

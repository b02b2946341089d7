"""Tests for ecs_mock._schema: JSON Schema generated from botocore's ECS model."""

from __future__ import annotations

import copy
import itertools
import json
import re
import subprocess
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from budget import FULL, budget
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecs_mock import _schema
from ecs_mock._schema import (
    ResponseSchemaError,
    SchemaGenerator,
    check_response,
    known_operations,
    request_violation,
    translate_pattern,
)
from ecs_mock.backend.operations import OPERATIONS

REPO_ROOT = Path(__file__).resolve().parents[1]

ACCOUNT = "123456789012"
REGION = "us-east-1"
CLUSTER_ARN = f"arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/default"
INSTANCE_ARN_PREFIX = f"arn:aws:ecs:{REGION}:{ACCOUNT}:container-instance/default"
TAG_ALLOWED_PUNCTUATION = "_.:/=+-@"
# Messages quote the model's own spelling, which differs between botocore releases (older ones
# anchor it with ^...$).
MODEL_TAG_VALUE_PATTERN: str = (
    botocore.session.get_session()
    .get_service_model("ecs")
    .shape_for("TagValue")
    .metadata["pattern"]
)


# --------------------------------------------------------------------------------------------
# Realistic StartTask traffic
# --------------------------------------------------------------------------------------------


def make_container(task_arn: str, name: str, index: int) -> dict[str, Any]:
    return {
        "containerArn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:container/default/{index:032x}",
        "taskArn": task_arn,
        "name": name,
        "image": f"public.ecr.aws/docker/library/{name}:latest",
        "imageDigest": "sha256:" + "ab" * 32,
        "runtimeId": f"{index:064x}",
        "lastStatus": "PENDING",
        "networkBindings": [
            {"bindIP": "0.0.0.0", "containerPort": 80, "hostPort": 32768 + index, "protocol": "tcp"}
        ],
        "networkInterfaces": [
            {"attachmentId": f"eni-attach-{index:08x}", "privateIpv4Address": "10.0.1.23"}
        ],
        "healthStatus": "UNKNOWN",
        "managedAgents": [
            {"name": "ExecuteCommandAgent", "lastStatus": "PENDING", "lastStartedAt": 1.7e9}
        ],
        "cpu": "256",  # a string in the output model, unlike ContainerOverride.cpu
        "memory": "512",
        "memoryReservation": "256",
        "gpuIds": [],
    }


def make_task(index: int) -> dict[str, Any]:
    task_id = f"{index:032x}"
    task_arn = f"arn:aws:ecs:{REGION}:{ACCOUNT}:task/default/{task_id}"
    return {
        "attachments": [
            {
                "id": f"{index:08x}-0000-4000-8000-000000000000",
                "type": "ElasticNetworkInterface",
                "status": "PRECREATED",
                "details": [
                    {"name": "subnetId", "value": "subnet-0123456789abcdef0"},
                    {"name": "networkInterfaceId", "value": "eni-0123456789abcdef0"},
                    {"name": "macAddress", "value": "0a:1b:2c:3d:4e:5f"},
                    {"name": "privateIPv4Address", "value": "10.0.1.23"},
                ],
            }
        ],
        "attributes": [{"name": "ecs.cpu-architecture", "value": "x86_64"}],
        "availabilityZone": f"{REGION}a",
        "clusterArn": CLUSTER_ARN,
        "connectivity": "CONNECTED",
        "connectivityAt": 1700000000.123,
        "containerInstanceArn": f"{INSTANCE_ARN_PREFIX}/{task_id}",
        "containers": [
            make_container(task_arn, name, index * 2 + n)
            for n, name in enumerate(["web", "sidecar"])
        ],
        "cpu": "512",
        "createdAt": 1700000000.0,
        "desiredStatus": "RUNNING",
        "enableExecuteCommand": True,
        "group": "family:web",
        "healthStatus": "UNKNOWN",
        "lastStatus": "PROVISIONING",
        "launchType": "EC2",
        "memory": "1024",
        "overrides": {
            "containerOverrides": [
                {
                    "name": "web",
                    "command": ["nginx", "-g", "daemon off;"],
                    "environment": [{"name": "STAGE", "value": "test"}],
                    "cpu": 256,
                    "memory": 512,
                },
                {"name": "sidecar"},
            ],
            "inferenceAcceleratorOverrides": [],
            "taskRoleArn": f"arn:aws:iam::{ACCOUNT}:role/task",
        },
        "startedBy": "ecs-mock-tests",
        "tags": [
            {"key": "team", "value": "platform"},
            {"key": "Ünïcödé key", "value": "日本語 value 42"},
        ],
        "taskArn": task_arn,
        "taskDefinitionArn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/web:3",
        "version": 1,
        "ephemeralStorage": {"sizeInGiB": 20},
    }


def start_task_response(task_count: int) -> dict[str, Any]:
    return {"tasks": [make_task(i) for i in range(task_count)], "failures": []}


def valid_start_task_request() -> dict[str, Any]:
    return {
        "cluster": "default",
        "taskDefinition": "web:3",
        "containerInstances": ["arn:aws:ecs:us-east-1:123456789012:container-instance/default/abc"],
        "enableECSManagedTags": True,
        "enableExecuteCommand": False,
        "group": "family:web",
        "networkConfiguration": {
            "awsvpcConfiguration": {"subnets": ["subnet-1"], "assignPublicIp": "DISABLED"}
        },
        "overrides": {
            "containerOverrides": [
                {"name": "web", "command": ["echo", "hi"], "cpu": 128, "environment": []}
            ],
            "ephemeralStorage": {"sizeInGiB": 30},
        },
        "propagateTags": "TASK_DEFINITION",
        "referenceId": "ref-1",
        "startedBy": "me",
        "tags": [{"key": "owner", "value": "Zoë Ω 1"}, {"key": "k"}],
    }


def with_change(
    document: dict[str, Any], change: Callable[[dict[str, Any]], None]
) -> dict[str, Any]:
    changed = copy.deepcopy(document)
    change(changed)
    return changed


# --------------------------------------------------------------------------------------------
# check_response
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("task_count", [0, 1, 10])
def test_valid_start_task_response_passes(task_count: int) -> None:
    body = start_task_response(task_count)
    check_response("StartTask", body)  # raises on failure
    assert len(body["tasks"]) == task_count  # validation must not rewrite the body


def _set(path: list[str | int], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        node: Any = document
        for element in path[:-1]:
            node = node[element]
        node[path[-1]] = value

    return change


@pytest.mark.parametrize(
    ("change", "json_path", "detail"),
    [
        pytest.param(
            _set(["tasks", 0, "containers", 0, "cpu"], 10),
            "$.tasks[0].containers[0].cpu",
            "10 is not of type 'string'",
            id="wrong-type",
        ),
        pytest.param(
            _set(["tasks", 1, "bogus"], 1),
            "$.tasks[1].bogus",
            "'bogus' was unexpected",
            id="unknown-key",
        ),
        pytest.param(
            _set(["tasks", 0, "launchType"], "NOPE"),
            "$.tasks[0].launchType",
            "'NOPE' is not one of",
            id="bad-enum",
        ),
        pytest.param(
            _set(["tasks", 2, "tags", 1, "key"], "k" * 129),
            "$.tasks[2].tags[1].key",
            "is too long (maxLength 128)",
            id="overlong-string",
        ),
        pytest.param(
            _set(["tasks", 0, "tags", 0, "value"], "no!"),
            "$.tasks[0].tags[0].value",
            f"does not match the model pattern {MODEL_TAG_VALUE_PATTERN}",
            id="pattern",
        ),
        pytest.param(
            _set(["tasks", 0, "version"], 1.0),
            "$.tasks[0].version",
            "1.0 is not of type 'integer'",
            id="float-for-long",
        ),
        pytest.param(
            _set(["tasks", 0, "containers", 1, "exitCode"], True),
            "$.tasks[0].containers[1].exitCode",
            "True is not of type 'integer'",
            id="bool-for-integer",
        ),
        pytest.param(
            _set(["tasks", 0, "createdAt"], False),
            "$.tasks[0].createdAt",
            "False is not of type 'number'",
            id="bool-for-timestamp",
        ),
        pytest.param(
            _set(["tasks", 0, "startedBy"], None),
            "$.tasks[0].startedBy",
            "None is not of type 'string'",
            id="null-member",
        ),
        pytest.param(
            _set(["tasks", 0, "attributes", 0], {"value": "x"}),
            "$.tasks[0].attributes[0]",
            "'name' is a required property",
            id="missing-required",
        ),
        pytest.param(
            _set(["tasks", 0, "ephemeralStorage", "sizeInGiB"], "20"),
            "$.tasks[0].ephemeralStorage.sizeInGiB",
            "'20' is not of type 'integer'",
            id="string-for-integer",
        ),
    ],
)
def test_response_violation_names_operation_and_path(
    change: Callable[[dict[str, Any]], None], json_path: str, detail: str
) -> None:
    body = with_change(start_task_response(3), change)
    with pytest.raises(ResponseSchemaError) as caught:
        check_response("StartTask", body)
    message = str(caught.value)
    assert message.startswith(f"StartTask response violates the ECS model at {json_path}: ")
    assert detail in message


def test_response_schema_error_is_an_assertion_error() -> None:
    # pytest shows AssertionErrors as test failures, which is what a mock bug is.
    assert issubclass(ResponseSchemaError, AssertionError)


def test_response_message_truncates_long_values() -> None:
    body = start_task_response(1)
    body["tasks"][0]["tags"][0]["key"] = "x" * 100_000
    with pytest.raises(ResponseSchemaError) as caught:
        check_response("StartTask", body)
    assert "$.tasks[0].tags[0].key" in str(caught.value)
    assert len(str(caught.value)) < 400


def test_response_with_unprintably_deep_value_still_reports_the_path() -> None:
    # jsonschema cannot repr this (RecursionError); fastjsonschema's report must take over.
    deep: list[Any] = []
    for _ in range(100_000):
        deep = [deep]
    body = start_task_response(1)
    body["tasks"][0]["overrides"] = deep
    with pytest.raises(ResponseSchemaError) as caught:
        check_response("StartTask", body)
    assert "at $.tasks[0].overrides: " in str(caught.value)


def test_response_of_unknown_operation_is_a_response_schema_error() -> None:
    with pytest.raises(ResponseSchemaError, match="NotAnEcsOperation"):
        check_response("NotAnEcsOperation", {})


def test_response_with_extra_top_level_key_and_non_object_body() -> None:
    with pytest.raises(ResponseSchemaError, match=r"at \$\.nextToken: "):
        check_response("StartTask", {"tasks": [], "nextToken": "x"})
    with pytest.raises(ResponseSchemaError, match=r"at \$: "):
        check_response("StartTask", [])  # type: ignore[arg-type]


def test_validators_are_compiled_once_and_cached() -> None:
    key = ("StartTask", "output")
    check_response("StartTask", start_task_response(1))
    gate = _schema.REGISTRY.gates[key]
    assert gate is not None  # jsonschema-rs took the schema
    check_response("StartTask", start_task_response(2))
    assert _schema.REGISTRY.gates[key] is gate
    fast = _schema.REGISTRY.fast_validator(key)
    assert _schema.REGISTRY.fast_validator(key) is fast


# --------------------------------------------------------------------------------------------
# request_violation
# --------------------------------------------------------------------------------------------


def test_valid_start_task_request_has_no_violation() -> None:
    assert request_violation("StartTask", valid_start_task_request()) is None
    assert request_violation("StartTask", {"taskDefinition": "t", "containerInstances": []}) is None


def _request(**changes: Any) -> dict[str, Any]:
    params = valid_start_task_request()
    params.update(changes)
    return params


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        pytest.param(
            _request(propagateTags="FOO"),
            "1 validation error detected: Value 'FOO' at 'propagateTags' failed to satisfy "
            "constraint: Member must satisfy enum value set: [TASK_DEFINITION, SERVICE, NONE]",
            id="enum",
        ),
        pytest.param(
            _request(tags=[{"key": "k" * 129}]),
            "1 validation error detected: Value at 'tags.1.member.key' failed to satisfy "
            "constraint: Member must have length less than or equal to 128",
            id="max-length",
        ),
        pytest.param(
            _request(tags=[{"key": ""}]),
            "1 validation error detected: Value at 'tags.1.member.key' failed to satisfy "
            "constraint: Member must have length greater than or equal to 1",
            id="min-length",
        ),
        pytest.param(
            _request(tags=[{"key": "ok"}, {"key": "ok", "value": "bad#"}]),
            "1 validation error detected: Value 'bad#' at 'tags.2.member.value' failed to "
            "satisfy constraint: Member must satisfy regular expression pattern: "
            + MODEL_TAG_VALUE_PATTERN,
            id="pattern",
        ),
        pytest.param(
            _request(tags=[{"key": "k"}] * 51),
            "1 validation error detected: Value at 'tags' failed to satisfy constraint: "
            "Member must have length less than or equal to 50",
            id="max-items",
        ),
        pytest.param(
            _request(overrides={"containerOverrides": [{"name": "web"}], "foo": 1}),
            "Unexpected field 'foo' at 'overrides'",
            id="unknown-nested-key",
        ),
        pytest.param(_request(foo=1), "Unexpected field 'foo'", id="unknown-top-level-key"),
        pytest.param(
            _request(startedBy=5), "Value at 'startedBy' must be a string", id="number-for-string"
        ),
        pytest.param(
            _request(enableExecuteCommand="true"),
            "Value at 'enableExecuteCommand' must be a boolean",
            id="string-for-bool",
        ),
        pytest.param(
            _request(overrides={"containerOverrides": [{"name": "a"}, {"cpu": 1.0}]}),
            "Value at 'overrides.containerOverrides.2.member.cpu' must be an integer",
            id="float-for-integer",
        ),
        pytest.param(
            _request(overrides={"containerOverrides": [{"cpu": True}]}),
            "Value at 'overrides.containerOverrides.1.member.cpu' must be an integer",
            id="bool-for-integer",
        ),
        pytest.param(
            _request(containerInstances="arn"),
            "Value at 'containerInstances' must be a list",
            id="string-for-list",
        ),
        pytest.param(
            _request(containerInstances=["ok", None]),
            "Value at 'containerInstances.2.member' must be a string",
            id="null-in-list",
        ),
        pytest.param(
            _request(networkConfiguration={"awsvpcConfiguration": []}),
            "Value at 'networkConfiguration.awsvpcConfiguration' must be an object",
            id="list-for-structure",
        ),
        pytest.param(
            {"containerInstances": []},
            "Missing required field 'taskDefinition'",
            id="missing-required",
        ),
        pytest.param(
            _request(
                overrides={"containerOverrides": [{"resourceRequirements": [{"value": "1"}]}]}
            ),
            "Missing required field 'type' at "
            "'overrides.containerOverrides.1.member.resourceRequirements.1.member'",
            id="missing-nested-required",
        ),
        pytest.param(None, "The request body must be an object", id="null-body"),
        pytest.param([1, 2], "The request body must be an object", id="list-body"),
    ],
)
def test_request_violation_messages(params: Any, expected: str) -> None:
    assert request_violation("StartTask", params) == expected


def test_request_structural_problem_wins_over_constraint() -> None:
    params = _request(propagateTags="FOO", startedBy=1)
    assert request_violation("StartTask", params) == "Value at 'startedBy' must be a string"


def test_request_counts_and_lists_every_constraint_violation() -> None:
    message = request_violation(
        "StartTask",
        _request(propagateTags="FOO", tags=[{"key": "a!"}, {"key": "b", "value": "c#"}]),
    )
    assert message is not None
    assert message.startswith("3 validation errors detected: ")
    assert message.count("failed to satisfy constraint") == 3
    assert "'tags.1.member.key'" in message
    assert "'tags.2.member.value'" in message


def test_request_caps_the_listed_violations() -> None:
    message = request_violation("StartTask", _request(tags=[{"key": "!"}] * 25))
    assert message is not None
    assert message.startswith("25 validation errors detected: ")
    assert message.count("failed to satisfy constraint") == 10
    assert message.endswith("; ... and 15 more")


def test_request_integer_and_double_bounds() -> None:
    params = {
        "name": "cp",
        "autoScalingGroupProvider": {
            "autoScalingGroupArn": "arn",
            "managedScaling": {"targetCapacity": 0, "maximumScalingStepSize": 10_001},
        },
    }
    assert request_violation("CreateCapacityProvider", params) == (
        "2 validation errors detected: Value '0' at 'autoScalingGroupProvider.managedScaling."
        "targetCapacity' failed to satisfy constraint: Member must have value greater than or "
        "equal to 1; Value '10001' at 'autoScalingGroupProvider.managedScaling."
        "maximumScalingStepSize' failed to satisfy constraint: Member must have value less than "
        "or equal to 10000"
    )


def _skip_unless_model_has(shape: str, member: str) -> None:
    members = _schema.REGISTRY._service_model().shape_for(shape).members
    if member not in members:
        pytest.skip(f"this botocore's ECS model has no {shape}.{member} (a newer release adds it)")


def test_request_union_needs_exactly_one_member() -> None:
    _skip_unless_model_has("ServiceConnectConfiguration", "containerConfigurations")
    base: dict[str, Any] = {"serviceName": "s", "serviceConnectConfiguration": {"enabled": True}}
    ok = copy.deepcopy(base)
    ok["serviceConnectConfiguration"]["containerConfigurations"] = [{"logLevel": "debug"}]
    empty = copy.deepcopy(base)
    empty["serviceConnectConfiguration"]["containerConfigurations"] = [{}]
    assert request_violation("CreateService", ok) is None
    assert request_violation("CreateService", empty) == (
        "Exactly one member must be set at "
        "'serviceConnectConfiguration.containerConfigurations.1.member'"
    )


def test_request_message_truncates_long_values_and_keys() -> None:
    long_value = "Z" * 100_000
    message = request_violation("StartTask", _request(propagateTags=long_value))
    assert message is not None
    assert f"Value '{'Z' * 64}...' at 'propagateTags'" in message
    assert len(message) < 300
    key_message = request_violation("StartTask", _request(**{"k" * 10_000: 1}))
    assert key_message == f"Unexpected field '{'k' * 64}...'"


def test_request_tolerates_pathological_python_values() -> None:
    deep: list[Any] = []
    for _ in range(100_000):
        deep = [deep]
    assert request_violation("StartTask", _request(startedBy=deep)) == (
        "Value at 'startedBy' must be a string"
    )
    huge = 10**5000  # str() refuses this many digits
    message = request_violation(
        "CreateCapacityProvider",
        {
            "name": "cp",
            "autoScalingGroupProvider": {
                "autoScalingGroupArn": "arn",
                "managedScaling": {"targetCapacity": huge},
            },
        },
    )
    assert message is not None
    assert "at 'autoScalingGroupProvider.managedScaling.targetCapacity'" in message
    assert "Member must have value less than or equal to 100" in message


def test_request_for_unknown_operation_is_a_caller_bug() -> None:
    with pytest.raises(ValueError, match="NotAnEcsOperation"):
        request_violation("NotAnEcsOperation", {})


FUZZED_OPERATIONS = [
    "StartTask",
    "RunTask",
    "RegisterTaskDefinition",
    "CreateService",
    "TagResource",
]

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=300),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=25,
)
member_names = st.sampled_from(
    [
        "taskDefinition",
        "containerInstances",
        "tags",
        "overrides",
        "propagateTags",
        "cluster",
        "containerDefinitions",
        "serviceName",
        "resourceArn",
        "networkConfiguration",
        "count",
        "capacityProviderStrategy",
        "cpu",
        "memory",
        "family",
        "placementConstraints",
    ]
)


@settings(
    max_examples=budget(300, 60),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    operation=st.sampled_from(FUZZED_OPERATIONS),
    params=json_values
    | st.dictionaries(member_names | st.text(max_size=5), json_values, max_size=6),
)
def test_request_violation_never_raises(operation: str, params: Any) -> None:
    message = request_violation(operation, params)
    assert message is None or (isinstance(message, str) and message)
    # the catch-all message would mean the wording code crashed on this input
    assert message != _schema.FALLBACK_MESSAGE


# --------------------------------------------------------------------------------------------
# Both validators agree on Python's type quirks
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("member", "value", "valid"),
    [
        ("version", 1, True),
        ("version", 1.0, False),  # JSON Schema would call this an integer
        ("version", True, False),  # bool is an int in Python
        ("createdAt", 1.5, True),
        ("createdAt", 2, True),
        ("createdAt", True, False),
        ("enableExecuteCommand", 1, False),
        ("enableExecuteCommand", False, True),
        ("startedBy", None, False),
        ("startedBy", "x\n", True),
        # the tag pattern, which the fast validator checks through a named format
        ("tags", [{"key": "Ünï 日本 ٣4", "value": "v:/=+-@"}], True),
        ("tags", [{"key": "bell\u0007"}], False),
        ("tags", [{"key": "k", "value": "line\n"}], False),
    ],
)
def test_fast_and_readable_validators_agree(member: str, value: Any, valid: bool) -> None:
    body = {"tasks": [{member: value}]}
    fast = _schema.REGISTRY.fast_validator(("StartTask", "output"))
    slow = _schema.REGISTRY.slow_validator(("StartTask", "output"))
    try:
        fast(body)
        fast_valid = True
    except ValueError:
        fast_valid = False
    assert fast_valid is valid
    assert slow.is_valid(body) is valid


# --------------------------------------------------------------------------------------------
# Pattern translation
# --------------------------------------------------------------------------------------------

TAG_PATTERN = r"([\p{L}\p{Z}\p{N}_.:/=+\-@]*)"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "plain",
        "Ünïcödé",
        "日本語",
        "مرحبا",
        "Ελληνικά",
        "٣٤",
        "Ⅻ",
        "½",
        "a b\u00a0c\u3000d",
        TAG_ALLOWED_PUNCTUATION,
        "aws:cloudformation:stack-name",
    ],
)
def test_tag_pattern_accepts_unicode_letters_numbers_spaces_and_punctuation(text: str) -> None:
    assert re.search(translate_pattern(TAG_PATTERN), text)
    body = start_task_response(1)
    body["tasks"][0]["tags"] = [{"key": text or "k", "value": text}]
    check_response("StartTask", body)


@pytest.mark.parametrize(
    "text", ["!", "a#b", "tab\there", "new\nline", "trailing\n", "é\u0301", "☃", "$"]
)
def test_tag_pattern_rejects_other_characters(text: str) -> None:
    assert re.search(translate_pattern(TAG_PATTERN), text) is None
    message = request_violation("StartTask", _request(tags=[{"key": text}]))
    assert message is not None
    assert (
        "at 'tags.1.member.key' failed to satisfy constraint: Member must satisfy regular"
        in message
    )


def test_tag_pattern_translation_matches_unicode_categories_exactly() -> None:
    character = re.compile(translate_pattern(TAG_PATTERN).replace("*", "", 1))
    # Every code point in a full run; the quick one checks the Basic Multilingual Plane and
    # one code point in 101 beyond it.
    codepoints = (
        range(sys.maxunicode + 1)
        if FULL
        else itertools.chain(range(0x10000), range(0x10000, sys.maxunicode + 1, 101))
    )
    mismatches = [
        hex(codepoint)
        for codepoint in codepoints
        if bool(character.match(chr(codepoint)))
        != (
            unicodedata.category(chr(codepoint))[0] in "LZN"
            or chr(codepoint) in TAG_ALLOWED_PUNCTUATION
        )
    ]
    assert mismatches == []


def test_translate_pattern_anchors_and_keeps_plain_patterns() -> None:
    translated = translate_pattern(r"[a-zA-Z0-9\.\*\-]+")
    assert translated == r"^(?:[a-zA-Z0-9\.\*\-]+)\Z"
    assert re.search(translated, "t3.micro")
    assert re.search(translated, "xx t3.micro") is None  # AWS patterns match the whole value
    assert re.search(translated, "t3.micro\n") is None


def test_translate_pattern_handles_properties_outside_sets_and_literal_brackets() -> None:
    outside = translate_pattern(r"\p{Lu}\P{N}")
    assert re.search(outside, "Ax")
    assert re.search(outside, "ax") is None
    assert re.search(outside, "A1") is None
    bracket = translate_pattern(r"[]\p{N}]+")
    assert re.search(bracket, "]7]")
    with pytest.raises(ValueError, match="negated"):
        translate_pattern(r"[\P{L}]")
    with pytest.raises(ValueError, match="category"):
        translate_pattern(r"\p{Q}")


# --------------------------------------------------------------------------------------------
# Schema generation
# --------------------------------------------------------------------------------------------


def _walk(schema: Any) -> list[Any]:
    found = [schema]
    if isinstance(schema, dict):
        for value in schema.values():
            found.extend(_walk(value))
    elif isinstance(schema, list):
        for value in schema:
            found.extend(_walk(value))
    return found


def test_start_task_input_schema_follows_the_model() -> None:
    schema = _schema.REGISTRY.schema("StartTask", "input")
    assert schema["type"] == "object"
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) == {"taskDefinition", "containerInstances"}
    tags = schema["properties"]["tags"]
    assert tags["type"] == "array"
    assert (tags["minItems"], tags["maxItems"]) == (0, 50)
    key = tags["items"]["properties"]["key"]
    assert (key["type"], key["minLength"], key["maxLength"]) == ("string", 1, 128)
    assert key["pattern"].startswith("^(?:")
    assert key["pattern"].endswith(r"\Z")
    assert schema["properties"]["propagateTags"]["enum"] == ["TASK_DEFINITION", "SERVICE", "NONE"]
    cpu = schema["properties"]["overrides"]["properties"]["containerOverrides"]["items"]
    # No model bounds: Java int's (requests beyond it are refused, not read as huge ints).
    assert cpu["properties"]["cpu"] == {
        "type": "integer",
        "minimum": -(2**31),
        "maximum": 2**31 - 1,
    }


def test_integer_double_timestamp_map_and_document_shapes() -> None:
    _skip_unless_model_has("DeploymentConfiguration", "lifecycleHooks")
    service = _schema.REGISTRY.schema("CreateService", "input")["properties"]
    strategy_item = service["capacityProviderStrategy"]["items"]["properties"]
    assert strategy_item["weight"] == {"type": "integer", "minimum": 0, "maximum": 1000}
    assert strategy_item["base"] == {"type": "integer", "minimum": 0, "maximum": 100000}
    hooks = service["deploymentConfiguration"]["properties"]["lifecycleHooks"]["items"]
    assert hooks["properties"]["hookDetails"] == {}  # a document: any JSON
    task = _schema.REGISTRY.schema("StartTask", "output")["properties"]["tasks"]["items"]
    assert task["properties"]["createdAt"] == {"type": "number"}
    definition = _schema.REGISTRY.schema("RegisterTaskDefinition", "input")["properties"]
    container = definition["containerDefinitions"]["items"]["properties"]
    assert container["dockerLabels"] == {
        "type": "object",
        "additionalProperties": {"type": "string"},
    }


@pytest.mark.parametrize("direction", ["input", "output"])
def test_every_operation_schema_is_valid_and_compiles(direction: _schema.Direction) -> None:
    from jsonschema import Draft202012Validator

    # A full run compiles every operation the model has; the quick one those ecs_mock serves.
    operations = known_operations() if FULL else frozenset(OPERATIONS) & known_operations()
    for operation in sorted(operations):
        schema = _schema.REGISTRY.schema(operation, direction)
        Draft202012Validator.check_schema(schema)
        encoded = json.dumps(schema)
        assert "$ref" not in encoded
        assert "null" not in encoded  # ecs_mock omits absent members, never sends null
        _schema.REGISTRY.fast_validator((operation, direction))
        assert _schema.REGISTRY.slow_validator((operation, direction)).is_valid({"x": 1}) is False


def test_known_operations() -> None:
    operations = known_operations()
    assert isinstance(operations, frozenset)
    assert {
        "StartTask",
        "RunTask",
        "StopTask",
        "DescribeTasks",
        "RegisterTaskDefinition",
    } <= operations
    assert "NotAnEcsOperation" not in operations


def _fake_model(shapes: dict[str, Any]) -> Any:
    from botocore.model import ServiceModel

    return ServiceModel(
        {
            "metadata": {"protocol": "json", "apiVersion": "2000-01-01", "endpointPrefix": "fake"},
            "operations": {"Op": {"name": "Op", "input": {"shape": "Node"}}},
            "shapes": shapes,
        },
        service_name="fake",
    )


def test_recursive_shapes_terminate_with_a_shallow_check() -> None:
    model = _fake_model(
        {
            "Node": {
                "type": "structure",
                "members": {"name": {"shape": "Name"}, "children": {"shape": "Nodes"}},
            },
            "Nodes": {"type": "list", "member": {"shape": "Node"}},
            "Name": {"type": "string"},
        }
    )
    schema = SchemaGenerator(model).for_operation("Op", "input")
    assert schema["properties"]["children"]["items"] == {"type": "object"}
    assert schema["properties"]["name"] == {"type": "string"}


def test_schemas_are_memoised_per_shape_name() -> None:
    generator = SchemaGenerator(_schema.REGISTRY._service_model())
    start_task = generator.for_operation("StartTask", "input")
    run_task = generator.for_operation("RunTask", "input")
    assert start_task["properties"]["tags"] is run_task["properties"]["tags"]
    assert start_task["properties"]["overrides"] is run_task["properties"]["overrides"]


# --------------------------------------------------------------------------------------------
# Import stays cheap
# --------------------------------------------------------------------------------------------


def test_import_builds_nothing_until_first_use() -> None:
    probe = (
        "import ecs_mock._schema as s\n"
        "print(s.REGISTRY.is_empty(), bool(s.patterns._CATEGORY_RANGES))\n"
        "s.check_response('StartTask', {'tasks': [{'tags': [{'key': 'k'}]}]})\n"
        "print(s.REGISTRY.is_empty(), bool(s.patterns._CATEGORY_RANGES))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.split("\n")[:2] == ["True False", "False True"]


def test_tag_lists_are_capped_in_requests_but_not_in_responses() -> None:
    # ECS does not count aws: tags towards the 50, so an answer may carry more than 50.
    request_tags = _schema.REGISTRY.schema("TagResource", "input")["properties"]["tags"]
    response = _schema.REGISTRY.schema("ListTagsForResource", "output")["properties"]["tags"]
    assert request_tags["maxItems"] == 50
    assert "maxItems" not in response
    tags = [{"key": f"k{n}", "value": "v"} for n in range(50)]
    check_response("ListTagsForResource", {"tags": [*tags, {"key": "aws:x", "value": "y"}]})
    assert request_violation("TagResource", {"resourceArn": "a", "tags": [*tags, tags[0]]})


def test_the_model_is_the_one_boto3_already_loaded() -> None:
    # botocore's loader caches the ECS model per session: reading boto3's costs nothing.
    probe = (
        "import boto3\n"
        "ecs = boto3.client('ecs', region_name='us-east-1',"
        " aws_access_key_id='x', aws_secret_access_key='y')\n"
        "import ecs_mock._schema as s\n"
        "s.known_operations()\n"
        "print(s.REGISTRY.model._service_description is"
        " ecs.meta.service_model._service_description)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "True"

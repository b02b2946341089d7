"""Hypothesis strategies built from botocore's ECS input shapes, and the fuzz invariant.

The builder walks an operation's input shape and mostly produces values of the modeled type
(so requests get past the schema check and reach the backend), but at every node it may also
produce something hostile: a wrong type, a null, an out-of-range number, a huge or odd unicode
string, a list far over its limit, a missing required member or an unknown extra key. Strings
are sometimes drawn from `refs` (names and ARNs that exist in the fixture state) so lookups
succeed and deeper code runs. Shared by the fuzz test modules; the tests here check the
builder itself.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import botocore.session
import pytest
from botocore.model import Shape
from budget import budget
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecs_mock._schema import known_operations
from ecs_mock.errors import EcsError
from ecs_mock.protocol import TARGET_PREFIX
from ecs_mock.testing import TestControls

MAX_DEPTH = 7
# Codes any operation may answer for a request the protocol itself refuses.
PROTOCOL_ERRORS = frozenset(
    {
        "InvalidParameterException",
        "ClientException",
        "SerializationException",
        "UnknownOperationException",
    }
)
FUZZ_SETTINGS = settings(
    max_examples=budget(200, 20),
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

ODD_TEXT = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "\ud800",  # a lone surrogate: valid in JSON text, not encodable as UTF-8
        "😀" * 3,
        "arn:",
        "arn:aws:ecs:us-east-1:123456789012:",
        "arn:aws:ecs:us-east-1:123456789012:task/",
        "arn:aws:ecs:us-east-1:123456789012:container-instance/default/",
        "arn:aws:ecs:eu-west-1:999999999999:cluster/default",
        "arn:aws:ecs:us-east-1:123456789012:task-definition/app:0",
        "app:-1",
        "app:99999999999999999999",
        "a/b/c",
        "::",
        "%s%n{}",
        "null",
        "1e309",
    ]
)
HUGE_TEXT = st.sampled_from(["x" * 5000, "é" * 70_000, "🙂" * 9000])
WRONG_TYPE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.text(max_size=5),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


def service_model() -> Any:
    return _model()


@cache
def _model() -> Any:
    return botocore.session.get_session().get_service_model("ecs")


def input_shape(operation: str) -> Shape:
    shape = service_model().operation_model(operation).input_shape
    assert shape is not None
    return shape


# Errors ecs_mock answers beyond an operation's model, each a README "Behaviour choice":
# ListTagsForResource of an unknown resource answers as TagResource and UntagResource do.
MOCK_DECIDED_ERRORS = {"ListTagsForResource": frozenset({"ResourceNotFoundException"})}


def allowed_error_codes(operation: str) -> frozenset[str]:
    modeled = service_model().operation_model(operation).error_shapes
    decided = MOCK_DECIDED_ERRORS.get(operation, frozenset())
    return frozenset(error.name for error in modeled) | PROTOCOL_ERRORS | decided


def requests(
    operation: str, refs: Sequence[str] = (), base: Mapping[str, Any] | None = None
) -> st.SearchStrategy[Any]:
    """Request parameters for `operation`: a third hostile (wrong types, odd text, limits
    broken), a third plausible, and a third a known-good `base` request with up to two
    plausible members laid over it (so the backend runs past its checks and changes state)."""
    shape = input_shape(operation)
    hostile = _Builder(tuple(refs), hostile=True).build(shape, 0, top=True)
    plausible = _Builder(tuple(refs), hostile=False).build(shape, 0, top=True)
    if base is None:
        return _pick([plausible, hostile])
    keys = sorted(shape.members)  # type: ignore[attr-defined]

    @st.composite
    def based(data: st.DrawFn) -> dict[str, Any]:
        extra = data(plausible)
        chosen = data(st.lists(st.sampled_from(keys), max_size=2, unique=True))
        return {**base, **{key: extra[key] for key in chosen if key in extra}}

    return _pick([plausible, hostile, based()])


@dataclass(frozen=True)
class _Builder:
    refs: tuple[str, ...]
    hostile: bool

    def build(self, shape: Shape, depth: int, top: bool = False) -> st.SearchStrategy[Any]:
        if depth > MAX_DEPTH:
            return st.just({} if shape.type_name == "structure" else None)
        typed = self._typed(shape, depth)
        if not self.hostile:
            return typed
        # The body itself is sometimes not an object; below it, about one node in fifteen gets
        # a value of the wrong type (null included).
        return _sometimes(WRONG_TYPE, 8 if top else 15, otherwise=typed)

    def _typed(self, shape: Shape, depth: int) -> st.SearchStrategy[Any]:
        kind = shape.type_name
        if kind == "structure":
            return self._structure(shape, depth)
        if kind == "list":
            member = self.build(shape.member, depth + 1)  # type: ignore[attr-defined]
            if not self.hostile:
                return st.lists(member, max_size=3)
            return _pick(
                [
                    st.lists(member, max_size=3),
                    st.lists(member, max_size=3),
                    st.lists(member, max_size=3),
                    st.lists(member, min_size=11, max_size=12),
                    st.lists(st.just("x"), min_size=101, max_size=120),
                ]
            )
        if kind == "map":
            key = self.build(shape.key, depth + 1)  # type: ignore[attr-defined]
            value = self.build(shape.value, depth + 1)  # type: ignore[attr-defined]
            return st.dictionaries(key.filter(lambda k: isinstance(k, str)), value, max_size=3)
        if kind == "string":
            return self._string(shape)
        if kind in ("integer", "long"):
            if not self.hostile:
                return st.integers(min_value=0, max_value=4096)
            return st.one_of(
                st.integers(min_value=-1, max_value=4096),
                st.integers(min_value=-(2**64), max_value=2**64),
                st.sampled_from([0, 2**31, -(2**31) - 1, 2**63, -(2**63) - 1]),
            )
        if kind == "boolean":
            return st.booleans()
        if kind in ("double", "float"):
            return st.floats(allow_nan=False, allow_infinity=False)
        if kind == "timestamp":
            return st.one_of(st.integers(min_value=0, max_value=2**40), st.just("2024-01-01"))
        return st.text(max_size=10)  # blob and anything new

    def _string(self, shape: Shape) -> st.SearchStrategy[Any]:
        enum = getattr(shape, "enum", None)
        if not self.hostile:
            if enum:
                return st.sampled_from(enum)
            plain = st.text(alphabet="abcdefghij0123456789-_", min_size=1, max_size=12)
            return _pick([plain, st.sampled_from(self.refs)] if self.refs else [plain])
        choices: list[st.SearchStrategy[Any]] = [
            st.text(max_size=20),
            st.text(alphabet="abcdef0123456789-_/:", max_size=40),
            ODD_TEXT,
            HUGE_TEXT,
        ]
        if enum:
            choices += [st.sampled_from(enum)] * 6 + [st.sampled_from([e.lower() for e in enum])]
        if self.refs:
            choices += [st.sampled_from(self.refs)] * 4
        return _pick(choices)

    def _structure(self, shape: Shape, depth: int) -> st.SearchStrategy[Any]:
        members: Mapping[str, Shape] = shape.members  # type: ignore[attr-defined]
        required = set(shape.required_members)  # type: ignore[attr-defined]
        values = {name: self.build(member, depth + 1) for name, member in members.items()}
        hostile = self.hostile

        @st.composite
        def draw(data: st.DrawFn) -> dict[str, Any]:
            # One in ten hostile structures drops its required members.
            keep_required = not (hostile and data(_chance(10)))
            result: dict[str, Any] = {}
            for name in members:
                wanted = (name in required and keep_required) or data(_chance(3))
                if wanted:
                    result[name] = data(values[name])
            if hostile and data(_chance(20)):
                result[data(st.text(min_size=1, max_size=8))] = data(WRONG_TYPE)
            return result

        return draw()


def _chance(odds: int) -> st.SearchStrategy[bool]:
    """True about once in `odds` draws (sampled_from draws its index uniformly; it shrinks to
    False)."""
    return st.sampled_from([False] * (odds - 1) + [True])


def _pick(choices: list[st.SearchStrategy[Any]]) -> st.SearchStrategy[Any]:
    """One of `choices`, each entry equally likely (repeat an entry to weight it: st.one_of
    would merge the repeats)."""
    return st.sampled_from(choices).flatmap(lambda chosen: chosen)


def _sometimes(
    rare: st.SearchStrategy[Any], odds: int, otherwise: st.SearchStrategy[Any]
) -> st.SearchStrategy[Any]:
    return _chance(odds).flatmap(lambda hit: rare if hit else otherwise)


# -- the invariant ------------------------------------------------------------------------------


def check_reply(
    operation: str, status: int, body: bytes, door_errors: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """A 200 (the dispatcher has already schema-checked it) or a modeled 4xx error; a door
    may add codes of its own (the HTTP server's for an oversized body, say)."""
    assert status != 500, body[:500]
    payload = json.loads(body)
    assert isinstance(payload, dict)
    if status == 200:
        return payload
    assert 400 <= status < 500, (status, body[:500])
    assert payload.get("__type") in allowed_error_codes(operation) | door_errors, payload
    assert isinstance(payload.get("message"), str), payload
    assert payload["message"], payload
    return payload


def send_raw(mock: TestControls, operation: str, body: bytes | str) -> tuple[int, bytes]:
    reply = mock.dispatcher.handle(TARGET_PREFIX + operation, body, "us-east-1", None)
    return reply.status, reply.body


def encode(params: Any) -> bytes:
    """JSON text as a client would send it; lone surrogates are escaped, as json.dumps does."""
    return json.dumps(params).encode()


def snapshot(mock: TestControls) -> dict[str, Any]:
    """Everything the API shows in us-east-1, gathered through the API itself."""

    def call(operation: str, **params: Any) -> dict[str, Any]:
        result = mock.call(operation, **params)
        result.pop("nextToken", None)
        return result

    clusters = call("ListClusters")["clusterArns"]
    view: dict[str, Any] = {
        "clusters": call("DescribeClusters", clusters=clusters, include=["TAGS", "ATTACHMENTS"]),
        "capacityProviders": call("DescribeCapacityProviders", include=["TAGS"], maxResults=100),
    }
    for cluster in clusters:
        instances = call("ListContainerInstances", cluster=cluster)["containerInstanceArns"]
        tasks = [
            task
            for desired in ("RUNNING", "STOPPED")
            for task in call("ListTasks", cluster=cluster, desiredStatus=desired)["taskArns"]
        ]
        view[cluster] = {
            "instances": instances
            and call("DescribeContainerInstances", cluster=cluster, containerInstances=instances),
            "tasks": tasks
            and call("DescribeTasks", cluster=cluster, tasks=tasks, include=["TAGS"]),
        }
        services = call("ListServices", cluster=cluster, maxResults=100)["serviceArns"]
        for start in range(0, len(services), 10):
            view[f"{cluster} services {start}"] = call(
                "DescribeServices",
                cluster=cluster,
                services=services[start : start + 10],
                include=["TAGS"],
            )
    for status in ("ACTIVE", "INACTIVE"):
        for definition in call("ListTaskDefinitions", status=status)["taskDefinitionArns"]:
            view[definition] = call(
                "DescribeTaskDefinition", taskDefinition=definition, include=["TAGS"]
            )
    if "CreateDaemon" in known_operations():  # botocore 1.34.17's model lacks these
        view.update(_newer_snapshot(call, clusters))
    return view


EXPRESS_SERVICES = ("front", "fuzz")  # the names the fuzz tests give them (no List operation)


def _newer_snapshot(call: Any, clusters: list[str]) -> dict[str, Any]:
    """Daemons, daemon task definitions, gateways and Express services, through the API."""
    view: dict[str, Any] = {}
    listed = call("ListDaemonTaskDefinitions", status="ALL")["daemonTaskDefinitions"]
    for summary in listed:
        arn = summary["arn"]
        view[arn] = call("DescribeDaemonTaskDefinition", daemonTaskDefinition=arn)
        view[arn]["tags"] = call("ListTagsForResource", resourceArn=arn)["tags"]
    for cluster in clusters:
        for daemon in call("ListDaemons", clusterArn=cluster)["daemonSummariesList"]:
            arn = daemon["daemonArn"]
            deployments = call("ListDaemonDeployments", daemonArn=arn)["daemonDeployments"]
            view[arn] = {
                "daemon": call("DescribeDaemon", daemonArn=arn),
                "tags": call("ListTagsForResource", resourceArn=arn)["tags"],
                "deployments": call(
                    "DescribeDaemonDeployments",
                    daemonDeploymentArns=[d["daemonDeploymentArn"] for d in deployments],
                ),
            }
        for name in EXPRESS_SERVICES:
            arn = f"arn:aws:ecs:us-east-1:123456789012:service/{cluster.rsplit('/', 1)[1]}/{name}"
            try:
                view[arn] = call("DescribeExpressGatewayService", serviceArn=arn, include=["TAGS"])
            except EcsError as error:
                view[arn] = error.code
    view["gateways"] = [
        call("DescribeGateway", gateway=gateway["gatewayArn"])
        for gateway in call("ListGateways")["gateways"]
    ]
    view["associations"] = call("ListGatewayClusterAssociations")
    return view


# -- tests of the builder itself ----------------------------------------------------------------


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(requests("StartTask"))
def test_builder_reaches_every_kind_of_value(params: Any) -> None:
    # Every drawn value must at least survive JSON encoding: that is what the doors receive.
    assert isinstance(json.loads(encode(params)), type(params)) or isinstance(params, float)


def _draw_many(strategy: st.SearchStrategy[Any], count: int) -> list[Any]:
    seen: list[Any] = []

    @settings(max_examples=count, deadline=None, derandomize=True, database=None)
    @given(strategy)
    def collect(params: Any) -> None:
        seen.append(params)

    collect()
    return seen


def test_hostile_builder_breaks_types_and_required_members() -> None:
    # 600 draws, whatever the budget: at 200 a rare mutation (a non-list containerInstances)
    # appeared once or not at all, depending on the model version and the worker (300 were
    # not always enough either under xdist).
    hostile = _Builder(("default",), hostile=True).build(input_shape("StartTask"), 0)
    seen = _draw_many(hostile, 600)
    objects = [p for p in seen if isinstance(p, dict)]
    assert any(not isinstance(p, dict) for p in seen)  # the body itself of the wrong type
    assert any("taskDefinition" not in p for p in objects)  # required member dropped
    assert any(not isinstance(p.get("containerInstances", []), list) for p in objects)
    assert any(len(str(p.get("startedBy", ""))) > 36 for p in objects)


def test_plausible_requests_are_objects_with_required_members_and_refs() -> None:
    base = {"taskDefinition": "app", "containerInstances": ["i"]}
    seen = _draw_many(requests("StartTask", refs=["default"], base=base), 150)
    objects = [p for p in seen if isinstance(p, dict)]
    assert len(objects) > len(seen) / 2
    assert sum(p == base for p in objects) > 5  # the known-good request itself, unchanged
    assert any(p.get("cluster") == "default" for p in objects)  # refs are used


def test_allowed_codes_come_from_the_model() -> None:
    assert "ClusterNotFoundException" in allowed_error_codes("StartTask")
    assert "ClusterNotFoundException" not in allowed_error_codes("RegisterTaskDefinition")
    assert "SerializationException" in allowed_error_codes("ListTasks")


def test_check_reply_rejects_500_and_unmodeled_codes() -> None:
    with pytest.raises(AssertionError):
        check_reply("StartTask", 500, b'{"__type":"ServerException","message":"x"}')
    with pytest.raises(AssertionError):
        check_reply("RegisterTaskDefinition", 400, b'{"__type":"ClusterNotFoundException"}')
    assert check_reply("StartTask", 400, b'{"__type":"ClientException","message":"m"}')

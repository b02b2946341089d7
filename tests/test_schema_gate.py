"""The jsonschema-rs gate in front of the fastjsonschema checks (registry.gate): its "valid" is
final, so it must never pass a document the fastjsonschema check refuses. Checked on mutations
of real answers and requests, and for every operation of the model."""

from __future__ import annotations

import copy
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_schema import start_task_response, valid_start_task_request

from ecs_mock._schema import REGISTRY, check_response, request_violation
from ecs_mock._schema.responses import ResponseSchemaError

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats()  # NaN and infinities too
    | st.sampled_from([1.0, 0.0, -1.0, 2.5, math.nan, math.inf])
    | st.text(max_size=12)
    | st.sampled_from(["EC2", "FARGATE", "RUNNING", "", "\\ud800", "x" * 300])
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(["name", "value", "bogus", "taskArn"]), inner, max_size=3)
    ),
    max_leaves=6,
)


def _paths(document: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [at]
    if isinstance(document, dict):
        for key, item in document.items():
            found += _paths(item, (*at, key))
    elif isinstance(document, list):
        for index, item in enumerate(document):
            found += _paths(item, (*at, index))
    return found


def _mutated(document: Any, data: st.DataObject) -> Any:
    document = copy.deepcopy(document)
    for _ in range(data.draw(st.integers(1, 3))):
        paths = [p for p in _paths(document) if p]
        if not paths:  # everything deleted already
            break
        path = data.draw(st.sampled_from(paths))
        parent = document
        for step in path[:-1]:
            parent = parent[step]
        how = data.draw(st.sampled_from(["replace", "delete", "add"]))
        if how == "delete" and isinstance(parent, dict):
            del parent[path[-1]]
        elif how == "add" and isinstance(parent, dict):
            parent[data.draw(st.sampled_from(["bogus", "cpu", "tags", "lastStatus"]))] = data.draw(
                values
            )
        else:
            parent[path[-1]] = data.draw(values)
    return document


def _fast_accepts(key: tuple[str, Any], document: Any) -> bool:
    try:
        REGISTRY.fast_validator(key)(document)
    except Exception:
        return False
    return True


DOCUMENTS = [
    (("StartTask", "output"), start_task_response(2)),
    (("RunTask", "output"), start_task_response(1)),
    (("DescribeTasks", "output"), start_task_response(2)),
    (("StartTask", "input"), valid_start_task_request()),
    (
        ("RunTask", "input"),
        {"taskDefinition": "web:3", "count": 2, "clientToken": "t", "tags": [{"key": "k"}]},
    ),
]


@settings(max_examples=400, deadline=None, derandomize=True, database=None)
@given(st.sampled_from(DOCUMENTS), st.data())
def test_the_gate_never_passes_what_the_full_check_refuses(
    case: tuple[tuple[str, Any], dict[str, Any]], data: st.DataObject
) -> None:
    key, original = case
    gate = REGISTRY.gate(key)
    assert gate is not None
    document = _mutated(original, data)
    if gate(document):
        assert _fast_accepts(key, document), document


@pytest.mark.parametrize("direction", ["input", "output"])
def test_every_operation_has_a_gate(direction: str) -> None:
    missing = [op for op in REGISTRY.known_operations() if REGISTRY.gate((op, direction)) is None]
    assert missing == []


def test_what_the_gate_refuses_is_still_decided_and_worded_by_the_full_check() -> None:
    body = start_task_response(1)
    body["tasks"][0]["createdAt"] = math.nan  # the gate refuses NaN; the model's check not
    gate = REGISTRY.gate(("StartTask", "output"))
    assert gate is not None
    assert not gate(body)
    check_response("StartTask", body)  # passes: fastjsonschema decides (the encoder refuses it)
    body["tasks"][0]["version"] = "1"
    with pytest.raises(ResponseSchemaError, match=r"\$\.tasks\[0\]\.version"):
        check_response("StartTask", body)
    params = valid_start_task_request()
    params["count"] = "2"
    assert request_violation("StartTask", {**params}) is not None

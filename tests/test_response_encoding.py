"""The answers' JSON (strict_json.encode) and the DescribeTasks check that checks each task once
while its content stays the same (_schema.responses)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from test_schema import start_task_response

from ecs_mock._schema import ResponseSchemaError, check_response
from ecs_mock._schema import responses as checked
from ecs_mock.dispatch import _encoded
from ecs_mock.strict_json import _ENCODER, encode


@pytest.mark.parametrize(
    "payload",
    [
        {"tasks": [{"group": "café ☕ 日本"}], "failures": []},
        {"name": "lone \ud800 surrogate"},  # orjson refuses it; the stdlib's escapes it
        {"count": 2**70},  # beyond orjson's 64 bits
        {"reason": "null and void", "n": 1.5, "flag": True, "zero": 0},
        {"nested": [[{"a": []}], {}]},
    ],
)
def test_encoding_is_the_same_document_as_the_stdlib_encoders(payload: dict[str, Any]) -> None:
    body = encode(payload)
    assert isinstance(body, bytes)
    assert json.loads(body) == json.loads(_ENCODER.encode(payload)) == payload


@pytest.mark.parametrize("number", [float("nan"), float("inf"), float("-inf")])
def test_a_non_finite_number_is_refused_not_written_as_null(number: float) -> None:
    with pytest.raises(ValueError, match="not JSON compliant"):
        encode({"tasks": [{"cpu": number}]})
    with pytest.raises(ResponseSchemaError, match="non-finite"):
        _encoded("DescribeTasks", {"tasks": [], "failures": [], "x": number}, "id")


def _describe_body() -> dict[str, Any]:
    return {"tasks": start_task_response(2)["tasks"], "failures": []}


@pytest.fixture
def task_checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ARNs the Task check ran on, with an empty cache."""
    monkeypatch.setattr(checked, "_checked_tasks", {})
    real = checked._check_task
    seen: list[str] = []

    def counting(task: Any) -> None:
        seen.append(task["taskArn"])
        real(task)

    monkeypatch.setattr(checked, "_check_task", counting)
    return seen


def test_an_unchanged_task_is_checked_once(task_checks: list[str]) -> None:
    body = _describe_body()
    check_response("DescribeTasks", body)
    check_response("DescribeTasks", copy.deepcopy(body))
    assert sorted(task_checks) == sorted(t["taskArn"] for t in body["tasks"])


def test_a_task_that_changed_is_checked_again_and_a_violation_still_fails(
    task_checks: list[str],
) -> None:
    body = _describe_body()
    check_response("DescribeTasks", body)
    body["tasks"][1]["lastStatus"] = 5
    with pytest.raises(ResponseSchemaError, match=r"DescribeTasks.*\$\.tasks\[1\]\.lastStatus"):
        check_response("DescribeTasks", body)
    assert task_checks.count(body["tasks"][1]["taskArn"]) == 2
    assert task_checks.count(body["tasks"][0]["taskArn"]) == 1


def test_a_type_change_with_the_same_text_is_a_change(task_checks: list[str]) -> None:
    body = _describe_body()
    body["tasks"][0]["version"] = 1
    check_response("DescribeTasks", body)
    body["tasks"][0]["version"] = True
    with pytest.raises(ResponseSchemaError, match=r"\$\.tasks\[0\]\.version"):
        check_response("DescribeTasks", body)


def test_a_task_with_null_is_always_checked(task_checks: list[str]) -> None:
    # orjson writes NaN and None alike (`null`): a NaN timestamp passes the check (a number), so
    # if its bytes were remembered, a None in its place would be taken as checked.
    body = _describe_body()
    body["tasks"][0]["createdAt"] = float("nan")
    check_response("DescribeTasks", body)
    body["tasks"][0]["createdAt"] = None
    with pytest.raises(ResponseSchemaError, match=r"\$\.tasks\[0\]\.createdAt"):
        check_response("DescribeTasks", body)


def test_the_rest_of_the_answer_is_still_checked(task_checks: list[str]) -> None:
    body = _describe_body()
    check_response("DescribeTasks", body)
    body["failures"] = [{"arn": 7}]
    with pytest.raises(ResponseSchemaError, match=r"\$\.failures\[0\]\.arn"):
        check_response("DescribeTasks", body)

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
from ecs_mock.errors import EcsError
from ecs_mock.strict_json import _ENCODER, encode, parse_json


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


def _stdlib_reading(body: bytes) -> Any:
    """What the stdlib's reader alone makes of a body (the reader before orjson came first)."""
    import math

    def finite(text: str) -> float:
        value = float(text)
        if not math.isfinite(value):
            raise ValueError(text)
        return value

    def refuse(name: str) -> float:
        raise ValueError(name)

    try:
        text = body.decode(json.detect_encoding(body), "surrogatepass")
        return json.JSONDecoder(parse_constant=refuse, parse_float=finite).decode(text)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return "refused"


@pytest.mark.parametrize(
    "body",
    [
        b'{"count": 1, "cluster": "c", "n": -0.0, "f": 1.5e3, "s": "caf\\u00e9 \\"q\\" \\\\/"}',
        b'{"count": 123456789012345678901234567890}',  # beyond 64 bits: stays an exact int
        b'{"count": 18446744073709551616}',  # 2**64, twenty digits
        b'{"count": -9223372036854775809}',
        b'{"count": 1234567890123456789}',  # nineteen digits, within 64 bits
        b'{"token": "1234567890123456789012"}',  # digits in a string take the stdlib road too
        b'{"a": 1e999}',
        b'{"a": NaN}',
        b'{"a": "\\ud800"}',  # a lone surrogate escape: orjson refuses, the stdlib keeps it
        b'{"a": "\xed\xa0\x80"}',
        b"\xef\xbb\xbf{}",  # a UTF-8 byte order mark
        '{"a": "é"}'.encode("utf-16"),
        b'{"a": 1, "a": 2}',
        b'{"a": "tab\there"}',
        b'{"a": 1,}',
        b"[" * 1100 + b"]" * 1100,  # deeper than orjson reads
        b'{"a": [1, 2, {"b": null, "c": true}]}',
    ],
)
def test_the_request_reader_reads_every_body_as_the_stdlib_does(body: bytes) -> None:
    expected = _stdlib_reading(body)
    if expected == "refused":
        with pytest.raises(EcsError, match="not valid JSON") as refused:
            parse_json(body)
        assert refused.value.code == "SerializationException"
        return
    got = parse_json(body)
    assert got == expected
    assert type(got) is type(expected)
    if isinstance(expected, dict) and "count" in expected:
        assert type(got["count"]) is type(expected["count"])

"""Replay every input that once broke the mock (tests/fuzz_corpus/*.json).

An entry holds `operation`, either `body` (raw request text) or `params` (a JSON object; a
string "@name" stands for the ARN `populate` returns under that name), the `expect`ed error
code, and `found`: what went wrong before the fix.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from test_fuzz_dispatch import NAMED, SEED, populate
from test_fuzz_strategies import check_reply, send_raw, snapshot

from ecs_mock import mock_ecs

CORPUS = Path(__file__).parent / "fuzz_corpus"
ENTRIES = sorted(CORPUS.glob("*.json"))


def _load(path: Path) -> dict[str, Any]:
    entry: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    assert {"operation", "expect", "found"} <= set(entry), path.name
    assert ("body" in entry) != ("params" in entry), path.name
    return entry


def _resolve(value: Any) -> Any:
    if isinstance(value, str) and value.startswith("@"):
        return NAMED[value[1:]]
    if isinstance(value, list):
        return [_resolve(item) for item in value]
    if isinstance(value, dict):
        return {key: _resolve(item) for key, item in value.items()}
    return value


def test_corpus_is_not_empty() -> None:
    assert len(ENTRIES) >= 5


@pytest.mark.parametrize("path", ENTRIES, ids=lambda path: path.stem)
def test_corpus_entry_is_refused_and_changes_nothing(path: Path) -> None:
    entry = _load(path)
    operation = entry["operation"]
    body = entry["body"] if "body" in entry else json.dumps(_resolve(entry["params"]))
    with mock_ecs(seed=SEED) as mock:
        populate(mock)
        before = snapshot(mock)
        status, answer = send_raw(mock, operation, body)
        payload = check_reply(operation, status, answer)
        assert payload.get("__type") == entry["expect"], payload
        assert snapshot(mock) == before


@pytest.mark.parametrize(
    "path", [p for p in ENTRIES if "params" in _load(p)], ids=lambda path: path.stem
)
def test_corpus_entry_through_boto3(path: Path) -> None:
    entry = _load(path)
    client = boto3.client("ecs", region_name="us-east-1", config=Config(parameter_validation=False))
    method = getattr(client, _snake(entry["operation"]))
    with mock_ecs(seed=SEED) as mock:
        populate(mock)
        before = snapshot(mock)
        with pytest.raises(ClientError) as raised:
            method(**_resolve(entry["params"]))
        assert raised.value.response["Error"]["Code"] == entry["expect"]
        assert snapshot(mock) == before


def _snake(operation: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in operation).lstrip("_")

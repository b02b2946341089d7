"""clientToken memory's pure parts: the request fingerprint and the remembered answer's text."""

from __future__ import annotations

import json
import math

import pytest

from ecs_mock.backend.idempotency import (
    _slow_fingerprint,
    answer_text,
    fingerprint,
    same_request,
)
from ecs_mock.protocol import reply
from ecs_mock.strict_json import Encoded

REQUEST = {"cluster": "c", "taskDefinition": "app:1", "count": 2, "clientToken": "t-1"}


def test_key_order_does_not_change_a_fingerprint_and_every_value_does() -> None:
    reordered = {"count": 2, "clientToken": "t-1", "taskDefinition": "app:1", "cluster": "c"}
    assert fingerprint(reordered) == fingerprint(REQUEST)
    assert fingerprint({**REQUEST, "count": 3}) != fingerprint(REQUEST)
    assert fingerprint({**REQUEST, "startedBy": "é"}) != fingerprint({**REQUEST, "startedBy": "e"})


def test_a_fingerprint_from_an_earlier_build_still_matches_its_request() -> None:
    """Earlier builds hashed the stdlib's canonical text; a state file may hold such a one."""
    rest = {k: v for k, v in REQUEST.items() if k != "clientToken"}
    legacy = _slow_fingerprint(rest)
    assert not legacy.startswith("o:")
    assert legacy != fingerprint(REQUEST)
    assert same_request(legacy, REQUEST)
    assert not same_request(legacy, {**REQUEST, "count": 3})
    assert same_request(fingerprint(REQUEST), REQUEST)
    assert not same_request(fingerprint(REQUEST), {**REQUEST, "group": "g"})


def test_a_short_request_is_kept_as_its_text_a_long_one_as_its_hash_and_both_still_match() -> None:
    import hashlib

    import orjson

    short = fingerprint(REQUEST)
    assert short.startswith("t:")
    assert json.loads(short[2:]) == REQUEST
    long_request = {**REQUEST, "overrides": {"containerOverrides": [{"name": "x" * 600}]}}
    hashed = fingerprint(long_request)
    assert hashed.startswith("o:")
    assert len(hashed) == 66
    assert same_request(hashed, long_request)
    assert not same_request(hashed, {**long_request, "count": 3})
    # The previous build hashed every request, short ones too: a state file may hold those.
    made_before = (
        "o:" + hashlib.sha256(orjson.dumps(REQUEST, option=orjson.OPT_SORT_KEYS)).hexdigest()
    )
    assert same_request(made_before, REQUEST)
    assert not same_request(made_before, {**REQUEST, "count": 3})


def test_a_request_orjson_cannot_write_is_fingerprinted_by_the_stdlib() -> None:
    huge = {**REQUEST, "count": 2**70}
    made = fingerprint(huge)
    assert not made.startswith("o:")
    assert same_request(made, huge)
    assert not same_request(made, {**huge, "count": 2**70 + 1})


def test_the_remembered_answer_reads_back_as_it_was_and_is_sent_as_that_text() -> None:
    answer = {"tasks": [{"taskArn": "arn", "createdAt": 1.5, "tags": [], "n": "é"}]}
    text, sent = answer_text(answer)
    assert json.loads(text) == answer
    assert isinstance(sent, Encoded)
    assert sent == answer
    assert sent.body == text.encode()
    assert reply(200, sent).body == text.encode()
    big = {"tasks": [], "failures": [], "n": 2**70}
    text, sent = answer_text(big)
    assert json.loads(text) == big
    assert json.loads(reply(200, sent).body) == big
    # NaN would come out of orjson as null: the stdlib's text keeps it NaN, and the answer goes
    # to the encoder as it is, which refuses it.
    text, sent = answer_text({"x": math.nan})
    assert math.isnan(json.loads(text)["x"])
    assert not isinstance(sent, Encoded)
    with pytest.raises(ValueError, match="Out of range float values"):
        reply(200, sent)


def test_a_token_key_is_what_json_dumps_writes_for_every_character() -> None:
    from ecs_mock.backend.idempotency import token_key

    for code in [*range(0, 0x80), 0xA0, 0xE9, 0x2028, 0xD800, 0x1F600]:
        character = chr(code)
        key = ("RunTask", "cluster-1", f"tok{character}en")
        assert token_key(key) == json.dumps(list(key)), hex(code)
    assert token_key(("RunTask", "c", "")) == json.dumps(["RunTask", "c", ""])

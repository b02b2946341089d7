"""An error message that quotes what the caller sent quotes at most 300 characters of it, so a
10 MB value never comes back whole (nor lands whole in a log)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from ecs_mock import EcsMock, mock_ecs
from ecs_mock.errors import EcsError, shown

HUGE = "x" * 10_000_000
LIMIT = 2_000  # a message, its fixed words and the cut value together


def _setup(mock: EcsMock) -> dict[str, str]:
    mock.register_task_definition("app")
    instance = mock.add_container_instance("default")
    return {"instance": instance}


CASES: dict[str, Callable[[dict[str, str]], tuple[str, dict[str, Any]]]] = {
    "cluster name": lambda _: ("ListTasks", {"cluster": HUGE + "!"}),
    "create cluster": lambda _: ("CreateCluster", {"clusterName": HUGE + "!"}),
    "instance id": lambda ctx: (
        "StartTask",
        {"taskDefinition": "app", "containerInstances": [HUGE + "/x"]},
    ),
    "instance arn": lambda _: (
        "DescribeContainerInstances",
        {"containerInstances": ["arn:aws:ecs:us-east-1:123456789012:task/" + HUGE]},
    ),
    "override name": lambda ctx: (
        "StartTask",
        {
            "taskDefinition": "app",
            "containerInstances": [ctx["instance"]],
            "overrides": {"containerOverrides": [{"name": "y" * 8000}]},
        },
    ),
    "attribute name": lambda ctx: (
        "PutAttributes",
        {"attributes": [{"name": HUGE, "targetId": ctx["instance"]}]},
    ),
    "attribute value": lambda ctx: (
        "RegisterContainerInstance",
        {"attributes": [{"name": "a", "value": "!" + HUGE}]},
    ),
    "attribute target": lambda _: (
        "PutAttributes",
        {"attributes": [{"name": "a", "targetId": HUGE}]},
    ),
    "container name": lambda _: (
        "RegisterTaskDefinition",
        {
            "family": "f",
            "containerDefinitions": [{"name": HUGE, "image": "x", "cpu": -1, "memory": 8}],
        },
    ),
    "reserved port": lambda _: (
        "RegisterContainerInstance",
        {"totalResources": [{"name": "PORTS", "type": "STRINGSET", "stringSetValue": [HUGE]}]},
    ),
    "resource name": lambda _: (
        "RegisterContainerInstance",
        {
            "totalResources": [
                {"name": HUGE, "type": "INTEGER", "integerValue": 1},
                {"name": HUGE, "type": "INTEGER", "integerValue": 1},
            ]
        },
    ),
    "re-registered arn": lambda _: (
        "RegisterContainerInstance",
        {"containerInstanceArn": "a" * 5_000_000},
    ),
    "operation": lambda _: ("Describe" + HUGE, {}),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_error_messages_quote_at_most_300_characters_of_the_input(
    case: Callable[[dict[str, str]], tuple[str, dict[str, Any]]],
) -> None:
    with mock_ecs() as mock:
        context = _setup(mock)
        operation, params = case(context)
        with pytest.raises(EcsError) as raised:
            mock.call(operation, **params)
        message = raised.value.message
        assert raised.value.status == 400, message[:500]
        # An unknown operation's message ends with the list of supported operations, which
        # grows with each one implemented: the bound is on the rest (the quoted value).
        quoted = message.split(" Supported operations: ")[0]
        assert len(quoted) < LIMIT, message[:500]
        assert "..." in message  # the value was cut, not left out


def test_a_cut_target_header_is_quoted_short() -> None:
    with mock_ecs() as mock:
        answer = mock.dispatcher.handle("Nope." + HUGE, b"{}", "us-east-1", None)
        assert answer.status == 400
        assert len(answer.body) < LIMIT


def test_shown_cuts_text_and_keeps_short_values() -> None:
    assert shown("abc") == "abc"
    assert shown("a" * 300) == "a" * 300
    assert shown("a" * 301) == "a" * 300 + "..."
    assert shown(42) == "42"
    assert shown(10**5000).endswith("-bit integer>")
    assert shown(["x" * 1000], limit=10) == "['xxxxxxxx..."

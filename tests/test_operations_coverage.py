"""Every operation of the installed ECS model is answered, and the gap is visible.

`EXPECTED_MISSING` names the model's operations nobody has implemented yet; it must shrink to
empty. The tests fail when an operation is implemented but still listed, when the model gains an
operation that is neither implemented nor listed, and when the README's operations table and
`OPERATIONS` disagree.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.model import Shape

from ecs_mock import EcsMock, _schema, mock_ecs
from ecs_mock._schema import known_operations, request_violation
from ecs_mock.backend.operations import OPERATIONS
from ecs_mock.protocol import TARGET_PREFIX

README = Path(__file__).resolve().parents[1] / "README.md"
NOT_IMPLEMENTED = "an ECS operation ecs_mock does not implement"

# The model's operations ecs_mock does not answer yet. Remove a name when you implement it.
EXPECTED_MISSING: frozenset[str] = frozenset()

# Operations the ECS model gained after botocore 1.34.17, the oldest supported: that model (the
# tox env py311-botocore-oldest) lacks them, so ecs_mock refuses them there by name.
ADDED_SINCE_OLDEST = frozenset(
    {
        "AssociateGatewayWithCluster",
        "ContinueServiceDeployment",
        "CreateDaemon",
        "CreateExpressGatewayService",
        "CreateGateway",
        "DeleteDaemon",
        "DeleteDaemonTaskDefinition",
        "DeleteExpressGatewayService",
        "DeleteGateway",
        "DescribeDaemon",
        "DescribeDaemonDeployments",
        "DescribeDaemonRevisions",
        "DescribeDaemonTaskDefinition",
        "DescribeExpressGatewayService",
        "DescribeGateway",
        "DescribeGatewayResources",
        "DescribeGatewayRoute",
        "DescribeServiceDeployments",
        "DescribeServiceRevisions",
        "DisassociateGatewayFromCluster",
        "ListDaemonDeployments",
        "ListDaemonTaskDefinitions",
        "ListDaemons",
        "ListGatewayClusterAssociations",
        "ListGatewayRoutes",
        "ListGateways",
        "ListServiceDeployments",
        "RegisterDaemonTaskDefinition",
        "StopServiceDeployment",
        "UpdateDaemon",
        "UpdateExpressGatewayService",
        "UpdateGateway",
    }
)


def test_the_operation_table_and_the_model_agree() -> None:
    model = known_operations()
    implemented = set(OPERATIONS)
    done = implemented & EXPECTED_MISSING
    assert not done, f"implemented, so remove from EXPECTED_MISSING: {sorted(done)}"
    unknown = model - implemented - EXPECTED_MISSING
    assert not unknown, (
        f"new in the model: implement, or add to EXPECTED_MISSING: {sorted(unknown)}"
    )
    # A name the installed model lacks is a misspelling unless a newer model has it.
    strange = (implemented | EXPECTED_MISSING) - model - ADDED_SINCE_OLDEST
    assert not strange, f"not operations of any supported ECS model: {sorted(strange)}"


def _minimal(shape: Shape) -> Any:
    """The smallest value the model accepts for `shape`: required members only, one list item."""
    kind = shape.type_name
    if kind == "structure":
        members: dict[str, Shape] = shape.members  # type: ignore[attr-defined]
        names = list(shape.required_members)
        if shape.metadata.get("union") and not names:
            names = [next(iter(members))]  # a union needs exactly one member
        return {name: _minimal(members[name]) for name in names}
    if kind == "list":
        return [_minimal(shape.member)] * max(shape.metadata.get("min", 0), 1)  # type: ignore[attr-defined]
    if kind == "map":
        return {}
    if kind == "string":
        enum = shape.enum  # type: ignore[attr-defined]
        return enum[0] if enum else "a" * max(shape.metadata.get("min", 1), 1)
    if kind in ("integer", "long"):
        return max(shape.metadata.get("min", 1), 1)
    if kind in ("double", "float"):
        return float(shape.metadata.get("min", 0))
    if kind == "boolean":
        return False
    if kind == "timestamp":
        return 0
    return ""  # blob


def minimal_params(operation: str) -> dict[str, Any]:
    model = _schema.REGISTRY._service_model()
    shape = model.operation_model(operation).input_shape
    params: dict[str, Any] = _minimal(shape) if shape is not None else {}
    return params


@pytest.mark.parametrize("operation", sorted(known_operations()))
def test_every_model_operation_answers(ecs_mock: EcsMock, operation: str) -> None:
    params = minimal_params(operation)
    assert request_violation(operation, params) is None, "the minimal request must be valid"
    client = boto3.client(
        "ecs", region_name="us-east-1", config=Config(retries={"max_attempts": 1})
    )
    try:
        getattr(client, xform_name(operation))(**params)
    except ClientError as error:
        code, message = error.response["Error"]["Code"], error.response["Error"]["Message"]
        assert code != "ServerException", message
        refused = code == "UnsupportedFeatureException" and NOT_IMPLEMENTED in message
    else:
        refused = False
    assert refused == (operation in EXPECTED_MISSING)


def _refusal(operation: str) -> tuple[int, dict[str, Any]]:
    with mock_ecs() as mock:
        reply = mock.dispatcher.handle(TARGET_PREFIX + operation, b"{}", "us-east-1", None)
    return reply.status, json.loads(reply.body)


def test_an_operation_a_future_botocore_adds_gets_the_clear_refusal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    known = known_operations()
    monkeypatch.setattr(_schema.REGISTRY, "operations", known | {"FrobnicateWidgets"})
    status, body = _refusal("FrobnicateWidgets")
    assert status == 400
    assert body["__type"] == "UnsupportedFeatureException"
    assert body["message"].startswith(f"FrobnicateWidgets is {NOT_IMPLEMENTED}. Supported")
    assert "StartTask" in body["message"]


def test_a_name_that_is_no_operation_says_so() -> None:
    status, body = _refusal("FrobnicateWidgets")
    assert (status, body["__type"]) == (400, "UnsupportedFeatureException")
    assert body["message"].startswith("FrobnicateWidgets is not an ECS operation.")


def test_an_implemented_operation_the_installed_model_lacks_is_refused_by_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # As on botocore 1.34.17 for daemons: ecs_mock cannot check such a request or answer.
    monkeypatch.setattr(_schema.REGISTRY, "operations", known_operations() - {"ListClusters"})
    status, body = _refusal("ListClusters")
    assert (status, body["__type"]) == (400, "UnsupportedFeatureException")
    assert "ListClusters is not in the ECS model of the installed botocore" in body["message"]
    assert "ListClusters," not in body["message"].split("Supported operations:")[1]


# -- the README's operations table -------------------------------------------------------------


def _readme_section(title: str) -> str:
    text = README.read_text()
    start = text.index(f"## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start:end]


def readme_operations() -> list[str]:
    """Every operation named in the first column of the README's operations table."""
    names = []
    for line in _readme_section("Supported operations").splitlines():
        cells = line.split("|")
        if len(cells) < 3 or not re.fullmatch(r"\s*[A-Z][A-Za-z ]*(/ [A-Za-z ]+)*\s*", cells[1]):
            continue
        names += [name.strip() for name in cells[1].split("/")]
    return [name for name in names if name not in ("Operation", "")]


def test_readme_table_lists_exactly_the_implemented_operations() -> None:
    listed = readme_operations()
    assert len(listed) == len(set(listed)), "an operation is listed twice"
    assert set(listed) == set(OPERATIONS)


def test_readme_names_the_operations_not_answered_yet() -> None:
    section = _readme_section("Supported operations")
    match = re.search(r"Not answered yet \(\d+\): (.*?)\.\n", section, re.DOTALL)
    assert match is not None
    named = {name.strip(" `\n") for name in match.group(1).split(",")} - {"none"}
    assert named == set(EXPECTED_MISSING)
    assert f"Not answered yet ({len(EXPECTED_MISSING)})" in section

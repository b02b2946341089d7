"""State never leaks: between tests (decorator, fixture, nested use, xdist workers), between
accounts (account_id option, access-key mapping) and between regions; and an ARN of another
account or region is refused the way ECS refuses it, changing nothing."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from ecs_mock import EcsMock, mock_ecs

KEYS = {"AKIAACCOUNTONE000001": "111111111111", "AKIAACCOUNTTWO000002": "222222222222"}


def _client(region: str = "us-east-1", key: str | None = None) -> Any:
    if key is None:
        return boto3.client("ecs", region_name=region)
    return boto3.client(
        "ecs", region_name=region, aws_access_key_id=key, aws_secret_access_key="secret"
    )


def _clusters(client: Any) -> list[str]:
    return list(client.list_clusters()["clusterArns"])


# -- between tests ------------------------------------------------------------------------------

INNER_SUITE = """
import boto3
import pytest
from ecs_mock import mock_ecs

def ecs():
    return boto3.client("ecs", region_name="us-east-1")

def leave_traces(name):
    client = ecs()
    assert client.list_clusters()["clusterArns"] == [], "state leaked in from another test"
    assert client.list_task_definition_families()["families"] == []
    client.create_cluster(clusterName=name)
    client.register_task_definition(
        family=name, containerDefinitions=[{"name": "c", "image": "i", "memory": 8}]
    )

@pytest.mark.parametrize("n", range(6))
def test_fixture(ecs_mock, n):
    leave_traces(f"fixture-{n}")
    ecs_mock.add_container_instance(f"fixture-{n}")

@pytest.mark.parametrize("n", range(6))
@pytest.mark.ecs_mock(account_id="210987654321")
def test_marker(n):
    leave_traces(f"marker-{n}")

@pytest.mark.parametrize("n", range(6))
@mock_ecs
def test_decorator(n):
    leave_traces(f"decorator-{n}")

@pytest.mark.parametrize("n", range(6))
def test_context_manager_and_nested(n):
    with mock_ecs():
        leave_traces(f"outer-{n}")
        with mock_ecs():  # same options: joins the outer state
            assert len(ecs().list_clusters()["clusterArns"]) == 1
        with mock_ecs(account_id="999999999999"):  # other options: a state of its own
            leave_traces(f"inner-{n}")
        assert len(ecs().list_clusters()["clusterArns"]) == 1  # the outer state is back
    with mock_ecs():
        leave_traces(f"again-{n}")

@mock_ecs
class TestClass:
    def test_one(self):
        leave_traces("class-one")

    def test_two(self):
        leave_traces("class-two")
"""


@pytest.mark.slow
@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["serial", "xdist-2"])
def test_no_state_leaks_between_tests(pytester: pytest.Pytester, workers: list[str]) -> None:
    pytester.makepyfile(test_inner=INNER_SUITE)
    # -p randomly would shuffle too, but the order pytest picks under xdist is already mixed.
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", *workers)
    result.assert_outcomes(passed=26)
    if workers:
        result.stdout.fnmatch_lines(["*2 workers*"])


GONE_SUITE = """
import gc
import os
import weakref

import boto3
import pytest
from botocore.endpoint import Endpoint
from botocore.hooks import HierarchicalEmitter

from ecs_mock import mock_ecs
from ecs_mock.intercept import INTERCEPTOR

ORIGINALS = (
    HierarchicalEmitter.__dict__["emit"],
    HierarchicalEmitter.__dict__["emit_until_response"],
    Endpoint.__dict__["_send"],
)
def environment():
    return {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}

ENVIRONMENT = environment()
SEEN = {}

@pytest.mark.ecs_mock(account_id="210987654321")
def test_uses_the_fixture(ecs_mock):
    assert INTERCEPTOR.active
    instance = ecs_mock.add_container_instance("left-behind")
    ecs = boto3.client("ecs", region_name="us-east-1")
    ecs.list_clusters()
    ecs_mock.register_task_definition("web")
    for _ in range(2):  # the second launch reuses what the first worked out of the definition
        ecs.start_task(cluster="left-behind", taskDefinition="web", containerInstances=[instance])
    SEEN["mock"] = ecs_mock
    SEEN["state"] = weakref.ref(ecs_mock.backend)
    region = ecs_mock.backend.region("210987654321", "us-east-1")
    SEEN["definition"] = weakref.ref(region.families["web"][0])

def test_after_it_nothing_remains():
    mock = SEEN["mock"]
    assert not mock.active
    assert not INTERCEPTOR.active
    assert (
        HierarchicalEmitter.__dict__["emit"],
        HierarchicalEmitter.__dict__["emit_until_response"],
        Endpoint.__dict__["_send"],
    ) == ORIGINALS
    assert environment() == ENVIRONMENT
    with pytest.raises(RuntimeError, match="No ecs_mock mock is active"):
        mock_ecs.current()
    with pytest.raises(RuntimeError, match="is not active"):
        mock.calls
    gc.collect()
    assert SEEN["state"]() is None, "the test's backend is still referenced"
    assert SEEN["definition"]() is None, "the test's task definition is still referenced"
    with mock_ecs(account_id="210987654321") as fresh:
        assert fresh.call("ListClusters")["clusterArns"] == []
"""


@pytest.mark.slow
def test_after_a_test_the_mock_is_gone(pytester: pytest.Pytester) -> None:
    """After a test using the fixture ends: the interceptor is uninstalled, botocore and the
    environment are as they were, and the test's state is gone (garbage, not kept anywhere)."""
    pytester.makepyfile(test_gone=GONE_SUITE)
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=2)


def test_nested_mock_with_other_options_gets_a_state_of_its_own() -> None:
    with mock_ecs(account_id="111122223333") as outer:
        outer.create_cluster("outer")
        with mock_ecs(account_id="444455556666") as inner:
            arn = _client().create_cluster(clusterName="n")["cluster"]["clusterArn"]
            assert arn == "arn:aws:ecs:us-east-1:444455556666:cluster/n"
            assert _clusters(_client()) == [arn]  # the outer state is not visible
            assert inner.calls_to("CreateCluster")[0].account_id == "444455556666"
        assert _clusters(_client()) == ["arn:aws:ecs:us-east-1:111122223333:cluster/outer"]
        assert [c.operation for c in outer.calls] == ["CreateCluster", "ListClusters"]
    with mock_ecs(account_id="444455556666"):
        assert _clusters(_client()) == []  # each state went with its mock


def test_reset_forgets_resources_but_keeps_intercepting(ecs_mock: EcsMock) -> None:
    ecs_mock.add_container_instance("default")
    ecs_mock.reset()
    assert _clusters(_client()) == []
    assert ecs_mock.calls_to("ListClusters") == [ecs_mock.calls[-1]]


# -- between accounts and regions ---------------------------------------------------------------


def test_account_id_option_scopes_every_arn() -> None:
    with mock_ecs(account_id="210987654321") as mock:
        instance = mock.add_container_instance("default")
        definition = mock.register_task_definition("app")
        task = _client().start_task(taskDefinition="app", containerInstances=[instance])
    for arn in (instance, definition, task["tasks"][0]["taskArn"]):
        assert arn.split(":")[4] == "210987654321"


def test_access_keys_map_callers_to_their_own_accounts() -> None:
    with mock_ecs(access_keys=KEYS):
        one, two = _client(key="AKIAACCOUNTONE000001"), _client(key="AKIAACCOUNTTWO000002")
        default = _client(key="AKIAUNMAPPEDKEY00003")
        for client in (one, two, default):
            client.create_cluster(clusterName="same-name")
        one.register_task_definition(
            family="only-one", containerDefinitions=[{"name": "c", "image": "i", "memory": 8}]
        )
        assert _clusters(one) == ["arn:aws:ecs:us-east-1:111111111111:cluster/same-name"]
        assert _clusters(two) == ["arn:aws:ecs:us-east-1:222222222222:cluster/same-name"]
        assert _clusters(default) == ["arn:aws:ecs:us-east-1:123456789012:cluster/same-name"]
        assert one.list_task_definition_families()["families"] == ["only-one"]
        assert two.list_task_definition_families()["families"] == []
        one.delete_cluster(cluster="same-name")
        assert _clusters(two) != []  # deleting in one account leaves the other alone


def test_regions_see_only_their_own_resources(ecs_mock: EcsMock) -> None:
    east, west = _client("us-east-1"), _client("eu-west-1")
    east.create_cluster(clusterName="east-only")
    west.create_cluster(clusterName="west-only")
    assert _clusters(east) == ["arn:aws:ecs:us-east-1:123456789012:cluster/east-only"]
    assert _clusters(west) == ["arn:aws:ecs:eu-west-1:123456789012:cluster/west-only"]
    missing = east.describe_clusters(clusters=["west-only"])
    assert missing["clusters"] == []
    assert missing["failures"][0]["reason"] == "MISSING"
    with pytest.raises(east.exceptions.ClusterNotFoundException):
        east.list_tasks(cluster="west-only")


# -- ARNs of another account or region ----------------------------------------------------------


@pytest.fixture
def two_accounts() -> Any:
    """Account 111111111111 owns a started task; the test acts as 222222222222."""
    with mock_ecs(access_keys=KEYS) as mock:
        owner = _client(key="AKIAACCOUNTONE000001")
        owner.create_cluster(clusterName="default")
        owner.register_task_definition(
            family="app", containerDefinitions=[{"name": "c", "image": "i", "memory": 8}]
        )
        document = '{"instanceId": "i-0123456789abcdef0", "instanceType": "m5.large"}'
        instance = owner.register_container_instance(instanceIdentityDocument=document)[
            "containerInstance"
        ]["containerInstanceArn"]
        task = owner.start_task(taskDefinition="app", containerInstances=[instance])["tasks"][0]
        intruder = _client(key="AKIAACCOUNTTWO000002")
        intruder.create_cluster(clusterName="default")
        intruder.register_task_definition(
            family="app", containerDefinitions=[{"name": "c", "image": "i", "memory": 8}]
        )
        yield mock, owner, intruder, instance, task


def _error(call: Any, **params: Any) -> dict[str, str]:
    with pytest.raises(ClientError) as raised:
        call(**params)
    return dict(raised.value.response["Error"])


def _owner_view(owner: Any, instance: str, task: dict[str, Any]) -> Any:
    return (
        owner.describe_tasks(tasks=[task["taskArn"]])["tasks"],
        owner.describe_container_instances(containerInstances=[instance])["containerInstances"],
    )


def test_other_accounts_arns_are_refused_and_change_nothing(two_accounts: Any) -> None:
    _, owner, intruder, instance, task = two_accounts
    before = _owner_view(owner, instance, task)
    cluster_arn = task["clusterArn"]
    definition_arn = task["taskDefinitionArn"]

    assert _error(intruder.list_tasks, cluster=cluster_arn)["Code"] == "ClusterNotFoundException"
    refused = _error(intruder.start_task, taskDefinition="app", containerInstances=[instance])
    assert refused["Code"] == "InvalidParameterException"
    assert "111111111111" in refused["Message"]
    assert "222222222222" in refused["Message"]
    refused = _error(intruder.start_task, taskDefinition=definition_arn, containerInstances=["x"])
    assert refused == {"Code": "ClientException", "Message": "TaskDefinition not found."}
    refused = _error(intruder.stop_task, task=task["taskArn"])
    assert refused["Code"] == "InvalidParameterException"
    refused = _error(intruder.describe_tasks, tasks=[task["taskArn"]])
    assert refused["Code"] == "InvalidParameterException"
    refused = _error(intruder.tag_resource, resourceArn=task["taskArn"], tags=[{"key": "k"}])
    assert refused["Code"] == "InvalidParameterException"
    refused = _error(
        intruder.update_container_instances_state, containerInstances=[instance], status="DRAINING"
    )
    assert refused["Code"] == "InvalidParameterException"

    assert _owner_view(owner, instance, task) == before
    assert owner.list_tags_for_resource(resourceArn=task["taskArn"])["tags"] == []


def test_other_regions_arns_are_refused(two_accounts: Any) -> None:
    _, owner, _, instance, task = two_accounts
    west = _client("eu-west-1", key="AKIAACCOUNTONE000001")  # same account, other region
    west.create_cluster(clusterName="default")
    west.register_task_definition(
        family="app", containerDefinitions=[{"name": "c", "image": "i", "memory": 8}]
    )
    assert _error(west.list_tasks, cluster=task["clusterArn"])["Code"] == (
        "ClusterNotFoundException"
    )
    refused = _error(west.describe_tasks, tasks=[task["taskArn"]])
    assert refused["Code"] == "InvalidParameterException"
    refused = _error(west.start_task, taskDefinition="app", containerInstances=[instance])
    assert refused["Code"] == "InvalidParameterException"
    assert "us-east-1" in refused["Message"]
    assert "eu-west-1" in refused["Message"]
    refused = _error(
        west.start_task, taskDefinition=task["taskDefinitionArn"], containerInstances=["x"]
    )
    assert refused == {"Code": "ClientException", "Message": "TaskDefinition not found."}
    assert owner.describe_tasks(tasks=[task["taskArn"]])["tasks"][0]["taskArn"] == task["taskArn"]

"""The call log: the application's calls told from setup shortcuts, each with its answer and
clock time; bounded in bytes however large the requests; and the assertion helpers."""

from __future__ import annotations

import gc
import json
import tracemalloc
import urllib.request
from typing import Any
from unittest.mock import ANY

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from freezegun import freeze_time

from ecs_mock import Call, EcsMock
from ecs_mock.controls import MAX_BODY_KEPT, MAX_STRING, Controls
from ecs_mock.server import EcsServer

NO_VALIDATION = Config(parameter_validation=False, retries={"max_attempts": 1})


def _start(ecs: Any, instance: str, **params: Any) -> str:
    started = ecs.start_task(taskDefinition="app", containerInstances=[instance], **params)
    return str(started["tasks"][0]["taskArn"])


def test_calls_record_source_answer_and_clock_time(ecs_mock: EcsMock, ecs: Any) -> None:
    with freeze_time("2024-05-01 12:00:00"):
        instance = ecs_mock.add_container_instance("default")
        ecs_mock.register_task_definition("app")
    with freeze_time("2024-05-01 12:00:07"):
        arn = _start(ecs, instance, startedBy="job-1")
        with pytest.raises(ClientError):
            ecs.describe_tasks(cluster="nope", tasks=[arn])

    shortcuts = [c for c in ecs_mock.calls if c.source == "shortcut"]
    assert [c.operation for c in shortcuts] == [
        "CreateCluster",
        "RegisterContainerInstance",
        "RegisterTaskDefinition",
    ]
    assert {c.time for c in shortcuts} == {1714564800.0}
    started, refused = (c for c in ecs_mock.calls if c.source == "client")
    assert (started.operation, started.status, started.ok, started.time) == (
        "StartTask",
        200,
        True,
        1714564807.0,
    )
    assert started.error_code is None
    assert started.response is not None
    assert started.response["tasks"][0]["taskArn"] == arn
    assert (refused.status, refused.error_code, refused.error_message, refused.response) == (
        400,
        "ClusterNotFoundException",
        "Cluster not found.",
        None,
    )
    assert not started.truncated


def test_injected_errors_are_logged_with_their_code(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.inject_error("ListClusters", "ClusterNotFoundException", "injected")
    with pytest.raises(ClientError):
        ecs.list_clusters()
    (call,) = ecs_mock.calls
    assert (call.error_code, call.error_message, call.source) == (
        "ClusterNotFoundException",
        "injected",
        "client",
    )


def _refused(call: Any, **params: Any) -> str:
    try:
        call(**params)
    except ClientError as error:  # dropped here, with the frames that hold the request
        return str(error.response["Error"]["Code"])
    return "accepted"


def _retained_by(call: Any, **params: Any) -> int:
    """Bytes still allocated after a refused request (its exception gone)."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        assert _refused(call, **params) != "accepted"
        gc.collect()
        return tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()


def test_a_huge_refused_request_is_kept_shrunk(ecs_mock: EcsMock) -> None:
    ecs = boto3.client("ecs", region_name="us-east-1", config=NO_VALIDATION)
    huge = "x" * (1024 * 1024)
    params = {"clusterName": huge, "tags": [{"key": "k", "value": huge}] * 5}
    assert _refused(ecs.create_cluster, **params) == "InvalidParameterException"  # warm-up
    ecs_mock.clear_calls()
    # The log kept the whole decoded request before: 6 MiB here.
    assert _retained_by(ecs.create_cluster, **params) < 512 * 1024
    (call,) = ecs_mock.calls
    assert call.truncated
    assert call.error_code == "InvalidParameterException"
    assert call.params["clusterName"].startswith("x" * MAX_STRING)
    assert call.params["clusterName"].endswith("(1,048,576 characters)")
    assert len(call.params["clusterName"]) < MAX_STRING + 40
    assert call.size < 2 * MAX_BODY_KEPT


def test_a_refused_request_of_many_small_values_is_kept_shrunk(ecs_mock: EcsMock) -> None:
    ecs = boto3.client("ecs", region_name="us-east-1", config=NO_VALIDATION)
    names = [str(n) for n in range(150_000)]  # ~1 MiB of JSON
    # The log kept 9 MiB of decoded strings and lists for this before.
    assert _retained_by(ecs.describe_clusters, clusters=names) < 512 * 1024
    (call,) = ecs_mock.calls
    assert call.truncated
    assert call.params["clusters"][:2] == ["0", "1"]


def test_huge_lists_and_deep_nesting_are_cut(ecs_mock: EcsMock) -> None:
    nested: Any = "bottom"
    for _ in range(200):
        nested = [nested]
    body = {"clusters": [f"c{n:06}" for n in range(20_000)], "include": nested}
    reply = ecs_mock.dispatcher.handle(
        "AmazonEC2ContainerServiceV20141113.DescribeClusters", json.dumps(body), None, None
    )
    assert reply.status == 400
    (call,) = ecs_mock.calls
    assert call.truncated
    assert call.params["clusters"][-1] == "... 19,900 more items not kept"
    assert len(call.params["clusters"]) == 101
    assert "(nested too deep to keep)" in json.dumps(call.params["include"])


def test_a_big_response_is_not_kept(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.register_task_definition("app")
    instances = [ecs_mock.add_container_instance("default", cpu=10240) for _ in range(10)]
    arns = []
    for _ in range(10):
        started = ecs.start_task(taskDefinition="app", containerInstances=instances)
        arns += [task["taskArn"] for task in started["tasks"]]
    described = ecs.describe_tasks(tasks=arns)
    assert len(described["tasks"]) == 100
    call = ecs_mock.calls_to("DescribeTasks")[0]
    assert (call.ok, call.response, call.truncated) == (True, None, True)
    assert call.params["tasks"] == arns  # the request is small: kept whole


def test_the_log_is_bounded_in_bytes_and_counts_stay_exact() -> None:
    controls = Controls(max_bytes=10_000)
    for n in range(100):
        controls.record(
            Call.received(
                operation="ListClusters",
                params={},
                body=json.dumps({"n": n, "pad": "p" * 500}),
                region="us-east-1",
                account_id="123456789012",
                source="client",
                time=0.0,
                status=200,
                error=None,
                response=b"{}",
            )
        )
    kept = controls.recorded()
    assert sum(call.size for call in kept) <= 10_000
    assert kept[-1].params["n"] == 99  # the newest are kept
    assert controls.received == 100
    assert controls.dropped == 100 - len(kept) > 0
    assert controls.count["client", "ListClusters"] == 100


# -- assertion helpers --------------------------------------------------------------------------


@pytest.fixture
def started(ecs_mock: EcsMock, ecs: Any) -> str:
    instance = ecs_mock.add_container_instance("default")
    ecs_mock.register_task_definition("app")
    _start(ecs, instance, startedBy="job-1")
    _start(ecs, instance, startedBy="job-2", group="batch")
    return instance


def test_assert_called_with_checks_the_last_call(ecs_mock: EcsMock, started: str) -> None:
    call = ecs_mock.assert_called_with("StartTask", startedBy="job-2", group="batch")
    assert call.params["containerInstances"] == [started]
    ecs_mock.assert_called_with("StartTask", containerInstances=[started], startedBy=ANY)
    with pytest.raises(AssertionError) as failed:
        ecs_mock.assert_called_with("StartTask", startedBy="job-1")
    message = str(failed.value)
    assert "Expected the last StartTask call to include startedBy='job-1'." in message
    assert "The application's StartTask calls: 2; the last kept:" in message
    assert "(differs in startedBy)" in message
    assert "'startedBy': 'job-2'" in message
    assert "calls made by setup shortcuts are not counted" in message


def test_assert_any_call_and_once(ecs_mock: EcsMock, ecs: Any, started: str) -> None:
    assert ecs_mock.assert_any_call("StartTask", startedBy="job-1").params["startedBy"] == "job-1"
    with pytest.raises(AssertionError, match="Expected a StartTask call including group='x'"):
        ecs_mock.assert_any_call("StartTask", group="x")
    with pytest.raises(AssertionError, match="Expected exactly one StartTask call"):
        ecs_mock.assert_called_once_with("StartTask")
    ecs.list_tasks()
    assert ecs_mock.assert_called_once_with("ListTasks").operation == "ListTasks"


def test_shortcuts_are_not_the_applications_calls(ecs_mock: EcsMock) -> None:
    ecs_mock.create_cluster("only-a-shortcut")
    assert ecs_mock.call_count("CreateCluster") == 0
    ecs_mock.assert_not_called("CreateCluster")
    with pytest.raises(AssertionError, match="The application made no CreateCluster call"):
        ecs_mock.assert_called_with("CreateCluster")


def test_call_count_and_assert_not_called(ecs_mock: EcsMock, ecs: Any, started: str) -> None:
    assert ecs_mock.call_count("StartTask") == 2
    assert ecs_mock.call_count("StopTask") == 0
    ecs_mock.assert_not_called("StopTask")
    with pytest.raises(AssertionError, match="Expected no StartTask call"):
        ecs_mock.assert_not_called("StartTask")
    with pytest.raises(ValueError, match="'StartTasks' is not an ECS operation"):
        ecs_mock.call_count("StartTasks")
    ecs_mock.clear_calls()
    assert ecs_mock.call_count("StartTask") == 0


def test_retried_attempts_each_count(ecs_mock: EcsMock, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("time.sleep", lambda seconds: None)
    ecs_mock.inject_error("ListClusters", "ThrottlingException", count=2)
    boto3.client("ecs", region_name="us-east-1").list_clusters()
    assert ecs_mock.call_count("ListClusters") == 3
    assert [c.error_code for c in ecs_mock.calls] == ["ThrottlingException"] * 2 + [None]


# -- the server's /_ecs_mock/calls ---------------------------------------------------------------


def test_server_calls_route_shows_the_new_fields() -> None:
    with EcsServer(port=0, empty=True) as server:
        ecs = boto3.client(
            "ecs",
            endpoint_url=server.url,
            region_name="us-east-1",
            aws_access_key_id="x",
            aws_secret_access_key="x",
            config=Config(retries={"max_attempts": 1}),
        )
        server.app.view().create_cluster("c")
        ecs.list_clusters()
        with pytest.raises(ClientError):
            ecs.list_tasks(cluster="missing")
        with urllib.request.urlopen(f"{server.url}/_ecs_mock/calls") as answer:
            shown = json.load(answer)
    assert shown["received"] == 3
    shortcut, listed, refused = shown["calls"]
    assert (shortcut["operation"], shortcut["source"]) == ("CreateCluster", "shortcut")
    assert listed["source"] == "client"
    assert listed["response"] == {"clusterArns": ["arn:aws:ecs:us-east-1:123456789012:cluster/c"]}
    assert (listed["status"], listed["errorCode"], listed["accountId"]) == (
        200,
        None,
        "123456789012",
    )
    assert isinstance(listed["time"], float)
    assert (refused["status"], refused["errorCode"], refused["errorMessage"]) == (
        400,
        "ClusterNotFoundException",
        "Cluster not found.",
    )
    assert refused["params"] == {"cluster": "missing"}
    assert refused["truncated"] is False


def test_a_logged_call_has_every_field_and_stays_frozen(ecs_mock: EcsMock, ecs: Any) -> None:
    """`Call.received` fills the instance without the dataclass __init__: every field is set,
    the equality and repr are the dataclass's, and a caller cannot change a logged call."""
    import dataclasses

    ecs.list_clusters()
    call = ecs_mock.calls[-1]
    assert {f.name for f in dataclasses.fields(Call)} <= set(vars(call))
    assert call.operation == "ListClusters"
    assert call.status == 200
    assert call.ok
    assert "operation='ListClusters'" in repr(call)
    with pytest.raises(dataclasses.FrozenInstanceError):
        call.status = 500  # type: ignore[misc]
    assert call.response is not None
    assert "clusterArns" in call.response

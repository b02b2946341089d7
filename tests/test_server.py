"""The HTTP door, driven by boto3 clients pointed at an in-process server on a free port."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config

from ecs_mock.server import EcsServer

NO_RETRY = Config(retries={"max_attempts": 1, "mode": "standard"})


def client(url: str, region: str = "us-east-1", key: str = "AKIAEXAMPLEKEY000001") -> Any:
    return boto3.client(
        "ecs",
        endpoint_url=url,
        region_name=region,
        aws_access_key_id=key,
        aws_secret_access_key="any-secret",
        config=NO_RETRY,
    )


def control(url: str, route: str, payload: dict[str, Any] | None = None) -> dict[str, Any]:
    """GET a control route, or POST `payload` to one (POST routes take JSON only)."""
    data = None if payload is None else json.dumps(payload).encode()
    headers = {} if data is None else {"Content-Type": "application/json"}
    request = urllib.request.Request(f"{url}/_ecs_mock/{route}", data=data, headers=headers)
    with urllib.request.urlopen(request) as response:
        result: dict[str, Any] = json.loads(response.read())
    return result


@pytest.fixture
def server() -> Iterator[EcsServer]:
    with EcsServer(port=0) as running:
        yield running


def test_default_state_lets_start_task_work_at_once(server: EcsServer) -> None:
    ecs = client(server.url)
    instances = ecs.list_container_instances(cluster="default")["containerInstanceArns"]
    assert len(instances) == 2
    started = ecs.start_task(
        cluster="default", taskDefinition="example", containerInstances=instances
    )
    assert started["failures"] == []
    assert [t["containerInstanceArn"] for t in started["tasks"]] == instances
    described = ecs.describe_tasks(cluster="default", tasks=[started["tasks"][0]["taskArn"]])
    assert described["tasks"][0]["desiredStatus"] == "RUNNING"
    # Capacity is accounted exactly as in-process: the example needs 256 CPU of 2048.
    detail = ecs.describe_container_instances(cluster="default", containerInstances=instances)
    for instance in detail["containerInstances"]:
        remaining = {r["name"]: r for r in instance["remainingResources"]}
        assert remaining["CPU"]["integerValue"] == 2048 - 256


def test_empty_server_has_nothing() -> None:
    with EcsServer(port=0, empty=True) as server:
        ecs = client(server.url)
        assert ecs.list_clusters()["clusterArns"] == []
        assert ecs.list_task_definition_families()["families"] == []


def test_region_and_account_come_from_the_signature_and_options() -> None:
    with EcsServer(port=0, empty=True, account_id="210987654321") as server:
        arn = client(server.url, region="eu-central-1").create_cluster(clusterName="c")
        assert arn["cluster"]["clusterArn"] == ("arn:aws:ecs:eu-central-1:210987654321:cluster/c")
        # Regions are separate, as in AWS.
        assert client(server.url, region="us-east-1").list_clusters()["clusterArns"] == []


def test_modeled_errors_reach_the_client(server: EcsServer) -> None:
    ecs = client(server.url)
    with pytest.raises(ecs.exceptions.ClusterNotFoundException) as caught:
        ecs.start_task(cluster="nope", taskDefinition="example", containerInstances=["x"])
    assert caught.value.response["Error"]["Message"] == "Cluster not found."
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert caught.value.response["ResponseMetadata"]["RequestId"]


def test_control_reset_returns_to_the_default_state(server: EcsServer) -> None:
    ecs = client(server.url)
    ecs.create_cluster(clusterName="extra")
    assert len(ecs.list_clusters()["clusterArns"]) == 2
    assert control(server.url, "reset", {}) == {"reset": True, "empty": False}
    assert [a.rsplit("/", 1)[1] for a in ecs.list_clusters()["clusterArns"]] == ["default"]
    control(server.url, "reset", {"empty": True})
    assert ecs.list_clusters()["clusterArns"] == []


def test_control_advance_moves_tasks_along() -> None:
    with EcsServer(port=0, timings=_slow()) as server:
        ecs = client(server.url)
        instance = ecs.list_container_instances(cluster="default")["containerInstanceArns"][0]
        task = ecs.start_task(
            cluster="default", taskDefinition="example", containerInstances=[instance]
        )["tasks"][0]["taskArn"]
        assert _status(ecs, task) == "PENDING"
        control(server.url, "advance", {"state": "RUNNING", "task": task})
        assert _status(ecs, task) == "RUNNING"
        control(server.url, "advance", {"state": "STOPPED"})
        assert _status(ecs, task) == "STOPPED"


def test_control_state_and_calls_show_what_happened(server: EcsServer) -> None:
    ecs = client(server.url, region="us-west-2")
    ecs.create_cluster(clusterName="west")
    state = control(server.url, "state")
    by_region = {(r["accountId"], r["region"]): r for r in state["regions"]}
    east = by_region[("123456789012", "us-east-1")]
    assert [c["clusterName"] for c in east["clusters"]] == ["default"]
    assert len(east["clusters"][0]["containerInstances"]) == 2
    assert [d["family"] for d in east["taskDefinitions"]] == ["example"]
    west = by_region[("123456789012", "us-west-2")]
    assert [c["clusterName"] for c in west["clusters"]] == ["west"]
    assert east["clusters"][0]["services"] == []
    calls = control(server.url, "calls")["calls"]
    assert [(c["operation"], c["region"]) for c in calls] == [("CreateCluster", "us-west-2")]
    container = {"name": "c", "image": "i", "memory": 64}
    ecs.register_task_definition(family="t", containerDefinitions=[container])
    ecs.create_service(cluster="west", serviceName="svc", taskDefinition="t", desiredCount=0)
    west = {r["region"]: r for r in control(server.url, "state")["regions"]}["us-west-2"]
    assert [s["serviceName"] for s in west["clusters"][0]["services"]] == ["svc"]
    assert control(server.url, "health")["status"] == "ok"


def test_the_call_log_keeps_the_most_recent_calls() -> None:
    with EcsServer(port=0, empty=True, max_calls=3) as small:
        ecs = client(small.url)
        for name in ("a", "b", "c", "d", "e"):
            ecs.create_cluster(clusterName=name)
        answer = control(small.url, "calls")
        assert [c["params"]["clusterName"] for c in answer["calls"]] == ["c", "d", "e"]
        assert answer["received"] == 5
        assert control(small.url, "state")["calls"] == 5


def test_control_errors_are_json(server: EcsServer) -> None:
    status, body = _raw(server.url, "POST", "/_ecs_mock/advance", b'{"state": "FLYING"}')
    assert status == 400
    assert body["__type"] == "InvalidParameterException"
    assert "state must be one of" in body["message"]
    status, body = _raw(server.url, "GET", "/_ecs_mock/nothing-here")
    assert status == 404
    assert "/_ecs_mock/reset" in body["message"]


def test_setup_shortcuts_through_the_app(server: EcsServer) -> None:
    arn = server.app.view().add_container_instance("default", cpu=512, memory=1024)
    ecs = client(server.url)
    assert arn in ecs.list_container_instances(cluster="default")["containerInstanceArns"]


def test_plugin_fixture_yields_a_live_server(ecs_mock_server: str) -> None:
    ecs = client(ecs_mock_server)
    assert "default" in [a.rsplit("/", 1)[1] for a in ecs.list_clusters()["clusterArns"]]


def _slow() -> Any:
    from ecs_mock import Timings

    return Timings(provisioning=600, pending=600, stopping=600, deprovisioning=600)


def _status(ecs: Any, task: str) -> str:
    return str(ecs.describe_tasks(cluster="default", tasks=[task])["tasks"][0]["lastStatus"])


def _raw(url: str, method: str, path: str, body: bytes | None = None) -> tuple[int, dict[str, Any]]:
    headers = {"Content-Type": "application/json"}
    request = urllib.request.Request(url + path, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_any_credentials_or_none_are_accepted_by_default() -> None:
    from botocore import UNSIGNED

    with EcsServer(port=0, empty=True, region="ca-central-1") as server:
        unsigned = boto3.client(
            "ecs",
            endpoint_url=server.url,
            region_name="ca-central-1",
            config=Config(signature_version=UNSIGNED, retries={"max_attempts": 1}),
        )
        created = unsigned.create_cluster(clusterName="anon")["cluster"]["clusterArn"]
        # No signature, so no region in it: the server's --region applies.
        assert created == "arn:aws:ecs:ca-central-1:123456789012:cluster/anon"
        other = client(server.url, region="ca-central-1", key="AKIAANYTHINGATALL000")
        assert other.list_clusters()["clusterArns"] == [created]


def test_max_calls_option_parses_and_zero_keeps_everything() -> None:
    from ecs_mock.server.cli import options_from, parser

    assert options_from(parser().parse_args([])).max_calls == 10_000
    options = options_from(parser().parse_args(["--max-calls", "0", "--empty", "--port", "0"]))
    with EcsServer(options) as unbounded:
        assert unbounded.app.controls.max_calls is None
    with pytest.raises(SystemExit):
        parser().parse_args(["--max-calls", "-1"])


def test_capacity_wait_option_parses() -> None:
    from ecs_mock.server.cli import options_from, parser

    assert options_from(parser().parse_args([])).timings.capacity_wait == 1800
    options = options_from(parser().parse_args(["--capacity-wait-seconds", "60"]))
    assert options.timings.capacity_wait == 60
    with pytest.raises(SystemExit):
        parser().parse_args(["--capacity-wait-seconds", "-1"])

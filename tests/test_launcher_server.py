"""The launcher features on the local server (issue 14): task metadata endpoint v4, and the
outcome API, events and logs on the control surface; and `mock_ecs(default_cluster=True)`."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

from ecs_mock import mock_ecs
from ecs_mock.server import EcsServer

NO_RETRY = Config(retries={"max_attempts": 1})


def client(url: str) -> Any:
    return boto3.client(
        "ecs",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="any-secret",
        config=NO_RETRY,
    )


def post(url: str, route: str, payload: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(
        f"{url}/_ecs_mock/{route}",
        data=json.dumps(payload).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as response:
        result: dict[str, Any] = json.loads(response.read())
    return result


def get(url: str) -> tuple[int, dict[str, Any]]:
    try:
        with urllib.request.urlopen(url) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.fixture
def server() -> Iterator[EcsServer]:
    with EcsServer(port=0, empty=True) as running:
        yield running


def fargate(ecs: Any, logged: bool = False) -> str:
    container: dict[str, Any] = {"name": "main", "image": "job:1"}
    if logged:
        container["logConfiguration"] = {
            "logDriver": "awslogs",
            "options": {"awslogs-group": "/jobs", "awslogs-region": "us-east-1"},
        }
    ecs.create_cluster(clusterName="jobs")
    ecs.register_task_definition(
        family="job",
        containerDefinitions=[container],
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        tags=[{"key": "team", "value": "data"}],
    )
    answer = ecs.run_task(
        cluster="jobs",
        taskDefinition="job",
        launchType="FARGATE",
        networkConfiguration={"awsvpcConfiguration": {"subnets": ["subnet-0a1b2c3d"]}},
        tags=[{"key": "run", "value": "7"}],
    )
    return str(answer["tasks"][0]["taskArn"])


def test_task_metadata_v4(server: EcsServer) -> None:
    ecs = client(server.url)
    arn = fargate(ecs)
    task_id = arn.rpartition("/")[2]
    status, task = get(f"{server.url}/v4/{task_id}/task")
    assert status == 200
    assert task["TaskARN"] == arn
    assert task["Cluster"].endswith(":cluster/jobs")
    assert task["Family"] == "job"
    assert task["KnownStatus"] == "RUNNING"
    assert task["LaunchType"] == "FARGATE"
    assert [c["Name"] for c in task["Containers"]] == ["main"]
    status, own = get(f"{server.url}/v4/{task_id}")
    assert status == 200
    assert own["Name"] == "main"
    status, tagged = get(f"{server.url}/v4/{task_id}/taskWithTags")
    assert tagged["TaskTags"] == {"run": "7"}
    status, missing = get(f"{server.url}/v4/0123456789abcdef0123456789abcdef/task")
    assert status == 404
    assert "No task" in json.dumps(missing)
    status, _ = get(f"{server.url}/v4/{task_id}/stats")
    assert status == 404


def test_outcomes_events_and_logs_on_the_control_surface(server: EcsServer) -> None:
    ecs = client(server.url)
    rule = post(
        server.url,
        "outcome",
        {"outcome": "exits", "args": {"code": 4, "logs": ["x", "y"]}, "family": "job"},
    )
    assert rule == {"decided": "rule"}
    arn = fargate(ecs, logged=True)
    task = ecs.describe_tasks(cluster="jobs", tasks=[arn])["tasks"][0]
    assert task["lastStatus"] == "STOPPED"
    assert task["containers"][0]["exitCode"] == 4
    assert post(server.url, "logs", {"task": arn, "cluster": "jobs"}) == {"lines": ["x", "y"]}
    events = post(server.url, "events", {"task": arn})["events"]
    assert [e["detail"]["lastStatus"] for e in events][-1] == "STOPPED"
    post(server.url, "fail-run-task", {"reason": "AGENT", "count": 1})
    failed = ecs.run_task(
        cluster="jobs",
        taskDefinition="job",
        launchType="FARGATE",
        networkConfiguration={"awsvpcConfiguration": {"subnets": ["subnet-0a1b2c3d"]}},
    )
    assert failed["failures"] == [{"reason": "AGENT"}]  # Fargate: no instance ARN to name


def test_bad_outcome_requests_are_refused(server: EcsServer) -> None:
    for payload in (
        {"outcome": "explodes"},
        {"outcome": "exits", "args": {"code": "one"}},
        {"outcome": "exits", "args": {"nope": 1}},
        {"outcome": "exits", "surprise": True},
    ):
        with pytest.raises(urllib.error.HTTPError) as caught:
            post(server.url, "outcome", payload)
        body = json.loads(caught.value.read())
        assert body["__type"].endswith("InvalidParameterException"), payload


def test_default_cluster_option() -> None:
    with mock_ecs(default_cluster=True) as mock:
        ecs = boto3.client("ecs", region_name="us-east-1")
        assert [c.rpartition("/")[2] for c in ecs.list_clusters()["clusterArns"]] == ["default"]
        # made behind the API: not among the calls a test checks
        assert [call.operation for call in mock.calls] == ["ListClusters"]
        mock.reset()
        assert len(ecs.list_clusters()["clusterArns"]) == 1
    with mock_ecs():
        assert boto3.client("ecs", region_name="us-east-1").list_clusters()["clusterArns"] == []
    with pytest.raises(ValueError, match="default_cluster"):
        mock_ecs(default_cluster="yes")  # type: ignore[arg-type]


def test_a_state_file_keeps_account_settings(tmp_path: Path) -> None:
    """Account settings are API state: a restarted server has them. (Outcome rules, events and
    log lines are a test's controls and observations: not kept.)"""
    path = tmp_path / "state.db"
    with EcsServer(port=0, empty=True, state_file=path) as first:
        client(first.url).put_account_setting(name="containerInsights", value="enhanced")
        client(first.url).put_account_setting_default(name="taskLongArnFormat", value="disabled")
    with EcsServer(port=0, empty=True, state_file=path) as second:
        ecs = client(second.url)
        settings = ecs.list_account_settings()["settings"]
        assert {s["name"]: s["value"] for s in settings} == {
            "containerInsights": "enhanced",
            "taskLongArnFormat": "disabled",
        }
        ecs.create_cluster(clusterName="default")
        ecs.register_task_definition(
            family="app", containerDefinitions=[{"name": "m", "image": "m", "memory": 64}]
        )
        second.app.view().add_container_instance("default")
        arn = ecs.run_task(taskDefinition="app")["tasks"][0]["taskArn"]
        assert arn.count("/") == 1  # the short format, as the kept setting says

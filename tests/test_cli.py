"""The AWS CLI (the one installed beside this Python) against the local server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ecs_mock.server import Credential, EcsServer

AWS = Path(sys.executable).parent / "aws"
pytestmark = pytest.mark.skipif(
    not AWS.exists(), reason=f"the AWS CLI is not installed next to {sys.executable}"
)


@pytest.fixture(scope="module")
def server() -> Iterator[EcsServer]:
    with EcsServer(port=0, empty=True) as running:
        yield running


def aws_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("AWS_") and key != "PYTHONWARNINGS"
    }
    env.update(
        AWS_ACCESS_KEY_ID="AKIACLITESTING000001",
        AWS_SECRET_ACCESS_KEY="cli-secret",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_CONFIG_FILE=str(tmp_path / "no-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "no-credentials"),
        AWS_EC2_METADATA_DISABLED="true",
        AWS_MAX_ATTEMPTS="1",
    )
    env.update(extra)
    return env


def aws(env: dict[str, str], *args: str, check: bool = True) -> Any:
    result = subprocess.run(
        [str(AWS), "ecs", *args, "--output", "json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if not check:
        return result
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout) if result.stdout.strip() else {}


@pytest.mark.slow
def test_cli_lifecycle_with_endpoint_url(server: EcsServer, tmp_path: Path) -> None:
    env = aws_env(tmp_path)
    url = ["--endpoint-url", server.url]
    cluster = aws(env, "create-cluster", "--cluster-name", "cli", *url)["cluster"]
    assert cluster["clusterArn"] == "arn:aws:ecs:us-east-1:123456789012:cluster/cli"
    instance = server.app.view().add_container_instance("cli", cpu=1024, memory=2048)
    containers = json.dumps([{"name": "app", "image": "busybox", "cpu": 768, "memory": 256}])
    definition = aws(
        env, "register-task-definition", "--family", "cli-app",
        "--container-definitions", containers, *url,
    )["taskDefinition"]  # fmt: skip
    assert definition["taskDefinitionArn"].endswith(":task-definition/cli-app:1")
    started = aws(
        env, "start-task", "--cluster", "cli", "--task-definition", "cli-app",
        "--container-instances", instance, instance, "--started-by", "cli-test", *url,
    )  # fmt: skip
    # Two copies asked, 1024 CPU: the second does not fit and says why.
    assert len(started["tasks"]) == 1
    assert [f["reason"] for f in started["failures"]] == ["RESOURCE:CPU"]
    task_arn = started["tasks"][0]["taskArn"]
    described = aws(env, "describe-tasks", "--cluster", "cli", "--tasks", task_arn, *url)
    assert described["tasks"][0]["startedBy"] == "cli-test"
    listed = aws(env, "list-tasks", "--cluster", "cli", "--started-by", "cli-test", *url)
    assert listed["taskArns"] == [task_arn]
    stopped = aws(
        env, "stop-task", "--cluster", "cli", "--task", task_arn, "--reason", "done", *url
    )["task"]  # fmt: skip
    assert (stopped["desiredStatus"], stopped["stoppedReason"]) == ("STOPPED", "done")


@pytest.mark.slow
def test_cli_with_the_service_endpoint_variable(server: EcsServer, tmp_path: Path) -> None:
    env = aws_env(tmp_path, AWS_ENDPOINT_URL_ECS=server.url, AWS_DEFAULT_REGION="ap-south-1")
    aws(env, "create-cluster", "--cluster-name", "by-env")
    clusters = aws(env, "list-clusters")["clusterArns"]
    assert clusters == ["arn:aws:ecs:ap-south-1:123456789012:cluster/by-env"]
    # The region came from the CLI's signature: nothing was created in us-east-1.
    assert "by-env" not in {
        arn.rsplit("/", 1)[1] for arn in aws(aws_env(tmp_path), "list-clusters",
                                             "--endpoint-url", server.url)["clusterArns"]
    }  # fmt: skip


def test_cli_shows_modeled_errors(server: EcsServer, tmp_path: Path) -> None:
    env = aws_env(tmp_path, AWS_ENDPOINT_URL_ECS=server.url)
    result = aws(env, "describe-tasks", "--cluster", "missing", "--tasks", "x", check=False)
    assert result.returncode != 0
    assert "(ClusterNotFoundException)" in result.stderr
    assert "Cluster not found." in result.stderr


@pytest.mark.slow
def test_cli_against_a_server_that_requires_signatures(tmp_path: Path) -> None:
    credentials = {"AKIACLITESTING000001": Credential("cli-secret")}
    with EcsServer(port=0, empty=True, credentials=credentials) as server:
        env = aws_env(tmp_path, AWS_ENDPOINT_URL_ECS=server.url)
        assert aws(env, "list-clusters") == {"clusterArns": []}
        wrong = aws_env(tmp_path, AWS_ENDPOINT_URL_ECS=server.url, AWS_SECRET_ACCESS_KEY="nope")
        result = aws(wrong, "list-clusters", check=False)
        assert result.returncode != 0
        assert "(InvalidSignatureException)" in result.stderr

"""`python -m ecs_mock` as a real process, and `--state-file` across restarts."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

from ecs_mock.server import EcsServer

URL = re.compile(r"^ecs-mock listening on (http://127\.0\.0\.1:\d+)$")


def client(url: str) -> Any:
    return boto3.client(
        "ecs", endpoint_url=url, region_name="us-east-1", config=Config(retries={"max_attempts": 1})
    )


@contextmanager
def server_process(*args: str, **popen: Any) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "ecs_mock", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline().strip()
        match = URL.match(first)
        assert match, f"unexpected first line {first!r}; stderr: {process.stderr.read()}"  # type: ignore[union-attr]
        yield match.group(1), process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)


def stop(process: subprocess.Popen[str], how: int = signal.SIGINT) -> tuple[int, str, str]:
    process.send_signal(how)
    out, err = process.communicate(timeout=30)
    return process.returncode, out, err


def test_subprocess_prints_its_url_serves_and_exits_cleanly_on_ctrl_c() -> None:
    with server_process() as (url, process):
        ecs = client(url)
        instances = ecs.list_container_instances(cluster="default")["containerInstanceArns"]
        started = ecs.start_task(
            cluster="default", taskDefinition="example", containerInstances=instances[:1]
        )
        assert len(started["tasks"]) == 1
        code, out, err = stop(process, signal.SIGINT)
    assert code == 0
    assert "ecs-mock stopped" in out
    assert "Traceback" not in err


def test_state_survives_a_restart_of_the_process(tmp_path: Path) -> None:
    state = tmp_path / "ecs-state.bin"
    with server_process("--empty", "--state-file", str(state), "--seed", "7") as (url, process):
        ecs = client(url)
        ecs.create_cluster(clusterName="kept", tags=[{"key": "team", "value": "a"}])
        ecs.register_task_definition(
            family="web", containerDefinitions=[{"name": "c", "image": "i", "memory": 64}]
        )
        assert stop(process, signal.SIGTERM)[0] == 0
    with server_process("--empty", "--state-file", str(state)) as (url, process):
        ecs = client(url)
        clusters = ecs.describe_clusters(clusters=["kept"], include=["TAGS"])["clusters"]
        assert clusters[0]["tags"] == [{"key": "team", "value": "a"}]
        # Revisions continue where they were, as they would in AWS.
        again = ecs.register_task_definition(
            family="web", containerDefinitions=[{"name": "c", "image": "i", "memory": 64}]
        )
        assert again["taskDefinition"]["revision"] == 2
        stop(process)


def test_in_process_restart_keeps_tasks_and_accounting(tmp_path: Path) -> None:
    state = tmp_path / "state"
    with EcsServer(port=0, state_file=state) as server:
        ecs = client(server.url)
        instance = ecs.list_container_instances(cluster="default")["containerInstanceArns"][0]
        task = ecs.start_task(
            cluster="default", taskDefinition="example", containerInstances=[instance]
        )["tasks"][0]["taskArn"]
    assert state.exists()
    with EcsServer(port=0, state_file=state) as server:
        assert server.app.loaded_from_file
        ecs = client(server.url)
        assert ecs.list_tasks(cluster="default")["taskArns"] == [task]
        described = ecs.describe_container_instances(
            cluster="default", containerInstances=[instance]
        )["containerInstances"][0]
        remaining = {r["name"]: r.get("integerValue") for r in described["remainingResources"]}
        assert remaining["CPU"] == 2048 - 256
        ecs.stop_task(cluster="default", task=task)
    # Saved on change as well as at exit: a crash after StopTask loses nothing.
    with EcsServer(port=0, state_file=state) as server:
        stopped = client(server.url).describe_tasks(cluster="default", tasks=[task])["tasks"][0]
        assert stopped["desiredStatus"] == "STOPPED"


@pytest.mark.parametrize(
    "content",
    [b"", b"not a state file", b"ECS-MOCK-STATE\n{broken\n", b"ECS-MOCK-STATE\n"],
)
def test_a_corrupt_state_file_is_reported_and_left_alone(tmp_path: Path, content: bytes) -> None:
    state = tmp_path / "state"
    state.write_bytes(content)
    result = subprocess.run(
        [sys.executable, "-m", "ecs_mock", "--port", "0", "--state-file", str(state)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "ecs-mock: error:" in result.stderr
    assert "left as it is" in result.stderr
    assert "Traceback" not in result.stderr
    assert state.read_bytes() == content

"""What `ecs-mock` prints: a start banner whose "try" line works with every client, one log
line per request under --verbose, and a client that hangs up as a client event.

Each fails on commit 5717414: the banner set AWS_REGION (ignored by awscli v1 and boto3), the
verbose log was the stdlib's `"POST / HTTP/1.1" 400`, and a client resetting its connection
mid-body was logged as a server failure with a traceback.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import time
from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from test_server_process import server_process

from ecs_mock.protocol import CONTENT_TYPE, TARGET_PREFIX

AWS = Path(sys.executable).parent / "aws"


def _stop(process: subprocess.Popen[str]) -> tuple[str, str]:
    process.send_signal(signal.SIGINT)
    return process.communicate(timeout=30)


def test_the_banner_try_line_runs_as_printed(tmp_path: Path) -> None:
    with server_process() as (url, process):
        assert process.stdout is not None
        banner = [process.stdout.readline().rstrip("\n") for _ in range(3)]
        try_line = next(line for line in banner if line.startswith("  try: "))
        assert "AWS_REGION" not in try_line
        assert f"--endpoint-url {url} --region us-east-1" in try_line
        assert any("AWS CLI v2 >= 2.13.0" in line for line in banner)
        if not AWS.exists():
            pytest.skip("no AWS CLI beside this Python to run the line with")
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(AWS_CONFIG_FILE=str(tmp_path / "none"), AWS_EC2_METADATA_DISABLED="true")
        env["PATH"] = f"{AWS.parent}{os.pathsep}{env.get('PATH', '')}"
        command = ["bash", "-c", try_line.removeprefix("  try: ")]  # exactly as printed
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        assert len(json.loads(result.stdout)["containerInstanceArns"]) == 2
        _stop(process)


LINE = re.compile(
    r"^ecs-mock: 127\.0\.0\.1 (?P<what>.+?) (?P<status>\d{3})(?: (?P<code>\w+))? "
    r"(?P<ms>\d+\.\d) ms$"
)


def test_verbose_logs_operation_status_error_and_duration() -> None:
    with server_process("--verbose") as (url, process):
        ecs = boto3.client(
            "ecs",
            endpoint_url=url,
            region_name="us-east-1",
            aws_access_key_id="x",
            aws_secret_access_key="x",
            config=Config(retries={"mode": "standard", "max_attempts": 1}),
        )
        ecs.list_clusters()
        with pytest.raises(ClientError):
            ecs.describe_tasks(cluster="nowhere", tasks=["t"])
        _, errors = _stop(process)
    lines = [LINE.match(line) for line in errors.splitlines() if line.startswith("ecs-mock: 1")]
    assert all(lines), errors
    seen = [(m["what"], m["status"], m["code"]) for m in lines if m]
    assert seen == [
        ("ListClusters", "200", None),
        ("DescribeTasks", "400", "ClusterNotFoundException"),
    ]
    assert "HTTP/1.1" not in errors


def _hang_up(port: int, reset: bool) -> None:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(
        (
            f"POST / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: {CONTENT_TYPE}\r\n"
            f"X-Amz-Target: {TARGET_PREFIX}ListClusters\r\nContent-Length: 100\r\n\r\n"
        ).encode()
        + b'{"maxRes'
    )
    time.sleep(0.2)  # the server is now waiting for the rest of the body
    if reset:  # RST instead of FIN
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


@pytest.mark.parametrize("reset", [True, False], ids=["reset", "closed"])
def test_a_client_hanging_up_mid_body_is_a_client_event(reset: bool) -> None:
    """Item 22: one line under --verbose, no traceback, and the server serves on."""
    with server_process("--verbose") as (url, process):
        port = int(url.rsplit(":", 1)[1])
        _hang_up(port, reset)
        time.sleep(0.3)
        ecs = boto3.client(
            "ecs",
            endpoint_url=url,
            region_name="us-east-1",
            aws_access_key_id="x",
            aws_secret_access_key="x",
        )
        assert ecs.list_clusters()["clusterArns"]
        _, errors = _stop(process)
    assert "Traceback" not in errors
    assert "server failed" not in errors
    events = [line for line in errors.splitlines() if "hung up" in line]
    assert len(events) == 1, errors
    assert events[0].startswith("ecs-mock: 127.0.0.1 client hung up mid-request")


def test_without_verbose_a_hang_up_prints_nothing() -> None:
    with server_process() as (url, process):
        _hang_up(int(url.rsplit(":", 1)[1]), reset=True)
        time.sleep(0.3)
        _, errors = _stop(process)
    assert errors == ""

"""The AWS SDK for JavaScript v3 (@aws-sdk/client-ecs) against the local server."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from ecs_mock.server import Credential, EcsServer

NODE_DIR = Path(__file__).parent / "node"
NODE = shutil.which("node")
pytestmark = [
    pytest.mark.skipif(NODE is None, reason="node is not installed"),
    pytest.mark.skipif(
        not (NODE_DIR / "node_modules" / "@aws-sdk" / "client-ecs").exists(),
        reason="tests/node/node_modules is absent: run `npm install` in tests/node",
    ),
]


def test_node_sdk_starts_a_task_and_reads_a_modeled_error() -> None:
    # The script signs with this key: requiring it proves our SigV4 check accepts a signer
    # that is not botocore.
    credentials = {"AKIANODESDKTEST00000": Credential("node-secret")}
    with EcsServer(port=0, region="eu-west-1", credentials=credentials) as server:
        env = {**os.environ, "NODE_NO_WARNINGS": "1"}
        result = subprocess.run(
            [str(NODE), "ecs_client.mjs", server.url],
            cwd=NODE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        seen = json.loads(result.stdout)
        tasks = server.app.view(region="eu-west-1").call("ListTasks", cluster="default")

    assert seen["instanceCount"] == 2
    task = seen["task"]
    assert task["taskArn"].startswith("arn:aws:ecs:eu-west-1:123456789012:task/default/")
    assert task["lastStatus"] == "PENDING"
    assert task["startedBy"] == "node-sdk"
    assert task["createdAtIsDate"] is True  # the SDK parsed our epoch-seconds timestamp
    assert task["containers"] == ["web"]
    assert seen["failures"] == []
    assert tasks["taskArns"] == [task["taskArn"]]
    assert seen["error"]["name"] == "ClusterNotFoundException"
    assert seen["error"]["modeled"] is True
    assert seen["error"]["message"] == "Cluster not found."
    assert seen["error"]["status"] == 400
    assert seen["error"]["requestId"]

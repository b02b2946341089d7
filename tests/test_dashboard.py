"""The local server's dashboard (/_ecs_mock/ui): its routes over HTTP, and the page itself in
headless Chromium (the DOM after the page's scripts ran)."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from freezegun import freeze_time
from test_state_file import copy_of, every_row, open_app

from ecs_mock.server import EcsServer
from ecs_mock.server.app import Credential
from ecs_mock.server.dashboard import dashboard_data

HOSTILE_REASON = '<img src=x id=injected onerror="document.title=1">'


def ecs(server: EcsServer, key: str = "x", secret: str = "x") -> Any:
    return boto3.client(
        "ecs",
        endpoint_url=server.url,
        region_name="us-east-1",
        aws_access_key_id=key,
        aws_secret_access_key=secret,
    )


def get(url: str, auth: tuple[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url)
    if auth is not None:
        token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
        request.add_header("Authorization", f"Basic {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, dict(answer.headers.items()), answer.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, dict(error.headers.items()), error.read()


@pytest.fixture(scope="module")
def server() -> Iterator[EcsServer]:
    with EcsServer(port=0) as running:  # the built-in defaults: a cluster, two instances
        client = ecs(running)
        started = client.run_task(taskDefinition="example", count=2)["tasks"]
        client.create_service(serviceName="web", taskDefinition="example", desiredCount=1)
        client.stop_task(task=started[1]["taskArn"], reason=HOSTILE_REASON)
        client.describe_clusters(clusters=["no-such-cluster"])
        with pytest.raises(client.exceptions.ClusterNotFoundException):
            client.describe_services(cluster="missing", services=["x"])
        yield running


def data(server: EcsServer) -> dict[str, Any]:
    status, headers, body = get(server.url + "/_ecs_mock/ui/data")
    assert status == 200
    assert headers["Content-Type"] == "application/json"
    parsed: dict[str, Any] = json.loads(body)
    return parsed


def test_page_and_assets_are_served_with_a_strict_policy(server: EcsServer) -> None:
    for path, kind in (("ui", "text/html"), ("ui/", "text/html"), ("ui/app.js", "text/javascript")):
        status, headers, body = get(f"{server.url}/_ecs_mock/{path}")
        assert status == 200, path
        assert headers["Content-Type"].startswith(kind)
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Content-Length"] == str(len(body))
        assert "Access-Control-Allow-Origin" not in headers
        assert body
    status, _, body = get(server.url + "/_ecs_mock/ui/nothing-here")
    assert status == 404
    assert b"dashboard route" in body


def test_data_shows_instances_tasks_and_recent_calls(server: EcsServer) -> None:
    shown = data(server)
    (region,) = shown["regions"]
    (cluster,) = region["clusters"]
    assert cluster["clusterName"] == "default"
    assert len(cluster["containerInstances"]) == 2
    statuses = sorted(task["lastStatus"] for task in cluster["tasks"])
    assert statuses == ["RUNNING", "RUNNING", "STOPPED"]  # one of RunTask's, the service's
    (service,) = cluster["services"]
    assert (service["serviceName"], service["runningCount"]) == ("web", 1)
    assert service["deployments"][0]["status"] == "PRIMARY"
    stopped = next(t for t in cluster["tasks"] if t["lastStatus"] == "STOPPED")
    assert stopped["stoppedReason"] == HOSTILE_REASON
    used = [
        next(r for r in i["remainingResources"] if r["name"] == "MEMORY")["integerValue"]
        < next(r for r in i["registeredResources"] if r["name"] == "MEMORY")["integerValue"]
        for i in cluster["containerInstances"]
    ]
    assert used.count(True) >= 1  # running tasks hold memory
    operations = [call["operation"] for call in shown["calls"]]
    assert operations[:2] == ["DescribeServices", "DescribeClusters"]  # newest first
    assert "RunTask" in operations
    refused = shown["calls"][0]  # the DescribeServices of a missing cluster
    assert (refused["status"], refused["error"]) == (400, "ClusterNotFoundException")
    assert "error" not in shown["calls"][1]  # DescribeClusters: failures, not an error
    assert shown["calls"][1]["status"] == 200
    assert isinstance(refused["at"], float)


def test_dashboard_is_read_only(server: EcsServer) -> None:
    before = data(server)["regions"]
    request = urllib.request.Request(server.url + "/_ecs_mock/ui/data", data=b"{}", method="POST")
    request.add_header("Content-Type", "application/json")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    with refused.value:
        assert refused.value.code == 404
    assert data(server)["regions"] == before


def test_with_access_keys_the_dashboard_asks_for_basic_credentials() -> None:
    credentials = {"AKIDDASHBOARD": Credential("dashboard-secret")}
    with EcsServer(port=0, credentials=credentials) as running:
        for path in ("ui", "ui/data", "ui/app.js"):
            status, headers, body = get(f"{running.url}/_ecs_mock/{path}")
            assert status == 401
            assert headers["WWW-Authenticate"].startswith("Basic")
            assert b"regions" not in body
        status, _, _ = get(running.url + "/_ecs_mock/ui/data", ("AKIDDASHBOARD", "wrong"))
        assert status == 401
        status, _, _ = get(running.url + "/_ecs_mock/ui/data", ("OTHERKEY", "dashboard-secret"))
        assert status == 401
        good = ("AKIDDASHBOARD", "dashboard-secret")
        status, _, body = get(running.url + "/_ecs_mock/ui/data", good)
        assert status == 200
        assert json.loads(body)["regions"][0]["clusters"][0]["clusterName"] == "default"


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("CI installs Debian's chromium (.ci/run); it is missing")
        pytest.skip("headless Chromium is not installed (apt-get install chromium)")
    return found


def rendered(url: str) -> str:
    result = subprocess.run(
        [
            chromium(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--virtual-time-budget=3000",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_the_page_draws_the_state_in_a_browser(server: EcsServer) -> None:
    shown = data(server)
    cluster = shown["regions"][0]["clusters"][0]
    running = next(t for t in cluster["tasks"] if t["lastStatus"] == "RUNNING")
    stopped = next(t for t in cluster["tasks"] if t["lastStatus"] == "STOPPED")
    dom = rendered(server.url + "/_ecs_mock/ui")
    assert 'data-loaded="true"' in dom
    assert 'data-cluster="default"' in dom
    assert 'data-service="web"' in dom
    for task in (running, stopped):
        assert f'data-task="{task["taskArn"].rsplit("/", 1)[1]}"' in dom
    for instance in cluster["containerInstances"]:
        assert f'data-instance="{instance["containerInstanceArn"].rsplit("/", 1)[1]}"' in dom
    assert "MiB" in dom  # the memory bars
    assert "DescribeServices" in dom  # the recent calls
    # A client-chosen reason is drawn as text, never as markup.
    assert 'id="injected"' not in dom
    assert "&lt;img src=x id=injected" in dom


def test_steps_a_dashboard_read_applies_are_written_to_the_state_file(tmp_path: Path) -> None:
    """The page's reads move tasks on (steps come due), as an API read does: those steps are
    kept in the state file at once, not only at the next API call."""
    live = open_app(tmp_path / "state.db", seed=5)
    try:
        with freeze_time("2025-03-15 12:00:00") as clock:
            view = live.view()
            view.add_container_instance("default", cpu=1024, memory=2048)
            view.register_task_definition("app")
            view.call("RunTask", taskDefinition="app")
            clock.tick(30)  # past provisioning and pending: RUNNING once a read ticks
            (cluster,) = dashboard_data(live)["regions"][0]["clusters"]
            assert cluster["tasks"][0]["lastStatus"] == "RUNNING"
            loaded = open_app(copy_of(live, tmp_path / "copy.db"))
            try:
                assert every_row(loaded) == every_row(live)
            finally:
                loaded.close()
    finally:
        live.close()

"""The state file keeps what the agent API, task protection, UpdateContainerAgent and
DeleteTaskDefinitions change: each step checked alone (a fresh load of the file equals the live
server), so a change that forgets to mark what it touched fails at its own step."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from freezegun import freeze_time
from test_state_file import FARGATE_JOB, Checker, open_app

from ecs_mock.backend import Timings
from ecs_mock.server import ServerApp

# Long enough PENDING and STOPPING that the test, playing the agent, moves tasks itself.
AGENT_TIMINGS = Timings(provisioning=0, pending=3600, stopping=3600, deprovisioning=0)


@pytest.fixture
def live(tmp_path: Path) -> Any:
    app = open_app(tmp_path / "state.db", seed=31, timings=AGENT_TIMINGS)
    yield app
    app.close()


def test_agent_reports_protection_agent_updates_and_deletions_reload_step_by_step(
    live: ServerApp, tmp_path: Path
) -> None:
    check = Checker(live, tmp_path)
    view = live.view()

    def call(operation: str, **params: Any) -> Any:
        result = view.call(operation, **params)
        check()
        return result

    with freeze_time("2025-03-15 12:00:00") as clock:
        view.add_container_instance("default", cpu=4096, memory=8192)
        check()
        old = call(
            "RegisterContainerInstance",
            versionInfo={"agentVersion": "1.70.0"},
            totalResources=[
                {"name": "CPU", "type": "INTEGER", "integerValue": 1024},
                {"name": "MEMORY", "type": "INTEGER", "integerValue": 1024},
            ],
        )["containerInstance"]["containerInstanceArn"]
        containers = [{"name": "app", "image": "busybox", "memory": 128}]
        call("RegisterTaskDefinition", family="app", containerDefinitions=containers)
        call("RegisterTaskDefinition", family="old", containerDefinitions=containers)
        task = call("RunTask", taskDefinition="app")["tasks"][0]["taskArn"]
        # The agent reports the container, then the task, running; then the container exits.
        call("SubmitContainerStateChange", task=task, containerName="app", status="RUNNING")
        call("SubmitTaskStateChange", task=task, status="RUNNING", pullStartedAt=1_742_040_000)
        call(
            "SubmitContainerStateChange",
            task=task,
            containerName="app",
            status="STOPPED",
            exitCode=3,
            reason="exited",
        )
        # Protection on a service's task, then its expiry on the clock.
        call("CreateService", serviceName="web", taskDefinition="app", desiredCount=1)
        (service_task,) = call("ListTasks", serviceName="web")["taskArns"]
        protect = {"tasks": [service_task], "protectionEnabled": True, "expiresInMinutes": 1}
        call("UpdateTaskProtection", cluster="default", **protect)
        clock.tick(61)
        call("GetTaskProtection", cluster="default", tasks=[service_task])
        # The agent update walks its steps on the clock.
        call("UpdateContainerAgent", containerInstance=old)
        for _ in range(5):
            clock.tick(10)
            call("DescribeContainerInstances", containerInstances=[old])
        described = view.call("DescribeContainerInstances", containerInstances=[old])
        assert described["containerInstances"][0]["agentUpdateStatus"] == "UPDATED"
        # A deregistered revision deleted.
        call("DeregisterTaskDefinition", taskDefinition="old:1")
        deleted = call("DeleteTaskDefinitions", taskDefinitions=["old:1"])
        assert deleted["taskDefinitions"][0]["status"] == "DELETE_IN_PROGRESS"
    assert check.steps == 20


def test_a_fargate_deployment_from_an_older_file_is_resolved_when_loaded(tmp_path: Path) -> None:
    """Files written before fleets were resolved at creation hold no platform version for a
    deployment whose tasks had not launched yet: the load resolves it, as creation does now."""
    path = tmp_path / "state.db"
    app = open_app(path, seed=5, timings=AGENT_TIMINGS)
    view = app.view()
    view.add_subnet("subnet-a", "us-east-1a")
    view.call("RegisterTaskDefinition", **FARGATE_JOB)
    view.call(
        "CreateService",
        serviceName="web",
        taskDefinition="job",
        desiredCount=0,
        launchType="FARGATE",
        networkConfiguration={"awsvpcConfiguration": {"subnets": ["subnet-a"]}},
    )
    app.close()
    db = sqlite3.connect(path)
    with db:
        (internal,) = db.execute("SELECT internal FROM resources WHERE kind = 'service'").fetchone()
        data = json.loads(internal)
        for deployment in data["deployment_table"].values():
            assert deployment["resolved_platform"] == "1.4.0"
            deployment["resolved_platform"] = deployment["platform_family"] = None
        db.execute("UPDATE resources SET internal = ? WHERE kind = 'service'", (json.dumps(data),))
    db.close()
    app = open_app(path, timings=AGENT_TIMINGS)
    try:
        service = app.view().call("DescribeServices", services=["web"])["services"][0]
    finally:
        app.close()
    assert service["platformVersion"] == "LATEST"
    assert service["deployments"][0]["platformVersion"] == "1.4.0"
    assert service["deployments"][0]["platformFamily"] == "Linux"

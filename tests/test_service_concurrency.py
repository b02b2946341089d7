"""16 threads mixing UpdateService, StopTask, DescribeServices and ListTasks on three services
sharing four instances, in-process and through the HTTP server.

Afterwards no request was lost, no instance is oversubscribed, every service's running and
pending counts (and each deployment's) equal a recomputation from the tasks themselves, and
every service settles at its desired count with one deployment.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from ecs_mock import mock_ecs
from ecs_mock.server import EcsServer
from ecs_mock.testing import TestControls

THREADS = 16
OPERATIONS_PER_THREAD = 30
SERVICES = ("s0", "s1", "s2")
CPU, MEMORY, TASK = 1024, 1024, 128  # eight tasks per instance, 32 in all
NO_RETRY = Config(retries={"max_attempts": 1, "mode": "standard"})
PENDING = ("PROVISIONING", "PENDING", "ACTIVATING")


@dataclass
class Door:
    controls: TestControls
    make_client: Callable[[], Any]
    received: Callable[[], int]


@dataclass
class Ledger:
    lock: threading.Lock = field(default_factory=threading.Lock)
    sent: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)


@pytest.fixture
def in_process() -> Iterator[Door]:
    with mock_ecs(seed=5) as mock:
        yield Door(
            mock,
            lambda: boto3.session.Session().client("ecs", region_name="us-east-1", config=NO_RETRY),
            lambda: mock.dispatcher.controls.received,  # the log itself keeps the newest
        )


@pytest.fixture
def over_http() -> Iterator[Door]:
    with EcsServer(port=0, empty=True, seed=5) as server:
        yield Door(
            server.app.view(),
            lambda: boto3.session.Session().client(
                "ecs",
                endpoint_url=server.url,
                region_name="us-east-1",
                aws_access_key_id="AKIAECSMOCKTESTING00",
                aws_secret_access_key="secret",
                config=NO_RETRY,
            ),
            lambda: server.app.controls.received,
        )


def _setup(controls: TestControls) -> list[str]:
    controls.create_cluster("default")
    for _ in range(2):
        controls.register_task_definition(
            "app", containers=[{"name": "app", "image": "busybox", "cpu": TASK, "memory": TASK}]
        )
    instances = [
        controls.add_container_instance("default", cpu=CPU, memory=MEMORY) for _ in range(4)
    ]
    for name in SERVICES:
        controls.call("CreateService", serviceName=name, taskDefinition="app:1", desiredCount=2)
    return instances


def _one(choice: str, chance: random.Random, client: Any) -> int:
    name = chance.choice(SERVICES)
    if choice == "scale":
        client.update_service(service=name, desiredCount=chance.randint(0, 4))
    elif choice == "deploy":
        if chance.random() < 0.5:
            client.update_service(service=name, taskDefinition=chance.choice(["app:1", "app:2"]))
        else:
            client.update_service(service=name, forceNewDeployment=True)
    elif choice == "stop":
        arns = client.list_tasks(serviceName=name)["taskArns"]
        if not arns:
            return 1
        client.stop_task(task=chance.choice(arns))
        return 2
    else:
        for service in client.describe_services(services=list(SERVICES))["services"]:
            deployments = service["deployments"]
            assert service["runningCount"] == sum(d["runningCount"] for d in deployments)
            assert service["pendingCount"] == sum(d["pendingCount"] for d in deployments)
            assert deployments[0]["status"] == "PRIMARY"
            assert all(d["status"] == "ACTIVE" for d in deployments[1:])
    return 1


def _worker(number: int, client: Any, ledger: Ledger) -> None:
    chance = random.Random(number)
    for _ in range(OPERATIONS_PER_THREAD):
        choice = chance.choice(["scale", "deploy", "stop", "stop", "describe", "describe"])
        try:
            sent = _one(choice, chance, client)
            with ledger.lock:
                ledger.sent += sent
                ledger.outcomes[choice] += 1
        except ClientError as error:
            ledger.errors.append(f"{choice}: {error.response['Error']}")
        except Exception as error:  # a thread must report, not die silently
            ledger.errors.append(f"{choice}: {error!r}")


def _run(door: Door) -> Ledger:
    instances = _setup(door.controls)
    before = door.received()
    ledger = Ledger()
    clients = [door.make_client() for _ in range(THREADS)]
    threads = [
        threading.Thread(target=_worker, args=(n, clients[n], ledger)) for n in range(THREADS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert not any(thread.is_alive() for thread in threads)
    assert ledger.errors == []
    assert door.received() - before == ledger.sent  # every request arrived, once
    _assert_consistent(clients[0], instances)
    return ledger


def _tasks(client: Any, desired: str) -> list[dict[str, Any]]:
    arns = [
        arn
        for page in client.get_paginator("list_tasks").paginate(desiredStatus=desired)
        for arn in page["taskArns"]
    ]
    found: list[dict[str, Any]] = []
    for start in range(0, len(arns), 100):
        found += client.describe_tasks(tasks=arns[start : start + 100])["tasks"]
    return found


def _assert_consistent(client: Any, instances: list[str]) -> None:
    services = client.describe_services(services=list(SERVICES))["services"]  # settles
    live = [
        t
        for t in _tasks(client, "RUNNING") + _tasks(client, "STOPPED")
        if t["lastStatus"] != "STOPPED"
    ]
    for service in services:
        mine = [t for t in live if t["group"] == f"service:{service['serviceName']}"]
        assert service["runningCount"] == sum(t["lastStatus"] == "RUNNING" for t in mine)
        assert service["pendingCount"] == sum(t["lastStatus"] in PENDING for t in mine)
        for deployment in service["deployments"]:
            ours = [t for t in mine if t["startedBy"] == deployment["id"]]
            assert deployment["runningCount"] == sum(t["lastStatus"] == "RUNNING" for t in ours)
            assert deployment["pendingCount"] == sum(t["lastStatus"] in PENDING for t in ours)
        assert {t["startedBy"] for t in mine} <= {d["id"] for d in service["deployments"]}
        # Room for every service at 200%: each settles at its desired count, one deployment.
        assert len(service["deployments"]) == 1
        assert (
            service["runningCount"]
            == service["desiredCount"]
            == service["deployments"][0]["desiredCount"]
        )
        listed = client.list_tasks(serviceName=service["serviceName"])["taskArns"]
        assert len(listed) == service["desiredCount"]
    described = client.describe_container_instances(containerInstances=instances)
    for instance in described["containerInstances"]:
        here = [t for t in live if t["containerInstanceArn"] == instance["containerInstanceArn"]]
        remaining = {r["name"]: r for r in instance["remainingResources"]}
        assert remaining["CPU"]["integerValue"] == CPU - TASK * len(here) >= 0
        assert remaining["MEMORY"]["integerValue"] == MEMORY - TASK * len(here) >= 0
        assert instance["runningTasksCount"] == sum(t["lastStatus"] == "RUNNING" for t in here)
    client.get_waiter("services_stable").wait(
        services=list(SERVICES), WaiterConfig={"MaxAttempts": 1}
    )


@pytest.mark.slow
def test_sixteen_threads_in_process(in_process: Door) -> None:
    ledger = _run(in_process)
    assert set(ledger.outcomes) == {"scale", "deploy", "stop", "describe"}
    assert sum(ledger.outcomes.values()) == THREADS * OPERATIONS_PER_THREAD


@pytest.mark.slow
def test_sixteen_threads_over_http(over_http: Door) -> None:
    ledger = _run(over_http)
    assert sum(ledger.outcomes.values()) == THREADS * OPERATIONS_PER_THREAD

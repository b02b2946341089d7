"""16 threads mixing StartTask / StopTask / DescribeTasks / ListTasks /
UpdateContainerInstancesState on shared instances, in-process and through the HTTP server.

Afterwards nothing is lost (every started task is listed and describable, every request was
received once), nothing is oversubscribed, and every counter and remaining resource equals a
recomputation from the tasks themselves.
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
from budget import budget

from ecs_mock import mock_ecs
from ecs_mock.server import EcsServer
from ecs_mock.testing import TestControls

THREADS = 16
OPERATIONS_PER_THREAD = budget(60, 20)
CPU, MEMORY = 1024, 1024
APP = {"name": "app", "image": "busybox", "cpu": 256, "memory": 256}
WEB = {
    "name": "web",
    "image": "nginx",
    "cpu": 128,
    "memory": 128,
    "portMappings": [{"containerPort": 80, "hostPort": 8080}],
}
DEMAND = {"app": (256, 256), "web": (128, 128)}
NO_RETRY = Config(retries={"max_attempts": 1, "mode": "standard"})
ClientFactory = Callable[[], Any]


@dataclass
class Door:
    """Where the clients talk to, and how to reach the state behind it."""

    controls: TestControls
    make_client: ClientFactory
    received: Callable[[], int]


@dataclass
class Ledger:
    """What the threads did, shared between them."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    started: dict[str, str] = field(default_factory=dict)  # task ARN -> family
    stopped: set[str] = field(default_factory=set)
    sent: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)

    def known(self) -> list[str]:
        with self.lock:
            return list(self.started)


@pytest.fixture
def in_process() -> Iterator[Door]:
    with mock_ecs(seed=11) as mock:
        yield Door(
            mock,
            lambda: boto3.session.Session().client("ecs", region_name="us-east-1", config=NO_RETRY),
            lambda: mock.dispatcher.controls.received,  # the log itself keeps the newest
        )


@pytest.fixture
def over_http() -> Iterator[Door]:
    with EcsServer(port=0, empty=True, seed=11) as server:
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
    controls.register_task_definition("app", containers=[APP])
    controls.register_task_definition("web", containers=[WEB])
    return [controls.add_container_instance("default", cpu=CPU, memory=MEMORY) for _ in range(4)]


def _worker(number: int, client: Any, instances: list[str], ledger: Ledger) -> None:
    chance = random.Random(number)
    for _ in range(OPERATIONS_PER_THREAD):
        choice = chance.choice(["start", "start", "stop", "describe", "list", "drain", "look"])
        try:
            sent = _one(choice, chance, client, instances, ledger)
            with ledger.lock:
                ledger.sent += sent
                ledger.outcomes[choice] += sent
        except ClientError as error:
            ledger.errors.append(f"{choice}: {error.response['Error']}")
        except Exception as error:  # a thread must report, not die silently
            ledger.errors.append(f"{choice}: {error!r}")


def _one(
    choice: str, chance: random.Random, client: Any, instances: list[str], ledger: Ledger
) -> int:
    """Run one operation of the mix; returns how many requests it sent."""
    if choice == "start":
        family = chance.choice(["app", "app", "web"])
        targets = chance.sample(instances, chance.randint(1, 3))
        answer = client.start_task(taskDefinition=family, containerInstances=targets)
        assert len(answer["tasks"]) + len(answer["failures"]) == len(targets)
        for failure in answer["failures"]:
            assert failure["reason"].startswith("RESOURCE:") or failure["reason"] in (
                "INACTIVE",
                "DRAINING",
            ), failure
        with ledger.lock:
            ledger.started.update({task["taskArn"]: family for task in answer["tasks"]})
    elif choice == "stop":
        known = ledger.known()
        if not known:
            return 0
        arn = chance.choice(known)
        assert client.stop_task(task=arn)["task"]["desiredStatus"] == "STOPPED"
        with ledger.lock:
            ledger.stopped.add(arn)
    elif choice == "describe":
        known = ledger.known()
        wanted = chance.sample(known, min(len(known), 100))
        if not wanted:
            return 0
        answer = client.describe_tasks(tasks=wanted)
        assert answer["failures"] == []  # a task once started is never lost
        assert {task["taskArn"] for task in answer["tasks"]} == set(wanted)
    elif choice == "list":
        status = chance.choice(["RUNNING", "STOPPED"])
        client.list_tasks(desiredStatus=status, maxResults=100)
    elif choice == "drain":
        status = chance.choice(["DRAINING", "ACTIVE"])
        answer = client.update_container_instances_state(
            containerInstances=[chance.choice(instances)], status=status
        )
        assert answer["failures"] == []
    else:
        described = client.describe_container_instances(containerInstances=instances)
        for instance in described["containerInstances"]:
            for resource in instance["remainingResources"]:
                assert resource.get("integerValue", 0) >= 0, instance  # never oversubscribed
    return 1


def _run(door: Door) -> Ledger:
    instances = _setup(door.controls)
    received_before = door.received()
    ledger = Ledger()
    clients = [door.make_client() for _ in range(THREADS)]
    threads = [
        threading.Thread(target=_worker, args=(n, clients[n], instances, ledger))
        for n in range(THREADS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    assert ledger.errors == []
    assert door.received() - received_before == ledger.sent  # every request arrived, once
    _assert_consistent(clients[0], instances, ledger)
    return ledger


def _all_tasks(client: Any) -> list[dict[str, Any]]:
    arns = [
        arn
        for status in ("RUNNING", "STOPPED")
        for page in client.get_paginator("list_tasks").paginate(desiredStatus=status)
        for arn in page["taskArns"]
    ]
    tasks: list[dict[str, Any]] = []
    for start in range(0, len(arns), 100):
        answer = client.describe_tasks(tasks=arns[start : start + 100])
        assert answer["failures"] == []
        tasks += answer["tasks"]
    return tasks


def _assert_consistent(client: Any, instances: list[str], ledger: Ledger) -> None:
    tasks = _all_tasks(client)
    by_arn = {task["taskArn"]: task for task in tasks}
    assert set(by_arn) == set(ledger.started)  # nothing lost, nothing invented
    for arn in ledger.stopped:
        assert by_arn[arn]["desiredStatus"] == "STOPPED"
        assert by_arn[arn]["lastStatus"] == "STOPPED"
    live = [task for task in tasks if task["lastStatus"] != "STOPPED"]
    described = client.describe_container_instances(containerInstances=instances)
    for instance in described["containerInstances"]:
        mine = [t for t in live if t["containerInstanceArn"] == instance["containerInstanceArn"]]
        remaining = {r["name"]: r for r in instance["remainingResources"]}
        cpu = sum(DEMAND[ledger.started[t["taskArn"]]][0] for t in mine)
        memory = sum(DEMAND[ledger.started[t["taskArn"]]][1] for t in mine)
        assert remaining["CPU"]["integerValue"] == CPU - cpu >= 0
        assert remaining["MEMORY"]["integerValue"] == MEMORY - memory >= 0
        web = sum(ledger.started[t["taskArn"]] == "web" for t in mine)
        assert web <= 1  # one static host port 8080 per instance
        assert ("8080" in remaining["PORTS"]["stringSetValue"]) == (web == 1)
        assert instance["runningTasksCount"] == sum(t["lastStatus"] == "RUNNING" for t in mine)
        assert instance["pendingTasksCount"] == sum(
            t["lastStatus"] in ("PROVISIONING", "PENDING", "ACTIVATING") for t in mine
        )
    (cluster,) = client.describe_clusters(clusters=["default"])["clusters"]
    assert cluster["runningTasksCount"] == sum(t["lastStatus"] == "RUNNING" for t in live)
    assert cluster["pendingTasksCount"] == len(live) - cluster["runningTasksCount"]


@pytest.mark.slow
def test_sixteen_threads_in_process(in_process: Door) -> None:
    ledger = _run(in_process)
    # The mix really exercised contention: placements, refusals, stops and drains all happened.
    assert ledger.sent > THREADS * OPERATIONS_PER_THREAD * 0.9
    assert len(ledger.started) > 20
    assert ledger.stopped
    assert set(ledger.outcomes) == {"start", "stop", "describe", "list", "drain", "look"}


@pytest.mark.slow
def test_sixteen_threads_over_http(over_http: Door) -> None:
    ledger = _run(over_http)
    assert ledger.sent > THREADS * OPERATIONS_PER_THREAD * 0.9
    assert len(ledger.started) > 20
    assert ledger.stopped

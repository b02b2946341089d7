"""ListTasks: filters, pagination, and a cost that follows the answer."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from ecs_mock import EcsMock


def _setup(mock: EcsMock) -> tuple[str, str]:
    first = mock.add_container_instance("default", cpu=1 << 20, memory=1 << 20)
    second = mock.add_container_instance("default", cpu=1 << 20, memory=1 << 20)
    mock.register_task_definition("web")
    mock.register_task_definition("worker")
    return first, second


def _start(ecs: Any, family: str, instance: str, **extra: Any) -> str:
    arn: str = ecs.start_task(taskDefinition=family, containerInstances=[instance], **extra)[
        "tasks"
    ][0]["taskArn"]
    return arn


def _list(ecs: Any, **filters: Any) -> set[str]:
    return set(ecs.list_tasks(**filters)["taskArns"])


def test_filters(ecs_mock: EcsMock, ecs: Any) -> None:
    first, second = _setup(ecs_mock)
    web_1 = _start(ecs, "web", first, startedBy="job-1")
    web_2 = _start(ecs, "web", second)
    worker = _start(ecs, "worker", first, startedBy="job-1")
    ecs_mock.create_cluster("other")
    ecs_mock.add_container_instance("other")

    assert _list(ecs) == {web_1, web_2, worker}
    assert _list(ecs, cluster="other") == set()
    assert _list(ecs, family="web") == {web_1, web_2}
    assert _list(ecs, startedBy="job-1") == {web_1, worker}
    assert _list(ecs, startedBy="job-1", family="worker") == {worker}
    assert _list(ecs, containerInstance=first) == {web_1, worker}
    assert _list(ecs, containerInstance=second.rpartition("/")[2]) == {web_2}
    assert _list(ecs, launchType="EC2") == {web_1, web_2, worker}
    assert _list(ecs, launchType="FARGATE") == set()
    with pytest.raises(ecs.exceptions.ServiceNotFoundException):
        _list(ecs, serviceName="svc")  # no such service (the service tests list real ones)
    assert _list(ecs, desiredStatus="PENDING") == set()  # "doesn't return any results"

    ecs.stop_task(task=web_1)
    assert _list(ecs) == {web_2, worker}
    assert _list(ecs, desiredStatus="STOPPED") == {web_1}
    assert _list(ecs, desiredStatus="STOPPED", startedBy="job-1", family="web") == {web_1}
    assert _list(ecs, desiredStatus="STOPPED", containerInstance=second) == set()


def test_pending_tasks_are_listed_as_desired_running(ecs_mock: EcsMock, ecs: Any) -> None:
    first, _ = _setup(ecs_mock)
    arn = _start(ecs, "web", first)  # the reply shows PENDING; it is still desired RUNNING
    assert _list(ecs) == {arn}


@pytest.mark.ecs_mock(seed=7)
def test_paginator_walks_every_page_in_creation_order(ecs_mock: EcsMock, ecs: Any) -> None:
    first, _ = _setup(ecs_mock)
    started = [_start(ecs, "web", first) for _ in range(25)]
    paginator = ecs.get_paginator("list_tasks")
    pages = list(paginator.paginate(PaginationConfig={"PageSize": 10}))
    assert [len(page["taskArns"]) for page in pages] == [10, 10, 5]
    assert [arn for page in pages for arn in page["taskArns"]] == started
    assert "nextToken" not in pages[-1]


def test_a_page_boundary_survives_tasks_stopping(ecs_mock: EcsMock, ecs: Any) -> None:
    first, _ = _setup(ecs_mock)
    started = [_start(ecs, "web", first) for _ in range(6)]
    page = ecs.list_tasks(maxResults=3)
    assert page["taskArns"] == started[:3]
    for arn in started[:3]:  # a position-based token would now skip three tasks
        ecs.stop_task(task=arn)
    rest = ecs.list_tasks(maxResults=3, nextToken=page["nextToken"])
    assert rest["taskArns"] == started[3:]
    assert "nextToken" not in rest


def test_bad_requests(ecs_mock: EcsMock, ecs: Any) -> None:
    _setup(ecs_mock)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"startedBy": "x" * 37}, "ownerId longer than 36."),
        ({"maxResults": 101}, "maxResults"),
        ({"nextToken": "not a token"}, "nextToken"),
    ]
    for params, message in cases:
        with pytest.raises(ClientError) as raised:
            ecs.list_tasks(**params)
        assert raised.value.response["Error"]["Code"] == "InvalidParameterException"
        assert message in raised.value.response["Error"]["Message"]
    with pytest.raises(ClientError, match="ClusterNotFoundException"):
        ecs.list_tasks(cluster="nope")


class _CountingTasks(dict[str, Any]):
    """A cluster's task table that counts how many tasks a call reads."""

    reads = 0

    def __getitem__(self, key: str) -> Any:
        self.reads += 1
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        self.reads += 1
        return super().get(key, default)

    def values(self) -> Any:
        self.reads += len(self)
        return super().values()

    def __iter__(self) -> Any:
        self.reads += len(self)
        return super().__iter__()


def test_cost_follows_the_answer_not_the_history(ecs_mock: EcsMock, ecs: Any) -> None:
    first, second = _setup(ecs_mock)
    for _ in range(300):
        stopped = _start(ecs, "web", first)
        ecs.stop_task(task=stopped)
    for _ in range(200):
        _start(ecs, "web", second, startedBy="crowd")
    wanted = {_start(ecs, "worker", first, startedBy="job-9") for _ in range(3)}
    cluster = ecs_mock._backend_region().clusters["default"]
    counting = _CountingTasks(cluster.tasks)
    cluster.tasks = counting

    assert _list(ecs, startedBy="job-9") == wanted
    assert counting.reads == 3
    counting.reads = 0
    assert _list(ecs, family="worker", containerInstance=first) == wanted
    assert counting.reads == 3
    counting.reads = 0
    assert len(ecs.list_tasks(maxResults=5)["taskArns"]) == 5
    assert counting.reads == 5


def test_listing_stays_exact_while_tasks_stop_and_expire(ecs_mock: EcsMock, ecs: Any) -> None:
    # Stopped and expired tasks leave index entries behind until their pool is compacted:
    # the answers must never show one, at any page size, whichever pool is walked.
    from freezegun import freeze_time

    first, second = _setup(ecs_mock)
    with freeze_time("2024-01-01") as frozen:
        placed = [(first, second)[n % 2] for n in range(40)]
        started = [_start(ecs, "web", instance, startedBy="job") for instance in placed]
        on_first = {arn for arn, instance in zip(started, placed, strict=True) if instance == first}
        stopped = started[::3]
        for arn in stopped:
            ecs.stop_task(task=arn)
        running = [arn for arn in started if arn not in stopped]

        def walk(size: int, **filters: Any) -> list[str]:
            pages = ecs.get_paginator("list_tasks").paginate(
                PaginationConfig={"PageSize": size}, **filters
            )
            return [arn for page in pages for arn in page["taskArns"]]

        for size in (1, 4, 100):
            assert walk(size) == running
            assert walk(size, startedBy="job", containerInstance=first) == [
                arn for arn in running if arn in on_first
            ]
            assert walk(size, desiredStatus="STOPPED", family="web") == stopped

        frozen.tick(3601)  # the stopped ones expire
        assert walk(3, desiredStatus="STOPPED") == []
        assert walk(3, startedBy="job") == running
        for arn in running:
            ecs.stop_task(task=arn)
        frozen.tick(1)
        assert walk(3, desiredStatus="STOPPED", startedBy="job") == running
        frozen.tick(3601)
        assert walk(3, desiredStatus="STOPPED") == walk(3) == []

    index = ecs_mock._backend_region().index_for("default")
    assert index.pools == {}  # every pool emptied and compacted away
    assert index.task_of == index.number_of == index.desired_of == {}

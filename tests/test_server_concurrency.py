"""Parallel clients see one consistent state; a slow client holds up nobody but itself."""

from __future__ import annotations

import socket
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
from botocore.config import Config

from ecs_mock.server import EcsServer


def client(url: str) -> Any:
    return boto3.client(
        "ecs",
        endpoint_url=url,
        region_name="us-east-1",
        config=Config(retries={"max_attempts": 1}, max_pool_connections=4),
    )


def test_parallel_start_task_never_oversubscribes_an_instance() -> None:
    with EcsServer(port=0) as server:
        setup = client(server.url)
        instances = setup.list_container_instances(cluster="default")["containerInstanceArns"]
        # The example task needs 256 CPU; each m5.large instance has 2048: 8 fit on each.
        attempts = 48

        def start(n: int) -> tuple[int, list[str]]:
            ecs = client(server.url)
            result = ecs.start_task(
                cluster="default",
                taskDefinition="example",
                containerInstances=[instances[n % 2]],
                startedBy=f"worker-{n}",
            )
            return len(result["tasks"]), [f["reason"] for f in result["failures"]]

        with ThreadPoolExecutor(max_workers=16) as pool:
            results = list(pool.map(start, range(attempts)))

        placed = sum(count for count, _ in results)
        reasons = {reason for _, failures in results for reason in failures}
        assert placed == 16
        assert reasons == {"RESOURCE:CPU"}
        assert sum(len(failures) for _, failures in results) == attempts - placed
        listed = setup.list_tasks(cluster="default")["taskArns"]
        assert len(listed) == placed
        detail = setup.describe_container_instances(cluster="default", containerInstances=instances)
        for instance in detail["containerInstances"]:
            remaining = {r["name"]: r.get("integerValue") for r in instance["remainingResources"]}
            assert remaining["CPU"] == 0
            assert instance["runningTasksCount"] + instance["pendingTasksCount"] == 8


def test_parallel_creates_and_reads_stay_consistent() -> None:
    with EcsServer(port=0, empty=True) as server:

        def work(n: int) -> int:
            ecs = client(server.url)
            ecs.create_cluster(clusterName=f"c{n}")
            return len(ecs.list_clusters(maxResults=100)["clusterArns"])

        with ThreadPoolExecutor(max_workers=12) as pool:
            seen = list(pool.map(work, range(60)))
        assert all(1 <= count <= 60 for count in seen)
        names = {a.rsplit("/", 1)[1] for a in client(server.url).list_clusters()["clusterArns"]}
        assert names == {f"c{n}" for n in range(60)}


def test_a_silent_client_does_not_block_others_and_is_cut_off() -> None:
    with EcsServer(port=0, request_timeout=0.5) as server:
        slow = socket.create_connection(("127.0.0.1", server.port), timeout=30)
        slow_body = socket.create_connection(("127.0.0.1", server.port), timeout=30)
        try:
            slow.sendall(b"POST / HTTP/1.1\r\nHost: x\r\n")  # headers never finished
            slow_body.sendall(
                b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.1\r\n"
                b"Content-Length: 100\r\n\r\n{"  # body never finished
            )
            # Others are served while both connections hang.
            ecs = client(server.url)
            assert (
                len(ecs.list_container_instances(cluster="default")["containerInstanceArns"]) == 2
            )
            # The server closes the silent header sender after its timeout ...
            assert slow.recv(1024) == b""
            # ... and tells the silent body sender why before closing.
            reply = b""
            while chunk := slow_body.recv(65536):
                reply += chunk
            assert reply.startswith(b"HTTP/1.1 408 ")
            assert b"RequestTimeoutException" in reply
        finally:
            slow.close()
            slow_body.close()

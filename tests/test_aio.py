"""aiobotocore clients: answered in-process by the mock, and over HTTP by the server."""

from __future__ import annotations

import asyncio
from typing import Any

from aiobotocore.session import get_session
from botocore.config import Config

from ecs_mock import EcsMock, mock_ecs
from ecs_mock.server import EcsServer

NO_RETRY = Config(retries={"max_attempts": 1})


async def start_and_fail(ecs: Any, instance: str, family: str) -> dict[str, Any]:
    started = await ecs.start_task(
        cluster="default", taskDefinition=family, containerInstances=[instance]
    )
    task = started["tasks"][0]["taskArn"]
    described = await ecs.describe_tasks(cluster="default", tasks=[task])
    paginator = ecs.get_paginator("list_tasks")
    listed = [
        arn async for page in paginator.paginate(cluster="default") for arn in page["taskArns"]
    ]
    error = None
    try:
        await ecs.describe_tasks(cluster="missing", tasks=[task])
    except ecs.exceptions.ClusterNotFoundException as caught:
        error = caught.response["Error"]
    return {"task": task, "described": described["tasks"][0], "listed": listed, "error": error}


def test_aiobotocore_is_answered_in_process(ecs_mock: EcsMock) -> None:
    instance = ecs_mock.add_container_instance("default")
    ecs_mock.register_task_definition("app")

    async def run() -> dict[str, Any]:
        async with get_session().create_client(
            "ecs", region_name="us-east-1", config=NO_RETRY
        ) as ecs:
            return await start_and_fail(ecs, instance, "app")

    seen = asyncio.run(run())
    assert seen["described"]["taskArn"] == seen["task"]
    assert seen["listed"] == [seen["task"]]
    assert seen["error"] == {"Code": "ClusterNotFoundException", "Message": "Cluster not found."}
    assert [call.operation for call in ecs_mock.calls_to("StartTask")] == ["StartTask"]


def test_decorated_coroutine_with_aiobotocore() -> None:
    @mock_ecs(account_id="210987654321")
    async def scenario() -> str:
        async with get_session().create_client(
            "ecs", region_name="eu-west-1", config=NO_RETRY
        ) as ecs:
            created = await ecs.create_cluster(clusterName="async")
            return str(created["cluster"]["clusterArn"])

    assert asyncio.run(scenario()) == "arn:aws:ecs:eu-west-1:210987654321:cluster/async"


def test_aiobotocore_against_the_server() -> None:
    with EcsServer(port=0) as server:
        instance = server.app.view().call("ListContainerInstances", cluster="default")[
            "containerInstanceArns"
        ][0]

        async def run() -> dict[str, Any]:
            async with get_session().create_client(
                "ecs",
                region_name="us-east-1",
                endpoint_url=server.url,
                aws_access_key_id="AKIAAIOTESTING000001",
                aws_secret_access_key="secret",
                config=NO_RETRY,
            ) as ecs:
                return await start_and_fail(ecs, instance, "example")

        seen = asyncio.run(run())
    assert seen["described"]["containerInstanceArn"] == instance
    assert seen["listed"] == [seen["task"]]
    assert seen["error"]["Code"] == "ClusterNotFoundException"


def test_concurrent_aiobotocore_calls_in_process(ecs_mock: EcsMock) -> None:
    ecs_mock.create_cluster("default")
    count = 8

    async def run() -> list[str]:
        async with get_session().create_client(
            "ecs", region_name="us-east-1", config=NO_RETRY
        ) as ecs:
            await asyncio.gather(*(ecs.create_cluster(clusterName=f"c{n}") for n in range(count)))
            listed = await ecs.list_clusters()
            return sorted(arn.rsplit("/", 1)[1] for arn in listed["clusterArns"])

    assert asyncio.run(run()) == sorted(["default", *(f"c{n}" for n in range(count))])

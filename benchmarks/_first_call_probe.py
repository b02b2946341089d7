"""Run in a fresh interpreter by _fixed.first_calls: `python _first_call_probe.py DOOR`.

The calls of a typical first test (set-up, one StartTask, reads, a stop), run twice: the first
pass pays every lazy cost, the second not. DOOR is `dispatcher` (ecs_mock alone) or `boto3`.
Prints the CPU seconds of each pass as JSON."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from typing import Any

import boto3

from ecs_mock import mock_ecs
from ecs_mock.protocol import TARGET_PREFIX

Caller = Callable[..., dict[str, Any]]


def _steps(call: Caller, n: int) -> None:
    cluster = f"c{n}"
    document = {"instanceId": f"i-{n:017x}", "instanceType": "m5.large", "region": "us-east-1"}
    instance = call(
        "RegisterContainerInstance",
        cluster=call("CreateCluster", clusterName=cluster)["cluster"]["clusterName"],
        instanceIdentityDocument=json.dumps({**document, "availabilityZone": "us-east-1a"}),
    )["containerInstance"]["containerInstanceArn"]
    containers = [{"name": "a", "image": "b", "memory": 8}]
    call("RegisterTaskDefinition", family="app", containerDefinitions=containers)
    placed = [instance]
    task = call("StartTask", cluster=cluster, taskDefinition="app", containerInstances=placed)[
        "tasks"
    ][0]["taskArn"]
    call("DescribeTasks", cluster=cluster, tasks=[task])
    call("ListTasks", cluster=cluster)
    call("StopTask", cluster=cluster, task=task)


def main(door: str) -> None:
    with mock_ecs() as mock:
        if door == "dispatcher":

            def call(operation: str, **params: Any) -> dict[str, Any]:
                body = json.dumps(params).encode()
                answer = mock.dispatcher.handle(TARGET_PREFIX + operation, body, "us-east-1", None)
                assert answer.status == 200, answer.body
                return json.loads(answer.body)  # type: ignore[no-any-return]

        else:
            ecs = boto3.client("ecs", region_name="us-east-1")
            methods = {api: method for method, api in ecs.meta.method_to_api_mapping.items()}

            def call(operation: str, **params: Any) -> dict[str, Any]:
                return getattr(ecs, methods[operation])(**params)  # type: ignore[no-any-return]

        spent = []
        for n in (1, 2):
            start = time.process_time()
            _steps(call, n)
            spent.append(time.process_time() - start)
    print(json.dumps({"first": spent[0], "again": spent[1]}))


if __name__ == "__main__":
    main(sys.argv[1])

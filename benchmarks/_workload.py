"""The same boto3 work for every contender (ecs_mock, moto, the botocore floor), and timing."""

from __future__ import annotations

import json
import os
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import boto3

REGION = "us-east-1"
CLUSTER = "bench"
FAMILY = "bench"
INSTANCES_PER_CALL = 10  # StartTask's own limit: one task per named instance
_FAKE_ENV = {
    "AWS_ACCESS_KEY_ID": "AKIABENCHMARK0000000",
    "AWS_SECRET_ACCESS_KEY": "benchmark-secret",
    "AWS_DEFAULT_REGION": REGION,
}


def fake_credentials() -> None:
    """Every contender signs the same way; nothing may reach a real account."""
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        os.environ.pop(name, None)
    os.environ.update(_FAKE_ENV)


def client() -> Any:
    return boto3.client("ecs", region_name=REGION)


def per_call(fn: Callable[[], object], number: int, repeat: int) -> float:
    """Median over `repeat` runs of the mean seconds per call over `number` calls."""
    fn()  # warm caches (botocore loads shapes lazily on the first call)
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        runs.append((time.perf_counter() - start) / number)
    return statistics.median(runs)


def cpu_per_call(fn: Callable[[], object], number: int) -> float:
    """Mean CPU seconds (this process's) per call over `number` calls, after one warm-up call:
    for in-process contenders on a machine whose load drifts."""
    fn()
    start = time.process_time()
    for _ in range(number):
        fn()
    return (time.process_time() - start) / number


def once(fn: Callable[[], object], repeat: int) -> float:
    """Median seconds of single calls, for calls too slow to loop (moto's DescribeTasks)."""
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def ec2_ids(count: int, start: int = 0) -> list[str]:
    """EC2 instance ids for ecs_mock (which, like ECS itself, does not look them up in EC2)."""
    return [f"i-{n:017x}" for n in range(start, start + count)]


def moto_ec2_ids(count: int, endpoint_url: str | None = None) -> list[str]:
    """moto refuses to register an EC2 instance it does not know: launch them first."""
    ec2 = boto3.client("ec2", region_name=REGION, endpoint_url=endpoint_url)
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    ids: list[str] = []
    while len(ids) < count:
        batch = min(500, count - len(ids))
        launched = ec2.run_instances(ImageId=image, MinCount=batch, MaxCount=batch)
        ids.extend(instance["InstanceId"] for instance in launched["Instances"])
    return ids


def register_params(ec2_id: str) -> dict[str, Any]:
    document = {
        "instanceId": ec2_id,
        "instanceType": "m5.large",
        "availabilityZone": f"{REGION}a",
        "region": REGION,
    }
    # Room for far more tasks than any row starts; moto ignores totalResources anyway.
    resources = [
        {"name": "CPU", "type": "INTEGER", "integerValue": 10_000_000},
        {"name": "MEMORY", "type": "INTEGER", "integerValue": 10_000_000},
    ]
    return {
        "cluster": CLUSTER,
        "instanceIdentityDocument": json.dumps(document),
        "totalResources": resources,
    }


def register_instance(ecs: Any, ec2_id: str) -> str:
    answer = ecs.register_container_instance(**register_params(ec2_id))
    return str(answer["containerInstance"]["containerInstanceArn"])


def set_up(ecs: Any, ec2: list[str]) -> list[str]:
    """A cluster, a container instance per EC2 id and one task definition."""
    ecs.create_cluster(clusterName=CLUSTER)
    arns = [register_instance(ecs, ec2_id) for ec2_id in ec2]
    ecs.register_task_definition(
        family=FAMILY,
        containerDefinitions=[
            {"name": "app", "image": "busybox", "cpu": 1, "memory": 8, "essential": True}
        ],
    )
    return arns


def start_params(instance: str) -> dict[str, Any]:
    return {"cluster": CLUSTER, "taskDefinition": FAMILY, "containerInstances": [instance]}


def start_one(ecs: Any, instance: str) -> dict[str, Any]:
    return ecs.start_task(**start_params(instance))  # type: ignore[no-any-return]


def fill(ecs: Any, instances: list[str], count: int, started_by: str = "filler") -> list[str]:
    """Start `count` tasks, ten per StartTask call; returns their ARNs."""
    arns: list[str] = []
    while len(arns) < count:
        batch = instances[: min(len(instances), count - len(arns))]
        answer = ecs.start_task(
            cluster=CLUSTER, taskDefinition=FAMILY, containerInstances=batch, startedBy=started_by
        )
        arns.extend(task["taskArn"] for task in answer["tasks"])
    return arns


@contextmanager
def moto_ecs() -> Iterator[Any]:
    from moto import mock_aws

    with mock_aws():
        yield client()


def moto_set_up(ecs: Any) -> list[str]:
    return set_up(ecs, moto_ec2_ids(INSTANCES_PER_CALL))

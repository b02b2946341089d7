"""A test suite's CPU, ecs_mock beside moto: N tests, each in a fresh mock, each creating its
client, a cluster, a container instance and a task definition and starting three tasks (what a
launcher's test file does). moto needs the EC2 instance to exist, so its tests launch one first,
as a moto user's tests must (with a made-up AMI id, which moto accepts: looking one up with
DescribeImages would cost moto another ~0.7 s per test)."""

from __future__ import annotations

import time
from typing import Any

import boto3
from _workload import REGION, client, ec2_ids, moto_ecs, set_up, start_one

from ecs_mock import mock_ecs


def _ours() -> None:
    with mock_ecs():
        ecs = client()
        (instance,) = set_up(ecs, ec2_ids(1))
        for _ in range(3):
            start_one(ecs, instance)


def _moto() -> None:
    with moto_ecs() as ecs:
        ec2 = boto3.client("ec2", region_name=REGION)
        launched = ec2.run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1)
        (instance,) = set_up(ecs, [launched["Instances"][0]["InstanceId"]])
        for _ in range(3):
            start_one(ecs, instance)


def measure(tests: int) -> dict[str, Any]:
    """CPU seconds of `tests` tests for each contender, alternating in rounds of ten."""
    spent = {"ecs_mock": 0.0, "moto": 0.0}
    _ours()  # the first test of a process pays botocore's and each mock's lazy loading:
    _moto()  # both contenders' suites have it once; it is not what this row compares
    for _ in range(max(1, tests // 10)):
        for name, test in (("ecs_mock", _ours), ("moto", _moto)):
            start = time.process_time()
            for _ in range(10):
                test()
            spent[name] += time.process_time() - start
    return {"tests": max(1, tests // 10) * 10, **spent}

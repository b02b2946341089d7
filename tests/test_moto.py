"""Beside moto: ECS answered by ecs_mock alone, every other service by moto, in any order."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.backends import get_backend
from moto.core.config import default_user_config

from ecs_mock import EcsMock, mock_ecs
from ecs_mock.server import EcsServer

ACCOUNT = "123456789012"
REGION = "us-east-1"


def moto_ecs_clusters() -> dict[str, Any]:
    return dict(get_backend("ecs")[ACCOUNT][REGION].clusters)


@pytest.fixture(autouse=True)
def moto_config_is_left_as_found() -> Iterator[None]:
    before = copy.deepcopy(default_user_config)
    yield
    assert default_user_config == before


def both_ways() -> list[Callable[[], list[AbstractContextManager[Any]]]]:
    return [lambda: [mock_aws(), mock_ecs()], lambda: [mock_ecs(), mock_aws()]]


def use_both() -> dict[str, Any]:
    ecs = boto3.client("ecs", region_name=REGION)
    created = ecs.create_cluster(clusterName="ours")["cluster"]
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="served-by-moto")
    s3.put_object(Bucket="served-by-moto", Key="k", Body=b"moto")
    sqs = boto3.client("sqs", region_name=REGION)
    queue = sqs.create_queue(QueueName="also-moto")["QueueUrl"]
    return {
        "ecs_arn": created["clusterArn"],
        "moto_ecs": moto_ecs_clusters(),
        "s3": s3.get_object(Bucket="served-by-moto", Key="k")["Body"].read(),
        "sqs": sqs.list_queues()["QueueUrls"] == [queue],
        "ecs_clusters": ecs.list_clusters()["clusterArns"],
    }


@pytest.mark.parametrize("mocks", both_ways(), ids=["mock_aws-outside", "mock_ecs-outside"])
def test_with_blocks_in_either_order(mocks: Callable[[], list[Any]]) -> None:
    outer, inner = mocks()
    ours = outer if isinstance(outer, EcsMock) else inner
    with outer, inner:
        seen = use_both()
        ecs = boto3.client("ecs", region_name=REGION)
        with pytest.raises(ecs.exceptions.ClusterNotFoundException):
            ecs.describe_tasks(cluster="x", tasks=["t"])
        assert [call.operation for call in ours.calls] == [
            "CreateCluster",
            "ListClusters",
            "DescribeTasks",
        ]
    assert seen["moto_ecs"] == {}
    assert seen["s3"] == b"moto"
    assert seen["sqs"] is True
    assert seen["ecs_clusters"] == [f"arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/ours"]


def test_stacked_decorators_mock_aws_outside() -> None:
    @mock_aws
    @mock_ecs
    def scenario() -> dict[str, Any]:
        return use_both()

    seen = scenario()
    assert seen["moto_ecs"] == {}
    assert seen["s3"] == b"moto"


def test_stacked_decorators_mock_ecs_outside() -> None:
    @mock_ecs
    @mock_aws
    def scenario() -> dict[str, Any]:
        return use_both()

    seen = scenario()
    assert seen["moto_ecs"] == {}
    assert seen["sqs"] is True


def test_moto_gets_ecs_back_when_ecs_mock_stops() -> None:
    with mock_aws():
        with mock_ecs():
            boto3.client("ecs", region_name=REGION).create_cluster(clusterName="ours")
        # ecs_mock is gone: moto answers ECS again, and never saw ours.
        ecs = boto3.client("ecs", region_name=REGION)
        assert ecs.list_clusters()["clusterArns"] == []
        ecs.create_cluster(clusterName="motos")
        assert list(moto_ecs_clusters()) == ["motos"]


def test_server_mode_ecs_endpoint_beside_in_process_moto(monkeypatch: pytest.MonkeyPatch) -> None:
    """AWS_ENDPOINT_URL_ECS sends ECS to the ecs_mock server; moto still serves the rest."""
    with EcsServer(port=0) as server, mock_aws():
        monkeypatch.setenv("AWS_ENDPOINT_URL_ECS", server.url)
        ecs = boto3.client("ecs", region_name=REGION)
        instances = ecs.list_container_instances(cluster="default")["containerInstanceArns"]
        assert len(instances) == 2  # the server's built-in state
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket="moto-bucket")
        assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["moto-bucket"]
        assert moto_ecs_clusters() == {}
        assert [c.operation for c in server.app.controls.calls] == ["ListContainerInstances"]


def test_subnet_zones_come_from_motos_ec2() -> None:
    with mock_aws(), mock_ecs() as ecs_mock:
        ec2 = boto3.client("ec2", region_name="us-east-1")
        vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
        subnet = ec2.create_subnet(
            VpcId=vpc, CidrBlock="10.9.1.0/24", AvailabilityZone="us-east-1b"
        )["Subnet"]["SubnetId"]
        ecs_mock.register_task_definition(
            "vpc", networkMode="awsvpc", containers=[{"name": "a", "image": "x", "memory": 64}]
        )
        in_a = ecs_mock.add_container_instance(availability_zone="us-east-1a")
        in_b = ecs_mock.add_container_instance(availability_zone="us-east-1b")
        ecs = boto3.client("ecs", region_name="us-east-1")

        result = ecs.start_task(
            taskDefinition="vpc",
            containerInstances=[in_a, in_b],
            networkConfiguration={"awsvpcConfiguration": {"subnets": [subnet]}},
        )

        assert result["failures"] == [{"arn": in_a, "reason": "LOCATION"}]
        assert [t["containerInstanceArn"] for t in result["tasks"]] == [in_b]

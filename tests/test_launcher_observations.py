"""What a launcher observes (issue 14): awslogs streams, ECS events and task ENIs — in moto when
`mock_aws` is active, on the mock object otherwise (read through aiobotocore too)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import boto3
import moto
import pytest
from aiobotocore.session import get_session
from freezegun import freeze_time
from moto import mock_aws

from ecs_mock import EcsMock, Outcome, mock_ecs

REGION = "us-east-1"
MOTO_VERSION = tuple(int(part) for part in moto.__version__.split(".")[:2])


def awslogs(create: bool = True, prefix: str | None = "web") -> dict[str, Any]:
    options = {"awslogs-group": "/web", "awslogs-region": REGION}
    if prefix is not None:
        options["awslogs-stream-prefix"] = prefix
    if create:
        options["awslogs-create-group"] = "true"
    return {"logDriver": "awslogs", "options": options}


def fargate_family(mock: EcsMock, log: dict[str, Any] | None = None) -> None:
    container: dict[str, Any] = {"name": "web", "image": "web:1"}
    if log is not None:
        container["logConfiguration"] = log
    mock.register_task_definition(
        "web",
        containers=[container],
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
    )


def run_fargate(subnet: str, groups: list[str] | None = None, public: bool = False) -> str:
    vpc: dict[str, Any] = {
        "subnets": [subnet],
        "assignPublicIp": "ENABLED" if public else "DISABLED",
    }
    if groups:
        vpc["securityGroups"] = groups
    ecs = boto3.client("ecs", region_name=REGION)
    answer = ecs.run_task(
        taskDefinition="web",
        launchType="FARGATE",
        networkConfiguration={"awsvpcConfiguration": vpc},
    )
    assert answer["failures"] == []
    return str(answer["tasks"][0]["taskArn"])


def describe(arn: str) -> dict[str, Any]:
    ecs = boto3.client("ecs", region_name=REGION)
    return dict(ecs.describe_tasks(tasks=[arn])["tasks"][0])


@pytest.fixture
def moto() -> Iterator[EcsMock]:
    with mock_aws(), mock_ecs() as ecs_mock:
        boto3.client("ecs", region_name=REGION).create_cluster(clusterName="default")
        yield ecs_mock


@pytest.fixture
def subnet(moto: EcsMock) -> str:
    ec2 = boto3.client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.3.0.0/16")["Vpc"]["VpcId"]
    return str(
        ec2.create_subnet(VpcId=vpc, CidrBlock="10.3.7.0/24", AvailabilityZone="us-east-1b")[
            "Subnet"
        ]["SubnetId"]
    )


# -- awslogs ------------------------------------------------------------------------------------


@pytest.mark.slow
def test_log_lines_reach_moto_in_the_documented_stream(moto: EcsMock, subnet: str) -> None:
    fargate_family(moto, awslogs())
    moto.set_outcome(Outcome.runs(logs=["one", "two"]), family="web")
    with freeze_time("2025-04-01T12:00:00Z"):
        arn = run_fargate(subnet)
        assert describe(arn)["lastStatus"] == "RUNNING"
    logs = boto3.client("logs", region_name=REGION)
    stream = f"web/web/{arn.split('/')[-1]}"
    events = logs.get_log_events(logGroupName="/web", logStreamName=stream)["events"]
    assert [e["message"] for e in events] == ["one", "two"]
    assert {e["timestamp"] for e in events} == {1743508800000}  # the mock clock, in ms
    assert moto.logs(arn) == ["one", "two"]


def test_a_missing_group_fails_the_task_unless_it_may_be_created(
    moto: EcsMock, subnet: str
) -> None:
    fargate_family(moto, awslogs(create=False))
    task = describe(run_fargate(subnet))
    assert task["lastStatus"] == "STOPPED"
    assert task["stopCode"] == "TaskFailedToStart"
    assert "The specified log group does not exist." in task["stoppedReason"]
    boto3.client("logs", region_name=REGION).create_log_group(logGroupName="/web")
    assert describe(run_fargate(subnet))["lastStatus"] == "RUNNING"


def test_without_moto_the_lines_are_on_the_mock_object(ecs_mock: EcsMock) -> None:
    ecs_mock.create_cluster()
    ecs_mock.add_subnet("subnet-a", "us-east-1a")
    fargate_family(ecs_mock, awslogs(create=False))  # no moto: nothing to check the group in
    ecs_mock.set_outcome(Outcome.exits(1, logs=["boom"]))
    arn = run_fargate("subnet-a")
    assert describe(arn)["containers"][0]["exitCode"] == 1
    assert ecs_mock.logs(arn) == ["boom"]
    assert ecs_mock.logs(arn, container="web") == ["boom"]
    with pytest.raises(ValueError, match="no container named 'other'"):
        ecs_mock.logs(arn, container="other")


# -- events -------------------------------------------------------------------------------------


def sqs_behind_rule(pattern: dict[str, Any]) -> str:
    sqs = boto3.client("sqs", region_name=REGION)
    url = sqs.create_queue(QueueName="events")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    events = boto3.client("events", region_name=REGION)
    events.put_rule(Name="ecs", EventPattern=json.dumps(pattern))
    events.put_targets(Rule="ecs", Targets=[{"Id": "q", "Arn": arn}])
    return str(url)


def drain(url: str) -> list[dict[str, Any]]:
    sqs = boto3.client("sqs", region_name=REGION)
    found: list[dict[str, Any]] = []
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        found += [json.loads(m["Body"]) for m in messages]
        for message in messages:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return found


def test_task_events_reach_an_sqs_queue_through_moto_eventbridge(
    moto: EcsMock, subnet: str
) -> None:
    url = sqs_behind_rule({"source": ["aws.ecs"], "detail-type": ["ECS Task State Change"]})
    fargate_family(moto)
    moto.set_outcome(Outcome.exits(2), family="web")
    arn = run_fargate(subnet)
    assert describe(arn)["lastStatus"] == "STOPPED"
    received = drain(url)
    assert {e["detail-type"] for e in received} == {"ECS Task State Change"}
    assert all(e["source"] == "aws.ecs" and e["resources"] == [arn] for e in received)
    statuses = [e["detail"]["lastStatus"] for e in received]
    assert statuses[0] == "PROVISIONING"
    assert "RUNNING" in statuses
    assert statuses[-1] == "STOPPED"
    last = received[-1]["detail"]
    assert last["stopCode"] == "EssentialContainerExited"
    assert last["containers"][0]["exitCode"] == 2
    assert last["attachments"][0]["type"] == "eni"
    assert "tags" not in last
    assert [e["detail"]["lastStatus"] for e in moto.events(task=arn)] == statuses


def test_container_instance_events(moto: EcsMock) -> None:
    url = sqs_behind_rule({"detail-type": ["ECS Container Instance State Change"]})
    instance = moto.add_container_instance()
    ecs = boto3.client("ecs", region_name=REGION)
    ecs.update_container_instances_state(containerInstances=[instance], status="DRAINING")
    moto.set_agent_connected(instance, False)
    ecs.deregister_container_instance(containerInstance=instance)
    received = drain(url)
    seen = [(e["detail"]["status"], e["detail"]["agentConnected"]) for e in received]
    assert seen == [("ACTIVE", True), ("DRAINING", True), ("DRAINING", False), ("INACTIVE", False)]
    assert all(e["resources"] == [instance] for e in received)
    assert received[0]["detail"]["clusterArn"].endswith(":cluster/default")
    readable = moto.events("ECS Container Instance State Change")
    assert [e["detail"]["status"] for e in readable] == [s for s, _ in seen]


def test_events_and_logs_are_read_through_aiobotocore(ecs_mock: EcsMock) -> None:
    """An asyncio launcher (aiobotocore) runs and waits; the test reads what it would see."""
    ecs_mock.create_cluster()
    ecs_mock.add_subnet("subnet-a", "us-east-1a")
    fargate_family(ecs_mock, awslogs())
    ecs_mock.set_outcome(Outcome.exits(1, logs=["a", "b"]))

    async def launch() -> dict[str, Any]:
        async with get_session().create_client("ecs", region_name=REGION) as ecs:
            started = await ecs.run_task(
                taskDefinition="web",
                launchType="FARGATE",
                networkConfiguration={"awsvpcConfiguration": {"subnets": ["subnet-a"]}},
            )
            arn = started["tasks"][0]["taskArn"]
            waiter = ecs.get_waiter("tasks_stopped")
            await waiter.wait(tasks=[arn], WaiterConfig={"Delay": 0, "MaxAttempts": 3})
            described = await ecs.describe_tasks(tasks=[arn])
            return dict(described["tasks"][0])

    task = asyncio.run(launch())
    assert task["containers"][0]["exitCode"] == 1
    assert ecs_mock.logs(task["taskArn"]) == ["a", "b"]
    statuses = [e["detail"]["lastStatus"] for e in ecs_mock.events(task=task["taskArn"])]
    assert statuses[-1] == "STOPPED"
    assert "RUNNING" in statuses


def test_each_event_shows_the_task_as_it_was_then_even_where_orjson_cannot_write_it(
    ecs_mock: EcsMock,
) -> None:
    """Events keep a snapshot written at the change: the launch event still says PENDING after
    the task ran and stopped. A lone surrogate in an override (the request reader lets it in;
    orjson cannot write it) takes the other road, a deep copy: the same answer."""
    ecs_mock.create_cluster()
    ecs_mock.add_container_instance()
    ecs_mock.register_task_definition(
        "app", containers=[{"name": "app", "image": "app:1", "memory": 128}]
    )
    ecs = boto3.client("ecs", region_name=REGION)
    for value in ("plain", "lone \ud800 surrogate"):
        env = [{"name": "WHO", "value": value}]
        overrides = {"containerOverrides": [{"name": "app", "environment": env}]}
        arn = ecs.run_task(taskDefinition="app", overrides=overrides)["tasks"][0]["taskArn"]
        ecs.describe_tasks(tasks=[arn])  # the next call: the task is RUNNING now
        ecs.stop_task(task=arn)
        ecs_mock.advance("STOPPED", arn)
        events = ecs_mock.events(task=arn)
        statuses = [e["detail"]["lastStatus"] for e in events]
        assert statuses[0] == "PENDING", value
        assert "RUNNING" in statuses, value
        assert statuses[-1] == "STOPPED", value
        assert events[0]["detail"]["desiredStatus"] == "RUNNING"
        assert events[-1]["detail"]["desiredStatus"] == "STOPPED"
        sent = events[0]["detail"]["overrides"]["containerOverrides"][0]["environment"]
        assert sent == env
        assert "stoppedAt" not in events[0]["detail"]
        assert "stoppedAt" in events[-1]["detail"]


# -- ENIs ---------------------------------------------------------------------------------------


def test_an_awsvpc_task_eni_lives_in_moto_ec2_until_stopped(moto: EcsMock, subnet: str) -> None:
    ec2 = boto3.client("ec2", region_name=REGION)
    vpc = ec2.describe_subnets(SubnetIds=[subnet])["Subnets"][0]["VpcId"]
    group = ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc)["GroupId"]
    fargate_family(moto)
    arn = run_fargate(subnet, [group], public=True)
    task = describe(arn)
    details = {d["name"]: d["value"] for d in task["attachments"][0]["details"]}
    (eni,) = ec2.describe_network_interfaces()["NetworkInterfaces"]
    assert details["networkInterfaceId"] == eni["NetworkInterfaceId"]
    assert details["macAddress"] == eni["MacAddress"]
    assert details["privateIPv4Address"] == eni["PrivateIpAddress"]
    assert details["subnetId"] == subnet == eni["SubnetId"]
    assert [g["GroupId"] for g in eni["Groups"]] == [group]
    if MOTO_VERSION >= (5, 1):  # moto 5.0 gives the ENI its public IP but does not describe it
        assert eni["Association"]["PublicIp"]  # assignPublicIp ENABLED on Fargate
    assert eni["Description"].endswith(f":attachment/{task['attachments'][0]['id']}")
    assert (
        task["containers"][0]["networkInterfaces"][0]["privateIpv4Address"]
        == (eni["PrivateIpAddress"])
    )
    boto3.client("ecs", region_name=REGION).stop_task(task=arn)
    assert describe(arn)["lastStatus"] == "STOPPED"
    assert ec2.describe_network_interfaces()["NetworkInterfaces"] == []


def test_a_subnet_moto_does_not_know_keeps_the_invented_eni(moto: EcsMock) -> None:
    moto.add_subnet("subnet-0000000000000000a", "us-east-1a")
    fargate_family(moto)
    task = describe(run_fargate("subnet-0000000000000000a"))
    details = {d["name"]: d["value"] for d in task["attachments"][0]["details"]}
    assert details["networkInterfaceId"].startswith("eni-")
    assert (
        boto3.client("ec2", region_name=REGION).describe_network_interfaces()["NetworkInterfaces"]
        == []
    )

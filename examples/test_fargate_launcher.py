"""Worked example: testing a launcher that runs a Fargate task and reports how it ended.

`run_job` is the code under test: it runs a task, waits for it with boto3's `tasks_stopped`
waiter, reads its container's exit code and its log lines from CloudWatch Logs. ecs_mock answers
ECS; moto answers CloudWatch Logs, EventBridge, SQS and EC2. An outcome rule decides that the
container prints two lines and exits 1, and an SQS queue behind an EventBridge rule receives the
task's state change events, as it would in an account.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from moto import mock_aws

from ecs_mock import EcsMock, Outcome, mock_ecs

REGION = "us-east-1"

# -- code under test ---------------------------------------------------------------------------


@dataclass
class JobResult:
    task_arn: str
    exit_code: int | None
    stopped_reason: str
    logs: list[str]


def run_job(cluster: str, task_definition: str, subnet: str, job_id: str) -> JobResult:
    ecs = boto3.client("ecs", region_name=REGION)
    logs = boto3.client("logs", region_name=REGION)
    started = ecs.run_task(
        cluster=cluster,
        taskDefinition=task_definition,
        launchType="FARGATE",
        startedBy=job_id,
        networkConfiguration={"awsvpcConfiguration": {"subnets": [subnet]}},
    )
    if started["failures"]:
        raise RuntimeError(f"could not start: {started['failures']}")
    task_arn = started["tasks"][0]["taskArn"]
    ecs.get_waiter("tasks_stopped").wait(
        cluster=cluster, tasks=[task_arn], WaiterConfig={"Delay": 0, "MaxAttempts": 5}
    )
    task = ecs.describe_tasks(cluster=cluster, tasks=[task_arn])["tasks"][0]
    container = task["containers"][0]
    # The awslogs stream: <awslogs-stream-prefix>/<container name>/<task id>
    definition = ecs.describe_task_definition(taskDefinition=task["taskDefinitionArn"])
    options = definition["taskDefinition"]["containerDefinitions"][0]["logConfiguration"]
    stream = "/".join(
        [options["options"]["awslogs-stream-prefix"], container["name"], task_arn.split("/")[-1]]
    )
    events = logs.get_log_events(
        logGroupName=options["options"]["awslogs-group"], logStreamName=stream
    )["events"]
    return JobResult(
        task_arn=task_arn,
        exit_code=container.get("exitCode"),
        stopped_reason=task["stoppedReason"],
        logs=[event["message"] for event in events],
    )


# -- tests -------------------------------------------------------------------------------------


@pytest.fixture
def aws() -> Iterator[EcsMock]:
    with mock_aws(), mock_ecs() as ecs_mock:
        yield ecs_mock


def events_queue() -> str:
    """An SQS queue behind an EventBridge rule for ECS task state changes."""
    sqs = boto3.client("sqs", region_name=REGION)
    url = sqs.create_queue(QueueName="task-events")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    events = boto3.client("events", region_name=REGION)
    events.put_rule(
        Name="ecs-tasks",
        EventPattern=json.dumps({"source": ["aws.ecs"], "detail-type": ["ECS Task State Change"]}),
    )
    events.put_targets(Rule="ecs-tasks", Targets=[{"Id": "queue", "Arn": arn}])
    return url


def received(url: str) -> list[dict[str, Any]]:
    sqs = boto3.client("sqs", region_name=REGION)
    found: list[dict[str, Any]] = []
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        found += [json.loads(m["Body"]) for m in messages]
        for message in messages:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return found


def test_a_failing_job_reports_its_exit_code_logs_and_events(aws: EcsMock) -> None:
    ec2 = boto3.client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.1.1.0/24")["Subnet"]["SubnetId"]
    boto3.client("ecs", region_name=REGION).create_cluster(clusterName="jobs")
    aws.register_task_definition(
        "job",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        containers=[
            {
                "name": "main",
                "image": "job:1",
                "logConfiguration": {
                    "logDriver": "awslogs",
                    "options": {
                        "awslogs-group": "/jobs",
                        "awslogs-region": REGION,
                        "awslogs-stream-prefix": "job",
                        "awslogs-create-group": "true",
                    },
                },
            }
        ],
    )
    queue = events_queue()
    aws.set_outcome(
        Outcome.exits(1, logs=["starting job 42", "error: no such table"]), family="job"
    )

    result = run_job("jobs", "job", subnet, job_id="job-42")

    assert result.exit_code == 1
    assert result.stopped_reason == "Essential container in task exited"
    assert result.logs == ["starting job 42", "error: no such table"]
    statuses = [
        event["detail"]["lastStatus"]
        for event in received(queue)
        if event["detail"]["taskArn"] == result.task_arn
    ]
    assert "RUNNING" in statuses
    assert statuses[-1] == "STOPPED"
    # The task's ENI was moto's, and it is gone now that the task is STOPPED.
    assert ec2.describe_network_interfaces()["NetworkInterfaces"] == []


def test_a_job_that_cannot_pull_its_image(aws: EcsMock) -> None:
    ec2 = boto3.client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.1.1.0/24")["Subnet"]["SubnetId"]
    boto3.client("ecs", region_name=REGION).create_cluster(clusterName="jobs")
    aws.register_task_definition(
        "job",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        containers=[
            {
                "name": "main",
                "image": "job:1",
                "logConfiguration": {
                    "logDriver": "awslogs",
                    "options": {
                        "awslogs-group": "/jobs",
                        "awslogs-region": REGION,
                        "awslogs-stream-prefix": "job",
                        "awslogs-create-group": "true",
                    },
                },
            }
        ],
    )
    aws.set_outcome(Outcome.cannot_pull("pull access denied for job"), family="job")
    ecs = boto3.client("ecs", region_name=REGION)
    task_arn = ecs.run_task(
        cluster="jobs",
        taskDefinition="job",
        launchType="FARGATE",
        networkConfiguration={"awsvpcConfiguration": {"subnets": [subnet]}},
    )["tasks"][0]["taskArn"]
    ecs.get_waiter("tasks_stopped").wait(
        cluster="jobs", tasks=[task_arn], WaiterConfig={"Delay": 0, "MaxAttempts": 5}
    )
    task = ecs.describe_tasks(cluster="jobs", tasks=[task_arn])["tasks"][0]
    assert task["stopCode"] == "TaskFailedToStart"
    assert task["stoppedReason"] == "CannotPullContainerError: pull access denied for job"
    assert "exitCode" not in task["containers"][0]

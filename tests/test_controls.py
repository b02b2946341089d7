"""Test controls: advance, exit_container, agent disconnect, injected errors, the call log."""

from __future__ import annotations

import time
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from freezegun import freeze_time

from ecs_mock import EcsError, EcsMock


def _instance_and_definition(mock: EcsMock) -> str:
    instance = mock.add_container_instance("default")
    mock.register_task_definition(
        "app",
        containers=[
            {"name": "main", "image": "busybox", "memory": 64, "essential": True},
            {"name": "sidecar", "image": "busybox", "memory": 64, "essential": False},
        ],
    )
    return instance


def _start(ecs: Any, instance: str) -> str:
    arn: str = ecs.start_task(taskDefinition="app", containerInstances=[instance])["tasks"][0][
        "taskArn"
    ]
    return arn


def _status(ecs: Any, arn: str) -> str:
    return str(ecs.describe_tasks(tasks=[arn])["tasks"][0]["lastStatus"])


@pytest.mark.ecs_mock(pending_seconds=600, stopping_seconds=30)
def test_advance_one_task_or_all(ecs_mock: EcsMock, ecs: Any) -> None:
    instance = _instance_and_definition(ecs_mock)
    with freeze_time("2024-05-01 12:00:00"):
        first, second, third = (_start(ecs, instance) for _ in range(3))
        ecs_mock.advance("RUNNING", task=first)
        assert [_status(ecs, a) for a in (first, second, third)] == [
            "RUNNING",
            "PENDING",
            "PENDING",
        ]
        running = ecs.describe_tasks(tasks=[first])["tasks"][0]
        assert running["startedAt"].isoformat() == "2024-05-01T12:00:00+00:00"

        ecs_mock.advance("STOPPING", task=second.rpartition("/")[2])  # an id works too
        stopping = ecs.describe_tasks(tasks=[second])["tasks"][0]
        assert (stopping["lastStatus"], stopping["stopCode"]) == ("STOPPING", "UserInitiated")

        ecs_mock.advance("STOPPED")  # every task
        assert {_status(ecs, a) for a in (first, second, third)} == {"STOPPED"}
        with pytest.raises(ValueError, match="state must be one of"):
            ecs_mock.advance("ACTIVATING")
        with pytest.raises(ValueError, match="no task"):
            ecs_mock.advance("RUNNING", task="0123456789abcdef0123456789abcdef")


def test_essential_container_exit_stops_the_task(ecs_mock: EcsMock, ecs: Any) -> None:
    arn = _start(ecs, _instance_and_definition(ecs_mock))
    ecs_mock.advance("RUNNING", task=arn)

    ecs_mock.exit_container(arn, "sidecar", exit_code=0)
    still = ecs.describe_tasks(tasks=[arn])["tasks"][0]
    assert (still["lastStatus"], still["desiredStatus"]) == ("RUNNING", "RUNNING")
    sidecar = next(c for c in still["containers"] if c["name"] == "sidecar")
    assert (sidecar["lastStatus"], sidecar["exitCode"]) == ("STOPPED", 0)

    ecs_mock.exit_container(arn, "main", exit_code=137, reason="OutOfMemoryError: Container killed")
    stopped = ecs.describe_tasks(tasks=[arn])["tasks"][0]
    assert stopped["lastStatus"] == "STOPPED"
    assert stopped["stopCode"] == "EssentialContainerExited"
    assert stopped["stoppedReason"] == "Essential container in task exited"
    main = next(c for c in stopped["containers"] if c["name"] == "main")
    assert (main["exitCode"], main["reason"]) == (137, "OutOfMemoryError: Container killed")
    with pytest.raises(ValueError, match="no container named"):
        ecs_mock.exit_container(arn, "nope", exit_code=1)


def test_disconnected_agent_refuses_placement(ecs_mock: EcsMock, ecs: Any) -> None:
    instance = _instance_and_definition(ecs_mock)
    ecs_mock.set_agent_connected(instance, False)
    result = ecs.start_task(taskDefinition="app", containerInstances=[instance])
    assert result["tasks"] == []
    assert result["failures"] == [{"arn": instance, "reason": "AGENT"}]
    described = ecs.describe_container_instances(containerInstances=[instance])
    assert described["containerInstances"][0]["agentConnected"] is False
    ecs_mock.set_agent_connected(instance, True)
    assert len(ecs.start_task(taskDefinition="app", containerInstances=[instance])["tasks"]) == 1


def test_agent_control_takes_the_cluster_from_the_arn(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.register_task_definition("app")
    instance = ecs_mock.add_container_instance("batch")
    ecs_mock.set_agent_connected(instance, False)
    result = ecs.start_task(cluster="batch", taskDefinition="app", containerInstances=[instance])
    assert result["failures"] == [{"arn": instance, "reason": "AGENT"}]
    with pytest.raises(ValueError, match="no container instance"):
        ecs_mock.set_agent_connected(instance.rsplit("/", 1)[1], True)  # a bare id: "default"


def test_injected_modeled_error_hits_the_next_call_only(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.create_cluster("default")
    ecs_mock.inject_error("ListTasks", "ClusterNotFoundException", "Cluster not found.")
    with pytest.raises(ClientError) as raised:
        ecs.list_tasks()
    assert raised.value.response["Error"] == {
        "Code": "ClusterNotFoundException",
        "Message": "Cluster not found.",
    }
    assert ecs.list_tasks()["taskArns"] == []
    assert len(ecs_mock.calls_to("ListTasks")) == 2  # modeled 4xx errors are not retried


def test_server_errors_are_retried_and_every_attempt_counts(
    ecs_mock: EcsMock, ecs: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(time, "sleep", lambda seconds: None)  # botocore's retry back-off
    ecs_mock.create_cluster("default")
    ecs_mock.clear_calls()
    ecs_mock.inject_error("ListTasks", "ThrottlingException", count=2)
    assert ecs.list_tasks()["taskArns"] == []  # two throttled attempts, then success
    assert len(ecs_mock.calls_to("ListTasks")) == 3

    ecs_mock.inject_error("ListTasks", "ServerException", count=6)
    with pytest.raises(ClientError) as raised:
        ecs.list_tasks()
    assert raised.value.response["Error"]["Code"] == "ServerException"
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
    assert len(ecs_mock.calls_to("ListTasks")) == 3 + 5  # botocore's default: 5 attempts

    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    single = boto3.client("ecs", region_name="us-east-1")
    with pytest.raises(ClientError, match="ServerException"):
        single.list_tasks()
    assert len(ecs_mock.calls_to("ListTasks")) == 3 + 5 + 1
    assert single.list_tasks()["taskArns"] == []  # all 6 injected answers are used up
    with pytest.raises(ValueError, match="not an ECS operation"):
        ecs_mock.inject_error("ListTask")


def test_call_log_records_operation_and_parameters(ecs_mock: EcsMock, ecs: Any) -> None:
    instance = _instance_and_definition(ecs_mock)
    ecs_mock.clear_calls()
    arn = ecs.start_task(taskDefinition="app", containerInstances=[instance], startedBy="job-7")[
        "tasks"
    ][0]["taskArn"]
    with pytest.raises(ClientError):
        ecs.stop_task(task="0123456789abcdef0123456789abcdef")
    ecs.stop_task(task=arn, reason="done")
    assert [(c.operation, c.params) for c in ecs_mock.calls] == [
        (
            "StartTask",
            {"taskDefinition": "app", "containerInstances": [instance], "startedBy": "job-7"},
        ),
        ("StopTask", {"task": "0123456789abcdef0123456789abcdef"}),  # refused, still logged
        ("StopTask", {"task": arn, "reason": "done"}),
    ]
    assert ecs_mock.calls[0].region == "us-east-1"
    assert ecs_mock.calls[0].account_id == "123456789012"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"eni_slots": -1}, "eni_slots must be an int >= 0"),
        ({"eni_slots": "3"}, "eni_slots must be an int >= 0"),
        ({"gpus": 1.5}, "gpus must be an int >= 0"),
        ({"cpu": True}, "cpu must be an int >= 0"),
        ({"ports": [80, "abc"]}, "ports must be a list of port numbers"),
        ({"udp_ports": 53}, "udp_ports must be a list of port numbers"),
        ({"capacity_provider": "missing"}, "no Auto Scaling group capacity provider"),
        ({"capacity_provider": 7}, "no Auto Scaling group capacity provider"),
        ({"external": True, "eni_slots": -1}, "eni_slots must be an int >= 0"),
    ],
)
def test_add_container_instance_refuses_before_registering(
    ecs_mock: EcsMock, ecs: Any, options: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        ecs_mock.add_container_instance("fresh", **options)
    assert ecs.list_clusters()["clusterArns"] == []  # not even the cluster
    assert ecs_mock.calls_to("RegisterContainerInstance") == []


def test_add_container_instance_refused_by_the_api_leaves_no_cluster(
    ecs_mock: EcsMock, ecs: Any
) -> None:
    with pytest.raises(EcsError, match="InvalidParameterException"):
        ecs_mock.add_container_instance("fresh", attributes=[{"name": " padded "}])
    assert ecs.list_clusters()["clusterArns"] == []
    ecs_mock.create_cluster("kept")
    with pytest.raises(EcsError):
        ecs_mock.add_container_instance("kept", attributes=[{"name": " padded "}])
    assert ecs.list_clusters()["clusterArns"] == [
        "arn:aws:ecs:us-east-1:123456789012:cluster/kept"
    ]  # a cluster that was there before stays


def test_eni_slots_apply_to_the_registered_instance(ecs_mock: EcsMock, ecs: Any) -> None:
    instance = ecs_mock.add_container_instance("default", instance_type="c5.large", eni_slots=1)
    ecs_mock.register_task_definition("net", networkMode="awsvpc")
    network = {"awsvpcConfiguration": {"subnets": ["subnet-1"]}}
    first = ecs.start_task(
        taskDefinition="net", containerInstances=[instance], networkConfiguration=network
    )
    second = ecs.start_task(
        taskDefinition="net", containerInstances=[instance], networkConfiguration=network
    )
    assert len(first["tasks"]) == 1
    assert second["failures"] == [{"arn": instance, "reason": "RESOURCE:ENI"}]


def test_external_and_capacity_provider_apply_to_the_registered_instance(
    ecs_mock: EcsMock, ecs: Any
) -> None:
    ecs.create_capacity_provider(
        name="asg-provider", autoScalingGroupProvider={"autoScalingGroupArn": "g"}
    )
    anywhere = ecs_mock.add_container_instance("default", external=True)
    grouped = ecs_mock.add_container_instance("default", capacity_provider="asg-provider")
    described = {
        item["containerInstanceArn"]: item
        for item in ecs.describe_container_instances(containerInstances=[anywhere, grouped])[
            "containerInstances"
        ]
    }
    assert described[anywhere]["ec2InstanceId"].startswith("mi-")
    assert {"name": "ecs.capability.external"} in described[anywhere]["attributes"]
    assert "capacityProviderName" not in described[anywhere]
    assert described[grouped]["capacityProviderName"] == "asg-provider"
    assert described[grouped]["ec2InstanceId"].startswith("i-")


def test_server_views_act_in_their_own_account() -> None:
    from ecs_mock.server import EcsServer

    with EcsServer(port=0, empty=True) as server:
        view = server.app.view(account_id="111122223333", region="eu-west-1")
        instance = view.add_container_instance("default", eni_slots=1)
        assert instance.startswith("arn:aws:ecs:eu-west-1:111122223333:container-instance/")
        assert view.call("ListContainerInstances")["containerInstanceArns"] == [instance]
        assert server.app.view().call("ListClusters")["clusterArns"] == []

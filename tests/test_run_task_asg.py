"""RunTask with Auto Scaling group capacity providers (ecs-runtask.md §3.6): tasks on the
provider's instances; with managed scaling, tasks wait in PROVISIONING for room and stop with
TaskFailedToStart after the wait; without it, failures as on EC2. Through boto3."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
import pytest
from freezegun import freeze_time

from ecs_mock import EcsMock
from ecs_mock.backend import query
from ecs_mock.server import EcsServer

START = "2025-01-01T00:00:00Z"
START_TS = 1735689600.0
WAIT = 1800  # the default capacity_wait_seconds


def _setup(ecs_mock: EcsMock, ecs: Any, scaling: str = "ENABLED", **definition: Any) -> None:
    ecs.create_capacity_provider(
        name="asg",
        autoScalingGroupProvider={
            "autoScalingGroupArn": "asg-group",
            "managedScaling": {"status": scaling},
        },
    )
    ecs.create_cluster(
        clusterName="batch",
        capacityProviders=["asg"],
        defaultCapacityProviderStrategy=[{"capacityProvider": "asg", "weight": 1}],
    )
    containers = [{"name": "main", "image": "busybox", "cpu": 512, "memory": 512}]
    ecs_mock.register_task_definition("job", containers=containers, **definition)


def _run(ecs: Any, **params: Any) -> dict[str, Any]:
    params.setdefault("cluster", "batch")
    params.setdefault("taskDefinition", "job")
    result: dict[str, Any] = ecs.run_task(**params)
    return result


def _task(ecs: Any, arn: str) -> dict[str, Any]:
    (task,) = ecs.describe_tasks(cluster="batch", tasks=[arn])["tasks"]
    return dict(task)


def _status(ecs: Any, arns: list[str]) -> list[str]:
    return [t["lastStatus"] for t in ecs.describe_tasks(cluster="batch", tasks=arns)["tasks"]]


def _cluster(ecs: Any) -> dict[str, Any]:
    (cluster,) = ecs.describe_clusters(clusters=["batch"])["clusters"]
    return dict(cluster)


# -- where the tasks go ---------------------------------------------------------------------


def test_tasks_run_on_the_providers_instances(ecs_mock: EcsMock, ecs: Any) -> None:
    _setup(ecs_mock, ecs)
    plain = ecs_mock.add_container_instance("batch")
    (mine,) = ecs_mock.scale_out("asg")
    tasks = _run(ecs, count=3)["tasks"]
    assert {t["containerInstanceArn"] for t in tasks} == {mine}
    for task in tasks:
        assert (task["launchType"], task["capacityProviderName"]) == ("EC2", "asg")
        assert task["availabilityZone"] == "us-east-1a"
    (described,) = ecs.describe_container_instances(cluster="batch", containerInstances=[mine])[
        "containerInstances"
    ]
    assert described["capacityProviderName"] == "asg"
    (other,) = ecs.describe_container_instances(cluster="batch", containerInstances=[plain])[
        "containerInstances"
    ]
    assert "capacityProviderName" not in other
    assert other["runningTasksCount"] == 0
    # launchType EC2 is not the provider's: any EC2 instance, no capacityProviderName
    (ec2,) = _run(ecs, launchType="EC2", count=1)["tasks"]
    assert "capacityProviderName" not in ec2


def test_scale_out_needs_an_associated_provider(ecs_mock: EcsMock, ecs: Any) -> None:
    with pytest.raises(ValueError, match="no Auto Scaling group capacity provider"):
        ecs_mock.scale_out("nope")
    with pytest.raises(ValueError, match="no Auto Scaling group capacity provider"):
        ecs_mock.add_container_instance("batch", capacity_provider="nope")
    ecs.create_capacity_provider(name="free", autoScalingGroupProvider={"autoScalingGroupArn": "g"})
    with pytest.raises(ValueError, match="not associated"):
        ecs_mock.scale_out("free")
    with pytest.raises(ValueError, match="count"):
        ecs_mock.scale_out("free", count=0)
    with pytest.raises(ValueError, match="external"):
        ecs_mock.add_container_instance("batch", external=True, capacity_provider="free")
    assert ecs.list_clusters()["clusterArns"] == []


# -- managed scaling: waiting for capacity ----------------------------------------------------


def test_without_room_the_task_is_returned_provisioning(ecs_mock: EcsMock, ecs: Any) -> None:
    _setup(ecs_mock, ecs)
    answer = _run(ecs)
    assert answer["failures"] == []
    (task,) = answer["tasks"]
    assert (task["lastStatus"], task["desiredStatus"]) == ("PROVISIONING", "RUNNING")
    assert (task["launchType"], task["capacityProviderName"]) == ("EC2", "asg")
    assert "containerInstanceArn" not in task
    assert "availabilityZone" not in task
    described = _task(ecs, task["taskArn"])
    assert described["lastStatus"] == "PROVISIONING"
    assert _cluster(ecs)["pendingTasksCount"] == 1
    assert ecs.list_tasks(cluster="batch")["taskArns"] == [task["taskArn"]]


@pytest.mark.ecs_mock(pending_seconds=5)
def test_a_waiting_task_is_placed_when_an_instance_registers(ecs_mock: EcsMock, ecs: Any) -> None:
    _setup(ecs_mock, ecs)
    with freeze_time(START) as frozen:
        (task,) = _run(ecs)["tasks"]
        frozen.tick(60)
        (instance,) = ecs_mock.scale_out("asg", cpu=1024, memory=1024)
        placed = _task(ecs, task["taskArn"])
        assert placed["containerInstanceArn"] == instance
        assert placed["availabilityZone"] == "us-east-1a"
        assert placed["lastStatus"] == "PENDING"
        frozen.tick(5)
        running = _task(ecs, task["taskArn"])
    assert running["lastStatus"] == "RUNNING"
    assert running["createdAt"].timestamp() == START_TS
    assert running["startedAt"].timestamp() == START_TS + 65  # from placement, plus pending
    (described,) = ecs.describe_container_instances(cluster="batch", containerInstances=[instance])[
        "containerInstances"
    ]
    remaining = {r["name"]: r.get("integerValue") for r in described["remainingResources"]}
    assert (remaining["CPU"], remaining["MEMORY"]) == (512, 512)
    assert described["runningTasksCount"] == 1
    assert ecs.list_tasks(cluster="batch", containerInstance=instance)["taskArns"] == [
        task["taskArn"]
    ]


def test_waiting_tasks_are_placed_in_order_as_room_appears(ecs_mock: EcsMock, ecs: Any) -> None:
    _setup(ecs_mock, ecs)
    tasks = [t["taskArn"] for t in _run(ecs, count=3)["tasks"]]
    (instance,) = ecs_mock.scale_out("asg", cpu=512, memory=2048)  # room for one
    assert _status(ecs, tasks) == ["RUNNING", "PROVISIONING", "PROVISIONING"]
    ecs.stop_task(cluster="batch", task=tasks[0])
    assert _status(ecs, tasks) == ["STOPPED", "RUNNING", "PROVISIONING"]
    assert _task(ecs, tasks[1])["containerInstanceArn"] == instance
    ecs_mock.scale_out("asg", cpu=512, memory=2048)
    assert _status(ecs, tasks) == ["STOPPED", "RUNNING", "RUNNING"]


def test_a_call_places_what_fits_and_the_rest_waits(ecs_mock: EcsMock, ecs: Any) -> None:
    _setup(ecs_mock, ecs)
    ecs_mock.scale_out("asg", cpu=1024, memory=4096)  # room for two
    answer = _run(ecs, count=4)
    assert answer["failures"] == []
    assert [t["lastStatus"] for t in answer["tasks"]] == ["PENDING"] * 2 + ["PROVISIONING"] * 2
    assert _cluster(ecs)["pendingTasksCount"] == 2


def test_a_smaller_task_is_not_held_back_by_a_larger_one(ecs_mock: EcsMock, ecs: Any) -> None:
    _setup(ecs_mock, ecs)
    (big,) = _run(ecs, overrides={"cpu": "4096"})["tasks"]
    (small,) = _run(ecs)["tasks"]
    ecs_mock.scale_out("asg", cpu=1024, memory=4096)
    assert _status(ecs, [big["taskArn"], small["taskArn"]]) == ["PROVISIONING", "RUNNING"]


def test_room_appears_when_an_instance_comes_back(ecs_mock: EcsMock, ecs: Any) -> None:
    _setup(ecs_mock, ecs)
    (instance,) = ecs_mock.scale_out("asg")
    ecs.update_container_instances_state(
        cluster="batch", containerInstances=[instance], status="DRAINING"
    )
    (task,) = _run(ecs)["tasks"]
    assert task["lastStatus"] == "PROVISIONING"
    ecs.update_container_instances_state(
        cluster="batch", containerInstances=[instance], status="ACTIVE"
    )
    assert _task(ecs, task["taskArn"])["containerInstanceArn"] == instance


def test_room_appears_when_an_agent_reconnects(ecs_mock: EcsMock, ecs: Any) -> None:
    _setup(ecs_mock, ecs)
    (instance,) = ecs_mock.scale_out("asg")
    ecs_mock.set_agent_connected(instance, False)
    (task,) = _run(ecs)["tasks"]
    assert task["lastStatus"] == "PROVISIONING"
    ecs_mock.set_agent_connected(instance, True)
    assert _task(ecs, task["taskArn"])["lastStatus"] == "RUNNING"


ROLE = "arn:aws:iam::123456789012:role/job"
# An agent without ECS Exec (the task role needs task-iam-role).
NO_EXEC = [
    {"name": "ecs.capability.task-eni"},
    {"name": "com.amazonaws.ecs.capability.task-iam-role"},
]


def test_room_appears_when_an_instance_gains_a_required_attribute(
    ecs_mock: EcsMock, ecs: Any
) -> None:
    _setup(ecs_mock, ecs, taskRoleArn=ROLE)
    (instance,) = ecs_mock.scale_out("asg", attributes=NO_EXEC)
    (task,) = _run(ecs, enableExecuteCommand=True)["tasks"]
    assert task["lastStatus"] == "PROVISIONING"
    ecs.put_attributes(
        cluster="batch",
        attributes=[{"name": "ecs.capability.execute-command", "targetId": instance}],
    )
    assert _task(ecs, task["taskArn"])["containerInstanceArn"] == instance


def test_room_appears_when_an_instance_registers_again_bigger(ecs_mock: EcsMock, ecs: Any) -> None:
    _setup(ecs_mock, ecs)
    (instance,) = ecs_mock.scale_out("asg", cpu=256)
    (task,) = _run(ecs)["tasks"]
    ecs.register_container_instance(
        cluster="batch",
        containerInstanceArn=instance,
        totalResources=[{"name": "CPU", "type": "INTEGER", "integerValue": 2048}],
    )
    assert _task(ecs, task["taskArn"])["containerInstanceArn"] == instance


def test_an_awsvpc_task_gets_its_network_interface_when_placed(ecs_mock: EcsMock, ecs: Any) -> None:
    _setup(ecs_mock, ecs, networkMode="awsvpc")
    ecs_mock.add_subnet("subnet-a", "us-east-1a")
    ecs_mock.add_subnet("subnet-b", "us-east-1b")
    network = {"awsvpcConfiguration": {"subnets": ["subnet-a", "subnet-b"]}}
    (task,) = _run(ecs, networkConfiguration=network)["tasks"]
    assert task["attachments"] == []
    ecs_mock.scale_out("asg", availability_zone="us-east-1b")
    placed = _task(ecs, task["taskArn"])
    (eni,) = placed["attachments"]
    assert eni["type"] == "ElasticNetworkInterface"
    assert {"name": "subnetId", "value": "subnet-b"} in eni["details"]
    assert placed["availabilityZone"] == "us-east-1b"


# -- giving up --------------------------------------------------------------------------------


def _timed_out(ecs: Any, arn: str, frozen: Any) -> dict[str, Any]:
    frozen.tick(WAIT - 1)
    assert _task(ecs, arn)["lastStatus"] == "PROVISIONING"
    frozen.tick(1)
    return _task(ecs, arn)


def test_timeout_on_an_empty_provider(ecs_mock: EcsMock, ecs: Any) -> None:
    _setup(ecs_mock, ecs)
    with freeze_time(START) as frozen:
        (task,) = _run(ecs)["tasks"]
        stopped = _timed_out(ecs, task["taskArn"], frozen)
    assert (stopped["lastStatus"], stopped["desiredStatus"]) == ("STOPPED", "STOPPED")
    assert stopped["stopCode"] == "TaskFailedToStart"
    assert stopped["stoppedReason"] == "TaskFailedToStart: EMPTY CAPACITY PROVIDER"
    assert stopped["stoppingAt"].timestamp() == START_TS + WAIT
    assert stopped["stoppedAt"].timestamp() == START_TS + WAIT
    assert "startedAt" not in stopped
    assert all("exitCode" not in c for c in stopped["containers"])
    assert _cluster(ecs)["pendingTasksCount"] == 0


@pytest.mark.parametrize(
    ("instance", "expected"),
    [
        ({"cpu": 256}, "RESOURCE:CPU"),
        ({"memory": 256}, "RESOURCE:MEMORY"),
    ],
)
def test_timeout_with_instances_too_small(
    ecs_mock: EcsMock, ecs: Any, instance: dict[str, Any], expected: str
) -> None:
    _setup(ecs_mock, ecs)
    ecs_mock.scale_out("asg", **instance)
    with freeze_time(START) as frozen:
        (task,) = _run(ecs)["tasks"]
        stopped = _timed_out(ecs, task["taskArn"], frozen)
    assert stopped["stoppedReason"] == f"TaskFailedToStart: {expected}"


def test_timeout_with_no_active_instance(ecs_mock: EcsMock, ecs: Any) -> None:
    _setup(ecs_mock, ecs)
    (instance,) = ecs_mock.scale_out("asg")
    ecs.update_container_instances_state(
        cluster="batch", containerInstances=[instance], status="DRAINING"
    )
    with freeze_time(START) as frozen:
        (task,) = _run(ecs)["tasks"]
        stopped = _timed_out(ecs, task["taskArn"], frozen)
    assert stopped["stoppedReason"] == "TaskFailedToStart: NO ACTIVE INSTANCES"


def _query_language() -> bool:
    try:
        query.parse("attribute:x == y")
    except query.QueryError:
        return False
    return True


@pytest.mark.skipif(not _query_language(), reason="needs the cluster query language (cql)")
def test_timeout_with_member_of_unsatisfied(ecs_mock: EcsMock, ecs: Any) -> None:
    _setup(ecs_mock, ecs)
    ecs_mock.scale_out("asg")
    with freeze_time(START) as frozen:
        (task,) = _run(
            ecs, placementConstraints=[{"type": "memberOf", "expression": "attribute:x == y"}]
        )["tasks"]
        stopped = _timed_out(ecs, task["taskArn"], frozen)
    assert stopped["stoppedReason"] == (
        "TaskFailedToStart: MemberOf placement constraint unsatisfied"
    )


def test_timeout_with_distinct_instance_unsatisfied(ecs_mock: EcsMock, ecs: Any) -> None:
    _setup(ecs_mock, ecs)
    ecs_mock.scale_out("asg")
    with freeze_time(START) as frozen:
        distinct = [{"type": "distinctInstance"}]
        tasks = _run(ecs, count=2, placementConstraints=distinct)["tasks"]
        assert [t["lastStatus"] for t in tasks] == ["PENDING", "PROVISIONING"]
        stopped = _timed_out(ecs, tasks[1]["taskArn"], frozen)
    assert stopped["stoppedReason"] == (
        "TaskFailedToStart: DistinctInstance placement constraint unsatisfied"
    )


def test_timeout_with_a_missing_attribute(ecs_mock: EcsMock, ecs: Any) -> None:
    _setup(ecs_mock, ecs, taskRoleArn=ROLE)
    ecs_mock.scale_out("asg", attributes=NO_EXEC)
    with freeze_time(START) as frozen:
        (task,) = _run(ecs, enableExecuteCommand=True)["tasks"]
        stopped = _timed_out(ecs, task["taskArn"], frozen)
    assert stopped["stoppedReason"] == "TaskFailedToStart: ATTRIBUTE"


@pytest.mark.ecs_mock(capacity_wait_seconds=60)
def test_the_wait_is_a_mock_option(ecs_mock: EcsMock, ecs: Any) -> None:
    _setup(ecs_mock, ecs)
    with freeze_time(START) as frozen:
        (task,) = _run(ecs)["tasks"]
        frozen.tick(60)
        assert _task(ecs, task["taskArn"])["stopCode"] == "TaskFailedToStart"


def test_a_task_that_found_room_is_not_timed_out(ecs_mock: EcsMock, ecs: Any) -> None:
    _setup(ecs_mock, ecs)
    with freeze_time(START) as frozen:
        (task,) = _run(ecs)["tasks"]
        ecs_mock.scale_out("asg")
        frozen.tick(WAIT + 1)
        assert _task(ecs, task["taskArn"])["lastStatus"] == "RUNNING"


def test_stopping_a_waiting_task(ecs_mock: EcsMock, ecs: Any) -> None:
    _setup(ecs_mock, ecs)
    with freeze_time(START) as frozen:
        (task,) = _run(ecs)["tasks"]
        ecs_mock.advance("RUNNING", task=task["taskArn"])  # cannot start without an instance
        assert _task(ecs, task["taskArn"])["lastStatus"] == "PROVISIONING"
        ecs.stop_task(cluster="batch", task=task["taskArn"], reason="not needed")
        stopped = _task(ecs, task["taskArn"])
        assert (stopped["lastStatus"], stopped["stopCode"]) == ("STOPPED", "UserInitiated")
        ecs_mock.scale_out("asg")  # no longer waiting: not placed
        frozen.tick(WAIT)
        after = _task(ecs, task["taskArn"])
    assert "containerInstanceArn" not in after
    assert (after["stopCode"], after["stoppedReason"]) == ("UserInitiated", "not needed")
    assert ecs_mock._backend_region().waiting == {}


def test_advance_stops_a_waiting_task(ecs_mock: EcsMock, ecs: Any) -> None:
    _setup(ecs_mock, ecs)
    (task,) = _run(ecs)["tasks"]
    ecs_mock.advance("STOPPED", task=task["taskArn"])
    assert _task(ecs, task["taskArn"])["lastStatus"] == "STOPPED"


def test_waiting_tasks_hold_their_provider_and_cluster(ecs_mock: EcsMock, ecs: Any) -> None:
    _setup(ecs_mock, ecs)
    (task,) = _run(ecs)["tasks"]
    with pytest.raises(ecs.exceptions.ResourceInUseException):
        ecs.put_cluster_capacity_providers(
            cluster="batch", capacityProviders=[], defaultCapacityProviderStrategy=[]
        )
    with pytest.raises(ecs.exceptions.ClusterContainsTasksException):
        ecs.delete_cluster(cluster="batch")
    ecs.stop_task(cluster="batch", task=task["taskArn"])
    ecs.put_cluster_capacity_providers(
        cluster="batch", capacityProviders=[], defaultCapacityProviderStrategy=[]
    )
    assert ecs.delete_cluster(cluster="batch")["cluster"]["status"] == "INACTIVE"


def test_the_provisioning_quota(ecs_mock: EcsMock, ecs: Any) -> None:
    _setup(ecs_mock, ecs)
    for _ in range(10):
        assert len(_run(ecs, count=10)["tasks"]) == 10
    with pytest.raises(ecs.exceptions.ClientException) as raised:
        _run(ecs)
    assert "PROVISIONING" in raised.value.response["Error"]["Message"]
    assert len(ecs.list_tasks(cluster="batch", maxResults=100)["taskArns"]) == 100
    assert ecs.list_tasks(cluster="batch", maxResults=100).get("nextToken") is None


# -- managed scaling off: as on EC2 -------------------------------------------------------------


def test_without_managed_scaling_no_instances_is_an_error(ecs_mock: EcsMock, ecs: Any) -> None:
    _setup(ecs_mock, ecs, scaling="DISABLED")
    with pytest.raises(ecs.exceptions.InvalidParameterException) as raised:
        _run(ecs)
    assert raised.value.response["Error"]["Message"] == (
        "No Container Instances were found in your capacity provider."
    )
    assert ecs.list_tasks(cluster="batch")["taskArns"] == []


def test_without_managed_scaling_a_full_provider_fails_at_once(ecs_mock: EcsMock, ecs: Any) -> None:
    _setup(ecs_mock, ecs, scaling="DISABLED")
    small = ecs_mock.scale_out("asg", count=2, cpu=256)
    ecs_mock.add_container_instance("batch")  # not the provider's: not a candidate
    answer = _run(ecs)
    assert answer["tasks"] == []
    assert answer["failures"] == [{"arn": arn, "reason": "RESOURCE:CPU"} for arn in small]
    assert ecs_mock._backend_region().waiting == {}


def test_a_state_file_keeps_providers_and_waiting_tasks(tmp_path: Path) -> None:
    state = tmp_path / "state"
    keys = {"region_name": "us-east-1", "aws_access_key_id": "x", "aws_secret_access_key": "x"}
    with EcsServer(port=0, state_file=state) as server:
        ecs = boto3.client("ecs", endpoint_url=server.url, **keys)
        ecs.create_capacity_provider(
            name="asg",
            autoScalingGroupProvider={
                "autoScalingGroupArn": "asg-group",
                "managedScaling": {"status": "ENABLED"},
            },
        )
        ecs.create_cluster(
            clusterName="batch",
            capacityProviders=["asg"],
            defaultCapacityProviderStrategy=[{"capacityProvider": "asg", "weight": 1}],
        )
        containers = [{"name": "main", "image": "busybox", "cpu": 512, "memory": 512}]
        ecs.register_task_definition(family="job", containerDefinitions=containers)
        (task,) = ecs.run_task(cluster="batch", taskDefinition="job")["tasks"]
    with EcsServer(port=0, state_file=state) as server:
        assert server.app.loaded_from_file
        ecs = boto3.client("ecs", endpoint_url=server.url, **keys)
        (provider,) = ecs.describe_capacity_providers(capacityProviders=["asg"])[
            "capacityProviders"
        ]
        assert provider["autoScalingGroupProvider"]["managedScaling"]["status"] == "ENABLED"
        (cluster,) = ecs.describe_clusters(clusters=["batch"])["clusters"]
        assert cluster["defaultCapacityProviderStrategy"][0]["capacityProvider"] == "asg"
        assert _task(ecs, task["taskArn"])["lastStatus"] == "PROVISIONING"
        (instance,) = server.app.view().scale_out("asg")
        placed = _task(ecs, task["taskArn"])
        assert placed["containerInstanceArn"] == instance
        assert placed["capacityProviderName"] == "asg"

"""RunTask through boto3: validation (ecs-runtask.md §1), EC2 placement (§2), the response (§4)
and clientToken idempotency (§1.6)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from botocore.exceptions import ClientError

from ecs_mock import EcsMock

SMALL = {"name": "app", "image": "busybox", "cpu": 256, "memory": 256}
NETWORK = {"awsvpcConfiguration": {"subnets": ["subnet-0123"]}}


def _error(raised: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    error = raised.value.response["Error"]
    return error["Code"], error["Message"]


def _refused(ecs: Any, **params: Any) -> tuple[str, str]:
    params.setdefault("taskDefinition", "app")
    with pytest.raises(ClientError) as raised:
        ecs.run_task(**params)
    return _error(raised)


def _remaining(ecs: Any, instance: str) -> dict[str, int]:
    (found,) = ecs.describe_container_instances(containerInstances=[instance])["containerInstances"]
    return {
        r["name"]: r["integerValue"] for r in found["remainingResources"] if r["type"] == "INTEGER"
    }


def _reasons(result: dict[str, Any]) -> list[tuple[str | None, str]]:
    return [(f.get("arn"), f["reason"]) for f in result["failures"]]


@pytest.fixture
def app(ecs_mock: EcsMock) -> str:
    return ecs_mock.register_task_definition("app", containers=[dict(SMALL)])


# -- validation -----------------------------------------------------------------------------


def test_count_defaults_to_one_and_both_lists_are_always_there(
    ecs_mock: EcsMock, ecs: Any, app: str
) -> None:
    ecs_mock.add_container_instance("default")
    result = ecs.run_task(taskDefinition="app")
    assert len(result["tasks"]) == 1
    assert result["failures"] == []


@pytest.mark.parametrize("count", [0, 11, -1])
def test_count_outside_one_to_ten_is_refused(
    ecs_mock: EcsMock, ecs: Any, app: str, count: int
) -> None:
    ecs_mock.add_container_instance("default")
    assert _refused(ecs, count=count) == (
        "InvalidParameterException",
        "Count must be between 1 and 10.",
    )
    assert ecs.list_tasks()["taskArns"] == []


def test_launch_type_and_strategy_together_are_refused(
    ecs_mock: EcsMock, ecs: Any, app: str
) -> None:
    ecs_mock.add_container_instance("default")
    code, message = _refused(
        ecs,
        launchType="EC2",
        capacityProviderStrategy=[{"capacityProvider": "FARGATE", "weight": 1}],
    )
    assert (code, message) == (
        "InvalidParameterException",
        "Specifying both a launch type and capacity provider strategy is not supported. "
        "Remove one and try again.",
    )


def test_managed_instances_launch_type_is_refused_clearly(
    ecs_mock: EcsMock, ecs: Any, app: str
) -> None:
    ecs_mock.add_container_instance("default")
    code, message = _refused(ecs, launchType="MANAGED_INSTANCES")
    assert code == "InvalidParameterException"
    enum = ecs.meta.service_model.shape_for("LaunchType").enum
    if "MANAGED_INSTANCES" in enum:
        assert "does not model the MANAGED_INSTANCES launch type" in message
    else:  # an older model: its enum refuses it first
        assert message.startswith("1 validation error detected")


def test_started_by_allows_128_characters(ecs_mock: EcsMock, ecs: Any, app: str) -> None:
    ecs_mock.add_container_instance("default")
    task = ecs.run_task(taskDefinition="app", startedBy="a" * 128)["tasks"][0]
    assert task["startedBy"] == "a" * 128
    assert _refused(ecs, startedBy="a" * 129) == (
        "InvalidParameterException",
        "startedBy longer than 128.",
    )


def test_propagate_tags_service_is_refused(ecs_mock: EcsMock, ecs: Any, app: str) -> None:
    ecs_mock.add_container_instance("default")
    code, _ = _refused(ecs, propagateTags="SERVICE")
    assert code == "InvalidParameterException"


def test_unknown_cluster_and_task_definition(ecs_mock: EcsMock, ecs: Any, app: str) -> None:
    assert _refused(ecs, cluster="nope") == ("ClusterNotFoundException", "Cluster not found.")
    ecs_mock.add_container_instance("default")
    assert _refused(ecs, taskDefinition="ghost") == ("ClientException", "TaskDefinition not found.")
    ecs.deregister_task_definition(taskDefinition="app:1")
    assert _refused(ecs, taskDefinition="app:1") == (
        "InvalidParameterException",
        "TaskDefinition is inactive",
    )


def test_ec2_cluster_without_instances_is_an_error_not_a_failure(
    ecs_mock: EcsMock, ecs: Any, app: str
) -> None:
    ecs_mock.create_cluster("default")
    assert _refused(ecs) == (
        "InvalidParameterException",
        "No Container Instances were found in your cluster.",
    )


def test_a_cluster_of_draining_instances_has_none_to_offer(
    ecs_mock: EcsMock, ecs: Any, app: str
) -> None:
    instance = ecs_mock.add_container_instance("default")
    ecs.update_container_instances_state(containerInstances=[instance], status="DRAINING")
    assert _refused(ecs)[1] == "No Container Instances were found in your cluster."


def test_platform_version_is_for_fargate_only(ecs_mock: EcsMock, ecs: Any, app: str) -> None:
    ecs_mock.add_container_instance("default")
    assert _refused(ecs, launchType="EC2", platformVersion="1.4.0") == (
        "InvalidParameterException",
        "The platform version must be null when specifying an EC2 launch type.",
    )


def test_bridge_definition_cannot_run_on_fargate(ecs_mock: EcsMock, ecs: Any, app: str) -> None:
    ecs_mock.create_cluster("default")
    assert _refused(ecs, launchType="FARGATE") == (
        "InvalidParameterException",
        "Task definition does not support launch_type FARGATE.",
    )


def test_assign_public_ip_is_refused_on_ec2(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.register_task_definition("vpc", networkMode="awsvpc")
    ecs_mock.add_container_instance("default")
    network = {"awsvpcConfiguration": {"subnets": ["subnet-1"], "assignPublicIp": "ENABLED"}}
    assert _refused(ecs, taskDefinition="vpc", networkConfiguration=network) == (
        "InvalidParameterException",
        "Assign public IP is not supported for this launch type.",
    )
    assert _refused(ecs, taskDefinition="vpc") == (
        "InvalidParameterException",
        "Network Configuration must be provided when networkMode 'awsvpc' is specified.",
    )


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"placementConstraints": [{"type": "distinctInstance", "expression": ""}]},
            "distinctInstance expression should not be specified.",
        ),
        (
            {"placementStrategy": [{"type": "random"}] * 6},
            "placementStrategy can have at most 5 items, got 6.",
        ),
        (
            {"placementConstraints": [{"type": "distinctInstance"}] * 11},
            "placementConstraints can have at most 10 items, including the task definition's; "
            "got 11.",
        ),
        (
            {"placementStrategy": [{"type": "binpack", "field": "gpu"}]},
            "Invalid field 'gpu' for placement strategy binpack: it must be cpu or memory.",
        ),
        (
            {"placementStrategy": [{"type": "binpack"}]},
            "Invalid field None for placement strategy binpack: it must be cpu or memory.",
        ),
        (
            {"placementStrategy": [{"type": "spread", "field": "zone"}]},
            "Invalid field 'zone' for placement strategy spread: it must be instanceId, host or "
            "attribute:<name>.",
        ),
        (
            {"placementStrategy": [{"type": "random", "field": "cpu"}]},
            "Placement strategy random does not take a field.",
        ),
        (
            {"placementConstraints": [{"type": "memberOf"}]},
            "memberOf placement constraint requires an expression.",
        ),
    ],
)
def test_placement_syntax_is_checked_before_anything_else(
    ecs_mock: EcsMock, ecs: Any, params: dict[str, Any], message: str
) -> None:
    # No cluster, no task definition: the stateless checks come first.
    assert _refused(ecs, **params) == ("InvalidParameterException", message)


def test_container_memory_override_above_task_memory_is_refused(
    ecs_mock: EcsMock, ecs: Any
) -> None:
    ecs_mock.register_task_definition("sized", memory="512", cpu="256")
    ecs_mock.add_container_instance("default")
    overrides = {"containerOverrides": [{"name": "app", "memory": 1024}]}
    assert _refused(ecs, taskDefinition="sized", overrides=overrides) == (
        "InvalidParameterException",
        "'memory' setting for container 'app' is greater than for task.",
    )


def test_execute_command_needs_a_task_role(ecs_mock: EcsMock, ecs: Any, app: str) -> None:
    instance = ecs_mock.add_container_instance("default")
    code, message = _refused(ecs, enableExecuteCommand=True)
    assert code == "InvalidParameterException"
    assert message.startswith("The execute command failed because a valid task role")
    role = "arn:aws:iam::123456789012:role/app"
    task = ecs.run_task(
        taskDefinition="app", enableExecuteCommand=True, overrides={"taskRoleArn": role}
    )["tasks"][0]
    assert task["containerInstanceArn"] == instance
    assert task["enableExecuteCommand"] is True
    assert task["containers"][0]["managedAgents"][0]["name"] == "ExecuteCommandAgent"


def test_a_refused_request_changes_nothing(ecs_mock: EcsMock, ecs: Any, app: str) -> None:
    instance = ecs_mock.add_container_instance("default")
    before = _remaining(ecs, instance)
    overrides = {"containerOverrides": [{"name": "ghost"}]}
    with pytest.raises(ClientError):
        ecs.run_task(taskDefinition="app", count=5, overrides=overrides)
    assert _remaining(ecs, instance) == before
    assert ecs.list_tasks()["taskArns"] == []


# -- placement on EC2 -----------------------------------------------------------------------


def test_instances_too_small_fail_once_each_with_their_reason(
    ecs_mock: EcsMock, ecs: Any, app: str
) -> None:
    tiny_cpu = ecs_mock.add_container_instance("default", cpu=128)
    tiny_memory = ecs_mock.add_container_instance("default", memory=128)
    result = ecs.run_task(taskDefinition="app", count=3)
    assert result["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert result["tasks"] == []
    # One entry per candidate instance, and no repeats for the call's other tasks.
    assert _reasons(result) == [(tiny_cpu, "RESOURCE:CPU"), (tiny_memory, "RESOURCE:MEMORY")]


def test_count_places_tasks_one_after_another_with_accounting(
    ecs_mock: EcsMock, ecs: Any, app: str
) -> None:
    instance = ecs_mock.add_container_instance("default", cpu=512, memory=4096)
    result = ecs.run_task(taskDefinition="app", count=3)
    assert [t["containerInstanceArn"] for t in result["tasks"]] == [instance, instance]
    assert _reasons(result) == [(instance, "RESOURCE:CPU")]
    assert _remaining(ecs, instance) == {"CPU": 0, "MEMORY": 4096 - 512}


def test_static_host_port_fits_once_per_instance(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.register_task_definition(
        "web",
        containers=[
            {**SMALL, "portMappings": [{"containerPort": 80, "hostPort": 8080}]},
        ],
    )
    instance = ecs_mock.add_container_instance("default")
    result = ecs.run_task(taskDefinition="web", count=2)
    assert len(result["tasks"]) == 1
    assert _reasons(result) == [(instance, "RESOURCE:PORTS")]


def test_draining_and_deregistered_instances_are_never_chosen(
    ecs_mock: EcsMock, ecs: Any, app: str
) -> None:
    draining = ecs_mock.add_container_instance("default")
    gone = ecs_mock.add_container_instance("default")
    good = ecs_mock.add_container_instance("default")
    ecs.update_container_instances_state(containerInstances=[draining], status="DRAINING")
    ecs.deregister_container_instance(containerInstance=gone)
    result = ecs.run_task(taskDefinition="app", count=6)
    assert {t["containerInstanceArn"] for t in result["tasks"]} == {good}


def test_disconnected_agent_is_a_candidate_that_fails_with_agent(
    ecs_mock: EcsMock, ecs: Any, app: str
) -> None:
    lost = ecs_mock.add_container_instance("default")
    full = ecs_mock.add_container_instance("default", cpu=128)
    ecs_mock.set_agent_connected(lost, False)
    result = ecs.run_task(taskDefinition="app")
    assert _reasons(result) == [(lost, "AGENT"), (full, "RESOURCE:CPU")]


def test_binpack_memory_takes_the_fullest_instance_that_fits(
    ecs_mock: EcsMock, ecs: Any, app: str
) -> None:
    roomy = ecs_mock.add_container_instance("default", memory=8192)
    snug = ecs_mock.add_container_instance("default", memory=1024)
    too_small = ecs_mock.add_container_instance("default", memory=128)
    strategy = [{"type": "binpack", "field": "memory"}]
    result = ecs.run_task(taskDefinition="app", count=5, placementStrategy=strategy)
    chosen = [t["containerInstanceArn"] for t in result["tasks"]]
    # The snug one until it is full (4 x 256 MiB), then the roomy one.
    assert chosen == [snug, snug, snug, snug, roomy]
    assert result["failures"] == []
    assert too_small not in chosen


def test_binpack_cpu(ecs_mock: EcsMock, ecs: Any, app: str) -> None:
    ecs_mock.add_container_instance("default", cpu=4096)
    small = ecs_mock.add_container_instance("default", cpu=512)
    strategy = [{"type": "binpack", "field": "cpu"}]
    result = ecs.run_task(taskDefinition="app", count=2, placementStrategy=strategy)
    assert [t["containerInstanceArn"] for t in result["tasks"]] == [small, small]


def test_spread_over_zones_alternates(ecs_mock: EcsMock, ecs: Any, app: str) -> None:
    for zone in ("us-east-1a", "us-east-1a", "us-east-1b"):
        ecs_mock.add_container_instance("default", availability_zone=zone)
    strategy = [{"type": "spread", "field": "attribute:ecs.availability-zone"}]
    result = ecs.run_task(taskDefinition="app", count=4, placementStrategy=strategy)
    zones = [t["availabilityZone"] for t in result["tasks"]]
    assert sorted(zones) == ["us-east-1a", "us-east-1a", "us-east-1b", "us-east-1b"]
    assert zones[0] != zones[1]
    assert zones[2] != zones[3]


def test_spread_counts_tasks_already_running_in_the_group(
    ecs_mock: EcsMock, ecs: Any, app: str
) -> None:
    a = ecs_mock.add_container_instance("default", availability_zone="us-east-1a")
    b = ecs_mock.add_container_instance("default", availability_zone="us-east-1b")
    ecs.start_task(taskDefinition="app", containerInstances=[a, a], group="batch")
    strategy = [{"type": "spread", "field": "instanceId"}]
    result = ecs.run_task(taskDefinition="app", count=2, placementStrategy=strategy, group="batch")
    assert [t["containerInstanceArn"] for t in result["tasks"]] == [b, b]
    # Another group starts from scratch: one each.
    other = ecs.run_task(taskDefinition="app", count=2, placementStrategy=strategy, group="web")
    assert {t["containerInstanceArn"] for t in other["tasks"]} == {a, b}


def test_spread_then_binpack_breaks_ties_within_the_zone(
    ecs_mock: EcsMock, ecs: Any, app: str
) -> None:
    ecs_mock.add_container_instance("default", availability_zone="us-east-1a", memory=8192)
    snug_a = ecs_mock.add_container_instance("default", availability_zone="us-east-1a", memory=1024)
    snug_b = ecs_mock.add_container_instance("default", availability_zone="us-east-1b", memory=512)
    ecs_mock.add_container_instance("default", availability_zone="us-east-1b", memory=8192)
    strategy = [
        {"type": "spread", "field": "attribute:ecs.availability-zone"},
        {"type": "binpack", "field": "memory"},
    ]
    result = ecs.run_task(taskDefinition="app", count=2, placementStrategy=strategy)
    assert sorted(t["containerInstanceArn"] for t in result["tasks"]) == sorted([snug_a, snug_b])


def test_distinct_instance_places_one_per_instance_per_group(
    ecs_mock: EcsMock, ecs: Any, app: str
) -> None:
    a = ecs_mock.add_container_instance("default")
    b = ecs_mock.add_container_instance("default")
    distinct = [{"type": "distinctInstance"}]
    result = ecs.run_task(taskDefinition="app", count=3, placementConstraints=distinct)
    assert sorted(t["containerInstanceArn"] for t in result["tasks"]) == sorted([a, b])
    reason = "DistinctInstance placement constraint unsatisfied."
    assert _reasons(result) == [(a, reason), (b, reason)]
    # Another group is not held back by this one's tasks.
    other = ecs.run_task(
        taskDefinition="app", count=2, placementConstraints=distinct, group="other"
    )
    assert len(other["tasks"]) == 2


def test_stopped_tasks_no_longer_count_for_distinct_instance(
    ecs_mock: EcsMock, ecs: Any, app: str
) -> None:
    ecs_mock.add_container_instance("default")
    distinct = [{"type": "distinctInstance"}]
    (first,) = ecs.run_task(taskDefinition="app", placementConstraints=distinct)["tasks"]
    assert ecs.run_task(taskDefinition="app", placementConstraints=distinct)["tasks"] == []
    ecs.stop_task(task=first["taskArn"])
    ecs.list_tasks()  # the next call sees it STOPPED
    assert len(ecs.run_task(taskDefinition="app", placementConstraints=distinct)["tasks"]) == 1


@pytest.mark.ecs_mock(seed=7)
def test_random_placement_is_seeded(ecs_mock: EcsMock, ecs: Any, app: str) -> None:
    for _ in range(4):
        ecs_mock.add_container_instance("default")
    chosen = [
        t["containerInstanceArn"] for t in ecs.run_task(taskDefinition="app", count=8)["tasks"]
    ]
    assert len(set(chosen)) > 1  # not everything on one instance

    def replay() -> list[str]:
        with EcsMock(seed=7) as again:
            for _ in range(4):
                again.add_container_instance("default")
            again.register_task_definition("app", containers=[dict(SMALL)])
            result = again.call("RunTask", taskDefinition="app", count=8)
            return [t["containerInstanceArn"] for t in result["tasks"]]

    ecs_mock.stop()
    assert replay() == chosen


def test_without_a_strategy_every_instance_that_fits_is_as_likely(
    ecs_mock: EcsMock, ecs: Any
) -> None:
    """Random placement draws among the instances that can take the task: one that cannot is
    never chosen, and the others share the tasks about evenly."""
    ecs_mock.register_task_definition(
        "tiny", containers=[{"name": "a", "image": "x", "cpu": 1, "memory": 1}]
    )
    big = [
        ecs_mock.add_container_instance("default", cpu=100_000, memory=100_000) for _ in range(3)
    ]
    small = ecs_mock.add_container_instance("default", cpu=0, memory=100_000)
    chosen = Counter(
        ecs.run_task(taskDefinition="tiny")["tasks"][0]["containerInstanceArn"] for _ in range(300)
    )
    assert small not in chosen
    assert set(chosen) == set(big)
    assert all(60 <= n <= 140 for n in chosen.values()), chosen  # 100 each, give or take


def test_ec2_task_as_run_task_returns_it(ecs_mock: EcsMock, ecs: Any, app: str) -> None:
    instance = ecs_mock.add_container_instance("default", availability_zone="us-east-1b")
    result = ecs.run_task(taskDefinition="app", startedBy="airflow", group="jobs")
    (task,) = result["tasks"]
    assert task["launchType"] == "EC2"
    assert "capacityProviderName" not in task
    assert task["containerInstanceArn"] == instance
    assert task["availabilityZone"] == "us-east-1b"
    assert (task["cpu"], task["memory"]) == ("256", "256")
    assert (task["lastStatus"], task["desiredStatus"], task["version"]) == ("PENDING", "RUNNING", 1)
    assert (task["startedBy"], task["group"]) == ("airflow", "jobs")
    assert "platformVersion" not in task
    assert ecs.list_tasks(startedBy="airflow")["taskArns"] == [task["taskArn"]]
    assert ecs.list_tasks(launchType="EC2")["taskArns"] == [task["taskArn"]]
    assert ecs.list_tasks(launchType="FARGATE")["taskArns"] == []
    described = ecs.describe_tasks(tasks=[task["taskArn"]])["tasks"][0]
    assert described["lastStatus"] == "RUNNING"


def test_cluster_and_instance_counts_follow_run_task(ecs_mock: EcsMock, ecs: Any, app: str) -> None:
    instance = ecs_mock.add_container_instance("default")
    (task,) = ecs.run_task(taskDefinition="app", count=1)["tasks"]
    cluster = ecs.describe_clusters()["clusters"][0]
    assert (cluster["runningTasksCount"], cluster["pendingTasksCount"]) == (1, 0)
    ecs.stop_task(task=task["taskArn"])
    ecs.list_tasks()
    found = ecs.describe_container_instances(containerInstances=[instance])
    described = found["containerInstances"][0]
    assert (described["runningTasksCount"], described["pendingTasksCount"]) == (0, 0)


def test_external_tasks_go_to_external_instances_only(
    ecs_mock: EcsMock, ecs: Any, app: str
) -> None:
    ec2 = ecs_mock.add_container_instance("default")
    with pytest.raises(ClientError) as raised:
        ecs.run_task(taskDefinition="app", launchType="EXTERNAL")
    assert _error(raised)[1] == "No Container Instances were found in your cluster."
    anywhere = ecs_mock.add_container_instance("default", external=True)
    external = ecs.run_task(taskDefinition="app", launchType="EXTERNAL", count=3)["tasks"]
    assert {t["containerInstanceArn"] for t in external} == {anywhere}
    assert {t["launchType"] for t in external} == {"EXTERNAL"}
    on_ec2 = ecs.run_task(taskDefinition="app", launchType="EC2", count=3)["tasks"]
    assert {t["containerInstanceArn"] for t in on_ec2} == {ec2}
    described = ecs.describe_container_instances(containerInstances=[anywhere])
    assert described["containerInstances"][0]["ec2InstanceId"].startswith("mi-")


# -- clientToken ----------------------------------------------------------------------------


def test_replaying_a_client_token_returns_the_first_answer_and_places_nothing(
    ecs_mock: EcsMock, ecs: Any, app: str
) -> None:
    instance = ecs_mock.add_container_instance("default")
    first = ecs.run_task(taskDefinition="app", count=2, clientToken="token-1")
    again = ecs.run_task(taskDefinition="app", count=2, clientToken="token-1")
    assert [t["taskArn"] for t in again["tasks"]] == [t["taskArn"] for t in first["tasks"]]
    assert len(ecs.list_tasks()["taskArns"]) == 2
    assert _remaining(ecs, instance)["CPU"] == 2048 - 512


def test_a_client_token_with_other_parameters_is_a_conflict(
    ecs_mock: EcsMock, ecs: Any, app: str
) -> None:
    ecs_mock.add_container_instance("default")
    first = ecs.run_task(taskDefinition="app", clientToken="token-2")
    with pytest.raises(ecs.exceptions.ConflictException) as raised:
        ecs.run_task(taskDefinition="app", count=2, clientToken="token-2")
    assert raised.value.response["resourceIds"] == [first["tasks"][0]["taskArn"]]
    assert len(ecs.list_tasks()["taskArns"]) == 1


def test_a_client_token_is_per_cluster(ecs_mock: EcsMock, ecs: Any, app: str) -> None:
    ecs_mock.add_container_instance("default")
    ecs_mock.add_container_instance("other")
    one = ecs.run_task(taskDefinition="app", clientToken="shared")["tasks"]
    two = ecs.run_task(cluster="other", taskDefinition="app", clientToken="shared")["tasks"]
    assert one[0]["taskArn"] != two[0]["taskArn"]


def test_a_refused_request_does_not_use_up_its_token(ecs_mock: EcsMock, ecs: Any, app: str) -> None:
    ecs_mock.add_container_instance("default")
    with pytest.raises(ClientError):
        ecs.run_task(taskDefinition="ghost", clientToken="token-3")
    assert ecs.run_task(taskDefinition="app", clientToken="token-3")["tasks"]


@pytest.mark.parametrize("token", ["x" * 65, "has space", "tab\there", "é"])
def test_client_token_characters_and_length(
    ecs_mock: EcsMock, ecs: Any, app: str, token: str
) -> None:
    ecs_mock.add_container_instance("default")
    code, message = _refused(ecs, clientToken=token)
    assert code == "InvalidParameterException"
    assert message.startswith("clientToken")


def test_every_botocore_call_carries_a_fresh_token(ecs_mock: EcsMock, ecs: Any, app: str) -> None:
    ecs_mock.add_container_instance("default")
    ecs.run_task(taskDefinition="app")
    ecs.run_task(taskDefinition="app")
    tokens = [call.params.get("clientToken") for call in ecs_mock.calls_to("RunTask")]
    assert all(tokens)
    assert len(set(tokens)) == 2
    assert len(ecs.list_tasks()["taskArns"]) == 2


# -- the task definition's constraints ------------------------------------------------------


def test_task_definition_member_of_binds_run_task(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.register_task_definition(
        "gpu-job",
        containers=[dict(SMALL)],
        placementConstraints=[
            {"type": "memberOf", "expression": "attribute:ecs.instance-type =~ g4dn.*"}
        ],
    )
    plain = ecs_mock.add_container_instance("default", instance_type="m5.large")
    gpu = ecs_mock.add_container_instance("default", instance_type="g4dn.xlarge")
    result = ecs.run_task(taskDefinition="gpu-job", count=3)
    assert {t["containerInstanceArn"] for t in result["tasks"]} == {gpu}
    ecs.update_container_instances_state(containerInstances=[gpu], status="DRAINING")
    refused = ecs.run_task(taskDefinition="gpu-job")
    assert _reasons(refused) == [(plain, "MemberOf placement constraint unsatisfied.")]


def test_task_definition_and_request_constraints_count_together(
    ecs_mock: EcsMock, ecs: Any
) -> None:
    ecs_mock.register_task_definition(
        "app",
        containers=[dict(SMALL)],
        placementConstraints=[{"type": "memberOf", "expression": "attribute:ecs.os-type == linux"}],
    )
    ecs_mock.add_container_instance("default")
    assert ecs.run_task(
        taskDefinition="app", placementConstraints=[{"type": "distinctInstance"}] * 9
    )["tasks"]
    code, message = _refused(
        ecs, taskDefinition="app", placementConstraints=[{"type": "distinctInstance"}] * 10
    )
    assert (code, message) == (
        "InvalidParameterException",
        "placementConstraints can have at most 10 items, including the task definition's; got 11.",
    )


def test_distinct_instance_is_not_allowed_in_a_task_definition(ecs_mock: EcsMock, ecs: Any) -> None:
    with pytest.raises(ecs.exceptions.InvalidParameterException) as raised:
        ecs.register_task_definition(
            family="app",
            containerDefinitions=[dict(SMALL)],
            placementConstraints=[{"type": "distinctInstance"}],
        )
    # ECS says ClientException "constraint.type 'distinctInstance' is not supported." (observed
    # through CloudFormation); the model's enum has memberOf only, and the mock's request check
    # refuses with the model's validation wording (a documented Mock decision).
    assert _error(raised) == (
        "InvalidParameterException",
        "1 validation error detected: Value 'distinctInstance' at "
        "'placementConstraints.1.member.type' failed to satisfy constraint: Member must satisfy "
        "enum value set: [memberOf]",
    )
    assert ecs.list_task_definition_families()["families"] == []


def test_an_unsatisfiable_task_definition_constraint_is_accepted_then_fails_at_run_task(
    ecs_mock: EcsMock, ecs: Any
) -> None:
    ecs_mock.register_task_definition(
        "app",
        containers=[dict(SMALL)],
        placementConstraints=[{"type": "memberOf", "expression": "attribute:ecs.os-type == os2"}],
    )
    instance = ecs_mock.add_container_instance("default")
    result = ecs.run_task(taskDefinition="app")
    assert _reasons(result) == [(instance, "MemberOf placement constraint unsatisfied.")]

"""RunTask through capacity provider strategies on FARGATE and FARGATE_SPOT (ecs-runtask.md
§1.2, §3.2-§3.4): the cluster's default strategy, explicit strategies, base/weight splitting,
the strategy errors, launchType overriding the default, unavailable Spot capacity and Spot
interruptions, end to end through boto3."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest
from botocore.exceptions import ClientError
from freezegun import freeze_time

from ecs_mock import EcsMock

START = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
NETWORK = {"awsvpcConfiguration": {"subnets": ["subnet-aaa"]}}
CAPACITY = (
    "Capacity is unavailable at this time. Please try again later or in a different "
    "availability zone"
)
NOT_ASSOCIATED = (
    "The specified capacity provider strategy cannot contain a capacity provider that is not "
    "associated with the cluster. Associate the capacity provider with the cluster or specify "
    "a valid capacity provider and try again."
)


def _cluster(ecs: Any, providers: list[str], strategy: list[dict[str, Any]]) -> None:
    ecs.create_cluster(
        clusterName="jobs", capacityProviders=providers, defaultCapacityProviderStrategy=strategy
    )


@pytest.fixture
def job(ecs_mock: EcsMock) -> str:
    return ecs_mock.register_task_definition(
        "job",
        containers=[{"name": "main", "image": "python:3.12"}],
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
    )


def _run(ecs: Any, **params: Any) -> dict[str, Any]:
    params.setdefault("cluster", "jobs")
    params.setdefault("taskDefinition", "job")
    params.setdefault("networkConfiguration", NETWORK)
    result: dict[str, Any] = ecs.run_task(**params)
    return result


def _refused(ecs: Any, **params: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as raised:
        _run(ecs, **params)
    error = raised.value.response["Error"]
    return error["Code"], error["Message"]


def _spread(tasks: list[dict[str, Any]]) -> Counter[str]:
    return Counter(t["capacityProviderName"] for t in tasks)


def test_the_cluster_default_strategy_chooses_fargate(
    ecs_mock: EcsMock, ecs: Any, job: str
) -> None:
    _cluster(ecs, ["FARGATE"], [{"capacityProvider": "FARGATE", "weight": 1}])
    (task,) = _run(ecs)["tasks"]
    assert (task["launchType"], task["capacityProviderName"]) == ("FARGATE", "FARGATE")
    assert task["platformVersion"] == "1.4.0"
    (described,) = ecs.describe_tasks(cluster="jobs", tasks=[task["taskArn"]])["tasks"]
    assert described["capacityProviderName"] == "FARGATE"
    assert "containerInstanceArn" not in described


def test_an_explicit_strategy_chooses_fargate_spot(ecs_mock: EcsMock, ecs: Any, job: str) -> None:
    _cluster(ecs, ["FARGATE", "FARGATE_SPOT"], [{"capacityProvider": "FARGATE", "weight": 1}])
    (task,) = _run(
        ecs, capacityProviderStrategy=[{"capacityProvider": "FARGATE_SPOT", "weight": 1}]
    )["tasks"]
    assert (task["launchType"], task["capacityProviderName"]) == ("FARGATE", "FARGATE_SPOT")
    listed = ecs.list_tasks(cluster="jobs", launchType="FARGATE")["taskArns"]
    assert listed == [task["taskArn"]]


def test_base_then_weight_splits_the_count(ecs_mock: EcsMock, ecs: Any, job: str) -> None:
    _cluster(
        ecs,
        ["FARGATE", "FARGATE_SPOT"],
        [
            {"capacityProvider": "FARGATE", "base": 2, "weight": 1},
            {"capacityProvider": "FARGATE_SPOT", "weight": 3},
        ],
    )
    tasks = _run(ecs, count=10)["tasks"]
    # Mock decision (capacity.split): the base first, then the fewest beyond base per weight.
    assert [t["capacityProviderName"] for t in tasks[:2]] == ["FARGATE", "FARGATE"]
    assert _spread(tasks) == {"FARGATE": 4, "FARGATE_SPOT": 6}
    explicit = _run(
        ecs,
        count=4,
        capacityProviderStrategy=[
            {"capacityProvider": "FARGATE", "weight": 1},
            {"capacityProvider": "FARGATE_SPOT", "weight": 1},
        ],
    )["tasks"]
    assert [t["capacityProviderName"] for t in explicit] == ["FARGATE", "FARGATE_SPOT"] * 2
    (cluster,) = ecs.describe_clusters(clusters=["jobs"])["clusters"]
    assert cluster["pendingTasksCount"] + cluster["runningTasksCount"] == 14


def test_a_provider_the_cluster_lacks_is_refused(ecs_mock: EcsMock, ecs: Any, job: str) -> None:
    _cluster(ecs, ["FARGATE"], [])
    assert _refused(
        ecs, capacityProviderStrategy=[{"capacityProvider": "FARGATE_SPOT", "weight": 1}]
    ) == ("InvalidParameterException", NOT_ASSOCIATED)
    assert ecs.list_tasks(cluster="jobs")["taskArns"] == []


def test_weights_of_zero_are_refused(ecs_mock: EcsMock, ecs: Any, job: str) -> None:
    _cluster(ecs, ["FARGATE"], [{"capacityProvider": "FARGATE", "weight": 0}])
    code, message = _refused(ecs)
    assert code == "InvalidParameterException"
    assert message.startswith(
        "There are no capacity providers with a weight value greater than zero defined in the "
        "default capacity provider strategy."
    )
    code, message = _refused(
        ecs, capacityProviderStrategy=[{"capacityProvider": "FARGATE", "weight": 0}]
    )
    assert "defined in the capacity provider strategy" in message
    assert ecs.list_tasks(cluster="jobs")["taskArns"] == []


def test_fargate_and_auto_scaling_group_providers_do_not_mix(
    ecs_mock: EcsMock, ecs: Any, job: str
) -> None:
    ecs.create_capacity_provider(name="asg", autoScalingGroupProvider={"autoScalingGroupArn": "g"})
    _cluster(ecs, ["FARGATE", "asg"], [])
    strategy = [
        {"capacityProvider": "FARGATE", "weight": 1},
        {"capacityProvider": "asg", "weight": 1},
    ]
    assert _refused(ecs, capacityProviderStrategy=strategy) == (
        "InvalidParameterException",
        "A capacity provider strategy cannot contain a mix of capacity providers using Auto "
        "Scaling groups and Fargate providers. Specify one or the other and try again.",
    )


def test_launch_type_overrides_the_default_strategy(ecs_mock: EcsMock, ecs: Any, job: str) -> None:
    _cluster(ecs, ["FARGATE_SPOT"], [{"capacityProvider": "FARGATE_SPOT", "weight": 1}])
    (task,) = _run(ecs, launchType="FARGATE")["tasks"]
    assert task["launchType"] == "FARGATE"
    assert "capacityProviderName" not in task
    # EC2 too: the cluster has no instances, so the EC2 answer.
    ecs_mock.register_task_definition("ec2job")
    assert _refused(ecs, launchType="EC2", taskDefinition="ec2job", networkConfiguration={}) == (
        "InvalidParameterException",
        "No Container Instances were found in your cluster.",
    )


def test_no_default_strategy_means_ec2(ecs_mock: EcsMock, ecs: Any, job: str) -> None:
    # A Fargate-only cluster without a default strategy answers the EC2 error (observed).
    _cluster(ecs, ["FARGATE"], [])
    assert _refused(ecs) == (
        "InvalidParameterException",
        "No Container Instances were found in your cluster.",
    )


def test_unavailable_spot_capacity_fails_only_spot_tasks(
    ecs_mock: EcsMock, ecs: Any, job: str
) -> None:
    _cluster(
        ecs,
        ["FARGATE", "FARGATE_SPOT"],
        [
            {"capacityProvider": "FARGATE", "weight": 1},
            {"capacityProvider": "FARGATE_SPOT", "weight": 1},
        ],
    )
    ecs_mock.set_capacity("FARGATE_SPOT", available=False)
    answer = _run(ecs, count=4)
    assert _spread(answer["tasks"]) == {"FARGATE": 2}
    assert answer["failures"] == [{"reason": CAPACITY}, {"reason": CAPACITY}]
    ecs_mock.set_capacity("FARGATE_SPOT", available=True)
    assert _spread(_run(ecs, count=2)["tasks"]) == {"FARGATE": 1, "FARGATE_SPOT": 1}


def test_a_spot_task_can_be_interrupted(ecs_mock: EcsMock, ecs: Any, job: str) -> None:
    _cluster(ecs, ["FARGATE", "FARGATE_SPOT"], [{"capacityProvider": "FARGATE_SPOT", "weight": 1}])
    (spot,) = _run(ecs)["tasks"]
    (regular,) = _run(ecs, capacityProviderStrategy=[{"capacityProvider": "FARGATE", "weight": 1}])[
        "tasks"
    ]
    ecs_mock.advance("RUNNING")
    ecs_mock.interrupt_spot(spot["taskArn"])
    (stopped,) = ecs.describe_tasks(cluster="jobs", tasks=[spot["taskArn"]])["tasks"]
    assert (stopped["lastStatus"], stopped["stopCode"]) == ("STOPPED", "SpotInterruption")
    assert stopped["stoppedReason"] == "Your Spot Task was interrupted."
    with pytest.raises(ValueError, match="not a FARGATE_SPOT task"):
        ecs_mock.interrupt_spot(regular["taskArn"])
    assert ecs.list_tasks(cluster="jobs")["taskArns"] == [regular["taskArn"]]
    assert ecs.list_tasks(cluster="jobs", desiredStatus="STOPPED")["taskArns"] == [spot["taskArn"]]


@pytest.mark.ecs_mock(stopping_seconds=30)
def test_an_interrupted_spot_task_shows_the_termination_notice_while_it_stops(
    ecs_mock: EcsMock, ecs: Any, job: str
) -> None:
    _cluster(ecs, ["FARGATE_SPOT"], [{"capacityProvider": "FARGATE_SPOT", "weight": 1}])
    with freeze_time(START) as frozen:
        (spot,) = _run(ecs)["tasks"]
        ecs_mock.advance("RUNNING")
        ecs_mock.interrupt_spot(spot["taskArn"])
        (stopping,) = ecs.describe_tasks(cluster="jobs", tasks=[spot["taskArn"]])["tasks"]
        assert (stopping["lastStatus"], stopping["desiredStatus"]) == ("STOPPING", "STOPPED")
        assert stopping["stopCode"] == "TerminationNotice"
        assert stopping["stoppedReason"] == "Your Spot Task was interrupted."
        frozen.tick(30)
        (stopped,) = ecs.describe_tasks(cluster="jobs", tasks=[spot["taskArn"]])["tasks"]
    assert (stopped["lastStatus"], stopped["stopCode"]) == ("STOPPED", "SpotInterruption")
    assert stopped["stoppedReason"] == "Your Spot Task was interrupted."


def test_run_task_follows_the_default_strategy_put_last(
    ecs_mock: EcsMock, ecs: Any, job: str
) -> None:
    _cluster(ecs, ["FARGATE"], [{"capacityProvider": "FARGATE", "weight": 1}])
    assert _spread(_run(ecs, count=2)["tasks"]) == {"FARGATE": 2}
    ecs.put_cluster_capacity_providers(
        cluster="jobs",
        capacityProviders=["FARGATE", "FARGATE_SPOT"],
        defaultCapacityProviderStrategy=[
            {"capacityProvider": "FARGATE_SPOT", "base": 1, "weight": 1},
            {"capacityProvider": "FARGATE", "weight": 1},
        ],
    )
    tasks = _run(ecs, count=5)["tasks"]
    assert tasks[0]["capacityProviderName"] == "FARGATE_SPOT"
    assert _spread(tasks) == {"FARGATE_SPOT": 3, "FARGATE": 2}
    ecs.put_cluster_capacity_providers(
        cluster="jobs",
        capacityProviders=["FARGATE", "FARGATE_SPOT"],
        defaultCapacityProviderStrategy=[],
    )
    # No default strategy any more: the EC2 answer, on a cluster without instances.
    assert _refused(ecs) == (
        "InvalidParameterException",
        "No Container Instances were found in your cluster.",
    )

"""Capacity providers of a cluster: PutClusterCapacityProviders, CreateCluster's
capacityProviders / defaultCapacityProviderStrategy (issue 15 defect 1), and the Auto Scaling
group providers' cluster attachments (ecs-runtask.md §3.1), through boto3."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from ecs_mock import EcsMock

ASG = "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:1a2b:autoScalingGroupName/"
NOT_ASSOCIATED = (
    "The specified capacity provider strategy cannot contain a capacity provider that is not "
    "associated with the cluster. Associate the capacity provider with the cluster or specify "
    "a valid capacity provider and try again."
)
MIXED = (
    "A capacity provider strategy cannot contain a mix of capacity providers using Auto "
    "Scaling groups and Fargate providers. Specify one or the other and try again."
)


def _provider(ecs: Any, name: str, scaling: str = "ENABLED", draining: str = "ENABLED") -> None:
    ecs.create_capacity_provider(
        name=name,
        autoScalingGroupProvider={
            "autoScalingGroupArn": ASG + name,
            "managedScaling": {"status": scaling},
            "managedDraining": draining,
        },
    )


def _put(ecs: Any, providers: list[str], strategy: list[dict[str, Any]] | None = None) -> Any:
    return ecs.put_cluster_capacity_providers(
        cluster="batch", capacityProviders=providers, defaultCapacityProviderStrategy=strategy or []
    )["cluster"]


def _described(ecs: Any, include: list[str] | None = None) -> dict[str, Any]:
    (cluster,) = ecs.describe_clusters(clusters=["batch"], include=include or [])["clusters"]
    return dict(cluster)


def _error(raised: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    error = raised.value.response["Error"]
    return error["Code"], error["Message"]


# -- CreateCluster --------------------------------------------------------------------------


def test_create_cluster_keeps_its_providers_and_default_strategy(
    ecs_mock: EcsMock, ecs: Any
) -> None:
    cluster = ecs.create_cluster(
        clusterName="batch",
        capacityProviders=["FARGATE", "FARGATE_SPOT"],
        defaultCapacityProviderStrategy=[
            {"capacityProvider": "FARGATE", "base": 1, "weight": 1},
            {"capacityProvider": "FARGATE_SPOT", "weight": 3},
        ],
    )["cluster"]
    expected = [
        {"capacityProvider": "FARGATE", "weight": 1, "base": 1},
        {"capacityProvider": "FARGATE_SPOT", "weight": 3, "base": 0},
    ]
    assert cluster["status"] == "ACTIVE"  # only Fargate providers: nothing to provision
    assert cluster["capacityProviders"] == ["FARGATE", "FARGATE_SPOT"]
    assert cluster["defaultCapacityProviderStrategy"] == expected
    assert (cluster["attachments"], cluster["attachmentsStatus"]) == ([], "UPDATE_IN_PROGRESS")
    described = _described(ecs)
    assert described["capacityProviders"] == ["FARGATE", "FARGATE_SPOT"]
    assert described["defaultCapacityProviderStrategy"] == expected
    assert described["attachmentsStatus"] == "UPDATE_COMPLETE"


def test_create_cluster_with_an_auto_scaling_group_provider(ecs_mock: EcsMock, ecs: Any) -> None:
    _provider(ecs, "asg")
    cluster = ecs.create_cluster(clusterName="batch", capacityProviders=["asg"])["cluster"]
    assert cluster["status"] == "PROVISIONING"
    assert {(a["type"], a["status"]) for a in cluster["attachments"]} == {
        ("as_policy", "PRECREATED"),
        ("managed_draining", "PRECREATED"),
    }
    described = _described(ecs, ["ATTACHMENTS"])
    assert described["status"] == "ACTIVE"
    by_type = {a["type"]: a for a in described["attachments"]}
    assert by_type["as_policy"]["status"] == "CREATED"
    policy = by_type["as_policy"]["details"]
    assert policy[0] == {"name": "capacityProviderName", "value": "asg"}
    assert policy[1]["name"] == "scalingPolicyName"
    assert policy[1]["value"].startswith("ECSManagedAutoScalingPolicy-")
    assert by_type["managed_draining"]["details"] == [
        {"name": "capacityProviderName", "value": "asg"},
        {"name": "autoScalingLifecycleHookName", "value": "ecs-managed-draining-termination-hook"},
    ]
    # Without ATTACHMENTS, DescribeClusters leaves them out.
    assert "attachments" not in _described(ecs)
    assert described["capacityProviders"] == ["asg"]


def test_create_cluster_refusals_create_nothing(ecs_mock: EcsMock, ecs: Any) -> None:
    _provider(ecs, "asg")
    ecs.create_cluster(clusterName="other", capacityProviders=["asg"])
    cases: list[tuple[dict[str, Any], str]] = [
        ({"capacityProviders": ["nope"]}, "ClientException"),
        ({"capacityProviders": ["asg"]}, "InvalidParameterException"),  # another cluster's
        (
            {"defaultCapacityProviderStrategy": [{"capacityProvider": "FARGATE", "weight": 1}]},
            "InvalidParameterException",
        ),
        ({"capacityProviders": ["FARGATE", "FARGATE"]}, "InvalidParameterException"),
        ({"settings": [{"name": "containerInsights", "value": "on"}]}, "InvalidParameterException"),
    ]
    for params, code in cases:
        with pytest.raises(ClientError) as raised:
            ecs.create_cluster(clusterName="batch", **params)
        assert _error(raised)[0] == code, params
    assert ecs.describe_clusters(clusters=["batch"])["failures"][0]["reason"] == "MISSING"
    with pytest.raises(ecs.exceptions.InvalidParameterException) as raised:
        ecs.create_cluster(
            clusterName="batch",
            capacityProviders=["FARGATE"],
            defaultCapacityProviderStrategy=[{"capacityProvider": "FARGATE_SPOT", "weight": 1}],
        )
    assert _error(raised)[1] == NOT_ASSOCIATED


# -- PutClusterCapacityProviders ------------------------------------------------------------


def test_put_replaces_the_lists_and_empty_clears_them(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.create_cluster("batch")
    _provider(ecs, "one")
    _provider(ecs, "two")
    first = _put(ecs, ["one", "two"], [{"capacityProvider": "one", "weight": 1}])
    assert first["capacityProviders"] == ["one", "two"]
    assert first["defaultCapacityProviderStrategy"] == [
        {"capacityProvider": "one", "weight": 1, "base": 0}
    ]
    assert first["attachmentsStatus"] == "UPDATE_IN_PROGRESS"
    assert {a["status"] for a in first["attachments"]} == {"PRECREATED"}
    assert len(first["attachments"]) == 4
    kept = {a["id"] for a in _described(ecs, ["ATTACHMENTS"])["attachments"]}

    second = _put(ecs, ["one"], [{"capacityProvider": "one", "weight": 1, "base": 0}])
    statuses = {(a["details"][0]["value"], a["type"]): a["status"] for a in second["attachments"]}
    assert statuses == {
        ("one", "as_policy"): "CREATED",
        ("one", "managed_draining"): "CREATED",
        ("two", "as_policy"): "DELETING",
        ("two", "managed_draining"): "DELETING",
    }
    settled = _described(ecs, ["ATTACHMENTS"])
    assert {a["id"] for a in settled["attachments"]} < kept  # same ids for those kept
    assert [a["details"][0]["value"] for a in settled["attachments"]] == ["one", "one"]
    # "two" is free for another cluster now
    ecs.create_cluster(clusterName="other", capacityProviders=["two"])

    cleared = _put(ecs, [])
    assert (cleared["capacityProviders"], cleared["defaultCapacityProviderStrategy"]) == ([], [])
    assert _described(ecs, ["ATTACHMENTS"])["attachments"] == []


def test_attachments_follow_the_providers_settings(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.create_cluster("batch")
    _provider(ecs, "plain", scaling="DISABLED", draining="DISABLED")
    _put(ecs, ["plain"])
    assert _described(ecs, ["ATTACHMENTS"])["attachments"] == []
    ecs.update_capacity_provider(
        name="plain", autoScalingGroupProvider={"managedScaling": {"status": "ENABLED"}}
    )
    assert [a["type"] for a in _described(ecs, ["ATTACHMENTS"])["attachments"]] == ["as_policy"]


def test_put_refusals_change_nothing(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.create_cluster("batch")
    _provider(ecs, "asg")
    _put(ecs, ["FARGATE"], [{"capacityProvider": "FARGATE", "weight": 1}])
    before = _described(ecs, ["ATTACHMENTS"])
    cases: list[tuple[list[str], list[dict[str, Any]], str]] = [
        (["FARGATE_SPOT"], [{"capacityProvider": "FARGATE", "weight": 1}], NOT_ASSOCIATED),
        (
            ["asg", "FARGATE"],
            [{"capacityProvider": "asg", "weight": 1}, {"capacityProvider": "FARGATE"}],
            MIXED,
        ),
        (["FARGATE", "FARGATE"], [], "Capacity provider FARGATE appears more than once."),
        (
            ["FARGATE", "FARGATE_SPOT"],
            [
                {"capacityProvider": "FARGATE", "base": 1, "weight": 1},
                {"capacityProvider": "FARGATE_SPOT", "base": 1, "weight": 1},
            ],
            "Only one capacity provider in a strategy can have a base value greater than zero.",
        ),
    ]
    for providers, strategy, message in cases:
        with pytest.raises(ecs.exceptions.InvalidParameterException) as raised:
            _put(ecs, providers, strategy)
        assert _error(raised)[1] == message
    with pytest.raises(ecs.exceptions.ClientException):
        _put(ecs, ["ghost"])
    with pytest.raises(ecs.exceptions.ClusterNotFoundException):
        ecs.put_cluster_capacity_providers(
            cluster="nope", capacityProviders=[], defaultCapacityProviderStrategy=[]
        )
    assert _described(ecs, ["ATTACHMENTS"]) == before


def test_at_most_twenty_providers_per_cluster(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.create_cluster("batch")
    names = [f"cp{n}" for n in range(19)]
    for name in names:
        _provider(ecs, name)
    assert len(_put(ecs, [*names, "FARGATE"])["capacityProviders"]) == 20
    with pytest.raises(ecs.exceptions.InvalidParameterException) as raised:
        _put(ecs, [*names, "FARGATE", "FARGATE_SPOT"])
    assert _error(raised)[1] == (
        "The maximum number of capacity providers per cluster has been exceeded."
    )


def test_a_provider_in_use_by_tasks_cannot_be_removed(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.create_cluster("batch")
    ecs_mock.register_task_definition("job")
    _provider(ecs, "asg", scaling="DISABLED")
    _put(ecs, ["asg", "FARGATE"])
    instance = ecs_mock.add_container_instance("batch", capacity_provider="asg")
    (task,) = ecs.run_task(
        cluster="batch",
        taskDefinition="job",
        capacityProviderStrategy=[{"capacityProvider": "asg", "weight": 1}],
    )["tasks"]
    with pytest.raises(ClientError) as raised:
        _put(ecs, ["FARGATE"])
    assert _error(raised) == (
        "ResourceInUseException",
        "The specified capacity provider is in use and cannot be removed.",
    )
    assert _described(ecs)["capacityProviders"] == ["asg", "FARGATE"]
    # Adding one while keeping it is fine; removing FARGATE (no tasks) is too.
    assert _put(ecs, ["asg"])["capacityProviders"] == ["asg"]
    ecs.stop_task(cluster="batch", task=task["taskArn"])
    assert _put(ecs, [])["capacityProviders"] == []
    assert instance


def test_launch_type_tasks_do_not_hold_a_provider(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.create_cluster("batch")
    ecs_mock.register_task_definition(
        "job", networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256", memory="512"
    )
    _put(ecs, ["FARGATE"])
    ecs.run_task(
        cluster="batch",
        taskDefinition="job",
        launchType="FARGATE",
        networkConfiguration={"awsvpcConfiguration": {"subnets": ["subnet-1"]}},
    )
    # "If a task uses a launch type, the capacity it uses isn't counted by any capacity
    # providers in the cluster" (developer guide).
    assert _put(ecs, [])["capacityProviders"] == []

"""CreateCapacityProvider, DescribeCapacityProviders, UpdateCapacityProvider,
DeleteCapacityProvider (ecs-runtask.md §3.1) and tagging capacity provider ARNs, through boto3."""

from __future__ import annotations

from typing import Any

import botocore.session
import pytest
from botocore.exceptions import ClientError
from freezegun import freeze_time

from ecs_mock import EcsMock

ASG = "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:1a2b:autoScalingGroupName/asg"
PREFIX = "arn:aws:ecs:us-east-1:123456789012:capacity-provider/"
INVALID_NAME = (
    "The specified capacity provider name is invalid. Up to 255 characters are allowed, "
    "including letters (upper and lowercase), numbers, underscores, and hyphens. The name "
    'cannot be prefixed with "aws", "ecs", or "fargate". Specify a valid name and try again.'
)


def _input_has(operation: str, member: str) -> bool:
    model = botocore.session.get_session().get_service_model("ecs")
    return member in model.operation_model(operation).input_shape.members


# Managed Instances (and the cluster-scoped parameters that came with them) are newer than the
# oldest botocore ecs_mock supports, whose client refuses those parameters itself.
NEEDS_MANAGED_INSTANCES = pytest.mark.skipif(
    not _input_has("CreateCapacityProvider", "managedInstancesProvider"),
    reason="this botocore's ECS model predates Managed Instances",
)


def _create(ecs: Any, name: str = "cp", asg: str = ASG, **params: Any) -> dict[str, Any]:
    provider: dict[str, Any] = params.pop("autoScalingGroupProvider", {})
    provider.setdefault("autoScalingGroupArn", asg)
    result: dict[str, Any] = ecs.create_capacity_provider(
        name=name, autoScalingGroupProvider=provider, **params
    )["capacityProvider"]
    return result


def _error(raised: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    error = raised.value.response["Error"]
    return error["Code"], error["Message"]


def _names(ecs: Any, **params: Any) -> list[str]:
    return [p["name"] for p in ecs.describe_capacity_providers(**params)["capacityProviders"]]


# -- CreateCapacityProvider -------------------------------------------------------------------


def test_create_fills_in_the_documented_defaults(ecs_mock: EcsMock, ecs: Any) -> None:
    provider = _create(
        ecs,
        autoScalingGroupProvider={"managedScaling": {"status": "ENABLED", "targetCapacity": 90}},
        tags=[{"key": "team", "value": "batch"}],
    )
    assert provider == {
        "capacityProviderArn": PREFIX + "cp",
        "name": "cp",
        "status": "ACTIVE",
        "autoScalingGroupProvider": {
            "autoScalingGroupArn": ASG,
            "managedScaling": {
                "status": "ENABLED",
                "targetCapacity": 90,
                "minimumScalingStepSize": 1,
                "maximumScalingStepSize": 10000,
                "instanceWarmupPeriod": 300,
            },
            "managedTerminationProtection": "DISABLED",
            "managedDraining": "ENABLED",
        },
        "tags": [{"key": "team", "value": "batch"}],
    }


def test_managed_scaling_is_off_unless_asked_for(ecs_mock: EcsMock, ecs: Any) -> None:
    scaling = _create(ecs)["autoScalingGroupProvider"]["managedScaling"]
    assert scaling["status"] == "DISABLED"


@pytest.mark.parametrize(
    "name", ["aws-batch", "ECS_cp", "Fargate2", "FARGATE", "has space", "a" * 256, "dot.ted", ""]
)
def test_invalid_names_are_refused_with_the_observed_text(
    ecs_mock: EcsMock, ecs: Any, name: str
) -> None:
    with pytest.raises(ClientError) as raised:
        ecs.create_capacity_provider(
            name=name, autoScalingGroupProvider={"autoScalingGroupArn": ASG}
        )
    assert _error(raised) == ("ClientException", INVALID_NAME)
    assert _names(ecs) == ["FARGATE", "FARGATE_SPOT"]


def test_names_up_to_255_of_the_allowed_characters(ecs_mock: EcsMock, ecs: Any) -> None:
    name = "Cp_-9" + "x" * 250
    assert _create(ecs, name)["name"] == name


def test_a_name_in_use_is_refused(ecs_mock: EcsMock, ecs: Any) -> None:
    _create(ecs)
    with pytest.raises(ClientError) as raised:
        _create(ecs, asg=ASG + "-other")
    assert _error(raised) == (
        "ClientException",
        "The specified capacity provider already exists. To change the configuration of an "
        "existing capacity provider, update the capacity provider.",
    )


def test_one_provider_per_auto_scaling_group(ecs_mock: EcsMock, ecs: Any) -> None:
    _create(ecs, "first")
    with pytest.raises(ClientError) as raised:
        _create(ecs, "second")
    assert _error(raised) == (
        "ClientException",
        "The specified Auto Scaling group ARN is already being used by another capacity "
        "provider. Specify a unique Auto Scaling group ARN and try again.",
    )
    assert _names(ecs) == ["first", "FARGATE", "FARGATE_SPOT"]


def test_termination_protection_needs_managed_scaling(ecs_mock: EcsMock, ecs: Any) -> None:
    with pytest.raises(ClientError) as raised:
        _create(ecs, autoScalingGroupProvider={"managedTerminationProtection": "ENABLED"})
    code, message = _error(raised)
    assert code == "ClientException"
    assert "managed scaling must also be enabled" in message
    protected = _create(
        ecs,
        autoScalingGroupProvider={
            "managedScaling": {"status": "ENABLED"},
            "managedTerminationProtection": "ENABLED",
        },
    )
    assert protected["autoScalingGroupProvider"]["managedTerminationProtection"] == "ENABLED"


def test_step_sizes_must_be_in_order(ecs_mock: EcsMock, ecs: Any) -> None:
    with pytest.raises(ecs.exceptions.InvalidParameterException):
        _create(
            ecs,
            autoScalingGroupProvider={
                "managedScaling": {"minimumScalingStepSize": 5, "maximumScalingStepSize": 2}
            },
        )
    assert _names(ecs) == ["FARGATE", "FARGATE_SPOT"]


@NEEDS_MANAGED_INSTANCES
def test_managed_instances_providers_are_refused_as_not_modelled(
    ecs_mock: EcsMock, ecs: Any
) -> None:
    with pytest.raises(ecs.exceptions.InvalidParameterException) as raised:
        ecs.create_capacity_provider(
            name="mi",
            managedInstancesProvider={
                "infrastructureRoleArn": "arn:aws:iam::123456789012:role/infra",
                "instanceLaunchTemplate": {
                    "ec2InstanceProfileArn": "arn:aws:iam::123456789012:instance-profile/p",
                    "networkConfiguration": {"subnets": ["subnet-1"]},
                },
            },
        )
    assert "does not model Amazon ECS Managed Instances" in _error(raised)[1]
    with pytest.raises(ecs.exceptions.InvalidParameterException) as raised:
        ecs.create_capacity_provider(name="none")
    assert "autoScalingGroupProvider is required" in _error(raised)[1]
    assert _names(ecs) == ["FARGATE", "FARGATE_SPOT"]


@NEEDS_MANAGED_INSTANCES
def test_the_cluster_parameter_is_for_managed_instances_only(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.create_cluster("batch")
    with pytest.raises(ecs.exceptions.InvalidParameterException) as raised:
        _create(ecs, cluster="batch")
    assert "only supported for Amazon ECS Managed Instances" in _error(raised)[1]


def test_bad_tags_create_nothing(ecs_mock: EcsMock, ecs: Any) -> None:
    with pytest.raises(ecs.exceptions.InvalidParameterException):
        _create(ecs, tags=[{"key": "aws:owner", "value": "x"}])
    assert _names(ecs) == ["FARGATE", "FARGATE_SPOT"]


def test_at_most_twenty_providers_per_region(ecs_mock: EcsMock, ecs: Any) -> None:
    for n in range(20):
        _create(ecs, f"cp{n}", asg=f"{ASG}{n}")
    with pytest.raises(ClientError) as raised:
        _create(ecs, "cp20", asg=f"{ASG}20")
    assert _error(raised)[0] == "LimitExceededException"
    ecs.delete_capacity_provider(capacityProvider="cp0")
    assert _create(ecs, "cp20", asg=f"{ASG}20")["status"] == "ACTIVE"


# -- DescribeCapacityProviders ----------------------------------------------------------------


def test_fargate_providers_are_always_there(ecs_mock: EcsMock, ecs: Any) -> None:
    answer = ecs.describe_capacity_providers()
    assert answer["capacityProviders"] == [
        {"capacityProviderArn": PREFIX + name, "name": name, "status": "ACTIVE", "tags": []}
        for name in ("FARGATE", "FARGATE_SPOT")
    ]
    assert answer["failures"] == []
    assert "nextToken" not in answer


def test_describe_lists_created_providers_first_and_tags_only_when_asked(
    ecs_mock: EcsMock, ecs: Any
) -> None:
    _create(ecs, "tagged", tags=[{"key": "env", "value": "prod"}])
    plain = ecs.describe_capacity_providers(capacityProviders=["tagged"])["capacityProviders"]
    assert plain[0]["tags"] == []
    tagged = ecs.describe_capacity_providers(capacityProviders=["tagged"], include=["TAGS"])
    assert tagged["capacityProviders"][0]["tags"] == [{"key": "env", "value": "prod"}]
    assert _names(ecs) == ["tagged", "FARGATE", "FARGATE_SPOT"]


def test_describe_by_name_or_arn_with_missing_failures(ecs_mock: EcsMock, ecs: Any) -> None:
    _create(ecs, "mine")
    elsewhere = "arn:aws:ecs:eu-west-1:123456789012:capacity-provider/mine"
    answer = ecs.describe_capacity_providers(
        capacityProviders=[PREFIX + "mine", "FARGATE_SPOT", "nope", elsewhere]
    )
    assert [p["name"] for p in answer["capacityProviders"]] == ["mine", "FARGATE_SPOT"]
    assert answer["failures"] == [
        {"arn": PREFIX + "nope", "reason": "MISSING"},
        {"arn": elsewhere, "reason": "MISSING"},
    ]


def test_describe_pages_ten_at_a_time_by_default(ecs_mock: EcsMock, ecs: Any) -> None:
    for n in range(11):
        _create(ecs, f"cp{n:02}", asg=f"{ASG}{n}")
    first = ecs.describe_capacity_providers()
    assert [p["name"] for p in first["capacityProviders"]] == [f"cp{n:02}" for n in range(10)]
    second = ecs.describe_capacity_providers(nextToken=first["nextToken"])
    assert [p["name"] for p in second["capacityProviders"]] == ["cp10", "FARGATE", "FARGATE_SPOT"]
    assert "nextToken" not in second
    small = ecs.describe_capacity_providers(maxResults=2)
    assert len(small["capacityProviders"]) == 2
    assert len(ecs.describe_capacity_providers(maxResults=100)["capacityProviders"]) == 13
    with pytest.raises(ecs.exceptions.InvalidParameterException):
        ecs.describe_capacity_providers(maxResults=0)
    with pytest.raises(ecs.exceptions.InvalidParameterException):
        ecs.describe_capacity_providers(nextToken="not a token")


@NEEDS_MANAGED_INSTANCES
def test_describe_for_one_cluster_shows_its_providers(ecs_mock: EcsMock, ecs: Any) -> None:
    _create(ecs, "theirs")
    _create(ecs, "ours", asg=ASG + "2")
    ecs.create_cluster(clusterName="batch", capacityProviders=["ours", "FARGATE"])
    assert _names(ecs, cluster="batch") == ["ours", "FARGATE"]
    answer = ecs.describe_capacity_providers(cluster="batch", capacityProviders=["theirs"])
    assert answer["failures"] == [{"arn": PREFIX + "theirs", "reason": "MISSING"}]
    with pytest.raises(ecs.exceptions.ClusterNotFoundException):
        ecs.describe_capacity_providers(cluster="nope")


# -- UpdateCapacityProvider -------------------------------------------------------------------


def test_update_merges_and_shows_the_update_in_progress(ecs_mock: EcsMock, ecs: Any) -> None:
    _create(ecs, autoScalingGroupProvider={"managedScaling": {"status": "ENABLED"}})
    updated = ecs.update_capacity_provider(
        name="cp",
        autoScalingGroupProvider={
            "managedScaling": {"targetCapacity": 50, "maximumScalingStepSize": 30},
            "managedDraining": "DISABLED",
        },
    )["capacityProvider"]
    assert updated["updateStatus"] == "UPDATE_IN_PROGRESS"
    asg = updated["autoScalingGroupProvider"]
    assert asg["managedScaling"] == {
        "status": "ENABLED",
        "targetCapacity": 50,
        "minimumScalingStepSize": 1,
        "maximumScalingStepSize": 30,
        "instanceWarmupPeriod": 300,
    }
    assert (asg["managedDraining"], asg["autoScalingGroupArn"]) == ("DISABLED", ASG)
    (described,) = ecs.describe_capacity_providers(capacityProviders=["cp"])["capacityProviders"]
    assert described["updateStatus"] == "UPDATE_COMPLETE"
    assert described["autoScalingGroupProvider"] == asg


def test_update_refusals_change_nothing(ecs_mock: EcsMock, ecs: Any) -> None:
    before = _create(ecs)
    with pytest.raises(ClientError) as raised:
        ecs.update_capacity_provider(
            name="cp", autoScalingGroupProvider={"managedTerminationProtection": "ENABLED"}
        )
    assert _error(raised)[0] == "ClientException"
    with pytest.raises(ClientError) as raised:
        ecs.update_capacity_provider(name="nope", autoScalingGroupProvider={})
    assert _error(raised)[0] == "ClientException"
    with pytest.raises(ClientError) as raised:
        ecs.update_capacity_provider(name="FARGATE", autoScalingGroupProvider={})
    assert "reserved" in _error(raised)[1]
    model = botocore.session.get_session().get_service_model("ecs")
    if "autoScalingGroupProvider" not in (
        model.operation_model("UpdateCapacityProvider").input_shape.required_members
    ):  # required by older models, which botocore then checks itself
        with pytest.raises(ecs.exceptions.InvalidParameterException):
            ecs.update_capacity_provider(name="cp")
    (after,) = ecs.describe_capacity_providers(capacityProviders=["cp"], include=["TAGS"])[
        "capacityProviders"
    ]
    assert after == before


# -- DeleteCapacityProvider -------------------------------------------------------------------


def test_delete_goes_inactive_then_is_forgotten_a_week_later(ecs_mock: EcsMock, ecs: Any) -> None:
    with freeze_time("2025-01-01T00:00:00Z") as frozen:
        _create(ecs)
        deleted = ecs.delete_capacity_provider(capacityProvider=PREFIX + "cp")["capacityProvider"]
        assert (deleted["status"], deleted["updateStatus"]) == ("ACTIVE", "DELETE_IN_PROGRESS")
        (gone,) = ecs.describe_capacity_providers(capacityProviders=["cp"])["capacityProviders"]
        assert (gone["status"], gone["updateStatus"]) == ("INACTIVE", "DELETE_COMPLETE")
        assert _names(ecs) == ["cp", "FARGATE", "FARGATE_SPOT"]
        # deleting it again answers it as it is
        again = ecs.delete_capacity_provider(capacityProvider="cp")["capacityProvider"]
        assert again["status"] == "INACTIVE"
        frozen.tick(7 * 24 * 3600 - 1)
        assert _names(ecs) == ["cp", "FARGATE", "FARGATE_SPOT"]
        frozen.tick(1)
        assert _names(ecs) == ["FARGATE", "FARGATE_SPOT"]
        assert ecs.describe_capacity_providers(capacityProviders=["cp"])["failures"] == [
            {"arn": PREFIX + "cp", "reason": "MISSING"}
        ]


def test_a_deleted_providers_name_and_group_can_be_used_again(ecs_mock: EcsMock, ecs: Any) -> None:
    _create(ecs, "cp")
    ecs.delete_capacity_provider(capacityProvider="cp")
    _create(ecs, "other")  # the same Auto Scaling group
    again = _create(ecs, "cp", asg=ASG + "-new")
    assert (again["status"], "updateStatus" in again) == ("ACTIVE", False)
    assert _names(ecs) == ["cp", "other", "FARGATE", "FARGATE_SPOT"]  # in its old place


def test_delete_while_associated_fails_in_the_answer(ecs_mock: EcsMock, ecs: Any) -> None:
    _create(ecs)
    ecs.create_cluster(clusterName="batch", capacityProviders=["cp"])
    failed = ecs.delete_capacity_provider(capacityProvider="cp")["capacityProvider"]
    assert (failed["status"], failed["updateStatus"]) == ("ACTIVE", "DELETE_FAILED")
    assert failed["updateStatusReason"] == (
        "The capacity provider cannot be deleted because it is associated with cluster: batch. "
        "Remove the capacity provider from the cluster and try again."
    )
    (cluster,) = ecs.describe_clusters(clusters=["batch"])["clusters"]
    assert cluster["capacityProviders"] == ["cp"]
    ecs.put_cluster_capacity_providers(
        cluster="batch", capacityProviders=[], defaultCapacityProviderStrategy=[]
    )
    deleted = ecs.delete_capacity_provider(capacityProvider="cp")["capacityProvider"]
    assert deleted["updateStatus"] == "DELETE_IN_PROGRESS"


def test_delete_refusals(ecs_mock: EcsMock, ecs: Any) -> None:
    for name in ("FARGATE", PREFIX + "FARGATE_SPOT"):
        with pytest.raises(ClientError) as raised:
            ecs.delete_capacity_provider(capacityProvider=name)
        assert _error(raised)[0] == "ClientException"
        assert "reserved" in _error(raised)[1]
    with pytest.raises(ClientError) as raised:
        ecs.delete_capacity_provider(capacityProvider="nope")
    assert _error(raised) == (
        "ClientException",
        "The specified capacity provider does not exist. Specify a valid name or ARN and try "
        "again.",
    )


# -- tagging ----------------------------------------------------------------------------------


def test_capacity_providers_can_be_tagged_by_arn(ecs_mock: EcsMock, ecs: Any) -> None:
    arn = _create(ecs, tags=[{"key": "a", "value": "1"}])["capacityProviderArn"]
    ecs.tag_resource(resourceArn=arn, tags=[{"key": "b", "value": "2"}])
    ecs.untag_resource(resourceArn=arn, tagKeys=["a"])
    assert ecs.list_tags_for_resource(resourceArn=arn)["tags"] == [{"key": "b", "value": "2"}]
    (described,) = ecs.describe_capacity_providers(capacityProviders=["cp"], include=["TAGS"])[
        "capacityProviders"
    ]
    assert described["tags"] == [{"key": "b", "value": "2"}]


def test_tagging_fargate_deleted_and_unknown_providers(ecs_mock: EcsMock, ecs: Any) -> None:
    assert ecs.list_tags_for_resource(resourceArn=PREFIX + "FARGATE")["tags"] == []
    with pytest.raises(ecs.exceptions.InvalidParameterException) as raised:
        ecs.tag_resource(resourceArn=PREFIX + "FARGATE", tags=[{"key": "k", "value": "v"}])
    assert "reserved" in _error(raised)[1]
    with pytest.raises(ecs.exceptions.ResourceNotFoundException):
        ecs.list_tags_for_resource(resourceArn=PREFIX + "nope")
    _create(ecs)
    ecs.delete_capacity_provider(capacityProvider="cp")
    with pytest.raises(ecs.exceptions.InvalidParameterException) as raised:
        ecs.tag_resource(resourceArn=PREFIX + "cp", tags=[{"key": "k", "value": "v"}])
    assert "inactive" in _error(raised)[1]

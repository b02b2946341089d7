"""PutAttributes, DeleteAttributes and ListAttributes on container instances, through boto3."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ecs_mock import EcsMock

CI = "container-instance"
LIMIT_MESSAGE = "You can apply up to 10 custom attributes for each resource."


def _attributes(ecs: Any, instance: str, cluster: str = "default") -> dict[str, str | None]:
    """The instance's attributes as DescribeContainerInstances shows them: name -> value."""
    described = ecs.describe_container_instances(cluster=cluster, containerInstances=[instance])
    return {a["name"]: a.get("value") for a in described["containerInstances"][0]["attributes"]}


def _custom(ecs: Any, instance: str, cluster: str = "default") -> dict[str, str | None]:
    return {
        name: value
        for name, value in _attributes(ecs, instance, cluster).items()
        if not name.startswith(("ecs.", "com.amazonaws.ecs."))
    }


def _short_id(arn: str) -> str:
    return arn.rsplit("/", 1)[1]


def _listed(ecs: Any, cluster: str = "default", **filters: Any) -> list[dict[str, str]]:
    pages = ecs.get_paginator("list_attributes").paginate(cluster=cluster, targetType=CI, **filters)
    return [a for page in pages for a in page["attributes"]]


# -- PutAttributes --------------------------------------------------------------------------


def test_put_shows_in_describe_and_list_and_echoes_the_request(ecs_mock: EcsMock, ecs: Any) -> None:
    instance = ecs_mock.add_container_instance("default")
    sent = [{"name": "stack", "value": "production", "targetId": instance}]

    response = ecs.put_attributes(attributes=sent)

    assert response["attributes"] == sent
    assert _custom(ecs, instance) == {"stack": "production"}
    assert _listed(ecs, attributeName="stack") == [
        {"name": "stack", "value": "production", "targetType": CI, "targetId": instance}
    ]


def test_put_replaces_the_value_of_an_existing_name(ecs_mock: EcsMock, ecs: Any) -> None:
    instance = ecs_mock.add_container_instance("default")
    ecs.put_attributes(attributes=[{"name": "stack", "value": "blue", "targetId": instance}])
    ecs.put_attributes(attributes=[{"name": "stack", "value": "green", "targetId": instance}])

    assert _custom(ecs, instance) == {"stack": "green"}
    assert len(_listed(ecs, attributeName="stack")) == 1

    ecs.put_attributes(attributes=[{"name": "stack", "targetId": instance}])
    assert _custom(ecs, instance) == {"stack": None}  # a put without a value leaves none


def test_put_by_short_id_needs_the_target_type(ecs_mock: EcsMock, ecs: Any) -> None:
    instance = ecs_mock.add_container_instance("default")
    short = _short_id(instance)

    with pytest.raises(ecs.exceptions.InvalidParameterException) as refused:
        ecs.put_attributes(attributes=[{"name": "a", "value": "1", "targetId": short}])
    assert refused.value.response["Error"]["Message"] == (
        f"Attribute 'a' must have a targetType: its targetId {short} is not a full ARN."
    )
    assert _custom(ecs, instance) == {}

    ecs.put_attributes(
        attributes=[{"name": "a", "value": "1", "targetId": short, "targetType": CI}]
    )
    assert _custom(ecs, instance) == {"a": "1"}


def test_put_without_target_id_is_refused(ecs_mock: EcsMock, ecs: Any) -> None:
    instance = ecs_mock.add_container_instance("default")
    with pytest.raises(ecs.exceptions.InvalidParameterException) as refused:
        ecs.put_attributes(attributes=[{"name": "a", "value": "1", "targetType": CI}])
    assert refused.value.response["Error"]["Message"] == "Attribute 'a' must have a targetId."
    assert _custom(ecs, instance) == {}


def test_put_on_an_unknown_instance_is_target_not_found(ecs_mock: EcsMock, ecs: Any) -> None:
    instance = ecs_mock.add_container_instance("default")
    unknown = instance[: -len(_short_id(instance))] + "0" * 32

    with pytest.raises(ecs.exceptions.TargetNotFoundException) as refused:
        ecs.put_attributes(attributes=[{"name": "a", "targetId": unknown}])

    assert refused.value.response["Error"]["Message"] == (
        f"Container instance {unknown} was not found in cluster default."
    )


def test_put_on_an_instance_of_another_cluster_is_target_not_found(
    ecs_mock: EcsMock, ecs: Any
) -> None:
    ecs_mock.create_cluster("default")
    elsewhere = ecs_mock.add_container_instance("other")

    for target in (
        {"targetId": elsewhere},
        {"targetId": _short_id(elsewhere), "targetType": CI},
    ):
        with pytest.raises(ecs.exceptions.TargetNotFoundException) as refused:
            ecs.put_attributes(cluster="default", attributes=[{"name": "a", **target}])
        assert "was not found in cluster default." in refused.value.response["Error"]["Message"]
    assert _custom(ecs, elsewhere, "other") == {}


def test_put_on_an_instance_arn_of_another_region_is_target_not_found(
    ecs_mock: EcsMock, ecs: Any
) -> None:
    instance = ecs_mock.add_container_instance("default")
    foreign = instance.replace(":us-east-1:", ":eu-west-1:")

    with pytest.raises(ecs.exceptions.TargetNotFoundException) as refused:
        ecs.put_attributes(attributes=[{"name": "a", "targetId": foreign}])

    assert foreign in refused.value.response["Error"]["Message"]
    assert _custom(ecs, instance) == {}


def test_put_on_a_deregistered_instance_is_target_not_found(ecs_mock: EcsMock, ecs: Any) -> None:
    instance = ecs_mock.add_container_instance("default")
    ecs.deregister_container_instance(containerInstance=instance)

    with pytest.raises(ecs.exceptions.TargetNotFoundException):
        ecs.put_attributes(attributes=[{"name": "a", "targetId": instance}])
    assert _custom(ecs, instance) == {}


def test_put_is_all_or_nothing(ecs_mock: EcsMock, ecs: Any) -> None:
    instance = ecs_mock.add_container_instance("default")
    ecs.put_attributes(attributes=[{"name": "kept", "value": "old", "targetId": instance}])
    unknown = instance[: -len(_short_id(instance))] + "f" * 32

    with pytest.raises(ecs.exceptions.TargetNotFoundException):
        ecs.put_attributes(
            attributes=[
                {"name": "kept", "value": "new", "targetId": instance},
                {"name": "added", "value": "x", "targetId": instance},
                {"name": "elsewhere", "targetId": unknown},
            ]
        )

    assert _custom(ecs, instance) == {"kept": "old"}


@pytest.mark.parametrize(
    ("attribute", "message"),
    [
        ({"name": "has space"}, "Invalid attribute name 'has space'"),
        ({"name": "n" * 129}, "Invalid attribute name"),
        ({"name": "ok", "value": " padded"}, "Invalid value ' padded' for attribute 'ok'"),
        ({"name": "ok", "value": "semi;colon"}, "Invalid value 'semi;colon'"),
    ],
)
def test_put_checks_names_and_values(
    ecs_mock: EcsMock, ecs: Any, attribute: dict[str, str], message: str
) -> None:
    instance = ecs_mock.add_container_instance("default")
    good = {"name": "good", "value": "1", "targetId": instance}

    with pytest.raises(ecs.exceptions.InvalidParameterException) as refused:
        ecs.put_attributes(attributes=[good, {**attribute, "targetId": instance}])

    assert refused.value.response["Error"]["Message"].startswith(message)
    assert _custom(ecs, instance) == {}


def test_put_takes_at_most_ten_attributes_a_call(ecs_mock: EcsMock, ecs: Any) -> None:
    first = ecs_mock.add_container_instance("default")
    second = ecs_mock.add_container_instance("default")
    eleven = [{"name": f"a{n}", "targetId": (first, second)[n % 2]} for n in range(11)]

    with pytest.raises(ecs.exceptions.InvalidParameterException) as refused:
        ecs.put_attributes(attributes=eleven)

    assert refused.value.response["Error"]["Message"] == (
        "You can specify up to 10 attributes in a single call."
    )
    assert _custom(ecs, first) == _custom(ecs, second) == {}


def test_put_refuses_an_empty_list(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.add_container_instance("default")
    with pytest.raises(ecs.exceptions.InvalidParameterException) as refused:
        ecs.put_attributes(attributes=[])
    assert refused.value.response["Error"]["Message"] == "Attributes cannot be empty."


def test_an_instance_holds_at_most_ten_custom_attributes(ecs_mock: EcsMock, ecs: Any) -> None:
    instance = ecs_mock.add_container_instance("default")
    ten = [{"name": f"a{n}", "value": "v", "targetId": instance} for n in range(10)]
    ecs.put_attributes(attributes=ten)

    with pytest.raises(ecs.exceptions.AttributeLimitExceededException) as refused:
        ecs.put_attributes(attributes=[{"name": "eleventh", "targetId": instance}])
    assert refused.value.response["Error"]["Message"] == LIMIT_MESSAGE

    # Replacing a value adds nothing, and ECS's own attributes do not count.
    ecs.put_attributes(
        attributes=[
            {"name": "a0", "value": "replaced", "targetId": instance},
            {"name": "ecs.capability.extra", "targetId": instance},
            {"name": "com.amazonaws.ecs.capability.extra", "targetId": instance},
        ]
    )
    custom = _custom(ecs, instance)
    assert len(custom) == 10
    assert custom["a0"] == "replaced"
    assert "eleventh" not in custom
    assert "ecs.capability.extra" in _attributes(ecs, instance)


def test_an_instance_registered_with_more_may_still_replace_values(
    ecs_mock: EcsMock, ecs: Any
) -> None:
    many = [{"name": f"r{n}", "value": "v"} for n in range(11)]
    instance = ecs_mock.add_container_instance("default", attributes=many)

    ecs.put_attributes(attributes=[{"name": "r0", "value": "new", "targetId": instance}])
    with pytest.raises(ecs.exceptions.AttributeLimitExceededException):
        ecs.put_attributes(attributes=[{"name": "twelfth", "targetId": instance}])

    custom = _custom(ecs, instance)
    assert len(custom) == 11
    assert custom["r0"] == "new"


def test_the_limit_counts_the_whole_request(ecs_mock: EcsMock, ecs: Any) -> None:
    instance = ecs_mock.add_container_instance("default")
    other = ecs_mock.add_container_instance("default")
    ecs.put_attributes(
        attributes=[{"name": f"a{n}", "targetId": instance} for n in range(9)]
        + [{"name": "a0", "targetId": other}]
    )

    with pytest.raises(ecs.exceptions.AttributeLimitExceededException):
        ecs.put_attributes(
            attributes=[
                {"name": "x", "targetId": other},  # fine on its own instance
                {"name": "b1", "targetId": instance},
                {"name": "b2", "targetId": instance},
            ]
        )

    assert len(_custom(ecs, instance)) == 9
    assert _custom(ecs, other) == {"a0": None}  # nothing of the refused request landed


@pytest.mark.parametrize("operation", ["put_attributes", "delete_attributes"])
def test_changes_in_an_unknown_cluster_are_refused(
    ecs_mock: EcsMock, ecs: Any, operation: str
) -> None:
    instance = ecs_mock.add_container_instance("default")
    with pytest.raises(ecs.exceptions.ClusterNotFoundException) as refused:
        getattr(ecs, operation)(cluster="nope", attributes=[{"name": "a", "targetId": instance}])
    assert refused.value.response["Error"]["Message"] == "Cluster not found."


# -- DeleteAttributes -----------------------------------------------------------------------


def test_delete_removes_and_echoes_with_the_stored_value(ecs_mock: EcsMock, ecs: Any) -> None:
    instance = ecs_mock.add_container_instance("default")
    ecs.put_attributes(
        attributes=[
            {"name": "stack", "value": "production", "targetId": instance},
            {"name": "team", "value": "core", "targetId": instance},
        ]
    )

    response = ecs.delete_attributes(attributes=[{"name": "stack", "targetId": instance}])

    assert response["attributes"] == [
        {"name": "stack", "value": "production", "targetId": instance}
    ]
    assert _custom(ecs, instance) == {"team": "core"}
    assert _listed(ecs, attributeName="stack") == []


def test_delete_of_a_name_the_instance_lacks_is_left_out(ecs_mock: EcsMock, ecs: Any) -> None:
    instance = ecs_mock.add_container_instance("default")
    ecs.put_attributes(attributes=[{"name": "team", "value": "core", "targetId": instance}])

    response = ecs.delete_attributes(
        attributes=[
            {"name": "never-set", "targetId": instance},
            {"name": "team", "targetId": _short_id(instance), "targetType": CI},
        ]
    )

    assert response["attributes"] == [
        {"name": "team", "value": "core", "targetId": _short_id(instance), "targetType": CI}
    ]
    assert _custom(ecs, instance) == {}


def test_delete_is_all_or_nothing(ecs_mock: EcsMock, ecs: Any) -> None:
    instance = ecs_mock.add_container_instance("default")
    elsewhere = ecs_mock.add_container_instance("other")
    ecs.put_attributes(attributes=[{"name": "team", "value": "core", "targetId": instance}])

    with pytest.raises(ecs.exceptions.TargetNotFoundException):
        ecs.delete_attributes(
            attributes=[
                {"name": "team", "targetId": instance},
                {"name": "team", "targetId": elsewhere},
            ]
        )
    with pytest.raises(ecs.exceptions.InvalidParameterException):
        ecs.delete_attributes(attributes=[{"name": "team", "targetId": instance}, {"name": "team"}])

    assert _custom(ecs, instance) == {"team": "core"}


def test_delete_takes_at_most_ten_attributes_a_call(ecs_mock: EcsMock, ecs: Any) -> None:
    instance = ecs_mock.add_container_instance("default")
    ecs.put_attributes(attributes=[{"name": "a0", "targetId": instance}])
    with pytest.raises(ecs.exceptions.InvalidParameterException) as refused:
        ecs.delete_attributes(
            attributes=[{"name": f"a{n}", "targetId": instance} for n in range(11)]
        )
    assert "up to 10 attributes" in refused.value.response["Error"]["Message"]
    assert _custom(ecs, instance) == {"a0": None}


# -- ListAttributes -------------------------------------------------------------------------


def test_list_shows_every_attribute_of_every_instance_of_the_cluster(
    ecs_mock: EcsMock, ecs: Any
) -> None:
    first = ecs_mock.add_container_instance("default")
    second = ecs_mock.add_container_instance("default")
    ecs_mock.add_container_instance("other")
    ecs.put_attributes(attributes=[{"name": "stack", "value": "prod", "targetId": second}])

    listed = _listed(ecs)

    expected = [
        {"name": name, "targetType": CI, "targetId": arn}
        | ({} if value is None else {"value": value})
        for arn in (first, second)
        for name, value in _attributes(ecs, arn).items()
    ]
    assert listed == expected
    assert {a["targetId"] for a in listed} == {first, second}
    assert {"name": "ecs.os-type", "value": "linux", "targetType": CI, "targetId": first} in listed


def test_list_filters_by_name_and_value(ecs_mock: EcsMock, ecs: Any) -> None:
    blue = ecs_mock.add_container_instance("default")
    green = ecs_mock.add_container_instance("default")
    ecs.put_attributes(
        attributes=[
            {"name": "stack", "value": "blue", "targetId": blue},
            {"name": "stack", "value": "green", "targetId": green},
        ]
    )

    by_name = _listed(ecs, attributeName="stack")
    by_value = _listed(ecs, attributeName="stack", attributeValue="green")

    assert [a["targetId"] for a in by_name] == [blue, green]
    assert by_value == [{"name": "stack", "value": "green", "targetType": CI, "targetId": green}]
    assert _listed(ecs, attributeName="stack", attributeValue="red") == []


def test_list_value_filter_needs_a_name(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.add_container_instance("default")
    with pytest.raises(ecs.exceptions.InvalidParameterException) as refused:
        ecs.list_attributes(targetType=CI, attributeValue="linux")
    assert refused.value.response["Error"]["Message"] == (
        "attributeValue can only be used together with attributeName."
    )


def test_list_paginates(ecs_mock: EcsMock, ecs: Any) -> None:
    instance = ecs_mock.add_container_instance("default")
    total = len(_attributes(ecs, instance))

    first = ecs.list_attributes(targetType=CI, maxResults=2)
    rest = ecs.list_attributes(targetType=CI, maxResults=100, nextToken=first["nextToken"])

    assert len(first["attributes"]) == 2
    assert "nextToken" not in rest
    names = [a["name"] for a in first["attributes"] + rest["attributes"]]
    assert names == list(_attributes(ecs, instance))
    assert len(names) == total
    with pytest.raises(ecs.exceptions.InvalidParameterException):
        ecs.list_attributes(targetType=CI, maxResults=101)


def test_list_leaves_out_deregistered_instances(ecs_mock: EcsMock, ecs: Any) -> None:
    gone = ecs_mock.add_container_instance("default")
    kept = ecs_mock.add_container_instance("default")
    ecs.deregister_container_instance(containerInstance=gone)

    assert {a["targetId"] for a in _listed(ecs)} == {kept}


def test_list_in_an_unknown_cluster_is_refused(ecs_mock: EcsMock, ecs: Any) -> None:
    with pytest.raises(ecs.exceptions.ClusterNotFoundException) as refused:
        ecs.list_attributes(cluster="nope", targetType=CI)
    assert refused.value.response["Error"]["Message"] == "Cluster not found."


# -- what StartTask sees --------------------------------------------------------------------


def test_a_put_capability_lets_start_task_place_and_deleting_it_takes_that_back(
    ecs_mock: EcsMock, ecs: Any
) -> None:
    ecs_mock.register_task_definition("app")
    # Registered with a capability list of its own, so the agent's defaults are not added.
    instance = ecs_mock.add_container_instance(
        "default", attributes=[{"name": "ecs.capability.task-eni"}]
    )

    def start() -> dict[str, Any]:
        result: dict[str, Any] = ecs.start_task(
            taskDefinition="app", containerInstances=[instance], enableExecuteCommand=True
        )
        return result

    assert start()["failures"] == [{"arn": instance, "reason": "ATTRIBUTE"}]

    capability = {"name": "ecs.capability.execute-command", "targetId": instance}
    ecs.put_attributes(attributes=[capability])
    placed = start()
    assert placed["failures"] == []
    assert placed["tasks"][0]["containerInstanceArn"] == instance

    ecs.delete_attributes(attributes=[capability])
    assert start()["failures"] == [{"arn": instance, "reason": "ATTRIBUTE"}]
    assert "ecs.capability.execute-command" not in _attributes(ecs, instance)


def test_put_attributes_survive_the_agent_re_registering(ecs_mock: EcsMock, ecs: Any) -> None:
    instance = ecs_mock.add_container_instance("default")
    ecs.put_attributes(attributes=[{"name": "team", "value": "data", "targetId": instance}])
    document = ecs.describe_container_instances(containerInstances=[instance])
    ec2_id = document["containerInstances"][0]["ec2InstanceId"]
    identity = json.dumps({"instanceId": ec2_id, "instanceType": "m5.large"})
    ecs.register_container_instance(
        instanceIdentityDocument=identity,
        containerInstanceArn=instance,
        attributes=[{"name": "rack", "value": "r1"}],
    )
    assert _custom(ecs, instance) == {"team": "data", "rack": "r1"}


@pytest.mark.parametrize("size", [1, 3, 7, 100])
def test_every_page_size_walks_each_attribute_once_in_order(
    ecs_mock: EcsMock, ecs: Any, size: int
) -> None:
    # Pages end inside one instance's attributes and resume there, across a deregistered
    # instance (skipped) and with a name filter that matches one attribute per instance.
    instances = [ecs_mock.add_container_instance("default") for _ in range(4)]
    ecs.deregister_container_instance(containerInstance=instances[1], force=True)
    listed = [i for i in instances if i != instances[1]]
    expected = [(i, name) for i in listed for name in _attributes(ecs, i)]

    walked = []
    token = None
    while True:
        page = ecs.list_attributes(
            targetType=CI, maxResults=size, **({"nextToken": token} if token else {})
        )
        assert len(page["attributes"]) <= size
        walked += [(a["targetId"], a["name"]) for a in page["attributes"]]
        token = page.get("nextToken")
        if token is None:
            break

    assert walked == expected
    by_name = _listed(ecs, attributeName="ecs.os-type", maxResults=1)
    assert [a["targetId"] for a in by_name] == listed


def test_list_refuses_a_token_of_another_shape(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.add_container_instance("default")
    with pytest.raises(ecs.exceptions.InvalidParameterException, match="Invalid nextToken"):
        ecs.list_attributes(targetType=CI, nextToken="MQ==")  # "1": a one-number token

"""TagResource, UntagResource and ListTagsForResource on every taggable resource kind."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import pytest

from ecs_mock import EcsMock

ARN_PREFIX = "arn:aws:ecs:us-east-1:123456789012"
INVALID_ARN = "The ARN provided is invalid."
STOPPED_TASK = "The specified task is stopped. Specify a running task and try again."


def _cluster(mock: EcsMock, ecs: Any) -> str:
    return mock.create_cluster("tagged")


def _task_definition(mock: EcsMock, ecs: Any) -> str:
    return mock.register_task_definition("tagged")


def _container_instance(mock: EcsMock, ecs: Any) -> str:
    return mock.add_container_instance("tagged")


def _task(mock: EcsMock, ecs: Any) -> str:
    instance = mock.add_container_instance("tagged")
    mock.register_task_definition("app")
    arn: str = ecs.start_task(
        cluster="tagged", taskDefinition="app", containerInstances=[instance]
    )["tasks"][0]["taskArn"]
    return arn


def _described_tags(ecs: Any, arn: str) -> list[dict[str, str]]:
    """The resource's tags as its own Describe operation reports them."""
    kind = arn.split(":")[5].split("/")[0]
    if kind == "cluster":
        tags = ecs.describe_clusters(clusters=[arn], include=["TAGS"])["clusters"][0]["tags"]
    elif kind == "task-definition":
        tags = ecs.describe_task_definition(taskDefinition=arn, include=["TAGS"])["tags"]
    elif kind == "container-instance":
        tags = ecs.describe_container_instances(
            cluster="tagged", containerInstances=[arn], include=["TAGS"]
        )["containerInstances"][0]["tags"]
    else:
        tags = ecs.describe_tasks(cluster="tagged", tasks=[arn], include=["TAGS"])["tasks"][0][
            "tags"
        ]
    return list(tags)


Make = Callable[[EcsMock, Any], str]
RESOURCES = pytest.mark.parametrize(
    "make",
    [_cluster, _task_definition, _container_instance, _task],
    ids=["cluster", "task-definition", "container-instance", "task"],
)


def _every_operation(ecs: Any, arn: str, untag: str) -> list[Callable[[], Any]]:
    return [
        partial(ecs.tag_resource, resourceArn=arn, tags=[{"key": "k", "value": "v"}]),
        partial(ecs.untag_resource, resourceArn=arn, tagKeys=[untag]),
        partial(ecs.list_tags_for_resource, resourceArn=arn),
    ]


def _tags(ecs: Any, arn: str) -> list[dict[str, str]]:
    tags: list[dict[str, str]] = ecs.list_tags_for_resource(resourceArn=arn)["tags"]
    return tags


@RESOURCES
def test_tag_list_untag(ecs_mock: EcsMock, ecs: Any, make: Make) -> None:
    arn = make(ecs_mock, ecs)
    assert _tags(ecs, arn) == []

    ecs.tag_resource(resourceArn=arn, tags=[{"key": "team", "value": "data"}])
    ecs.tag_resource(resourceArn=arn, tags=[{"key": "env", "value": "prod"}])
    assert _tags(ecs, arn) == [{"key": "team", "value": "data"}, {"key": "env", "value": "prod"}]
    assert _described_tags(ecs, arn) == _tags(ecs, arn)

    # Same key overwrites in place rather than adding a second entry.
    ecs.tag_resource(resourceArn=arn, tags=[{"key": "team", "value": "web"}])
    assert _tags(ecs, arn) == [{"key": "team", "value": "web"}, {"key": "env", "value": "prod"}]

    # Unknown keys are ignored; keys are case-sensitive.
    ecs.untag_resource(resourceArn=arn, tagKeys=["TEAM", "missing"])
    assert len(_tags(ecs, arn)) == 2
    ecs.untag_resource(resourceArn=arn, tagKeys=["team"])
    assert _tags(ecs, arn) == [{"key": "env", "value": "prod"}]
    assert _described_tags(ecs, arn) == [{"key": "env", "value": "prod"}]
    ecs.untag_resource(resourceArn=arn, tagKeys=["env"])
    assert _tags(ecs, arn) == []


def test_tags_belong_to_one_resource(ecs_mock: EcsMock, ecs: Any) -> None:
    first = ecs_mock.register_task_definition("tagged")
    second = ecs_mock.register_task_definition("tagged")
    other_cluster = ecs_mock.create_cluster("other")
    ecs.tag_resource(resourceArn=first, tags=[{"key": "rev", "value": "1"}])
    assert _tags(ecs, first) == [{"key": "rev", "value": "1"}]
    assert _tags(ecs, second) == []
    assert _tags(ecs, other_cluster) == []


def test_tags_given_at_creation_are_listed(ecs_mock: EcsMock, ecs: Any) -> None:
    tags = [{"key": "team", "value": "data"}]
    cluster = ecs_mock.create_cluster("tagged", tags=tags)
    definition = ecs_mock.register_task_definition("tagged", tags=tags)
    instance = ecs_mock.add_container_instance("tagged")
    task = ecs.start_task(
        cluster="tagged", taskDefinition=definition, containerInstances=[instance], tags=tags
    )["tasks"][0]["taskArn"]
    for arn in (cluster, definition, task):
        assert _tags(ecs, arn) == tags


@RESOURCES
def test_fifty_tags_is_the_limit(ecs_mock: EcsMock, ecs: Any, make: Make) -> None:
    arn = make(ecs_mock, ecs)
    ecs.tag_resource(resourceArn=arn, tags=[{"key": f"k{n}", "value": "v"} for n in range(49)])
    ecs.tag_resource(resourceArn=arn, tags=[{"key": "k0", "value": "new"}, {"key": "last"}])
    assert len(_tags(ecs, arn)) == 50
    before = _tags(ecs, arn)
    with pytest.raises(ecs.exceptions.InvalidParameterException) as exc:
        ecs.tag_resource(resourceArn=arn, tags=[{"key": "one-more", "value": "v"}])
    assert "50" in exc.value.response["Error"]["Message"]
    assert _tags(ecs, arn) == before


def test_more_than_fifty_in_one_request(ecs_mock: EcsMock, ecs: Any) -> None:
    arn = ecs_mock.create_cluster("tagged")
    with pytest.raises(ecs.exceptions.InvalidParameterException) as exc:
        ecs.tag_resource(resourceArn=arn, tags=[{"key": f"k{n}", "value": "v"} for n in range(51)])
    assert exc.value.response["Error"]["Message"] == (
        "1 validation error detected: Value at 'tags' failed to satisfy constraint: "
        "Member must have length less than or equal to 50"
    )
    assert _tags(ecs, arn) == []


def _task_with_managed_tag(mock: EcsMock, ecs: Any) -> str:
    instance = mock.add_container_instance("tagged")
    mock.register_task_definition("app")
    arn: str = ecs.start_task(
        cluster="tagged",
        taskDefinition="app",
        containerInstances=[instance],
        enableECSManagedTags=True,
    )["tasks"][0]["taskArn"]
    return arn


MANAGED = {"key": "aws:ecs:clusterName", "value": "tagged"}


def test_managed_tags_cannot_be_removed(ecs_mock: EcsMock, ecs: Any) -> None:
    task = _task_with_managed_tag(ecs_mock, ecs)
    ecs.tag_resource(resourceArn=task, tags=[{"key": "team", "value": "data"}])
    assert _tags(ecs, task) == [MANAGED, {"key": "team", "value": "data"}]
    for key in ("aws:ecs:clusterName", "AWS:ecs:clusterName"):
        with pytest.raises(ecs.exceptions.InvalidParameterException) as exc:
            ecs.untag_resource(resourceArn=task, tagKeys=["team", key])
        assert exc.value.response["Error"]["Message"] == "Tag key must not start with aws:"
    # Refused as a whole: the user tag named alongside stays too.
    assert _tags(ecs, task) == [MANAGED, {"key": "team", "value": "data"}]


def test_managed_tags_do_not_count_towards_fifty(ecs_mock: EcsMock, ecs: Any) -> None:
    task = _task_with_managed_tag(ecs_mock, ecs)
    fifty = [{"key": f"k{n}", "value": "v"} for n in range(50)]
    ecs.tag_resource(resourceArn=task, tags=fifty)
    with pytest.raises(ecs.exceptions.InvalidParameterException) as exc:
        ecs.tag_resource(resourceArn=task, tags=[{"key": "k50", "value": "v"}])
    assert "50" in exc.value.response["Error"]["Message"]


def test_fifty_user_tags_and_a_managed_one_can_be_listed(ecs_mock: EcsMock, ecs: Any) -> None:
    task = _task_with_managed_tag(ecs_mock, ecs)
    fifty = [{"key": f"k{n}", "value": "v"} for n in range(50)]
    ecs.tag_resource(resourceArn=task, tags=fifty)
    assert _tags(ecs, task) == [MANAGED, *fifty]


@pytest.mark.parametrize(
    ("tags", "message"),
    [
        ([{"key": "k" * 129, "value": "v"}], "less than or equal to 128"),
        ([{"key": "k", "value": "v" * 257}], "less than or equal to 256"),
        ([{"value": "v"}], "Tag key must not be empty."),
        ([{"key": "bad#key", "value": "v"}], "regular expression pattern"),
        (
            [{"key": "k", "value": "1"}, {"key": "k", "value": "2"}],
            "Duplicate tag key: k. Tag keys must be unique.",
        ),
    ],
    ids=["key-129", "value-257", "no-key", "bad-key-character", "duplicate-key"],
)
def test_bad_tags_are_refused(
    ecs_mock: EcsMock, ecs: Any, tags: list[dict[str, str]], message: str
) -> None:
    arn = ecs_mock.create_cluster("tagged", tags=[{"key": "keep", "value": "me"}])
    with pytest.raises(ecs.exceptions.InvalidParameterException) as exc:
        ecs.tag_resource(resourceArn=arn, tags=[{"key": "good", "value": "v"}, *tags])
    assert message in exc.value.response["Error"]["Message"]
    assert _tags(ecs, arn) == [{"key": "keep", "value": "me"}]


def test_longest_key_and_value_are_accepted(ecs_mock: EcsMock, ecs: Any) -> None:
    arn = ecs_mock.create_cluster("tagged")
    tag = {"key": "k" * 128, "value": "v" * 256}
    ecs.tag_resource(resourceArn=arn, tags=[tag])
    assert _tags(ecs, arn) == [tag]


@RESOURCES
@pytest.mark.parametrize("key", ["aws:team", "AWS:team", "Aws:team", "aWs:"])
def test_aws_prefix_is_reserved(ecs_mock: EcsMock, ecs: Any, make: Make, key: str) -> None:
    arn = make(ecs_mock, ecs)
    ecs.tag_resource(resourceArn=arn, tags=[{"key": "keep", "value": "me"}])
    with pytest.raises(ecs.exceptions.InvalidParameterException) as exc:
        ecs.tag_resource(
            resourceArn=arn, tags=[{"key": "fine", "value": "v"}, {"key": key, "value": "v"}]
        )
    assert exc.value.response["Error"]["Message"] == "Tag key must not start with aws:"
    assert _tags(ecs, arn) == [{"key": "keep", "value": "me"}]


def test_aws_elsewhere_in_a_key_or_value_is_fine(ecs_mock: EcsMock, ecs: Any) -> None:
    arn = ecs_mock.create_cluster("tagged")
    tags = [{"key": "my-aws:key", "value": "aws:value"}, {"key": "aws", "value": "v"}]
    ecs.tag_resource(resourceArn=arn, tags=tags)
    assert _tags(ecs, arn) == tags


BAD_ARNS = [
    "not-an-arn",
    "",
    "arn:aws:s3:::bucket",
    "arn:aws:sqs:us-east-1:123456789012:cluster/tagged",
    f"{ARN_PREFIX}:cluster",
    "arn:aws:ecs:eu-west-1:123456789012:cluster/tagged",
    "arn:aws:ecs:us-east-1:210987654321:cluster/tagged",
    "arn:aws-cn:ecs:us-east-1:123456789012:cluster/tagged",
    f"{ARN_PREFIX}:service/web",
    f"{ARN_PREFIX}:task/0123456789abcdef0123456789abcdef",
    f"{ARN_PREFIX}:task/bad cluster/0123456789abcdef0123456789abcdef",
]
BAD_ARN_IDS = [
    "not-arn",
    "empty",
    "s3",
    "sqs",
    "no-resource",
    "other-region",
    "other-account",
    "other-partition",
    "short-service-arn",
    "short-task-arn",
    "bad-cluster-name",
]


@pytest.mark.parametrize("arn", BAD_ARNS, ids=BAD_ARN_IDS)
def test_malformed_or_foreign_arns_are_invalid(ecs_mock: EcsMock, ecs: Any, arn: str) -> None:
    cluster = ecs_mock.create_cluster("tagged", tags=[{"key": "keep", "value": "me"}])
    for call in _every_operation(ecs, arn, untag="keep"):
        with pytest.raises(ecs.exceptions.InvalidParameterException) as exc:
            call()
        assert exc.value.response["Error"]["Message"] == INVALID_ARN
    assert _tags(ecs, cluster) == [{"key": "keep", "value": "me"}]


UNKNOWN_ID = "0123456789abcdef0123456789abcdef"


@pytest.mark.parametrize(
    "arn",
    [
        f"{ARN_PREFIX}:cluster/nope",
        f"{ARN_PREFIX}:task-definition/nope:1",
        f"{ARN_PREFIX}:task-definition/app:2",
        f"{ARN_PREFIX}:task-definition/app",
        f"{ARN_PREFIX}:container-instance/tagged/{UNKNOWN_ID}",
        f"{ARN_PREFIX}:task/tagged/{UNKNOWN_ID}",
        f"{ARN_PREFIX}:service/tagged/web",
        f"{ARN_PREFIX}:daemon/tagged/agent",
        f"{ARN_PREFIX}:daemon-task-definition/agent:1",
        f"{ARN_PREFIX}:gateway/edge",
        f"{ARN_PREFIX}:task-set/tagged/web/ecs-svc/1234567890123456789",
    ],
    ids=[
        "cluster",
        "family",
        "revision",
        "no-revision",
        "container-instance",
        "task",
        "service",
        "daemon",
        "daemon-task-definition",
        "gateway",
        "task-set",
    ],
)
def test_unknown_resource(ecs_mock: EcsMock, ecs: Any, arn: str) -> None:
    ecs_mock.create_cluster("tagged")
    ecs_mock.register_task_definition("app")
    # Mock decision: ListTagsForResource's model lists no ResourceNotFoundException, but it
    # answers as TagResource and UntagResource do rather than with a third error.
    for call in _every_operation(ecs, arn, untag="k"):
        with pytest.raises(ecs.exceptions.ResourceNotFoundException) as exc:
            call()
        assert exc.value.response["Error"]["Message"] == (
            "The specified resource could not be found."
        )


@pytest.mark.parametrize("kind", ["task", "container-instance"])
def test_resource_in_an_unknown_cluster(ecs_mock: EcsMock, ecs: Any, kind: str) -> None:
    arn = f"{ARN_PREFIX}:{kind}/nope/{UNKNOWN_ID}"
    with pytest.raises(ecs.exceptions.ClusterNotFoundException) as exc:
        ecs.tag_resource(resourceArn=arn, tags=[{"key": "k", "value": "v"}])
    assert exc.value.response["Error"]["Message"] == "Cluster not found."


def test_deleted_cluster_has_no_tags_to_show(ecs_mock: EcsMock, ecs: Any) -> None:
    # Changed deliberately (issue 15 defect 6): a deleted cluster is INACTIVE for a while, and
    # tagging one answers the observed "is inactive" error rather than "not found".
    arn = ecs_mock.create_cluster("tagged", tags=[{"key": "k", "value": "v"}])
    ecs.delete_cluster(cluster=arn)
    for call in (
        lambda: ecs.list_tags_for_resource(resourceArn=arn),
        lambda: ecs.tag_resource(resourceArn=arn, tags=[{"key": "a", "value": "b"}]),
        lambda: ecs.untag_resource(resourceArn=arn, tagKeys=["k"]),
    ):
        with pytest.raises(ecs.exceptions.InvalidParameterException) as raised:
            call()
        assert raised.value.response["Error"]["Message"] == (
            "The specified cluster is inactive. Specify an active cluster and try again."
        )


def test_instance_of_another_cluster_is_not_found(ecs_mock: EcsMock, ecs: Any) -> None:
    instance = ecs_mock.add_container_instance("tagged")
    ecs_mock.create_cluster("other")
    moved = instance.replace("/tagged/", "/other/")
    with pytest.raises(ecs.exceptions.ResourceNotFoundException):
        ecs.tag_resource(resourceArn=moved, tags=[{"key": "k", "value": "v"}])
    assert _tags(ecs, instance) == []


@pytest.mark.ecs_mock(stopping_seconds=600)
def test_stopping_task_keeps_its_tags_until_stopped(ecs_mock: EcsMock, ecs: Any) -> None:
    task = _task(ecs_mock, ecs)
    ecs.tag_resource(resourceArn=task, tags=[{"key": "team", "value": "data"}])
    ecs.stop_task(cluster="tagged", task=task)
    # STOPPING is not yet stopped: the task can still be tagged and read.
    assert ecs.describe_tasks(cluster="tagged", tasks=[task])["tasks"][0]["lastStatus"] == (
        "STOPPING"
    )
    ecs.tag_resource(resourceArn=task, tags=[{"key": "env", "value": "prod"}])
    assert _tags(ecs, task) == [{"key": "team", "value": "data"}, {"key": "env", "value": "prod"}]

    ecs_mock.advance("STOPPED", task=task)
    for call in _every_operation(ecs, task, untag="team"):
        with pytest.raises(ecs.exceptions.InvalidParameterException) as exc:
            call()
        assert exc.value.response["Error"]["Message"] == STOPPED_TASK
    # The refused TagResource added nothing: StopTask deletes a task's tags.
    assert (
        ecs.describe_tasks(cluster="tagged", tasks=[task], include=["TAGS"])["tasks"][0]["tags"]
        == []
    )


def test_deregistered_task_definition_keeps_its_tags(ecs_mock: EcsMock, ecs: Any) -> None:
    arn = ecs_mock.register_task_definition("tagged", tags=[{"key": "k", "value": "v"}])
    ecs.deregister_task_definition(taskDefinition=arn)
    ecs.tag_resource(resourceArn=arn, tags=[{"key": "after", "value": "1"}])
    assert _tags(ecs, arn) == [{"key": "k", "value": "v"}, {"key": "after", "value": "1"}]


def test_start_task_with_fifty_tags_and_the_managed_one(ecs_mock: EcsMock, ecs: Any) -> None:
    instance = ecs_mock.add_container_instance("tagged")
    ecs_mock.register_task_definition("app")
    fifty = [{"key": f"k{n}", "value": "v"} for n in range(50)]
    task = ecs.start_task(
        cluster="tagged",
        taskDefinition="app",
        containerInstances=[instance],
        tags=fifty,
        enableECSManagedTags=True,
    )["tasks"][0]
    assert task["tags"] == [*fifty, MANAGED]


def test_propagation_may_not_take_a_task_past_fifty_tags(ecs_mock: EcsMock, ecs: Any) -> None:
    instance = ecs_mock.add_container_instance("tagged")
    ecs_mock.register_task_definition("app", tags=[{"key": "team", "value": "data"}])
    fifty = [{"key": f"k{n}", "value": "v"} for n in range(50)]
    with pytest.raises(ecs.exceptions.InvalidParameterException) as exc:
        ecs.start_task(
            cluster="tagged",
            taskDefinition="app",
            containerInstances=[instance],
            tags=fifty,
            propagateTags="TASK_DEFINITION",
        )
    assert "at most 50 tags" in exc.value.response["Error"]["Message"]
    assert ecs.list_tasks(cluster="tagged")["taskArns"] == []
    # A propagated key the request already sets is not a fifty-first tag.
    fifty[0] = {"key": "team", "value": "request"}
    task = ecs.start_task(
        cluster="tagged",
        taskDefinition="app",
        containerInstances=[instance],
        tags=fifty,
        propagateTags="TASK_DEFINITION",
    )["tasks"][0]
    assert task["tags"] == fifty

"""CreateCluster, DescribeClusters, ListClusters and DeleteCluster through boto3."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from freezegun import freeze_time

from ecs_mock import EcsMock

ARN_PREFIX = "arn:aws:ecs:us-east-1:123456789012"


def _cluster_arn(name: str) -> str:
    return f"{ARN_PREFIX}:cluster/{name}"


def _listed(ecs: Any) -> list[str]:
    arns: list[str] = ecs.list_clusters()["clusterArns"]
    return arns


def _describe_one(ecs: Any, reference: str, **extra: Any) -> dict[str, Any]:
    result = ecs.describe_clusters(clusters=[reference], **extra)
    assert result["failures"] == []
    (cluster,) = result["clusters"]
    return dict(cluster)


# -- CreateCluster --------------------------------------------------------------------------


def test_create_without_a_name_creates_default(ecs_mock: EcsMock, ecs: Any) -> None:
    cluster = ecs.create_cluster()["cluster"]
    # The whole shape, as the AWS CLI shows it for a new cluster: a missing list would break
    # callers that index into it.
    assert cluster == {
        "clusterArn": _cluster_arn("default"),
        "clusterName": "default",
        "status": "ACTIVE",
        "registeredContainerInstancesCount": 0,
        "runningTasksCount": 0,
        "pendingTasksCount": 0,
        "activeServicesCount": 0,
        "statistics": [],
        "tags": [],
        "settings": [{"name": "containerInsights", "value": "disabled"}],
        "capacityProviders": [],
        "defaultCapacityProviderStrategy": [],
    }
    assert _listed(ecs) == [_cluster_arn("default")]
    # Operations that omit `cluster` now find it.
    assert ecs.list_container_instances()["containerInstanceArns"] == []


def test_create_echoes_settings_and_tags(ecs_mock: EcsMock, ecs: Any) -> None:
    tags = [{"key": "team", "value": "data"}, {"key": "empty", "value": ""}]
    settings = [{"name": "containerInsights", "value": "enabled"}]
    cluster = ecs.create_cluster(clusterName="batch", tags=tags, settings=settings)["cluster"]
    assert cluster["clusterArn"] == _cluster_arn("batch")
    assert cluster["tags"] == tags
    assert cluster["settings"] == settings
    assert ecs.list_tags_for_resource(resourceArn=cluster["clusterArn"])["tags"] == tags


def test_create_is_idempotent(ecs_mock: EcsMock, ecs: Any) -> None:
    first = ecs.create_cluster(clusterName="web", tags=[{"key": "v", "value": "1"}])["cluster"]
    again = ecs.create_cluster(clusterName="web", tags=[{"key": "v", "value": "2"}])["cluster"]
    assert again["clusterArn"] == first["clusterArn"]
    # The existing cluster is returned as it is: the second call's tags are not applied.
    assert again["tags"] == [{"key": "v", "value": "1"}]
    assert _listed(ecs) == [first["clusterArn"]]


def test_create_keeps_what_the_cluster_holds(ecs_mock: EcsMock, ecs: Any) -> None:
    instance = ecs_mock.add_container_instance("web")
    cluster = ecs.create_cluster(clusterName="web")["cluster"]
    assert cluster["registeredContainerInstancesCount"] == 1
    assert ecs.list_container_instances(cluster="web")["containerInstanceArns"] == [instance]


def test_create_name_up_to_255_allowed_characters(ecs_mock: EcsMock, ecs: Any) -> None:
    name = "Ab0-_" * 51
    assert len(name) == 255
    assert ecs.create_cluster(clusterName=name)["cluster"]["clusterName"] == name
    assert _listed(ecs) == [_cluster_arn(name)]


@pytest.mark.parametrize(
    "name",
    ["x" * 256, "has space", "dot.ted", "sl/ash", "col:on", "ünï", "trailing\n"],
    ids=["256-chars", "space", "dot", "slash", "colon", "non-ascii", "newline"],
)
def test_create_refuses_bad_names(ecs_mock: EcsMock, ecs: Any, name: str) -> None:
    with pytest.raises(ecs.exceptions.InvalidParameterException) as exc:
        ecs.create_cluster(clusterName=name)
    message = exc.value.response["Error"]["Message"]
    assert message.startswith("Cluster name must match ^[a-zA-Z0-9\\-_]{1,255}$")
    assert message.endswith(name)
    assert _listed(ecs) == []


@pytest.mark.parametrize(
    ("tags", "message"),
    [
        ([{"key": "aws:team", "value": "x"}], "Tag key must not start with aws:"),
        ([{"key": "AwS:team", "value": "x"}], "Tag key must not start with aws:"),
        (
            [{"key": "k", "value": "1"}, {"key": "k", "value": "2"}],
            "Duplicate tag key: k. Tag keys must be unique.",
        ),
        ([{"key": f"k{n}", "value": "v"} for n in range(51)], "less than or equal to 50"),
        ([{"key": "k" * 129, "value": "v"}], "less than or equal to 128"),
        ([{"key": "k", "value": "v" * 257}], "less than or equal to 256"),
    ],
    ids=["aws-prefix", "aws-prefix-mixed-case", "duplicate-key", "51-tags", "key-129", "value-257"],
)
def test_create_refuses_bad_tags_and_creates_nothing(
    ecs_mock: EcsMock, ecs: Any, tags: list[dict[str, str]], message: str
) -> None:
    with pytest.raises(ecs.exceptions.InvalidParameterException) as exc:
        ecs.create_cluster(clusterName="tagged", tags=tags)
    assert message in exc.value.response["Error"]["Message"]
    assert _listed(ecs) == []


def test_create_accepts_tag_limits_exactly(ecs_mock: EcsMock, ecs: Any) -> None:
    tags = [{"key": f"{n:03d}" + "k" * 125, "value": "v" * 256} for n in range(50)]
    cluster = ecs.create_cluster(clusterName="full", tags=tags)["cluster"]
    assert cluster["tags"] == tags


# -- DescribeClusters -----------------------------------------------------------------------


def test_describe_by_name_and_arn_with_missing_failures(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.create_cluster("alpha")
    ecs_mock.create_cluster("beta")
    unknown_arn = _cluster_arn("gamma")
    result = ecs.describe_clusters(clusters=["beta", _cluster_arn("alpha"), "nope", unknown_arn])
    assert [c["clusterName"] for c in result["clusters"]] == ["beta", "alpha"]
    assert [c["clusterArn"] for c in result["clusters"]] == [
        _cluster_arn("beta"),
        _cluster_arn("alpha"),
    ]
    assert result["failures"] == [
        {"arn": _cluster_arn("nope"), "reason": "MISSING"},
        {"arn": unknown_arn, "reason": "MISSING"},
    ]


def test_describe_without_clusters_means_default(ecs_mock: EcsMock, ecs: Any) -> None:
    assert ecs.describe_clusters()["failures"] == [
        {"arn": _cluster_arn("default"), "reason": "MISSING"}
    ]
    ecs_mock.create_cluster("default")
    assert [c["clusterName"] for c in ecs.describe_clusters()["clusters"]] == ["default"]


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:ecs:eu-west-1:123456789012:cluster/default",
        "arn:aws:ecs:us-east-1:210987654321:cluster/default",
        "arn:aws-cn:ecs:us-east-1:123456789012:cluster/default",
    ],
    ids=["other-region", "other-account", "other-partition"],
)
def test_describe_an_arn_for_elsewhere_is_missing(ecs_mock: EcsMock, ecs: Any, arn: str) -> None:
    ecs_mock.create_cluster("default")
    result = ecs.describe_clusters(clusters=[arn])
    assert result["clusters"] == []
    assert result["failures"] == [{"arn": arn, "reason": "MISSING"}]


def test_describe_refuses_more_than_100(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.create_cluster("default")
    assert len(ecs.describe_clusters(clusters=["default"] * 100)["clusters"]) == 100
    with pytest.raises(ecs.exceptions.InvalidParameterException) as exc:
        ecs.describe_clusters(clusters=["default"] * 101)
    assert exc.value.response["Error"]["Message"] == "clusters can have at most 100 items."


def test_describe_tags_only_when_asked(ecs_mock: EcsMock, ecs: Any) -> None:
    tags = [{"key": "team", "value": "data"}]
    ecs_mock.create_cluster("tagged", tags=tags)
    assert _describe_one(ecs, "tagged")["tags"] == []
    assert _describe_one(ecs, "tagged", include=["TAGS"])["tags"] == tags
    assert _describe_one(ecs, "tagged", include=["SETTINGS", "TAGS"])["tags"] == tags


def _counters(ecs: Any, name: str) -> tuple[int, int, int]:
    cluster = _describe_one(ecs, name)
    return (
        cluster["registeredContainerInstancesCount"],
        cluster["pendingTasksCount"],
        cluster["runningTasksCount"],
    )


@pytest.mark.ecs_mock(pending_seconds=600)
def test_describe_counts_instances_and_tasks(ecs_mock: EcsMock, ecs: Any) -> None:
    first = ecs_mock.add_container_instance("work")
    second = ecs_mock.add_container_instance("work")
    ecs_mock.add_container_instance("elsewhere")
    ecs_mock.register_task_definition("app")
    assert _counters(ecs, "work") == (2, 0, 0)

    started = ecs.start_task(cluster="work", taskDefinition="app", containerInstances=[first])
    task = started["tasks"][0]["taskArn"]
    ecs.start_task(cluster="work", taskDefinition="app", containerInstances=[second])
    assert _counters(ecs, "work") == (2, 2, 0)
    assert _counters(ecs, "elsewhere") == (1, 0, 0)

    ecs_mock.advance("RUNNING", task=task)
    assert _counters(ecs, "work") == (2, 1, 1)

    ecs.stop_task(cluster="work", task=task)
    ecs_mock.advance("STOPPED", task=task)
    assert _counters(ecs, "work") == (2, 1, 0)

    # A draining instance is still registered; a deregistered one is not.
    ecs.update_container_instances_state(
        cluster="work", containerInstances=[first], status="DRAINING"
    )
    assert _counters(ecs, "work")[0] == 2
    ecs.deregister_container_instance(cluster="work", containerInstance=first)
    assert _counters(ecs, "work") == (1, 1, 0)


# -- ListClusters ---------------------------------------------------------------------------


def test_list_pages_with_max_results_and_next_token(ecs_mock: EcsMock, ecs: Any) -> None:
    names = [f"c{n}" for n in range(5)]
    for name in names:
        ecs_mock.create_cluster(name)
    seen: list[str] = []
    pages = 0
    kwargs: dict[str, Any] = {"maxResults": 2}
    while True:
        page = ecs.list_clusters(**kwargs)
        pages += 1
        assert len(page["clusterArns"]) <= 2
        seen += page["clusterArns"]
        if "nextToken" not in page:
            break
        kwargs["nextToken"] = page["nextToken"]
    assert pages == 3
    assert seen == [_cluster_arn(name) for name in names]


def test_list_with_botocore_paginator(ecs_mock: EcsMock, ecs: Any) -> None:
    names = [f"p{n:02d}" for n in range(7)]
    for name in names:
        ecs_mock.create_cluster(name)
    paginator = ecs.get_paginator("list_clusters")
    pages = list(paginator.paginate(PaginationConfig={"PageSize": 3}))
    assert [len(page["clusterArns"]) for page in pages] == [3, 3, 1]
    listed = paginator.paginate(PaginationConfig={"PageSize": 3}).build_full_result()
    assert listed["clusterArns"] == [_cluster_arn(name) for name in names]


def test_list_exact_page_has_no_next_token(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.create_cluster("one")
    ecs_mock.create_cluster("two")
    page = ecs.list_clusters(maxResults=2)
    assert page["clusterArns"] == [_cluster_arn("one"), _cluster_arn("two")]
    assert "nextToken" not in page


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"maxResults": 0}, "maxResults must be between 1 and 100."),
        ({"maxResults": 101}, "maxResults must be between 1 and 100."),
        ({"nextToken": "not a token"}, "Invalid nextToken provided."),
    ],
    ids=["max-0", "max-101", "bad-token"],
)
def test_list_refuses_bad_paging(
    ecs_mock: EcsMock, ecs: Any, kwargs: dict[str, Any], message: str
) -> None:
    ecs_mock.create_cluster("one")
    with pytest.raises(ecs.exceptions.InvalidParameterException) as exc:
        ecs.list_clusters(**kwargs)
    assert exc.value.response["Error"]["Message"] == message


def test_list_is_per_region(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.create_cluster("here")
    west = boto3.client("ecs", region_name="eu-west-1")
    assert west.list_clusters()["clusterArns"] == []
    west.create_cluster(clusterName="there")
    assert _listed(ecs) == [_cluster_arn("here")]
    assert west.list_clusters()["clusterArns"] == [
        "arn:aws:ecs:eu-west-1:123456789012:cluster/there"
    ]


# -- DeleteCluster --------------------------------------------------------------------------


INACTIVE = "The referenced cluster was inactive."


def test_delete_keeps_the_cluster_inactive_for_a_week(ecs_mock: EcsMock, ecs: Any) -> None:
    # Changed deliberately (issue 15 defect 6): a deleted cluster used to be MISSING at once.
    with freeze_time("2025-01-01T00:00:00Z") as frozen:
        ecs_mock.create_cluster("gone", tags=[{"key": "team", "value": "data"}])
        ecs_mock.create_cluster("kept")
        deleted = ecs.delete_cluster(cluster="gone")["cluster"]
        assert deleted["status"] == "INACTIVE"
        assert deleted["clusterArn"] == _cluster_arn("gone")
        assert _listed(ecs) == [_cluster_arn("kept")]
        # "Clusters with an INACTIVE status might remain discoverable in your account for a
        # period of time" (DeleteCluster reference): a week of clock time in the mock.
        described = _describe_one(ecs, "gone", include=["TAGS"])
        assert (described["status"], described["registeredContainerInstancesCount"]) == (
            "INACTIVE",
            0,
        )
        assert described["tags"] == [{"key": "team", "value": "data"}]
        frozen.tick(7 * 24 * 3600 - 1)
        assert _describe_one(ecs, _cluster_arn("gone"))["status"] == "INACTIVE"
        frozen.tick(1)
        assert ecs.describe_clusters(clusters=["gone"])["failures"] == [
            {"arn": _cluster_arn("gone"), "reason": "MISSING"}
        ]
        with pytest.raises(ecs.exceptions.ClusterNotFoundException) as exc:
            ecs.delete_cluster(cluster="gone")
        assert exc.value.response["Error"]["Message"] == "Cluster not found."


def test_an_inactive_cluster_is_not_found_where_a_cluster_is_needed(
    ecs_mock: EcsMock, ecs: Any
) -> None:
    ecs_mock.register_task_definition("app")
    ecs_mock.create_cluster("gone")
    ecs.delete_cluster(cluster="gone")
    calls = [
        lambda: ecs.delete_cluster(cluster="gone"),
        lambda: ecs.list_container_instances(cluster="gone"),
        lambda: ecs.list_tasks(cluster="gone"),
        lambda: ecs.describe_tasks(cluster="gone", tasks=["a" * 32]),
        lambda: ecs.run_task(cluster="gone", taskDefinition="app"),
        lambda: ecs.start_task(cluster="gone", taskDefinition="app", containerInstances=["x"]),
        lambda: ecs.update_cluster_settings(
            cluster="gone", settings=[{"name": "containerInsights", "value": "enabled"}]
        ),
        lambda: ecs.put_cluster_capacity_providers(
            cluster="gone", capacityProviders=[], defaultCapacityProviderStrategy=[]
        ),
    ]
    for call in calls:
        with pytest.raises(ecs.exceptions.ClusterNotFoundException) as exc:
            call()
        assert exc.value.response["Error"]["Message"] == INACTIVE
    # The agent's registration answers ClientException, as for an unknown cluster (observed).
    with pytest.raises(ecs.exceptions.ClientException) as exc:
        ecs.register_container_instance(cluster="gone")
    assert exc.value.response["Error"]["Message"] == "Cluster not found."
    with pytest.raises(ecs.exceptions.InvalidParameterException) as exc:
        ecs.tag_resource(resourceArn=_cluster_arn("gone"), tags=[{"key": "k", "value": "v"}])
    assert exc.value.response["Error"]["Message"] == (
        "The specified cluster is inactive. Specify an active cluster and try again."
    )
    assert _describe_one(ecs, "gone")["status"] == "INACTIVE"


def test_a_deleted_cluster_lets_go_of_its_capacity_providers(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs.create_capacity_provider(
        name="asg", autoScalingGroupProvider={"autoScalingGroupArn": "asg-group"}
    )
    ecs.create_cluster(clusterName="gone", capacityProviders=["asg", "FARGATE"])
    deleted = ecs.delete_cluster(cluster="gone")["cluster"]
    assert (deleted["capacityProviders"], deleted["defaultCapacityProviderStrategy"]) == ([], [])
    # The provider is free: another cluster may take it, or it may be deleted.
    ecs.create_cluster(clusterName="next", capacityProviders=["asg"])
    ecs.put_cluster_capacity_providers(
        cluster="next", capacityProviders=[], defaultCapacityProviderStrategy=[]
    )
    answer = ecs.delete_capacity_provider(capacityProvider="asg")["capacityProvider"]
    assert answer["updateStatus"] == "DELETE_IN_PROGRESS"


def test_delete_by_arn(ecs_mock: EcsMock, ecs: Any) -> None:
    arn = ecs_mock.create_cluster("byarn")
    assert ecs.delete_cluster(cluster=arn)["cluster"]["clusterArn"] == arn
    assert _listed(ecs) == []


def test_delete_unknown_cluster(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.create_cluster("kept")
    for reference in ("nope", _cluster_arn("nope")):
        with pytest.raises(ecs.exceptions.ClusterNotFoundException) as exc:
            ecs.delete_cluster(cluster=reference)
        assert exc.value.response["Error"]["Message"] == "Cluster not found."
    assert _listed(ecs) == [_cluster_arn("kept")]


def test_recreated_cluster_starts_empty(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.create_cluster("again", tags=[{"key": "old", "value": "1"}])
    ecs_mock.create_cluster("later")
    ecs.delete_cluster(cluster="again")
    cluster = ecs.create_cluster(clusterName="again")["cluster"]
    assert cluster["status"] == "ACTIVE"
    assert cluster["tags"] == []
    assert ecs.list_tags_for_resource(resourceArn=cluster["clusterArn"])["tags"] == []
    assert _describe_one(ecs, "again")["status"] == "ACTIVE"
    assert _listed(ecs) == [_cluster_arn("again"), _cluster_arn("later")]  # in its old place
    # The first one's expiry does not take the new one with it.
    with freeze_time("2099-01-01"):
        assert _describe_one(ecs, "again")["status"] == "ACTIVE"


def test_delete_refused_while_instances_are_registered(ecs_mock: EcsMock, ecs: Any) -> None:
    instance = ecs_mock.add_container_instance("busy")
    ecs.update_container_instances_state(
        cluster="busy", containerInstances=[instance], status="DRAINING"
    )
    with pytest.raises(ecs.exceptions.ClusterContainsContainerInstancesException) as exc:
        ecs.delete_cluster(cluster="busy")
    assert exc.value.response["Error"]["Message"] == (
        "The Cluster cannot be deleted while Container Instances are active or draining."
    )
    assert _describe_one(ecs, "busy")["status"] == "ACTIVE"
    assert _listed(ecs) == [_cluster_arn("busy")]

    ecs.deregister_container_instance(cluster="busy", containerInstance=instance)
    assert ecs.delete_cluster(cluster="busy")["cluster"]["status"] == "INACTIVE"


def test_delete_refused_while_tasks_are_active(ecs_mock: EcsMock, ecs: Any) -> None:
    instance = ecs_mock.add_container_instance("busy")
    ecs_mock.register_task_definition("app")
    task = ecs.start_task(cluster="busy", taskDefinition="app", containerInstances=[instance])[
        "tasks"
    ][0]["taskArn"]
    # A forced deregistration leaves the task running, so only the task check stands.
    ecs.deregister_container_instance(cluster="busy", containerInstance=instance, force=True)
    with pytest.raises(ecs.exceptions.ClusterContainsTasksException) as exc:
        ecs.delete_cluster(cluster="busy")
    assert exc.value.response["Error"]["Message"] == (
        "The Cluster cannot be deleted while Tasks are active."
    )
    assert ecs.list_tasks(cluster="busy")["taskArns"] == [task]

    ecs.stop_task(cluster="busy", task=task)
    ecs_mock.advance("STOPPED", task=task)
    assert ecs.delete_cluster(cluster="busy")["cluster"]["status"] == "INACTIVE"
    # The stopped task went with its cluster.
    ecs_mock.create_cluster("busy")
    assert ecs.list_tasks(cluster="busy", desiredStatus="STOPPED")["taskArns"] == []
    assert ecs.describe_tasks(cluster="busy", tasks=[task])["failures"] == [
        {"arn": task, "reason": "MISSING"}
    ]

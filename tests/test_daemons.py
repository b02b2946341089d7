"""Daemons, daemon task definitions, deployments and revisions, through boto3."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from freezegun import freeze_time

from ecs_mock import EcsMock
from ecs_mock._schema import known_operations

pytestmark = pytest.mark.skipif(
    "CreateDaemon" not in known_operations(),
    reason="this botocore's ECS model has no daemons (a newer release adds them)",
)

PREFIX = "arn:aws:ecs:us-east-1:123456789012"
PROVIDER = f"{PREFIX}:capacity-provider/managed"
OTHER_PROVIDER = f"{PREFIX}:capacity-provider/spare"
AGENT = [{"name": "agent", "image": "agent:1", "memory": 128}]
START = dt.datetime(2025, 3, 15, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def definition(ecs: Any) -> str:
    arn: str = ecs.register_daemon_task_definition(family="agent", containerDefinitions=AGENT)[
        "daemonTaskDefinitionArn"
    ]
    return arn


@pytest.fixture
def daemon(ecs: Any, cluster: str, definition: str) -> dict[str, Any]:
    created: dict[str, Any] = ecs.create_daemon(
        daemonName="agent",
        daemonTaskDefinitionArn=definition,
        capacityProviderArns=[PROVIDER],
    )
    return created


def _error(raised: pytest.ExceptionInfo[Any]) -> tuple[str, str]:
    error = raised.value.response["Error"]
    return error["Code"], error["Message"]


def _deployment(ecs: Any, arn: str) -> dict[str, Any]:
    found: dict[str, Any] = ecs.describe_daemon_deployments(daemonDeploymentArns=[arn])
    assert found["failures"] == []
    return dict(found["daemonDeployments"][0])


# -- daemon task definitions ------------------------------------------------------------------


def test_register_and_describe_fill_documented_defaults(ecs: Any) -> None:
    arn = ecs.register_daemon_task_definition(
        family="agent",
        containerDefinitions=AGENT,
        cpu="0.5 vCPU",
        memory="256",
        tags=[{"key": "team", "value": "obs"}],
    )["daemonTaskDefinitionArn"]

    assert arn == f"{PREFIX}:daemon-task-definition/agent:1"
    described = ecs.describe_daemon_task_definition(daemonTaskDefinition="agent")
    body = described["daemonTaskDefinition"]
    assert body["daemonTaskDefinitionArn"] == arn
    assert (body["family"], body["revision"], body["status"]) == ("agent", 1, "ACTIVE")
    assert (body["cpu"], body["memory"]) == ("512", "256")
    assert body["registeredBy"] == "arn:aws:iam::123456789012:root"
    assert body["volumes"] == []
    assert body["containerDefinitions"] == [
        {**AGENT[0], "essential": True, "cpu": 0, "mountPoints": [], "secrets": []}
    ]
    assert "deleteRequestedAt" not in body
    assert ecs.list_tags_for_resource(resourceArn=arn)["tags"] == [{"key": "team", "value": "obs"}]


def test_revisions_count_up_and_every_reference_form_resolves(ecs: Any) -> None:
    first = ecs.register_daemon_task_definition(family="agent", containerDefinitions=AGENT)
    second = ecs.register_daemon_task_definition(family="agent", containerDefinitions=AGENT)
    assert second["daemonTaskDefinitionArn"].endswith(":2")
    for reference, revision in (
        ("agent", 2),
        ("agent:1", 1),
        (first["daemonTaskDefinitionArn"], 1),
    ):
        described = ecs.describe_daemon_task_definition(daemonTaskDefinition=reference)
        assert described["daemonTaskDefinition"]["revision"] == revision


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        ({"family": "bad family"}, "Family contains invalid characters."),
        ({"containerDefinitions": []}, "Container list cannot be empty."),
        (
            {"containerDefinitions": [AGENT[0], AGENT[0]]},
            "Container names must be unique within a daemon task definition.",
        ),
        (
            {"containerDefinitions": [{**AGENT[0], "essential": False}]},
            "Daemon task definition doesn't have any essential container.",
        ),
        (
            {"containerDefinitions": [{**AGENT[0], "memoryReservation": 512}]},
            "Invalid setting for container 'agent'. 'memory' must be greater than or equal to "
            "'memoryReservation'.",
        ),
        (
            {"containerDefinitions": [{"image": " "}]},
            "Container.image should not be null or empty.",
        ),
    ],
    ids=["family", "empty", "duplicate-names", "no-essential", "memory", "blank-image"],
)
def test_register_refusals(ecs: Any, request_: dict[str, Any], message: str) -> None:
    params = {"family": "agent", "containerDefinitions": AGENT, **request_}
    with pytest.raises(ecs.exceptions.ClientException) as raised:
        ecs.register_daemon_task_definition(**params)
    assert _error(raised)[1] == message
    assert ecs.list_daemon_task_definitions(status="ALL")["daemonTaskDefinitions"] == []


def test_register_refuses_a_bad_task_size(ecs: Any) -> None:
    with pytest.raises(ecs.exceptions.InvalidParameterException, match="Invalid 'cpu' setting"):
        ecs.register_daemon_task_definition(family="a", containerDefinitions=AGENT, cpu="lots")


@pytest.mark.parametrize(
    "reference",
    [
        "nope",
        "agent:9",
        "agent:x",
        f"{PREFIX}:task-definition/agent:1",
        "arn:aws:ecs:eu-west-1:123456789012:daemon-task-definition/agent:1",
    ],
)
def test_describe_misses(ecs: Any, definition: str, reference: str) -> None:
    with pytest.raises(ecs.exceptions.ClientException) as raised:
        ecs.describe_daemon_task_definition(daemonTaskDefinition=reference)
    assert _error(raised)[1] == "Daemon task definition not found."


def test_list_filters_sorts_and_pages(ecs: Any) -> None:
    for family in ("beta", "alpha", "alpha", "gamma"):
        ecs.register_daemon_task_definition(family=family, containerDefinitions=AGENT)

    def arns(**params: Any) -> list[str]:
        listed = ecs.list_daemon_task_definitions(**params)["daemonTaskDefinitions"]
        return [d["arn"].rsplit("/", 1)[1] for d in listed]

    assert arns() == ["alpha:1", "alpha:2", "beta:1", "gamma:1"]
    assert arns(sort="DESC") == ["gamma:1", "beta:1", "alpha:2", "alpha:1"]
    assert arns(familyPrefix="al") == ["alpha:1", "alpha:2"]
    assert arns(family="beta") == ["beta:1"]
    assert arns(revision="LAST_REGISTERED") == ["alpha:2", "beta:1", "gamma:1"]
    first = ecs.list_daemon_task_definitions(maxResults=3)
    assert len(first["daemonTaskDefinitions"]) == 3
    rest = ecs.list_daemon_task_definitions(maxResults=3, nextToken=first["nextToken"])
    assert [d["arn"] for d in rest["daemonTaskDefinitions"]] == [
        f"{PREFIX}:daemon-task-definition/gamma:1"
    ]
    assert "nextToken" not in rest
    with pytest.raises(ecs.exceptions.InvalidParameterException):
        ecs.list_daemon_task_definitions(maxResults=101)


def test_delete_of_an_unused_definition_is_deleted_at_once(ecs: Any, definition: str) -> None:
    ecs.register_daemon_task_definition(family="agent", containerDefinitions=AGENT)

    answer = ecs.delete_daemon_task_definition(daemonTaskDefinition="agent:1")

    assert answer["daemonTaskDefinitionArn"] == definition
    body = ecs.describe_daemon_task_definition(daemonTaskDefinition="agent:1")
    assert body["daemonTaskDefinition"]["status"] == "DELETED"
    assert "deleteRequestedAt" in body["daemonTaskDefinition"]
    # The family now resolves to its latest ACTIVE revision.
    latest = ecs.describe_daemon_task_definition(daemonTaskDefinition="agent")
    assert latest["daemonTaskDefinition"]["revision"] == 2
    listed = ecs.list_daemon_task_definitions()["daemonTaskDefinitions"]
    assert [d["arn"] for d in listed] == [f"{PREFIX}:daemon-task-definition/agent:2"]
    with pytest.raises(ecs.exceptions.ClientException) as raised:
        ecs.delete_daemon_task_definition(daemonTaskDefinition="agent:1")
    assert _error(raised)[1] == f"Daemon task definition {definition} is already deleted."


def test_delete_needs_a_revision(ecs: Any, definition: str) -> None:
    with pytest.raises(ecs.exceptions.ClientException, match=r"Revision is missing\."):
        ecs.delete_daemon_task_definition(daemonTaskDefinition="agent")


def test_a_definition_a_daemon_runs_stays_delete_in_progress(
    ecs: Any, definition: str, daemon: dict[str, Any]
) -> None:
    ecs.delete_daemon_task_definition(daemonTaskDefinition=definition)

    body = ecs.describe_daemon_task_definition(daemonTaskDefinition=definition)
    assert body["daemonTaskDefinition"]["status"] == "DELETE_IN_PROGRESS"
    listed = ecs.list_daemon_task_definitions(status="DELETE_IN_PROGRESS")
    assert [d["arn"] for d in listed["daemonTaskDefinitions"]] == [definition]
    with pytest.raises(ecs.exceptions.ClientException, match="is being deleted"):
        ecs.delete_daemon_task_definition(daemonTaskDefinition=definition)
    # No new daemon may use it; the running one moves to another revision, releasing it.
    with pytest.raises(ecs.exceptions.ClientException, match="DELETE_IN_PROGRESS"):
        ecs.create_daemon(
            daemonName="second", daemonTaskDefinitionArn=definition, capacityProviderArns=[PROVIDER]
        )
    replacement = ecs.register_daemon_task_definition(family="agent", containerDefinitions=AGENT)
    ecs.update_daemon(
        daemonArn=daemon["daemonArn"],
        daemonTaskDefinitionArn=replacement["daemonTaskDefinitionArn"],
        capacityProviderArns=[PROVIDER],
    )
    body = ecs.describe_daemon_task_definition(daemonTaskDefinition=definition)
    assert body["daemonTaskDefinition"]["status"] == "DELETED"


# -- daemons ----------------------------------------------------------------------------------


def test_create_answers_and_describe_shows_the_revision(
    ecs: Any, cluster: str, definition: str, daemon: dict[str, Any]
) -> None:
    assert daemon["daemonArn"] == f"{PREFIX}:daemon/default/agent"
    assert daemon["status"] == "ACTIVE"
    assert daemon["deploymentArn"].startswith(f"{PREFIX}:daemon-deployment/default/agent/")

    detail = ecs.describe_daemon(daemonArn=daemon["daemonArn"])["daemon"]
    assert detail["clusterArn"] == f"{PREFIX}:cluster/default"
    assert detail["deploymentArn"] == daemon["deploymentArn"]
    assert detail["createdAt"] == daemon["createdAt"] == detail["updatedAt"]
    [revision] = detail["currentRevisions"]
    assert revision["arn"].startswith(f"{PREFIX}:daemon-revision/default/agent/")
    # Daemon tasks are not started yet: no instance runs one.
    assert revision["capacityProviders"] == [
        {"arn": PROVIDER, "runningCount": 0, "withoutDaemonCount": 0}
    ]
    assert (revision["totalRunningCount"], revision["totalWithoutDaemonCount"]) == (0, 0)
    [described] = ecs.describe_daemon_revisions(daemonRevisionArns=[revision["arn"]])[
        "daemonRevisions"
    ]
    assert described == {
        "daemonRevisionArn": revision["arn"],
        "clusterArn": detail["clusterArn"],
        "daemonArn": daemon["daemonArn"],
        "daemonTaskDefinitionArn": definition,
        "createdAt": daemon["createdAt"],
        "containerImages": [{"containerName": "agent", "image": "agent:1"}],
        "propagateTags": "NONE",
        "enableECSManagedTags": False,
        "enableExecuteCommand": False,
        "critical": True,
    }
    assert ecs.list_tasks(cluster=cluster, daemonName="agent")["taskArns"] == []


def test_first_deployment_succeeds_at_once_with_documented_defaults(
    ecs: Any, daemon: dict[str, Any]
) -> None:
    deployment = _deployment(ecs, daemon["deploymentArn"])
    assert deployment["status"] == "SUCCESSFUL"
    assert deployment["statusReason"] == "Deployment completed successfully."
    assert deployment["createdAt"] == deployment["startedAt"] == deployment["finishedAt"]
    assert deployment["sourceDaemonRevisions"] == []
    assert deployment["circuitBreaker"] == {
        "failureCount": 0,
        "status": "MONITORING_COMPLETE",
        "threshold": 10,
    }
    assert deployment["alarms"] == {
        "status": "DISABLED",
        "alarmNames": [],
        "triggeredAlarmNames": [],
    }
    assert deployment["deploymentConfiguration"] == {
        "drainPercent": 25.0,
        "alarms": {"alarmNames": [], "enable": False},
        "bakeTimeInMinutes": 0,
    }
    target = deployment["targetDaemonRevision"]
    assert target["capacityProviders"][0]["arn"] == PROVIDER
    assert target["totalRunningInstanceCount"] == target["totalDrainingInstanceCount"] == 0


def test_bake_time_keeps_a_deployment_in_progress_on_the_clock(
    ecs: Any, cluster: str, definition: str
) -> None:
    with freeze_time(START) as frozen:
        created = ecs.create_daemon(
            daemonName="agent",
            daemonTaskDefinitionArn=definition,
            capacityProviderArns=[PROVIDER],
            deploymentConfiguration={
                "bakeTimeInMinutes": 5,
                "alarms": {"alarmNames": ["a"], "enable": True},
            },
        )
        frozen.tick(dt.timedelta(minutes=1))
        updated = ecs.update_daemon(
            daemonArn=created["daemonArn"],
            daemonTaskDefinitionArn=definition,
            capacityProviderArns=[PROVIDER, OTHER_PROVIDER],
        )
        first = _deployment(ecs, created["deploymentArn"])
        assert (first["status"], first["stoppedAt"]) == ("STOPPED", updated["updatedAt"])
        running = _deployment(ecs, updated["deploymentArn"])
        assert running["status"] == "IN_PROGRESS"
        assert "finishedAt" not in running
        assert "statusReason" not in running
        assert running["circuitBreaker"]["status"] == "MONITORING"
        assert running["alarms"] == {
            "status": "MONITORING",
            "alarmNames": ["a"],
            "triggeredAlarmNames": [],
        }
        # While it rolls out, the revision it replaces still runs beside it.
        current = ecs.describe_daemon(daemonArn=created["daemonArn"])["daemon"]["currentRevisions"]
        assert [r["arn"] for r in current] == [
            running["targetDaemonRevision"]["arn"],
            running["sourceDaemonRevisions"][0]["arn"],
        ]
        frozen.tick(dt.timedelta(minutes=5))
        done = _deployment(ecs, updated["deploymentArn"])
        assert done["status"] == "SUCCESSFUL"
        assert done["finishedAt"] == updated["updatedAt"] + dt.timedelta(minutes=5)
        current = ecs.describe_daemon(daemonArn=created["daemonArn"])["daemon"]["currentRevisions"]
        assert [r["arn"] for r in current] == [done["targetDaemonRevision"]["arn"]]
        assert [p["arn"] for p in current[0]["capacityProviders"]] == [PROVIDER, OTHER_PROVIDER]


def test_update_keeps_what_it_does_not_name(ecs: Any, cluster: str, definition: str) -> None:
    created = ecs.create_daemon(
        daemonName="agent",
        daemonTaskDefinitionArn=definition,
        capacityProviderArns=[PROVIDER],
        propagateTags="DAEMON",
        enableExecuteCommand=True,
        critical=False,
        deploymentConfiguration={"drainPercent": 50.0},
    )
    updated = ecs.update_daemon(
        daemonArn=created["daemonArn"],
        daemonTaskDefinitionArn=definition,
        capacityProviderArns=[PROVIDER],
        enableECSManagedTags=True,
    )
    deployment = _deployment(ecs, updated["deploymentArn"])
    assert deployment["deploymentConfiguration"]["drainPercent"] == 50.0
    revision = ecs.describe_daemon_revisions(
        daemonRevisionArns=[deployment["targetDaemonRevision"]["arn"]]
    )["daemonRevisions"][0]
    assert (revision["propagateTags"], revision["enableExecuteCommand"]) == ("DAEMON", True)
    assert (revision["critical"], revision["enableECSManagedTags"]) == (False, True)


def test_create_with_the_same_client_token_is_the_same_request(
    ecs: Any, cluster: str, definition: str
) -> None:
    params = {
        "daemonName": "agent",
        "daemonTaskDefinitionArn": definition,
        "capacityProviderArns": [PROVIDER],
        "clientToken": "token-1",
    }
    first = ecs.create_daemon(**params)
    again = ecs.create_daemon(**params)
    assert again["deploymentArn"] == first["deploymentArn"]
    deployments = ecs.list_daemon_deployments(daemonArn=first["daemonArn"])["daemonDeployments"]
    assert len(deployments) == 1
    with pytest.raises(ecs.exceptions.InvalidParameterException) as raised:
        ecs.create_daemon(**{**params, "clientToken": "token-2"})
    assert _error(raised)[1] == "Creation of daemon was not idempotent."


@pytest.mark.parametrize(
    ("change", "code", "message"),
    [
        ({"daemonName": "bad name"}, "InvalidParameterException", "Daemon name must match"),
        ({"clusterArn": "nope"}, "ClusterNotFoundException", "Cluster not found."),
        ({"daemonTaskDefinitionArn": "nope:1"}, "ClientException", "not found"),
        ({"capacityProviderArns": []}, "InvalidParameterException", "can not be empty"),
        ({"capacityProviderArns": ["managed"]}, "InvalidParameterException", "Invalid capacity"),
        (
            {"capacityProviderArns": ["arn:aws:ecs:eu-west-1:123456789012:capacity-provider/m"]},
            "InvalidParameterException",
            "Invalid capacity provider ARN",
        ),
        (
            {"capacityProviderArns": [f"{PREFIX}:capacity-provider/FARGATE"]},
            "InvalidParameterException",
            "Managed Instances",
        ),
        ({"capacityProviderArns": [PROVIDER, PROVIDER]}, "InvalidParameterException", "duplicates"),
        (
            {"deploymentConfiguration": {"bakeTimeInMinutes": 1441}},
            "InvalidParameterException",
            "bakeTimeInMinutes must be between 0 and 1440",
        ),
        ({"clientToken": "x" * 37}, "InvalidParameterException", "clientToken"),
        ({"tags": [{"key": "aws:x", "value": "v"}]}, "InvalidParameterException", "aws:"),
    ],
    ids=[
        "name",
        "cluster",
        "definition",
        "no-providers",
        "provider-name",
        "foreign-provider",
        "fargate",
        "duplicate-providers",
        "bake-time",
        "token",
        "tags",
    ],
)
def test_create_refusals_change_nothing(
    ecs: Any, cluster: str, definition: str, change: dict[str, Any], code: str, message: str
) -> None:
    params = {
        "daemonName": "agent",
        "daemonTaskDefinitionArn": definition,
        "capacityProviderArns": [PROVIDER],
        **change,
    }
    with pytest.raises(ecs.exceptions.ClientError) as raised:
        ecs.create_daemon(**params)
    assert _error(raised)[0] == code
    assert message in _error(raised)[1]
    assert ecs.list_daemons()["daemonSummariesList"] == []


def test_an_auto_scaling_group_provider_is_refused(ecs: Any, cluster: str, definition: str) -> None:
    arn = ecs.create_capacity_provider(
        name="spare", autoScalingGroupProvider={"autoScalingGroupArn": "asg"}
    )["capacityProvider"]["capacityProviderArn"]
    assert arn == OTHER_PROVIDER
    with pytest.raises(ecs.exceptions.InvalidParameterException, match="Managed Instances"):
        ecs.create_daemon(
            daemonName="agent", daemonTaskDefinitionArn=definition, capacityProviderArns=[arn]
        )
    assert ecs.list_daemons()["daemonSummariesList"] == []


def test_a_taken_name_is_refused(ecs: Any, daemon: dict[str, Any], definition: str) -> None:
    with pytest.raises(ecs.exceptions.InvalidParameterException, match="not idempotent"):
        ecs.create_daemon(
            daemonName="agent", daemonTaskDefinitionArn=definition, capacityProviderArns=[PROVIDER]
        )


@pytest.mark.parametrize(
    ("arn", "code"),
    [
        ("agent", "InvalidParameterException"),
        (f"{PREFIX}:daemon/agent", "InvalidParameterException"),
        (f"{PREFIX}:daemon/default/nope", "DaemonNotFoundException"),
        (f"{PREFIX}:daemon/missing/agent", "ClusterNotFoundException"),
        ("arn:aws:ecs:us-east-1:210987654321:daemon/default/agent", "DaemonNotFoundException"),
    ],
    ids=["name", "short-arn", "unknown", "unknown-cluster", "other-account"],
)
def test_daemon_lookups(ecs: Any, daemon: dict[str, Any], arn: str, code: str) -> None:
    for call in (
        lambda: ecs.describe_daemon(daemonArn=arn),
        lambda: ecs.delete_daemon(daemonArn=arn),
        lambda: ecs.update_daemon(
            daemonArn=arn, daemonTaskDefinitionArn="agent:1", capacityProviderArns=[PROVIDER]
        ),
    ):
        with pytest.raises(ecs.exceptions.ClientError) as raised:
            call()
        assert _error(raised)[0] == code
    assert ecs.describe_daemon(daemonArn=daemon["daemonArn"])["daemon"]["status"] == "ACTIVE"


def test_delete_is_in_progress_for_the_bake_time_then_gone(
    ecs: Any, cluster: str, definition: str
) -> None:
    with freeze_time(START) as frozen:
        created = ecs.create_daemon(
            daemonName="agent",
            daemonTaskDefinitionArn=definition,
            capacityProviderArns=[PROVIDER],
            deploymentConfiguration={"bakeTimeInMinutes": 2},
            tags=[{"key": "k", "value": "v"}],
        )
        arn = created["daemonArn"]
        frozen.tick(dt.timedelta(minutes=3))
        deleted = ecs.delete_daemon(daemonArn=arn)
        assert deleted["status"] == "DELETE_IN_PROGRESS"
        assert deleted["deploymentArn"] != created["deploymentArn"]
        removal = _deployment(ecs, deleted["deploymentArn"])
        assert removal["status"] == "IN_PROGRESS"
        assert "targetDaemonRevision" not in removal
        assert len(removal["sourceDaemonRevisions"]) == 1
        assert ecs.describe_daemon(daemonArn=arn)["daemon"]["status"] == "DELETE_IN_PROGRESS"
        assert [d["status"] for d in ecs.list_daemons()["daemonSummariesList"]] == [
            "DELETE_IN_PROGRESS"
        ]
        with pytest.raises(ecs.exceptions.InvalidParameterException) as raised:
            ecs.delete_daemon(daemonArn=arn)
        assert "deployment deletion is ongoing" in _error(raised)[1]
        with pytest.raises(ecs.exceptions.DaemonNotActiveException):
            ecs.update_daemon(
                daemonArn=arn, daemonTaskDefinitionArn=definition, capacityProviderArns=[PROVIDER]
            )
        with pytest.raises(ecs.exceptions.InvalidParameterException, match="being deleted"):
            ecs.create_daemon(
                daemonName="agent",
                daemonTaskDefinitionArn=definition,
                capacityProviderArns=[PROVIDER],
            )
        frozen.tick(dt.timedelta(minutes=2))

        with pytest.raises(ecs.exceptions.DaemonNotFoundException):
            ecs.describe_daemon(daemonArn=arn)
        assert ecs.list_daemons()["daemonSummariesList"] == []
        with pytest.raises(ecs.exceptions.ClientException, match=r"Daemon not found\."):
            ecs.list_daemon_deployments(daemonArn=arn)
        missing = ecs.describe_daemon_deployments(daemonDeploymentArns=[deleted["deploymentArn"]])
        assert missing["failures"] == [{"arn": deleted["deploymentArn"], "reason": "MISSING"}]
        with pytest.raises(ecs.exceptions.ResourceNotFoundException):
            ecs.list_tags_for_resource(resourceArn=arn)
        # The name is free again.
        again = ecs.create_daemon(
            daemonName="agent", daemonTaskDefinitionArn=definition, capacityProviderArns=[PROVIDER]
        )
        assert again["daemonArn"] == arn
        assert len(ecs.list_daemon_deployments(daemonArn=arn)["daemonDeployments"]) == 1


def test_list_deployments_filters_newest_first_and_pages(
    ecs: Any, cluster: str, definition: str
) -> None:
    change = {"daemonTaskDefinitionArn": definition, "capacityProviderArns": [PROVIDER]}
    with freeze_time(START) as frozen:
        created = ecs.create_daemon(daemonName="agent", **change)
        arn = created["daemonArn"]
        for _ in range(22):
            frozen.tick(dt.timedelta(seconds=1))
            ecs.update_daemon(daemonArn=arn, **change)
    first = ecs.list_daemon_deployments(daemonArn=arn)
    assert len(first["daemonDeployments"]) == 20  # the documented default page
    rest = ecs.list_daemon_deployments(daemonArn=arn, nextToken=first["nextToken"])
    assert "nextToken" not in rest
    everything = first["daemonDeployments"] + rest["daemonDeployments"]
    created_at = [d["createdAt"] for d in everything]
    assert created_at == [START + dt.timedelta(seconds=s) for s in range(22, -1, -1)]
    assert everything[-1]["daemonDeploymentArn"] == created["deploymentArn"]
    window = ecs.list_daemon_deployments(
        daemonArn=arn,
        createdAt={
            "after": START + dt.timedelta(seconds=20),
            "before": START + dt.timedelta(seconds=22),
        },
    )["daemonDeployments"]
    assert [d["createdAt"] for d in window] == [START + dt.timedelta(seconds=21)]
    # Each update replaced a deployment that had already succeeded (no bake time).
    stopped = ecs.list_daemon_deployments(daemonArn=arn, status=["STOPPED"])
    assert stopped["daemonDeployments"] == []
    succeeded = ecs.list_daemon_deployments(daemonArn=arn, status=["SUCCESSFUL"], maxResults=100)
    assert len(succeeded["daemonDeployments"]) == 23


def test_describe_many_reports_missing_and_limits(ecs: Any, daemon: dict[str, Any]) -> None:
    unknown = f"{PREFIX}:daemon-deployment/default/agent/nope"
    answer = ecs.describe_daemon_deployments(
        daemonDeploymentArns=[daemon["deploymentArn"], unknown, "x"]
    )
    assert len(answer["daemonDeployments"]) == 1
    assert answer["failures"] == [
        {"arn": unknown, "reason": "MISSING"},
        {"arn": "x", "reason": "MISSING"},
    ]
    revisions = ecs.describe_daemon_revisions(daemonRevisionArns=[unknown])
    assert revisions == {
        **revisions,
        "daemonRevisions": [],
        "failures": [{"arn": unknown, "reason": "MISSING"}],
    }
    for call in (ecs.describe_daemon_deployments, ecs.describe_daemon_revisions):
        name = (
            "daemonDeploymentArns"
            if call == ecs.describe_daemon_deployments
            else "daemonRevisionArns"
        )
        with pytest.raises(ecs.exceptions.InvalidParameterException, match="at most 20"):
            call(**{name: ["x"] * 21})
        with pytest.raises(ecs.exceptions.InvalidParameterException, match="can not be empty"):
            call(**{name: []})


def test_list_daemons_by_cluster_and_capacity_provider(
    ecs: Any, ecs_mock: EcsMock, definition: str, daemon: dict[str, Any]
) -> None:
    ecs_mock.create_cluster("other")
    for name, provider in (("second", OTHER_PROVIDER), ("third", PROVIDER)):
        ecs.create_daemon(
            daemonName=name,
            clusterArn="other" if name == "second" else "default",
            daemonTaskDefinitionArn=definition,
            capacityProviderArns=[provider],
        )

    def names(**params: Any) -> list[str]:
        listed = ecs.list_daemons(**params)["daemonSummariesList"]
        return [d["daemonArn"].rsplit("/", 1)[1] for d in listed]

    assert names() == ["agent", "third"]  # the default cluster
    assert names(clusterArn=f"{PREFIX}:cluster/other") == ["second"]
    assert names(clusterArn="other", capacityProviderArns=[PROVIDER]) == []
    assert names(capacityProviderArns=[OTHER_PROVIDER, PROVIDER]) == ["agent", "third"]
    page = ecs.list_daemons(maxResults=1)
    assert len(page["daemonSummariesList"]) == 1
    assert names(nextToken=page["nextToken"]) == ["third"]
    with pytest.raises(ecs.exceptions.ClusterNotFoundException):
        ecs.list_daemons(clusterArn="nope")


def test_tags_on_daemons(ecs: Any, daemon: dict[str, Any]) -> None:
    arn = daemon["daemonArn"]
    ecs.tag_resource(resourceArn=arn, tags=[{"key": "team", "value": "obs"}])
    assert ecs.list_tags_for_resource(resourceArn=arn)["tags"] == [{"key": "team", "value": "obs"}]
    ecs.untag_resource(resourceArn=arn, tagKeys=["team"])
    assert ecs.list_tags_for_resource(resourceArn=arn)["tags"] == []


def test_daemons_go_with_their_cluster(ecs: Any, ecs_mock: EcsMock, daemon: dict[str, Any]) -> None:
    ecs.delete_cluster(cluster="default")
    # The deleted cluster is kept INACTIVE for a while; its daemon is gone already.
    with pytest.raises(ecs.exceptions.ClusterNotFoundException, match="inactive"):
        ecs.describe_daemon(daemonArn=daemon["daemonArn"])
    with pytest.raises(ecs.exceptions.ResourceNotFoundException):
        ecs.list_tags_for_resource(resourceArn=daemon["daemonArn"])
    ecs_mock.create_cluster("default")
    with pytest.raises(ecs.exceptions.DaemonNotFoundException):
        ecs.describe_daemon(daemonArn=daemon["daemonArn"])
    assert ecs.list_daemons()["daemonSummariesList"] == []

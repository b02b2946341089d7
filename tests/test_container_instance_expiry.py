"""A deregistered container instance stays describable (INACTIVE) for an hour of clock time,
then ECS forgets it: DescribeContainerInstances answers MISSING and every other operation treats
it as an instance it never knew. Through boto3, and across a state-file reload."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from freezegun import freeze_time
from test_state_file import Checker, api_state, copy_of, every_row, open_app

from ecs_mock import EcsMock
from ecs_mock.backend import Timings
from ecs_mock.server import ServerApp

HOUR = 3600
UNKNOWN_ID = "0123456789abcdef0123456789abcdef"
WEB = {"name": "web", "image": "nginx", "cpu": 256, "memory": 512}


def _register(ecs: Any, cluster: str = "default") -> str:
    arn: str = ecs.register_container_instance(
        cluster=cluster,
        instanceIdentityDocument=json.dumps({"instanceType": "m5.large"}),
    )["containerInstance"]["containerInstanceArn"]
    return arn


def _described(ecs: Any, *references: str, cluster: str = "default") -> dict[str, Any]:
    result: dict[str, Any] = ecs.describe_container_instances(
        cluster=cluster, containerInstances=list(references)
    )
    return {"found": result["containerInstances"], "failures": result["failures"]}


def _listed(ecs: Any, cluster: str = "default") -> list[str]:
    arns: list[str] = ecs.list_container_instances(cluster=cluster)["containerInstanceArns"]
    return arns


def test_a_deregistered_instance_is_inactive_for_an_hour_then_missing(
    ecs: Any, cluster: str
) -> None:
    with freeze_time("2025-01-01T00:00:00Z") as frozen:
        kept = _register(ecs)
        gone = _register(ecs)
        ecs.deregister_container_instance(containerInstance=gone)
        assert _listed(ecs) == [kept]

        frozen.tick(HOUR - 1)
        described = _described(ecs, gone)
        assert described["failures"] == []
        assert [(i["containerInstanceArn"], i["status"]) for i in described["found"]] == [
            (gone, "INACTIVE")
        ]

        frozen.tick(1)
        gone_id = gone.rpartition("/")[2]
        described = _described(ecs, kept, gone, gone_id)
        assert [i["containerInstanceArn"] for i in described["found"]] == [kept]
        # By ARN or by id, the failure names its ARN.
        assert described["failures"] == [
            {"arn": gone, "reason": "MISSING"},
            {"arn": gone, "reason": "MISSING"},
        ]
        assert _listed(ecs) == [kept]
        assert ecs.describe_clusters()["clusters"][0]["registeredContainerInstancesCount"] == 1


def _outcome(call: Callable[[], Any]) -> Any:
    """A call's answer without its metadata, or its error code and message."""
    try:
        answer = call()
    except ClientError as error:
        return ("error", error.response["Error"]["Code"], error.response["Error"]["Message"])
    answer.pop("ResponseMetadata", None)
    return answer


def _every_use(ecs: Any, arn: str) -> dict[str, Callable[[], Any]]:
    """Each operation that names a container instance, naming `arn`."""
    return {
        "describe": lambda: ecs.describe_container_instances(
            containerInstances=[arn], include=["TAGS", "CONTAINER_INSTANCE_HEALTH"]
        ),
        "update-state": lambda: ecs.update_container_instances_state(
            containerInstances=[arn], status="DRAINING"
        ),
        "deregister": lambda: ecs.deregister_container_instance(containerInstance=arn),
        "re-register": lambda: ecs.register_container_instance(containerInstanceArn=arn),
        "start-task": lambda: ecs.start_task(taskDefinition="web", containerInstances=[arn]),
        "put-attributes": lambda: ecs.put_attributes(
            attributes=[{"name": "tier", "value": "a", "targetId": arn}]
        ),
        "list-attributes": lambda: ecs.list_attributes(targetType="container-instance"),
        "list-tasks": lambda: ecs.list_tasks(containerInstance=arn, desiredStatus="STOPPED"),
        "list-tags": lambda: ecs.list_tags_for_resource(resourceArn=arn),
        "tag": lambda: ecs.tag_resource(resourceArn=arn, tags=[{"key": "k", "value": "v"}]),
        "agent-update": lambda: ecs.update_container_agent(containerInstance=arn),
        "poll-endpoint": lambda: ecs.discover_poll_endpoint(containerInstance=arn),
    }


def test_a_forgotten_instance_is_an_unknown_one_to_every_operation(
    ecs_mock: EcsMock, ecs: Any, cluster: str
) -> None:
    ecs_mock.register_task_definition("web", containers=[dict(WEB)])
    with freeze_time("2025-01-01T00:00:00Z") as frozen:
        gone = _register(ecs)
        task = ecs.start_task(taskDefinition="web", containerInstances=[gone])["tasks"][0]
        ecs_mock.advance("STOPPED", task=task["taskArn"])
        ecs.deregister_container_instance(containerInstance=gone)
        unknown = gone.rpartition("/")[0] + "/" + UNKNOWN_ID

        def answers(arn: str) -> dict[str, str]:
            # The unknown instance's answers, with its id written as the forgotten one's.
            return {
                name: json.dumps(_outcome(call), default=str).replace(UNKNOWN_ID, "<id>")
                for name, call in _every_use(ecs, arn).items()
            }

        def normalised(arn: str) -> dict[str, str]:
            gone_id = gone.rpartition("/")[2]
            return {k: v.replace(gone_id, "<id>") for k, v in answers(arn).items()}

        inactive = normalised(gone)
        assert json.loads(inactive["describe"])["failures"] == []
        frozen.tick(HOUR)
        forgotten, never_known = normalised(gone), normalised(unknown)
        assert forgotten == never_known
        # While INACTIVE it was not: described, listed tasks, refusals that say INACTIVE.
        assert {name for name in inactive if inactive[name] != forgotten} >= {
            "describe",
            "update-state",
            "re-register",
            "start-task",
            "list-tasks",
            "list-tags",
        }
        with pytest.raises(ValueError, match="no container instance"):
            ecs_mock.set_agent_connected(gone, False)


def test_orphaned_tasks_keep_the_forgotten_instances_arn(
    ecs_mock: EcsMock, ecs: Any, cluster: str
) -> None:
    ecs_mock.register_task_definition("web", containers=[dict(WEB)])
    with freeze_time("2025-01-01T00:00:00Z") as frozen:
        arn = _register(ecs)
        task = ecs.start_task(taskDefinition="web", containerInstances=[arn])["tasks"][0]
        ecs_mock.advance("RUNNING", task=task["taskArn"])
        ecs.deregister_container_instance(containerInstance=arn, force=True)
        frozen.tick(HOUR)
        assert _described(ecs, arn)["failures"] == [{"arn": arn, "reason": "MISSING"}]

        orphan = ecs.describe_tasks(tasks=[task["taskArn"]])["tasks"][0]
        assert (orphan["lastStatus"], orphan["containerInstanceArn"]) == ("RUNNING", arn)
        assert ecs.list_tasks()["taskArns"] == [task["taskArn"]]
        ecs.stop_task(task=task["taskArn"])
        ecs_mock.advance("STOPPED", task=task["taskArn"])
        stopped = ecs.describe_tasks(tasks=[task["taskArn"]])["tasks"][0]
        assert (stopped["lastStatus"], stopped["containerInstanceArn"]) == ("STOPPED", arn)
        counts = ecs.describe_clusters()["clusters"][0]
        assert (counts["runningTasksCount"], counts["registeredContainerInstancesCount"]) == (0, 0)
        frozen.tick(HOUR)  # the stopped orphan expires too
        failures = ecs.describe_tasks(tasks=[task["taskArn"]])["failures"]
        assert failures == [{"arn": task["taskArn"], "reason": "MISSING"}]


@pytest.fixture
def short_cluster(ecs: Any) -> None:
    ecs.create_cluster(clusterName="short")


@pytest.mark.usefixtures("short_cluster")
def test_a_deleted_clusters_instances_expire_harmlessly(ecs: Any) -> None:
    """Deleting the cluster takes its instances along; the queued expiry then finds nothing
    (not the new cluster of the same name, nor its new instance)."""
    with freeze_time("2025-01-01T00:00:00Z") as frozen:
        gone = _register(ecs, "short")
        ecs.deregister_container_instance(cluster="short", containerInstance=gone)
        ecs.delete_cluster(cluster="short")
        ecs.create_cluster(clusterName="short")
        new = _register(ecs, "short")
        frozen.tick(HOUR)
        described = _described(ecs, gone, new, cluster="short")
        assert [i["containerInstanceArn"] for i in described["found"]] == [new]
        assert described["failures"] == [{"arn": gone, "reason": "MISSING"}]
        assert _listed(ecs, "short") == [new]


@pytest.mark.usefixtures("short_cluster")
def test_deregistering_twice_keeps_the_first_hour(ecs: Any) -> None:
    with freeze_time("2025-01-01T00:00:00Z") as frozen:
        arn = _register(ecs, "short")
        ecs.deregister_container_instance(cluster="short", containerInstance=arn)
        frozen.tick(HOUR // 2)
        again = ecs.deregister_container_instance(cluster="short", containerInstance=arn)
        assert again["containerInstance"]["status"] == "INACTIVE"
        frozen.tick(HOUR // 2)
        assert _described(ecs, arn, cluster="short")["failures"] == [
            {"arn": arn, "reason": "MISSING"}
        ]


# -- configured, and in a state file ----------------------------------------------------------


def _server_register(app: ServerApp) -> str:
    arn: str = app.view().call("RegisterContainerInstance")["containerInstance"][
        "containerInstanceArn"
    ]
    return arn


def _server_describe(app: ServerApp, arn: str) -> Any:
    result = app.view().call("DescribeContainerInstances", containerInstances=[arn])
    return [i["status"] for i in result["containerInstances"]], result["failures"]


def test_the_hour_is_a_timing(tmp_path: Path) -> None:
    app = open_app(tmp_path / "state.db", timings=Timings(instance_inactive_visible=60))
    try:
        with freeze_time("2025-01-01T00:00:00Z") as frozen:
            app.view().create_cluster("default")
            arn = _server_register(app)
            app.view().call("DeregisterContainerInstance", containerInstance=arn)
            frozen.tick(59)
            assert _server_describe(app, arn) == (["INACTIVE"], [])
            frozen.tick(1)
            assert _server_describe(app, arn) == ([], [{"arn": arn, "reason": "MISSING"}])
    finally:
        app.close()
    with pytest.raises(ValueError, match="instance_inactive_visible"):
        Timings(instance_inactive_visible=-1)


def _instances_in_state(app: ServerApp) -> list[tuple[str, str]]:
    """The control surface's state (GET /_ecs_mock/state): its container instances."""
    (region,) = app.snapshot()["regions"]
    return [
        (i["containerInstanceArn"], i["status"])
        for c in region["clusters"]
        for i in c["containerInstances"]
    ]


def test_a_reloaded_state_file_keeps_the_pending_expiry(tmp_path: Path) -> None:
    live = open_app(tmp_path / "state.db", seed=5, empty=True)
    check = Checker(live, tmp_path)
    try:
        with freeze_time("2025-01-01T00:00:00Z") as frozen:
            view = live.view()
            view.create_cluster("default")
            view.register_task_definition("web", containers=[dict(WEB)])
            kept, gone = _server_register(live), _server_register(live)
            task = view.call("StartTask", taskDefinition="web", containerInstances=[gone])
            frozen.tick(10)  # RUNNING (the file's timings are 5 s a step)
            view.call("DeregisterContainerInstance", containerInstance=gone, force=True)
            check()
            assert _instances_in_state(live) == [(kept, "ACTIVE"), (gone, "INACTIVE")]

            loaded = open_app(copy_of(live, tmp_path / "before.db"))
            try:
                frozen.tick(HOUR - 1)
                for app in (live, loaded):
                    assert _server_describe(app, gone) == (["INACTIVE"], [])
                frozen.tick(1)
                for app in (live, loaded):
                    assert _server_describe(app, gone) == ([], [{"arn": gone, "reason": "MISSING"}])
                    assert _instances_in_state(app) == [(kept, "ACTIVE")]
                    (orphan,) = app.view().call(
                        "DescribeTasks", tasks=[task["tasks"][0]["taskArn"]]
                    )["tasks"]
                    assert (orphan["lastStatus"], orphan["containerInstanceArn"]) == (
                        "RUNNING",
                        gone,
                    )
                assert every_row(loaded) == every_row(live)
                assert api_state(loaded) == api_state(live)
            finally:
                loaded.close()
            check()  # and the file written after the expiry loads as the live state is
    finally:
        live.close()

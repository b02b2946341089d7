"""`--state-file` in SQLite: nothing acknowledged is lost, a write is what changed, the file is
locked, and what a refused or failed request did is never kept.

Each test here fails on commit 5717414 (the pickle state file): there was no SQLite file to
copy, no per-request rows, no lock, and a failed write was answered 200.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from freezegun import freeze_time

from ecs_mock.backend import Backend, Region, Timings, idempotency, lifecycle
from ecs_mock.backend.daemon_models import Daemon, DaemonDeployment, DaemonTaskDefinition
from ecs_mock.backend.express_models import ExpressService
from ecs_mock.backend.gateway_models import Gateway, GatewayAssociation
from ecs_mock.backend.idempotency import Remembered
from ecs_mock.backend.models import Cluster, Container, ContainerInstance, Task, TaskDefinition
from ecs_mock.backend.providers import CapacityProvider
from ecs_mock.backend.resources import Holding, Resources
from ecs_mock.backend.service_models import (
    Deployment,
    Launch,
    Service,
    ServiceDeployment,
    TaskSet,
)
from ecs_mock.clock import now as clock_now
from ecs_mock.errors import EcsError
from ecs_mock.persistence import StateFile, StateFileError
from ecs_mock.persistence import kinds as persisted
from ecs_mock.server import ServerApp, ServerOptions

TIMINGS = Timings(provisioning=5, pending=5, stopping=5, deprovisioning=5)
OTHER_KEY = "AKIAOTHERACCOUNT0001"
# A Fargate task definition the state-file tests register (RegisterTaskDefinition's request).
FARGATE_JOB: dict[str, Any] = {
    "family": "job",
    "networkMode": "awsvpc",
    "requiresCompatibilities": ["FARGATE"],
    "cpu": "256",
    "memory": "512",
    "containerDefinitions": [{"name": "main", "image": "python:3.12"}],
}


def open_app(path: Path, **options: Any) -> ServerApp:
    options.setdefault("timings", TIMINGS)
    return ServerApp(ServerOptions(state_file=path, **options))


def copy_of(app: ServerApp, target: Path) -> Path:
    """The live file as it is now, through the running server's own connection (the file is
    locked against every other opener)."""
    assert app.state_file is not None
    with app.backend.lock:
        destination = sqlite3.connect(target)
        app.state_file._db.backup(destination)
        destination.close()
    return target


def api_state(app: ServerApp) -> dict[str, Any]:
    """Everything the API shows (the control surface's state, without the call count)."""
    return {key: value for key, value in app.snapshot().items() if key != "calls"}


@pytest.fixture
def live(tmp_path: Path) -> Iterator[ServerApp]:
    app = open_app(tmp_path / "state.db", seed=11)
    yield app
    app.close()


def every_row(app: ServerApp) -> dict[Any, Any]:
    """What the state file would hold for the app's state as it is in memory now: each
    object's body and internal values, each region's, and the id generator's position."""
    rows: dict[Any, Any] = {"ids": app.backend.ids.state()}
    for region in app.backend.regions():
        where = (region.account_id, region.region)
        rows[where] = persisted.region_internal(region)
        for kind in persisted.KINDS:
            for key, obj in kind.every(region):
                rows[(*where, kind.name, key)] = persisted.encode(kind, region, obj)
    return rows


class Checker:
    """After each step: a fresh load of (a copy of) the file equals the live state, both as
    the API shows it and in what only the internal columns keep."""

    def __init__(self, app: ServerApp, directory: Path) -> None:
        self.app, self.directory, self.steps = app, directory, 0

    def __call__(self) -> None:
        self.steps += 1
        copy = copy_of(self.app, self.directory / f"copy-{self.steps}.db")
        loaded = open_app(copy)
        try:
            assert every_row(loaded) == every_row(self.app), f"after step {self.steps}"
            assert api_state(loaded) == api_state(self.app), f"after step {self.steps}"
        finally:
            loaded.close()


def test_a_fresh_load_equals_the_live_state_after_every_step(
    live: ServerApp, tmp_path: Path
) -> None:
    """Every write operation, every control and every lifecycle step, each checked alone (a
    change that forgets to mark what it touched fails at its own step)."""
    check = Checker(live, tmp_path)
    view = live.view()

    def step(action: Any, *args: Any, **params: Any) -> Any:
        result = action(*args, **params)
        check()
        return result

    def call(operation: str, **params: Any) -> Any:
        return step(view.call, operation, **params)

    with freeze_time("2024-05-01 12:00:00") as clock:
        cluster = call("CreateCluster", clusterName="main", tags=[{"key": "t", "value": "a"}])
        call(
            "RegisterTaskDefinition",
            family="web",
            containerDefinitions=[
                {
                    "name": "web",
                    "image": "nginx",
                    "cpu": 256,
                    "memory": 256,
                    "portMappings": [{"containerPort": 80, "hostPort": 0}],
                },
                {"name": "side", "image": "busybox", "memory": 64, "essential": False},
            ],
            tags=[{"key": "app", "value": "web"}],
        )
        call(
            "RegisterTaskDefinition",
            family="static",
            networkMode="host",
            containerDefinitions=[
                {
                    "name": "s",
                    "image": "s",
                    "memory": 64,
                    "portMappings": [{"containerPort": 8080}],
                    "resourceRequirements": [{"type": "GPU", "value": "1"}],
                }
            ],
        )
        call(
            "RegisterTaskDefinition",
            family="vpc",
            networkMode="awsvpc",
            containerDefinitions=[{"name": "v", "image": "v", "memory": 64}],
        )
        first = step(
            view.add_container_instance,
            "main",
            cpu=2048,
            memory=4096,
            gpus=2,
            attributes=[{"name": "tier", "value": "a"}],
        )
        second = step(
            view.add_container_instance, "main", availability_zone="us-east-1b", eni_slots=3
        )
        step(view.add_subnet, "subnet-b", "us-east-1b")
        web = call(
            "StartTask",
            cluster="main",
            taskDefinition="web",
            containerInstances=[first, second, first],
            startedBy="job-1",
            group="g1",
            enableExecuteCommand=True,
            tags=[{"key": "run", "value": "1"}],
            overrides={"containerOverrides": [{"name": "web", "cpu": 128}]},
        )["tasks"]
        static = call(
            "StartTask", cluster="main", taskDefinition="static", containerInstances=[first]
        )["tasks"][0]["taskArn"]
        vpc = call(
            "StartTask",
            cluster="main",
            taskDefinition="vpc",
            containerInstances=[second],
            networkConfiguration={"awsvpcConfiguration": {"subnets": ["subnet-b"]}},
        )["tasks"][0]["taskArn"]
        clock.tick(5)  # PROVISIONING -> PENDING is due; the next read applies it
        call("DescribeTasks", cluster="main", tasks=[vpc])
        clock.tick(5)  # -> RUNNING: runtime ids, dynamic host ports, ENI details
        call("ListTasks", cluster="main")
        call("StopTask", cluster="main", task=web[0]["taskArn"], reason="enough")
        step(view.exit_container, web[1]["taskArn"], "web", exit_code=137, reason="OOM")
        step(view.exit_container, web[2]["taskArn"], "side", exit_code=0)  # not essential
        step(view.set_agent_connected, second, False)
        call("PutAttributes", cluster="main", attributes=[{"name": "x", "targetId": first}])
        call("DeleteAttributes", cluster="main", attributes=[{"name": "tier", "targetId": first}])
        definition = web[0]["taskDefinitionArn"]
        for arn in (cluster["cluster"]["clusterArn"], first, static, definition):
            call("TagResource", resourceArn=arn, tags=[{"key": "k", "value": "v"}])
        for arn in (cluster["cluster"]["clusterArn"], first, static, definition):
            call("UntagResource", resourceArn=arn, tagKeys=["k"])
        call(
            "UpdateContainerInstancesState",
            cluster="main",
            containerInstances=[second],
            status="DRAINING",
        )
        gpus = next(
            r["stringSetValue"]
            for r in view.call("DescribeContainerInstances", cluster="main",
                               containerInstances=[first])["containerInstances"][0][
                "registeredResources"]
            if r["name"] == "GPU"
        )  # fmt: skip
        call(
            "RegisterContainerInstance",
            cluster="main",
            containerInstanceArn=first,
            totalResources=[
                {"name": "CPU", "type": "INTEGER", "integerValue": 4096},
                {"name": "MEMORY", "type": "INTEGER", "integerValue": 4096},
                # Its tasks hold a GPU: a re-registration must keep what they hold.
                {"name": "GPU", "type": "STRINGSET", "stringSetValue": gpus},
            ],
        )
        clock.tick(11)  # the stopped tasks reach STOPPED and give their resources back
        call("DescribeContainerInstances", cluster="main", containerInstances=[first])
        step(view.advance, "RUNNING", task=vpc)
        call("DeregisterContainerInstance", cluster="main", containerInstance=second, force=True)
        call("DeregisterTaskDefinition", taskDefinition="vpc:1")
        call("CreateCluster", clusterName="doomed")
        call("DeleteCluster", cluster="doomed")
        step(live.view(region="eu-west-1").create_cluster, "elsewhere")
        step(live.view(account_id="210987654321").register_task_definition, "theirs")
        step(view.advance, "STOPPED")
        clock.tick(3700)  # stopped tasks expire: forgotten
        call("ListTasks", cluster="main", desiredStatus="STOPPED")
        step(live.reset)
        call("CreateCluster", clusterName="after-reset")
    assert check.steps == 40


def test_run_task_fargate_and_client_tokens_reload_step_by_step(
    live: ServerApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """RunTask on EC2 and Fargate, clientToken answers, capacity controls and spot
    interruptions, each checked alone as above."""
    check = Checker(live, tmp_path)
    view = live.view()

    def call(operation: str, **params: Any) -> Any:
        result = view.call(operation, **params)
        check()
        return result

    network = {"awsvpcConfiguration": {"subnets": ["subnet-a", "subnet-b"]}}
    with freeze_time("2024-05-01 12:00:00") as clock:
        asg = {"autoScalingGroupArn": "my-asg-group"}
        call("CreateCapacityProvider", name="my-asg", autoScalingGroupProvider=asg)
        view.add_container_instance("default", capacity_provider="my-asg")
        check()
        spread = [{"type": "spread", "field": "attribute:ecs.availability-zone"}]
        first = {"taskDefinition": "example", "count": 3, "placementStrategy": spread}
        call("RunTask", clientToken="t-1", **first)
        call("RunTask", clientToken="t-1", **first)  # replayed: the first answer
        call("RegisterTaskDefinition", **FARGATE_JOB)
        view.add_subnet("subnet-a", "us-east-1a")
        check()
        call("RunTask", taskDefinition="job", launchType="FARGATE", networkConfiguration=network,
             count=2, clientToken="t-2")  # fmt: skip
        call(
            "PutClusterCapacityProviders",
            cluster="default",
            capacityProviders=["my-asg", "FARGATE", "FARGATE_SPOT"],
            defaultCapacityProviderStrategy=[],
        )
        strategy = [{"capacityProvider": "FARGATE_SPOT", "weight": 1}]
        spot = call(
            "RunTask",
            taskDefinition="job",
            networkConfiguration=network,
            capacityProviderStrategy=strategy,
        )
        view.set_capacity("FARGATE", available=False)
        check()
        call("RunTask", taskDefinition="job", launchType="FARGATE", networkConfiguration=network)
        view.set_capacity("FARGATE", available=True)
        check()
        clock.tick(1)
        call("ListTasks")
        view.interrupt_spot(spot["tasks"][0]["taskArn"])
        check()
        clock.tick(24 * 3600 + 10)  # the tokens expire; a replay now runs anew
        call("RunTask", clientToken="t-1", **first)
        monkeypatch.setattr(idempotency, "MAX_REMEMBERED", 2)
        for token in ("t-3", "t-4"):  # the oldest answers are forgotten
            call("RunTask", taskDefinition="example", clientToken=token)
    assert check.steps == 17


def test_queued_actions_of_other_parts_survive_a_reload(live: ServerApp, tmp_path: Path) -> None:
    """An action another part of the backend queued on the clock (lifecycle.on_action, with a
    target that is not a task: a service, say) is kept by the regions row and runs after a
    load when it comes due."""
    ran: list[tuple[str, float]] = []
    lifecycle.on_action("test-nudge", lambda region, target, due: ran.append((target, due)))
    try:
        with freeze_time("2024-05-01 12:00:00") as clock:
            with live.view()._changing() as region:
                region.schedule(clock_now() + 30, "service/web", "test-nudge")
            loaded = open_app(copy_of(live, tmp_path / "copy.db"))
            try:
                assert every_row(loaded) == every_row(live)
                clock.tick(31)
                for app in (loaded, live):
                    app.view().call("ListClusters")
                assert ran == [("service/web", 1714564830.0)] * 2
                assert every_row(loaded) == every_row(live)
                later = open_app(copy_of(live, tmp_path / "after.db"))
                later.close()
                assert every_row(later) == every_row(live)  # the ran action is gone there too
            finally:
                loaded.close()
    finally:
        lifecycle._actions.pop("test-nudge", None)


def test_the_same_future_follows_from_a_loaded_file(live: ServerApp, tmp_path: Path) -> None:
    """Queued lifecycle steps, ListTasks tokens and the seeded id generator are kept: after a
    load, the same calls give the same answers as on the server that wrote the file."""
    view = live.view()
    with freeze_time("2024-05-01 12:00:00") as clock:
        instance = view.add_container_instance("default")
        started = [
            view.call("StartTask", taskDefinition="example", containerInstances=[instance])[
                "tasks"
            ][0]["taskArn"]
            for _ in range(3)
        ]
        view.call("StopTask", task=started[0])
        page = view.call("ListTasks", maxResults=1)
        loaded = open_app(copy_of(live, tmp_path / "copy.db"))
        try:
            clock.tick(7)
            for app in (live, loaded):
                app.view().call("StopTask", task=started[1])
            future = [
                {
                    "page": app.view().call("ListTasks", maxResults=5, nextToken=page["nextToken"]),
                    "started": app.view().call(
                        "StartTask", taskDefinition="example", containerInstances=[instance]
                    ),
                    "state": api_state(app),
                }
                for app in (live, loaded)
            ]
            assert future[0] == future[1]
            assert future[0]["page"]["taskArns"] == [started[2]]
        finally:
            loaded.close()


# -- the one place to extend ----------------------------------------------------------------


@pytest.mark.parametrize("kind", persisted.KINDS, ids=lambda kind: kind.name)
def test_every_field_of_every_persisted_model_is_declared(kind: persisted.Kind) -> None:
    """A field added to a model without saying how the state file keeps it fails here."""
    models = {kind.model: kind.fields}
    models.update({Container: persisted.CONTAINER_FIELDS} if kind.model is Task else {})
    models.update({DaemonDeployment: kind.nested["deployments"]} if kind.model is Daemon else {})
    if kind.model is Service:
        models.update({Launch: kind.nested["launch"], Deployment: kind.nested["deployments"]})
        models.update({TaskSet: kind.nested["task_sets"]})
        models.update({ServiceDeployment: kind.nested["service_deployments"]})
    for model, fields in models.items():
        assert set(fields) == {f.name for f in dataclasses.fields(model)}, model.__name__


def test_every_resource_field_is_kept() -> None:
    assert set(persisted.RESOURCES_REGISTERED) | set(persisted.RESOURCES_HELD) == {
        f.name for f in dataclasses.fields(Resources)
    }
    assert {f.name for f in dataclasses.fields(Holding)} <= {
        "cpu",
        "memory",
        "tcp_ports",
        "udp_ports",
        "gpu_ids",
        "eni",
        "released",
        "dynamic_tcp",
        "dynamic_udp",
        "bound",
    }


def test_every_region_store_is_persisted() -> None:
    """A store added to Region (services, capacity providers, ...) without a row kind or a
    declared place in the file fails here."""
    region = Region("123456789012", "us-east-1", Backend().ids, Timings())
    assert set(vars(region)) == set(persisted.REGION_STORES)
    kinds = {kind.name for kind in persisted.KINDS}
    for store, where in persisted.REGION_STORES.items():
        value = getattr(region, store)
        # Small maps the regions row keeps whole (each change touches the region).
        if isinstance(value, dict) and store not in (
            "subnet_zones",
            "pending",
            "changes",
            "task_index",
            "waiting",
            "namespaces",
            "alarm_states",
            # The launcher's: account settings, event versions and moto ENI ids (regions row);
            # awslogs lines, a test's observations, are not kept.
            "account_settings",
            "instance_event_versions",
            "moto_enis",
            "logs",
            "plain_sizes",  # a cache, worked out again from the definitions after a load
        ):
            assert where in kinds, f"Region.{store} holds resources but has no row kind"


def test_every_model_class_has_a_kind() -> None:
    assert set(persisted.KIND_OF_MODEL) == {
        Cluster,
        ContainerInstance,
        Task,
        TaskDefinition,
        Remembered,
        DaemonTaskDefinition,
        Daemon,
        Gateway,
        GatewayAssociation,
        ExpressService,
        CapacityProvider,
        Service,
    }


# -- what one write costs -------------------------------------------------------------------


def test_a_write_writes_only_what_it_changed(tmp_path: Path) -> None:
    """With 300 tasks stored, a StartTask writes its task, its instance, its cluster and the
    region/id rows: a handful of rows, not the state."""
    app = open_app(tmp_path / "state.db", timings=Timings())
    try:
        view = app.view()
        instance = view.add_container_instance("default", cpu=1_000_000, memory=1_000_000)
        for _ in range(300):
            view.call("StartTask", taskDefinition="example", containerInstances=[instance])
        view.call("ListTasks")  # every task RUNNING now
        assert app.state_file is not None
        db = app.state_file._db
        before = db.total_changes
        placed = view.call("StartTask", taskDefinition="example", containerInstances=[instance])
        assert len(placed["tasks"]) == 1
        written = db.total_changes - before
        assert 1 <= written <= 6, written
        view.call("ListTasks")  # the new task's step to RUNNING is due now: written
        before = db.total_changes
        view.call("DescribeClusters")  # reads, no lifecycle step due: nothing written
        assert db.total_changes == before
    finally:
        app.close()


# -- the lock -------------------------------------------------------------------------------


def test_a_second_server_on_the_same_file_is_refused(tmp_path: Path) -> None:
    """Item 6: two servers on one file would each lose the other's acknowledged changes."""
    path = tmp_path / "state.db"
    open_app(path).close()
    for empty in (False, True):  # a file that is loaded, then a new one
        first = open_app(path, empty=empty)
        try:
            with pytest.raises(StateFileError, match="in use by another ecs-mock server"):
                open_app(path)
            assert first.view().create_cluster("still-mine")  # the first one is unaffected
        finally:
            first.close()
        path.unlink()


# -- failed writes change nothing -----------------------------------------------------------


def test_a_write_the_disk_cannot_take_answers_500_and_changes_nothing(
    live: ServerApp, tmp_path: Path
) -> None:
    """Item 15. The file may not grow (SQLITE_FULL, as on a full disk): each request that needs
    more room is a ServerException, and the server's state stays what the file holds."""
    assert live.state_file is not None
    db = live.state_file._db
    db.execute(f"PRAGMA max_page_count={db.execute('PRAGMA page_count').fetchone()[0] + 2}")
    outcomes: dict[str, Any] = {}
    for n in range(150):
        name = f"c{n}"
        try:
            live.view().call(
                "CreateCluster", clusterName=name, tags=[{"key": "k", "value": "v" * 250}]
            )
            outcomes[name] = "accepted"
        except EcsError as error:
            outcomes[name] = (
                error.code,
                error.status,
                "could not write its state" in error.message,
            )
    accepted = {name for name, outcome in outcomes.items() if outcome == "accepted"}
    refused = set(outcomes) - accepted
    assert accepted
    assert refused
    assert {outcomes[name] for name in refused} == {("ServerException", 500, True)}
    after = api_state(live)
    assert {c["clusterName"] for c in after["regions"][0]["clusters"]} == {"default", *accepted}
    db.execute("PRAGMA max_page_count=1073741823")
    loaded = open_app(copy_of(live, tmp_path / "copy.db"))
    try:
        assert api_state(loaded) == after
        assert every_row(loaded) == every_row(live)
    finally:
        loaded.close()


def test_a_refused_request_in_a_new_region_or_account_leaves_nothing(live: ServerApp) -> None:
    """Item 17: a refused call must not create an account or region that then persists."""
    for region, account in (("ap-south-2", None), ("us-east-1", "999988887777")):
        view = live.view(account_id=account, region=region)
        with pytest.raises(EcsError):
            view.call("StartTask", cluster="nope", taskDefinition="x", containerInstances=["i"])
        view.call("ListClusters")  # accepted, but stores nothing
    assert [(r.account_id, r.region) for r in live.backend.regions()] == [
        ("123456789012", "us-east-1")
    ]
    assert live.state_file is not None
    rows = live.state_file._db.execute("SELECT account_id, region FROM regions").fetchall()
    assert rows == [("123456789012", "us-east-1")]


def test_reset_is_one_commit(live: ServerApp) -> None:
    live.view().create_cluster("gone-after-reset")
    live.reset(empty=True)
    assert api_state(live) == {"regions": []}
    assert live.state_file is not None
    assert live.state_file._db.execute("SELECT count(*) FROM resources").fetchone() == (0,)


# -- the file's contents --------------------------------------------------------------------


def test_rows_hold_the_api_shapes(live: ServerApp) -> None:
    """A task row's body is what DescribeTasks returns for it; a cluster's is DescribeClusters'
    answer less the counts other rows determine."""
    view = live.view()
    instance = view.call("ListContainerInstances")["containerInstanceArns"][0]
    task = view.call("StartTask", taskDefinition="example", containerInstances=[instance])
    arn = task["tasks"][0]["taskArn"]
    described = view.call("DescribeTasks", tasks=[arn], include=["TAGS"])["tasks"][0]
    assert live.state_file is not None
    db = live.state_file._db
    rows = {
        (kind, key): (json.loads(body), json.loads(internal))
        for kind, key, body, internal in db.execute(
            "SELECT kind, key, body, internal FROM resources"
        )
    }
    assert rows[("task", arn.rsplit("/", 1)[1])][0] == described
    cluster = view.call("DescribeClusters", include=["TAGS"])["clusters"][0]
    body = rows[("cluster", "default")][0]
    assert body == {k: v for k, v in cluster.items() if k in body}
    assert set(cluster) - set(body) == {
        "registeredContainerInstancesCount",
        "runningTasksCount",
        "pendingTasksCount",
        "activeServicesCount",
        "statistics",
    }
    assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert db.execute("SELECT version FROM ecs_mock_schema").fetchone() == (1,)


def test_a_state_file_opens_empty_then_holds_the_seeded_state(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    first = open_app(path)
    first.close()
    again = open_app(path)
    try:
        assert again.loaded_from_file
        clusters = again.view().call("ListClusters")["clusterArns"]
        assert [arn.rsplit("/", 1)[1] for arn in clusters] == ["default"]
    finally:
        again.close()


def test_state_file_class_refuses_a_directory(tmp_path: Path) -> None:
    with pytest.raises(StateFileError, match="is a directory"):
        StateFile(tmp_path)
    with pytest.raises(StateFileError, match="no directory"):
        StateFile(tmp_path / "missing" / "state.db")


def test_a_request_after_the_file_is_closed_is_not_acknowledged(tmp_path: Path) -> None:
    """A request still running while the server stops must not be answered 200 unsaved."""
    app = open_app(tmp_path / "state.db")
    app.close()
    with pytest.raises(EcsError) as refused:
        app.view().create_cluster("too-late")
    assert refused.value.code == "ServerException"
    reopened = open_app(tmp_path / "state.db")
    try:
        clusters = reopened.view().call("ListClusters")["clusterArns"]
        assert [arn.rsplit("/", 1)[1] for arn in clusters] == ["default"]
    finally:
        reopened.close()


def test_in_process_a_refused_or_read_only_call_leaves_no_region(ecs_mock: Any) -> None:
    """Item 17 in process: Backend.region created a region for every request, refused or not."""
    import boto3
    from botocore.exceptions import ClientError

    ecs = boto3.client("ecs", region_name="ap-south-2")
    with pytest.raises(ClientError):
        ecs.start_task(cluster="nope", taskDefinition="x", containerInstances=["i"])
    assert ecs.list_clusters()["clusterArns"] == []
    assert ecs_mock.backend.regions() == []
    ecs.create_cluster(clusterName="kept")
    regions = [(r.account_id, r.region) for r in ecs_mock.backend.regions()]
    assert regions == [("123456789012", "ap-south-2")]

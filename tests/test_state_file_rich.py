"""The state file keeps all of today's state: daemons and their task definitions, revisions and
deployments, gateways and their cluster associations, Express gateway services, beside tasks of
RunTask on EC2 and Fargate. Each step is checked alone (a fresh load of the file equals the live
server, through the API and in the rows' internal columns), and a final rich state is reloaded
and compared whole."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from freezegun import freeze_time
from test_state_file import FARGATE_JOB, Checker, api_state, copy_of, every_row, open_app

from ecs_mock._schema import known_operations
from ecs_mock.persistence import StateFileError
from ecs_mock.persistence import store as store_module
from ecs_mock.server import ServerApp

PREFIX = "arn:aws:ecs:us-east-1:123456789012"
PROVIDER = f"{PREFIX}:capacity-provider/managed"
ROLE = "arn:aws:iam::123456789012:role/ecsInfrastructureRole"
EXECUTION = "arn:aws:iam::123456789012:role/ecsTaskExecutionRole"
NETWORK = {"awsvpcConfiguration": {"subnets": ["subnet-a"]}}

pytestmark = pytest.mark.skipif(
    not {"CreateDaemon", "CreateGateway", "CreateExpressGatewayService"} <= known_operations(),
    reason="this botocore's ECS model lacks daemons, gateways or Express services",
)


@pytest.fixture
def live(tmp_path: Path) -> Any:
    app = open_app(tmp_path / "state.db", seed=23)
    yield app
    app.close()


def _rich_state(live: ServerApp, check: Any) -> None:
    """Builds a state with every kind of resource, calling `check` after each write."""
    view = live.view()

    def call(operation: str, **params: Any) -> Any:
        result = view.call(operation, **params)
        check()
        return result

    call("CreateCluster", clusterName="main")
    view.add_subnet("subnet-a", "us-east-1a")
    check()
    instance = view.add_container_instance("main", cpu=4096, memory=8192)
    check()
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
            }
        ],
    )
    call("RegisterTaskDefinition", **FARGATE_JOB)
    call("RunTask", cluster="main", taskDefinition="web", count=2, clientToken="ec2-1")
    call(
        "RunTask",
        cluster="main",
        taskDefinition="job",
        launchType="FARGATE",
        networkConfiguration=NETWORK,
        clientToken="fargate-1",
    )
    call("StartTask", cluster="main", taskDefinition="web", containerInstances=[instance])
    # daemons: definitions, create (a deployment baking for 10 minutes), update, tag, delete
    agent = call(
        "RegisterDaemonTaskDefinition",
        family="agent",
        containerDefinitions=[{"name": "agent", "image": "agent:1", "memory": 128}],
        tags=[{"key": "team", "value": "obs"}],
    )["daemonTaskDefinitionArn"]
    agent_2 = call(
        "RegisterDaemonTaskDefinition",
        family="agent",
        containerDefinitions=[{"name": "agent", "image": "agent:2", "memory": 128}],
    )["daemonTaskDefinitionArn"]
    daemon = call(
        "CreateDaemon",
        daemonName="agent",
        clusterArn="main",
        daemonTaskDefinitionArn=agent,
        capacityProviderArns=[PROVIDER],
        deploymentConfiguration={"bakeTimeInMinutes": 10},
        clientToken="daemon-1",
    )["daemonArn"]
    call(
        "UpdateDaemon",
        daemonArn=daemon,
        daemonTaskDefinitionArn=agent_2,
        capacityProviderArns=[PROVIDER],
        enableExecuteCommand=True,
    )
    call("TagResource", resourceArn=daemon, tags=[{"key": "k", "value": "v"}])
    call("DeleteDaemonTaskDefinition", daemonTaskDefinition=agent)
    other = call(
        "CreateDaemon",
        daemonName="other",
        clusterArn="main",
        daemonTaskDefinitionArn=agent_2,
        capacityProviderArns=[PROVIDER],
    )["daemonArn"]
    call("DeleteDaemon", daemonArn=other)
    # gateways and associations, one of them with a cluster deleted since
    call("CreateCluster", clusterName="doomed")
    edge = call(
        "CreateGateway",
        name="edge",
        infrastructureRoleArn=ROLE,
        configuration={"hostSharedAlb": {}},
        tags=[{"key": "a", "value": "b"}],
    )["gatewayArn"]
    call(
        "CreateGateway",
        name="spare",
        infrastructureRoleArn=ROLE,
        configuration={"hostSharedAlb": {}},
        deletionProtection=False,
    )
    call("UpdateGateway", gateway="edge", deletionProtection=True)
    call("AssociateGatewayWithCluster", gateway=edge, cluster="main")
    call("AssociateGatewayWithCluster", gateway="edge", cluster="doomed")
    call("AssociateGatewayWithCluster", gateway="spare", cluster="main")
    call("DisassociateGatewayFromCluster", gateway="spare", cluster="main")
    call("DeleteGateway", gateway="spare")
    call("DeleteCluster", cluster="doomed")
    call("CreateCluster", clusterName="doomed")  # another cluster of the same name
    # Express gateway services: created (with the default cluster), updated, deleted
    service = call(
        "CreateExpressGatewayService",
        serviceName="api",
        infrastructureRoleArn=ROLE,
        executionRoleArn=EXECUTION,
        primaryContainer={"image": "public.ecr.aws/nginx/nginx:latest"},
        tags=[{"key": "x", "value": "y"}],
    )["service"]["serviceArn"]
    call(
        "UpdateExpressGatewayService",
        serviceArn=service,
        primaryContainer={"image": "public.ecr.aws/nginx/nginx:1.27", "containerPort": 8080},
    )
    gone = call(
        "CreateExpressGatewayService",
        serviceName="old",
        cluster="main",
        infrastructureRoleArn=ROLE,
        executionRoleArn=EXECUTION,
        primaryContainer={"image": "app:1"},
    )["service"]["serviceArn"]
    call("DeleteExpressGatewayService", serviceArn=gone)
    call("UntagResource", resourceArn=service, tagKeys=["x"])


def test_daemons_gateways_and_express_services_reload_step_by_step(
    live: ServerApp, tmp_path: Path
) -> None:
    check = Checker(live, tmp_path)
    with freeze_time("2025-03-15 12:00:00") as clock:
        _rich_state(live, check)
        clock.tick(30)  # tasks move on; the deleted Express service drains
        live.view().call("ListTasks", cluster="main")
        check()
        clock.tick(601)  # the daemon deployments have baked; the deleted daemon is gone
        live.view().call("ListDaemons")
        check()
    assert check.steps == 34


def test_a_rich_state_reloads_equal_and_answers_the_same(live: ServerApp, tmp_path: Path) -> None:
    """RunTask on EC2 and Fargate, daemons, gateways and Express services: reloaded, the whole
    state compares equal, and the same reads answer the same on both servers."""
    with freeze_time("2025-03-15 12:00:00") as clock:
        _rich_state(live, lambda: None)
        clock.tick(12)
        loaded = open_app(copy_of(live, tmp_path / "copy.db"))
        try:
            assert every_row(loaded) == every_row(live)
            assert api_state(loaded) == api_state(live)
            region = loaded.backend.region("123456789012", "us-east-1")
            kinds = {
                "tasks": {(t.launch_type, t.last_status) for t in region.tasks.values()},
                "daemons": sorted(d.name for d in region.daemons.values()),
                "gateways": sorted(region.gateways),
                "associations": sorted(region.gateway_associations),
                "express": sorted(s.name for s in region.express_services.values()),
            }
            assert kinds == {
                "tasks": {("EC2", "RUNNING"), ("FARGATE", "RUNNING")},
                "daemons": ["agent", "other"],
                "gateways": ["edge"],
                "associations": [("edge", "doomed"), ("edge", "main")],
                "express": ["api", "old"],
            }
            reads = [
                ("ListDaemons", {}),
                ("ListDaemonTaskDefinitions", {"status": "ALL"}),
                ("ListGateways", {}),
                ("ListGatewayClusterAssociations", {}),
                ("ListTasks", {"cluster": "main"}),
                ("DescribeGateway", {"gateway": "edge"}),
            ]
            for operation, params in reads:
                answers = [app.view().call(operation, **params) for app in (live, loaded)]
                assert answers[0] == answers[1], operation
            # The association whose cluster was deleted stays hidden after the load too.
            listed = loaded.view().call("ListGatewayClusterAssociations")
            assert len(listed["gatewayClusterAssociations"]) == 1
            # Same future: the daemon's deployment finishes on both at the same time.
            clock.tick(600)
            daemons = [app.view().call("ListDaemons") for app in (live, loaded)]
            assert daemons[0] == daemons[1]
        finally:
            loaded.close()


def test_rows_the_installed_model_cannot_check_are_refused_by_name(
    live: ServerApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file with daemon task definitions, opened where botocore's model lacks them (the
    oldest supported botocore): refused with a message naming the cause, not a schema error."""
    live.view().call(
        "RegisterDaemonTaskDefinition",
        family="agent",
        containerDefinitions=[{"name": "agent", "image": "agent:1", "memory": 128}],
    )
    copy = copy_of(live, tmp_path / "copy.db")
    older = known_operations() - {"DescribeDaemonTaskDefinition"}
    monkeypatch.setattr(store_module._schema, "known_operations", lambda: older)
    with pytest.raises(StateFileError, match=r"has no DescribeDaemonTaskDefinition.*upgrade"):
        open_app(copy)


# -- capacity providers and services ----------------------------------------------------------

ASG = {
    "autoScalingGroupArn": "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:g:a/b",
    "managedScaling": {"status": "ENABLED"},
    "managedDraining": "ENABLED",
}
CONTAINERS = [{"name": "main", "image": "busybox", "cpu": 256, "memory": 256}]


def _steps(live: ServerApp, check: Any, clock: Any) -> tuple[Any, Any, Any]:
    view = live.view()

    def call(operation: str, **params: Any) -> Any:
        result = view.call(operation, **params)
        check()
        return result

    def later(seconds: float) -> None:  # time passes; a read applies what came due
        clock.tick(seconds)
        call("ListClusters")

    return view, call, later


def _capacity(live: ServerApp, check: Any, clock: Any) -> str:
    """Capacity providers, cluster capacity settings and a task waiting for an Auto Scaling
    group's capacity, `check` after each step; the waiting task's ARN."""
    _, call, _ = _steps(live, check, clock)
    call("CreateCapacityProvider", name="asg", autoScalingGroupProvider=ASG, tags=[])
    call(
        "CreateCluster",
        clusterName="batch",
        capacityProviders=["asg"],
        defaultCapacityProviderStrategy=[{"capacityProvider": "asg", "weight": 1}],
        serviceConnectDefaults={"namespace": "team"},
    )
    call("RegisterTaskDefinition", family="job", containerDefinitions=CONTAINERS)
    waiting = call("RunTask", cluster="batch", taskDefinition="job")["tasks"][0]["taskArn"]
    call(
        "UpdateCapacityProvider",
        name="asg",
        autoScalingGroupProvider={"managedScaling": {"status": "ENABLED", "targetCapacity": 90}},
    )
    call("UpdateCluster", cluster="batch", serviceConnectDefaults={"namespace": "other"})
    call(
        "UpdateClusterSettings",
        cluster="batch",
        settings=[{"name": "containerInsights", "value": "enabled"}],
    )
    call(
        "TagResource",
        resourceArn=f"{PREFIX}:capacity-provider/asg",
        tags=[{"key": "k", "value": "v"}],
    )
    call(
        "CreateCapacityProvider",
        name="spare",
        autoScalingGroupProvider={"autoScalingGroupArn": "g2"},
    )
    call("DeleteCapacityProvider", capacityProvider="spare")  # INACTIVE, kept a while
    return str(waiting)


def _services(live: ServerApp, check: Any, clock: Any) -> None:
    """Services with a rolling deployment, events, failures and alarms; an EXTERNAL service's
    task sets; deletions; `check` after each step."""
    view, call, later = _steps(live, check, clock)
    call("CreateCluster", clusterName="main")
    for _ in range(2):
        view.add_container_instance("main", cpu=2048, memory=4096)
        check()
    call("PutClusterCapacityProviders", cluster="main", capacityProviders=["FARGATE"],
         defaultCapacityProviderStrategy=[])  # fmt: skip
    call("RegisterTaskDefinition", family="web", containerDefinitions=CONTAINERS)
    call(
        "CreateService",
        cluster="main",
        serviceName="web",
        taskDefinition="web",
        desiredCount=2,
        deploymentConfiguration={
            "deploymentCircuitBreaker": {"enable": True, "rollback": True},
            "alarms": {"alarmNames": ["high-latency"], "enable": True, "rollback": True},
        },
        tags=[{"key": "app", "value": "web"}],
    )
    later(1)  # the first step starts two tasks
    later(11)  # they run
    call("RegisterTaskDefinition", family="web", containerDefinitions=CONTAINERS)
    call("UpdateService", cluster="main", service="web", taskDefinition="web:2")
    later(1)
    later(11)  # the rolling deployment moves on
    view.fail_service_tasks("web", cluster="main", count=1)
    check()
    call("UpdateService", cluster="main", service="web", desiredCount=3)
    later(1)
    later(11)
    view.set_alarm_state("high-latency", "ALARM")
    check()
    later(30)
    view.clear_service_task_failures("web", cluster="main")
    check()
    view.advance_scheduler("web", cluster="main")
    check()
    call("TagResource", resourceArn=f"{PREFIX}:service/main/web", tags=[{"key": "k", "value": "v"}])
    # an EXTERNAL service and its task sets
    call("CreateService", cluster="main", serviceName="ext", desiredCount=2,
         deploymentController={"type": "EXTERNAL"})  # fmt: skip
    first = call("CreateTaskSet", cluster="main", service="ext", taskDefinition="web:1",
                 scale={"value": 100, "unit": "PERCENT"})["taskSet"]["taskSetArn"]  # fmt: skip
    second = call("CreateTaskSet", cluster="main", service="ext", taskDefinition="web:2",
                  scale={"value": 50, "unit": "PERCENT"}, externalId="blue")["taskSet"]  # fmt: skip
    later(1)
    call("UpdateTaskSet", cluster="main", service="ext", taskSet=second["taskSetArn"],
         scale={"value": 100, "unit": "PERCENT"})  # fmt: skip
    call("UpdateServicePrimaryTaskSet", cluster="main", service="ext",
         primaryTaskSet=second["taskSetArn"])  # fmt: skip
    call("TagResource", resourceArn=second["taskSetArn"], tags=[{"key": "k", "value": "v"}])
    call("DeleteTaskSet", cluster="main", service="ext", taskSet=first, force=True)
    later(11)
    # scaled in and deleted: DRAINING, then INACTIVE, then forgotten
    call("UpdateService", cluster="main", service="web", desiredCount=0)
    call("DeleteService", cluster="main", service="web")
    later(1)
    later(11)
    call("DeleteService", cluster="main", service="ext", force=True)
    later(3700)
    # a cluster deleted stays INACTIVE, then goes
    call("CreateCluster", clusterName="gone")
    call("DeleteCluster", cluster="gone")
    later(7 * 24 * 3600)  # the INACTIVE cluster and capacity provider are forgotten


def test_capacity_providers_and_services_reload_step_by_step(
    live: ServerApp, tmp_path: Path
) -> None:
    """Each step alone, as above; then the task waiting for capacity is placed, in the same
    way, by the live server and by one that loaded the file."""
    check = Checker(live, tmp_path)
    with freeze_time("2025-03-15 12:00:00") as clock:
        waiting = _capacity(live, check, clock)
        loaded = open_app(copy_of(live, tmp_path / "copy.db"))
        try:
            region = loaded.backend.region("123456789012", "us-east-1")
            assert [e.task_id for e in region.waiting["batch"]] == [waiting.rsplit("/", 1)[1]]
            assert region.namespaces.keys() == {"team", "other"}
            assert region.capacity_providers["spare"].status == "INACTIVE"
            placed = [app.view().scale_out("asg") for app in (live, loaded)]
            assert placed[0] == placed[1]
            clock.tick(11)
            answers = [
                app.view().call("DescribeTasks", cluster="batch", tasks=[waiting])
                for app in (live, loaded)
            ]
            assert answers[0] == answers[1]
            assert answers[0]["tasks"][0]["lastStatus"] == "RUNNING"
            assert answers[0]["tasks"][0]["containerInstanceArn"] == placed[0][0]
            assert every_row(loaded) == every_row(live)
            assert api_state(loaded) == api_state(live)
        finally:
            loaded.close()
        check()
        _services(live, check, clock)
        region = live.backend.region("123456789012", "us-east-1")
        assert "spare" not in region.capacity_providers
        assert "gone" not in region.clusters
    assert check.steps == 50


def test_a_service_mid_deployment_reloads_and_goes_on_the_same(
    live: ServerApp, tmp_path: Path
) -> None:
    """A rolling deployment half done, with an EXTERNAL service's task sets beside it: after a
    load, the same reads answer the same, and the deployment finishes the same way."""
    view = live.view()
    with freeze_time("2025-03-15 12:00:00") as clock:
        view.add_container_instance("default", cpu=4096, memory=8192)
        for _ in range(2):
            view.call("RegisterTaskDefinition", family="web", containerDefinitions=CONTAINERS)
        view.call("CreateService", serviceName="web", taskDefinition="web:1", desiredCount=2)
        view.call("CreateService", serviceName="ext", desiredCount=2,
                  deploymentController={"type": "EXTERNAL"})  # fmt: skip
        view.call("CreateTaskSet", cluster="default", service="ext", taskDefinition="web:1",
                  scale={"value": 50, "unit": "PERCENT"})  # fmt: skip
        clock.tick(12)
        view.call("ListClusters")
        view.call("UpdateService", service="web", taskDefinition="web:2")
        clock.tick(1)
        view.call("ListClusters")
        loaded = open_app(copy_of(live, tmp_path / "copy.db"))
        try:
            assert every_row(loaded) == every_row(live)
            deployments = loaded.view().call("ListServiceDeployments", service="web")
            assert len(deployments["serviceDeployments"]) == 2
            for seconds in (0, 11, 11, 30):
                clock.tick(seconds)
                answers = [
                    {
                        "services": app.view().call("DescribeServices", services=["web", "ext"]),
                        "sets": app.view().call(
                            "DescribeTaskSets", cluster="default", service="ext"
                        ),
                        "tasks": app.view().call("ListTasks"),
                        "deployments": app.view().call("ListServiceDeployments", service="web"),
                    }
                    for app in (live, loaded)
                ]
                assert answers[0] == answers[1], seconds
            (web, _) = answers[0]["services"]["services"]
            assert [d["taskDefinition"][-5:] for d in web["deployments"]] == ["web:2"]
            assert web["deployments"][0]["rolloutState"] == "COMPLETED"
            assert every_row(loaded) == every_row(live)
        finally:
            loaded.close()

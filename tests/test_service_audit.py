"""Services against ecs-services.md, after an audit: the grace period's documented range, the
Fargate deployment's resolved platform in every answer, rolloutState left out behind a Classic
Load Balancer, and the AZ rebalancing events (§2.3 E12, §3.12)."""

from __future__ import annotations

from typing import Any

import pytest

from ecs_mock import EcsMock
from ecs_mock._schema import shape_members

TARGET_GROUP = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tg/abc"
ALB = {"targetGroupArn": TARGET_GROUP, "containerName": "app", "containerPort": 80}
CLB = {"loadBalancerName": "my-clb", "containerName": "app", "containerPort": 80}
APP = [{"name": "app", "image": "x", "memory": 128, "portMappings": [{"containerPort": 80}]}]
AWSVPC = {"awsvpcConfiguration": {"subnets": ["subnet-1"]}}
rebalancing = pytest.mark.skipif(
    "availabilityZoneRebalancing" not in shape_members("CreateServiceRequest"),
    reason="this botocore's ECS model has no availabilityZoneRebalancing",
)


def _below_zero(value: int) -> str:
    return (
        f"1 validation error detected: Value '{value}' at 'healthCheckGracePeriodSeconds' "
        "failed to satisfy constraint: Member must have value greater than or equal to 0"
    )


def _service(ecs: Any, name: str) -> dict[str, Any]:
    result: dict[str, Any] = ecs.describe_services(services=[name])["services"][0]
    return result


def _messages(ecs: Any, name: str) -> list[str]:
    """The service's events, oldest first."""
    return [event["message"] for event in reversed(_service(ecs, name)["events"])]


def _tasks(ecs: Any, name: str, status: str = "RUNNING") -> list[dict[str, Any]]:
    arns = ecs.list_tasks(serviceName=name, desiredStatus=status)["taskArns"]
    found: list[dict[str, Any]] = ecs.describe_tasks(tasks=arns)["tasks"] if arns else []
    return found


@pytest.fixture
def lb(ecs_mock: EcsMock) -> EcsMock:
    ecs_mock.create_cluster("default")
    ecs_mock.register_task_definition("lb", containers=APP)
    return ecs_mock


@pytest.fixture
def fargate(ecs_mock: EcsMock) -> EcsMock:
    ecs_mock.create_cluster("default")
    ecs_mock.register_task_definition(
        "fg", networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256", memory="512"
    )
    return ecs_mock


# -- 1. healthCheckGracePeriodSeconds: 0-2147483647 (documented) ------------------------------


def test_create_service_refuses_a_negative_grace_period(lb: EcsMock, ecs: Any) -> None:
    with pytest.raises(ecs.exceptions.InvalidParameterException) as raised:
        ecs.create_service(
            serviceName="g",
            taskDefinition="lb",
            desiredCount=0,
            healthCheckGracePeriodSeconds=-1,
            loadBalancers=[ALB],
        )
    assert raised.value.response["Error"]["Message"] == _below_zero(-1)
    assert ecs.list_services()["serviceArns"] == []
    assert ecs.describe_services(services=["g"])["failures"][0]["reason"] == "MISSING"


def test_grace_period_bounds_are_both_inclusive(lb: EcsMock, ecs: Any) -> None:
    for name, grace in (("low", 0), ("high", 2147483647)):
        created = ecs.create_service(
            serviceName=name,
            taskDefinition="lb",
            desiredCount=0,
            healthCheckGracePeriodSeconds=grace,
            loadBalancers=[ALB],
        )["service"]
        assert created["healthCheckGracePeriodSeconds"] == grace
    with pytest.raises(ecs.exceptions.InvalidParameterException) as raised:
        ecs.update_service(service="low", healthCheckGracePeriodSeconds=2147483648)
    assert "less than or equal to 2147483647" in raised.value.response["Error"]["Message"]


def test_update_service_refuses_a_negative_grace_period_and_changes_nothing(
    lb: EcsMock, ecs: Any
) -> None:
    ecs.create_service(
        serviceName="g",
        taskDefinition="lb",
        desiredCount=0,
        healthCheckGracePeriodSeconds=30,
        loadBalancers=[ALB],
    )
    before = _service(ecs, "g")
    with pytest.raises(ecs.exceptions.InvalidParameterException) as raised:
        ecs.update_service(service="g", desiredCount=3, healthCheckGracePeriodSeconds=-5)
    assert raised.value.response["Error"]["Message"] == _below_zero(-5)
    after = _service(ecs, "g")
    assert after["healthCheckGracePeriodSeconds"] == 30
    assert after["desiredCount"] == 0  # the rest of the refused request was not applied either
    assert [d["id"] for d in after["deployments"]] == [d["id"] for d in before["deployments"]]


# -- 2. A Fargate deployment shows the resolved platform version in every answer -------------


def test_create_service_response_shows_the_resolved_platform(fargate: EcsMock, ecs: Any) -> None:
    created = ecs.create_service(
        serviceName="f",
        taskDefinition="fg",
        desiredCount=1,
        launchType="FARGATE",
        networkConfiguration=AWSVPC,
    )["service"]
    assert created["platformVersion"] == "LATEST"  # the service keeps what was asked
    (deployment,) = created["deployments"]
    assert (deployment["platformVersion"], deployment["platformFamily"]) == ("1.4.0", "Linux")
    (described,) = _service(ecs, "f")["deployments"]
    assert (described["id"], described["platformVersion"], described["platformFamily"]) == (
        deployment["id"],
        "1.4.0",
        "Linux",
    )
    (task,) = _tasks(ecs, "f")
    assert task["platformVersion"] == "1.4.0"


def test_a_new_primary_from_update_service_is_resolved_in_the_response(
    fargate: EcsMock, ecs: Any
) -> None:
    ecs.create_service(
        serviceName="f",
        taskDefinition="fg",
        desiredCount=1,
        launchType="FARGATE",
        networkConfiguration=AWSVPC,
    )
    forced = ecs.update_service(service="f", forceNewDeployment=True)["service"]
    primary, active = forced["deployments"]
    assert primary["status"] == "PRIMARY"
    assert (primary["platformVersion"], primary["platformFamily"]) == ("1.4.0", "Linux")
    assert (active["platformVersion"], active["platformFamily"]) == ("1.4.0", "Linux")
    pinned = ecs.update_service(service="f", platformVersion="1.3.0")["service"]
    assert pinned["platformVersion"] == "1.3.0"
    assert pinned["deployments"][0]["platformVersion"] == "1.3.0"
    assert _service(ecs, "f")["deployments"][0]["platformVersion"] == "1.3.0"


def test_an_ec2_deployment_reports_no_platform(lb: EcsMock, ecs: Any) -> None:
    created = ecs.create_service(serviceName="e", taskDefinition="lb", desiredCount=0)["service"]
    (deployment,) = created["deployments"]
    assert "platformVersion" not in deployment
    assert "platformFamily" not in deployment


def test_a_fargate_task_set_is_resolved_when_created(fargate: EcsMock, ecs: Any) -> None:
    ecs.create_service(serviceName="x", desiredCount=1, deploymentController={"type": "EXTERNAL"})
    task_set = ecs.create_task_set(
        cluster="default",
        service="x",
        taskDefinition="fg",
        launchType="FARGATE",
        networkConfiguration=AWSVPC,
    )["taskSet"]
    assert (task_set["platformVersion"], task_set["platformFamily"]) == ("1.4.0", "Linux")


# -- 3. rolloutState is left out behind a Classic Load Balancer ------------------------------


def test_rollout_state_absent_for_a_classic_load_balancer(lb: EcsMock, ecs: Any) -> None:
    lb.add_container_instance("default")
    created = ecs.create_service(
        serviceName="clb",
        taskDefinition="lb",
        desiredCount=1,
        role="ecsServiceRole",
        loadBalancers=[CLB],
    )["service"]
    ecs.create_service(serviceName="alb", taskDefinition="lb", desiredCount=0, loadBalancers=[ALB])
    for deployment in created["deployments"] + _service(ecs, "clb")["deployments"]:
        assert "rolloutState" not in deployment
        assert "rolloutStateReason" not in deployment
    (alb,) = _service(ecs, "alb")["deployments"]
    assert alb["rolloutState"] == "COMPLETED"
    # Internally the deployment still completes: events and the waiter agree.
    ecs.get_waiter("services_stable").wait(services=["clb"], WaiterConfig={"MaxAttempts": 1})
    deployment_id = created["deployments"][0]["id"]
    assert f"(service clb) (deployment {deployment_id}) deployment completed." in _messages(
        ecs, "clb"
    )


def test_circuit_breaker_rollback_still_works_behind_a_classic_load_balancer(
    lb: EcsMock, ecs: Any
) -> None:
    lb.register_task_definition("lb", containers=APP)  # lb:2
    lb.add_container_instance("default")
    lb.add_container_instance("default")
    breaker = {"deploymentCircuitBreaker": {"enable": True, "rollback": True}}
    created = ecs.create_service(
        serviceName="clb",
        taskDefinition="lb:1",
        desiredCount=2,
        role="ecsServiceRole",
        loadBalancers=[CLB],
        deploymentConfiguration=breaker,
    )["service"]
    old_id = created["deployments"][0]["id"]
    lb.fail_service_tasks("clb", task_definition="lb:2")
    updated = ecs.update_service(service="clb", taskDefinition="lb:2")["service"]
    failed_id = updated["deployments"][0]["id"]
    assert all("rolloutState" not in d for d in updated["deployments"])
    ecs.get_waiter("services_stable").wait(services=["clb"], WaiterConfig={"MaxAttempts": 1})
    (primary,) = _service(ecs, "clb")["deployments"]
    assert primary["id"] == old_id
    assert primary["taskDefinition"].endswith("lb:1")
    assert "rolloutState" not in primary
    messages = _messages(ecs, "clb")
    assert f"(service clb) (deployment {failed_id}) deployment failed: tasks failed to start." in (
        messages
    )
    assert messages[-3:] == [
        f"(service clb) rolling back to deployment {old_id}.",
        f"(service clb) (deployment {old_id}) deployment completed.",
        "(service clb) has reached a steady state.",
    ]


# -- 4. AZ rebalancing events (E12) -----------------------------------------------------------


@pytest.fixture
def zoned(ecs_mock: EcsMock) -> EcsMock:
    """A cluster with the `web` task definition and one instance, in us-east-1a."""
    ecs_mock.create_cluster("default")
    ecs_mock.register_task_definition("web")
    ecs_mock.add_container_instance("default", availability_zone="us-east-1a")
    return ecs_mock


@rebalancing
def test_az_rebalancing_reports_start_moves_and_completion(zoned: EcsMock, ecs: Any) -> None:
    ecs.create_service(
        serviceName="web",
        taskDefinition="web",
        desiredCount=4,
        availabilityZoneRebalancing="ENABLED",
    )
    before = len(_messages(ecs, "web"))
    assert _messages(ecs, "web")[-1] == "(service web) has reached a steady state."
    zoned.add_container_instance("default", availability_zone="us-east-1b")
    for _ in range(3):
        ecs.describe_services(services=["web"])
    running = _tasks(ecs, "web")
    zone = {t["taskArn"].rsplit("/", 1)[1]: t["availabilityZone"] for t in running}
    assert sorted(zone.values()) == ["us-east-1a"] * 2 + ["us-east-1b"] * 2
    stopped = {t["taskArn"].rsplit("/", 1)[1] for t in _tasks(ecs, "web", "STOPPED")}
    moved_in = sorted(task for task, z in zone.items() if z == "us-east-1b")
    messages = _messages(ecs, "web")[before:]
    assert messages[0] == (
        "(service web) is not AZ balanced with 4 tasks in us-east-1a and 0 in us-east-1b. "
        "AZ Rebalancing in progress."
    )
    started = [m for m in messages if "to AZ Rebalance:" in m]
    assert sorted(m.rsplit("(task ", 1)[1][:-2] for m in started) == moved_in
    assert all(
        m.startswith("(service web) has started 1 tasks in us-east-1b to AZ Rebalance: (task ")
        for m in started
    )
    ended = [m for m in messages if "due to AZ rebalancing:" in m]
    assert {m.rsplit("(task ", 1)[1][:-2] for m in ended} == stopped
    assert all(
        m.startswith(
            "(service web) has stopped 1 running tasks in us-east-1a due to AZ rebalancing: (task "
        )
        for m in ended
    )
    assert len(started) == len(ended) == 2
    # One operation: one start, one completion, and no ordinary start/stop events in between.
    assert sum("is not AZ balanced" in m for m in messages) == 1
    assert not [m for m in messages if "tasks: (task " in m]
    assert messages[-2:] == [
        "(service web) is AZ balanced with 2 tasks in us-east-1a and 2 tasks in us-east-1b.",
        "(service web) has reached a steady state.",
    ]
    # Balanced: later calls add nothing.
    ecs.describe_services(services=["web"])
    assert len(_messages(ecs, "web")) == before + len(messages)


@rebalancing
def test_az_rebalancing_over_three_zones_lists_them_as_the_guide_does(
    zoned: EcsMock, ecs: Any
) -> None:
    # Two more zones, joining at once (DRAINING until then: no task goes there).
    later = [
        zoned.add_container_instance("default", availability_zone=zone)
        for zone in ("us-east-1b", "us-east-1c")
    ]
    ecs.update_container_instances_state(containerInstances=later, status="DRAINING")
    ecs.create_service(
        serviceName="web",
        taskDefinition="web",
        desiredCount=6,
        availabilityZoneRebalancing="ENABLED",
    )
    assert {t["availabilityZone"] for t in _tasks(ecs, "web")} == {"us-east-1a"}
    ecs.update_container_instances_state(containerInstances=later, status="ACTIVE")
    for _ in range(6):
        ecs.describe_services(services=["web"])
    assert sorted(t["availabilityZone"] for t in _tasks(ecs, "web")) == (
        ["us-east-1a"] * 2 + ["us-east-1b"] * 2 + ["us-east-1c"] * 2
    )
    messages = _messages(ecs, "web")
    assert (
        "(service web) is not AZ balanced with 6 tasks in us-east-1a, 0 in us-east-1b, and 0 in "
        "us-east-1c. AZ Rebalancing in progress."
    ) in messages
    assert messages[-2:] == [
        "(service web) is AZ balanced with 2 tasks in us-east-1a, 2 tasks in us-east-1b, and 2 "
        "tasks in us-east-1c.",
        "(service web) has reached a steady state.",
    ]
    moves = [m for m in messages if "to AZ Rebalance:" in m]
    assert len(moves) == 4
    assert {m.split(" in ", 1)[1].split(" ", 1)[0] for m in moves} == {"us-east-1b", "us-east-1c"}


@rebalancing
def test_no_rebalancing_events_when_disabled(zoned: EcsMock, ecs: Any) -> None:
    ecs.create_service(
        serviceName="web",
        taskDefinition="web",
        desiredCount=4,
        availabilityZoneRebalancing="DISABLED",
    )
    zoned.add_container_instance("default", availability_zone="us-east-1b")
    for _ in range(3):
        ecs.describe_services(services=["web"])
    assert not [m for m in _messages(ecs, "web") if "AZ" in m]
    assert sorted(t["availabilityZone"] for t in _tasks(ecs, "web")) == ["us-east-1a"] * 4

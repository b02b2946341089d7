"""DAEMON services follow the instances; REPLICA tasks leave DRAINING and deregistered ones."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from ecs_mock import EcsMock
from ecs_mock._schema import shape_members
from ecs_mock.backend import constraints, query

DAEMON_DESIRED = (
    "The daemon scheduling strategy does not support a desired count for services. Remove the "
    "desired count value and try again"
)


def _service(ecs: Any, name: str) -> dict[str, Any]:
    result: dict[str, Any] = ecs.describe_services(services=[name])["services"][0]
    return result


def _hosts(ecs: Any, name: str) -> list[str]:
    arns = ecs.list_tasks(serviceName=name)["taskArns"]
    tasks = ecs.describe_tasks(tasks=arns)["tasks"] if arns else []
    return sorted(t["containerInstanceArn"] for t in tasks)


@pytest.fixture
def app(ecs_mock: EcsMock) -> EcsMock:
    ecs_mock.register_task_definition("agent")
    return ecs_mock


def test_one_task_per_active_instance(app: EcsMock, ecs: Any) -> None:
    first = app.add_container_instance("default")
    second = app.add_container_instance("default")
    draining = app.add_container_instance("default")
    ecs.update_container_instances_state(containerInstances=[draining], status="DRAINING")
    created = ecs.create_service(
        serviceName="agent", taskDefinition="agent", schedulingStrategy="DAEMON"
    )["service"]
    assert created["deploymentConfiguration"] == {
        "deploymentCircuitBreaker": {"enable": False, "rollback": False},
        "maximumPercent": 100,
        "minimumHealthyPercent": 0,
    }
    assert created["schedulingStrategy"] == "DAEMON"
    service = _service(ecs, "agent")
    assert (service["desiredCount"], service["runningCount"]) == (2, 2)
    assert service["deployments"][0]["desiredCount"] == 2
    assert _hosts(ecs, "agent") == sorted([first, second])
    # A new instance gets one.
    third = app.add_container_instance("default")
    assert _hosts(ecs, "agent") == sorted([first, second, third])
    assert _service(ecs, "agent")["desiredCount"] == 3
    # Back from DRAINING: one there too; DRAINING again: it loses it.
    ecs.update_container_instances_state(containerInstances=[draining], status="ACTIVE")
    assert len(_hosts(ecs, "agent")) == 4
    ecs.update_container_instances_state(containerInstances=[second], status="DRAINING")
    assert _hosts(ecs, "agent") == sorted([first, third, draining])
    service = _service(ecs, "agent")
    assert (service["desiredCount"], service["runningCount"]) == (3, 3)
    ecs.get_waiter("services_stable").wait(services=["agent"], WaiterConfig={"MaxAttempts": 1})
    stopped = ecs.describe_tasks(
        tasks=ecs.list_tasks(serviceName="agent", desiredStatus="STOPPED")["taskArns"]
    )["tasks"]
    assert [(t["containerInstanceArn"], t["stopCode"]) for t in stopped] == [
        (second, "ServiceSchedulerInitiated")
    ]
    assert stopped[0]["stoppedReason"] == "Task stopped because its container instance is DRAINING."


class _KindIsGpu(query.Expression):
    """`attribute:kind == gpu`, for as long as main has no cluster query language."""

    def matches(self, subject: Any) -> bool:
        return bool(subject.attribute("kind") == "gpu")


def test_daemon_follows_constraints_and_attributes(
    app: EcsMock, ecs: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    try:
        query.parse("attribute:kind == gpu")
    except query.QueryError:
        monkeypatch.setattr(constraints, "parse", lambda expression: _KindIsGpu())
    gpu = app.add_container_instance("default", attributes=[{"name": "kind", "value": "gpu"}])
    plain = app.add_container_instance("default")
    ecs.create_service(
        serviceName="agent",
        taskDefinition="agent",
        schedulingStrategy="DAEMON",
        placementConstraints=[{"type": "memberOf", "expression": "attribute:kind == gpu"}],
    )
    assert _hosts(ecs, "agent") == [gpu]
    ecs.put_attributes(attributes=[{"name": "kind", "value": "gpu", "targetId": plain}])
    assert _hosts(ecs, "agent") == sorted([gpu, plain])
    ecs.delete_attributes(attributes=[{"name": "kind", "targetId": gpu}])
    assert _hosts(ecs, "agent") == [plain]


def test_daemon_with_no_room_reports_and_keeps_counting_the_instance(
    app: EcsMock, ecs: Any
) -> None:
    small = app.add_container_instance("default", cpu=64, memory=64)
    ecs.create_service(serviceName="agent", taskDefinition="agent", schedulingStrategy="DAEMON")
    service = _service(ecs, "agent")
    assert (service["desiredCount"], service["runningCount"]) == (1, 0)
    assert service["events"][0]["message"].startswith(
        "(service agent) was unable to place a task because no container instance met all of "
        f"its requirements. The closest matching (container-instance {small.rsplit('/', 1)[1]}) "
        "has insufficient CPU units available."
    )


def test_daemon_deployment_replaces_task_by_task(app: EcsMock, ecs: Any) -> None:
    app.register_task_definition("agent")
    for _ in range(3):
        app.add_container_instance("default")
    ecs.create_service(serviceName="agent", taskDefinition="agent:1", schedulingStrategy="DAEMON")
    before = set(ecs.list_tasks(serviceName="agent")["taskArns"])
    ecs.update_service(service="agent", taskDefinition="agent:2")
    service = _service(ecs, "agent")
    (primary,) = service["deployments"]
    assert primary["taskDefinition"].endswith("agent:2")
    assert primary["rolloutState"] == "COMPLETED"
    after = ecs.describe_tasks(tasks=ecs.list_tasks(serviceName="agent")["taskArns"])["tasks"]
    assert len(after) == 3
    assert not before & {t["taskArn"] for t in after}
    assert len({t["containerInstanceArn"] for t in after}) == 3


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"desiredCount": 1}, DAEMON_DESIRED),
        (
            {"placementStrategy": [{"type": "spread", "field": "instanceId"}]},
            "The daemon scheduling strategy does not support placement strategies. Remove the "
            "placement strategy and try again",
        ),
        (
            {"deploymentConfiguration": {"maximumPercent": 200}},
            "The daemon scheduling strategy does not support values above 100 for maximumPercent "
            "on a deployment configuration. Change the maximumPercent value to 100, and try again",
        ),
        ({"launchType": "FARGATE"}, "does not support the FARGATE launch type"),
        ({"deploymentController": {"type": "CODE_DEPLOY"}}, "CODE_DEPLOY deployment controller"),
    ],
)
def test_daemon_refusals(app: EcsMock, ecs: Any, params: dict[str, Any], message: str) -> None:
    app.create_cluster("default")
    with pytest.raises(ClientError) as raised:
        ecs.create_service(
            serviceName="agent", taskDefinition="agent", schedulingStrategy="DAEMON", **params
        )
    assert raised.value.response["Error"]["Code"] == "InvalidParameterException"
    assert message in raised.value.response["Error"]["Message"]


def test_daemon_update_refusals(app: EcsMock, ecs: Any) -> None:
    app.create_cluster("default")
    ecs.create_service(serviceName="agent", taskDefinition="agent", schedulingStrategy="DAEMON")
    with pytest.raises(ecs.exceptions.InvalidParameterException) as raised:
        ecs.update_service(service="agent", desiredCount=2)
    assert raised.value.response["Error"]["Message"] == DAEMON_DESIRED
    with pytest.raises(ecs.exceptions.InvalidParameterException):
        ecs.update_service(service="agent", placementStrategy=[{"type": "random"}])
    with pytest.raises(ecs.exceptions.InvalidParameterException):
        ecs.update_service(service="agent", deploymentConfiguration={"maximumPercent": 150})
    # DeleteService needs no force for a DAEMON service.
    assert ecs.delete_service(service="agent")["service"]["status"] == "DRAINING"


def test_replica_tasks_move_off_a_draining_instance(app: EcsMock, ecs: Any) -> None:
    first = app.add_container_instance("default", availability_zone="us-east-1a")
    ecs.create_service(serviceName="web", taskDefinition="agent", desiredCount=2)
    assert _hosts(ecs, "web") == [first, first]
    spare = app.add_container_instance("default", availability_zone="us-east-1b")
    ecs.update_container_instances_state(containerInstances=[first], status="DRAINING")
    # Replacements start elsewhere (within maximumPercent 200), then the old ones stop.
    assert _hosts(ecs, "web") == [spare, spare]
    service = _service(ecs, "web")
    assert (service["runningCount"], len(service["deployments"])) == (2, 1)
    stopped = ecs.describe_tasks(
        tasks=ecs.list_tasks(serviceName="web", desiredStatus="STOPPED")["taskArns"]
    )["tasks"]
    assert {t["stoppedReason"] for t in stopped} == {
        "Task stopped because its container instance is DRAINING."
    }
    assert service["events"][0]["message"] == "(service web) has reached a steady state."


def test_replica_tasks_of_a_deregistered_instance_are_replaced(app: EcsMock, ecs: Any) -> None:
    first = app.add_container_instance("default")
    ecs.create_service(serviceName="web", taskDefinition="agent", desiredCount=1)
    second = app.add_container_instance("default")
    ecs.deregister_container_instance(containerInstance=first, force=True)
    assert _hosts(ecs, "web") == [second]
    (stopped,) = ecs.describe_tasks(
        tasks=ecs.list_tasks(serviceName="web", desiredStatus="STOPPED")["taskArns"]
    )["tasks"]
    assert (
        stopped["stoppedReason"] == "Task stopped because its container instance was deregistered."
    )


def _zones(ecs: Any, name: str) -> list[str]:
    arns = ecs.list_tasks(serviceName=name)["taskArns"]
    return sorted(t["availabilityZone"] for t in ecs.describe_tasks(tasks=arns)["tasks"])


@pytest.mark.skipif(
    "availabilityZoneRebalancing" not in shape_members("CreateServiceRequest"),
    reason="this botocore's ECS model has no availabilityZoneRebalancing",
)
def test_az_rebalancing_moves_tasks_to_a_new_zone(app: EcsMock, ecs: Any) -> None:
    app.add_container_instance("default", availability_zone="us-east-1a")
    for name, setting in (("web", "ENABLED"), ("plain", "DISABLED")):
        ecs.create_service(
            serviceName=name,
            taskDefinition="agent",
            desiredCount=4,
            availabilityZoneRebalancing=setting,
        )
    assert _service(ecs, "plain")["availabilityZoneRebalancing"] == "DISABLED"
    app.add_container_instance("default", availability_zone="us-east-1b")
    assert _zones(ecs, "web") == ["us-east-1a"] * 2 + ["us-east-1b"] * 2
    assert _zones(ecs, "plain") == ["us-east-1a"] * 4  # rebalancing off: nothing moves
    messages = [e["message"] for e in _service(ecs, "web")["events"]]
    assert (
        "(service web) is not AZ balanced with 4 tasks in us-east-1a and 0 in us-east-1b. "
        "AZ Rebalancing in progress."
    ) in messages
    assert messages[0] == "(service web) has reached a steady state."
    assert _service(ecs, "web")["runningCount"] == 4


def test_daemon_runs_on_ec2_and_refuses_a_strategy(app: EcsMock, ecs: Any) -> None:
    app.add_container_instance("default")
    with app.backend.lock:
        app._backend_region().clusters["default"].default_strategy = [
            {"capacityProvider": "FARGATE", "weight": 1}
        ]
        app._backend_region().clusters["default"].capacity_providers = ["FARGATE"]
    created = ecs.create_service(
        serviceName="agent", taskDefinition="agent", schedulingStrategy="DAEMON"
    )["service"]
    assert created["launchType"] == "EC2"  # not the cluster's default strategy
    assert _service(ecs, "agent")["runningCount"] == 1
    with pytest.raises(ecs.exceptions.InvalidParameterException) as raised:
        ecs.update_service(
            service="agent", capacityProviderStrategy=[{"capacityProvider": "asg", "weight": 1}]
        )
    assert (
        "does not support capacity provider strategies" in raised.value.response["Error"]["Message"]
    )

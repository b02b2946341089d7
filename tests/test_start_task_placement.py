"""StartTask placement on the named instances: per-instance failures[] (HTTP 200), their
reasons and order, and partial success."""

from __future__ import annotations

from typing import Any

import pytest

from ecs_mock import EcsMock

NETWORK = {"awsvpcConfiguration": {"subnets": ["subnet-0123"]}}
SMALL = {"name": "app", "image": "busybox", "cpu": 128, "memory": 128}


def _start(ecs: Any, instances: list[str], **extra: Any) -> dict[str, Any]:
    result: dict[str, Any] = ecs.start_task(
        taskDefinition=extra.pop("taskDefinition", "app"), containerInstances=instances, **extra
    )
    assert result["ResponseMetadata"]["HTTPStatusCode"] == 200
    return result


def _reasons(result: dict[str, Any]) -> list[tuple[str, str]]:
    return [(f["arn"], f["reason"]) for f in result["failures"]]


@pytest.fixture
def app(ecs_mock: EcsMock) -> str:
    return ecs_mock.register_task_definition("app", containers=[dict(SMALL)])


def test_bare_unknown_id_is_missing_with_this_clusters_arn(
    ecs_mock: EcsMock, ecs: Any, app: str
) -> None:
    good = ecs_mock.add_container_instance("default")
    result = _start(ecs, [good, "0123456789abcdef0123456789abcdef"])

    assert len(result["tasks"]) == 1
    missing = good.rsplit("/", 1)[0] + "/0123456789abcdef0123456789abcdef"
    assert _reasons(result) == [(missing, "MISSING")]
    assert "detail" not in result["failures"][0]


def test_unknown_arn_is_missing_and_echoed_as_given(ecs_mock: EcsMock, ecs: Any, app: str) -> None:
    ecs_mock.add_container_instance("default")
    legacy = (
        "arn:aws:ecs:us-east-1:123456789012:container-instance/4c543eed-f83f-47da-b1d8-3d23f1da4c64"
    )
    result = _start(ecs, [legacy])
    assert result["tasks"] == []
    assert _reasons(result) == [(legacy, "MISSING")]


def test_bare_id_of_another_clusters_instance_is_missing(
    ecs_mock: EcsMock, ecs: Any, app: str
) -> None:
    ecs_mock.create_cluster("default")
    elsewhere = ecs_mock.add_container_instance("other")
    instance_id = elsewhere.rsplit("/", 1)[1]

    result = _start(ecs, [instance_id])

    assert _reasons(result) == [(elsewhere.replace("/other/", "/default/"), "MISSING")]


def test_instance_named_by_bare_id_and_by_arn_places(ecs_mock: EcsMock, ecs: Any, app: str) -> None:
    instance = ecs_mock.add_container_instance("default")
    result = _start(ecs, [instance.rsplit("/", 1)[1], instance])
    assert [t["containerInstanceArn"] for t in result["tasks"]] == [instance, instance]


def test_deregistered_instance_is_inactive(ecs_mock: EcsMock, ecs: Any, app: str) -> None:
    instance = ecs_mock.add_container_instance("default")
    ecs.deregister_container_instance(containerInstance=instance)
    assert _reasons(_start(ecs, [instance])) == [(instance, "INACTIVE")]


def test_draining_instance_takes_no_new_task(ecs_mock: EcsMock, ecs: Any, app: str) -> None:
    instance = ecs_mock.add_container_instance("default")
    ecs.update_container_instances_state(containerInstances=[instance], status="DRAINING")
    assert _reasons(_start(ecs, [instance])) == [(instance, "DRAINING")]

    ecs.update_container_instances_state(containerInstances=[instance], status="ACTIVE")
    assert len(_start(ecs, [instance])["tasks"]) == 1


def test_disconnected_agent_is_agent_until_reconnected(
    ecs_mock: EcsMock, ecs: Any, app: str
) -> None:
    instance = ecs_mock.add_container_instance("default")
    ecs_mock.set_agent_connected(instance, False, "default")
    assert _reasons(_start(ecs, [instance])) == [(instance, "AGENT")]
    described = ecs.describe_container_instances(containerInstances=[instance])
    assert described["containerInstances"][0]["agentConnected"] is False

    ecs_mock.set_agent_connected(instance, True, "default")
    assert len(_start(ecs, [instance])["tasks"]) == 1


def test_execute_command_needs_the_exec_capability(ecs_mock: EcsMock, ecs: Any, app: str) -> None:
    bare = ecs_mock.add_container_instance(
        "default", attributes=[{"name": "ecs.capability.task-eni"}]
    )
    able = ecs_mock.add_container_instance("default")

    result = _start(ecs, [bare, able], enableExecuteCommand=True)

    assert _reasons(result) == [(bare, "ATTRIBUTE")]
    assert [t["containerInstanceArn"] for t in result["tasks"]] == [able]
    assert len(_start(ecs, [bare])["tasks"]) == 1  # without ECS Exec it fits


def test_awsvpc_needs_the_task_eni_capability(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.register_task_definition("vpc", networkMode="awsvpc", containers=[dict(SMALL)])
    old_agent = ecs_mock.add_container_instance(
        "default", attributes=[{"name": "ecs.capability.execute-command"}]
    )
    result = _start(ecs, [old_agent], taskDefinition="vpc", networkConfiguration=NETWORK)
    assert _reasons(result) == [(old_agent, "ATTRIBUTE")]


@pytest.mark.parametrize(
    ("instance", "container", "reason"),
    [
        ({"cpu": 100}, {}, "RESOURCE:CPU"),
        ({"memory": 100}, {}, "RESOURCE:MEMORY"),
        ({}, {"portMappings": [{"containerPort": 80, "hostPort": 8080}]}, "RESOURCE:PORTS"),
        (
            {"ports": [22, 8080]},
            {"portMappings": [{"containerPort": 80, "hostPort": 8080}]},
            "RESOURCE:PORTS",
        ),
        (
            {"udp_ports": [53]},
            {"portMappings": [{"containerPort": 53, "hostPort": 53, "protocol": "udp"}]},
            "RESOURCE:PORTS_UDP",
        ),
        ({"gpus": 1}, {"resourceRequirements": [{"type": "GPU", "value": "2"}]}, "RESOURCE:GPU"),
    ],
)
def test_each_resource_shortfall_has_its_reason(
    ecs_mock: EcsMock,
    ecs: Any,
    instance: dict[str, Any],
    container: dict[str, Any],
    reason: str,
) -> None:
    ecs_mock.register_task_definition("t", containers=[{**SMALL, **container}])
    target = ecs_mock.add_container_instance("default", **instance)
    if reason == "RESOURCE:PORTS" and "ports" not in instance:
        assert _start(ecs, [target], taskDefinition="t")["tasks"]  # the first takes 8080
    assert _reasons(_start(ecs, [target], taskDefinition="t")) == [(target, reason)]


def test_no_free_eni_slot_is_resource_eni(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.register_task_definition("vpc", networkMode="awsvpc", containers=[dict(SMALL)])
    # c5.large: 3 ENIs, one of them the primary, so two awsvpc tasks.
    instance = ecs_mock.add_container_instance("default", instance_type="c5.large")

    result = _start(ecs, [instance] * 3, taskDefinition="vpc", networkConfiguration=NETWORK)

    assert len(result["tasks"]) == 2
    assert _reasons(result) == [(instance, "RESOURCE:ENI")]


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        ("inactive+draining", "INACTIVE"),
        ("draining+agent", "DRAINING"),
        ("agent+attribute", "AGENT"),
        ("attribute+cpu", "ATTRIBUTE"),
        ("cpu+memory", "RESOURCE:CPU"),
        ("memory+ports", "RESOURCE:MEMORY"),
        ("ports+udp", "RESOURCE:PORTS"),
        ("udp+gpu", "RESOURCE:PORTS_UDP"),
        ("gpu+eni", "RESOURCE:GPU"),
    ],
)
def test_first_applicable_reason_wins(
    ecs_mock: EcsMock, ecs: Any, setup: str, expected: str
) -> None:
    """MISSING > INACTIVE > DRAINING > AGENT > ATTRIBUTE > CPU > MEMORY > PORTS > PORTS_UDP >
    GPU > ENI (ECS documents no order; this is the mock's, inferred from the spec)."""
    problems = set(setup.split("+"))
    ecs_mock.register_task_definition(
        "t",
        networkMode="awsvpc" if "eni" in problems else "host",
        containers=[
            {
                **SMALL,
                "portMappings": [
                    {"containerPort": 8080},
                    {"containerPort": 53, "protocol": "udp"},
                ],
                "resourceRequirements": [{"type": "GPU", "value": "1"}],
            }
        ],
    )
    options: dict[str, Any] = {"gpus": 0 if "gpu" in problems else 1}
    if "cpu" in problems:
        options["cpu"] = 64
    if "memory" in problems:
        options["memory"] = 64
    if "ports" in problems:
        options["ports"] = [8080]
    if "udp" in problems:
        options["udp_ports"] = [53]
    if "eni" in problems:
        options["eni_slots"] = 0
    if "attribute" in problems:
        options["attributes"] = [{"name": "ecs.capability.task-eni"}]
    instance = ecs_mock.add_container_instance("default", **options)
    if "inactive" in problems:
        ecs.deregister_container_instance(containerInstance=instance)
    if "draining" in problems:
        ecs.update_container_instances_state(containerInstances=[instance], status="DRAINING")
    if "agent" in problems:
        ecs_mock.set_agent_connected(instance, False, "default")
    extra: dict[str, Any] = {"enableExecuteCommand": True}
    if "eni" in problems:
        extra["networkConfiguration"] = NETWORK

    result = _start(ecs, [instance], taskDefinition="t", **extra)

    assert _reasons(result) == [(instance, expected)]


def test_partial_success_returns_both_lists_in_request_order(
    ecs_mock: EcsMock, ecs: Any, app: str
) -> None:
    roomy = ecs_mock.add_container_instance("default")
    tiny = ecs_mock.add_container_instance("default", memory=64)
    draining = ecs_mock.add_container_instance("default")
    ecs.update_container_instances_state(containerInstances=[draining], status="DRAINING")
    also_roomy = ecs_mock.add_container_instance("default")

    result = _start(ecs, [tiny, roomy, "f" * 32, draining, also_roomy])

    assert [t["containerInstanceArn"] for t in result["tasks"]] == [roomy, also_roomy]
    assert [reason for _, reason in _reasons(result)] == [
        "RESOURCE:MEMORY",
        "MISSING",
        "DRAINING",
    ]
    assert set(ecs.list_tasks()["taskArns"]) == {t["taskArn"] for t in result["tasks"]}


def test_every_instance_failing_is_still_http_200(ecs_mock: EcsMock, ecs: Any, app: str) -> None:
    tiny = ecs_mock.add_container_instance("default", cpu=10)
    result = _start(ecs, [tiny, "a" * 32])
    assert result["tasks"] == []
    assert [reason for _, reason in _reasons(result)] == ["RESOURCE:CPU", "MISSING"]


# -- LOCATION: awsvpc subnets in other zones --------------------------------------------------


def _vpc_definition(ecs_mock: EcsMock) -> None:
    ecs_mock.register_task_definition("vpc", networkMode="awsvpc", containers=[dict(SMALL)])


def _eni_subnet(task: dict[str, Any]) -> str:
    (eni,) = task["attachments"]
    details = {d["name"]: d["value"] for d in eni["details"]}
    return details["subnetId"]


def test_instance_outside_the_subnets_zones_is_location(ecs_mock: EcsMock, ecs: Any) -> None:
    _vpc_definition(ecs_mock)
    ecs_mock.add_subnet("subnet-b", "us-east-1b")
    ecs_mock.add_subnet("subnet-c", "us-east-1c")
    in_a = ecs_mock.add_container_instance("default", availability_zone="us-east-1a")
    in_c = ecs_mock.add_container_instance("default", availability_zone="us-east-1c")
    network = {"awsvpcConfiguration": {"subnets": ["subnet-b", "subnet-c"]}}

    result = _start(ecs, [in_a, in_c], taskDefinition="vpc", networkConfiguration=network)

    assert _reasons(result) == [(in_a, "LOCATION")]
    (task,) = result["tasks"]
    assert task["containerInstanceArn"] == in_c
    assert _eni_subnet(task) == "subnet-c"  # the ENI lands in the instance's own zone
    remaining = ecs.describe_container_instances(containerInstances=[in_a])
    assert remaining["containerInstances"][0]["pendingTasksCount"] == 0


def test_location_comes_after_attribute_and_before_resources(ecs_mock: EcsMock, ecs: Any) -> None:
    _vpc_definition(ecs_mock)
    ecs_mock.add_subnet("subnet-b", "us-east-1b")
    network = {"awsvpcConfiguration": {"subnets": ["subnet-b"]}}
    no_eni_capability = ecs_mock.add_container_instance(
        "default",
        availability_zone="us-east-1a",
        attributes=[{"name": "ecs.capability.execute-command"}],
    )
    too_small = ecs_mock.add_container_instance("default", availability_zone="us-east-1a", cpu=1)

    result = _start(
        ecs, [no_eni_capability, too_small], taskDefinition="vpc", networkConfiguration=network
    )

    assert _reasons(result) == [(no_eni_capability, "ATTRIBUTE"), (too_small, "LOCATION")]


def test_a_subnet_of_unknown_zone_is_not_checked(ecs_mock: EcsMock, ecs: Any) -> None:
    _vpc_definition(ecs_mock)
    ecs_mock.add_subnet("subnet-b", "us-east-1b")
    in_a = ecs_mock.add_container_instance("default", availability_zone="us-east-1a")
    network = {"awsvpcConfiguration": {"subnets": ["subnet-b", "subnet-unknown"]}}

    result = _start(ecs, [in_a], taskDefinition="vpc", networkConfiguration=network)

    assert result["failures"] == []
    assert _eni_subnet(result["tasks"][0]) == "subnet-b"  # no subnet known in us-east-1a


def test_subnets_are_per_region(ecs_mock: EcsMock, ecs: Any) -> None:
    _vpc_definition(ecs_mock)
    ecs_mock.add_subnet("subnet-b", "eu-west-1b", region="eu-west-1")
    in_a = ecs_mock.add_container_instance("default", availability_zone="us-east-1a")
    network = {"awsvpcConfiguration": {"subnets": ["subnet-b"]}}
    assert _start(ecs, [in_a], taskDefinition="vpc", networkConfiguration=network)["tasks"]

"""The awsvpcTrunking account setting: a container instance of a supported type registered while
it is enabled gets a trunk ENI (`ecs.awsvpc-trunk-id`) and the type's "task limit with ENI
trunking" awsvpc tasks (developer guide, container-instance-eni.md); others, and instances
registered before, keep the type's ENI limit less the primary ENI."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from test_state_file import copy_of, every_row, open_app

from ecs_mock import EcsMock
from ecs_mock.backend.container_instances import AGENT_CAPABILITIES

NETWORK = {"awsvpcConfiguration": {"subnets": ["subnet-0123"]}}
SMALL = {"name": "app", "image": "busybox", "cpu": 10, "memory": 10}
TRUNK = "ecs.awsvpc-trunk-id"
TRUNK_ID = re.compile(r"eni-[0-9a-f]{17}\Z")
ROLE = "arn:aws:iam::123456789012:role/ecsInstanceRole"


@pytest.fixture
def vpc(ecs_mock: EcsMock) -> str:
    return ecs_mock.register_task_definition("vpc", networkMode="awsvpc", containers=[dict(SMALL)])


def _enable(ecs: Any) -> None:
    ecs.put_account_setting(name="awsvpcTrunking", value="enabled")


def _attributes(ecs: Any, instance: str) -> dict[str, str | None]:
    (found,) = ecs.describe_container_instances(containerInstances=[instance])["containerInstances"]
    return {a["name"]: a.get("value") for a in found["attributes"]}


def _awsvpc_capacity(ecs: Any, instance: str, limit: int = 60) -> int:
    """How many awsvpc tasks StartTask places on `instance` before it answers RESOURCE:ENI
    (StartTask takes at most 10 instances a call)."""
    placed = 0
    while placed <= limit:
        result = ecs.start_task(
            taskDefinition="vpc",
            containerInstances=[instance] * 10,
            networkConfiguration=NETWORK,
        )
        placed += len(result["tasks"])
        if result["failures"]:
            assert {f["reason"] for f in result["failures"]} == {"RESOURCE:ENI"}
            assert {f["arn"] for f in result["failures"]} == {instance}
            return placed
    raise AssertionError(f"more than {limit} awsvpc tasks placed")


def test_enabled_c5_large_runs_ten_awsvpc_tasks_and_the_eleventh_fails_eni(
    ecs_mock: EcsMock, ecs: Any, vpc: str
) -> None:
    _enable(ecs)
    instance = ecs_mock.add_container_instance("default", instance_type="c5.large")

    first = ecs.start_task(
        taskDefinition="vpc", containerInstances=[instance] * 10, networkConfiguration=NETWORK
    )
    assert len(first["tasks"]) == 10
    assert first["failures"] == []
    eleventh = ecs.start_task(
        taskDefinition="vpc", containerInstances=[instance], networkConfiguration=NETWORK
    )
    assert eleventh["tasks"] == []
    assert eleventh["failures"] == [{"arn": instance, "reason": "RESOURCE:ENI"}]


def test_without_the_setting_c5_large_runs_two(ecs_mock: EcsMock, ecs: Any, vpc: str) -> None:
    instance = ecs_mock.add_container_instance("default", instance_type="c5.large")
    assert _awsvpc_capacity(ecs, instance) == 2
    assert TRUNK not in _attributes(ecs, instance)


def test_the_trunk_attribute_names_an_eni_and_is_listed(ecs_mock: EcsMock, ecs: Any) -> None:
    plain = ecs_mock.add_container_instance("default", instance_type="c5.large")
    _enable(ecs)
    trunked = ecs_mock.add_container_instance("default", instance_type="c5.large")

    trunk_id = _attributes(ecs, trunked)[TRUNK]
    assert trunk_id is not None
    assert TRUNK_ID.match(trunk_id)
    assert TRUNK not in _attributes(ecs, plain)
    # The developer guide finds trunked instances with ListAttributes on this name.
    listed = ecs.list_attributes(targetType="container-instance", attributeName=TRUNK)
    assert [(a["targetId"], a["value"]) for a in listed["attributes"]] == [(trunked, trunk_id)]
    # Each instance has its own trunk.
    other = ecs_mock.add_container_instance("default", instance_type="c5.large")
    assert _attributes(ecs, other)[TRUNK] not in (None, trunk_id)


def test_an_instance_registered_before_enabling_keeps_its_limit(
    ecs_mock: EcsMock, ecs: Any, vpc: str
) -> None:
    before = ecs_mock.add_container_instance("default", instance_type="c5.large")
    _enable(ecs)
    after = ecs_mock.add_container_instance("default", instance_type="c5.large")

    assert _awsvpc_capacity(ecs, before) == 2
    assert _awsvpc_capacity(ecs, after) == 10


def test_disabling_again_leaves_trunked_instances_as_they_are(
    ecs_mock: EcsMock, ecs: Any, vpc: str
) -> None:
    _enable(ecs)
    trunked = ecs_mock.add_container_instance("default", instance_type="c5.large")
    ecs.put_account_setting(name="awsvpcTrunking", value="disabled")
    plain = ecs_mock.add_container_instance("default", instance_type="c5.large")

    assert _awsvpc_capacity(ecs, trunked) == 10
    assert _awsvpc_capacity(ecs, plain) == 2
    assert TRUNK in _attributes(ecs, trunked)


@pytest.mark.parametrize(
    ("instance_type", "trunked"),
    [
        ("m5.large", 10),
        ("m6g.large", 10),
        ("r5.large", 10),
        ("m5.xlarge", 20),
        ("c5.xlarge", 20),
        ("m5.2xlarge", 40),
        ("p3.2xlarge", 40),
    ],
)
def test_supported_types_get_the_documented_task_limit(
    ecs_mock: EcsMock, ecs: Any, vpc: str, instance_type: str, trunked: int
) -> None:
    _enable(ecs)
    instance = ecs_mock.add_container_instance("default", instance_type=instance_type)
    assert _awsvpc_capacity(ecs, instance) == trunked
    assert TRUNK in _attributes(ecs, instance)


@pytest.mark.parametrize(
    ("instance_type", "slots"),
    [("t2.micro", 1), ("t3.medium", 2), ("t4g.medium", 2), ("g4dn.xlarge", 2)],
)
def test_unsupported_types_are_unchanged(
    ecs_mock: EcsMock, ecs: Any, vpc: str, instance_type: str, slots: int
) -> None:
    _enable(ecs)
    instance = ecs_mock.add_container_instance("default", instance_type=instance_type)
    assert _awsvpc_capacity(ecs, instance) == slots
    assert TRUNK not in _attributes(ecs, instance)


def test_an_unlisted_type_follows_m5_large_trunking_included(
    ecs_mock: EcsMock, ecs: Any, vpc: str
) -> None:
    """Mock decision: types the mock does not list take m5.large's figures, this one too."""
    _enable(ecs)
    instance = ecs_mock.add_container_instance("default", instance_type="c6i.large")
    assert _awsvpc_capacity(ecs, instance) == 10


def test_the_account_default_enables_it(ecs_mock: EcsMock, ecs: Any, vpc: str) -> None:
    ecs.put_account_setting_default(name="awsvpcTrunking", value="enabled")
    # A named principal's own value does not matter: the mock registers as the root user.
    ecs.put_account_setting(name="awsvpcTrunking", value="disabled", principalArn=ROLE)
    instance = ecs_mock.add_container_instance("default", instance_type="c5.large")
    assert _awsvpc_capacity(ecs, instance) == 10


def test_a_named_principals_setting_does_not_reach_registrations(
    ecs_mock: EcsMock, ecs: Any, vpc: str
) -> None:
    """Mock decision: no IAM, so the registering principal is the root user, never the
    container instance role that ECS would see."""
    ecs.put_account_setting(name="awsvpcTrunking", value="enabled", principalArn=ROLE)
    instance = ecs_mock.add_container_instance("default", instance_type="c5.large")
    assert _awsvpc_capacity(ecs, instance) == 2
    assert TRUNK not in _attributes(ecs, instance)


def test_run_task_placement_follows_the_trunked_slots(
    ecs_mock: EcsMock, ecs: Any, vpc: str
) -> None:
    _enable(ecs)
    instance = ecs_mock.add_container_instance("default", instance_type="c5.large")

    placed = ecs.run_task(taskDefinition="vpc", count=10, networkConfiguration=NETWORK)
    assert [t["containerInstanceArn"] for t in placed["tasks"]] == [instance] * 10
    more = ecs.run_task(taskDefinition="vpc", count=1, networkConfiguration=NETWORK)
    assert more["tasks"] == []
    assert [f["reason"] for f in more["failures"]] == ["RESOURCE:ENI"]

    # A stopped task gives its slot back.
    ecs.stop_task(task=placed["tasks"][0]["taskArn"])
    ecs_mock.advance("STOPPED", task=placed["tasks"][0]["taskArn"])
    again = ecs.run_task(taskDefinition="vpc", count=2, networkConfiguration=NETWORK)
    assert len(again["tasks"]) == 1
    assert [f["reason"] for f in again["failures"]] == ["RESOURCE:ENI"]


def test_the_agent_advertises_eni_trunking(ecs_mock: EcsMock, ecs: Any) -> None:
    assert "ecs.capability.task-eni-trunking" in AGENT_CAPABILITIES
    instance = ecs_mock.add_container_instance("default")
    assert "ecs.capability.task-eni-trunking" in _attributes(ecs, instance)
    external = ecs_mock.add_container_instance("default", external=True)
    assert "ecs.capability.task-eni-trunking" not in _attributes(ecs, external)


def test_an_agent_without_the_trunking_capability_gets_no_trunk(
    ecs_mock: EcsMock, ecs: Any, vpc: str
) -> None:
    _enable(ecs)
    instance = ecs_mock.add_container_instance(
        "default", instance_type="c5.large", attributes=[{"name": "ecs.capability.task-eni"}]
    )
    assert _awsvpc_capacity(ecs, instance) == 2
    assert TRUNK not in _attributes(ecs, instance)


def test_an_external_instance_gets_no_trunk(ecs_mock: EcsMock, ecs: Any) -> None:
    _enable(ecs)
    instance = ecs_mock.add_container_instance("default", external=True)
    assert TRUNK not in _attributes(ecs, instance)


def _document(instance_type: str = "c5.large") -> str:
    return json.dumps({"instanceId": "i-0123456789abcdef0", "instanceType": instance_type})


def test_a_re_registration_keeps_the_first_registrations_trunk(
    ecs_mock: EcsMock, ecs: Any, vpc: str
) -> None:
    """Mock decision: the agent re-registers the same instance; it keeps its trunk and slots
    whatever the setting says now."""
    ecs_mock.create_cluster("default")
    _enable(ecs)
    first = ecs.register_container_instance(instanceIdentityDocument=_document())
    arn = first["containerInstance"]["containerInstanceArn"]
    trunk_id = _attributes(ecs, arn)[TRUNK]
    ecs.put_account_setting(name="awsvpcTrunking", value="disabled")

    again = ecs.register_container_instance(
        instanceIdentityDocument=_document(), containerInstanceArn=arn
    )

    assert again["containerInstance"]["version"] == 2
    assert {a["name"]: a.get("value") for a in again["containerInstance"]["attributes"]}[
        TRUNK
    ] == trunk_id
    assert _attributes(ecs, arn)[TRUNK] == trunk_id
    assert _awsvpc_capacity(ecs, arn) == 10


def test_a_re_registration_after_enabling_gets_no_trunk(
    ecs_mock: EcsMock, ecs: Any, vpc: str
) -> None:
    ecs_mock.create_cluster("default")
    first = ecs.register_container_instance(instanceIdentityDocument=_document())
    arn = first["containerInstance"]["containerInstanceArn"]
    _enable(ecs)

    ecs.register_container_instance(instanceIdentityDocument=_document(), containerInstanceArn=arn)

    assert TRUNK not in _attributes(ecs, arn)
    assert _awsvpc_capacity(ecs, arn) == 2


def test_a_caller_cannot_name_the_trunk(ecs_mock: EcsMock, ecs: Any, vpc: str) -> None:
    """Mock decision: ECS names the trunk ENI; a registration's attribute of that name is
    dropped, and gives no slots."""
    ecs_mock.create_cluster("default")
    sent = [{"name": TRUNK, "value": "eni-0123456789abcdef0"}]
    plain = ecs.register_container_instance(instanceIdentityDocument=_document(), attributes=sent)
    arn = plain["containerInstance"]["containerInstanceArn"]
    assert TRUNK not in _attributes(ecs, arn)
    assert _awsvpc_capacity(ecs, arn) == 2

    _enable(ecs)
    trunked = ecs.register_container_instance(
        instanceIdentityDocument=_document(), attributes=sent
    )["containerInstance"]
    values = [a.get("value") for a in trunked["attributes"] if a["name"] == TRUNK]
    assert len(values) == 1
    assert values[0] != "eni-0123456789abcdef0"
    assert TRUNK_ID.match(str(values[0]))


def test_the_instance_is_active_at_once(ecs_mock: EcsMock, ecs: Any) -> None:
    """Mock decision: no REGISTERING while the trunk is provisioned."""
    ecs_mock.create_cluster("default")
    _enable(ecs)
    registered = ecs.register_container_instance(instanceIdentityDocument=_document())
    assert registered["containerInstance"]["status"] == "ACTIVE"
    assert TRUNK in {a["name"] for a in registered["containerInstance"]["attributes"]}


def test_a_state_file_reload_keeps_the_trunk_and_its_slots(tmp_path: Path) -> None:
    live = open_app(tmp_path / "state.db", seed=5)
    try:
        view = live.view()
        view.call("PutAccountSetting", name="awsvpcTrunking", value="enabled")
        view.create_cluster("default")
        instance = view.add_container_instance("default", instance_type="c5.large")
        view.register_task_definition("vpc", networkMode="awsvpc", containers=[dict(SMALL)])
        view.call(
            "StartTask",
            taskDefinition="vpc",
            containerInstances=[instance] * 4,
            networkConfiguration=NETWORK,
        )
        loaded = open_app(copy_of(live, tmp_path / "copy.db"))
        assert every_row(loaded) == every_row(live)
    finally:
        live.close()
    try:
        again = loaded.view()
        (found,) = again.call("DescribeContainerInstances", containerInstances=[instance])[
            "containerInstances"
        ]
        assert TRUNK_ID.match(next(a["value"] for a in found["attributes"] if a["name"] == TRUNK))
        result = again.call(
            "StartTask",
            taskDefinition="vpc",
            containerInstances=[instance] * 7,
            networkConfiguration=NETWORK,
        )
        assert len(result["tasks"]) == 6  # 4 before the reload, 6 after: ten in all
        assert [f["reason"] for f in result["failures"]] == ["RESOURCE:ENI"]
    finally:
        loaded.close()

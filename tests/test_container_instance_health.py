"""DescribeContainerInstances include=CONTAINER_INSTANCE_HEALTH through boto3: `healthStatus`
only when asked for, OK while the agent is connected, INSUFFICIENT_DATA while it is not or the
instance is deregistered, with the times of the last check and the last change."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from freezegun import freeze_time
from test_state_file import Checker, open_app

from ecs_mock import EcsMock

START = datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc)
HEALTH = "CONTAINER_INSTANCE_HEALTH"


def _at(seconds: float) -> datetime.datetime:
    """The time `seconds` after START, as boto3 parses a timestamp."""
    return (START + datetime.timedelta(seconds=seconds)).astimezone()


def _describe(ecs: Any, arn: str, *include: str) -> dict[str, Any]:
    described: dict[str, Any] = ecs.describe_container_instances(
        containerInstances=[arn], include=list(include)
    )["containerInstances"][0]
    return described


def _health(status: str, updated: float, changed: float) -> dict[str, Any]:
    detail = {
        "type": "CONTAINER_RUNTIME",
        "status": status,
        "lastUpdated": _at(updated),
        "lastStatusChange": _at(changed),
    }
    return {"overallStatus": status, "details": [detail]}


@pytest.fixture
def frozen() -> Any:
    with freeze_time(START) as clock:
        yield clock


def test_health_is_shown_only_when_asked_for(
    ecs_mock: EcsMock, ecs: Any, cluster: str, frozen: Any
) -> None:
    arn = ecs_mock.add_container_instance()
    ecs.tag_resource(resourceArn=arn, tags=[{"key": "team", "value": "data"}])
    plain = _describe(ecs, arn)
    tagged = _describe(ecs, arn, "TAGS")
    assert "healthStatus" not in plain
    assert "healthStatus" not in tagged
    assert tagged["tags"] == [{"key": "team", "value": "data"}]

    healthy = _describe(ecs, arn, HEALTH)
    assert healthy["healthStatus"] == _health("OK", 0, 0)
    assert healthy["tags"] == []  # TAGS not asked for
    both = _describe(ecs, arn, "TAGS", HEALTH)
    assert both["tags"] == [{"key": "team", "value": "data"}]
    assert both["healthStatus"] == healthy["healthStatus"]
    # Otherwise the same answer.
    assert {k: v for k, v in both.items() if k != "healthStatus"} == tagged


def test_a_healthy_instance_is_checked_whenever_described(
    ecs_mock: EcsMock, ecs: Any, cluster: str, frozen: Any
) -> None:
    arn = ecs_mock.add_container_instance()
    registered = _describe(ecs, arn)["registeredAt"]
    frozen.tick(90)
    health = _describe(ecs, arn, HEALTH)["healthStatus"]
    assert health == _health("OK", 90, 0)
    assert health["details"][0]["lastStatusChange"] == registered
    # Draining changes what ECS places there, not the instance's health.
    ecs.update_container_instances_state(containerInstances=[arn], status="DRAINING")
    frozen.tick(10)
    assert _describe(ecs, arn, HEALTH)["healthStatus"] == _health("OK", 100, 0)


def test_a_disconnected_agent_gives_insufficient_data_until_it_is_back(
    ecs_mock: EcsMock, ecs: Any, cluster: str, frozen: Any
) -> None:
    arn = ecs_mock.add_container_instance()
    frozen.tick(60)
    ecs_mock.set_agent_connected(arn, False)
    frozen.tick(30)
    assert _describe(ecs, arn, HEALTH)["healthStatus"] == _health("INSUFFICIENT_DATA", 90, 60)
    ecs_mock.set_agent_connected(arn, False)  # no change: the change time stays
    frozen.tick(30)
    ecs_mock.set_agent_connected(arn, True)
    frozen.tick(5)
    assert _describe(ecs, arn, HEALTH)["healthStatus"] == _health("OK", 125, 120)


def test_a_reregistering_agent_is_connected_again(
    ecs_mock: EcsMock, ecs: Any, cluster: str, frozen: Any
) -> None:
    arn = ecs_mock.add_container_instance()
    frozen.tick(10)
    ecs.register_container_instance(containerInstanceArn=arn)
    assert _describe(ecs, arn, HEALTH)["healthStatus"] == _health("OK", 10, 0)
    ecs_mock.set_agent_connected(arn, False)
    frozen.tick(10)
    ecs.register_container_instance(containerInstanceArn=arn)
    described = _describe(ecs, arn, HEALTH)
    assert described["agentConnected"] is True
    assert described["healthStatus"] == _health("OK", 20, 20)


def test_a_deregistered_instance_is_checked_no_more(
    ecs_mock: EcsMock, ecs: Any, cluster: str, frozen: Any
) -> None:
    arn = ecs_mock.add_container_instance()
    frozen.tick(40)
    ecs.deregister_container_instance(containerInstance=arn)
    frozen.tick(600)
    described = _describe(ecs, arn, HEALTH)
    assert described["status"] == "INACTIVE"
    assert described["healthStatus"] == _health("INSUFFICIENT_DATA", 40, 40)


def test_an_agent_lost_before_deregistration_keeps_its_change_time(
    ecs_mock: EcsMock, ecs: Any, cluster: str, frozen: Any
) -> None:
    arn = ecs_mock.add_container_instance()
    frozen.tick(20)
    ecs_mock.set_agent_connected(arn, False)
    frozen.tick(20)
    ecs.deregister_container_instance(containerInstance=arn)
    frozen.tick(20)
    health = _describe(ecs, arn, HEALTH)["healthStatus"]
    assert health == _health("INSUFFICIENT_DATA", 40, 20)


def test_health_times_survive_a_state_file_reload(tmp_path: Path) -> None:
    live = open_app(tmp_path / "state.db", seed=3, empty=True)
    check = Checker(live, tmp_path)
    try:
        with freeze_time(START) as clock:
            view = live.view()
            arn = view.add_container_instance()
            clock.tick(30)
            view.set_agent_connected(arn, False)
            check()
            clock.tick(30)
            view.set_agent_connected(arn, True)
            check()
            loaded = open_app(check.directory / "copy-2.db")
            try:
                for app in (live, loaded):
                    described = app.view().call(
                        "DescribeContainerInstances", containerInstances=[arn], include=[HEALTH]
                    )["containerInstances"][0]
                    detail = described["healthStatus"]["details"][0]
                    assert detail["lastStatusChange"] == START.timestamp() + 60
            finally:
                loaded.close()
    finally:
        live.close()

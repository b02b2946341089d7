"""GetTaskProtection / UpdateTaskProtection: protection on the mock clock, its failures, and
the service scheduler's scale-in leaving protected tasks running."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError
from freezegun import freeze_time

from ecs_mock import EcsMock

T0 = "2025-06-01T00:00:00Z"
START = datetime(2025, 6, 1, tzinfo=UTC)


def _service_tasks(ecs: Any, desired: str = "RUNNING") -> list[str]:
    arns: list[str] = ecs.list_tasks(serviceName="web", desiredStatus=desired)["taskArns"]
    return arns


@pytest.fixture
def frozen() -> Iterator[Any]:
    with freeze_time(T0) as frozen:
        yield frozen


@pytest.fixture
def web(frozen: Any, ecs_mock: EcsMock, ecs: Any) -> list[str]:
    ecs_mock.register_task_definition("app")
    ecs_mock.add_container_instance("default")
    ecs.create_service(serviceName="web", taskDefinition="app", desiredCount=3)
    return sorted(_service_tasks(ecs))


def test_protection_defaults_to_120_minutes_and_lapses_on_the_clock(
    frozen: Any, web: list[str], ecs: Any
) -> None:
    answer = ecs.update_task_protection(cluster="default", tasks=[web[0]], protectionEnabled=True)
    (protected,) = answer["protectedTasks"]
    assert answer["failures"] == []
    assert protected["taskArn"] == web[0]
    assert protected["protectionEnabled"] is True
    assert protected["expirationDate"] == START + timedelta(minutes=120)
    frozen.tick(120 * 60 - 1)
    (still,) = ecs.get_task_protection(cluster="default", tasks=[web[0]])["protectedTasks"]
    assert still["protectionEnabled"] is True
    frozen.tick(1)
    (lapsed,) = ecs.get_task_protection(cluster="default", tasks=[web[0]])["protectedTasks"]
    assert lapsed == {"taskArn": web[0], "protectionEnabled": False}


def test_expires_in_minutes_is_reset_by_each_call_and_can_be_turned_off(
    frozen: Any, web: list[str], ecs: Any
) -> None:
    ecs.update_task_protection(
        cluster="default", tasks=[web[0]], protectionEnabled=True, expiresInMinutes=2880
    )
    frozen.tick(60)
    (renewed,) = ecs.update_task_protection(
        cluster="default", tasks=[web[0]], protectionEnabled=True, expiresInMinutes=1
    )["protectedTasks"]
    assert renewed["expirationDate"] == START + timedelta(minutes=2)
    (off,) = ecs.update_task_protection(cluster="default", tasks=[web[0]], protectionEnabled=False)[
        "protectedTasks"
    ]
    assert off == {"taskArn": web[0], "protectionEnabled": False}


@pytest.mark.parametrize("minutes", [0, 2881])
def test_expires_in_minutes_out_of_range_is_refused(web: list[str], ecs: Any, minutes: int) -> None:
    with pytest.raises(ClientError) as caught:
        ecs.update_task_protection(
            cluster="default", tasks=[web[0]], protectionEnabled=True, expiresInMinutes=minutes
        )
    assert caught.value.response["Error"]["Code"] == "InvalidParameterException"
    assert ecs.get_task_protection(cluster="default", tasks=[web[0]])["protectedTasks"] == [
        {"taskArn": web[0], "protectionEnabled": False}
    ]


def test_missing_and_standalone_tasks_are_failures(
    ecs_mock: EcsMock, web: list[str], ecs: Any
) -> None:
    standalone = ecs.run_task(taskDefinition="app")["tasks"][0]["taskArn"]
    missing = "0" * 32
    answer = ecs.update_task_protection(
        cluster="default", tasks=[web[0], standalone, missing], protectionEnabled=True
    )
    assert [t["taskArn"] for t in answer["protectedTasks"]] == [web[0]]
    reasons = {f["arn"]: f["reason"] for f in answer["failures"]}
    assert reasons == {
        standalone: "TASK_NOT_VALID",
        web[0].rsplit("/", 1)[0] + "/" + missing: "MISSING",
    }


def test_bad_requests_are_modeled_errors(web: list[str], ecs: Any) -> None:
    with pytest.raises(ClientError) as caught:
        ecs.get_task_protection(cluster="nope", tasks=[web[0]])
    assert caught.value.response["Error"]["Code"] == "ClusterNotFoundException"
    with pytest.raises(ClientError) as caught:
        ecs.update_task_protection(cluster="default", tasks=["a"] * 11, protectionEnabled=True)
    assert caught.value.response["Error"]["Code"] == "InvalidParameterException"
    with pytest.raises(ClientError) as caught:
        ecs.get_task_protection(cluster="default")
    assert caught.value.response["Error"]["Code"] == "InvalidParameterException"


def test_scale_in_skips_protected_tasks_until_protection_lapses(
    frozen: Any, web: list[str], ecs: Any
) -> None:
    ecs.update_task_protection(
        cluster="default", tasks=web[:2], protectionEnabled=True, expiresInMinutes=10
    )
    ecs.update_service(service="web", desiredCount=0)
    assert sorted(_service_tasks(ecs)) == web[:2]  # only the unprotected one stopped
    assert _service_tasks(ecs, "STOPPED") == [web[2]]
    ecs.update_task_protection(cluster="default", tasks=[web[0]], protectionEnabled=False)
    assert _service_tasks(ecs) == [web[1]]
    frozen.tick(10 * 60)
    assert _service_tasks(ecs) == []
    service = ecs.describe_services(services=["web"])["services"][0]
    assert service["runningCount"] == 0


def test_a_deployment_waits_for_a_protected_task_of_the_old_revision(
    frozen: Any, ecs_mock: EcsMock, web: list[str], ecs: Any
) -> None:
    ecs_mock.register_task_definition("app")  # app:2
    ecs.update_task_protection(
        cluster="default", tasks=[web[0]], protectionEnabled=True, expiresInMinutes=5
    )
    ecs.update_service(service="web", taskDefinition="app:2")
    running = ecs.describe_tasks(tasks=_service_tasks(ecs))["tasks"]
    old = [t["taskArn"] for t in running if t["taskDefinitionArn"].endswith(":1")]
    assert old == [web[0]]  # the unprotected old tasks were replaced, the protected one stays
    assert len(ecs.describe_services(services=["web"])["services"][0]["deployments"]) == 2
    frozen.tick(5 * 60)
    running = ecs.describe_tasks(tasks=_service_tasks(ecs))["tasks"]
    assert {t["taskDefinitionArn"].rsplit(":", 1)[1] for t in running} == {"2"}
    (deployment,) = ecs.describe_services(services=["web"])["services"][0]["deployments"]
    assert deployment["taskDefinition"].endswith(":2")

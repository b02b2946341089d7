"""ListContainerInstances `filter`: the cluster query language through a real boto3 client."""

from __future__ import annotations

from typing import Any

import pytest
from freezegun import freeze_time

from ecs_mock import EcsMock

WEB = {"name": "web", "image": "nginx", "cpu": 128, "memory": 128}


def _listed(ecs: Any, expression: str, cluster: str = "default", **params: Any) -> list[str]:
    arns: list[str] = ecs.list_container_instances(cluster=cluster, filter=expression, **params)[
        "containerInstanceArns"
    ]
    return arns


def _refused(ecs: Any, expression: str, **params: Any) -> str:
    with pytest.raises(ecs.exceptions.InvalidParameterException) as raised:
        ecs.list_container_instances(filter=expression, **params)
    message: str = raised.value.response["Error"]["Message"]
    return message


@pytest.fixture
def fleet(ecs_mock: EcsMock) -> dict[str, str]:
    """Five instances that differ in type, zone and a custom `stack` attribute."""
    add = ecs_mock.add_container_instance
    return {
        "g2": add(instance_type="g2.2xlarge", availability_zone="us-east-1a"),
        "t2a": add(
            instance_type="t2.small",
            availability_zone="us-east-1a",
            attributes=[{"name": "stack", "value": "prod"}],
        ),
        "t2b": add(
            instance_type="t2.medium",
            availability_zone="us-east-1b",
            attributes=[{"name": "stack", "value": "dev"}],
        ),
        "t2d": add(instance_type="t2.micro", availability_zone="us-east-1d"),
        "m5": add(
            instance_type="m5.large",
            availability_zone="us-east-1b",
            attributes=[{"name": "stack", "value": "prod"}],
        ),
    }


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        # The AWS CLI examples of task-placement-constraints.html, "Filtering by attribute"
        ("attribute:ecs.instance-type == g2.2xlarge", ["g2"]),
        ("attribute:stack == prod", ["t2a", "m5"]),
        ("attribute:stack != prod", ["g2", "t2b", "t2d"]),  # no stack at all counts as != prod
        ("attribute:ecs.instance-type in [t2.small, t2.medium]", ["t2a", "t2b"]),
        (
            "attribute:ecs.instance-type =~ t2.* and attribute:ecs.availability-zone == us-east-1a",
            ["t2a"],
        ),
        # and more of the language
        ("attribute:ecs.availability-zone in [us-east-1a, us-east-1b]", ["g2", "t2a", "t2b", "m5"]),
        (
            "attribute:ecs.instance-type =~ t2.* and attribute:ecs.availability-zone != us-east-1d",
            ["t2a", "t2b"],
        ),
        ("attribute:stack exists", ["t2a", "t2b", "m5"]),
        ("attribute:stack !exists or attribute:stack == dev", ["g2", "t2b", "t2d"]),
        ("not (attribute:stack exists and attribute:stack == prod)", ["g2", "t2b", "t2d"]),
        ("attribute:ecs.instance-type =~ 't2\\.(small|micro)'", ["t2a", "t2d"]),
        ("attribute:ecs.capability.task-eni exists", ["g2", "t2a", "t2b", "t2d", "m5"]),
        ("attribute:ecs.os-type == windows", []),
    ],
)
def test_attribute_filters(
    ecs: Any, fleet: dict[str, str], expression: str, expected: list[str]
) -> None:
    assert _listed(ecs, expression) == [fleet[name] for name in expected]


def test_filter_sees_put_and_deleted_attributes(ecs: Any, fleet: dict[str, str]) -> None:
    ecs.put_attributes(attributes=[{"name": "stack", "value": "prod", "targetId": fleet["g2"]}])
    assert _listed(ecs, "attribute:stack == prod") == [fleet["g2"], fleet["t2a"], fleet["m5"]]
    ecs.delete_attributes(attributes=[{"name": "stack", "targetId": fleet["t2a"]}])
    assert _listed(ecs, "attribute:stack == prod") == [fleet["g2"], fleet["m5"]]


def test_task_group_and_running_tasks_count_follow_started_tasks(
    ecs_mock: EcsMock, ecs: Any
) -> None:
    ecs_mock.register_task_definition("web", containers=[dict(WEB)])
    web, db, idle = (ecs_mock.add_container_instance(cpu=1024, memory=1024) for _ in range(3))
    ecs.start_task(taskDefinition="web", containerInstances=[web], group="service:web")
    ecs.start_task(taskDefinition="web", containerInstances=[web], group="service:web")
    stopping = ecs.start_task(taskDefinition="web", containerInstances=[db], group="database")
    ecs.start_task(taskDefinition="web", containerInstances=[db])  # group family:web

    assert _listed(ecs, "task:group == database") == [db]
    assert _listed(ecs, "task:group == service:web") == [web]
    assert _listed(ecs, "task:group == family:web") == [db]
    assert _listed(ecs, "not(task:group == database)") == [web, idle]  # documented anti-affinity
    assert _listed(ecs, "task:group != database") == [web, db]  # some task outside the group
    assert _listed(ecs, "task:group =~ service:.*") == [web]
    assert _listed(ecs, "task:group exists") == [web, db]
    assert _listed(ecs, "task:group !exists") == [idle]
    assert _listed(ecs, "runningTasksCount == 2") == [web, db]
    assert _listed(ecs, "runningTasksCount == 0") == [idle]
    assert _listed(ecs, "runningTasksCount > 0 and task:group in [database, x]") == [db]

    ecs.stop_task(task=stopping["tasks"][0]["taskArn"])  # STOPPED by the next call
    assert _listed(ecs, "task:group == database") == []
    assert _listed(ecs, "runningTasksCount == 1") == [db]


@pytest.mark.ecs_mock(pending_seconds=60)
def test_pending_tasks_have_a_group_but_are_not_running(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.register_task_definition("web", containers=[dict(WEB)])
    instance = ecs_mock.add_container_instance()
    with freeze_time("2024-01-01") as frozen:
        ecs.start_task(taskDefinition="web", containerInstances=[instance], group="batch")
        assert _listed(ecs, "task:group == batch") == [instance]
        assert _listed(ecs, "runningTasksCount == 0") == [instance]
        frozen.tick(60)
        assert _listed(ecs, "runningTasksCount == 1") == [instance]


def test_ec2_instance_id_agent_connected_and_agent_version(ecs_mock: EcsMock, ecs: Any) -> None:
    first = ecs_mock.add_container_instance()
    second = ecs_mock.add_container_instance()
    old = ecs.register_container_instance(
        cluster="default",
        versionInfo={"agentVersion": "1.14.4", "agentHash": "x", "dockerVersion": "x"},
    )["containerInstance"]["containerInstanceArn"]
    described = ecs.describe_container_instances(containerInstances=[first, second])
    ids = [i["ec2InstanceId"] for i in described["containerInstances"]]

    assert _listed(ecs, f"ec2InstanceId == {ids[1]}") == [second]
    assert _listed(ecs, f"ec2InstanceId in ['{ids[0]}', 'i-wxyx7890']") == [first]
    assert _listed(ecs, f"ec2InstanceId !in [{ids[0]}, {ids[1]}]") == [old]
    assert _listed(ecs, "ec2InstanceId =~ i-[0-9a-f]+") == [first, second, old]

    ecs_mock.set_agent_connected(second, False)
    assert _listed(ecs, "agentConnected == false") == [second]
    assert _listed(ecs, "agentConnected != false") == [first, old]

    assert _listed(ecs, "agentVersion < 1.14.5") == [old]  # the documented example
    assert _listed(ecs, "agentVersion >= 1.14.5") == [first, second]  # the mock's 1.88.0


def test_registered_at(ecs_mock: EcsMock, ecs: Any) -> None:
    with freeze_time("2018-02-12 10:00:00"):
        early = ecs_mock.add_container_instance()
    with freeze_time("2018-06-18 22:28:28.5"):
        late = ecs_mock.add_container_instance()

    assert _listed(ecs, "registeredAt < 2018-02-13") == [early]  # the documented example
    assert _listed(ecs, "registeredAt == 2018-06-18T22:28:28Z") == [late]
    assert _listed(ecs, "registeredAt == 2018-06-18T22:28:28+00:00") == [late]
    assert _listed(ecs, "registeredAt == 2018-06-18") == [late]
    assert _listed(ecs, "registeredAt > 2018-02-12T10:00:00") == [late]
    assert _listed(ecs, "registeredAt >= 2018-02-12") == [early, late]


def test_filter_and_status_together(ecs: Any, fleet: dict[str, str]) -> None:
    ecs.update_container_instances_state(containerInstances=[fleet["m5"]], status="DRAINING")
    ecs.deregister_container_instance(containerInstance=fleet["t2a"])
    assert _listed(ecs, "attribute:stack == prod") == [fleet["m5"]]  # deregistered: never listed
    assert _listed(ecs, "attribute:stack == prod", status="DRAINING") == [fleet["m5"]]
    assert _listed(ecs, "attribute:stack == prod", status="ACTIVE") == []
    assert _listed(ecs, "attribute:stack exists", status="ACTIVE") == [fleet["t2b"]]


def test_filtered_pages(ecs_mock: EcsMock, ecs: Any) -> None:
    arns = [
        ecs_mock.add_container_instance(
            attributes=[{"name": "parity", "value": "even" if n % 2 == 0 else "odd"}]
        )
        for n in range(9)
    ]
    even = arns[0::2]
    pages, token = [], None
    while True:
        params: dict[str, Any] = {"maxResults": 2, "filter": "attribute:parity == even"}
        if token:
            params["nextToken"] = token
        page = ecs.list_container_instances(**params)
        pages.append(page["containerInstanceArns"])
        token = page.get("nextToken")
        if token is None:
            break
    assert pages == [even[0:2], even[2:4], even[4:]]
    paginator = ecs.get_paginator("list_container_instances")
    collected = paginator.paginate(
        filter="attribute:parity == odd", PaginationConfig={"PageSize": 3}
    ).build_full_result()
    assert collected["containerInstanceArns"] == arns[1::2]


def test_empty_filter_is_no_filter(ecs: Any, fleet: dict[str, str]) -> None:
    assert _listed(ecs, "") == list(fleet.values())


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        (
            "attribute:stack = prod",
            "Invalid expression at position 16: unexpected '=' (did you mean '=='? A value or "
            "pattern that contains '=' must be quoted).",
        ),
        (
            "attribute:stack == prod and",
            "Invalid expression at position 27: expected a subject (attribute:<name>, "
            "ec2InstanceId, registeredAt, runningTasksCount, agentConnected, agentVersion, "
            "task:group), found the end of the expression.",
        ),
        (
            "runningTasksCount =~ 1",
            "Invalid expression at position 18: the operator '=~' cannot be used with "
            "runningTasksCount (it takes == != > >= < <=).",
        ),
        (
            "attribute:stack in prod",
            "Invalid expression at position 19: 'in' expects an argument list such as [a, b], "
            "found 'prod'.",
        ),
        (
            "registeredAt < yesterday",
            "Invalid expression at position 15: registeredAt compares with a date such as "
            "2018-06-18, 2018-06-18T22:28:28, 2018-06-18T22:28:28Z or 2018-06-18T22:28:28+00:00, "
            "not 'yesterday'.",
        ),
        (
            "attribute:stack =~ '(a'",
            "Invalid expression at position 19: the pattern '(a' cannot be used: missing ): (a.",
        ),
    ],
)
def test_malformed_filters_are_invalid_parameter(
    ecs: Any, fleet: dict[str, str], expression: str, message: str
) -> None:
    assert _refused(ecs, expression) == message


def test_malformed_filter_is_refused_before_the_cluster_lookup(ecs: Any) -> None:
    message = _refused(ecs, "(" * 40 + "attribute:a exists", cluster="nope")
    assert "nested more than 32 deep" in message
    with pytest.raises(ecs.exceptions.ClusterNotFoundException):
        ecs.list_container_instances(cluster="nope", filter="attribute:a exists")


def test_over_long_and_catastrophic_filters(ecs: Any, ecs_mock: EcsMock) -> None:
    value = "a" * 128
    instance = ecs_mock.add_container_instance(attributes=[{"name": "v", "value": value}])
    assert "longer than 2000" in _refused(ecs, "attribute:v exists or " * 100)
    assert _listed(ecs, "attribute:v =~ '(a|aa)*'") == [instance]
    assert _listed(ecs, "attribute:v =~ '(a|aa)*c'") == []


# -- the same language in RunTask's memberOf constraints -----------------------------------------


def test_run_task_member_of_uses_the_query_language(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.register_task_definition("web", containers=[dict(WEB)])
    t2 = ecs_mock.add_container_instance(instance_type="t2.small")
    m5 = ecs_mock.add_container_instance(instance_type="m5.large")
    constraint = {"type": "memberOf", "expression": "attribute:ecs.instance-type =~ t2.*"}

    placed = ecs.run_task(taskDefinition="web", count=3, placementConstraints=[constraint])
    assert {t["containerInstanceArn"] for t in placed["tasks"]} == {t2}

    # Affinity: the task group's instances, which RunTask itself just filled.
    affinity = {"type": "memberOf", "expression": "task:group == family:web"}
    again = ecs.run_task(taskDefinition="web", count=2, placementConstraints=[affinity])
    assert {t["containerInstanceArn"] for t in again["tasks"]} == {t2}
    anti = {"type": "memberOf", "expression": "not(task:group == family:web)"}
    away = ecs.run_task(taskDefinition="web", placementConstraints=[anti])
    assert [t["containerInstanceArn"] for t in away["tasks"]] == [m5]

    nowhere = {"type": "memberOf", "expression": "attribute:ecs.instance-type == g2.2xlarge"}
    refused = ecs.run_task(taskDefinition="web", placementConstraints=[nowhere])
    assert refused["tasks"] == []
    assert sorted((f["arn"], f["reason"]) for f in refused["failures"]) == sorted(
        [
            (t2, "MemberOf placement constraint unsatisfied."),
            (m5, "MemberOf placement constraint unsatisfied."),
        ]
    )


def test_run_task_refuses_a_malformed_member_of(ecs_mock: EcsMock, ecs: Any) -> None:
    ecs_mock.register_task_definition("web", containers=[dict(WEB)])
    ecs_mock.add_container_instance()
    bad = {"type": "memberOf", "expression": "attribute:stack == prod or"}
    with pytest.raises(ecs.exceptions.InvalidParameterException) as raised:
        ecs.run_task(taskDefinition="web", placementConstraints=[bad])
    assert raised.value.response["Error"]["Message"] == (
        "Invalid memberOf expression at position 26: expected a subject (attribute:<name>, "
        "ec2InstanceId, registeredAt, runningTasksCount, agentConnected, agentVersion, "
        "task:group), found the end of the expression."
    )
    assert ecs.list_tasks()["taskArns"] == []

"""RegisterContainerInstance, DescribeContainerInstances, ListContainerInstances,
UpdateContainerInstancesState and DeregisterContainerInstance through a real boto3 client."""

from __future__ import annotations

import datetime
import json
import re
from typing import Any

import pytest

from ecs_mock import EcsMock

ACCOUNT = "123456789012"
UNKNOWN_ID = "0123456789abcdef0123456789abcdef"
INSTANCE_ARN = re.compile(
    rf"^arn:aws:ecs:us-east-1:{ACCOUNT}:container-instance/(?P<cluster>[^/]+)/(?P<id>[0-9a-f]{{32}})$"
)
AGENT_PORTS = {"22", "2375", "2376", "51678", "51679"}
VERSION_INFO = {
    "agentVersion": "1.70.2",
    "agentHash": "0d1e2f3a",
    "dockerVersion": "DockerVersion: 20.10.25",
}
WEB = {
    "name": "web",
    "image": "public.ecr.aws/nginx/nginx:latest",
    "cpu": 256,
    "memory": 512,
    "portMappings": [{"containerPort": 80, "hostPort": 8080, "protocol": "tcp"}],
}


def _document(**fields: str) -> str:
    document = {
        "instanceId": "i-0123456789abcdef0",
        "region": "us-east-1",
        "availabilityZone": "us-east-1b",
        "instanceType": "c5.large",
        "accountId": ACCOUNT,
        "architecture": "x86_64",
        "imageId": "ami-0abcdef1234567890",
    }
    document.update(fields)
    return json.dumps(document)


def _register(ecs: Any, cluster: str = "default", **params: Any) -> dict[str, Any]:
    params.setdefault("instanceIdentityDocument", _document())
    instance: dict[str, Any] = ecs.register_container_instance(cluster=cluster, **params)[
        "containerInstance"
    ]
    return instance


def _resources(resources: list[dict[str, Any]]) -> dict[str, Any]:
    """name -> value; port lists as sets because ECS does not order them."""
    values: dict[str, Any] = {}
    for resource in resources:
        if resource["type"] == "STRINGSET":
            values[resource["name"]] = set(resource["stringSetValue"])
        else:
            values[resource["name"]] = resource["integerValue"]
    return values


def _attributes(instance: dict[str, Any]) -> dict[str, str | None]:
    return {a["name"]: a.get("value") for a in instance["attributes"]}


def _describe(ecs: Any, arn: str, cluster: str = "default", **extra: Any) -> dict[str, Any]:
    described: dict[str, Any] = ecs.describe_container_instances(
        cluster=cluster, containerInstances=[arn], **extra
    )["containerInstances"][0]
    return described


def _cluster(ecs: Any, cluster: str = "default") -> dict[str, Any]:
    found: dict[str, Any] = ecs.describe_clusters(clusters=[cluster])["clusters"][0]
    return found


def _snapshot(ecs: Any, arns: list[str], cluster: str = "default") -> Any:
    """Everything a refused request could have changed."""
    return (
        ecs.describe_container_instances(
            cluster=cluster, containerInstances=arns, include=["TAGS"]
        )["containerInstances"],
        ecs.list_container_instances(cluster=cluster)["containerInstanceArns"],
        _cluster(ecs, cluster),
        ecs.list_tasks(cluster=cluster)["taskArns"],
    )


def _start(ecs: Any, instance: str, cluster: str = "default") -> dict[str, Any]:
    result: dict[str, Any] = ecs.start_task(
        cluster=cluster, taskDefinition="web", containerInstances=[instance]
    )
    return result


@pytest.fixture
def web(ecs_mock: EcsMock) -> str:
    return ecs_mock.register_task_definition("web", containers=[dict(WEB)])


# -- RegisterContainerInstance --------------------------------------------------------------


def test_register_from_identity_document_takes_the_instance_types_resources(
    ecs: Any, cluster: str
) -> None:
    before = datetime.datetime.now(datetime.timezone.utc)
    instance = _register(ecs, versionInfo=VERSION_INFO)

    match = INSTANCE_ARN.match(instance["containerInstanceArn"])
    assert match is not None
    assert match["cluster"] == "default"
    assert instance["ec2InstanceId"] == "i-0123456789abcdef0"
    registered = _resources(instance["registeredResources"])
    # c5.large: 2 vCPUs, 3768 MiB left to tasks (the botocore DescribeContainerInstances example).
    assert registered == {
        "CPU": 2048,
        "MEMORY": 3768,
        "PORTS": AGENT_PORTS,
        "PORTS_UDP": set(),
    }
    assert instance["remainingResources"] == instance["registeredResources"]
    assert instance["status"] == "ACTIVE"
    assert instance["agentConnected"] is True
    assert (instance["runningTasksCount"], instance["pendingTasksCount"]) == (0, 0)
    assert instance["versionInfo"] == VERSION_INFO
    assert before - datetime.timedelta(seconds=5) <= instance["registeredAt"]
    assert instance["registeredAt"] <= datetime.datetime.now(datetime.timezone.utc)


def test_cpu_and_memory_defaults_follow_the_instance_type(ecs: Any, cluster: str) -> None:
    small = _register(ecs, instanceIdentityDocument=_document(instanceType="c5.large"))
    large = _register(ecs, instanceIdentityDocument=_document(instanceType="m5.xlarge"))
    small_resources = _resources(small["registeredResources"])
    large_resources = _resources(large["registeredResources"])
    assert (small_resources["CPU"], large_resources["CPU"]) == (2048, 4096)
    # The agent reports memory less what the OS holds: under the type's physical memory.
    assert 3500 < small_resources["MEMORY"] < 4096
    assert 15000 < large_resources["MEMORY"] < 16384


def test_unknown_instance_type_registers_like_m5_large(ecs: Any, cluster: str) -> None:
    # README choice: types missing from the built-in table get m5.large's figures.
    reference = _register(ecs, instanceIdentityDocument=_document(instanceType="m5.large"))
    unknown = _register(ecs, instanceIdentityDocument=_document(instanceType="x9z.mega"))
    assert unknown["registeredResources"] == reference["registeredResources"]
    assert _attributes(unknown)["ecs.instance-type"] == "x9z.mega"


def test_explicit_total_resources_are_honoured_exactly(ecs: Any, cluster: str) -> None:
    total = [
        {"name": "CPU", "type": "INTEGER", "integerValue": 1536},
        {"name": "MEMORY", "type": "INTEGER", "integerValue": 3000},
        {"name": "PORTS", "type": "STRINGSET", "stringSetValue": ["22", "8443"]},
        {"name": "PORTS_UDP", "type": "STRINGSET", "stringSetValue": ["5353"]},
    ]
    instance = _register(ecs, totalResources=total)
    assert _resources(instance["registeredResources"]) == {
        "CPU": 1536,
        "MEMORY": 3000,
        "PORTS": {"22", "8443"},
        "PORTS_UDP": {"5353"},
    }
    assert instance["remainingResources"] == instance["registeredResources"]


def test_standard_attributes_come_from_the_document_plus_custom_ones(
    ecs: Any, cluster: str
) -> None:
    document = _document(
        instanceType="m6g.large", availabilityZone="us-east-1c", architecture="arm64"
    )
    instance = _register(
        ecs,
        instanceIdentityDocument=document,
        attributes=[{"name": "team", "value": "data"}, {"name": "gpu-ready"}],
    )
    attributes = _attributes(instance)
    assert attributes["ecs.availability-zone"] == "us-east-1c"
    assert attributes["ecs.instance-type"] == "m6g.large"
    assert attributes["ecs.cpu-architecture"] == "arm64"
    assert attributes["ecs.ami-id"] == "ami-0abcdef1234567890"
    assert {"ecs.os-type", "ecs.os-family", "ecs.vpc-id", "ecs.subnet-id"} <= set(attributes)
    assert attributes["team"] == "data"
    assert "gpu-ready" in attributes
    assert attributes["gpu-ready"] is None
    # Without capability attributes from the caller, a current agent's set is advertised.
    assert "ecs.capability.task-eni" in attributes


def test_architecture_falls_back_to_the_instance_type(ecs: Any, cluster: str) -> None:
    document = json.loads(_document(instanceType="t4g.medium"))
    del document["architecture"]
    instance = _register(ecs, instanceIdentityDocument=json.dumps(document))
    assert _attributes(instance)["ecs.cpu-architecture"] == "arm64"


def test_capability_attributes_sent_by_the_agent_replace_the_default_set(
    ecs: Any, cluster: str
) -> None:
    # README choice: a caller sending any ecs.capability.* speaks for the agent.
    instance = _register(ecs, attributes=[{"name": "ecs.capability.task-eni"}])
    attributes = _attributes(instance)
    assert "ecs.capability.task-eni" in attributes
    assert "ecs.capability.execute-command" not in attributes


def test_document_values_that_are_not_strings_still_give_string_attributes(
    ecs: Any, cluster: str
) -> None:
    document = json.loads(_document())
    document["imageId"] = 12345
    instance = _register(ecs, instanceIdentityDocument=json.dumps(document))
    assert _attributes(instance)["ecs.ami-id"] == "12345"


@pytest.mark.parametrize(
    "attribute",
    [
        {"name": "n" * 128, "value": "v" * 128},
        {"name": "a-b_c.d/e\\f", "value": "x y-z_1.2@h/i\\j:k"},
        {"name": "no-value"},
    ],
    ids=["longest", "every-allowed-character", "no-value"],
)
def test_custom_attribute_limits_are_accepted(
    ecs: Any, cluster: str, attribute: dict[str, str]
) -> None:
    instance = _register(ecs, attributes=[attribute])
    assert _attributes(instance)[attribute["name"]] == attribute.get("value")


@pytest.mark.parametrize(
    ("attribute", "names"),
    [
        ({"name": ""}, "name"),
        ({"name": "n" * 129}, "name"),
        ({"name": "has space"}, "name"),
        ({"name": "semi;colon"}, "name"),
        ({"name": "ok", "value": ""}, "value"),
        ({"name": "ok", "value": "v" * 129}, "value"),
        ({"name": "ok", "value": " leading"}, "value"),
        ({"name": "ok", "value": "trailing "}, "value"),
        ({"name": "ok", "value": "hash#"}, "value"),
    ],
    ids=[
        "empty-name",
        "long-name",
        "space-in-name",
        "bad-name-character",
        "empty-value",
        "long-value",
        "leading-space",
        "trailing-space",
        "bad-value-character",
    ],
)
def test_invalid_custom_attributes_are_refused_and_register_nothing(
    ecs: Any, cluster: str, attribute: dict[str, str], names: str
) -> None:
    with pytest.raises(ecs.exceptions.InvalidParameterException) as raised:
        _register(ecs, attributes=[{"name": "fine", "value": "fine"}, attribute])
    message = raised.value.response["Error"]["Message"]
    assert message.startswith("Invalid value" if names == "value" else "Invalid attribute name")
    assert f"'{attribute[names]}'" in message
    assert ecs.list_container_instances()["containerInstanceArns"] == []
    assert _cluster(ecs)["registeredContainerInstancesCount"] == 0


def test_gpus_register_from_platform_devices(ecs: Any, cluster: str) -> None:
    devices = [{"id": "gpu-0", "type": "GPU"}, {"id": "gpu-1", "type": "GPU"}]
    instance = _register(ecs, platformDevices=devices)
    assert _resources(instance["registeredResources"])["GPU"] == {"gpu-0", "gpu-1"}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"totalResources": [{"name": "CPU", "type": "INTEGER", "integerValue": -1}]},
            "Resource values must not be negative.",
        ),
        (
            {"instanceIdentityDocument": "{not json"},
            "The instance identity document is not valid JSON.",
        ),
        (
            {"instanceIdentityDocument": "[1, 2]"},
            "The instance identity document is not valid JSON.",
        ),
    ],
    ids=["negative-cpu", "broken-json", "json-not-an-object"],
)
def test_bad_registration_input_is_refused_and_registers_nothing(
    ecs: Any, cluster: str, params: dict[str, Any], message: str
) -> None:
    with pytest.raises(ecs.exceptions.InvalidParameterException) as raised:
        _register(ecs, **params)
    assert raised.value.response["Error"]["Message"] == message
    assert ecs.list_container_instances()["containerInstanceArns"] == []
    assert _cluster(ecs)["registeredContainerInstancesCount"] == 0


def test_tags_are_kept_and_described_on_request(ecs: Any, cluster: str) -> None:
    tags = [{"key": "team", "value": "data"}, {"key": "env", "value": "test"}]
    instance = _register(ecs, tags=tags)
    arn = instance["containerInstanceArn"]
    assert _describe(ecs, arn)["tags"] == []
    assert _describe(ecs, arn, include=["TAGS"])["tags"] == tags
    assert ecs.list_tags_for_resource(resourceArn=arn)["tags"] == tags


@pytest.mark.parametrize("key", ["aws:owner", "AWS:owner"])
def test_aws_tag_prefix_is_refused_and_registers_nothing(ecs: Any, cluster: str, key: str) -> None:
    with pytest.raises(ecs.exceptions.InvalidParameterException) as raised:
        _register(ecs, tags=[{"key": key, "value": "x"}])
    assert raised.value.response["Error"]["Message"] == "Tag key must not start with aws:"
    assert ecs.list_container_instances()["containerInstanceArns"] == []


def test_unknown_cluster_is_a_client_exception(ecs: Any, cluster: str) -> None:
    with pytest.raises(ecs.exceptions.ClientException) as raised:
        _register(ecs, cluster="nope")
    assert raised.value.response["Error"]["Message"] == "Cluster not found."
    assert ecs.list_container_instances()["containerInstanceArns"] == []


def test_each_registration_is_a_new_instance_and_counts_on_the_cluster(
    ecs: Any, cluster: str
) -> None:
    first = _register(ecs)["containerInstanceArn"]
    second = _register(ecs)["containerInstanceArn"]
    assert first != second
    assert ecs.list_container_instances()["containerInstanceArns"] == [first, second]
    assert _cluster(ecs)["registeredContainerInstancesCount"] == 2


def test_reregistration_keeps_the_arn_tasks_and_drain(ecs: Any, cluster: str, web: str) -> None:
    original = _register(ecs, tags=[{"key": "team", "value": "data"}])
    arn = original["containerInstanceArn"]
    task = _start(ecs, arn)["tasks"][0]["taskArn"]
    ecs.update_container_instances_state(containerInstances=[arn], status="DRAINING")
    draining_version = _describe(ecs, arn)["version"]

    again = _register(
        ecs,
        containerInstanceArn=arn,
        versionInfo=VERSION_INFO,
        totalResources=[{"name": "CPU", "type": "INTEGER", "integerValue": 4096}],
    )

    assert again["containerInstanceArn"] == arn
    assert again["version"] > draining_version
    assert again["versionInfo"] == VERSION_INFO
    assert again["status"] == "DRAINING"
    assert again["registeredAt"] == original["registeredAt"]
    # New totals apply; the running task still holds its share.
    assert _resources(again["registeredResources"])["CPU"] == 4096
    remaining = _resources(again["remainingResources"])
    assert remaining["CPU"] == 4096 - 256
    assert "8080" in remaining["PORTS"]
    assert ecs.list_tasks(containerInstance=arn)["taskArns"] == [task]
    assert ecs.list_container_instances(status="DRAINING")["containerInstanceArns"] == [arn]
    assert _cluster(ecs)["registeredContainerInstancesCount"] == 1
    assert _describe(ecs, arn, include=["TAGS"])["tags"] == [{"key": "team", "value": "data"}]


def test_reregistering_a_deregistered_instance_is_refused(ecs: Any, cluster: str) -> None:
    arn = _register(ecs)["containerInstanceArn"]
    ecs.deregister_container_instance(containerInstance=arn)
    before = _snapshot(ecs, [arn])
    with pytest.raises(ecs.exceptions.ClientException) as raised:
        _register(ecs, containerInstanceArn=arn)
    instance_id = arn.rpartition("/")[2]
    # Observed ECS answer when an agent re-registers after deregistration.
    assert (
        raised.value.response["Error"]["Message"]
        == f"Container instance {instance_id} is inactive."
    )
    assert _snapshot(ecs, [arn]) == before


def test_reregistering_an_unknown_instance_is_refused(ecs: Any, cluster: str) -> None:
    unknown = f"arn:aws:ecs:us-east-1:{ACCOUNT}:container-instance/default/{UNKNOWN_ID}"
    with pytest.raises(ecs.exceptions.ClientException) as raised:
        _register(ecs, containerInstanceArn=unknown)
    assert UNKNOWN_ID in raised.value.response["Error"]["Message"]
    assert ecs.list_container_instances()["containerInstanceArns"] == []


# -- DescribeContainerInstances ---------------------------------------------------------------


def test_describe_by_id_and_arn_with_missing_failures(ecs: Any, cluster: str) -> None:
    arn = _register(ecs)["containerInstanceArn"]
    instance_id = arn.rpartition("/")[2]
    unknown_arn = arn.replace(instance_id, "f" * 32)
    result = ecs.describe_container_instances(
        containerInstances=[instance_id, arn, UNKNOWN_ID, unknown_arn]
    )
    assert [i["containerInstanceArn"] for i in result["containerInstances"]] == [arn, arn]
    assert result["failures"] == [
        {"arn": arn.replace(instance_id, UNKNOWN_ID), "reason": "MISSING"},
        {"arn": unknown_arn, "reason": "MISSING"},
    ]


def test_describe_is_scoped_to_the_cluster(ecs_mock: EcsMock, ecs: Any, cluster: str) -> None:
    ecs_mock.create_cluster("other")
    arn = _register(ecs, cluster="other")["containerInstanceArn"]
    result = ecs.describe_container_instances(containerInstances=[arn.rpartition("/")[2]])
    assert result["containerInstances"] == []
    assert [f["reason"] for f in result["failures"]] == ["MISSING"]


def test_remaining_resources_follow_a_started_task(ecs: Any, cluster: str, web: str) -> None:
    instance = _register(ecs)
    arn = instance["containerInstanceArn"]
    task = _start(ecs, arn)["tasks"][0]["taskArn"]

    described = _describe(ecs, arn)
    assert described["registeredResources"] == instance["registeredResources"]
    remaining = _resources(described["remainingResources"])
    registered = _resources(described["registeredResources"])
    assert remaining["CPU"] == registered["CPU"] - 256
    assert remaining["MEMORY"] == registered["MEMORY"] - 512
    assert remaining["PORTS"] == AGENT_PORTS | {"8080"}
    assert described["pendingTasksCount"] + described["runningTasksCount"] == 1

    ecs.stop_task(task=task)
    released = _describe(ecs, arn)
    assert released["remainingResources"] == released["registeredResources"]
    assert (released["runningTasksCount"], released["pendingTasksCount"]) == (0, 0)


def test_describe_tags_only_when_asked(ecs: Any, cluster: str) -> None:
    arn = _register(ecs, tags=[{"key": "team", "value": "data"}])["containerInstanceArn"]
    assert _describe(ecs, arn)["tags"] == []
    assert _describe(ecs, arn, include=["TAGS"])["tags"] == [{"key": "team", "value": "data"}]


def test_describe_refuses_bad_requests(ecs: Any, cluster: str) -> None:
    with pytest.raises(ecs.exceptions.InvalidParameterException) as raised:
        ecs.describe_container_instances(containerInstances=[])
    assert raised.value.response["Error"]["Message"] == "Container Instances cannot be empty."
    with pytest.raises(ecs.exceptions.InvalidParameterException) as raised:
        ecs.describe_container_instances(containerInstances=[UNKNOWN_ID] * 101)
    assert "100" in raised.value.response["Error"]["Message"]
    with pytest.raises(ecs.exceptions.ClusterNotFoundException) as raised:
        ecs.describe_container_instances(cluster="nope", containerInstances=[UNKNOWN_ID])
    assert raised.value.response["Error"]["Message"] == "Cluster not found."


# -- ListContainerInstances -------------------------------------------------------------------


def test_list_filters_by_status_and_hides_inactive(ecs: Any, cluster: str) -> None:
    active, draining, gone = (_register(ecs)["containerInstanceArn"] for _ in range(3))
    ecs.update_container_instances_state(containerInstances=[draining], status="DRAINING")
    ecs.deregister_container_instance(containerInstance=gone)

    def listed(**status: str) -> list[str]:
        arns: list[str] = ecs.list_container_instances(**status)["containerInstanceArns"]
        return arns

    assert listed() == [active, draining]
    assert listed(status="ACTIVE") == [active]
    assert listed(status="DRAINING") == [draining]
    assert listed(status="REGISTERING") == []


def test_list_refuses_inactive_as_a_status(ecs: Any, cluster: str) -> None:
    # INACTIVE is not in the model's ContainerInstanceStatus enum, so ECS's validation refuses it.
    arn = _register(ecs)["containerInstanceArn"]
    ecs.deregister_container_instance(containerInstance=arn)
    with pytest.raises(ecs.exceptions.InvalidParameterException) as raised:
        ecs.list_container_instances(status="INACTIVE")
    message = raised.value.response["Error"]["Message"]
    assert message.startswith("1 validation error detected: Value 'INACTIVE' at 'status'")


def test_list_pages_with_max_results_and_next_token(ecs: Any, cluster: str) -> None:
    arns = [_register(ecs)["containerInstanceArn"] for _ in range(5)]
    pages, token = [], None
    while True:
        params: dict[str, Any] = {"maxResults": 2}
        if token:
            params["nextToken"] = token
        page = ecs.list_container_instances(**params)
        pages.append(page["containerInstanceArns"])
        token = page.get("nextToken")
        if token is None:
            break
    assert pages == [arns[0:2], arns[2:4], arns[4:]]


def test_list_pages_with_the_botocore_paginator(ecs: Any, cluster: str) -> None:
    arns = [_register(ecs)["containerInstanceArn"] for _ in range(5)]
    paginator = ecs.get_paginator("list_container_instances")
    pages = list(paginator.paginate(cluster="default", PaginationConfig={"PageSize": 2}))
    assert [len(p["containerInstanceArns"]) for p in pages] == [2, 2, 1]
    collected = paginator.paginate(cluster="default", PaginationConfig={"PageSize": 3})
    assert collected.build_full_result()["containerInstanceArns"] == arns


@pytest.mark.parametrize("max_results", [0, 101])
def test_list_refuses_max_results_out_of_range(ecs: Any, cluster: str, max_results: int) -> None:
    with pytest.raises(ecs.exceptions.InvalidParameterException) as raised:
        ecs.list_container_instances(maxResults=max_results)
    assert raised.value.response["Error"]["Message"] == "maxResults must be between 1 and 100."


def test_list_refuses_unknown_cluster(ecs: Any, cluster: str) -> None:
    with pytest.raises(ecs.exceptions.ClusterNotFoundException) as raised:
        ecs.list_container_instances(cluster="nope")
    assert raised.value.response["Error"]["Message"] == "Cluster not found."
    # `filter` (the cluster query language) is tested in test_list_container_instances_filter.


# -- UpdateContainerInstancesState ------------------------------------------------------------


def test_drain_and_reactivate(ecs: Any, cluster: str) -> None:
    arn = _register(ecs)["containerInstanceArn"]
    version = _describe(ecs, arn)["version"]

    drained = ecs.update_container_instances_state(containerInstances=[arn], status="DRAINING")
    assert drained["failures"] == []
    assert [i["status"] for i in drained["containerInstances"]] == ["DRAINING"]
    assert drained["containerInstances"][0]["version"] > version
    assert _describe(ecs, arn)["status"] == "DRAINING"
    # A draining instance is still registered.
    assert _cluster(ecs)["registeredContainerInstancesCount"] == 1

    back = ecs.update_container_instances_state(containerInstances=[arn], status="ACTIVE")
    assert [i["status"] for i in back["containerInstances"]] == ["ACTIVE"]
    assert _describe(ecs, arn)["status"] == "ACTIVE"
    assert ecs.list_container_instances(status="DRAINING")["containerInstanceArns"] == []


def test_update_reports_unknown_instances_as_missing(ecs: Any, cluster: str) -> None:
    arn = _register(ecs)["containerInstanceArn"]
    result = ecs.update_container_instances_state(
        containerInstances=[arn, UNKNOWN_ID], status="DRAINING"
    )
    assert [i["containerInstanceArn"] for i in result["containerInstances"]] == [arn]
    assert result["failures"] == [
        {"arn": arn.replace(arn.rpartition("/")[2], UNKNOWN_ID), "reason": "MISSING"}
    ]
    assert _describe(ecs, arn)["status"] == "DRAINING"


def test_update_refuses_more_than_ten_instances(ecs: Any, cluster: str) -> None:
    arns = [_register(ecs)["containerInstanceArn"] for _ in range(11)]
    before = _snapshot(ecs, arns)
    with pytest.raises(ecs.exceptions.InvalidParameterException) as raised:
        ecs.update_container_instances_state(containerInstances=arns, status="DRAINING")
    assert raised.value.response["Error"]["Message"] == "instanceIds can have at most 10 items."
    assert _snapshot(ecs, arns) == before
    assert ecs.list_container_instances(status="DRAINING")["containerInstanceArns"] == []


@pytest.mark.parametrize("status", ["REGISTERING", "DEREGISTERING", "REGISTRATION_FAILED"])
def test_update_refuses_a_status_other_than_active_or_draining(
    ecs: Any, cluster: str, status: str
) -> None:
    arn = _register(ecs)["containerInstanceArn"]
    before = _snapshot(ecs, [arn])
    with pytest.raises(ecs.exceptions.InvalidParameterException) as raised:
        ecs.update_container_instances_state(containerInstances=[arn], status=status)
    assert status in raised.value.response["Error"]["Message"]
    assert _snapshot(ecs, [arn]) == before


def test_update_refuses_a_status_outside_the_model(ecs: Any, cluster: str) -> None:
    arn = _register(ecs)["containerInstanceArn"]
    before = _snapshot(ecs, [arn])
    with pytest.raises(ecs.exceptions.InvalidParameterException) as raised:
        ecs.update_container_instances_state(containerInstances=[arn], status="INACTIVE")
    assert "1 validation error detected" in raised.value.response["Error"]["Message"]
    assert _snapshot(ecs, [arn]) == before


def test_update_refuses_unknown_cluster_and_empty_list(ecs: Any, cluster: str) -> None:
    with pytest.raises(ecs.exceptions.ClusterNotFoundException):
        ecs.update_container_instances_state(
            cluster="nope", containerInstances=[UNKNOWN_ID], status="DRAINING"
        )
    with pytest.raises(ecs.exceptions.InvalidParameterException) as raised:
        ecs.update_container_instances_state(containerInstances=[], status="DRAINING")
    assert raised.value.response["Error"]["Message"] == "Container Instances cannot be empty."


def test_a_deregistered_instance_cannot_be_drained(ecs: Any, cluster: str) -> None:
    arn = _register(ecs)["containerInstanceArn"]
    ecs.deregister_container_instance(containerInstance=arn)
    result = ecs.update_container_instances_state(containerInstances=[arn], status="DRAINING")
    assert result["containerInstances"] == []
    assert result["failures"] == [{"arn": arn, "reason": "INACTIVE"}]
    assert _describe(ecs, arn)["status"] == "INACTIVE"


def test_draining_refuses_new_tasks_but_keeps_running_ones(
    ecs_mock: EcsMock, ecs: Any, cluster: str, web: str
) -> None:
    arn = _register(ecs)["containerInstanceArn"]
    task = _start(ecs, arn)["tasks"][0]["taskArn"]
    ecs_mock.advance("RUNNING", task=task)
    ecs.update_container_instances_state(containerInstances=[arn], status="DRAINING")

    refused = _start(ecs, arn)
    # README choice: StartTask onto a DRAINING instance fails with reason DRAINING.
    assert refused["tasks"] == []
    assert refused["failures"] == [{"arn": arn, "reason": "DRAINING"}]

    kept = ecs.describe_tasks(tasks=[task])["tasks"][0]
    assert (kept["lastStatus"], kept["desiredStatus"]) == ("RUNNING", "RUNNING")
    described = _describe(ecs, arn)
    assert described["runningTasksCount"] == 1
    assert _resources(described["remainingResources"])["CPU"] == 2048 - 256
    assert ecs.list_tasks(containerInstance=arn)["taskArns"] == [task]


# -- DeregisterContainerInstance --------------------------------------------------------------


def test_deregister_answers_inactive_and_leaves_the_cluster(ecs: Any, cluster: str) -> None:
    keep = _register(ecs)["containerInstanceArn"]
    arn = _register(ecs)["containerInstanceArn"]
    assert _cluster(ecs)["registeredContainerInstancesCount"] == 2

    gone = ecs.deregister_container_instance(containerInstance=arn.rpartition("/")[2])
    instance = gone["containerInstance"]
    assert instance["containerInstanceArn"] == arn
    assert instance["status"] == "INACTIVE"
    assert instance["remainingResources"] == instance["registeredResources"]
    assert (instance["runningTasksCount"], instance["pendingTasksCount"]) == (0, 0)
    assert _describe(ecs, arn)["status"] == "INACTIVE"
    assert ecs.list_container_instances()["containerInstanceArns"] == [keep]
    assert _cluster(ecs)["registeredContainerInstancesCount"] == 1


def test_deregister_refuses_while_tasks_run(
    ecs_mock: EcsMock, ecs: Any, cluster: str, web: str
) -> None:
    arn = _register(ecs)["containerInstanceArn"]
    task = _start(ecs, arn)["tasks"][0]["taskArn"]
    ecs_mock.advance("RUNNING", task=task)
    before = _snapshot(ecs, [arn])

    with pytest.raises(ecs.exceptions.InvalidParameterException) as raised:
        ecs.deregister_container_instance(containerInstance=arn)
    assert raised.value.response["Error"]["Message"] == "Found running tasks on the instance."
    assert _snapshot(ecs, [arn]) == before
    assert _describe(ecs, arn)["status"] == "ACTIVE"

    with pytest.raises(ecs.exceptions.InvalidParameterException):
        ecs.deregister_container_instance(containerInstance=arn, force=False)
    assert _snapshot(ecs, [arn]) == before


def test_deregister_refuses_while_a_task_is_pending(ecs: Any, cluster: str, web: str) -> None:
    arn = _register(ecs)["containerInstanceArn"]
    _start(ecs, arn)
    with pytest.raises(ecs.exceptions.InvalidParameterException):
        ecs.deregister_container_instance(containerInstance=arn)
    assert _describe(ecs, arn)["status"] == "ACTIVE"


def test_deregister_after_tasks_stopped_needs_no_force(
    ecs_mock: EcsMock, ecs: Any, cluster: str, web: str
) -> None:
    arn = _register(ecs)["containerInstanceArn"]
    task = _start(ecs, arn)["tasks"][0]["taskArn"]
    ecs_mock.advance("STOPPED", task=task)
    gone = ecs.deregister_container_instance(containerInstance=arn)
    assert gone["containerInstance"]["status"] == "INACTIVE"


def test_forced_deregister_orphans_running_tasks(
    ecs_mock: EcsMock, ecs: Any, cluster: str, web: str
) -> None:
    arn = _register(ecs)["containerInstanceArn"]
    task = _start(ecs, arn)["tasks"][0]["taskArn"]
    ecs_mock.advance("RUNNING", task=task)

    gone = ecs.deregister_container_instance(containerInstance=arn, force=True)["containerInstance"]
    assert gone["status"] == "INACTIVE"
    assert gone["remainingResources"] == gone["registeredResources"]
    assert (gone["runningTasksCount"], gone["pendingTasksCount"]) == (0, 0)
    # README choice (current AWS docs): the tasks are orphaned, not stopped.
    orphan = ecs.describe_tasks(tasks=[task])["tasks"][0]
    assert (orphan["lastStatus"], orphan["desiredStatus"]) == ("RUNNING", "RUNNING")
    assert _cluster(ecs)["registeredContainerInstancesCount"] == 0

    refused = _start(ecs, arn)
    assert refused["tasks"] == []
    assert refused["failures"] == [{"arn": arn, "reason": "INACTIVE"}]

    # The orphan stopping later gives nothing back twice.
    ecs.stop_task(task=task)
    ecs_mock.advance("STOPPED", task=task)
    after = _describe(ecs, arn)
    assert after["remainingResources"] == after["registeredResources"]


def test_deregister_refuses_unknown_instance_and_cluster(ecs: Any, cluster: str) -> None:
    arn = _register(ecs)["containerInstanceArn"]
    before = _snapshot(ecs, [arn])
    with pytest.raises(ecs.exceptions.InvalidParameterException) as raised:
        ecs.deregister_container_instance(containerInstance=UNKNOWN_ID)
    # README choice for an instance ECS does not know.
    assert (
        raised.value.response["Error"]["Message"]
        == "The referenced container instance was not found."
    )
    with pytest.raises(ecs.exceptions.ClusterNotFoundException):
        ecs.deregister_container_instance(cluster="nope", containerInstance=arn)
    assert _snapshot(ecs, [arn]) == before

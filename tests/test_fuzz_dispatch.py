"""Fuzz the dispatcher with raw request bytes: every answer is a 200 or a modeled 4xx, and a
refused request (or any read) leaves the state exactly as it was."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_fuzz_strategies import FUZZ_SETTINGS, check_reply, encode, requests, send_raw, snapshot

from ecs_mock import mock_ecs
from ecs_mock._schema import known_operations
from ecs_mock.testing import TestControls

SEED = 20240607
NEWER_OPERATIONS = "CreateDaemon" in known_operations()  # botocore 1.34.17's model lacks them
ROLE = "arn:aws:iam::123456789012:role/fuzz"
PROVIDER = "arn:aws:ecs:us-east-1:123456789012:capacity-provider/managed"


def populate(mock: TestControls) -> dict[str, str]:
    """The state every example starts from; returns names and ARNs that exist in it."""
    mock.create_cluster("default")
    mock.create_cluster("other")
    app = mock.register_task_definition("app")
    mock.register_task_definition(
        "web",
        containers=[
            {
                "name": "web",
                "image": "nginx",
                "memory": 256,
                "portMappings": [{"containerPort": 80, "hostPort": 8080}],
            }
        ],
        tags=[{"key": "team", "value": "core"}],
    )
    mock.register_task_definition("old")
    mock.call("DeregisterTaskDefinition", taskDefinition="old:1")
    big = mock.add_container_instance("default", cpu=4096, memory=8192, gpus=1)
    small = mock.add_container_instance("default", cpu=256, memory=256)
    draining = mock.add_container_instance("default")
    mock.call("UpdateContainerInstancesState", containerInstances=[draining], status="DRAINING")
    started = mock.call("StartTask", taskDefinition="app", containerInstances=[big, small])
    task_arns = [task["taskArn"] for task in started["tasks"]]
    mock.call("StopTask", task=task_arns[-1])
    scaling = {"autoScalingGroupArn": "asg-cp", "managedScaling": {"status": "ENABLED"}}
    mock.call("CreateCapacityProvider", name="cp", autoScalingGroupProvider=scaling)
    mock.call(
        "CreateCapacityProvider",
        name="spare",
        autoScalingGroupProvider=scaling | {"autoScalingGroupArn": "asg-spare"},
    )
    mock.call(
        "PutClusterCapacityProviders",
        cluster="other",
        capacityProviders=["cp", "FARGATE"],
        defaultCapacityProviderStrategy=[{"capacityProvider": "cp", "weight": 1}],
    )
    service = mock.call("CreateService", serviceName="web", taskDefinition="app", desiredCount=1)
    mock.call(
        "CreateService",
        serviceName="ext",
        desiredCount=1,
        deploymentController={"type": "EXTERNAL"},
    )
    task_set = mock.call("CreateTaskSet", cluster="default", service="ext", taskDefinition="app")
    named = {
        "app": app,
        "big": big,
        "small": small,
        "draining": draining,
        "running": task_arns[0],
        "stopped": task_arns[-1],
        "service": service["service"]["serviceArn"],
        "task_set": task_set["taskSet"]["taskSetArn"],
    }
    if NEWER_OPERATIONS:
        named.update(populate_newer(mock))
    return named


def populate_newer(mock: TestControls) -> dict[str, str]:
    """A daemon, a gateway associated with the default cluster, and an Express service."""
    definition = mock.call(
        "RegisterDaemonTaskDefinition",
        family="agent",
        containerDefinitions=[{"name": "agent", "image": "agent:1", "memory": 64}],
    )["daemonTaskDefinitionArn"]
    daemon = mock.call(
        "CreateDaemon",
        daemonName="agent",
        daemonTaskDefinitionArn="agent:1",
        capacityProviderArns=[PROVIDER],
        tags=[{"key": "team", "value": "core"}],
    )
    deployment = mock.call(
        "DescribeDaemonDeployments", daemonDeploymentArns=[daemon["deploymentArn"]]
    )
    gateway = mock.call(
        "CreateGateway",
        name="edge",
        infrastructureRoleArn=ROLE,
        configuration={"hostSharedAlb": {}},
    )["gatewayArn"]
    mock.call("AssociateGatewayWithCluster", gateway="edge", cluster="default")
    service = mock.call(
        "CreateExpressGatewayService",
        serviceName="front",  # "web" is the CreateService service's: names are shared
        infrastructureRoleArn=ROLE,
        executionRoleArn=ROLE,
        primaryContainer={"image": "nginx"},
    )["service"]["serviceArn"]
    return {
        "daemon_definition": definition,
        "daemon": daemon["daemonArn"],
        "deployment": daemon["deploymentArn"],
        "revision": deployment["daemonDeployments"][0]["targetDaemonRevision"]["arn"],
        "gateway": gateway,
        "express": service,
    }


def _refs() -> tuple[dict[str, str], list[str]]:
    with mock_ecs(seed=SEED) as mock:
        named = populate(mock)
    arns = list(named.values())
    ids = [arn.rsplit("/", 1)[1] for arn in arns if "/" in arn]
    names = ["default", "other", "app", "app:1", "web", "old:1", "cp", "spare", "FARGATE"]
    names += ["FARGATE_SPOT", "ext", "ecs-svc/1"]
    if NEWER_OPERATIONS:
        names += ["agent", "agent:1", "edge", "front", ROLE, PROVIDER]
    return named, [*names, *arns, *ids]


NAMED, REFS = _refs()  # the same seed gives the same ARNs in every fresh state
OUTCOMES: Counter[tuple[str, str]] = Counter()
BASES: dict[str, dict[str, Any]] = {
    "StartTask": {"taskDefinition": "app", "containerInstances": [NAMED["big"]]},
    "RunTask": {"taskDefinition": "app", "count": 2},
    "RegisterTaskDefinition": {
        "family": "fuzz",
        "containerDefinitions": [{"name": "c", "image": "busybox", "memory": 64}],
    },
    "RegisterContainerInstance": {"cluster": "default"},
    "ListTasks": {"cluster": "default"},
    "DescribeTasks": {"cluster": "default", "tasks": [NAMED["running"]]},
    "StopTask": {"task": NAMED["running"]},
    "UpdateContainerInstancesState": {"containerInstances": [NAMED["small"]], "status": "DRAINING"},
    "DescribeContainerInstances": {"containerInstances": [NAMED["big"], NAMED["small"]]},
}
# Every other supported operation, fuzzed through the dispatcher door only (the boto3 and HTTP
# doors above share the dispatcher, so the first list covers them there).
BASES.update(
    {
        "CreateCluster": {"clusterName": "fuzz"},
        "DescribeClusters": {"clusters": ["default", "other"]},
        "ListClusters": {},
        "DeleteCluster": {"cluster": "other"},
        "DeregisterTaskDefinition": {"taskDefinition": "web:1"},
        "DescribeTaskDefinition": {"taskDefinition": "web"},
        "ListTaskDefinitions": {"familyPrefix": "w"},
        "ListTaskDefinitionFamilies": {},
        "ListContainerInstances": {"cluster": "default"},
        "DeregisterContainerInstance": {"containerInstance": NAMED["small"], "force": True},
        "TagResource": {"resourceArn": NAMED["running"], "tags": [{"key": "k", "value": "v"}]},
        "UntagResource": {"resourceArn": NAMED["app"], "tagKeys": ["team"]},
        "ListTagsForResource": {"resourceArn": NAMED["app"]},
        "PutAttributes": {
            "attributes": [{"name": "rack", "value": "r1", "targetId": NAMED["big"]}]
        },
        "DeleteAttributes": {"attributes": [{"name": "rack", "targetId": NAMED["big"]}]},
        "ListAttributes": {"targetType": "container-instance"},
        "UpdateCluster": {
            "cluster": "default",
            "settings": [{"name": "containerInsights", "value": "enabled"}],
            "serviceConnectDefaults": {"namespace": "fuzz"},
        },
        "UpdateClusterSettings": {
            "cluster": "default",
            "settings": [{"name": "containerInsights", "value": "enhanced"}],
        },
        "PutClusterCapacityProviders": {
            "cluster": "default",
            "capacityProviders": ["spare", "FARGATE"],
            "defaultCapacityProviderStrategy": [{"capacityProvider": "spare", "weight": 1}],
        },
        "CreateCapacityProvider": {
            "name": "fuzzcp",
            "autoScalingGroupProvider": {"autoScalingGroupArn": "asg-fuzz"},
        },
        "DescribeCapacityProviders": {"capacityProviders": ["cp", "FARGATE"], "include": ["TAGS"]},
        "UpdateCapacityProvider": {
            "name": "cp",
            "autoScalingGroupProvider": {"managedScaling": {"targetCapacity": 50}},
        },
        "DeleteCapacityProvider": {"capacityProvider": "spare"},
        "CreateService": {"serviceName": "fuzz", "taskDefinition": "app", "desiredCount": 1},
        "UpdateService": {"service": "web", "desiredCount": 2},
        "DeleteService": {"service": "web", "force": True},
        "DescribeServices": {"services": ["web", "ext"]},
        "ListServices": {},
        "ListServicesByNamespace": {"namespace": "ns"},
        "CreateTaskSet": {"cluster": "default", "service": "ext", "taskDefinition": "app"},
        "UpdateTaskSet": {
            "cluster": "default",
            "service": "ext",
            "taskSet": NAMED["task_set"],
            "scale": {"value": 50},
        },
        "DeleteTaskSet": {
            "cluster": "default",
            "service": "ext",
            "taskSet": NAMED["task_set"],
            "force": True,
        },
        "DescribeTaskSets": {"cluster": "default", "service": "ext"},
        "UpdateServicePrimaryTaskSet": {
            "cluster": "default",
            "service": "ext",
            "primaryTaskSet": NAMED["task_set"],
        },
    }
)
if NEWER_OPERATIONS:
    daemon_change = {"daemonTaskDefinitionArn": "agent:1", "capacityProviderArns": [PROVIDER]}
    BASES.update(
        {
            "RegisterDaemonTaskDefinition": {
                "family": "fuzz",
                "containerDefinitions": [{"image": "busybox"}],
            },
            "DescribeDaemonTaskDefinition": {"daemonTaskDefinition": "agent"},
            "DeleteDaemonTaskDefinition": {"daemonTaskDefinition": "agent:1"},
            "ListDaemonTaskDefinitions": {"familyPrefix": "a"},
            "CreateDaemon": {"daemonName": "fuzz", "clusterArn": "other", **daemon_change},
            "UpdateDaemon": {"daemonArn": NAMED["daemon"], **daemon_change},
            "DeleteDaemon": {"daemonArn": NAMED["daemon"]},
            "DescribeDaemon": {"daemonArn": NAMED["daemon"]},
            "ListDaemons": {"clusterArn": "default"},
            "DescribeDaemonDeployments": {"daemonDeploymentArns": [NAMED["deployment"]]},
            "ListDaemonDeployments": {"daemonArn": NAMED["daemon"]},
            "DescribeDaemonRevisions": {"daemonRevisionArns": [NAMED["revision"]]},
            "CreateGateway": {
                "name": "fuzz",
                "infrastructureRoleArn": ROLE,
                "configuration": {"hostSharedAlb": {}},
            },
            "UpdateGateway": {"gateway": "edge", "deletionProtection": False},
            "DeleteGateway": {"gateway": "edge"},
            "DescribeGateway": {"gateway": NAMED["gateway"]},
            "ListGateways": {},
            "DescribeGatewayResources": {"gateway": "edge"},
            "AssociateGatewayWithCluster": {"gateway": "edge", "cluster": "other"},
            "DisassociateGatewayFromCluster": {"gateway": "edge", "cluster": "default"},
            "ListGatewayClusterAssociations": {"cluster": "default"},
            "DescribeGatewayRoute": {"gatewayRouteArn": NAMED["gateway"] + "/route"},
            "ListGatewayRoutes": {"gateway": "edge"},
            "CreateExpressGatewayService": {
                "serviceName": "fuzz",
                "infrastructureRoleArn": ROLE,
                "executionRoleArn": ROLE,
                "primaryContainer": {"image": "nginx"},
            },
            "UpdateExpressGatewayService": {"serviceArn": NAMED["express"], "cpu": "512"},
            "DeleteExpressGatewayService": {"serviceArn": NAMED["express"]},
            "DescribeExpressGatewayService": {"serviceArn": NAMED["express"]},
            "ListServiceDeployments": {"service": "web"},
            "DescribeServiceDeployments": {"serviceDeploymentArns": [NAMED["service"]]},
            "DescribeServiceRevisions": {"serviceRevisionArns": [NAMED["service"]]},
            "StopServiceDeployment": {"serviceDeploymentArn": NAMED["service"]},
            "ContinueServiceDeployment": {"serviceDeploymentArn": NAMED["service"], "hookId": "h"},
        }
    )
READ_ONLY = ("Describe", "List")
FUZZED = [
    "StartTask",
    "RunTask",
    "RegisterTaskDefinition",
    "RegisterContainerInstance",
    "ListTasks",
    "DescribeTasks",
    "StopTask",
    "UpdateContainerInstancesState",
    "DescribeContainerInstances",
]


class Harness:
    """One state per test; it is rebuilt only after a request that changed it."""

    def __init__(
        self,
        mock: TestControls,
        reset: Callable[[], None],
        send: Callable[[str, bytes | str], tuple[int, bytes]] | None = None,
        door_errors: frozenset[str] = frozenset(),
    ) -> None:
        self.mock = mock
        self.reset = reset
        self.send = send or (lambda operation, body: send_raw(mock, operation, body))
        self.door_errors = door_errors
        populate(mock)
        self.before = snapshot(mock)

    def run(self, operation: str, body: bytes | str) -> None:
        status, answer = self.send(operation, body)
        payload = check_reply(operation, status, answer, self.door_errors)
        self.settle(operation, status, payload)

    def settle(self, operation: str, status: int, payload: dict[str, Any]) -> None:
        """Count the outcome; a refusal or a read must have left the state as it was."""
        OUTCOMES[(operation, payload.get("__type", "200"))] += 1
        if status == 200 and not operation.startswith(READ_ONLY):
            self.assert_no_oversubscription()
            self.reset()
            populate(self.mock)
            self.before = snapshot(self.mock)
            return
        after = snapshot(self.mock)
        assert after == self.before, f"{operation} changed state with status {status}"

    def assert_no_oversubscription(self) -> None:
        for cluster in self.mock.call("ListClusters")["clusterArns"]:
            listed = self.mock.call("ListContainerInstances", cluster=cluster)
            if not listed["containerInstanceArns"]:
                continue
            described = self.mock.call(
                "DescribeContainerInstances",
                cluster=cluster,
                containerInstances=listed["containerInstanceArns"],
            )
            for instance in described["containerInstances"]:
                for resource in instance["remainingResources"]:
                    assert resource.get("integerValue", 0) >= 0, instance


@pytest.fixture(scope="module")
def harness() -> Iterator[Harness]:
    with mock_ecs(seed=SEED) as mock:
        yield Harness(mock, mock.reset)
    if os.environ.get("ECS_MOCK_FUZZ_REPORT"):
        for (operation, outcome), count in sorted(OUTCOMES.items()):
            print(f"{operation:32} {outcome:32} {count}")


@pytest.mark.parametrize("operation", sorted(BASES))
def test_fuzzed_requests_get_modeled_answers(harness: Harness, operation: str) -> None:
    @FUZZ_SETTINGS
    @given(requests(operation, REFS, BASES[operation]))
    def run(params: Any) -> None:
        harness.run(operation, encode(params))

    run()


def _mangled(document: bytes, cut: int, junk: bytes) -> bytes:
    return document[: cut % (len(document) + 1)] + junk


RAW_BODIES = st.one_of(
    st.binary(max_size=64),
    st.sampled_from(
        [
            b"",
            b"null",
            b"[]",
            b'"text"',
            b"1e999",
            b"\xef\xbb\xbf{}",
            b"\xff\xfe{\x00}\x00",
            b'{"cluster": "default", "cluster": 1}',
            b'{"taskDefinition": "app", "containerInstances": ["\\ud800"]}',
            b'{"a": ' * 2000 + b"1" + b"}" * 2000,
            b"[" * 100_000,
            b"{" + b'"k":1,' * 1000 + b'"z":2}',
        ]
    ),
    st.builds(
        _mangled,
        st.sampled_from([b'{"cluster":"default","taskDefinition":"app"}', b'{"tasks":["x"]}']),
        st.integers(min_value=0, max_value=60),
        st.binary(max_size=4),
    ),
)


@FUZZ_SETTINGS
@given(operation=st.sampled_from(FUZZED), body=RAW_BODIES)
def test_raw_bytes_never_crash_the_dispatcher(
    harness: Harness, operation: str, body: bytes
) -> None:
    harness.run(operation, body)


@FUZZ_SETTINGS
@given(target=st.one_of(st.none(), st.text(max_size=80), st.sampled_from(["", "Amazon."])))
def test_any_target_gets_a_modeled_answer(target: str | None) -> None:
    with mock_ecs() as mock:
        reply = mock.dispatcher.handle(target, b"{}", "us-east-1", None)
        assert reply.status != 500
        assert reply.status == 200 or b"__type" in reply.body

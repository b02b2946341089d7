"""No ECS request leaves the process while a mock is active: every call works with sockets
blocked, and a request that would still reach a real AWS endpoint (because something else took
interception away) raises RealEcsCallBlocked before any connection is tried."""

from __future__ import annotations

import asyncio
import inspect
import socket
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.endpoint import Endpoint
from botocore.exceptions import ClientError, HTTPClientError
from botocore.hooks import HierarchicalEmitter

from ecs_mock import EcsMock, RealEcsCallBlocked, mock_ecs
from ecs_mock._schema import known_operations
from ecs_mock.backend.operations import OPERATIONS
from ecs_mock.intercept import INTERCEPTOR

NO_RETRY = Config(retries={"max_attempts": 1, "mode": "standard"})
CONTAINERS = [{"name": "c", "image": "busybox", "memory": 64, "cpu": 64}]


class NetworkUsed(AssertionError):
    """A test tried to open a connection or resolve a name."""


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every way out of the process raises (and is recorded)."""
    attempts: list[Any] = []

    def refuse(*args: Any, **_: Any) -> Any:
        attempts.append(args[1:] if args and isinstance(args[0], socket.socket) else args)
        raise NetworkUsed(f"network use attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


def _every_operation(client: Any, mock: EcsMock) -> int:
    """One call of each supported operation; returns how many were made."""
    calls = 0

    def call(method: str, /, **params: Any) -> Any:
        nonlocal calls
        calls += 1
        return getattr(client, method)(**params)

    cluster = call("create_cluster", clusterName="c")["cluster"]["clusterArn"]
    call("describe_clusters", clusters=[cluster])
    call("list_clusters")
    call(
        "update_cluster", cluster="c", settings=[{"name": "containerInsights", "value": "enabled"}]
    )
    call(
        "update_cluster_settings",
        cluster="c",
        settings=[{"name": "containerInsights", "value": "disabled"}],
    )
    call(
        "create_capacity_provider", name="cp", autoScalingGroupProvider={"autoScalingGroupArn": "g"}
    )
    call(
        "update_capacity_provider",
        name="cp",
        autoScalingGroupProvider={"managedDraining": "DISABLED"},
    )
    call("describe_capacity_providers")
    call(
        "put_cluster_capacity_providers",
        cluster="c",
        capacityProviders=["cp", "FARGATE"],
        defaultCapacityProviderStrategy=[],
    )
    definition = call("register_task_definition", family="f", containerDefinitions=CONTAINERS)[
        "taskDefinition"
    ]["taskDefinitionArn"]
    call("describe_task_definition", taskDefinition="f")
    call("register_task_definition", family="gone", containerDefinitions=CONTAINERS)
    call("deregister_task_definition", taskDefinition="gone:1")
    call("delete_task_definitions", taskDefinitions=["gone:1"])
    call("list_task_definitions")
    call("list_task_definition_families")
    document = '{"instanceId": "i-0123456789abcdef0", "instanceType": "m5.large"}'
    instance = call("register_container_instance", cluster="c", instanceIdentityDocument=document)[
        "containerInstance"
    ]["containerInstanceArn"]
    call("describe_container_instances", cluster="c", containerInstances=[instance])
    call("list_container_instances", cluster="c")
    attribute = {"name": "team", "value": "data", "targetId": instance}
    call("put_attributes", cluster="c", attributes=[attribute])
    call("list_attributes", cluster="c", targetType="container-instance")
    call("delete_attributes", cluster="c", attributes=[attribute])
    task = call("start_task", cluster="c", taskDefinition="f", containerInstances=[instance])
    task_arn = task["tasks"][0]["taskArn"]
    ran = call("run_task", cluster="c", taskDefinition="f")["tasks"][0]["taskArn"]
    call("stop_task", cluster="c", task=ran)
    call("describe_tasks", cluster="c", tasks=[task_arn])
    call("list_tasks", cluster="c")
    call("get_task_protection", cluster="c", tasks=[task_arn])
    call("update_task_protection", cluster="c", tasks=[task_arn], protectionEnabled=True)
    call("discover_poll_endpoint", cluster="c", containerInstance=instance)
    call("submit_container_state_change", cluster="c", task=task_arn, containerName="c")
    call("submit_task_state_change", cluster="c", task=task_arn, status="RUNNING")
    attachment = {
        "attachmentArn": "arn:aws:ecs:us-east-1:123456789012:attachment/x",
        "status": "ATTACHED",
    }
    with pytest.raises(ClientError) as raised:
        call("submit_attachment_state_changes", cluster="c", attachments=[attachment])
    assert raised.value.response["Error"]["Code"] == "InvalidParameterException"
    with pytest.raises(ClientError) as raised:
        call("update_container_agent", cluster="c", containerInstance=instance)
    assert raised.value.response["Error"]["Code"] == "NoUpdateAvailableException"
    with pytest.raises(ClientError) as raised:
        call("execute_command", cluster="c", task=task_arn, command="sh", interactive=True)
    assert raised.value.response["Error"]["Code"] == "InvalidParameterException"
    call("tag_resource", resourceArn=task_arn, tags=[{"key": "k", "value": "v"}])
    call("list_tags_for_resource", resourceArn=task_arn)
    call("untag_resource", resourceArn=task_arn, tagKeys=["k"])
    call("stop_task", cluster="c", task=task_arn)
    call(
        "update_container_instances_state",
        cluster="c",
        containerInstances=[instance],
        status="DRAINING",
    )
    service = call(
        "create_service", cluster="c", serviceName="s", taskDefinition="f", desiredCount=1
    )
    call("update_service", cluster="c", service="s", desiredCount=0)
    call(
        "tag_resource",
        resourceArn=service["service"]["serviceArn"],
        tags=[{"key": "k", "value": "v"}],
    )
    call("describe_services", cluster="c", services=["s"])
    call("list_services", cluster="c")
    connect = {"enabled": True, "namespace": "ns"}
    call("update_service", cluster="c", service="s", serviceConnectConfiguration=connect)
    call("list_services_by_namespace", namespace="ns")
    if hasattr(client, "list_service_deployments"):  # botocore 1.36 and later
        brief = call("list_service_deployments", cluster="c", service="s")["serviceDeployments"]
        deployment = brief[0]["serviceDeploymentArn"]
        call("describe_service_deployments", serviceDeploymentArns=[deployment])
        revision = brief[0]["targetServiceRevisionArn"]
        call("describe_service_revisions", serviceRevisionArns=[revision])
        with pytest.raises(client.exceptions.ConflictException):
            call("stop_service_deployment", serviceDeploymentArn=deployment)
        with pytest.raises(client.exceptions.InvalidParameterException):
            call("continue_service_deployment", serviceDeploymentArn=deployment, hookId="h")
    call("delete_service", cluster="c", service="s")
    external = {"type": "EXTERNAL"}
    call("create_service", cluster="c", serviceName="x", deploymentController=external)
    task_set = call("create_task_set", cluster="c", service="x", taskDefinition="f")["taskSet"]
    call("update_task_set", cluster="c", service="x", taskSet=task_set["id"], scale={"value": 0})
    call("update_service_primary_task_set", cluster="c", service="x", primaryTaskSet=task_set["id"])
    call("describe_task_sets", cluster="c", service="x")
    call("delete_task_set", cluster="c", service="x", taskSet=task_set["id"])
    call("delete_service", cluster="c", service="x")
    call("deregister_container_instance", cluster="c", containerInstance=instance, force=True)
    call("deregister_task_definition", taskDefinition=definition)
    if "CreateDaemon" in known_operations():  # botocore 1.34.17's model predates them
        _newer_operations(call)
    call("delete_cluster", cluster="c")
    call("delete_capacity_provider", capacityProvider="cp")
    call("put_account_setting", name="containerInsights", value="enabled")
    call("put_account_setting_default", name="awsvpcTrunking", value="enabled")
    call("list_account_settings", effectiveSettings=True)
    call("delete_account_setting", name="containerInsights")
    with pytest.raises(client.exceptions.ClusterNotFoundException):
        call("list_tasks", cluster="gone")
    return calls


def _newer_operations(call: Any) -> None:
    """One call of each daemon, gateway and Express gateway service operation (cluster "c")."""
    role = "arn:aws:iam::123456789012:role/r"
    provider = "arn:aws:ecs:us-east-1:123456789012:capacity-provider/p"
    call("register_daemon_task_definition", family="d", containerDefinitions=[{"image": "a"}])
    call("describe_daemon_task_definition", daemonTaskDefinition="d")
    call("list_daemon_task_definitions")
    created = call(
        "create_daemon",
        daemonName="d",
        clusterArn="c",
        daemonTaskDefinitionArn="d:1",
        capacityProviderArns=[provider],
    )
    daemon = created["daemonArn"]
    call("describe_daemon", daemonArn=daemon)
    call("list_daemons", clusterArn="c")
    updated = call(
        "update_daemon",
        daemonArn=daemon,
        daemonTaskDefinitionArn="d:1",
        capacityProviderArns=[provider],
    )
    described = call("describe_daemon_deployments", daemonDeploymentArns=[updated["deploymentArn"]])
    revision = described["daemonDeployments"][0]["targetDaemonRevision"]["arn"]
    call("describe_daemon_revisions", daemonRevisionArns=[revision])
    call("list_daemon_deployments", daemonArn=daemon)
    call("delete_daemon", daemonArn=daemon)
    call("delete_daemon_task_definition", daemonTaskDefinition="d:1")
    call(
        "create_gateway",
        name="g",
        infrastructureRoleArn=role,
        deletionProtection=False,
        configuration={"hostSharedAlb": {}},
    )
    call("describe_gateway", gateway="g")
    call("list_gateways")
    call("update_gateway", gateway="g", propagateTags="NONE")
    call("describe_gateway_resources", gateway="g")
    call("associate_gateway_with_cluster", gateway="g", cluster="c")
    call("list_gateway_cluster_associations", cluster="c")
    call("list_gateway_routes", gateway="g")
    with pytest.raises(ClientError) as raised:  # no service uses the gateway: it has no routes
        call(
            "describe_gateway_route",
            gatewayRouteArn="arn:aws:ecs:us-east-1:123456789012:gateway-route/g/c/s",
        )
    assert raised.value.response["Error"]["Code"] == "ResourceNotFoundException"
    call("disassociate_gateway_from_cluster", gateway="g", cluster="c")
    call("delete_gateway", gateway="g")
    service = call(
        "create_express_gateway_service",
        cluster="c",
        infrastructureRoleArn=role,
        executionRoleArn=role,
        primaryContainer={"image": "web"},
    )["service"]["serviceArn"]
    call("describe_express_gateway_service", serviceArn=service)
    call("update_express_gateway_service", serviceArn=service, healthCheckPath="/health")
    call("delete_express_gateway_service", serviceArn=service)


def test_every_operation_works_with_sockets_blocked(
    ecs_mock: EcsMock, no_network: list[Any]
) -> None:
    client = boto3.client("ecs", region_name="us-east-1", config=NO_RETRY)
    made = _every_operation(client, ecs_mock)
    assert made == len(ecs_mock.calls)
    # every one of them (that the installed botocore's model has)
    assert {call.operation for call in ecs_mock.calls} == set(OPERATIONS) & known_operations()
    assert no_network == []


def test_aiobotocore_works_with_sockets_blocked(ecs_mock: EcsMock, no_network: list[Any]) -> None:
    from aiobotocore.session import get_session

    async def run() -> list[str]:
        async with get_session().create_client(
            "ecs", region_name="us-east-1", config=NO_RETRY
        ) as client:
            await client.create_cluster(clusterName="a")
            return list((await client.list_clusters())["clusterArns"])

    assert asyncio.run(run()) == ["arn:aws:ecs:us-east-1:123456789012:cluster/a"]
    assert no_network == []


def _no_answer(emitter: Any) -> Any:
    """What an emitter with no before-send handler returns: [] (awaitable for aiobotocore)."""
    if inspect.iscoroutinefunction(type(emitter)._emit):

        async def nothing() -> list[Any]:
            return []

        return nothing()
    return []


@pytest.fixture
def interception_taken_away(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Another library wraps the emitter after us and swallows ECS before-send, as a clumsy
    stub would: botocore then goes on to send the request itself."""
    with mock_ecs():
        ours = HierarchicalEmitter.emit

        def emit(emitter: Any, event_name: str, **kwargs: Any) -> Any:
            if event_name.startswith("before-send.ecs"):
                return _no_answer(emitter)
            return ours(emitter, event_name, **kwargs)

        monkeypatch.setattr(HierarchicalEmitter, "emit", emit)
        yield
        monkeypatch.undo()


@pytest.mark.parametrize(
    ("region", "endpoint"),
    [
        ("us-east-1", None),
        ("cn-north-1", None),
        ("us-gov-west-1", None),
        ("us-east-1", "https://ecs-fips.us-east-1.amazonaws.com"),
        ("us-east-1", "https://ecs.us-east-1.api.aws"),
    ],
)
def test_real_endpoint_is_refused_when_interception_is_gone(
    interception_taken_away: None, no_network: list[Any], region: str, endpoint: str | None
) -> None:
    client = boto3.client("ecs", region_name=region, endpoint_url=endpoint, config=NO_RETRY)
    with pytest.raises(RealEcsCallBlocked, match="real AWS"):
        client.list_clusters()
    assert no_network == []  # refused before any connection or DNS look-up


def test_aiobotocore_real_endpoint_is_refused_when_interception_is_gone(
    interception_taken_away: None, no_network: list[Any]
) -> None:
    from aiobotocore.session import get_session

    async def run() -> None:
        async with get_session().create_client(
            "ecs", region_name="us-east-1", config=NO_RETRY
        ) as client:
            await client.list_clusters()

    with pytest.raises(RealEcsCallBlocked):
        asyncio.run(run())
    assert no_network == []


@pytest.mark.slow
def test_aiobotocore_imported_after_the_mock_started_is_guarded(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import asyncio
        import inspect
        import socket
        import sys
        import pytest
        from botocore.hooks import HierarchicalEmitter
        from ecs_mock import RealEcsCallBlocked, mock_ecs

        def test_it(monkeypatch):
            def refuse(*args, **kwargs):
                raise AssertionError("network use attempted")

            for owner, name in [(socket.socket, "connect"), (socket, "getaddrinfo")]:
                monkeypatch.setattr(owner, name, refuse)
            assert "aiobotocore.endpoint" not in sys.modules
            with mock_ecs():
                from aiobotocore.session import get_session
                ours = HierarchicalEmitter.emit

                async def nothing():
                    return []

                def emit(e, name, **kw):
                    if name.startswith("before-send.ecs"):
                        return nothing() if inspect.iscoroutinefunction(type(e)._emit) else []
                    return ours(e, name, **kw)

                monkeypatch.setattr(HierarchicalEmitter, "emit", emit)

                async def run():
                    async with get_session().create_client("ecs", region_name="us-east-1") as c:
                        await c.list_clusters()

                with pytest.raises(RealEcsCallBlocked):
                    asyncio.run(run())
        """
    )
    pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:ecs_mock").assert_outcomes(
        passed=1
    )


def test_the_guard_leaves_with_the_mock() -> None:
    original = Endpoint.__dict__["_send"]
    with mock_ecs():
        assert Endpoint.__dict__["_send"] is not original
        assert INTERCEPTOR.active
    assert Endpoint.__dict__["_send"] is original
    assert not INTERCEPTOR.active


def test_other_services_are_not_blocked_by_the_guard(
    interception_taken_away: None, no_network: list[Any]
) -> None:
    # The guard is about ECS only: an S3 request goes on to the network (refused here by the
    # socket block, not by ecs_mock).
    s3 = boto3.client("s3", region_name="us-east-1", config=NO_RETRY)
    # The wording of botocore's wrapper varies with how urllib3 failed; what matters is that the
    # request reached the socket layer (recorded) instead of being stopped by RealEcsCallBlocked.
    with pytest.raises(HTTPClientError):
        s3.list_buckets()
    assert no_network  # it did try to leave

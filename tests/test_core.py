"""The core: activation forms, interception, protocol, ARNs, schema checks."""

from __future__ import annotations

import asyncio
import io
import re
import unittest
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

import ecs_mock._schema as schema
from ecs_mock import EcsMock, RealEcsCallBlocked, ResponseSchemaError, mock_ecs
from ecs_mock.arns import partition_for
from ecs_mock.backend.operations import OPERATIONS
from ecs_mock.intercept import INTERCEPTOR

TASK_ARN = re.compile(r"^arn:aws:ecs:us-east-1:123456789012:task/default/[0-9a-f]{32}$")


def _client(**kwargs: Any) -> Any:
    return boto3.client("ecs", region_name="us-east-1", **kwargs)


def test_client_made_before_the_mock_started_is_intercepted() -> None:
    early = _client()
    with mock_ecs():
        arn = early.create_cluster(clusterName="early")["cluster"]["clusterArn"]
    assert arn == "arn:aws:ecs:us-east-1:123456789012:cluster/early"


@pytest.mark.slow
def test_client_made_before_ecs_mock_was_imported_is_intercepted(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import boto3
        client = boto3.client("ecs", region_name="eu-west-1")
        from ecs_mock import mock_ecs

        def test_it():
            with mock_ecs():
                assert client.list_clusters()["clusterArns"] == []
        """
    )
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_decorator_forms_and_state_reset() -> None:
    @mock_ecs
    def bare() -> list[str]:
        _client().create_cluster(clusterName="a")
        return list(_client().list_clusters()["clusterArns"])

    @mock_ecs(account_id="111122223333")
    def configured() -> str:
        return str(_client().create_cluster(clusterName="b")["cluster"]["clusterArn"])

    assert bare() == ["arn:aws:ecs:us-east-1:123456789012:cluster/a"]
    assert bare() == ["arn:aws:ecs:us-east-1:123456789012:cluster/a"]  # fresh state each call
    assert configured().startswith("arn:aws:ecs:us-east-1:111122223333:")
    assert not INTERCEPTOR.active


def test_async_function_decorator() -> None:
    @mock_ecs
    async def run() -> int:
        await asyncio.sleep(0)
        return len(_client().list_clusters()["clusterArns"])

    assert asyncio.run(run()) == 0


@mock_ecs
class DecoratedTestCase(unittest.TestCase):
    def setUp(self) -> None:
        self.client = _client()
        self.client.create_cluster(clusterName="from-setup")

    def test_setup_and_test_share_one_mock(self) -> None:
        arns = self.client.list_clusters()["clusterArns"]
        assert arns == ["arn:aws:ecs:us-east-1:123456789012:cluster/from-setup"]


def test_unittest_class_decorator_runs() -> None:
    result = unittest.TextTestRunner(stream=io.StringIO()).run(
        unittest.defaultTestLoader.loadTestsFromTestCase(DecoratedTestCase)
    )
    assert result.wasSuccessful()
    assert result.testsRun == 1
    assert not INTERCEPTOR.active


def test_start_stop_nesting_and_idempotent_start() -> None:
    outer = mock_ecs()
    outer.start()
    outer.start()  # a second start must not stack a second activation
    _client().create_cluster(clusterName="kept")
    with mock_ecs():
        assert len(_client().list_clusters()["clusterArns"]) == 1  # nested mocks share state
    assert INTERCEPTOR.active
    assert len(_client().list_clusters()["clusterArns"]) == 1
    outer.stop()
    assert not INTERCEPTOR.active
    with mock_ecs():
        assert _client().list_clusters()["clusterArns"] == []  # reset after outermost stop


def test_same_seed_gives_same_arns() -> None:
    def run() -> list[str]:
        with mock_ecs(seed=7) as mock:
            mock.register_task_definition("app")
            instance = mock.add_container_instance("default")
            started = _client().start_task(taskDefinition="app", containerInstances=[instance])
            return [instance, started["tasks"][0]["taskArn"]]

    first, second = run(), run()
    assert first == second
    assert TASK_ARN.match(first[1])
    with mock_ecs(seed=8) as mock:
        assert mock.add_container_instance("default") != first[0]


def test_other_services_pass_through_untouched() -> None:
    seen: list[str] = []

    def canned(request: Any, **_: Any) -> Any:
        seen.append(request.url)
        from botocore.awsrequest import AWSResponse

        class Raw:
            def stream(self, **_: Any) -> Any:
                yield b'{"logGroups": []}'

        return AWSResponse(request.url, 200, {}, Raw())

    # CloudWatch Logs: a JSON-protocol service in every botocore release we support.
    with mock_ecs():
        logs = boto3.client("logs", region_name="us-east-1")
        logs.meta.events.register("before-send.logs", canned)
        assert logs.describe_log_groups()["logGroups"] == []
    assert len(seen) == 1
    assert "logs" in seen[0]


def test_an_ecs_request_skips_only_botocores_user_agent_rebuild(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Answered in-process, an ECS request is not signed and its User-Agent is not rebuilt
    (nothing would ever read either); every `request-created` handler a user registered still
    runs, in order, and another service's request keeps botocore's whole pipeline."""
    import botocore.useragent

    if not hasattr(botocore.useragent.UserAgentString, "rebuild_and_replace_user_agent_handler"):
        pytest.skip("this botocore does not rebuild the User-Agent per request")
    built: list[str] = []
    to_string = botocore.useragent.UserAgentString.to_string

    def counting(self: Any) -> str:
        text: str = to_string(self)
        built.append(text)
        return text

    monkeypatch.setattr(botocore.useragent.UserAgentString, "to_string", counting)
    seen: list[tuple[str, str]] = []

    def first(request: Any, **_: Any) -> None:
        seen.append(("first", request.headers["User-Agent"]))

    def last(request: Any, **_: Any) -> None:
        seen.append(("last", request.headers["User-Agent"]))

    with mock_ecs():
        ecs = _client(config=Config(user_agent_extra="my-launcher/1.0"))
        ecs.meta.events.register("request-created.ecs", first)
        ecs.meta.events.register_last("request-created.ecs", last)
        ecs.list_clusters()  # botocore's emitter looks its handlers up once (and rebuilds then)
        built.clear()
        seen.clear()
        assert ecs.list_clusters()["clusterArns"] == []
        assert [name for name, _ in seen] == ["first", "last"]
        header = seen[0][1]
        assert "my-launcher/1.0" in (header.decode() if isinstance(header, bytes) else header)
        assert len(built) == 1  # the header botocore sets first, and no rebuild
        ecs_calls = built[:]

        def canned(request: Any, **_: Any) -> Any:
            from botocore.awsrequest import AWSResponse

            class Raw:
                def stream(self, **_: Any) -> Any:
                    yield b'{"logGroups": []}'

            return AWSResponse(request.url, 200, {}, Raw())

        logs = boto3.client("logs", region_name="us-east-1")
        logs.meta.events.register("before-send.logs", canned)
        logs.describe_log_groups()
        built.clear()
        logs.describe_log_groups()
        assert len(built) == 2  # another service: set, then rebuilt at request-created
    assert len(ecs_calls) == 1


def test_unknown_operation_names_it_and_lists_supported(
    ecs_mock: EcsMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = _client()
    # Every operation of the model is answered now: one is taken away to play one a newer
    # botocore adds before ecs_mock implements it.
    monkeypatch.delitem(OPERATIONS, "DeleteAccountSetting")
    with pytest.raises(ClientError) as raised:
        client.delete_account_setting(name="serviceLongArnFormat")
    error = raised.value.response["Error"]
    assert error["Code"] == "UnsupportedFeatureException"
    assert "DeleteAccountSetting" in error["Message"]
    assert "StartTask" in error["Message"]


def test_error_envelope_and_request_id(ecs_mock: EcsMock) -> None:
    client = _client()
    with pytest.raises(client.exceptions.ClusterNotFoundException) as raised:
        client.describe_tasks(cluster="nope", tasks=["x"])
    response = raised.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert re.fullmatch(r"[0-9a-f-]{36}", response["ResponseMetadata"]["RequestId"])
    assert response["Error"]["Message"] == "Cluster not found."


def test_server_exception_is_500_and_retried(ecs_mock: EcsMock) -> None:
    ecs_mock.inject_error("ListClusters", "ServerException", count=2)
    client = _client(config=Config(retries={"mode": "standard", "max_attempts": 3}))
    assert client.list_clusters()["ResponseMetadata"]["RetryAttempts"] == 2
    assert len(ecs_mock.calls_to("ListClusters")) == 3


def test_partitions_from_region() -> None:
    assert partition_for("cn-north-1") == "aws-cn"
    assert partition_for("us-gov-west-1") == "aws-us-gov"
    assert partition_for("eu-central-1") == "aws"
    with mock_ecs():
        arn = boto3.client("ecs", region_name="cn-northwest-1").create_cluster()["cluster"]
    assert arn["clusterArn"] == "arn:aws-cn:ecs:cn-northwest-1:123456789012:cluster/default"


def test_client_without_credentials_is_served(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    session = botocore.session.get_session()
    bare = session.create_client("ecs", region_name="us-east-1")
    assert session.get_credentials() is None
    with mock_ecs():
        assert bare.list_clusters()["clusterArns"] == []


def test_real_endpoint_is_refused_even_if_interception_is_bypassed() -> None:
    from botocore.hooks import HierarchicalEmitter

    client = _client()
    with mock_ecs():
        wrapped = HierarchicalEmitter.emit
        # Something else puts botocore's own emit back: the send guard must still stop the call.
        HierarchicalEmitter.emit = INTERCEPTOR._originals[(HierarchicalEmitter, "emit")]  # type: ignore[method-assign]
        try:
            with pytest.raises(RealEcsCallBlocked, match=r"ecs\.us-east-1\.amazonaws\.com"):
                client.list_clusters()
        finally:
            HierarchicalEmitter.emit = wrapped  # type: ignore[method-assign]


def test_schema_violation_in_a_response_fails_loudly(
    ecs_mock: EcsMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ecs_mock.backend import operations

    monkeypatch.setitem(
        operations.OPERATIONS, "ListClusters", lambda region, params: {"clusterArns": [1]}
    )
    with pytest.raises(ResponseSchemaError, match=r"ListClusters.*\$\.clusterArns\[0\]"):
        _client().list_clusters()


def test_request_schema_enforced_beyond_botocore(ecs_mock: EcsMock) -> None:
    client = _client()
    ecs_mock.create_cluster()
    client.meta.events.register(
        "before-parameter-build.ecs.StartTask",
        lambda params, **_: params.update(propagateTags="task_definition"),
    )
    with pytest.raises(client.exceptions.InvalidParameterException, match="propagateTags"):
        client.start_task(taskDefinition="x", containerInstances=["y"])


def test_every_implemented_operation_is_in_the_model() -> None:
    from test_operations_coverage import ADDED_SINCE_OLDEST

    from ecs_mock.backend.operations import OPERATIONS

    # An older botocore's model (1.34.17, the oldest supported) lacks the operations ECS added
    # since; with the newest model the difference is empty.
    assert set(OPERATIONS) - schema.known_operations() <= ADDED_SINCE_OLDEST


# -- the mock object: options, handle ---------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"account_id": 123456789012}, TypeError, "account_id must be a string of 12 digits"),
        ({"account_id": "12345678901"}, ValueError, "account_id must be a string of 12 digits"),
        ({"account_id": "١٢٣٤٥٦٧٨٩٠١٢"}, ValueError, "account_id must be a string of 12 digits"),
        ({"region": "us_east_1"}, ValueError, "region must be an AWS region name"),
        ({"region": None}, TypeError, "region must be a string"),
        ({"seed": "7"}, TypeError, "seed must be an int or None"),
        ({"seed": True}, TypeError, "seed must be an int or None"),
        ({"access_keys": ["AKIA"]}, TypeError, "access_keys must map access key ids"),
        ({"access_keys": {"AKIA": 1}}, TypeError, r"access_keys\['AKIA'\] must be a string"),
        ({"access_keys": {"": "111111111111"}}, TypeError, "each key must be an access key id"),
        ({"pending_seconds": float("nan")}, ValueError, "pending_seconds must be a finite"),
        ({"stopping_seconds": float("inf")}, ValueError, "stopping_seconds must be a finite"),
        ({"provisioning_seconds": -1}, ValueError, "provisioning_seconds must be a finite"),
        ({"deprovisioning_seconds": "5"}, TypeError, "deprovisioning_seconds must be a number"),
        ({"pending_seconds": True}, TypeError, "pending_seconds must be a number"),
        ({"capacity_wait_seconds": -5}, ValueError, "capacity_wait_seconds must be a finite"),
        ({"service_step_seconds": float("nan")}, ValueError, "service_step_seconds must be a"),
        ({"service_healthy_after_seconds": "1"}, TypeError, "service_healthy_after_seconds"),
    ],
)
def test_every_bad_option_is_refused_by_name(
    options: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        mock_ecs(**options)
    assert not INTERCEPTOR.active


def test_current_is_the_innermost_active_mock() -> None:
    with pytest.raises(RuntimeError, match="No ecs_mock mock is active"):
        mock_ecs.current()
    with mock_ecs() as outer:
        assert mock_ecs.current() is outer
        with mock_ecs(account_id="111122223333") as inner:
            assert mock_ecs.current() is inner
        assert mock_ecs.current() is outer

    @mock_ecs(seed=3)
    def decorated() -> EcsMock:
        return mock_ecs.current()

    handle = decorated()
    assert handle.seed == 3
    assert not handle.active


def test_every_timing_option_reaches_the_decorated_functions_state() -> None:
    timings = {
        "capacity_wait_seconds": 60.0,
        "service_step_seconds": 2.0,
        "service_healthy_after_seconds": 3.0,
        "pending_seconds": 4.0,
    }

    @mock_ecs(**timings)
    def decorated() -> Any:
        return mock_ecs.current().backend.timings

    seen = decorated()
    assert (seen.capacity_wait, seen.service_step, seen.service_healthy_after, seen.pending) == (
        60.0,
        2.0,
        3.0,
        4.0,
    )
    assert repr(mock_ecs(capacity_wait_seconds=60)) == "<mock_ecs(capacity_wait_seconds=60)>"
    assert repr(mock_ecs(capacity_wait_seconds=1800)) == "<mock_ecs()>"  # the default


def test_an_inactive_mock_says_how_to_activate_it() -> None:
    mock = mock_ecs(account_id="111122223333")
    with pytest.raises(RuntimeError) as raised:
        _ = mock.calls
    message = str(raised.value)
    assert "mock_ecs(account_id='111122223333'), is not active" in message
    assert "while a function or class it decorates runs" in message
    assert repr(mock) == "<mock_ecs(account_id='111122223333')>"
    with mock:
        assert re.fullmatch(
            r"<mock_ecs\(account_id='111122223333'\), started at tests/test_core\.py:\d+ "
            r"\(in test_an_inactive_mock_says_how_to_activate_it\)>",
            repr(mock),
        )


@pytest.mark.slow
def test_the_package_imports_botocore_only_when_used(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import sys

        def test_it():
            import ecs_mock
            import ecs_mock.plugin
            assert "botocore" not in sys.modules
            assert ecs_mock.mock_ecs.current  # now it is imported
            assert "botocore" in sys.modules
            assert set(ecs_mock.__all__) <= set(dir(ecs_mock))
        """
    )
    # the plugin is loaded (it is installed); botocore is imported by nothing else here
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)

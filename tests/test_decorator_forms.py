"""`@mock_ecs` runs the whole body of every form it decorates inside the mock: functions,
coroutines, generators (yield fixtures), async generators, unittest TestCases with class-level
setup, IsolatedAsyncioTestCase, plain classes with static/class/generator test methods and
pytest's xunit hooks, subclasses and inherited tests. Outside an active mock, nothing of
botocore or the environment is changed, however many mock objects exist."""

from __future__ import annotations

import asyncio
import io
import os
import socket
import unittest
from collections.abc import AsyncIterator, Iterator
from typing import Any, ClassVar

import boto3
import pytest
from botocore.config import Config
from botocore.endpoint import Endpoint
from botocore.exceptions import HTTPClientError
from botocore.hooks import HierarchicalEmitter

from ecs_mock import EcsMock, mock_ecs
from ecs_mock.intercept import INTERCEPTOR

ACCOUNT = "210987654321"
NO_RETRY = Config(retries={"max_attempts": 1, "mode": "standard"})


def _arn(name: str) -> str:
    """Create a cluster through a plain client: only the mock answers with this account."""
    client = boto3.client("ecs", region_name="us-east-1", config=NO_RETRY)
    return str(client.create_cluster(clusterName=name)["cluster"]["clusterArn"])


def _names() -> list[str]:
    client = boto3.client("ecs", region_name="us-east-1", config=NO_RETRY)
    return sorted(arn.rpartition("/")[2] for arn in client.list_clusters()["clusterArns"])


def _mocked(name: str) -> bool:
    return _arn(name) == f"arn:aws:ecs:us-east-1:{ACCOUNT}:cluster/{name}"


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """An escape to real AWS fails the test instead of trying the network."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"network use attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


# -- generators -------------------------------------------------------------------------------


def test_generator_runs_inside_the_mock_from_first_step_to_last() -> None:
    @mock_ecs(account_id=ACCOUNT)
    def steps() -> Iterator[bool]:
        yield _mocked("one")
        received = yield _mocked("two")
        yield received == "sent" and _names() == ["caller", "one", "two"]

    generator = steps()
    assert not INTERCEPTOR.active  # nothing starts before the first step
    assert next(generator) is True
    assert INTERCEPTOR.active  # still active between steps: the caller runs inside it
    assert _mocked("caller")
    assert next(generator) is True
    assert generator.send("sent") is True
    with pytest.raises(StopIteration):
        next(generator)
    assert not INTERCEPTOR.active


def test_generator_closed_early_or_thrown_into_stops_the_mock() -> None:
    seen: list[str] = []

    @mock_ecs(account_id=ACCOUNT)
    def steps() -> Iterator[int]:
        try:
            yield 1
            yield 2
        except KeyError:
            seen.append("thrown in")
            yield 3
        finally:
            seen.append(f"finally, mocked: {_mocked('finally')}")

    closed = steps()
    next(closed)
    closed.close()
    assert not INTERCEPTOR.active
    thrown = steps()
    next(thrown)
    assert thrown.throw(KeyError("x")) == 3
    thrown.close()
    assert seen == ["finally, mocked: True", "thrown in", "finally, mocked: True"]
    assert not INTERCEPTOR.active


def test_async_generator_runs_inside_the_mock() -> None:
    @mock_ecs(account_id=ACCOUNT)
    async def steps() -> AsyncIterator[bool]:
        await asyncio.sleep(0)
        received = yield _mocked("one")
        yield received == "sent"
        try:
            yield True
        except KeyError:
            yield _mocked("thrown")

    async def drive() -> list[Any]:
        generator = steps()
        results = [await generator.__anext__(), INTERCEPTOR.active]
        results.append(await generator.asend("sent"))
        results.append(await generator.__anext__())
        results.append(await generator.athrow(KeyError("x")))
        await generator.aclose()
        results.append(INTERCEPTOR.active)
        return results

    assert asyncio.run(drive()) == [True, True, True, True, True, False]


def test_async_generator_consumed_with_async_for() -> None:
    @mock_ecs(account_id=ACCOUNT)
    async def names() -> AsyncIterator[str]:
        for name in ("a", "b"):
            _arn(name)
            yield name

    async def drive() -> list[str]:
        return [name async for name in names()]

    assert asyncio.run(drive()) == ["a", "b"]
    assert not INTERCEPTOR.active


@pytest.fixture
@mock_ecs(account_id=ACCOUNT)
def decorated_yield_fixture() -> Iterator[list[str]]:
    torn_down: list[str] = []
    _arn("from-fixture")
    yield torn_down
    torn_down.append(f"teardown mocked: {_mocked('teardown')}")


def test_decorated_yield_fixture_keeps_the_mock_for_the_test(
    decorated_yield_fixture: list[str],
) -> None:
    assert _names() == ["from-fixture"]  # the test itself is not decorated
    assert _mocked("from-test")


def test_coroutine_function() -> None:
    @mock_ecs(account_id=ACCOUNT)
    async def run() -> bool:
        await asyncio.sleep(0)
        return _mocked("async")

    assert asyncio.run(run()) is True
    assert not INTERCEPTOR.active


def test_concurrent_calls_of_one_decorated_coroutine_keep_the_mock_until_the_last_ends() -> None:
    @mock_ecs(account_id=ACCOUNT)
    async def run(name: str, pause: float) -> bool:
        await asyncio.sleep(pause)
        return _mocked(name)

    async def both() -> list[bool]:
        return list(await asyncio.gather(run("short", 0), run("long", 0.01)))

    assert asyncio.run(both()) == [True, True]
    assert not INTERCEPTOR.active


def test_inside_a_decorated_function_the_decorating_mock_is_the_handle() -> None:
    mock = mock_ecs(account_id=ACCOUNT)

    @mock
    def run() -> EcsMock:
        _arn("x")
        assert [c.operation for c in mock.calls] == ["CreateCluster"]
        return mock_ecs.current()

    assert run() is mock
    with pytest.raises(RuntimeError, match="is not active: it is active inside `with mock:`"):
        _ = mock.calls


# -- unittest ---------------------------------------------------------------------------------


@mock_ecs(account_id=ACCOUNT)
class WithClassSetup(unittest.TestCase):
    __test__ = False  # run by the tests below, not collected by pytest
    log: ClassVar[list[str]] = []

    @classmethod
    def setUpClass(cls) -> None:
        cls.log.append(f"setUpClass mocked: {_mocked('class-wide')}")

    @classmethod
    def tearDownClass(cls) -> None:
        cls.log.append(f"tearDownClass sees: {_names()}")

    def setUp(self) -> None:
        self.log.append(f"setUp mocked: {_mocked(self._testMethodName)}")

    def test_a(self) -> None:
        self.log.append(f"test_a sees: {_names()}")

    def test_b(self) -> None:
        self.log.append(f"test_b sees: {_names()}")


def _run(case: type[unittest.TestCase]) -> unittest.TestResult:
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(case)
    return unittest.TextTestRunner(stream=io.StringIO()).run(suite)


def test_testcase_class_setup_runs_in_one_mock_shared_by_its_tests() -> None:
    WithClassSetup.log.clear()
    result = _run(WithClassSetup)
    assert result.wasSuccessful(), result.errors + result.failures
    assert WithClassSetup.log == [
        "setUpClass mocked: True",
        "setUp mocked: True",
        "test_a sees: ['class-wide', 'test_a']",
        "setUp mocked: True",
        "test_b sees: ['class-wide', 'test_a', 'test_b']",
        "tearDownClass sees: ['class-wide', 'test_a', 'test_b']",
    ]
    assert not INTERCEPTOR.active


class ChildOfDecorated(WithClassSetup):
    """Not decorated itself: inherits the coverage, and its own setUpClass runs inside too."""

    @classmethod
    def setUpClass(cls) -> None:
        cls.log.append(f"child setUpClass mocked: {_mocked('child')}")
        super().setUpClass()

    def test_c(self) -> None:
        self.log.append(f"test_c sees: {_names()}")


def test_subclass_of_a_decorated_testcase_is_covered() -> None:
    ChildOfDecorated.log.clear()
    result = _run(ChildOfDecorated)
    assert result.wasSuccessful(), result.errors + result.failures
    assert ChildOfDecorated.log[:2] == ["child setUpClass mocked: True", "setUpClass mocked: True"]
    assert "test_c sees: ['child', 'class-wide', 'test_a', 'test_b', 'test_c']" in (
        ChildOfDecorated.log
    )
    assert not INTERCEPTOR.active


@mock_ecs(account_id=ACCOUNT)
class FailingClassSetup(unittest.TestCase):
    __test__ = False

    @classmethod
    def setUpClass(cls) -> None:
        _arn("x")
        raise RuntimeError("set-up failed")

    def test_never_runs(self) -> None:
        raise AssertionError("unreachable")


def test_failing_class_setup_still_stops_the_mock() -> None:
    result = _run(FailingClassSetup)
    assert len(result.errors) == 1
    assert "set-up failed" in result.errors[0][1]
    assert not INTERCEPTOR.active


@mock_ecs(account_id=ACCOUNT)
class AsyncCase(unittest.IsolatedAsyncioTestCase):
    __test__ = False
    log: ClassVar[list[str]] = []

    async def asyncSetUp(self) -> None:
        self.log.append(f"asyncSetUp mocked: {_mocked('async-setup')}")

    async def test_async(self) -> None:
        await asyncio.sleep(0)
        self.log.append(f"test sees: {_names()}")

    async def asyncTearDown(self) -> None:
        self.log.append(f"asyncTearDown mocked: {_mocked('async-teardown')}")


def test_isolated_asyncio_testcase() -> None:
    AsyncCase.log.clear()
    result = _run(AsyncCase)
    assert result.wasSuccessful(), result.errors + result.failures
    assert AsyncCase.log == [
        "asyncSetUp mocked: True",
        "test sees: ['async-setup']",
        "asyncTearDown mocked: True",
    ]


@mock_ecs(account_id=ACCOUNT)
class WithoutClassSetup(unittest.TestCase):
    __test__ = False

    def test_one(self) -> None:
        assert _names() == []
        _arn("one")

    def test_two(self) -> None:
        assert _names() == []  # no class-level setup: a fresh state per test
        _arn("two")


def test_testcase_without_class_setup_gets_a_fresh_state_per_test() -> None:
    result = _run(WithoutClassSetup)
    assert result.wasSuccessful(), result.errors + result.failures
    assert result.testsRun == 2


# -- plain classes ----------------------------------------------------------------------------


class Mixin:
    def test_inherited(self) -> bool:
        return _mocked("inherited")


@mock_ecs(account_id=ACCOUNT)
class PlainHolder(Mixin):
    @staticmethod
    def test_static() -> bool:
        return _mocked("static")

    @classmethod
    def test_class(cls) -> bool:
        return _mocked(cls.__name__)

    def test_generator(self) -> Iterator[bool]:
        yield _mocked("generator")

    async def test_coroutine(self) -> bool:
        return _mocked("coroutine")

    def helper(self) -> bool:  # not a test: left alone
        return INTERCEPTOR.active


def test_plain_class_methods_of_every_kind_run_inside() -> None:
    holder = PlainHolder()
    assert PlainHolder.test_static() is True
    assert holder.test_static() is True
    assert PlainHolder.test_class() is True
    assert list(holder.test_generator()) == [True]
    assert asyncio.run(holder.test_coroutine()) is True
    assert holder.test_inherited() is True
    assert holder.helper() is False
    assert Mixin().test_inherited.__qualname__ == "Mixin.test_inherited"  # base untouched
    assert not INTERCEPTOR.active


class PlainChild(PlainHolder):
    def test_child(self) -> bool:
        return _mocked("child")


@mock_ecs(account_id="111122223333")
class PlainChildWithOtherOptions(PlainHolder):
    pass


def test_subclasses_of_a_plain_class_follow_their_own_decoration() -> None:
    assert PlainChild().test_child() is True
    assert PlainChild().test_inherited() is True
    other = PlainChildWithOtherOptions()
    assert other.test_inherited() is False  # runs in the subclass's mock: another account
    assert not INTERCEPTOR.active


XUNIT_CONFTEST = """
import socket
import pytest

@pytest.fixture(scope="session", autouse=True)
def no_network():
    def refuse(*args, **kwargs):
        raise AssertionError(f"network use attempted: {args!r}")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", refuse)
        patch.setattr(socket, "getaddrinfo", refuse)
        yield
"""

XUNIT_TESTS = """
import boto3
import unittest
from ecs_mock import mock_ecs
from ecs_mock.intercept import INTERCEPTOR

def names():
    arns = boto3.client("ecs", region_name="us-east-1").list_clusters()["clusterArns"]
    return sorted(arn.rpartition("/")[2] for arn in arns)

def create(name):
    arn = boto3.client("ecs", region_name="us-east-1").create_cluster(clusterName=name)
    assert ":210987654321:" in arn["cluster"]["clusterArn"]

@mock_ecs(account_id="210987654321")
class TestXunitClassAndMethod:
    def setup_class(cls):
        create("class-wide")

    def teardown_class(cls):
        assert names() == ["class-wide", "m-test_a", "m-test_b"]
        create("class-teardown")

    def setup_method(self, method):
        create(f"m-{method.__name__}")

    def teardown_method(self):
        assert INTERCEPTOR.active

    def test_a(self):
        assert names() == ["class-wide", "m-test_a"]

    def test_b(self):
        assert names() == ["class-wide", "m-test_a", "m-test_b"]

@mock_ecs(account_id="210987654321")
class TestOnlySetupMethod:
    def setup_method(self):
        create("from-setup")

    def test_fresh_each_time(self):
        assert names() == ["from-setup"]

    def test_fresh_again(self):
        assert names() == ["from-setup"]

@mock_ecs(account_id="210987654321")
class TestStaticAndClass:
    @staticmethod
    def test_static():
        create("static")

    @classmethod
    def test_classmethod(cls):
        create("classmethod")

@mock_ecs(account_id="210987654321")
class TestUnittestUnderPytest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        create("unittest-class")

    def test_sees_class_setup(self):
        assert names() == ["unittest-class"]

def test_nothing_active_between_classes():
    assert not INTERCEPTOR.active
"""


@pytest.mark.slow
def test_xunit_hooks_and_classes_under_pytest(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(XUNIT_CONFTEST)
    pytester.makepyfile(test_xunit=XUNIT_TESTS)
    # -p no:ecs_mock too: the decorator does not depend on the plugin
    for plugin in ([], ["-p", "no:ecs_mock"]):
        result = pytester.runpytest_subprocess("-p", "no:cacheprovider", *plugin)
        result.assert_outcomes(passed=8)


# -- no mock active: nothing changes ----------------------------------------------------------


def test_mock_objects_change_nothing_while_none_is_active(no_network: None) -> None:
    originals = (
        HierarchicalEmitter.__dict__["emit"],
        HierarchicalEmitter.__dict__["emit_until_response"],
        Endpoint.__dict__["_send"],
    )
    environment = dict(os.environ)
    made = [mock_ecs(), mock_ecs(account_id=ACCOUNT, pending_seconds=3)]

    @made[0]
    def decorated() -> None: ...

    @mock_ecs
    class Decorated(unittest.TestCase):
        def test_nothing(self) -> None: ...

    with made[1]:
        decorated()
    current = (
        HierarchicalEmitter.__dict__["emit"],
        HierarchicalEmitter.__dict__["emit_until_response"],
        Endpoint.__dict__["_send"],
    )
    assert current == originals
    assert dict(os.environ) == environment
    assert not INTERCEPTOR.active
    client = boto3.client("ecs", region_name="us-east-1", config=NO_RETRY)
    with pytest.raises(HTTPClientError, match="network use attempted"):
        client.list_clusters()  # botocore's own path: straight to the (blocked) network
    with pytest.raises(RuntimeError, match="No ecs_mock mock is active"):
        mock_ecs.current()


def test_decorating_something_that_is_not_callable_is_refused() -> None:
    with pytest.raises(TypeError, match="options are keyword arguments"):
        mock_ecs("123456789012")  # type: ignore[call-overload]

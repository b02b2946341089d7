"""Nested mocks: a nested mock with the same options joins the active state; one with other
options gets a state of its own, where its calls and its controls act, and the enclosing state
is back, untouched, when it stops. The pytest fixture and marker never take over a mock
started before the test, and a mock a test leaves active fails that test and is stopped."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from freezegun import freeze_time

from ecs_mock import EcsMock, mock_ecs
from ecs_mock.intercept import INTERCEPTOR


def _client(region: str = "us-east-1") -> Any:
    return boto3.client("ecs", region_name=region)


def _clusters(region: str = "us-east-1") -> list[str]:
    return list(_client(region).list_clusters()["clusterArns"])


def test_same_options_share_one_state() -> None:
    with mock_ecs(account_id="111122223333") as outer:
        outer.create_cluster("shared")
        with mock_ecs(account_id="111122223333") as inner:
            assert _clusters() == ["arn:aws:ecs:us-east-1:111122223333:cluster/shared"]
            inner.create_cluster("from-inner")
            assert inner.calls == outer.calls  # one call log too
        assert len(_clusters()) == 2  # the inner mock's work stays in the shared state


def test_inner_options_apply_inside_and_the_outer_state_comes_back() -> None:
    with mock_ecs() as outer:
        outer.add_container_instance("outer-cluster")
        with mock_ecs(account_id="210987654321", region="eu-west-1", seed=5) as inner:
            assert mock_ecs.current() is inner
            assert _clusters("eu-west-1") == []
            # controls act where the inner mock's calls act: its account and region
            instance = inner.add_container_instance("inner-cluster", eni_slots=3)
            assert instance.startswith("arn:aws:ecs:eu-west-1:210987654321:container-instance/")
            west = _client("eu-west-1")
            assert west.list_container_instances(cluster="inner-cluster")[
                "containerInstanceArns"
            ] == [instance]
            assert west.list_clusters()["clusterArns"] == [
                "arn:aws:ecs:eu-west-1:210987654321:cluster/inner-cluster"
            ]
        assert mock_ecs.current() is outer
        assert _clusters() == ["arn:aws:ecs:us-east-1:123456789012:cluster/outer-cluster"]
        assert _clusters("eu-west-1") == []


def test_inner_lifecycle_durations_apply_inside() -> None:
    def started_status(mock: EcsMock) -> str:
        instance = mock.add_container_instance("default")
        mock.register_task_definition("app")
        ecs = _client()
        arn = ecs.start_task(taskDefinition="app", containerInstances=[instance])["tasks"][0][
            "taskArn"
        ]
        return str(ecs.describe_tasks(tasks=[arn])["tasks"][0]["lastStatus"])

    with freeze_time("2024-01-01"), mock_ecs() as outer:
        with mock_ecs(pending_seconds=30) as inner:
            assert started_status(inner) == "PENDING"
        assert started_status(outer) == "RUNNING"


def test_inner_seed_applies_inside() -> None:
    with mock_ecs(seed=11) as alone:
        expected = alone.add_container_instance("default")
    with mock_ecs(seed=99), mock_ecs(seed=11) as inner:
        assert inner.add_container_instance("default") == expected


def test_a_shadowed_mock_refuses_its_controls_loudly() -> None:
    with mock_ecs() as outer:
        with mock_ecs(account_id="210987654321") as inner:
            with pytest.raises(RuntimeError, match=r"shadowed by <mock_ecs\(account_id="):
                outer.add_container_instance("default")
            with pytest.raises(RuntimeError, match="shadowed"):
                outer.advance("RUNNING")
            assert outer.calls == []  # reading its log is fine
            inner.create_cluster("inner")
        outer.create_cluster("outer")  # its own again once the inner one stopped
        assert [c.operation for c in outer.calls] == ["CreateCluster"]


def test_entering_an_active_mock_again_brings_its_state_back_on_top() -> None:
    outer = mock_ecs()
    with outer:
        outer.create_cluster("outer")
        with mock_ecs(account_id="210987654321"):
            assert _clusters() == []
            with outer:
                assert _clusters() == ["arn:aws:ecs:us-east-1:123456789012:cluster/outer"]
            assert _clusters() == []
        assert outer.active


def test_stopping_out_of_order_leaves_the_other_active() -> None:
    outer, inner = mock_ecs().start(), mock_ecs(account_id="210987654321").start()
    try:
        inner.create_cluster("inner")
        outer.stop()
        assert INTERCEPTOR.active
        assert mock_ecs.current() is inner
        assert _clusters() == ["arn:aws:ecs:us-east-1:210987654321:cluster/inner"]
    finally:
        inner.stop()
    assert not INTERCEPTOR.active


def test_a_decorated_function_inside_a_mock_with_other_options_is_isolated() -> None:
    @mock_ecs(account_id="210987654321")
    def count_clusters() -> int:
        return len(_clusters())

    with mock_ecs() as outer:
        outer.create_cluster("outer")
        assert count_clusters() == 0
        assert len(_clusters()) == 1


# -- the pytest plugin ------------------------------------------------------------------------

AUTOUSE_CONFTEST = """
import pytest
from ecs_mock import mock_ecs

@pytest.fixture(autouse=True)
def no_real_aws():
    with mock_ecs() as guard:
        yield guard
"""

AUTOUSE_TESTS = """
import boto3
import pytest
from freezegun import freeze_time

def ecs():
    return boto3.client("ecs", region_name="us-east-1")

@pytest.mark.ecs_mock(account_id="210987654321", pending_seconds=5)
def test_marker_options_are_honoured(ecs_mock, no_real_aws):
    assert ecs_mock.account_id == "210987654321"
    arn = ecs().create_cluster(clusterName="c")["cluster"]["clusterArn"]
    assert arn == "arn:aws:ecs:us-east-1:210987654321:cluster/c"
    instance = ecs_mock.add_container_instance("c")
    ecs_mock.register_task_definition("app")
    with freeze_time("2024-01-01") as frozen:
        task = ecs().start_task(cluster="c", taskDefinition="app", containerInstances=[instance])
        task_arn = task["tasks"][0]["taskArn"]
        described = lambda: ecs().describe_tasks(cluster="c", tasks=[task_arn])["tasks"][0]
        assert described()["lastStatus"] == "PENDING"
        frozen.tick(5)
        assert described()["lastStatus"] == "RUNNING"
    ecs_mock.assert_called_with("StartTask", cluster="c", taskDefinition="app")

def test_unmarked_fixture_joins_the_guard(ecs_mock, no_real_aws):
    ecs_mock.create_cluster("x")
    assert no_real_aws.calls == ecs_mock.calls

def test_guard_alone_still_answers():
    assert ecs().list_clusters()["clusterArns"] == []
"""


@pytest.mark.slow
def test_autouse_guard_and_marker(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(AUTOUSE_CONFTEST)
    pytester.makepyfile(test_marked=AUTOUSE_TESTS)
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=3)


SESSION_CONFTEST = """
import pytest
from ecs_mock import mock_ecs

@pytest.fixture(scope="session", autouse=True)
def session_guard():
    with mock_ecs() as guard:
        guard.create_cluster("session-wide")
        yield guard
"""

SESSION_TESTS = """
import boto3
import pytest
from ecs_mock import mock_ecs

def clusters():
    return boto3.client("ecs", region_name="us-east-1").list_clusters()["clusterArns"]

@pytest.mark.parametrize("n", range(3))
def test_fixture_starts_empty(ecs_mock, n):
    assert clusters() == []
    ecs_mock.create_cluster(f"fixture-{n}")

@pytest.mark.parametrize("n", range(3))
@mock_ecs
def test_decorator_starts_empty(n):
    assert clusters() == []
    boto3.client("ecs", region_name="us-east-1").create_cluster(clusterName=f"d-{n}")

def test_the_guard_saw_none_of_it(session_guard):
    assert [arn.rpartition("/")[2] for arn in clusters()] == ["session-wide"]
    assert mock_ecs.current() is session_guard
"""


@pytest.mark.slow
def test_session_scoped_mock_is_never_joined_by_a_test(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(SESSION_CONFTEST)
    pytester.makepyfile(test_session=SESSION_TESTS)
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=7)


LEAKY_TESTS = """
import boto3
import pytest
from ecs_mock import mock_ecs

def test_leaks_a_mock():
    mock_ecs(account_id="111111111111", pending_seconds=9).start()
    boto3.client("ecs", region_name="us-east-1").create_cluster(clusterName="leaked")

@pytest.mark.ecs_mock(account_id="222222222222")
def test_marker_after_the_leak(ecs_mock):
    assert ecs_mock.account_id == "222222222222"
    assert boto3.client("ecs", region_name="us-east-1").list_clusters()["clusterArns"] == []

@mock_ecs(account_id="111111111111", pending_seconds=9)
def test_decorator_with_the_same_options_after_the_leak():
    assert boto3.client("ecs", region_name="us-east-1").list_clusters()["clusterArns"] == []

def test_nothing_is_active_after_the_leak():
    with pytest.raises(RuntimeError, match="No ecs_mock mock is active"):
        mock_ecs.current()
"""


@pytest.mark.slow
def test_a_leaked_mock_fails_its_test_and_is_stopped(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_leaky=LEAKY_TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=4, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_leaks_a_mock*",
            "*test_leaky.py::test_leaks_a_mock left 1 ecs_mock mock(s) active: "
            "mock_ecs(account_id='111111111111', pending_seconds=9), "
            "started at test_leaky.py:6 (in test_leaks_a_mock)*",
        ]
    )


DECORATED_FIXTURE_TESTS = """
import boto3
import pytest
from ecs_mock import mock_ecs

@pytest.fixture
@mock_ecs
def cluster():
    boto3.client("ecs", region_name="us-east-1").create_cluster(clusterName="from-fixture")
    yield "from-fixture"

def test_fixture_and_ecs_mock_share_one_state(cluster, ecs_mock):
    assert [a.rpartition("/")[2] for a in ecs_mock.call("ListClusters")["clusterArns"]] == [
        cluster
    ]
    ecs_mock.assert_called_with("CreateCluster", clusterName="from-fixture")

@pytest.fixture(scope="module")
@mock_ecs
def module_mock():
    yield mock_ecs.current()

def test_module_fixture_mock_may_outlive_a_test(module_mock):
    assert module_mock.active

def test_and_is_still_there_for_the_next(module_mock):
    assert module_mock.active
"""


@pytest.mark.slow
def test_decorated_fixtures_compose_with_the_ecs_mock_fixture(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_decorated=DECORATED_FIXTURE_TESTS)
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=3)


@pytest.mark.slow
def test_marker_with_bad_options_fails_clearly(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.ecs_mock(account_id=123456789012)
        def test_int_account(ecs_mock):
            pass

        @pytest.mark.ecs_mock(pending_secs=5)
        def test_typo(ecs_mock):
            pass
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(errors=2)
    result.stdout.fnmatch_lines(
        [
            "*TypeError: account_id must be a string of 12 digits, got 123456789012 (int)*",
            "*unexpected keyword argument 'pending_secs'*",
        ]
    )

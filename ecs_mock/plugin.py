"""pytest plugin (entry point `pytest11`): the `ecs_mock` fixture and the `ecs_mock` marker.

Marker keyword arguments are `mock_ecs` options, so a typo is a TypeError. A marked test gets
the fixture even when it does not ask for it by name.

pytest imports this module at every start, so it imports nothing of ecs_mock (nor botocore)
until a test uses the fixture. Its hooks also catch a mock a test started and never stopped:
that test fails at teardown, naming the mock, which is stopped so that later tests are not
affected.
"""

from __future__ import annotations

import sys
from collections.abc import Generator, Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .mock import EcsMock

NAME = "ecs_mock"
_MOCK_MODULE = "ecs_mock.mock"
_TOKEN = pytest.StashKey[Any]()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{NAME}(**options): run the test with ECS mocked; options are mock_ecs keyword arguments",
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        marked = item.get_closest_marker(NAME) and isinstance(item, pytest.Function)
        if marked and NAME not in item.fixturenames:  # type: ignore[attr-defined]
            item.fixturenames.append(NAME)  # type: ignore[attr-defined]


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, None, None]:
    mock = sys.modules.get(_MOCK_MODULE)
    item.stash[_TOKEN] = mock._test_began() if mock is not None else None
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(
    fixturedef: pytest.FixtureDef[Any], request: pytest.FixtureRequest
) -> Generator[None, Any, Any]:
    if fixturedef.scope == "function":
        return (yield)
    mock = sys.modules.get(_MOCK_MODULE)
    since = mock._scoped_setup_began() if mock is not None else None
    try:
        return (yield)
    finally:
        mock = sys.modules.get(_MOCK_MODULE)
        if mock is not None:
            mock._scoped_setup_ended(since)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None, None, None]:
    # Mock decision: a mock started during the test (not by a wider-scoped fixture) and still
    # active after every teardown is a leak: stop it and fail this test loudly.
    try:
        result = yield
    finally:
        mock = sys.modules.get(_MOCK_MODULE)
        leaked = mock._test_ended(item.stash.get(_TOKEN, None)) if mock is not None else []
    if leaked:
        pytest.fail(
            f"{item.nodeid} left {len(leaked)} ecs_mock mock(s) active: "
            + "; ".join(leaked)
            + ". They are stopped now. Stop every mock a test starts (`with mock_ecs():`, "
            "or `mock.stop()` in a `finally`), or start it in a fixture of wider scope.",
            pytrace=False,
        )
    return result


@pytest.fixture(name=NAME)
def ecs_mock_fixture(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[EcsMock]:
    """An active ECS mock with fake credentials, so nothing can reach real AWS. It never
    shares a state with a mock started before the test (see "Nesting" in the README)."""
    from .intercept import FAKE_CREDENTIALS
    from .mock import EcsMock

    marker = request.node.get_closest_marker(NAME)
    if marker is not None and marker.args:
        raise TypeError(f"@pytest.mark.{NAME} takes keyword arguments only (mock_ecs options)")
    options = dict(marker.kwargs) if marker is not None else {}
    mock = EcsMock(**options)  # the options are checked before the environment changes
    for variable in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", FAKE_CREDENTIALS.access_key)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", FAKE_CREDENTIALS.secret_key)
    monkeypatch.setenv("AWS_DEFAULT_REGION", mock.region)
    mock._enter(f"the ecs_mock fixture of {request.node.nodeid}")
    try:
        yield mock
    finally:
        mock._pop()


@pytest.fixture(scope="session")
def ecs_mock_server() -> Iterator[str]:
    """URL of a local ecs_mock HTTP server with the built-in default state, one per session
    (so one per xdist worker). Point clients at it with `endpoint_url=`; state is shared by
    the session: POST {url}/_ecs_mock/reset to start again."""
    from .server import EcsServer  # imported here: most sessions never start a server

    with EcsServer(port=0) as server:
        yield server.url

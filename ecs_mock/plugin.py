"""pytest plugin (entry point `pytest11`): the `ecs_mock` fixture and the `ecs_mock` marker.

Marker keyword arguments are `mock_ecs` options, so a typo is a TypeError. A marked test gets
the fixture even when it does not ask for it by name.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .intercept import FAKE_CREDENTIALS
from .mock import EcsMock

NAME = "ecs_mock"


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


@pytest.fixture(name=NAME)
def ecs_mock_fixture(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[EcsMock]:
    """An active ECS mock with fake credentials, so nothing can reach real AWS."""
    marker = request.node.get_closest_marker(NAME)
    if marker is not None and marker.args:
        raise TypeError(f"@pytest.mark.{NAME} takes keyword arguments only (mock_ecs options)")
    options = dict(marker.kwargs) if marker is not None else {}
    for variable in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", FAKE_CREDENTIALS.access_key)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", FAKE_CREDENTIALS.secret_key)
    monkeypatch.setenv("AWS_DEFAULT_REGION", options.get("region", "us-east-1"))
    with EcsMock(**options) as mock:
        yield mock


@pytest.fixture(scope="session")
def ecs_mock_server() -> Iterator[str]:
    """URL of a local ecs_mock HTTP server with the built-in default state, one per session
    (so one per xdist worker). Point clients at it with `endpoint_url=`; state is shared by
    the session: POST {url}/_ecs_mock/reset to start again."""
    from .server import EcsServer  # imported here: most sessions never start a server

    with EcsServer(port=0) as server:
        yield server.url

from __future__ import annotations

import os
import random
from typing import Any

import boto3
import pytest

from ecs_mock import EcsMock

pytest_plugins = ["pytester"]


@pytest.fixture
def ecs(ecs_mock: EcsMock) -> Any:
    """A boto3 ECS client inside the active mock."""
    return boto3.client("ecs", region_name="us-east-1")


@pytest.fixture
def cluster(ecs_mock: EcsMock) -> str:
    ecs_mock.create_cluster("default")
    return "default"


def pytest_configure(config: pytest.Config) -> None:
    # One fresh seed per run for the stateful test, chosen before xdist starts its workers
    # (they inherit the environment, so every worker uses the same one).
    os.environ.setdefault("ECS_MOCK_STATEFUL_SEED", str(random.SystemRandom().randrange(2**32)))


def pytest_report_header(config: pytest.Config) -> str:
    seed = os.environ["ECS_MOCK_STATEFUL_SEED"]
    budget = os.environ.get("ECS_MOCK_FUZZ") or "quick"
    return (
        f"ecs_mock stateful seed: {seed} (replay: ECS_MOCK_STATEFUL_SEED={seed}); "
        f"fuzz budget: {budget}"
    )

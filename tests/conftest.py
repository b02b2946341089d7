from __future__ import annotations

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

"""ecs_mock: an in-memory Amazon ECS for boto3 test suites and local development.

The names below are imported on first use, so that `import ecs_mock.plugin` (which pytest does
at every start) does not import botocore.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from ._schema import ResponseSchemaError
    from .backend.outcome_model import ContainerView, Outcome, TaskView
    from .backend.state import Timings
    from .controls import Call
    from .errors import EcsError
    from .intercept import RealEcsCallBlocked
    from .mock import EcsMock, EcsMockFactory, mock_ecs
    from .testing import TestControls

__all__ = [
    "Call",
    "ContainerView",
    "EcsError",
    "EcsMock",
    "EcsMockFactory",
    "Outcome",
    "RealEcsCallBlocked",
    "ResponseSchemaError",
    "TaskView",
    "TestControls",
    "Timings",
    "__version__",
    "mock_ecs",
]

_HOMES = {
    "Call": ".controls",
    "ContainerView": ".backend.outcome_model",
    "EcsError": ".errors",
    "EcsMock": ".mock",
    "EcsMockFactory": ".mock",
    "Outcome": ".backend.outcome_model",
    "RealEcsCallBlocked": ".intercept",
    "ResponseSchemaError": "._schema",
    "TaskView": ".backend.outcome_model",
    "TestControls": ".testing",
    "Timings": ".backend.state",
    "mock_ecs": ".mock",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'ecs_mock' has no attribute {name!r}")
    value = getattr(importlib.import_module(home, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})

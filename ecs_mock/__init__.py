"""ecs_mock: an in-memory Amazon ECS for boto3 test suites and local development."""

from ._schema import ResponseSchemaError
from ._version import __version__
from .backend.state import Timings
from .controls import Call
from .errors import EcsError
from .intercept import RealEcsCallBlocked
from .mock import EcsMock, mock_ecs

__all__ = [
    "Call",
    "EcsError",
    "EcsMock",
    "RealEcsCallBlocked",
    "ResponseSchemaError",
    "Timings",
    "__version__",
    "mock_ecs",
]

"""The local ECS server: `ecs-mock` on the command line, `EcsServer` in tests."""

from .app import DEFAULT_HOST, DEFAULT_PORT, Credential, ServerApp, ServerOptions
from .cli import main
from .http import EcsServer, ThreadedServer

__all__ = [
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "Credential",
    "EcsServer",
    "ServerApp",
    "ServerOptions",
    "ThreadedServer",
    "main",
]

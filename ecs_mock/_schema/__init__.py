"""JSON Schema for ECS requests and responses, generated from botocore's ECS service model.

Two uses:

* ``check_response`` asserts that every body ecs_mock sends matches the operation's output shape,
  so a drift between the mock and the real API surfaces as a loud ``ResponseSchemaError``.
* ``request_violation`` checks request parameters against the input shape and words the first
  problem the way AWS does, for the caller to raise as ``InvalidParameterException``.

Everything expensive (loading the model, generating schemas, compiling validators, scanning the
Unicode database) happens lazily on first use and is cached, so importing this module stays cheap.
The fast path is a fastjsonschema-compiled function; jsonschema is only consulted once something
is known to be wrong, because its errors carry exact paths.
"""

from __future__ import annotations

from .generator import Direction, Schema, SchemaGenerator
from .patterns import translate_pattern
from .registry import REGISTRY
from .requests import FALLBACK_MESSAGE, request_violation
from .responses import ResponseSchemaError, check_response

__all__ = [
    "FALLBACK_MESSAGE",
    "REGISTRY",
    "Direction",
    "ResponseSchemaError",
    "Schema",
    "SchemaGenerator",
    "check_response",
    "known_operations",
    "request_violation",
    "setting_facts",
    "shape_members",
    "translate_pattern",
]


def shape_members(shape: str) -> frozenset[str]:
    """The members the installed ECS model gives structure `shape` (older models have fewer:
    a member they lack must not be answered)."""
    return REGISTRY.shape_members(shape)


def known_operations() -> frozenset[str]:
    """Every operation name in the ECS model (loads the model on first call)."""
    return REGISTRY.known_operations()


def setting_facts() -> tuple[frozenset[str], bool]:
    """The account setting names the installed model knows, and whether its `Setting` shape
    has `type` (older models lack both newer names and the field)."""
    return REGISTRY.setting_facts()

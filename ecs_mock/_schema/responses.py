"""The response check: every body ecs_mock sends must match the operation's output shape."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .compat import fit_to_model
from .registry import REGISTRY
from .violations import (
    PathElement,
    first_unexpected,
    from_fastjsonschema,
    jsonschema_violations,
    truncate,
)


class ResponseSchemaError(AssertionError):
    """A response ecs_mock produced does not match the ECS service model: a bug in ecs_mock."""


def check_response(operation: str, body: Mapping[str, Any]) -> None:
    """Raise ``ResponseSchemaError`` unless ``body`` matches ``operation``'s output shape."""
    validate = REGISTRY.fast.get((operation, "output"))
    if validate is None:
        try:
            validate = REGISTRY.fast_validator((operation, "output"))
        except ValueError as exc:
            raise ResponseSchemaError(f"{operation} response: {exc}") from None
    try:
        validate(body)
    except ValueError as exc:  # fastjsonschema's JsonSchemaValueException is a ValueError
        # An answer for the newest model on an older botocore: fitted, then checked again.
        if isinstance(body, dict) and fit_to_model(operation, body):
            check_response(operation, body)
            return
        raise _response_error(operation, body, exc) from None


def _response_error(operation: str, body: Any, fast_error: Exception) -> ResponseSchemaError:
    slow = REGISTRY.slow_validator((operation, "output"))
    violation = next(iter(jsonschema_violations(slow, body)), None)
    if violation is None:  # the validators disagree: trust the one that complained
        detailed = REGISTRY.detailed_error((operation, "output"), body, fast_error)
        violation = from_fastjsonschema(detailed, body)
    path, detail = _json_path(violation.path), violation.detail
    if violation.keyword == "additionalProperties":
        path = _json_path((*violation.path, first_unexpected(violation)))
    elif violation.keyword == "pattern":
        source = REGISTRY.schema_generator("output").original_pattern(str(violation.limit))
        detail = f"{truncate(repr(violation.instance))} does not match the model pattern {source}"
    elif violation.keyword in {"minLength", "maxLength", "minItems", "maxItems"}:
        detail = f"{detail} ({violation.keyword} {violation.limit})"
    return ResponseSchemaError(f"{operation} response violates the ECS model at {path}: {detail}")


def _json_path(path: Iterable[PathElement]) -> str:
    text = "$"
    for element in path:
        if isinstance(element, int):
            text += f"[{element}]"
        elif element.isidentifier():
            text += f".{element}"
        else:
            text += f"[{truncate(element)!r}]"
    return text

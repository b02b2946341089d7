"""The request check: parameters against the input shape, the first problem worded as AWS does."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

from .registry import REGISTRY
from .violations import (
    PathElement,
    Violation,
    first_missing,
    first_unexpected,
    from_fastjsonschema,
    jsonschema_violations,
    truncate,
)

FALLBACK_MESSAGE: Final = (
    "1 validation error detected: the request parameters do not match the ECS model"
)
_MAX_LISTED_ERRORS: Final = 10
_TYPE_NOUNS: Final = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "a boolean",
    "array": "a list",
    "object": "an object",
}


def request_violation(operation: str, params: Mapping[str, Any]) -> str | None:
    """None when ``params`` fit ``operation``'s input shape, else one AWS-style message.

    Never raises for any ``params``; raises ``ValueError`` only for an operation the model does
    not have (dispatch on ``known_operations()`` first).
    """
    gate = REGISTRY.gate((operation, "input"))
    if gate is not None and gate(params):
        return None
    validate = REGISTRY.fast.get((operation, "input")) or REGISTRY.fast_validator(
        (operation, "input")
    )
    try:
        validate(params)
    except Exception as exc:  # any failure on hostile input simply means "not valid"
        fast_error = exc
    else:
        return None
    try:
        return _request_message(operation, params, fast_error)
    except Exception:
        # A fuzzer must get a 400, not a 500, even if the wording step trips over its input.
        return FALLBACK_MESSAGE


def _request_message(operation: str, params: Any, fast_error: Exception) -> str:
    slow = REGISTRY.slow_validator((operation, "input"))
    constraints: list[Violation] = []
    for violation in jsonschema_violations(slow, params):
        if violation.is_structural:
            return _structural_message(violation)
        constraints.append(violation)
    if not constraints:  # jsonschema could not explain it: word fastjsonschema's finding
        detailed = REGISTRY.detailed_error((operation, "input"), params, fast_error)
        fallback = from_fastjsonschema(detailed, params)
        if fallback.is_structural:
            return _structural_message(fallback)
        constraints.append(fallback)
    return _constraints_message(constraints)


def _structural_message(violation: Violation) -> str:
    path = _aws_path(violation.path)
    where = f" at '{path}'" if path else ""
    if violation.keyword == "additionalProperties":
        return f"Unexpected field '{truncate(first_unexpected(violation))}'{where}"
    if violation.keyword == "required":
        return f"Missing required field '{first_missing(violation)}'{where}"
    if violation.keyword in {"minProperties", "maxProperties"}:
        return f"Exactly one member must be set{where or ' in the request'}"
    expected = _TYPE_NOUNS.get(str(violation.limit), f"of type {violation.limit}")
    if not path:
        return f"The request body must be {expected}"
    return f"Value at '{path}' must be {expected}"


def _constraints_message(violations: Sequence[Violation]) -> str:
    count = len(violations)
    listed = "; ".join(_constraint_message(v) for v in violations[:_MAX_LISTED_ERRORS])
    more = f"; ... and {count - _MAX_LISTED_ERRORS} more" if count > _MAX_LISTED_ERRORS else ""
    noun = "error" if count == 1 else "errors"
    return f"{count} validation {noun} detected: {listed}{more}"


_BOUND_RULES: Final = {
    "minLength": "Member must have length greater than or equal to",
    "maxLength": "Member must have length less than or equal to",
    "minItems": "Member must have length greater than or equal to",
    "maxItems": "Member must have length less than or equal to",
    "minimum": "Member must have value greater than or equal to",
    "maximum": "Member must have value less than or equal to",
}
# Length violations leave the value out: it is either empty or too long to be worth quoting.
_VALUE_HIDDEN_FOR: Final = frozenset({"minLength", "maxLength", "minItems", "maxItems"})


def _constraint_message(violation: Violation) -> str:
    value = (
        "" if violation.keyword in _VALUE_HIDDEN_FOR else f" '{_render_value(violation.instance)}'"
    )
    path = _aws_path(violation.path)
    return f"Value{value} at '{path}' failed to satisfy constraint: {_constraint_rule(violation)}"


def _constraint_rule(violation: Violation) -> str:
    keyword, limit = violation.keyword, violation.limit
    if keyword == "enum" and isinstance(limit, list):
        return f"Member must satisfy enum value set: [{', '.join(map(str, limit))}]"
    if keyword == "pattern":
        source = REGISTRY.schema_generator("input").original_pattern(str(limit))
        return f"Member must satisfy regular expression pattern: {source}"
    if keyword in _BOUND_RULES:
        return f"{_BOUND_RULES[keyword]} {_number_text(limit)}"
    return f"Member must satisfy {violation.detail}"


def _aws_path(path: Iterable[PathElement]) -> str:
    """AWS spells list elements 1-based with '.member': tags.1.member.key."""
    parts = [
        f"{element + 1}.member" if isinstance(element, int) else truncate(element)
        for element in path
    ]
    return ".".join(parts)


def _render_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int) and value.bit_length() > 128:
        return f"<{value.bit_length()}-bit integer>"  # str() of huge ints is slow or refused
    if isinstance(value, str):
        return truncate(value)
    try:
        return truncate(repr(value))
    except Exception:
        return f"<{type(value).__name__}>"


def _number_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)

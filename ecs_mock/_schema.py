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

import re
import sys
import threading
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Literal, cast

if TYPE_CHECKING:
    from botocore.model import ListShape, MapShape, ServiceModel, Shape, StringShape, StructureShape

    # jsonschema ships no type information (types-jsonschema is not a dependency).
    from jsonschema.exceptions import ValidationError  # type: ignore[import-untyped,unused-ignore]
    from jsonschema.protocols import Validator  # type: ignore[import-untyped,unused-ignore]

__all__ = [
    "ResponseSchemaError",
    "SchemaGenerator",
    "check_response",
    "known_operations",
    "request_violation",
    "translate_pattern",
]

Schema = dict[str, Any]
Direction = Literal["input", "output"]
FastValidator = Callable[[Any], Any]
PathElement = str | int

SERVICE_NAME: Final = "ecs"
API_VERSION: Final = "2014-11-13"

# fastjsonschema defaults to draft-07, where 1.0 counts as an integer; draft-04 keeps the Python
# type strict (int but not bool). Every keyword we emit means the same in draft-04 and 2020-12.
_FAST_DIALECT: Final = "http://json-schema.org/draft-04/schema#"

_TRUNCATE_AT: Final = 64
_MAX_LISTED_ERRORS: Final = 10
_MAX_DETAIL_REPR: Final = 120
_FALLBACK_MESSAGE: Final = (
    "1 validation error detected: the request parameters do not match the ECS model"
)

_STRUCTURAL_KEYWORDS: Final = frozenset(
    {"type", "additionalProperties", "required", "minProperties", "maxProperties"}
)
_TYPE_NOUNS: Final = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "a boolean",
    "array": "a list",
    "object": "an object",
}


class ResponseSchemaError(AssertionError):
    """A response ecs_mock produced does not match the ECS service model: a bug in ecs_mock."""


# --------------------------------------------------------------------------------------------
# Pattern translation
# --------------------------------------------------------------------------------------------

# Java-style Unicode general categories: \p{L}, \p{Lu}, \P{N}, ...
_UNICODE_PROPERTY: Final = re.compile(r"\\([pP])\{([A-Z][a-z]?)\}")
_CATEGORY_RANGES: dict[str, list[tuple[int, int]]] = {}
_category_lock = threading.Lock()


def _scan_categories() -> dict[str, list[tuple[int, int]]]:
    """Code-point ranges per two-letter general category, from the interpreter's Unicode data.

    Deriving the classes from ``unicodedata`` keeps them exact for whatever Unicode version the
    running Python ships, instead of a hand-written approximation such as ``\\w`` or ``\\s``.
    """
    ranges: dict[str, list[tuple[int, int]]] = {}
    start, current = 0, unicodedata.category("\0")
    for codepoint in range(1, sys.maxunicode + 1):
        category = unicodedata.category(chr(codepoint))
        if category != current:
            ranges.setdefault(current, []).append((start, codepoint - 1))
            start, current = codepoint, category
    ranges.setdefault(current, []).append((start, sys.maxunicode))
    return ranges


def _category_ranges(category: str) -> list[tuple[int, int]]:
    """Ranges for a general category; one letter means the union of its sub-categories."""
    with _category_lock:
        if not _CATEGORY_RANGES:
            _CATEGORY_RANGES.update(_scan_categories())
    picked = [r for name, rs in _CATEGORY_RANGES.items() if name.startswith(category) for r in rs]
    if not picked:
        raise ValueError(f"unknown Unicode general category {category!r}")
    return _merge_ranges(picked)


def _merge_ranges(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for low, high in sorted(ranges):
        if merged and low <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return merged


def _escape_codepoint(codepoint: int) -> str:
    return f"\\u{codepoint:04x}" if codepoint <= 0xFFFF else f"\\U{codepoint:08x}"


def _class_body(category: str) -> str:
    """The inside of a ``[...]`` set matching exactly the code points of ``category``."""
    parts = []
    for low, high in _category_ranges(category):
        parts.append(_escape_codepoint(low))
        if high != low:
            parts.append("-" + _escape_codepoint(high))
    return "".join(parts)


def translate_pattern(pattern: str) -> str:
    r"""Rewrite an AWS (Java regex) pattern for Python's ``re`` and anchor it as a full match.

    ``\p{X}`` / ``\P{X}`` become explicit code-point sets. AWS patterns must match the whole
    value, while JSON Schema's ``pattern`` is a search, hence the anchors; ``\Z`` rather than
    ``$`` because ``$`` would also accept a trailing newline.
    """
    out: list[str] = []
    index, in_set = 0, False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            match = _UNICODE_PROPERTY.match(pattern, index)
            if match is None:
                out.append(pattern[index : index + 2])
                index += 2
                continue
            negated, body = match.group(1) == "P", _class_body(match.group(2))
            if in_set and negated:
                raise ValueError(f"cannot translate a negated property inside a set: {pattern!r}")
            out.append(body if in_set else f"[{'^' if negated else ''}{body}]")
            index = match.end()
            continue
        if char == "[" and not in_set:
            in_set = True
            # A ']' straight after '[' or '[^' is a literal, not the end of the set.
            opening = re.match(r"\[\^?\]?", pattern[index:])
            assert opening is not None
            out.append(opening.group())
            index += len(opening.group())
            continue
        if char == "]" and in_set:
            in_set = False
        out.append(char)
        index += 1
    return f"^(?:{''.join(out)})\\Z"


# --------------------------------------------------------------------------------------------
# Schema generation
# --------------------------------------------------------------------------------------------


class SchemaGenerator:
    """Turns botocore shapes into self-contained JSON Schema dicts (no ``$ref``), memoised by name.

    The returned dicts are shared between every schema that uses the shape: treat them as
    read-only.
    """

    def __init__(self, model: ServiceModel) -> None:
        self._model = model
        self._memo: dict[str, Schema] = {}
        self._building: set[str] = set()
        self._pattern_sources: dict[str, str] = {}

    def for_operation(self, operation: str, direction: Direction) -> Schema:
        operation_model = self._model.operation_model(operation)
        shape = (
            operation_model.input_shape if direction == "input" else operation_model.output_shape
        )
        if shape is None:
            return {"type": "object", "properties": {}, "additionalProperties": False}
        return self.for_shape(shape)

    def original_pattern(self, translated: str) -> str:
        """The model's own spelling of a pattern, which is what AWS quotes in its errors."""
        return self._pattern_sources.get(translated, translated)

    def for_shape(self, shape: Shape) -> Schema:
        name = shape.name
        cached = self._memo.get(name)
        if cached is not None:
            return cached
        if name in self._building:
            # ECS has no recursive shapes today; should one appear, check it shallowly there
            # rather than recursing forever or needing $ref.
            return {"type": _json_type(shape)}
        self._building.add(name)
        try:
            schema = self._build(shape)
        finally:
            self._building.discard(name)
        self._memo[name] = schema
        return schema

    def _build(self, shape: Shape) -> Schema:
        builders: dict[str, Callable[[Shape], Schema]] = {
            "structure": self._structure,
            "list": self._list,
            "map": self._map,
            "string": self._string,
            "integer": _integer,
            "long": _integer,
            "double": _number,
            "float": _number,
            "boolean": lambda _shape: {"type": "boolean"},
            # epoch seconds on the wire (the JSON protocol's default timestamp format)
            "timestamp": lambda _shape: {"type": "number"},
            # base64 text on the wire
            "blob": lambda _shape: {"type": "string"},
        }
        builder = builders.get(shape.type_name)
        if builder is None:
            raise ValueError(f"shape {shape.name!r} has unsupported type {shape.type_name!r}")
        return builder(shape)

    def _structure(self, shape: Shape) -> Schema:
        if shape.metadata.get("document", False):
            return {}  # an arbitrary JSON document
        members: Mapping[str, Shape] = cast("StructureShape", shape).members
        schema: Schema = {
            "type": "object",
            "properties": {name: self.for_shape(member) for name, member in members.items()},
            "additionalProperties": False,
        }
        if shape.required_members:
            schema["required"] = list(shape.required_members)
        if shape.metadata.get("union", False):
            schema["minProperties"] = schema["maxProperties"] = 1  # exactly one member set
        return schema

    def _list(self, shape: Shape) -> Schema:
        member = cast("ListShape", shape).member
        schema: Schema = {"type": "array", "items": self.for_shape(member)}
        return _with_bounds(schema, shape, "minItems", "maxItems")

    def _map(self, shape: Shape) -> Schema:
        # Every ECS map is keyed by plain strings, and JSON object keys are strings anyway.
        value = cast("MapShape", shape).value
        return {"type": "object", "additionalProperties": self.for_shape(value)}

    def _string(self, shape: Shape) -> Schema:
        schema: Schema = {"type": "string"}
        enum: Sequence[str] = cast("StringShape", shape).enum
        if enum:
            schema["enum"] = list(enum)
        _with_bounds(schema, shape, "minLength", "maxLength")
        pattern = shape.metadata.get("pattern")
        if pattern is not None:
            translated = translate_pattern(pattern)
            self._pattern_sources[translated] = pattern
            schema["pattern"] = translated
        return schema


def _integer(shape: Shape) -> Schema:
    return _with_bounds({"type": "integer"}, shape, "minimum", "maximum")


def _number(shape: Shape) -> Schema:
    return _with_bounds({"type": "number"}, shape, "minimum", "maximum")


def _with_bounds(schema: Schema, shape: Shape, low_keyword: str, high_keyword: str) -> Schema:
    for model_key, keyword in (("min", low_keyword), ("max", high_keyword)):
        if model_key in shape.metadata:
            schema[keyword] = shape.metadata[model_key]
    return schema


def _json_type(shape: Shape) -> str:
    return {"structure": "object", "map": "object", "list": "array"}.get(shape.type_name, "string")


# --------------------------------------------------------------------------------------------
# Lazily built, cached state
# --------------------------------------------------------------------------------------------


def _strict_integer(_checker: object, instance: object) -> bool:
    # jsonschema's default also accepts 1.0; the model's integers are JSON integers.
    return isinstance(instance, int) and not isinstance(instance, bool)


class _Registry:
    """The model, the schema generator and both kinds of validator, each built on first use."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self.model: ServiceModel | None = None
        self.generator: SchemaGenerator | None = None
        self.operations: frozenset[str] | None = None
        self.validator_class: type[Validator] | None = None
        self.fast: dict[tuple[str, Direction], FastValidator] = {}
        self.slow: dict[tuple[str, Direction], Validator] = {}

    def is_empty(self) -> bool:
        return (
            self.model is None
            and self.generator is None
            and self.operations is None
            and self.validator_class is None
            and not self.fast
            and not self.slow
        )

    def known_operations(self) -> frozenset[str]:
        if self.operations is None:
            self.operations = frozenset(self._service_model().operation_names)
        return self.operations

    def schema(self, operation: str, direction: Direction) -> Schema:
        if operation not in self.known_operations():
            raise ValueError(f"{operation!r} is not an operation of the ECS model")
        return self.schema_generator().for_operation(operation, direction)

    def schema_generator(self) -> SchemaGenerator:
        with self._lock:
            if self.generator is None:
                self.generator = SchemaGenerator(self._service_model())
            return self.generator

    def fast_validator(self, key: tuple[str, Direction]) -> FastValidator:
        validate = self.fast.get(key)
        if validate is None:
            import fastjsonschema

            with self._lock:
                validate = self.fast.get(key)
                if validate is None:
                    schema = {"$schema": _FAST_DIALECT, **self.schema(*key)}
                    validate = fastjsonschema.compile(schema, use_default=False, use_formats=False)
                    self.fast[key] = validate
        return validate

    def slow_validator(self, key: tuple[str, Direction]) -> Validator:
        validator = self.slow.get(key)
        if validator is None:
            with self._lock:
                validator = self.slow.get(key)
                if validator is None:
                    validator = self._validator_class()(self.schema(*key))
                    self.slow[key] = validator
        return validator

    def _validator_class(self) -> type[Validator]:
        with self._lock:
            if self.validator_class is None:
                from jsonschema import (  # type: ignore[import-untyped,unused-ignore]
                    Draft202012Validator,
                    validators,
                )

                checker = Draft202012Validator.TYPE_CHECKER.redefine("integer", _strict_integer)
                self.validator_class = validators.extend(Draft202012Validator, type_checker=checker)
            return self.validator_class

    def _service_model(self) -> ServiceModel:
        with self._lock:
            if self.model is None:
                from botocore.loaders import Loader
                from botocore.model import ServiceModel

                raw = Loader().load_service_model(SERVICE_NAME, "service-2", API_VERSION)
                self.model = ServiceModel(raw, service_name=SERVICE_NAME)
            return self.model


_REGISTRY: Final = _Registry()


# --------------------------------------------------------------------------------------------
# Violations, from either validator
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Violation:
    """One failed keyword, whichever validator found it."""

    keyword: str
    schema: Mapping[str, Any]
    instance: Any
    path: tuple[PathElement, ...]
    detail: str  # the validator's own wording, shortened

    @property
    def is_structural(self) -> bool:
        return self.keyword in _STRUCTURAL_KEYWORDS

    @property
    def limit(self) -> Any:
        return self.schema.get(self.keyword)


def _from_jsonschema(error: ValidationError) -> _Violation:
    schema = error.schema if isinstance(error.schema, Mapping) else {}
    return _Violation(
        keyword=str(error.validator),
        schema=schema,
        instance=error.instance,
        path=tuple(error.absolute_path),
        detail=_shorten_detail(error.message, error.instance),
    )


def _from_fastjsonschema(exc: Exception, document: Any) -> _Violation:
    """Adapt fastjsonschema's report: used when jsonschema cannot (or does not) explain it."""
    definition = getattr(exc, "definition", None)
    return _Violation(
        keyword=str(getattr(exc, "rule", None) or "type"),
        schema=definition if isinstance(definition, Mapping) else {},
        instance=getattr(exc, "value", None),
        path=_resolve_fast_path(list(getattr(exc, "path", []))[1:], document),
        detail=_truncate(str(getattr(exc, "message", exc)), _MAX_DETAIL_REPR),
    )


def _resolve_fast_path(parts: Sequence[str], document: Any) -> tuple[PathElement, ...]:
    """fastjsonschema spells list indices as text; walk the document to tell them from keys."""
    resolved: list[PathElement] = []
    node = document
    for part in parts:
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            resolved.append(int(part))
            node = node[int(part)]
        else:
            resolved.append(part)
            node = node.get(part) if isinstance(node, Mapping) else None
    return tuple(resolved)


def _jsonschema_violations(validator: Validator, document: Any) -> Iterable[_Violation]:
    """jsonschema's errors in document order; stops quietly if jsonschema itself fails.

    jsonschema formats ``repr(instance)`` eagerly, which can raise on pathological values
    (very deep nesting, integers too long to print); the fastjsonschema report covers those.
    """
    errors = validator.iter_errors(document)
    while True:
        try:
            error = next(errors)
        except Exception:  # StopIteration included: either way there is nothing more to say
            return
        yield _from_jsonschema(error)


def _shorten_detail(message: str, instance: Any) -> str:
    try:
        shown = repr(instance)
    except Exception:
        return _truncate(message, _MAX_DETAIL_REPR)
    if len(shown) > _MAX_DETAIL_REPR:
        message = message.replace(shown, _truncate(shown, _TRUNCATE_AT))
    return message


def _truncate(text: str, limit: int = _TRUNCATE_AT) -> str:
    return text if len(text) <= limit else text[:limit] + "..."


def _first_unexpected(violation: _Violation) -> str:
    known = violation.schema.get("properties", {})
    instance = violation.instance if isinstance(violation.instance, Mapping) else {}
    return next((str(key) for key in instance if key not in known), "?")


def _first_missing(violation: _Violation) -> str:
    instance = violation.instance if isinstance(violation.instance, Mapping) else {}
    required = violation.schema.get("required", [])
    return next((str(name) for name in required if name not in instance), "?")


# --------------------------------------------------------------------------------------------
# Responses
# --------------------------------------------------------------------------------------------


def check_response(operation: str, body: Mapping[str, Any]) -> None:
    """Raise ``ResponseSchemaError`` unless ``body`` matches ``operation``'s output shape."""
    validate = _REGISTRY.fast.get((operation, "output"))
    if validate is None:
        try:
            validate = _REGISTRY.fast_validator((operation, "output"))
        except ValueError as exc:
            raise ResponseSchemaError(f"{operation} response: {exc}") from None
    try:
        validate(body)
    except ValueError as exc:  # fastjsonschema's JsonSchemaValueException is a ValueError
        raise _response_error(operation, body, exc) from None


def _response_error(operation: str, body: Any, fast_error: Exception) -> ResponseSchemaError:
    slow = _REGISTRY.slow_validator((operation, "output"))
    violation = next(iter(_jsonschema_violations(slow, body)), None)
    if violation is None:  # the validators disagree: trust the one that complained
        violation = _from_fastjsonschema(fast_error, body)
    path, detail = _json_path(violation.path), violation.detail
    if violation.keyword == "additionalProperties":
        path = _json_path((*violation.path, _first_unexpected(violation)))
    elif violation.keyword == "pattern":
        source = _REGISTRY.schema_generator().original_pattern(str(violation.limit))
        detail = f"{_truncate(repr(violation.instance))} does not match the model pattern {source}"
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
            text += f"[{_truncate(element)!r}]"
    return text


# --------------------------------------------------------------------------------------------
# Requests
# --------------------------------------------------------------------------------------------


def request_violation(operation: str, params: Mapping[str, Any]) -> str | None:
    """None when ``params`` fit ``operation``'s input shape, else one AWS-style message.

    Never raises for any ``params``; raises ``ValueError`` only for an operation the model does
    not have (dispatch on ``known_operations()`` first).
    """
    validate = _REGISTRY.fast.get((operation, "input")) or _REGISTRY.fast_validator(
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
        return _FALLBACK_MESSAGE


def _request_message(operation: str, params: Any, fast_error: Exception) -> str:
    slow = _REGISTRY.slow_validator((operation, "input"))
    constraints: list[_Violation] = []
    for violation in _jsonschema_violations(slow, params):
        if violation.is_structural:
            return _structural_message(violation)
        constraints.append(violation)
    if not constraints:  # jsonschema could not explain it: word fastjsonschema's finding
        fallback = _from_fastjsonschema(fast_error, params)
        if fallback.is_structural:
            return _structural_message(fallback)
        constraints.append(fallback)
    return _constraints_message(constraints)


def _structural_message(violation: _Violation) -> str:
    path = _aws_path(violation.path)
    where = f" at '{path}'" if path else ""
    if violation.keyword == "additionalProperties":
        return f"Unexpected field '{_truncate(_first_unexpected(violation))}'{where}"
    if violation.keyword == "required":
        return f"Missing required field '{_first_missing(violation)}'{where}"
    if violation.keyword in {"minProperties", "maxProperties"}:
        return f"Exactly one member must be set{where or ' in the request'}"
    expected = _TYPE_NOUNS.get(str(violation.limit), f"of type {violation.limit}")
    if not path:
        return f"The request body must be {expected}"
    return f"Value at '{path}' must be {expected}"


def _constraints_message(violations: Sequence[_Violation]) -> str:
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


def _constraint_message(violation: _Violation) -> str:
    value = (
        "" if violation.keyword in _VALUE_HIDDEN_FOR else f" '{_render_value(violation.instance)}'"
    )
    path = _aws_path(violation.path)
    return f"Value{value} at '{path}' failed to satisfy constraint: {_constraint_rule(violation)}"


def _constraint_rule(violation: _Violation) -> str:
    keyword, limit = violation.keyword, violation.limit
    if keyword == "enum" and isinstance(limit, list):
        return f"Member must satisfy enum value set: [{', '.join(map(str, limit))}]"
    if keyword == "pattern":
        source = _REGISTRY.schema_generator().original_pattern(str(limit))
        return f"Member must satisfy regular expression pattern: {source}"
    if keyword in _BOUND_RULES:
        return f"{_BOUND_RULES[keyword]} {_number_text(limit)}"
    return f"Member must satisfy {violation.detail}"


def _aws_path(path: Iterable[PathElement]) -> str:
    """AWS spells list elements 1-based with '.member': tags.1.member.key."""
    parts = [
        f"{element + 1}.member" if isinstance(element, int) else _truncate(element)
        for element in path
    ]
    return ".".join(parts)


def _render_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int) and value.bit_length() > 128:
        return f"<{value.bit_length()}-bit integer>"  # str() of huge ints is slow or refused
    if isinstance(value, str):
        return _truncate(value)
    try:
        return _truncate(repr(value))
    except Exception:
        return f"<{type(value).__name__}>"


def _number_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --------------------------------------------------------------------------------------------
# Catalogue
# --------------------------------------------------------------------------------------------


def known_operations() -> frozenset[str]:
    """Every operation name in the ECS model (loads the model on first call)."""
    return _REGISTRY.known_operations()

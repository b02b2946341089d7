"""botocore shapes turned into self-contained JSON Schema."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, cast

from .patterns import translate_pattern

if TYPE_CHECKING:
    from botocore.model import ListShape, MapShape, ServiceModel, Shape, StringShape, StructureShape

Schema = dict[str, Any]
Direction = Literal["input", "output"]


class SchemaGenerator:
    """Turns botocore shapes into self-contained JSON Schema dicts (no ``$ref``), memoised by name.

    The returned dicts are shared between every schema that uses the shape: treat them as
    read-only.
    """

    def __init__(
        self,
        model: ServiceModel,
        unbounded_lists: frozenset[str] = frozenset(),
        member_bounds: Mapping[tuple[str, str], Schema] | None = None,
    ) -> None:
        self._model = model
        # List shapes whose model maximum this schema does not enforce (see registry).
        self._unbounded_lists = unbounded_lists
        # (structure shape, member) -> bounds the API documents but the model lacks (registry).
        self._member_bounds = dict(member_bounds or {})
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
        properties = {name: self.for_shape(member) for name, member in members.items()}
        for name in properties:
            bounds = self._member_bounds.get((shape.name, name))
            if bounds is not None:  # a copy: the member's own schema is shared
                properties[name] = {**properties[name], **bounds}
        schema: Schema = {
            "type": "object",
            "properties": properties,
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
        _with_bounds(schema, shape, "minItems", "maxItems")
        if shape.name in self._unbounded_lists:
            schema.pop("maxItems", None)
        return schema

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


# AWS reads the model's integers as Java int and long. Mock decision: a request number beyond
# them is refused with the model-constraint wording ("Member must have value less than or equal
# to 2147483647"), not taken as a Python int of any size.
_INTEGER_RANGES = {"integer": (-(2**31), 2**31 - 1), "long": (-(2**63), 2**63 - 1)}


def _integer(shape: Shape) -> Schema:
    schema = _with_bounds({"type": "integer"}, shape, "minimum", "maximum")
    low, high = _INTEGER_RANGES[shape.type_name]
    schema.setdefault("minimum", low)
    schema.setdefault("maximum", high)
    return schema


def _number(shape: Shape) -> Schema:
    return _with_bounds({"type": "number"}, shape, "minimum", "maximum")


def _with_bounds(schema: Schema, shape: Shape, low_keyword: str, high_keyword: str) -> Schema:
    for model_key, keyword in (("min", low_keyword), ("max", high_keyword)):
        if model_key in shape.metadata:
            schema[keyword] = shape.metadata[model_key]
    return schema


def _json_type(shape: Shape) -> str:
    return {"structure": "object", "map": "object", "list": "array"}.get(shape.type_name, "string")

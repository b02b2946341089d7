"""Plain JSON to typed model values and back, driven by the models' own type hints.

Reading never calls anything named by the data: a value is only ever checked against the type
the model declares (str, int, float, bool, None, list, tuple, set, frozenset, dict, Any, or a
dataclass of ecs_mock's own, built field by field). Anything else is a `CodecError`.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from typing import Any, Union


class CodecError(ValueError):
    """A stored value does not have the type the model declares."""


@functools.cache
def hints(model: type) -> dict[str, Any]:
    """The resolved type of each field of a dataclass (models name some types only for type
    checking, to avoid import cycles: those are given here)."""
    from ..backend.service_models import Service

    return typing.get_type_hints(model, localns={"Service": Service})


def json_default(value: Any) -> Any:
    """For json.dumps: what plain JSON lacks in the models (tuples are written as lists by
    json itself): sets as sorted lists, dataclasses as objects of their fields."""
    if isinstance(value, set | frozenset):
        return sorted(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    raise TypeError(f"{type(value).__name__} values cannot be stored")


def from_json(kind: Any, value: Any, where: str) -> Any:
    """`value` (JSON data) as a value of type `kind`; CodecError naming `where` otherwise."""
    if kind is Any:
        return value
    origin = typing.get_origin(kind)
    if origin in (Union, types.UnionType):
        options = typing.get_args(kind)
        if value is None and type(None) in options:
            return None
        errors = []
        for option in options:
            if option is type(None):
                continue
            try:
                return from_json(option, value, where)
            except CodecError as error:
                errors.append(str(error))
        raise CodecError(errors[0] if len(errors) == 1 else f"{where}: unexpected {value!r}")
    if kind in (str, bool):
        if type(value) is not kind:
            raise CodecError(f"{where}: expected {kind.__name__}, got {_shown(value)}")
        return value
    if kind is int:
        if type(value) is not int:
            raise CodecError(f"{where}: expected an integer, got {_shown(value)}")
        return value
    if kind is float:
        if type(value) not in (int, float) or value != value or value in (_INF, -_INF):
            raise CodecError(f"{where}: expected a finite number, got {_shown(value)}")
        return value
    if kind is type(None):
        if value is not None:
            raise CodecError(f"{where}: expected null, got {_shown(value)}")
        return None
    if origin in (list, tuple, set, frozenset):
        if not isinstance(value, list):
            raise CodecError(f"{where}: expected a list, got {_shown(value)}")
        args = typing.get_args(kind)
        item = args[0] if args else Any
        if origin is tuple and args and not (len(args) == 2 and args[1] is Ellipsis):
            # A fixed-size tuple: (port, protocol), say.
            if len(value) != len(args):
                raise CodecError(f"{where}: expected {len(args)} items, got {_shown(value)}")
            return tuple(
                from_json(part, element, f"{where}[{n}]")
                for n, (part, element) in enumerate(zip(args, value, strict=True))
            )
        items = [from_json(item, element, f"{where}[{n}]") for n, element in enumerate(value)]
        return origin(items)
    if origin is dict or kind is dict:
        if not isinstance(value, dict):
            raise CodecError(f"{where}: expected an object, got {_shown(value)}")
        args = typing.get_args(kind)
        item = args[1] if args else Any
        return {key: from_json(item, element, f"{where}.{key}") for key, element in value.items()}
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        return build(kind, value, where)
    raise CodecError(f"{where}: the model type {kind!r} cannot be stored")


def build(model: type, value: Any, where: str) -> Any:
    """A dataclass of ecs_mock's own from an object of its fields (all of them, nothing else)."""
    if not isinstance(value, dict):
        raise CodecError(f"{where}: expected an object, got {_shown(value)}")
    fields = {f.name: f for f in dataclasses.fields(model)}
    unknown = set(value) - set(fields)
    if unknown:
        raise CodecError(f"{where}: unknown fields {sorted(unknown)}")
    missing = [name for name in fields if name not in value]
    if missing:
        raise CodecError(f"{where}: missing fields {missing}")
    types_of = hints(model)
    return model(
        **{name: from_json(types_of[name], value[name], f"{where}.{name}") for name in fields}
    )


def field_type(model: type, name: str) -> Any:
    return hints(model)[name]


_INF = float("inf")


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."

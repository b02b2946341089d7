"""One shape for a failed schema keyword, whichever validator (jsonschema or fastjsonschema)
found it, so that the wording code needs to understand only one."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError  # type: ignore[import-untyped,unused-ignore]
    from jsonschema.protocols import Validator  # type: ignore[import-untyped,unused-ignore]

PathElement = str | int

_TRUNCATE_AT: Final = 64
_MAX_DETAIL_REPR: Final = 120
_STRUCTURAL_KEYWORDS: Final = frozenset(
    {"type", "additionalProperties", "required", "minProperties", "maxProperties"}
)


@dataclass(frozen=True)
class Violation:
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


def _from_jsonschema(error: ValidationError) -> Violation:
    schema = error.schema if isinstance(error.schema, Mapping) else {}
    return Violation(
        keyword=str(error.validator),
        schema=schema,
        instance=error.instance,
        path=tuple(error.absolute_path),
        detail=_shorten_detail(error.message, error.instance),
    )


def from_fastjsonschema(exc: Exception, document: Any) -> Violation:
    """Adapt fastjsonschema's report: used when jsonschema cannot (or does not) explain it."""
    definition = getattr(exc, "definition", None)
    return Violation(
        keyword=str(getattr(exc, "rule", None) or "type"),
        schema=definition if isinstance(definition, Mapping) else {},
        instance=getattr(exc, "value", None),
        path=_resolve_fast_path(list(getattr(exc, "path", []))[1:], document),
        detail=truncate(str(getattr(exc, "message", exc)), _MAX_DETAIL_REPR),
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


def jsonschema_violations(validator: Validator, document: Any) -> Iterable[Violation]:
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
        return truncate(message, _MAX_DETAIL_REPR)
    if len(shown) > _MAX_DETAIL_REPR:
        message = message.replace(shown, truncate(shown, _TRUNCATE_AT))
    return message


def truncate(text: str, limit: int = _TRUNCATE_AT) -> str:
    return text if len(text) <= limit else text[:limit] + "..."


def first_unexpected(violation: Violation) -> str:
    known = violation.schema.get("properties", {})
    instance = violation.instance if isinstance(violation.instance, Mapping) else {}
    return next((str(key) for key in instance if key not in known), "?")


def first_missing(violation: Violation) -> str:
    instance = violation.instance if isinstance(violation.instance, Mapping) else {}
    required = violation.schema.get("required", [])
    return next((str(name) for name in required if name not in instance), "?")

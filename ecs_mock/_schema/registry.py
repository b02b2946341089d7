"""The ECS model, its schemas and both kinds of validator: built on first use, then cached."""

from __future__ import annotations

import re
import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

from .generator import Direction, Schema, SchemaGenerator

if TYPE_CHECKING:
    from botocore.model import ServiceModel, Shape

    # jsonschema ships no type information (types-jsonschema is not a dependency).
    from jsonschema.protocols import Validator  # type: ignore[import-untyped,unused-ignore]

FastValidator = Callable[[Any], Any]
Gate = Callable[[Any], bool]

SERVICE_NAME: Final = "ecs"
API_VERSION: Final = "2014-11-13"

# fastjsonschema defaults to draft-07, where 1.0 counts as an integer; draft-04 keeps the Python
# type strict (int but not bool). Every keyword we emit means the same in draft-04 and 2020-12.
_FAST_DIALECT: Final = "http://json-schema.org/draft-04/schema#"

# `aws:` tags do not count towards a resource's 50 (DG ecs-using-tags.md), so a response may
# carry 50 user tags plus managed ones such as aws:ecs:clusterName; requests keep the limit.
_OUTPUT_UNBOUNDED_LISTS: Final = frozenset({"Tags"})
# Ranges the API reference documents but the model does not carry: refused with the model
# constraints' wording ("Member must have value greater than or equal to 0"), before any state
# is read. healthCheckGracePeriodSeconds: "valid range 0-2147483647" (API CreateService,
# UpdateService); the top is the Java int's.
_INPUT_MEMBER_BOUNDS: Final = {
    (request, "healthCheckGracePeriodSeconds"): {"minimum": 0}
    for request in ("CreateServiceRequest", "UpdateServiceRequest")
}


def _strict_integer(_checker: object, instance: object) -> bool:
    # jsonschema's default also accepts 1.0; the model's integers are JSON integers.
    return isinstance(instance, int) and not isinstance(instance, bool)


class Registry:
    """The model, the schema generator and both kinds of validator, each built on first use."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self.model: ServiceModel | None = None
        self.generators: dict[Direction, SchemaGenerator] = {}
        self.operations: frozenset[str] | None = None
        self.members: dict[str, frozenset[str]] = {}  # structure shape -> member names
        self.settings: tuple[frozenset[str], bool] | None = None
        self.validator_class: type[Validator] | None = None
        self.fast: dict[tuple[str, Direction], FastValidator] = {}
        self.detailed: dict[tuple[str, Direction], FastValidator] = {}
        self._lean = _LeanSchemas()
        self.slow: dict[tuple[str, Direction], Validator] = {}
        self.gates: dict[tuple[str, Direction], Gate | None] = {}

    def is_empty(self) -> bool:
        return (
            self.model is None
            and not self.generators
            and self.operations is None
            and self.settings is None
            and self.validator_class is None
            and not self.fast
            and not self.detailed
            and not self.slow
        )

    def shape_members(self, shape: str) -> frozenset[str]:
        """The member names of a structure shape of the installed model (none if it has no
        such shape)."""
        found = self.members.get(shape)
        if found is None:
            model = self._service_model()
            found = frozenset()
            if shape in model.shape_names:
                found = frozenset(getattr(model.shape_for(shape), "members", {}))
            self.members[shape] = found
        return found

    def known_operations(self) -> frozenset[str]:
        if self.operations is None:
            self.operations = frozenset(self._service_model().operation_names)
        return self.operations

    def setting_facts(self) -> tuple[frozenset[str], bool]:
        if self.settings is None:
            model = self._service_model()
            names = frozenset(model.shape_for("SettingName").enum)  # type: ignore[attr-defined]
            members = model.shape_for("Setting").members  # type: ignore[attr-defined]
            self.settings = (names, "type" in members)
        return self.settings

    def schema(self, operation: str, direction: Direction) -> Schema:
        if operation not in self.known_operations():
            raise ValueError(f"{operation!r} is not an operation of the ECS model")
        return self.schema_generator(direction).for_operation(operation, direction)

    def schema_generator(self, direction: Direction) -> SchemaGenerator:
        with self._lock:
            generator = self.generators.get(direction)
            if generator is None:
                if direction == "output":
                    generator = SchemaGenerator(self._service_model(), _OUTPUT_UNBOUNDED_LISTS)
                else:
                    generator = SchemaGenerator(
                        self._service_model(), member_bounds=_INPUT_MEMBER_BOUNDS
                    )
                self.generators[direction] = generator
            return generator

    def fast_validator(self, key: tuple[str, Direction]) -> FastValidator:
        """The compiled check for the hot path: lean exceptions, patterns as named formats.

        fastjsonschema writes the whole regular expression (and, with detailed exceptions, the
        definition of every enclosing schema) into each check it generates; the tag pattern's
        Unicode classes are ~12 KB, so a response validator came to ~1 MB of Python source and
        ~50 ms to compile. Calling the same compiled pattern through a format keeps the check
        identical and the source small. What went wrong is worded by jsonschema, or by
        ``detailed_validator`` when jsonschema cannot explain it.
        """
        validate = self.fast.get(key)
        if validate is None:
            with self._lock:
                validate = self.fast.get(key)
                if validate is None:
                    validate = self._compile(key, detailed=False)
                    self.fast[key] = validate
        return validate

    def gate(self, key: tuple[str, Direction]) -> Gate | None:
        """jsonschema-rs's yes-or-no check of the same lean schema (patterns through the same
        named formats): a compiled Rust validator, ~5x faster than fastjsonschema's. Only its
        "valid" is final; a document it refuses goes on to the fastjsonschema check, which
        decides (jsonschema-rs is the stricter of the two: no NaN, no integer beyond 64 bits)
        and words the problem. None where jsonschema-rs cannot take the schema."""
        if key in self.gates:  # None too: no gate for it
            return self.gates[key]
        return self._compiled_gate(key, lambda: self._operation_schema(key))

    def shape_gate(self, shape: str) -> Gate | None:
        """`gate` for one output structure shape (``Task``)."""
        key: tuple[str, Direction] = (f"shape:{shape}", "output")
        if key in self.gates:  # None too: no gate for it
            return self.gates[key]
        return self._compiled_gate(
            key,
            lambda: self.schema_generator("output").for_shape(
                self._service_model().shape_for(shape)
            ),
        )

    def _operation_schema(self, key: tuple[str, Direction]) -> Schema | None:
        try:
            return self.schema(*key)
        except ValueError:  # not an operation of the model: the full check says so
            return None

    def _compiled_gate(
        self, key: tuple[str, Direction], schema_of: Callable[[], Schema | None]
    ) -> Gate | None:
        """Compile (once, under the lock) and keep the gate for `key` from `schema_of()`."""
        with self._lock:
            if key not in self.gates:
                schema = schema_of()
                self.gates[key] = None if schema is None else self._compile_gate(schema)
            return self.gates[key]

    def _compile_gate(self, original: Schema) -> Gate | None:
        try:
            import jsonschema_rs

            lean = self._lean.rewrite({"$schema": _FAST_DIALECT, **original})
            compiled = jsonschema_rs.Draft4Validator(
                lean,
                formats=dict(self._lean.formats),
                validate_formats=True,
                ignore_unknown_formats=False,
            )
        except Exception:  # not installed, too old, or a schema it cannot take: no gate
            return None
        check = compiled.is_valid

        def passes(document: Any) -> bool:
            try:
                return check(document)
            except Exception:  # a value it cannot read (a lone surrogate, ...): undecided
                return False

        return passes

    def detailed_validator(self, key: tuple[str, Direction]) -> FastValidator:
        """fastjsonschema with its full exceptions (rule, definition, value): error paths only."""
        with self._lock:
            validate = self.detailed.get(key)
            if validate is None:
                validate = self.detailed[key] = self._compile(key, detailed=True)
            return validate

    def detailed_error(
        self, key: tuple[str, Direction], document: Any, lean: Exception
    ) -> Exception:
        """The detailed validator's exception for `document`, or `lean` if it raises none."""
        try:
            self.detailed_validator(key)(document)
        except Exception as exc:  # hostile input may break it in other ways too
            return exc
        return lean

    def shape_validator(self, shape: str) -> FastValidator:
        """The lean compiled check of one output structure shape (``Task``), the same check
        the operations' validators apply to it where it is nested."""
        key: tuple[str, Direction] = (f"shape:{shape}", "output")
        validate = self.fast.get(key)
        if validate is None:
            with self._lock:
                validate = self.fast.get(key)
                if validate is None:
                    model_shape = self._service_model().shape_for(shape)
                    schema = self.schema_generator("output").for_shape(model_shape)
                    validate = self.fast[key] = self._compile_schema(schema, detailed=False)
        return validate

    def _compile(self, key: tuple[str, Direction], detailed: bool) -> FastValidator:
        return self._compile_schema(self.schema(*key), detailed)

    def _compile_schema(self, original: Schema, detailed: bool) -> FastValidator:
        import fastjsonschema

        schema: Schema = {"$schema": _FAST_DIALECT, **original}
        formats: dict[str, Callable[[str], bool]] = {}
        if not detailed:
            schema = self._lean.rewrite(schema)
            formats = self._lean.formats
        validate: FastValidator = fastjsonschema.compile(
            schema,
            formats=formats,
            use_default=False,
            use_formats=not detailed,
            detailed_exceptions=detailed,
        )
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

    def output_shape(self, operation: str) -> Shape | None:
        if operation not in self.known_operations():
            return None
        return self._service_model().operation_model(operation).output_shape

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
                from botocore.model import ServiceModel

                raw = _model_loader().load_service_model(SERVICE_NAME, "service-2", API_VERSION)
                self.model = ServiceModel(raw, service_name=SERVICE_NAME)
            return self.model


def _model_loader() -> Any:
    """boto3's default session's loader when there is one: its cache already holds the ECS model
    once any `boto3.client("ecs")` was made, so reading it costs nothing; else a fresh loader."""
    boto3 = sys.modules.get("boto3")
    session = getattr(boto3, "DEFAULT_SESSION", None)
    loader = None
    if session is not None:
        loader = session._session.get_component("data_loader")
    if loader is None:
        from botocore.loaders import Loader

        loader = Loader()
    return loader


class _LeanSchemas:
    """Schemas for the lean validators: each `pattern` becomes a short-named format checked by
    the same regular expression (`re.search`, as the `pattern` keyword does).

    Shapes are shared between operations (Tags, Container, ...), so each schema node is
    rewritten once per process; the original is kept beside its copy, so that its id is never
    reused for another node while the memo lives."""

    def __init__(self) -> None:
        self.formats: dict[str, Callable[[str], bool]] = {}
        self._names: dict[str, str] = {}
        self._memo: dict[int, tuple[Any, Any]] = {}

    def rewrite(self, node: Any) -> Any:
        if isinstance(node, list):
            return [self.rewrite(item) for item in node]
        if not isinstance(node, dict):
            return node
        memo = self._memo.get(id(node))
        if memo is not None:
            return memo[1]
        copied = {}
        for keyword, value in node.items():
            if keyword == "pattern" and isinstance(value, str):
                copied["format"] = self._format_for(value)
            else:
                copied[keyword] = self.rewrite(value)
        self._memo[id(node)] = (node, copied)
        return copied

    def _format_for(self, pattern: str) -> str:
        name = self._names.get(pattern)
        if name is None:
            # never one of fastjsonschema's own format names (date, email, ...)
            name = self._names[pattern] = f"ecs-mock-pattern-{len(self._names)}"
            self.formats[name] = _matcher(re.compile(pattern))
        return name


def _matcher(compiled: re.Pattern[str]) -> Callable[[str], bool]:
    search = compiled.search
    return lambda text: search(text) is not None


REGISTRY: Final = Registry()

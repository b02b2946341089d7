"""The ECS model, its schemas and both kinds of validator: built on first use, then cached."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

from .generator import Direction, Schema, SchemaGenerator

if TYPE_CHECKING:
    from botocore.model import ServiceModel

    # jsonschema ships no type information (types-jsonschema is not a dependency).
    from jsonschema.protocols import Validator  # type: ignore[import-untyped,unused-ignore]

FastValidator = Callable[[Any], Any]

SERVICE_NAME: Final = "ecs"
API_VERSION: Final = "2014-11-13"

# fastjsonschema defaults to draft-07, where 1.0 counts as an integer; draft-04 keeps the Python
# type strict (int but not bool). Every keyword we emit means the same in draft-04 and 2020-12.
_FAST_DIALECT: Final = "http://json-schema.org/draft-04/schema#"

# `aws:` tags do not count towards a resource's 50 (DG ecs-using-tags.md), so a response may
# carry 50 user tags plus managed ones such as aws:ecs:clusterName; requests keep the limit.
_OUTPUT_UNBOUNDED_LISTS: Final = frozenset({"Tags"})


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
        self.settings: tuple[frozenset[str], bool] | None = None
        self.validator_class: type[Validator] | None = None
        self.fast: dict[tuple[str, Direction], FastValidator] = {}
        self.slow: dict[tuple[str, Direction], Validator] = {}

    def is_empty(self) -> bool:
        return (
            self.model is None
            and not self.generators
            and self.operations is None
            and self.settings is None
            and self.validator_class is None
            and not self.fast
            and not self.slow
        )

    def known_operations(self) -> frozenset[str]:
        if self.operations is None:
            self.operations = frozenset(self._service_model().operation_names)
        return self.operations

    def setting_facts(self) -> tuple[frozenset[str], bool]:
        if self.settings is None:
            model = self._service_model()
            names = frozenset(model.shape_for("SettingName").enum)
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
                unbounded = _OUTPUT_UNBOUNDED_LISTS if direction == "output" else frozenset()
                generator = SchemaGenerator(self._service_model(), unbounded)
                self.generators[direction] = generator
            return generator

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


REGISTRY: Final = Registry()

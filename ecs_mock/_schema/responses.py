"""The response check: every body ecs_mock sends must match the operation's output shape."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from typing import Any, Final

import orjson

from .compat import fit_to_model
from .generator import Direction
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


# Answers that list tasks a caller reads again and again (waiters poll DescribeTasks): each task
# is checked once for as long as its content stays the same. Keyed by ARN, the content compared
# as its JSON (orjson: equal content in the same order gives equal bytes; 1 and 1.0 and true
# differ). Equal bytes mean a document the Task check already passed, so the cache can only skip
# a check that would pass again; process-wide and bounded (FIFO). orjson writes both NaN and
# None as `null`: content with `null` in it is always checked.
_REREAD_OPERATIONS: Final = frozenset({"DescribeTasks"})
_CHECKED_TASKS_LIMIT: Final = 4096
_checked_tasks: dict[str, bytes] = {}
_checked_lock = threading.Lock()


def check_response(operation: str, body: Mapping[str, Any]) -> None:
    """Raise ``ResponseSchemaError`` unless ``body`` matches ``operation``'s output shape."""
    if operation in _REREAD_OPERATIONS and _tasks_pass(operation, body):
        return
    if _passes_gate((operation, "output"), body):
        return
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


def _tasks_pass(operation: str, body: Mapping[str, Any]) -> bool:
    """True when ``body`` passes: the answer with its task list emptied, then each task not
    already checked with this content. False (undecided) sends the whole body through the full
    check, which words any violation."""
    tasks = body.get("tasks")
    if not isinstance(tasks, list) or not tasks:
        return False
    try:
        rest = {**body, "tasks": []}
        if not _passes_gate((operation, "output"), rest):
            REGISTRY.fast_validator((operation, "output"))(rest)
        fresh: list[tuple[str, bytes]] = []
        for task in tasks:
            arn = task.get("taskArn") if isinstance(task, dict) else None
            if not isinstance(arn, str):
                return False
            content = orjson.dumps(task)
            if b"null" in content:
                _check_task(task)
            elif _checked_tasks.get(arn) != content:
                _check_task(task)
                fresh.append((arn, content))
    except (ValueError, TypeError):  # a violation (fastjsonschema's is a ValueError), or no JSON
        return False
    if fresh:
        with _checked_lock:
            for arn, content in fresh:
                _checked_tasks.pop(arn, None)
                while len(_checked_tasks) >= _CHECKED_TASKS_LIMIT:
                    del _checked_tasks[next(iter(_checked_tasks))]
                _checked_tasks[arn] = content
    return True


def _passes_gate(key: tuple[str, Direction], body: Any) -> bool:
    """jsonschema-rs's quick yes (registry.gate): True is final, False leaves it undecided."""
    gate = REGISTRY.gate(key)
    return gate is not None and gate(body)


def _check_task(task: Any) -> None:
    """One task against the model's `Task` shape: raises ValueError when it does not fit."""
    gate = REGISTRY.shape_gate("Task")
    if gate is None or not gate(task):
        REGISTRY.shape_validator("Task")(task)


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

"""Assertions on the call log, in the style of unittest.mock (and responses/respx).

They look at the application's calls only (`source == "client"`): what the code under test
sent through boto3/botocore (or HTTP), not what setup shortcuts did. Parameters match as a
subset: every keyword given must be in the call's parameters with an equal value (nested
values compare whole; `unittest.mock.ANY` matches anything).
"""

from __future__ import annotations

import reprlib
from typing import Any

from . import _schema
from .controls import Call, Controls

_SHOWN = 10  # calls listed in a failure message
_repr = reprlib.Repr()
_repr.maxstring = 80
_repr.maxother = 80
_repr.maxlist = _repr.maxdict = 8
_repr.maxlevel = 4


class CallAssertions:
    """Mixed into the mock object (and the server's view): reads `_log()`.

    Mock decision: only the application's calls count, and `assert_called_with` checks the
    most recent call, as unittest.mock's does."""

    def _log(self) -> Controls:  # provided by the mock
        raise NotImplementedError

    def call_count(self, operation: str) -> int:
        """How many requests for `operation` the application made (every attempt of a retried
        call counts), including any the bounded log has dropped."""
        _check_operation(operation)
        return self._log().count["client", operation]

    def assert_called_with(self, operation: str, /, **params: Any) -> Call:
        """The application's most recent `operation` call had these parameters (a subset);
        returns that call."""
        calls = self._client_calls(operation)
        if not calls or not _matches(calls[-1], params):
            raise AssertionError(
                self._failure(
                    operation,
                    f"the last {operation} call to include {_shown(params)}",
                    calls,
                    params,
                )
            )
        return calls[-1]

    def assert_called_once_with(self, operation: str, /, **params: Any) -> Call:
        """The application called `operation` exactly once, with these parameters (a subset)."""
        calls = self._client_calls(operation)
        if self.call_count(operation) != 1 or not _matches(calls[0], params):
            wanted = f"exactly one {operation} call, including {_shown(params)}"
            raise AssertionError(self._failure(operation, wanted, calls, params))
        return calls[0]

    def assert_any_call(self, operation: str, /, **params: Any) -> Call:
        """Some `operation` call of the application had these parameters (a subset); returns
        the most recent such call."""
        calls = self._client_calls(operation)
        for call in reversed(calls):
            if _matches(call, params):
                return call
        raise AssertionError(
            self._failure(
                operation, f"a {operation} call including {_shown(params)}", calls, params
            )
        )

    def assert_not_called(self, operation: str) -> None:
        """The application never called `operation`."""
        if self.call_count(operation):
            raise AssertionError(
                self._failure(operation, f"no {operation} call", self._client_calls(operation), {})
            )

    def _client_calls(self, operation: str) -> list[Call]:
        _check_operation(operation)
        return [
            c for c in self._log().recorded() if c.operation == operation and c.source == "client"
        ]

    def _failure(
        self, operation: str, wanted: str, calls: list[Call], params: dict[str, Any]
    ) -> str:
        log = self._log()
        total = log.count["client", operation]
        lines = [f"Expected {wanted}."]
        if not total:
            lines.append(f"The application made no {operation} call.")
        else:
            lines.append(f"The application's {operation} calls: {total}; the last kept:")
            if len(calls) > _SHOWN:
                lines.append(f"  ... {len(calls) - _SHOWN} earlier ones not shown")
            lines.extend(f"  {_describe(call, params)}" for call in calls[-_SHOWN:])
        if log.dropped:
            lines.append(
                f"({log.dropped} older calls were dropped to keep the call log within "
                f"{log.max_bytes:,} bytes; call_count still counts them.)"
            )
        shortcuts = sum(n for (source, _), n in log.count.items() if source == "shortcut")
        if shortcuts:
            lines.append(
                f"({shortcuts} calls made by setup shortcuts are not counted; see `.calls`.)"
            )
        return "\n".join(lines)


def _check_operation(operation: str) -> None:
    if operation not in _schema.known_operations():
        raise ValueError(f"{operation!r} is not an ECS operation (use e.g. 'StartTask')")


def _matches(call: Call, wanted: dict[str, Any]) -> bool:
    params = call.params
    return all(name in params and value == params[name] for name, value in wanted.items())


def _shown(params: dict[str, Any]) -> str:
    if not params:
        return "any parameters"
    return ", ".join(f"{name}={_repr.repr(value)}" for name, value in params.items())


def _describe(call: Call, wanted: dict[str, Any]) -> str:
    outcome = "ok" if call.ok else f"{call.error_code}: {_repr.repr(call.error_message)}"
    differs = [name for name in wanted if not _matches(call, {name: wanted[name]})]
    marks = f" (differs in {', '.join(differs)})" if differs else ""
    if call.truncated:
        marks += " (truncated: over 64 KiB)"
    return f"{_repr.repr(call.params)} -> {call.status} {outcome}{marks}"

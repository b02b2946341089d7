"""What each cluster query language condition means: `condition_test(...)` turns a parsed
`subject operator argument` into a predicate over a QuerySubject, refusing arguments the
subject cannot compare with. The grammar is in query.py; this module holds the semantics.

Documented (developer guide, cluster-query-language): the subjects and their operators, the
registeredAt date formats, Java regular expressions for `=~`/`!~`, argument lists for `in`.
Everything else here is inferred and marked "Mock decision".
"""

from __future__ import annotations

import datetime
import decimal
import re
from collections.abc import Callable, Collection, Sequence
from typing import Protocol

from . import java_regex

Value = tuple[str, int]  # an argument value and its position in the expression
Test = Callable[["QuerySubject"], bool]
Check = Callable[[str], bool]

_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")
_VERSION = re.compile(r"[0-9]+(\.[0-9]+)*")
_COUNT = re.compile(r"[0-9]+")
_DATE = re.compile(
    r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})"
    r"(T(?P<hour>[0-9]{2}):(?P<minute>[0-9]{2}):(?P<second>[0-9]{2})"
    r"(?P<zone>Z|(?P<sign>[+-])(?P<zh>[0-9]{2}):(?P<zm>[0-9]{2}))?)?"
)
NEGATIONS = {"!=": "==", "!in": "in", "!~": "=~", "!exists": "exists"}


class QueryError(ValueError):
    """A malformed expression. `message` names the problem and its `position` (0-based)."""

    def __init__(self, problem: str, position: int) -> None:
        self.problem = problem
        self.position = position
        self.message = f"Invalid expression at position {position}: {problem}."
        super().__init__(self.message)


class QuerySubject(Protocol):
    """What an expression may ask of a container instance.

    `attribute(name)`: the attribute's value, None when it is absent or has no value;
    `has_attribute(name)`: whether it is present, with or without a value.
    `registered_at`: epoch seconds. `running_tasks_count`: its RUNNING tasks (the instance's
    `runningTasksCount`). `agent_version`: the agent's version, e.g. "1.88.0".
    `task_groups`: the groups of its tasks that are not STOPPED (repeats allowed).
    """

    def attribute(self, name: str) -> str | None: ...

    def has_attribute(self, name: str) -> bool: ...

    @property
    def ec2_instance_id(self) -> str: ...

    @property
    def registered_at(self) -> float: ...

    @property
    def running_tasks_count(self) -> int: ...

    @property
    def agent_connected(self) -> bool: ...

    @property
    def agent_version(self) -> str: ...

    @property
    def task_groups(self) -> Collection[str]: ...


def condition_test(subject: str, name: str | None, operator: str, values: Sequence[Value]) -> Test:
    """The predicate for one condition; `operator` is canonical and allowed for `subject`."""
    if subject == "attribute":
        assert name is not None
        return _attribute_test(name, operator, values)
    if subject == "task:group":
        return _group_test(operator, values)
    if subject == "ec2InstanceId":
        check = _string_check(operator, values)
        return lambda s: check(s.ec2_instance_id)
    if subject == "agentConnected":
        if operator not in ("=~", "!~"):
            # Mock decision: only the two words the API shows (agentConnected: true/false).
            for text, position in values:
                if text not in ("true", "false"):
                    raise QueryError(
                        f"agentConnected compares with true or false, not '{text}'", position
                    )
        check = _string_check(operator, values)
        return lambda s: check("true" if s.agent_connected else "false")
    if subject == "agentVersion":
        return _version_test(operator, values[0])
    if subject == "registeredAt":
        return _time_test(operator, values[0])
    return _count_test(operator, values[0])


def _attribute_test(name: str, operator: str, values: Sequence[Value]) -> Test:
    if operator == "exists":
        return lambda s: s.has_attribute(name)
    if operator == "!exists":
        return lambda s: not s.has_attribute(name)
    if operator in NEGATIONS:
        # Mock decision (inferred): a missing attribute, or one without a value, fails every
        # comparison, so the negated operators (!=, !in, !~) hold for it.
        positive = _string_check(NEGATIONS[operator], values)

        def negative(s: QuerySubject) -> bool:
            value = s.attribute(name)
            return value is None or not positive(value)

        return negative
    check = _string_check(operator, values)

    def test(s: QuerySubject) -> bool:
        value = s.attribute(name)
        return value is not None and check(value)

    return test


def _group_test(operator: str, values: Sequence[Value]) -> Test:
    # Mock decision: task:group is many-valued, so every comparison asks whether SOME task on
    # the instance (not STOPPED) has a group that satisfies it: `task:group != db` holds on an
    # instance running any task outside `db`, and an empty instance satisfies no comparison.
    # That is why the documented anti-affinity example is `not(task:group == database)`.
    # `exists`: the instance runs any task; `!exists`: it runs none.
    if operator == "exists":
        return lambda s: bool(s.task_groups)
    if operator == "!exists":
        return lambda s: not s.task_groups
    check = _string_check(operator, values)
    return lambda s: any(check(group) for group in s.task_groups)


def _string_check(operator: str, values: Sequence[Value]) -> Check:
    """A check of one string value: equality, lists, patterns, and ordering."""
    if operator in ("=~", "!~"):
        text, position = values[0]
        try:
            pattern = java_regex.compile_pattern(text)
        except java_regex.PatternError as error:
            raise QueryError(
                f"the pattern '{text}' cannot be used: {error.message}", position
            ) from None
        if operator == "=~":
            return pattern.fullmatch  # the whole value must match (inferred: `t2.*`)
        return lambda value: not pattern.fullmatch(value)
    argument = values[0][0]
    if operator == "==":
        return lambda value: value == argument
    if operator == "!=":
        return lambda value: value != argument
    if operator in ("in", "!in"):
        listed = frozenset(text for text, _ in values)
        if operator == "in":
            return lambda value: value in listed
        return lambda value: value not in listed
    return lambda value: _holds(operator, _compare(value, argument))


def _compare(left: str, right: str) -> int:
    # Mock decision: attribute values and task groups are ordered as numbers when both sides
    # are decimal numbers (`attribute:cores > 4`), otherwise as strings by code point.
    if _NUMBER.fullmatch(left) and _NUMBER.fullmatch(right):
        a, b = decimal.Decimal(left), decimal.Decimal(right)
    else:
        return (left > right) - (left < right)
    return (a > b) - (a < b)


def _holds(operator: str, order: int) -> bool:
    return {
        "==": order == 0,
        "!=": order != 0,
        ">": order > 0,
        ">=": order >= 0,
        "<": order < 0,
        "<=": order <= 0,
    }[operator]


def _version(text: str) -> tuple[int, ...] | None:
    if not _VERSION.fullmatch(text):
        return None
    parts = [int(part) for part in text.split(".")]
    while len(parts) > 1 and parts[-1] == 0:  # Mock decision: 1.14 == 1.14.0
        parts.pop()
    return tuple(parts)


def _version_test(operator: str, value: Value) -> Test:
    text, position = value
    wanted = _version(text)
    if wanted is None:
        raise QueryError(
            f"agentVersion compares with a version such as 1.14.5, not '{text}'", position
        )

    def test(s: QuerySubject) -> bool:
        # Mock decision: an agent version that is not dotted numbers compares with nothing:
        # only != holds for it.
        have = _version(s.agent_version)
        if have is None:
            return operator == "!="
        return _holds(operator, (have > wanted) - (have < wanted))

    return test


def _instant(text: str, position: int) -> tuple[float, float]:
    """The interval [start, end) that a registeredAt argument names, in epoch seconds."""
    match = _DATE.fullmatch(text)
    if match is None:
        raise QueryError(
            f"registeredAt compares with a date such as 2018-06-18, 2018-06-18T22:28:28, "
            f"2018-06-18T22:28:28Z or 2018-06-18T22:28:28+00:00, not '{text}'",
            position,
        )
    parts = match.groupdict()
    # Mock decision: a time without a zone is UTC; any +hh:mm / -hh:mm offset is accepted
    # (the documented example shows +00:00).
    zone = datetime.timezone.utc
    try:
        if parts["sign"]:
            offset = datetime.timedelta(hours=int(parts["zh"]), minutes=int(parts["zm"]))
            if int(parts["zm"]) > 59:
                raise ValueError("minutes")
            zone = datetime.timezone(offset if parts["sign"] == "+" else -offset)
        moment = datetime.datetime(
            int(parts["year"]),
            int(parts["month"]),
            int(parts["day"]),
            int(parts["hour"] or 0),
            int(parts["minute"] or 0),
            int(parts["second"] or 0),
            tzinfo=zone,
        )
        start = moment.timestamp()
    except (ValueError, OverflowError):
        raise QueryError(f"'{text}' is not a valid date and time", position) from None
    # Mock decision: an argument stands for its whole second (or whole day when it has no
    # time), so `registeredAt == 2018-06-18` holds all that day and registration times with
    # fractions of a second compare as the second they fall in.
    return start, start + (1.0 if parts["hour"] else 86400.0)


def _time_test(operator: str, value: Value) -> Test:
    start, end = _instant(*value)
    checks: dict[str, Callable[[float], bool]] = {
        "==": lambda t: start <= t < end,
        "!=": lambda t: not start <= t < end,
        "<": lambda t: t < start,
        "<=": lambda t: t < end,
        ">": lambda t: t >= end,
        ">=": lambda t: t >= start,
    }
    check = checks[operator]
    return lambda s: check(s.registered_at)


def _count_test(operator: str, value: Value) -> Test:
    text, position = value
    if not _COUNT.fullmatch(text):
        raise QueryError(
            f"runningTasksCount compares with a whole number such as 2, not '{text}'", position
        )
    wanted = int(text)
    return lambda s: _holds(
        operator, (s.running_tasks_count > wanted) - (s.running_tasks_count < wanted)
    )

"""Placement constraints: which instances may take a task at all (pure).

"Constraints are binding": `distinctInstance` keeps a group's tasks on different instances,
`memberOf` keeps them on instances that satisfy a cluster query language expression. The task
definition's constraints and the request's all apply, at most 10 together (documented).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import invalid_parameter
from .models import ContainerInstance
from .query import Expression, QueryError, parse

MAX_CONSTRAINTS = 10
MAX_EXPRESSION = 2000
MEMBER_OF_UNSATISFIED = "MemberOf placement constraint unsatisfied."
DISTINCT_UNSATISFIED = "DistinctInstance placement constraint unsatisfied."


@dataclass(frozen=True)
class Constraint:
    type: str  # distinctInstance | memberOf
    expression: str | None = None
    parsed: Expression | None = None

    def to_wire(self) -> dict[str, str]:
        wire = {"type": self.type}
        if self.expression is not None:
            wire["expression"] = self.expression
        return wire


def parse_constraints(
    requested: Sequence[dict[str, Any]], registered: Sequence[dict[str, Any]] = ()
) -> list[Constraint]:
    """The request's constraints followed by the task definition's, checked and parsed."""
    total = len(requested) + len(registered)
    if total > MAX_CONSTRAINTS:
        # Mock decision: the limit is documented ("including constraints in the task
        # definition and those specified at runtime"), the message is not.
        raise invalid_parameter(
            f"placementConstraints can have at most {MAX_CONSTRAINTS} items, including the "
            f"task definition's; got {total}."
        )
    return [_constraint(item) for item in (*requested, *registered)]


def _constraint(item: dict[str, Any]) -> Constraint:
    kind, expression = item.get("type"), item.get("expression")
    if kind == "distinctInstance":
        if expression is not None:
            raise invalid_parameter("distinctInstance expression should not be specified.")
        return Constraint("distinctInstance")
    if kind == "memberOf":
        if not expression or not str(expression).strip():
            # Mock decision: the rule is documented, the message is not.
            raise invalid_parameter("memberOf placement constraint requires an expression.")
        if len(expression) > MAX_EXPRESSION:
            raise invalid_parameter(
                f"Placement constraint expression longer than {MAX_EXPRESSION}."
            )
        try:
            parsed = parse(expression)
        except QueryError as error:
            raise invalid_parameter(
                f"Invalid memberOf expression at position {error.position}: {error.problem}."
            ) from None
        return Constraint("memberOf", expression, parsed)
    raise invalid_parameter(f"Invalid placement constraint type {kind!r}.")


def unsatisfied(
    constraints: Sequence[Constraint], instance: ContainerInstance, group: str
) -> str | None:
    """The failure reason for the first constraint `instance` breaks, or None."""
    for constraint in constraints:
        if constraint.type == "distinctInstance":
            if instance.counts.groups.get(group, 0) > 0:
                return DISTINCT_UNSATISFIED
        elif constraint.parsed is not None and not constraint.parsed.matches(instance):
            return MEMBER_OF_UNSATISFIED
    return None

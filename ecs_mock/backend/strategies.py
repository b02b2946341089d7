"""Placement strategies: how a request asks the scheduler to choose (pure).

"Strategies are a best effort": each one narrows the feasible instances to those it likes best,
the next one breaks the remaining ties, and a seeded random choice breaks what is left
(developer guide, task-placement-strategies). No strategy means `random`. The choosing itself
is `scheduler.Placer`'s.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import invalid_parameter
from .models import ContainerInstance

MAX_STRATEGIES = 5
BINPACK_FIELDS = ("cpu", "memory")
SPREAD_SHORTCUTS = ("instanceId", "host")
ATTRIBUTE = "attribute:"


@dataclass(frozen=True)
class Strategy:
    type: str  # random | spread | binpack
    field: str | None = None

    def to_wire(self) -> dict[str, str]:
        wire = {"type": self.type}
        if self.field is not None:
            wire["field"] = self.field
        return wire


def parse_strategies(items: Sequence[dict[str, str]]) -> list[Strategy]:
    """Check a request's placementStrategy and return it as Strategy objects.

    The limit is documented; the messages are not (Mock decision: each names the problem)."""
    if len(items) > MAX_STRATEGIES:
        raise invalid_parameter(
            f"placementStrategy can have at most {MAX_STRATEGIES} items, got {len(items)}."
        )
    parsed = []
    for item in items:
        kind, field = item.get("type"), item.get("field")
        if kind == "random":
            if field:
                raise invalid_parameter("Placement strategy random does not take a field.")
        elif kind == "binpack":
            if field is None or field.lower() not in BINPACK_FIELDS:
                raise invalid_parameter(
                    f"Invalid field {field!r} for placement strategy binpack: "
                    "it must be cpu or memory."
                )
        elif kind == "spread":
            valid = field in SPREAD_SHORTCUTS or (
                field is not None and field.startswith(ATTRIBUTE) and len(field) > len(ATTRIBUTE)
            )
            if not valid:
                raise invalid_parameter(
                    f"Invalid field {field!r} for placement strategy spread: it must be "
                    "instanceId, host or attribute:<name>."
                )
        else:
            raise invalid_parameter(f"Invalid placement strategy type {kind!r}.")
        parsed.append(Strategy(str(kind), field))
    return parsed


def spread_value(instance: ContainerInstance, field: str) -> str | None:
    """What `spread` groups an instance by; instances without the attribute share one bucket
    (None). Mock decision: ECS does not say where such instances go."""
    if field in SPREAD_SHORTCUTS:
        return instance.instance_id
    return instance.attribute(field[len(ATTRIBUTE) :])

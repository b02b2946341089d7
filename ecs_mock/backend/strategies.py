"""Placement strategies: which of the feasible instances takes the next task (pure).

"Strategies are a best effort": each one narrows the feasible instances to those it likes best,
the next one breaks the remaining ties, and a seeded random choice breaks what is left
(developer guide, task-placement-strategies). No strategy means `random`.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence
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


def spread_counts(
    instances: Iterable[ContainerInstance], field: str, group: str
) -> dict[str | None, int]:
    """Live tasks of `group` per spread value, over every instance of the cluster (also those
    that cannot take this task): spread balances what already runs, not what could run."""
    counts: dict[str | None, int] = {}
    for instance in instances:
        if instance.status == "INACTIVE":
            continue
        value = spread_value(instance, field)
        counts[value] = counts.get(value, 0) + instance.counts.groups.get(group, 0)
    return counts


def choose(
    feasible: Sequence[ContainerInstance],
    strategies: Sequence[Strategy],
    group: str,
    cluster_instances: Iterable[ContainerInstance],
    rng: random.Random,
) -> ContainerInstance:
    """The instance that takes the next task of `group`; `feasible` is not empty."""
    remaining = list(feasible)
    for strategy in strategies:
        if len(remaining) == 1:
            break
        if strategy.type == "random":
            break  # a random choice leaves no ties for later strategies to break
        remaining = _best(remaining, _scorer(strategy, group, cluster_instances))
    return remaining[0] if len(remaining) == 1 else rng.choice(remaining)


def _scorer(
    strategy: Strategy, group: str, cluster_instances: Iterable[ContainerInstance]
) -> Callable[[ContainerInstance], int]:
    """Lower is better."""
    field = strategy.field or ""
    if strategy.type == "binpack":
        if field.lower() == "cpu":
            return lambda instance: instance.resources.cpu - instance.resources.cpu_used
        return lambda instance: instance.resources.memory - instance.resources.memory_used
    counts = spread_counts(cluster_instances, field, group)
    return lambda instance: counts.get(spread_value(instance, field), 0)


def _best(
    instances: list[ContainerInstance], score: Callable[[ContainerInstance], int]
) -> list[ContainerInstance]:
    scores = [score(instance) for instance in instances]
    lowest = min(scores)
    return [instance for instance, value in zip(instances, scores, strict=True) if value == lowest]

"""Choosing instances for a run of tasks, one after another (pure: no HTTP, no botocore).

ECS's order (developer guide, task-placement): instances that can hold the task, then those
that satisfy the constraints, then the strategies, then a choice. A `Placer` serves one call:
it checks every candidate once, and after each placement re-checks only the instance that
took the task (the only one whose resources, groups and scores changed), so a call costs
O(candidates x strategies + count x candidates) rather than a full re-check per task.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence

from .constraints import Constraint, unsatisfied
from .models import ContainerInstance
from .placement import refusal
from .resources import Demand
from .strategies import Strategy, spread_value

Failure = dict[str, str]


def candidates(
    instances: Iterable[ContainerInstance], launch_type: str, provider: str | None
) -> list[ContainerInstance]:
    """ACTIVE instances of a target's kind, in registration order: EXTERNAL tasks take only ECS
    Anywhere instances and EC2 tasks none of them; a capacity provider's tasks only its own
    instances. DRAINING ones are not candidates ("prevents new tasks from being scheduled")."""
    external = launch_type == "EXTERNAL"
    return [
        instance
        for instance in instances
        if instance.status == "ACTIVE"
        and instance.is_external == external
        and (provider is None or instance.capacity_provider == provider)
    ]


class Placer:
    def __init__(
        self,
        candidates: Sequence[ContainerInstance],
        cluster_instances: Iterable[ContainerInstance],
        required: list[str],
        demand: Demand,
        zones: frozenset[str] | None,
        constraints: Sequence[Constraint],
        strategies: Sequence[Strategy],
        group: str,
        rng: random.Random,
    ) -> None:
        self.candidates = list(candidates)
        self.required, self.demand, self.zones = required, demand, zones
        self.constraints, self.group, self.rng = constraints, group, rng
        # A random strategy resolves every tie, so later strategies never apply.
        self.strategies: list[Strategy] = []
        for strategy in strategies:
            if strategy.type == "random":
                break
            self.strategies.append(strategy)
        # Why each candidate cannot take the task (None: it can), worked out when first needed.
        self.reasons: dict[str, str | None] = {}
        # Per spread strategy: each instance's value and the group's live tasks per value.
        self.values: list[dict[str, str | None]] = []
        self.counts: list[dict[str | None, int]] = []
        spreads = any(strategy.type == "spread" for strategy in self.strategies)
        everyone = [i for i in cluster_instances if i.status != "INACTIVE"] if spreads else []
        for strategy in self.strategies:
            if strategy.type != "spread":
                self.values.append({})
                self.counts.append({})
                continue
            field = strategy.field or ""
            values = {i.instance_id: spread_value(i, field) for i in everyone}
            counts: dict[str | None, int] = {}
            for instance in everyone:
                value = values[instance.instance_id]
                counts[value] = counts.get(value, 0) + instance.counts.groups.get(group, 0)
            self.values.append(values)
            self.counts.append(counts)

    def _reason(self, instance: ContainerInstance) -> str | None:
        reason = refusal(instance, self.required, self.demand, self.zones)
        if reason is None and self.constraints:
            return unsatisfied(self.constraints, instance, self.group)
        return reason

    def _reason_of(self, instance: ContainerInstance) -> str | None:
        key = instance.instance_id
        if key not in self.reasons:
            self.reasons[key] = self._reason(instance)
        return self.reasons[key]

    def next(self) -> ContainerInstance | list[Failure]:
        """The instance for the next task, or one failure per candidate saying why it cannot."""
        if not self.strategies:
            chosen = self._any_feasible()
            return chosen if chosen is not None else self._failures()
        feasible = [i for i in self.candidates if self._reason_of(i) is None]
        if not feasible:
            return self._failures()
        for index, strategy in enumerate(self.strategies):
            if len(feasible) == 1:
                break
            feasible = self._best(feasible, index, strategy)
        return feasible[0] if len(feasible) == 1 else self.rng.choice(feasible)

    def _any_feasible(self) -> ContainerInstance | None:
        """Mock decision (ECS documents random placement, not how it draws): with no strategy to
        rank them, any feasible candidate, each as likely: one drawn at
        random, checked, and if it cannot take the task left out of the next draw. When every
        candidate can take it this is one draw and one check (the same draw `rng.choice` of the
        feasible ones makes); it checks them all only when few or none can."""
        pool = list(self.candidates)
        while pool:
            chosen = pool[0] if len(pool) == 1 else self.rng.choice(pool)
            if self._reason_of(chosen) is None:
                return chosen
            pool.remove(chosen)
        return None

    def _failures(self) -> list[Failure]:
        return [{"arn": i.arn, "reason": str(self._reason_of(i))} for i in self.candidates]

    def placed(self, instance: ContainerInstance) -> None:
        """`instance` took a task of this group: update what that changed."""
        self.reasons.pop(instance.instance_id, None)  # worked out again when next needed
        for values, counts in zip(self.values, self.counts, strict=True):
            if values:
                value = values.get(instance.instance_id)
                counts[value] = counts.get(value, 0) + 1

    def _best(
        self, feasible: list[ContainerInstance], index: int, strategy: Strategy
    ) -> list[ContainerInstance]:
        """Lower scores are better: least remaining for binpack, fewest tasks for spread."""
        if strategy.type == "binpack":
            if (strategy.field or "").lower() == "cpu":
                scores = [i.resources.cpu - i.resources.cpu_used for i in feasible]
            else:
                scores = [i.resources.memory - i.resources.memory_used for i in feasible]
        else:
            values, counts = self.values[index], self.counts[index]
            scores = [counts.get(values.get(i.instance_id), 0) for i in feasible]
        lowest = min(scores)
        return [i for i, score in zip(feasible, scores, strict=True) if score == lowest]

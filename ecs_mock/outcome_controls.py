"""What launcher tests steer and read on the mock object: how tasks end (`set_outcome`), failing
RunTask calls, and what a launcher observes (container logs, ECS events, task metadata).

Mixed into `TestControls`; the logic lives in `backend/outcomes.py`, `awslogs.py`,
`task_events.py` and `task_metadata.py`.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from . import clock
from .backend import awslogs, lifecycle, outcomes, task_events, task_metadata
from .backend.outcome_model import Outcome, Rule, RuleFunction

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from .backend.models import Task
    from .backend.state import Region
    from .dispatch import Dispatcher


class OutcomeControls:
    """The outcome API and the launcher's observations (see the README, *Testing a launcher*)."""

    if TYPE_CHECKING:  # provided by TestControls

        @property
        def dispatcher(self) -> Dispatcher: ...
        def _backend_region(self, region: str | None = None) -> Region: ...
        def _changing(self, region: str | None = None) -> AbstractContextManager[Region]: ...
        def _tasks(self, cluster: str | None, reference: str | None) -> list[Task]: ...

    def set_outcome(
        self,
        outcome: Outcome | RuleFunction,
        *,
        task: str | None = None,
        family: str | None = None,
        started_by: str | None = None,
        container: str | None = None,
        group: str | None = None,
        cluster: str | None = None,
        times: int | None = None,
    ) -> Rule | None:
        """Decide how tasks end.

        With `task` (an id or ARN): that task, now. Its ending is counted from when it started
        running; one already due happens at once. A held task (stays_pending) is released.

        Without `task`: a rule for the tasks launched from now on that match every criterion
        given (family, startedBy, a container's name, group, cluster), for the next `times` of
        them (None: all). The newest matching rule decides. `outcome` may be a function of the
        task (an `ecs_mock.TaskView`) returning an `Outcome`, or None to leave it to older rules.
        Returns the rule (its `decided` counts the tasks it decided)."""
        if not isinstance(outcome, Outcome) and not callable(outcome):
            raise ValueError("outcome must be an Outcome or a function returning one")
        if task is not None:
            if any(v is not None for v in (family, started_by, container, group, times)):
                raise ValueError("task= decides one task; the other criteria are for rules")
            if not isinstance(outcome, Outcome):
                raise ValueError("a task's outcome must be an Outcome (functions are for rules)")
            with self._changing() as region:
                now = clock.now()
                lifecycle.tick(region, now)
                (target,) = self._tasks(cluster, task)
                outcomes.decide(region, target, outcome, now)
                lifecycle.tick(region, now)  # an ending already due happens now
            return None
        if times is not None and (not isinstance(times, int) or times < 1):
            raise ValueError(f"times must be an int >= 1, got {times!r}")
        rule = Rule(outcome, family, started_by, container, group, cluster, times)
        with self._changing() as region:
            outcomes.add_rule(region, rule)
        return rule

    def clear_outcomes(self) -> None:
        """Forget every outcome rule and injected RunTask failure (decided tasks keep theirs)."""
        with self.dispatcher.backend.lock:
            state = self._backend_region().outcomes
            state.rules.clear()
            state.run_task_failures.clear()

    @property
    def outcome_errors(self) -> list[str]:
        """Scripted rules that raised or answered something other than an Outcome; each such
        task failed to start with the same words."""
        with self.dispatcher.backend.lock:
            return list(self._backend_region().outcomes.errors)

    def fail_run_task(self, reason: str = "RESOURCE:MEMORY", count: int = 1) -> None:
        """The next `count` RunTask calls (valid ones, after every check) place nothing and
        answer `failures`: an instance-level `reason` (AGENT, RESOURCE:CPU, ...) once per
        candidate instance with its ARN; any other (such as "Capacity is unavailable at this
        time. Please try again later or in a different availability zone") once per task."""
        if not isinstance(reason, str) or not reason:
            raise ValueError("reason must be a non-empty string")
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise ValueError(f"count must be an int >= 1, got {count!r}")
        with self._changing() as region:
            outcomes.inject_run_task_failures(region, reason, count)

    # -- what a launcher observes -----------------------------------------------------------

    def logs(
        self, task: str, container: str | None = None, cluster: str | None = None
    ) -> list[str]:
        """The lines written to the task's awslogs streams (or `container`'s), oldest first:
        the mock's own copy, kept with or without moto."""
        with self._changing() as region:  # reading applies the steps due, as an API read does
            lifecycle.tick(region, clock.now())
            (target,) = self._tasks(cluster, task)
            if container is not None and container not in {c.name for c in target.containers}:
                raise ValueError(f"task has no container named {container!r}")
            return awslogs.lines(region, target, container)

    def events(
        self, detail_type: str | None = None, task: str | None = None
    ) -> list[dict[str, Any]]:
        """The ECS events sent in this region (the newest 1,000), oldest first, as EventBridge
        delivers them; `detail_type` ("ECS Task State Change", "ECS Container Instance State
        Change") and `task` (an ARN or id) narrow them."""
        with self._changing() as region:  # reading applies the steps due, as an API read does
            lifecycle.tick(region, clock.now())
            arn = None
            if task is not None:
                arn = task if task.startswith("arn:") else self._tasks(None, task)[0].arn
            return copy.deepcopy(task_events.recorded(region, detail_type, arn))

    def task_metadata(
        self, task: str, container: str | None = None, cluster: str | None = None
    ) -> dict[str, Any]:
        """What the task metadata endpoint v4 answers: `/task` (no `container`), or a
        container's own metadata (`container` name, or "" for the first essential one)."""
        with self._changing() as region:  # reading applies the steps due, as an API read does
            lifecycle.tick(region, clock.now())
            (target,) = self._tasks(cluster, task)
            if container is None:
                return task_metadata.task(region, target)
            found = task_metadata.find_container(target, container or None)
            if found is None:
                raise ValueError(f"task has no container named {container!r}")
            return task_metadata.container(region, target, found)

"""Task outcomes decided by a test, applied on the mock clock through the lifecycle's hooks.

* When a task is launched (`lifecycle.on_task_change`, first change), the newest matching rule
  decides its `Outcome` (a scripted rule is called with a `TaskView`).
* Before it moves forward (`lifecycle.gate_task`), a start failure or a hold keeps it back; a
  missing awslogs group (moto active) becomes a start failure.
* When it reaches RUNNING, its containers' log lines are written (`awslogs`) and an ending is
  scheduled `after` seconds later (`region.schedule` + `lifecycle.on_action`).
* When the scheduled step is due, the containers exit or the task is stopped, with the codes
  and reasons the outcome names; the lifecycle does the rest (STOPPING ... STOPPED).
"""

from __future__ import annotations

from typing import Any

from . import awslogs, container_start, lifecycle
from .lifecycle import ORDER
from .models import Task
from .outcome_model import (
    ContainerView,
    Decision,
    InjectedFailures,
    Outcome,
    OutcomeBook,
    Rule,
    TaskView,
)
from .placement import INSTANCE_FAILURE_REASONS
from .state import Region

ACTION = "OUTCOME"  # scheduled: target "<task id>/<generation>"
_HOLDING = ("stays_pending", "fails_to_start")
_ENDINGS = ("exits", "stops")


def book(region: Region) -> OutcomeBook:
    return region.outcomes


# -- deciding ---------------------------------------------------------------------------------


def add_rule(region: Region, rule: Rule) -> None:
    book(region).rules.append(rule)
    region.touch(region)  # so a region nothing was stored in yet keeps the rule (settle)


def decide(region: Region, task: Task, outcome: Outcome, now: float) -> None:
    """Decide `task`'s outcome now (it exists already): replaces any earlier decision.

    Raises ValueError when the task can no longer end that way."""
    _check_names(task, outcome)
    if task.desired_status == "STOPPED":
        raise ValueError(f"task {task.task_id} is already stopping or stopped")
    running = ORDER[task.last_status] >= ORDER["RUNNING"]
    if running and outcome.kind in _HOLDING:
        raise ValueError(f"task {task.task_id} is already RUNNING: it cannot fail to start")
    previous = book(region).decided.get(task.task_id)
    decision = _store(region, task, outcome)
    if running:
        _schedule_ending(region, task, decision, float(task.times.get("startedAt", now)), now)
    elif previous is not None and previous.held_since is not None:
        # The step it was held back from was due already: take it now (the gate asks again).
        lifecycle.advance(region, task, "RUNNING", now)


def release(region: Region, task: Task) -> None:
    """Test control `advance`: a hold or a queued start failure no longer applies."""
    decision = book(region).decided.get(task.task_id)
    if decision is not None and decision.outcome.kind in _HOLDING:
        del book(region).decided[task.task_id]


def _store(region: Region, task: Task, outcome: Outcome) -> Decision:
    state = book(region)
    state.generation += 1
    decision = Decision(outcome, _main_container(task, outcome), state.generation)
    state.decided[task.task_id] = decision
    return decision


def _main_container(task: Task, outcome: Outcome) -> str | None:
    if outcome.container is not None:
        return outcome.container
    essential = [c.name for c in task.containers if c.essential]
    return essential[0] if essential else (task.containers[0].name if task.containers else None)


def _check_names(task: Task, outcome: Outcome) -> None:
    names = {c.name for c in task.containers}
    named = {*outcome.exit_codes, *outcome.logs}
    if outcome.container is not None:
        named.add(outcome.container)
    missing = sorted(named - names)
    if missing:
        raise ValueError(f"task {task.task_id} has no container named {', '.join(missing)}")


def view_of(task: Task) -> TaskView:
    overrides = {o.get("name"): o for o in task.overrides.get("containerOverrides", [])}
    containers = []
    for definition in task.task_definition.containers:
        override = overrides.get(definition["name"], {})
        environment = {e["name"]: e.get("value", "") for e in definition.get("environment", [])}
        environment.update({e["name"]: e.get("value", "") for e in override.get("environment", [])})
        containers.append(
            ContainerView(
                name=definition["name"],
                image=definition["image"],
                essential=bool(definition.get("essential", True)),
                command=list(override.get("command", definition.get("command", []))),
                entry_point=list(definition.get("entryPoint", [])),
                environment=environment,
            )
        )
    return TaskView(
        task_arn=task.arn,
        task_id=task.task_id,
        cluster=task.cluster_name,
        family=task.family,
        revision=task.task_definition.revision,
        launch_type=task.launch_type,
        started_by=task.started_by,
        group=task.group,
        overrides=_copy(task.overrides),
        tags=[dict(t) for t in task.tags],
        containers=containers,
    )


def _decide_at_launch(region: Region, task: Task) -> None:
    state = book(region)
    if not state.rules:
        return
    view = view_of(task)
    for rule in reversed(state.rules):  # the newest rule wins
        if not rule.matches(view):
            continue
        outcome: Any = rule.outcome
        if not isinstance(outcome, Outcome):
            try:
                outcome = outcome(view)
            except Exception as error:  # the test's own code: reported, never raised here
                outcome = _rule_error(state, task, f"raised {error!r}")
            if outcome is None:
                continue  # the scripted rule passes: an older rule, or the default, decides
            if not isinstance(outcome, Outcome):
                outcome = _rule_error(state, task, f"returned {outcome!r}, not an Outcome")
        outcome = outcome.with_container(rule.container)
        try:
            _check_names(task, outcome)
        except ValueError as error:
            if not callable(rule.outcome):
                continue  # a data rule applies only to tasks with the containers it names
            outcome = _rule_error(state, task, str(error))
        rule.decided += 1
        if rule.times is not None:
            rule.times -= 1
            if rule.times <= 0:
                state.rules.remove(rule)
        _store(region, task, outcome)
        return


def _rule_error(state: OutcomeBook, task: Task, what: str) -> Outcome:
    # Mock decision: a scripted rule that raises or answers something else fails the task to
    # start with a reason saying so (and `mock.outcome_errors` lists it), so the test sees it.
    text = f"ecs_mock outcome rule for task {task.task_id} {what}"
    state.errors.append(text)
    return Outcome.fails_to_start(text[:1024])


# -- the lifecycle's hooks --------------------------------------------------------------------


def on_change(region: Region, task: Task, at: float) -> None:
    if task.version == 1:  # just launched
        _decide_at_launch(region, task)
    state = book(region)
    if not state.busy:
        return
    if task.last_status == "RUNNING" and task.task_id in state.starting:
        state.starting.discard(task.task_id)
        _started(region, task, at)
    elif task.last_status == "STOPPED":
        state.decided.pop(task.task_id, None)
        state.starting.discard(task.task_id)


def gate(region: Region, task: Task, state: str, at: float) -> bool:
    """May `task` move on to `state` at `at`? Not while its outcome holds it back."""
    book_ = book(region)
    decision = book_.decided.get(task.task_id)
    held = decision is not None and decision.outcome.kind in _HOLDING
    if held and decision is not None and ORDER[state] > ORDER[decision.outcome.during]:
        if decision.held_since is None:
            decision.held_since = at
        if decision.outcome.kind == "fails_to_start" and not decision.failing:
            decision.failing = True
            _schedule(region, task, decision, at + decision.outcome.after)
        return False
    if state != "RUNNING":
        return True
    reason = awslogs.start_failure(region, task)
    if reason is not None:
        failure = Outcome.fails_to_start(reason, container_reason=reason)
        decision = _store(region, task, failure)
        decision.held_since, decision.failing = at, True
        _schedule(region, task, decision, at)
        return False
    if decision is not None or awslogs.uses_awslogs(task):
        book_.starting.add(task.task_id)  # its start has work to do (_started)
    return True


def _started(region: Region, task: Task, at: float) -> None:
    decision = book(region).decided.get(task.task_id)
    if decision is None:
        awslogs.start(region, task, {}, at)
        return
    outcome = decision.outcome
    lines = {c.name: outcome.lines_for(c.name, decision.main) for c in task.containers}
    awslogs.start(region, task, lines, at)
    _schedule_ending(region, task, decision, at, at)


def _schedule_ending(
    region: Region, task: Task, decision: Decision, started: float, now: float
) -> None:
    if decision.outcome.kind in _ENDINGS:
        _schedule(region, task, decision, max(started + decision.outcome.after, now))


def _schedule(region: Region, task: Task, decision: Decision, due: float) -> None:
    region.schedule(due, f"{task.task_id}/{decision.generation}", ACTION)


def on_action(region: Region, target: str, due: float) -> None:
    """A scheduled ending is due; a newer decision, or a stop that came first, voids it."""
    task_id, _, generation = target.partition("/")
    task = region.tasks.get(task_id)
    decision = book(region).decided.get(task_id)
    if task is None or decision is None or str(decision.generation) != generation:
        return
    if task.desired_status == "STOPPED":
        return
    apply(region, task, decision.outcome, due)


def apply(region: Region, task: Task, outcome: Outcome, at: float) -> None:
    """End `task` as `outcome` says, at `at` (also the immediate test controls)."""
    if outcome.kind == "fails_to_start":
        for container in task.containers:
            if container.last_status == "PENDING" and outcome.reason is not None:
                container.reason = outcome.reason
        lifecycle.request_stop(
            region, task, at, "TaskFailedToStart", outcome.stopped_reason or "Task failed to start"
        )
    elif outcome.kind == "exits":
        for name, code in _exit_codes(task, outcome).items():
            lifecycle.exit_container(region, task, name, code, outcome.reason, at)
    elif outcome.kind == "stops":
        for container in task.containers:
            if container.last_status != "RUNNING":
                continue
            if outcome.exit_code is None:  # the agent reports no exit code (the host is gone)
                container.last_status = "STOPPED"
                container_start.release_bindings(container)
            else:
                container.exit_code = outcome.exit_code
        reason = (outcome.stopped_reason or "").replace("{instance}", _ec2_instance(region, task))
        lifecycle.request_stop(region, task, at, outcome.stop_code or "UserInitiated", reason)


def _exit_codes(task: Task, outcome: Outcome) -> dict[str, int]:
    if outcome.exit_codes:
        return dict(outcome.exit_codes)
    code = outcome.exit_code if outcome.exit_code is not None else 0
    if outcome.container is not None:
        return {outcome.container: code}
    return {c.name: code for c in task.containers}


def _ec2_instance(region: Region, task: Task) -> str:
    instance = lifecycle.instance_of(region, task)
    if instance is not None:
        return instance.ec2_instance_id
    # Mock decision: a Fargate task's host has no instance the API shows; one is invented.
    return "i-" + region.ids.hex(17)


# -- injected RunTask failures ----------------------------------------------------------------

INSTANCE_REASONS = frozenset(INSTANCE_FAILURE_REASONS)


def inject_run_task_failures(region: Region, reason: str, count: int) -> None:
    book(region).run_task_failures.append(InjectedFailures(reason, count))
    region.touch(region)


def take_run_task_failure(region: Region) -> str | None:
    """The reason the next RunTask fails with, counting it down; None: no failure queued."""
    queue = book(region).run_task_failures
    if not queue:
        return None
    head = queue[0]
    head.remaining -= 1
    if head.remaining <= 0:
        queue.pop(0)
    return head.reason


def failures_for(reason: str, instance_arns: list[str], count: int) -> list[dict[str, str]]:
    """An injected RunTask failure as ECS reports it.

    Mock decision: an instance-level reason (AGENT, RESOURCE:*, ...) fails once per candidate
    instance, with its ARN, as a placement that found no room does; any other reason (such as
    Fargate's "Capacity is unavailable at this time...") once per task asked for, without ARN."""
    if reason in INSTANCE_REASONS and instance_arns:
        return [{"arn": arn, "reason": reason} for arn in instance_arns]
    return [{"reason": reason} for _ in range(count)]


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


lifecycle.on_task_change(on_change)
lifecycle.gate_task(gate)
lifecycle.on_action(ACTION, on_action)

"""How a task ends, as a test decides it (pure data): `Outcome`, its constructors, and what a
scripted rule is shown of the task (`TaskView`).

An outcome is applied on the mock clock by `outcomes.py`; nothing here knows about state.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

# stopCode values of the oldest supported model (botocore 1.34.17); InfrastructureHealth is newer.
STOP_CODES = frozenset(
    {
        "TaskFailedToStart",
        "EssentialContainerExited",
        "UserInitiated",
        "ServiceSchedulerInitiated",
        "SpotInterruption",
        "TerminationNotice",
    }
)
ESSENTIAL_EXITED = "Essential container in task exited"
SPOT_INTERRUPTED = "Your Spot Task was interrupted."
ENI_TIMEOUT = "Timeout waiting for network interface provisioning to complete."
HOST_TERMINATED = "Host EC2 (instance {instance}) terminated."
SIGTERM_EXIT_CODE = 143
MAX_REASON = 1024  # Container.reason is documented as at most 1024 characters
KINDS = ("runs", "exits", "stops", "fails_to_start", "stays_pending")
Logs = Sequence[str] | Mapping[str, Sequence[str]]


@dataclass(frozen=True)
class Outcome:
    """How a task ends. Build one with the constructors (`Outcome.exits(1)`, ...)."""

    kind: str
    after: float = 0.0  # seconds of running (fails_to_start: seconds after it would start)
    exit_code: int | None = None  # exits: each exiting container; stops: running containers
    container: str | None = None  # exits: only this container exits
    exit_codes: dict[str, int] = field(default_factory=dict)  # exits: per container
    reason: str | None = None  # the exiting containers' `reason` (exits), or theirs (fails)
    stop_code: str | None = None
    stopped_reason: str | None = None
    during: str = "PENDING"  # fails_to_start: the status the task fails in
    logs: dict[str, tuple[str, ...]] = field(default_factory=dict)  # container -> lines
    main_logs: tuple[str, ...] = ()  # lines for the main container (see `main_container`)

    # -- constructors ------------------------------------------------------------------------

    @classmethod
    def runs(cls, *, logs: Logs | None = None) -> Outcome:
        """The task runs until something stops it; its containers print `logs` when they start."""
        return cls("runs", **_logs(logs))

    @classmethod
    def exits(
        cls,
        code: int = 0,
        *,
        container: str | None = None,
        codes: Mapping[str, int] | None = None,
        after: float = 0.0,
        logs: Logs | None = None,
        reason: str | None = None,
    ) -> Outcome:
        """After `after` seconds of running, containers exit: each container in `codes` with its
        code, else `container` (or the rule's `container=`) with `code`, else every container
        with `code`. An essential container exiting stops the task (EssentialContainerExited,
        "Essential container in task exited"; the others get SIGTERM: 143)."""
        _check_code("code", code)
        for name, value in (codes or {}).items():
            _check_code(f"codes[{name!r}]", value)
        return cls(
            "exits",
            after=_seconds(after),
            exit_code=code,
            container=_name(container),
            exit_codes=dict(codes or {}),
            reason=_reason(reason),
            **_logs(logs),
        )

    @classmethod
    def stops(
        cls,
        stop_code: str,
        stopped_reason: str,
        *,
        after: float = 0.0,
        exit_code: int | None = SIGTERM_EXIT_CODE,
        logs: Logs | None = None,
    ) -> Outcome:
        """After `after` seconds of running, the task is stopped with this stopCode and
        stoppedReason; its running containers exit with `exit_code` (None: they report none)."""
        if stop_code not in STOP_CODES:
            raise ValueError(f"stop_code must be one of {', '.join(sorted(STOP_CODES))}")
        if exit_code is not None:
            _check_code("exit_code", exit_code)
        return cls(
            "stops",
            after=_seconds(after),
            exit_code=exit_code,
            stop_code=stop_code,
            stopped_reason=_reason(stopped_reason, required=True),
            **_logs(logs),
        )

    @classmethod
    def fails_to_start(
        cls,
        stopped_reason: str = "Task failed to start",
        *,
        container_reason: str | None = None,
        after: float = 0.0,
        during: str = "PENDING",
    ) -> Outcome:
        """The task never reaches RUNNING: `after` seconds after it would have, it stops with
        stopCode TaskFailedToStart and `stopped_reason`; its containers never ran, so they have
        no exitCode (only `container_reason`, when given). `during` is where it fails:
        PENDING (image pull, logging driver) or PROVISIONING (its network interface)."""
        if during not in ("PROVISIONING", "PENDING"):
            raise ValueError("during must be 'PROVISIONING' or 'PENDING'")
        return cls(
            "fails_to_start",
            after=_seconds(after),
            stop_code="TaskFailedToStart",
            stopped_reason=_reason(stopped_reason, required=True),
            reason=_reason(container_reason),
            during=during,
        )

    @classmethod
    def stays_pending(cls) -> Outcome:
        """The task never leaves PENDING (an awsvpc task gets its ENI, then waits) until a new
        outcome or `advance` releases it, or it is stopped."""
        return cls("stays_pending", during="PENDING")

    # -- presets for what ECS is seen to report ----------------------------------------------

    @classmethod
    def cannot_pull(
        cls, detail: str = "pull image manifest has been retried 5 time(s): failed to resolve ref"
    ) -> Outcome:
        """`CannotPullContainerError: <detail>` as the task's stoppedReason and the containers'
        reason (TaskFailedToStart)."""
        text = f"CannotPullContainerError: {detail}"
        return cls.fails_to_start(text, container_reason=text)

    @classmethod
    def eni_timeout(cls, *, after: float = 0.0) -> Outcome:
        """Fails in PROVISIONING: "Timeout waiting for network interface provisioning to
        complete." (TaskFailedToStart)."""
        return cls.fails_to_start(ENI_TIMEOUT, after=after, during="PROVISIONING")

    @classmethod
    def spot_interrupted(cls, *, after: float = 0.0) -> Outcome:
        """A Spot interruption: stopCode TerminationNotice while the task stops, SpotInterruption
        once STOPPED (as `interrupt_spot`); "Your Spot Task was interrupted."; containers get
        SIGTERM (143)."""
        return cls.stops("TerminationNotice", SPOT_INTERRUPTED, after=after)

    @classmethod
    def host_terminated(cls, *, after: float = 0.0) -> Outcome:
        """ "Host EC2 (instance i-...) terminated." with the task's instance; the containers
        report no exitCode (the agent went with the host).

        Mock decision: ECS's stopCode for a lost host is not documented; TerminationNotice (an
        infrastructure termination) is used."""
        return cls.stops("TerminationNotice", HOST_TERMINATED, after=after, exit_code=None)

    # -- reading -----------------------------------------------------------------------------

    def lines_for(self, container: str, main: str | None) -> tuple[str, ...]:
        """The log lines `container` prints; `main` is the task's main container's name."""
        found = self.logs.get(container, ())
        return (*self.main_logs, *found) if container == main else found

    def with_container(self, container: str | None) -> Outcome:
        """This outcome with the exiting container defaulted to a rule's `container=`."""
        if container is None or self.container is not None or self.kind != "exits":
            return self
        if self.exit_codes:
            return self
        return _replace(self, container=container)


RuleFunction = Callable[["TaskView"], "Outcome | None"]


@dataclass(frozen=True)
class ContainerView:
    """One container as it will run: definition values with the request's overrides applied."""

    name: str
    image: str
    essential: bool
    command: list[str]
    entry_point: list[str]
    environment: dict[str, str]


@dataclass(frozen=True)
class TaskView:
    """What a scripted rule receives about a task being launched (read-only copies)."""

    task_arn: str
    task_id: str
    cluster: str
    family: str
    revision: int
    launch_type: str
    started_by: str | None
    group: str
    overrides: dict[str, Any]
    tags: list[dict[str, str]]
    containers: list[ContainerView]

    def container(self, name: str | None = None) -> ContainerView:
        """The container named `name`, or the first essential one."""
        for container in self.containers:
            if (container.name == name) if name is not None else container.essential:
                return container
        if name is None and self.containers:
            return self.containers[0]
        raise KeyError(f"task has no container named {name!r}")

    @property
    def command(self) -> list[str]:
        """The first essential container's command."""
        return self.container().command

    @property
    def environment(self) -> dict[str, str]:
        """The first essential container's environment."""
        return self.container().environment


def _replace(outcome: Outcome, **changes: Any) -> Outcome:
    values = {name: getattr(outcome, name) for name in outcome.__dataclass_fields__}
    values.update(changes)
    return Outcome(**values)


def _check_code(name: str, value: object) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"{name} must be an int exit code, got {value!r}")


def _seconds(value: object) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
        raise ValueError(f"after must be a number of seconds >= 0, got {value!r}")
    return float(value)


def _name(value: object) -> str | None:
    if value is not None and (not isinstance(value, str) or not value):
        raise ValueError(f"container must be a container name, got {value!r}")
    return value


def _reason(value: object, required: bool = False) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value:
        raise ValueError(f"a reason must be a non-empty string, got {value!r}")
    if len(value) > MAX_REASON:
        raise ValueError(f"a reason is at most {MAX_REASON} characters")
    return value


def _logs(logs: Logs | None) -> dict[str, Any]:
    """`logs` as the two fields: lines of the main container, and lines per container."""
    if logs is None:
        return {}
    if isinstance(logs, Mapping):
        per: dict[str, tuple[str, ...]] = {}
        for name, lines in logs.items():
            _name(name)
            per[name] = _lines(lines)
        return {"logs": per}
    return {"main_logs": _lines(logs)}


def _lines(lines: object) -> tuple[str, ...]:
    if isinstance(lines, str) or not isinstance(lines, Sequence):
        raise ValueError(f"logs must be a list of strings (or a dict of them), got {lines!r}")
    if not all(isinstance(line, str) for line in lines):
        raise ValueError("every log line must be a string")
    return tuple(lines)


@dataclass
class Rule:
    """Decides the outcome of the tasks it matches, as they are launched. Every criterion
    given must hold; `times` is how many more tasks it may decide (None: every one)."""

    outcome: Outcome | RuleFunction
    family: str | None = None
    started_by: str | None = None
    container: str | None = None  # the task has a container of this name
    group: str | None = None
    cluster: str | None = None
    times: int | None = None
    decided: int = 0  # tasks this rule decided so far

    def matches(self, view: TaskView) -> bool:
        names = {c.name for c in view.containers}
        return (
            (self.family is None or view.family == self.family)
            and (self.started_by is None or view.started_by == self.started_by)
            and (self.container is None or self.container in names)
            and (self.group is None or view.group == self.group)
            and (self.cluster is None or view.cluster == self.cluster)
        )


@dataclass
class Decision:
    """The outcome chosen for one task, and where applying it stands."""

    outcome: Outcome
    main: str | None  # the main container (gets a plain list of log lines)
    generation: int
    held_since: float | None = None  # a step was due and held back (stays_pending, fails)
    failing: bool = False  # its start failure is queued


@dataclass
class InjectedFailures:
    reason: str
    remaining: int


class OutcomeBook:
    """One region's outcome rules, per-task decisions and injected RunTask failures."""

    def __init__(self) -> None:
        self.rules: list[Rule] = []
        self.decided: dict[str, Decision] = {}  # task id -> decision (until STOPPED)
        self.starting: set[str] = set()  # tasks let through to RUNNING, awaiting their start
        self.run_task_failures: list[InjectedFailures] = []
        self.errors: list[str] = []  # scripted rules that raised, or answered nonsense
        self.generation = 0

    @property
    def busy(self) -> bool:
        """Anything to do for task changes (the common case, no rules at all, costs nothing)."""
        return bool(self.rules or self.decided or self.starting)

"""Per-account, per-region state: the resources one account sees in one region."""

from __future__ import annotations

import bisect
import heapq
import math
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from ..arns import ArnFactory, Ids
from .models import Cluster, Task, TaskDefinition
from .outcome_model import OutcomeBook

if TYPE_CHECKING:  # the daemon, Express and gateway modules import lookup, which imports this
    from .daemon_models import Daemon, DaemonTaskDefinition
    from .express_models import ExpressService
    from .gateway_models import Gateway, GatewayAssociation
    from .idempotency import Remembered
    from .providers import CapacityProvider
    from .provisioning import Waiting


@dataclass(frozen=True)
class Timings:
    """Seconds each lifecycle step takes on the mock's clock.

    Zero by default so a waiter sees RUNNING (or STOPPED) at its first poll: botocore's waiters
    sleep 6 s for real between polls, and neither freezegun nor time-machine shortens that.
    """

    provisioning: float = 0.0
    pending: float = 0.0
    stopping: float = 0.0
    deprovisioning: float = 0.0
    stopped_visible: float = 3600.0
    # Mock decision: a task waiting in PROVISIONING for an Auto Scaling group provider's
    # capacity stops with TaskFailedToStart after this long. AWS's deep dive on cluster auto
    # scaling says provisioning tasks wait "between 10 and 30 minutes"; the mock waits 30.
    capacity_wait: float = 1800.0
    # Mock decision: deleted clusters and capacity providers stay describable as INACTIVE this
    # long (ECS: "for a period of time"; one was observed still INACTIVE after a week).
    inactive_visible: float = 7 * 24 * 3600.0
    # The service scheduler (service_scheduler.py): the least clock time between two steps of
    # one service, how long a RUNNING task must run before it counts as healthy, and how long
    # an INACTIVE service stays describable.
    service_step: float = 0.0
    service_healthy_after: float = 0.0
    service_inactive_visible: float = 3600.0
    # A deregistered container instance stays describable (INACTIVE) this long, then
    # DescribeContainerInstances reports it MISSING (the developer guide's ECS_instances page:
    # deregistered or terminated instances stay describable for one hour).
    instance_inactive_visible: float = 3600.0

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            is_number = isinstance(value, int | float) and not isinstance(value, bool)
            # NaN would compare false with every due time and freeze the lifecycle.
            if not is_number or not math.isfinite(value) or value < 0:
                raise ValueError(f"{name} seconds must be a finite number >= 0, got {value!r}")


# Mock decision: a region keeps its newest 1,000 ECS events (task_events.py), so memory stays
# bounded however many tasks a test runs; moto's EventBridge rules receive every one.
MAX_EVENTS = 1000
PoolKey = tuple[str, str, str]  # (filter name, filter value, desiredStatus)


@dataclass
class TaskIndex:
    """Secondary indexes so ListTasks costs what its answer costs, not what the cluster holds.

    Each pool holds, sorted, the creation numbers of the tasks sharing one filter value and one
    desiredStatus, so a ListTasks page is a walk along one pool and a nextToken (the last number
    returned) resumes with a bisection, unshaken by tasks stopping or expiring between pages.

    A task that stops or expires leaves its entries behind rather than being deleted from the
    middle of each sorted pool (O(pool) each: expiring 100k tasks took 6.5 s). An entry counts
    only while `live` says its task still has the pool's desiredStatus; a pool is compacted once
    half of it is left behind, so the cleanup costs O(1) per task, amortised.
    """

    pools: dict[PoolKey, list[int]] = field(default_factory=dict)
    task_of: dict[int, str] = field(default_factory=dict)
    number_of: dict[str, int] = field(default_factory=dict)
    desired_of: dict[int, str] = field(default_factory=dict)
    left_behind: dict[PoolKey, int] = field(default_factory=dict)
    _next: int = 0

    @staticmethod
    def keys(task: Task, desired: str) -> list[PoolKey]:
        keys = [
            ("cluster", "", desired),
            ("family", task.family, desired),
            ("launchType", task.launch_type, desired),
        ]
        if task.instance_id is not None:
            keys.append(("containerInstance", task.instance_id, desired))
        if task.started_by is not None:
            keys.append(("startedBy", task.started_by, desired))
        if task.service_name is not None:
            keys.append(("serviceName", task.service_name, desired))
        return keys

    def add(self, task: Task, number: int | None = None) -> None:
        """Index a new task under the next creation number (or, when a state file is loaded, the
        number it had: restored in ascending order, so the pools stay sorted)."""
        if number is None:
            self._next += 1
            number = self._next
        else:
            self._next = max(self._next, number)
        self.task_of[number] = task.task_id
        self.number_of[task.task_id] = number
        self.desired_of[number] = task.desired_status
        for key in self.keys(task, task.desired_status):
            self.pools.setdefault(key, []).append(number)  # numbers only grow: stays sorted

    @property
    def last_number(self) -> int:
        return self._next

    def resume_after(self, number: int) -> None:
        """New tasks are numbered after `number` (a loaded state file's last number)."""
        self._next = max(self._next, number)

    def desired_changed(self, task: Task, before: str) -> None:
        number = self.number_of[task.task_id]
        self.desired_of[number] = task.desired_status
        self._leave(self.keys(task, before))
        for key in self.keys(task, task.desired_status):
            pool = self.pools.setdefault(key, [])
            if contains(pool, number):  # an entry left behind here counts again
                self.left_behind[key] = max(0, self.left_behind.get(key, 0) - 1)
            else:
                bisect.insort(pool, number)

    def placed(self, task: Task) -> None:
        """A task that waited for capacity now has its instance: list it under that instance."""
        number = self.number_of[task.task_id]
        key = ("containerInstance", str(task.instance_id), task.desired_status)
        bisect.insort(self.pools.setdefault(key, []), number)

    def remove(self, task: Task) -> None:
        number = self.number_of.pop(task.task_id, None)
        if number is None:
            return
        del self.task_of[number]
        del self.desired_of[number]
        self._leave(self.keys(task, task.desired_status))

    def pool(self, key: PoolKey) -> list[int]:
        """Sorted numbers, some of them perhaps left behind: check each with `live`."""
        return self.pools.get(key, [])

    def live(self, number: int, desired: str) -> bool:
        """Whether the entry `number` in a pool of `desired` status still counts."""
        return self.desired_of.get(number) == desired

    def _leave(self, keys: list[PoolKey]) -> None:
        for key in keys:
            pool = self.pools.get(key)
            if pool is None:
                continue
            left = self.left_behind.get(key, 0) + 1
            if left * 2 > len(pool):
                desired = key[2]
                pool[:] = [n for n in pool if self.desired_of.get(n) == desired]
                left = 0
            if pool:
                self.left_behind[key] = left
            else:
                del self.pools[key]
                self.left_behind.pop(key, None)


def contains(pool: list[int], number: int) -> bool:
    at = bisect.bisect_left(pool, number)
    return at < len(pool) and pool[at] == number


class Event(NamedTuple):
    """Something due at a clock time: a task's next lifecycle step (`target` is the task id,
    `action` the state it enters, or EXPIRED), or an action another part of the backend
    registered with `lifecycle.on_action` (`target` is whatever key that part chose).

    A tuple, so the heap compares (due, seq) in C: a dataclass's generated __lt__ made expiring
    100k tasks spend most of its time in comparisons. `seq` is unique, so target and action are
    never compared."""

    due: float
    seq: int
    target: str
    action: str


class Ref(NamedTuple):
    """One keyed entry of a Region store whose values are not objects with a key of their own
    (a clientToken's remembered answer): what `Region.touch` takes for it. `key` is the entry's
    key in its store, as it is; the state file's kind makes it a row key when (and only when) a
    state file writes it. (A tuple: made on every clientToken call, where a frozen dataclass
    cost three times as much to make.)"""

    kind: str
    key: Any


# What changed since the last commit: id(object) -> (its region, the object). Objects are kept,
# not their keys, so a resource removed from the state is still known to have changed.
Changes = dict[int, tuple["Region", Any]]


class Region:
    """Everything one account sees in one region."""

    def __init__(
        self,
        account_id: str,
        region: str,
        ids: Ids,
        timings: Timings,
        changes: Changes | None = None,
    ) -> None:
        self.account_id = account_id
        self.region = region
        self.arns = ArnFactory(account_id, region)
        self.ids = ids
        self.timings = timings
        self.clusters: dict[str, Cluster] = {}
        self.families: dict[str, list[TaskDefinition]] = {}
        self.tasks: dict[str, Task] = {}
        self.task_index: dict[str, TaskIndex] = {}
        self.subnet_zones: dict[str, str] = {}  # declared by tests (TestControls.add_subnet)
        # (operation, cluster, clientToken) -> the first answer (idempotency.py), oldest first
        self.client_tokens: dict[tuple[str, str, str], Remembered] = {}
        # Fargate capacity providers a test made unavailable (TestControls.set_capacity)
        self.capacity_unavailable: set[str] = set()
        self.daemon_families: dict[str, list[DaemonTaskDefinition]] = {}
        self.daemons: dict[str, Daemon] = {}  # by ARN
        self.gateways: dict[str, Gateway] = {}  # by name
        # (gateway name, cluster name) -> association
        self.gateway_associations: dict[tuple[str, str], GatewayAssociation] = {}
        self.express_services: dict[str, ExpressService] = {}  # by ARN
        # Auto Scaling group capacity providers by name (FARGATE and FARGATE_SPOT are built in)
        self.capacity_providers: dict[str, CapacityProvider] = {}
        # cluster name -> tasks waiting for an Auto Scaling group provider's capacity, in order
        self.waiting: dict[str, list[Waiting]] = {}
        # Service Connect namespace name -> the ARN the mock gave it (there is no Cloud Map)
        self.namespaces: dict[str, str] = {}
        # CloudWatch alarm name -> ALARM | OK, as a test set it (TestControls.set_alarm_state)
        self.alarm_states: dict[str, str] = {}
        # What launchers test (outcomes.py, awslogs.py, task_events.py, account_settings.py):
        # outcomes tests decided, log lines written, the newest events sent, account settings
        self.outcomes = OutcomeBook()
        self.logs: dict[tuple[str, str, str], list[tuple[int, str]]] = {}
        # task_events.Recorded, the newest MAX_EVENTS (the oldest drop off as new ones come)
        self.events: deque[Any] = deque(maxlen=MAX_EVENTS)
        self.account_settings: dict[tuple[str, str], str] = {}  # (principal ARN, name) -> value
        self.instance_event_versions: dict[str, int] = {}  # instance ARN -> version last sent
        # (task definition ARN, launch type) -> (that definition, what a request without
        # overrides makes of it): launch.py's, worked out once; not stored in a state file
        self.plain_sizes: dict[tuple[str, str], tuple[Any, Any]] = {}
        self.moto_enis: dict[str, list[str]] = {}  # task id -> ENI ids moto's EC2 holds for it
        # Queued steps: the heap holds those queued out of order; the lane, in order, the rest
        # (each is sorted by (due, seq); the next step is the smaller of their heads).
        self._events: list[Event] = []
        self._lane: deque[Event] = deque()
        self._seq = 0
        self.pending: dict[str, list[Event]] = {}  # target (a task id, ...) -> queued events
        self.loose_targets: set[str] = set()  # targets of queued events that are not tasks
        # Shared with the Backend once the region belongs to it (Backend.settle).
        self.changes: Changes = {} if changes is None else changes

    def touch(self, *changed: Any) -> None:
        """Note resources (clusters, instances, tasks, task definitions, this region, or a
        `Ref` to a keyed entry) that were created, changed or removed, so the server's state
        file writes exactly these. Every change to stored state must be followed by a touch of
        what holds it."""
        for item in changed:
            self.changes[id(item)] = (self, item)

    @property
    def last_seq(self) -> int:
        return self._seq

    def schedule(self, due: float, target: str, action: str, seq: int | None = None) -> None:
        """Queue a step; due is kept to the millisecond, as ECS timestamps are. (`seq` is given
        only when a state file restores a queued step.)"""
        restoring = seq is not None
        if seq is None:
            self._seq += 1
            seq = self._seq
        else:
            self._seq = max(self._seq, seq)
        event = Event(round(due, 3), seq, target, action)
        lane = self._lane
        if not lane or event > lane[-1]:
            # Most steps are queued in the order they fall due (every task's expiry an hour on,
            # a zero-length step now): those wait in a first-in first-out lane, O(1) each way,
            # so expiring 100,000 tasks costs per task what expiring 1,000 does.
            lane.append(event)
        else:
            heapq.heappush(self._events, event)
        self.pending.setdefault(target, []).append(event)
        # A task keeps its own queued steps; any other target's are kept by the region.
        owner: Any = self.tasks.get(target)
        if owner is None:
            self.loose_targets.add(target)
            owner = self
        if not restoring:
            self.touch(owner)

    def next_due(self, now: float) -> Event | None:
        """The earliest step due by `now`; popped one at a time so that a step which schedules
        another (STOPPED schedules its expiry) sees that one run too when it is also due."""
        heap, lane = self._events, self._lane
        if heap and (not lane or heap[0] < lane[0]):
            if heap[0].due > now:
                return None
            event = heapq.heappop(heap)
        elif lane and lane[0].due <= now:
            event = lane.popleft()
        else:
            return None
        target = event.target
        queued = self.pending.get(target)
        if queued is not None:
            queued.remove(event)
            if not queued:
                del self.pending[target]
        task = self.tasks.get(target)
        if task is not None:
            self.touch(task)
        elif target in self.loose_targets:
            self.touch(self)
            if target not in self.pending:
                self.loose_targets.discard(target)
        return event

    def index_for(self, cluster: str) -> TaskIndex:
        index = self.task_index.get(cluster)
        if index is None:
            index = self.task_index[cluster] = TaskIndex()
        return index

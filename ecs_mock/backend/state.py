"""Per-account, per-region state and the one lock that makes every call atomic."""

from __future__ import annotations

import heapq
import threading
from dataclasses import dataclass, field

from ..arns import ArnFactory, Ids
from .models import Cluster, Task, TaskDefinition


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


@dataclass
class TaskIndex:
    """Secondary indexes so ListTasks costs what its answer costs, not what the cluster holds."""

    by_desired: dict[str, dict[str, None]] = field(
        default_factory=lambda: {"RUNNING": {}, "STOPPED": {}}
    )
    by_started_by: dict[str, dict[str, None]] = field(default_factory=dict)
    by_family: dict[str, dict[str, None]] = field(default_factory=dict)
    by_instance: dict[str, dict[str, None]] = field(default_factory=dict)

    def add(self, task: Task) -> None:
        self.by_desired[task.desired_status][task.task_id] = None
        if task.started_by is not None:
            self.by_started_by.setdefault(task.started_by, {})[task.task_id] = None
        self.by_family.setdefault(task.family, {})[task.task_id] = None
        self.by_instance.setdefault(task.instance_id, {})[task.task_id] = None

    def desired_changed(self, task: Task, before: str) -> None:
        self.by_desired[before].pop(task.task_id, None)
        self.by_desired[task.desired_status][task.task_id] = None

    def remove(self, task: Task) -> None:
        self.by_desired[task.desired_status].pop(task.task_id, None)
        for index, key in (
            (self.by_started_by, task.started_by),
            (self.by_family, task.family),
            (self.by_instance, task.instance_id),
        ):
            if key is not None and key in index:
                index[key].pop(task.task_id, None)
                if not index[key]:
                    del index[key]


@dataclass(order=True)
class Event:
    due: float
    seq: int
    task_id: str = field(compare=False)
    state: str = field(compare=False)


class Region:
    """Everything one account sees in one region."""

    def __init__(self, account_id: str, region: str, ids: Ids, timings: Timings) -> None:
        self.account_id = account_id
        self.region = region
        self.arns = ArnFactory(account_id, region)
        self.ids = ids
        self.timings = timings
        self.clusters: dict[str, Cluster] = {}
        self.families: dict[str, list[TaskDefinition]] = {}
        self.tasks: dict[str, Task] = {}
        self.task_index: dict[str, TaskIndex] = {}
        self._events: list[Event] = []
        self._seq = 0

    def schedule(self, due: float, task_id: str, state: str) -> None:
        self._seq += 1
        heapq.heappush(self._events, Event(due, self._seq, task_id, state))

    def due_events(self, now: float) -> list[Event]:
        due: list[Event] = []
        while self._events and self._events[0].due <= now:
            due.append(heapq.heappop(self._events))
        return due

    def index_for(self, cluster: str) -> TaskIndex:
        index = self.task_index.get(cluster)
        if index is None:
            index = self.task_index[cluster] = TaskIndex()
        return index


class Backend:
    """All regions of all accounts, behind one re-entrant lock."""

    def __init__(self, seed: int | None = None, timings: Timings | None = None) -> None:
        self.lock = threading.RLock()
        self.ids = Ids(seed)
        self.timings = timings or Timings()
        self._regions: dict[tuple[str, str], Region] = {}

    def region(self, account_id: str, region: str) -> Region:
        key = (account_id, region)
        found = self._regions.get(key)
        if found is None:
            found = self._regions[key] = Region(account_id, region, self.ids, self.timings)
        return found

    def regions(self) -> list[Region]:
        return list(self._regions.values())

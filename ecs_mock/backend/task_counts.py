"""The live task counters of a cluster and of a container instance."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

PENDING_STATES = frozenset({"PROVISIONING", "PENDING", "ACTIVATING"})


@dataclass
class TaskCounts:
    """Live task counters kept by the lifecycle, so describing a cluster or an instance costs
    the same with ten tasks or a hundred thousand."""

    running: int = 0
    pending: int = 0
    groups: Counter[str] = field(default_factory=Counter)  # non-STOPPED tasks per group

    def moved(self, before: str | None, after: str | None) -> None:
        """A task's lastStatus went from `before` to `after` (None: it did not exist / is gone)."""
        if before == "RUNNING":
            self.running -= 1
        elif before in PENDING_STATES:
            self.pending -= 1
        if after == "RUNNING":
            self.running += 1
        elif after in PENDING_STATES:
            self.pending += 1

    def joined(self, group: str) -> None:
        self.groups[group] += 1

    def arrived(self, status: str, group: str) -> None:
        """A new task, in `status`, of `group`: `moved(None, status)` and `joined(group)`."""
        if status == "RUNNING":
            self.running += 1
        elif status in PENDING_STATES:
            self.pending += 1
        self.groups[group] += 1

    def left(self, group: str) -> None:
        self.groups[group] -= 1
        if self.groups[group] <= 0:
            del self.groups[group]

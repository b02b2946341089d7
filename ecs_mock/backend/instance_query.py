"""A container instance as the cluster query language sees it (query.QuerySubject)."""

from __future__ import annotations

from collections.abc import Mapping

from .models import ContainerInstance, Task
from .query import QuerySubject


class InstanceSubject:
    """Reads `instance` (and its tasks, found in `tasks` by id) for query evaluation.

    The task-derived values are computed from the tasks on first use, once per subject.
    """

    def __init__(self, instance: ContainerInstance, tasks: Mapping[str, Task]) -> None:
        self._instance = instance
        self._tasks = tasks
        self._live: list[Task] | None = None

    def attribute(self, name: str) -> str | None:
        return self._instance.attribute(name)

    def has_attribute(self, name: str) -> bool:
        return self._instance.has_attribute(name)

    @property
    def ec2_instance_id(self) -> str:
        return self._instance.ec2_instance_id

    @property
    def registered_at(self) -> float:
        return self._instance.registered_at

    @property
    def agent_connected(self) -> bool:
        return self._instance.agent_connected

    @property
    def agent_version(self) -> str:
        return self._instance.version_info.get("agentVersion", "")

    @property
    def running_tasks_count(self) -> int:
        return sum(1 for task in self._live_tasks() if task.last_status == "RUNNING")

    @property
    def task_groups(self) -> list[str]:
        return [task.group for task in self._live_tasks()]

    def _live_tasks(self) -> list[Task]:
        if self._live is None:
            mine = (self._tasks.get(task_id) for task_id in self._instance.task_ids)
            self._live = [t for t in mine if t is not None and t.last_status != "STOPPED"]
        return self._live


def query_subject(instance: ContainerInstance, tasks: Mapping[str, Task]) -> QuerySubject:
    """`instance` as a QuerySubject; `tasks` maps task ids to tasks (e.g. `cluster.tasks`)."""
    return InstanceSubject(instance, tasks)

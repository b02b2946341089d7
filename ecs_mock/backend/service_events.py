"""Service events: ECS's exact texts (ecs-services.md §2.3) and how often each is repeated.

Events are kept newest last here and shown newest first; at most 100 are kept (MODEL). A
message of a *kind* that can repeat (a placement failure, throttling, a stuck deployment) is not
emitted again until its cause clears or 6 hours pass (documented for the console, observed for
the steady-state message).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .models import Task
from .placement import INSTANCE_FAILURE_REASONS
from .service_models import Service
from .state import Region

REPEAT_AFTER = 6 * 3600.0
TROUBLESHOOTING = (
    "For more information, see the Troubleshooting section of the Amazon ECS Developer Guide."
)
# Placement failure reason -> what the closest matching instance lacks (E7). Documented or
# observed: CPU, memory, ports, AGENT, attributes. Mock decision: the others use ECS's
# `encountered error "<reason>".` form.
_CLOSEST = {
    "RESOURCE:CPU": "has insufficient CPU units available.",
    "RESOURCE:MEMORY": "has insufficient memory available.",
    "RESOURCE:PORTS": "is already using a port required by your task.",
    "RESOURCE:PORTS_UDP": "is already using a port required by your task.",
    "ATTRIBUTE": "is missing an attribute required by your task.",
}
# Later in this list = closer to fitting: the instance the E7 message names.
_CLOSENESS = (
    "INACTIVE",
    "DRAINING",
    *INSTANCE_FAILURE_REASONS,
    "MemberOf placement constraint unsatisfied.",
    "DistinctInstance placement constraint unsatisfied.",
)


def emit(
    region: Region, service: Service, message: str, at: float, kind: str | None = None
) -> None:
    """Add `(service S) message`; a `kind` is not repeated while its cause lasts (or for 6 h)."""
    text = f"(service {service.name}) {message}"
    if kind is not None:
        previous = service.quiet.get(kind)
        if previous is not None and previous[0] == text and at - previous[1] < REPEAT_AFTER:
            return
        service.quiet[kind] = (text, at)
    service.events.append({"id": region.ids.uuid(), "createdAt": at, "message": text})
    region.touch(service)


def clear(service: Service, kind: str) -> None:
    """The cause of `kind` messages cleared: the next one is emitted again."""
    service.quiet.pop(kind, None)


def task_list(tasks: Sequence[Task]) -> str:
    return " ".join(f"(task {task.task_id})" for task in tasks)


def started(tasks: Sequence[Task]) -> str:
    # "has started 1 tasks" (plural even for one) is what ECS writes (observed).
    return f"has started {len(tasks)} tasks: {task_list(tasks)}."


def stopped(tasks: Sequence[Task]) -> str:
    return f"has stopped {len(tasks)} running tasks: {task_list(tasks)}."


def replaced_unhealthy(count: int) -> str:
    """Appended to E2 when the tasks started replace unhealthy ones (E10, observed)."""
    return f"Amazon ECS replaced {count} tasks due to an unhealthy status."


def failed_health_checks(task: Task) -> str:
    return f"(task {task.task_id}) failed container health checks."


# AZ rebalancing (E12), in the developer guide's words (track-service-rebalancing,
# service-rebalancing-event-messages-list). Mock decision: the guide writes the service as
# "service (S)" and "S", the form in which it writes every service event ("service (S) has
# reached a steady state."); the API's form, which every other event here uses, is "(service S)",
# and so is this one's. Task ids are listed as in E2/E3, "(task <id>)". The guide's lists are of
# three zones ("A, B, and C"); two are joined with "and".


def _zones(counts: Mapping[str, int], every: bool) -> str:
    """`4 tasks in a, 0 in b, and 0 in c` (`every`: `tasks` after each count), zones by name."""
    parts = [
        f"{counts[zone]} tasks in {zone}" if every or n == 0 else f"{counts[zone]} in {zone}"
        for n, zone in enumerate(sorted(counts))
    ]
    if len(parts) < 3:
        return " and ".join(parts)
    return ", ".join(parts[:-1]) + ", and " + parts[-1]


def not_az_balanced(counts: Mapping[str, int]) -> str:
    return f"is not AZ balanced with {_zones(counts, False)}. AZ Rebalancing in progress."


def az_balanced(counts: Mapping[str, int]) -> str:
    return f"is AZ balanced with {_zones(counts, True)}."


def rebalance_started(zone: str, tasks: Sequence[Task]) -> str:
    return f"has started {len(tasks)} tasks in {zone} to AZ Rebalance: {task_list(tasks)}."


def rebalance_stopped(zone: str, tasks: Sequence[Task]) -> str:
    return (
        f"has stopped {len(tasks)} running tasks in {zone} due to AZ rebalancing: "
        f"{task_list(tasks)}."
    )


def steady() -> str:
    return "has reached a steady state."


def deployment_completed(deployment_id: str) -> str:
    return f"(deployment {deployment_id}) deployment completed."


def deployment_failed(deployment_id: str, why: str) -> str:
    return f"(deployment {deployment_id}) deployment failed: {why}"


def rolling_back(deployment_id: str) -> str:
    return f"rolling back to deployment {deployment_id}."


def throttled() -> str:
    return "is unable to consistently start tasks successfully."


def blocked_by_configuration() -> str:
    return (
        "was unable to stop or start tasks during a deployment because of the service "
        "deployment configuration. Update the minimumHealthyPercent or maximumPercent value "
        "and try again."
    )


def no_instances() -> str:
    return (
        "was unable to place a task because no container instance met all of its "
        f"requirements. Reason: No Container Instances were found in your cluster. "
        f"{TROUBLESHOOTING}"
    )


def unable_to_place(failures: Sequence[dict[str, str]]) -> str:
    """E7 from one failure per candidate instance: the closest matching one is named."""

    def closeness(failure: dict[str, str]) -> int:
        reason = failure["reason"]
        return _CLOSENESS.index(reason) if reason in _CLOSENESS else len(_CLOSENESS)

    closest = max(failures, key=closeness)  # max keeps the first of equals
    instance_id = closest["arn"].rpartition("/")[2]
    lacks = _CLOSEST.get(closest["reason"], f'encountered error "{closest["reason"]}".')
    return (
        "was unable to place a task because no container instance met all of its "
        f"requirements. The closest matching (container-instance {instance_id}) {lacks} "
        f"{TROUBLESHOOTING}"
    )


def unable_with_reason(reason: str) -> str:
    """A placement that failed without an instance to name (Fargate capacity, a strategy the
    cluster no longer supports). Mock decision: ECS's `Reason:` form of E7."""
    reason = reason if reason.endswith(".") else reason + "."
    return f"was unable to place a task. Reason: {reason} {TROUBLESHOOTING}"

"""Container instance changes others react to (the service scheduler: DAEMON tasks follow
instances, replica tasks leave DRAINING ones, placements blocked for want of room retry)."""

from __future__ import annotations

from collections.abc import Callable

from .models import Cluster
from .state import Region

InstancesListener = Callable[[Region, Cluster, float], None]
_listeners: list[InstancesListener] = []


def on_instances_change(listener: InstancesListener) -> InstancesListener:
    """Register `listener` (usable as a decorator): called after an instance of a cluster was
    registered, deregistered, changed status or attributes, with the clock time."""
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def changed(region: Region, cluster: Cluster, at: float) -> None:
    for listener in _listeners:
        listener(region, cluster, at)

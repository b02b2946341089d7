"""Task metadata endpoint version 4 on the local server, for code that describes "the task I run
in" (ECS_CONTAINER_METADATA_URI_V4).

GET /v4/<task id>                 the task's first essential container's metadata
GET /v4/<task id>-<container>     that container's metadata
GET <either>/task                 the task's metadata, every container included
GET <either>/taskWithTags         the same with TaskTags (and ContainerInstanceTags on EC2)

so `ECS_CONTAINER_METADATA_URI_V4=http://127.0.0.1:5150/v4/<task id>` is what the agent would
inject. The task is looked up by id in every account and region the server holds. The stats
paths are not served (the mock runs no containers).
"""

from __future__ import annotations

import json
from typing import Any

from ..backend import task_metadata
from ..backend.models import Task
from ..errors import EcsError, shown
from ..protocol import Reply
from .app import ServerApp

PREFIX = "/v4/"
_PATHS = ("", "task", "taskWithTags")


def handle_metadata(app: ServerApp, method: str, path: str) -> Reply:
    if method not in ("GET", "HEAD"):
        raise EcsError(
            "UnknownOperationException", f"The metadata endpoint answers GET; got {method}.", 405
        )
    rest = path[len(PREFIX) :].split("?", 1)[0].strip("/")
    identifier, _, sub = rest.partition("/")
    task_id, _, container = identifier.partition("-")
    if sub not in _PATHS:
        raise EcsError(
            "UnknownOperationException",
            f"{path} is not served: the metadata paths are /v4/<task id>[-<container>], "
            "with /task or /taskWithTags (stats are not modelled).",
            status=404,
        )
    with app.backend.lock:
        found: tuple[Any, Task] | None = None
        for region in app.ticked_regions():
            task = region.tasks.get(task_id)
            if task is not None:
                found = (region, task)
                break
        if found is None:
            raise EcsError(
                "ResourceNotFoundException",
                f"No task {shown(task_id)!r} on this server.",
                status=404,
            )
        region, task = found
        if sub:
            body = task_metadata.task(region, task, with_tags=sub == "taskWithTags")
        else:
            which = task_metadata.find_container(task, container or None)
            if which is None:
                raise EcsError(
                    "ResourceNotFoundException",
                    f"Task {shown(task_id)} has no container named {shown(container)!r}.",
                    status=404,
                )
            body = task_metadata.container(region, task, which)
    encoded = json.dumps(body).encode()
    headers = {"Content-Type": "application/json", "Content-Length": str(len(encoded))}
    return Reply(200, encoded, headers)

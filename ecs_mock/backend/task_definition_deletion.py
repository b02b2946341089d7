"""DeleteTaskDefinitions: INACTIVE revisions become DELETE_IN_PROGRESS.

"When you delete a task definition revision, it is immediately transitions from the INACTIVE to
DELETE_IN_PROGRESS" (API reference). Such a revision still describes and lists (status
DELETE_IN_PROGRESS), keeps its family's revision counter, and cannot start tasks or services
(the launch pipeline's ACTIVE check). Mock decision: ECS removes it for good "periodically" once
no task or deployment uses it; the mock keeps it, so it stays describable.
"""

from __future__ import annotations

from typing import Any

from .. import clock
from .._schema import shape_members
from ..errors import EcsError, client_error, invalid_parameter, shown
from .lookup import find_task_definition, split_task_definition
from .models import TaskDefinition
from .state import Region

MOST = 10  # "You can specify up to 10 task definitions as a comma separated list."
DELETE_IN_PROGRESS = "DELETE_IN_PROGRESS"


def check_revision_number(reference: str) -> None:
    """A revision that is not a number: `InvalidParameterException: Invalid revision number.
    Number: foo` (observed for DeregisterTaskDefinition; an UpdateService log shows the same)."""
    text = reference.rsplit("/", 1)[-1] if reference.startswith("arn:") else reference
    _, colon, revision = text.partition(":")
    if colon and not (revision.isascii() and revision.isdigit()):
        raise invalid_parameter(f"Invalid revision number. Number: {shown(revision)}")


def _resolve(region: Region, reference: str) -> TaskDefinition | None:
    check_revision_number(reference)
    try:
        _, revision = split_task_definition(region, reference)
        if revision is None:
            raise client_error("Revision is missing.")  # as DeregisterTaskDefinition answers
        return find_task_definition(region, reference)
    except EcsError as error:
        if error.code == "ClientException" and error.message != "Revision is missing.":
            return None  # an unknown revision or family, or a foreign ARN: a failure
        raise


def delete_task_definitions(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    references: list[str] = params["taskDefinitions"]
    if not references:
        raise invalid_parameter("Task definitions can not be empty.")
    if len(references) > MOST:
        # Mock decision: the documented limit, worded as DescribeTasks words its own.
        raise invalid_parameter(f"taskDefinitions can have at most {MOST} items.")
    resolved = [(reference, _resolve(region, reference)) for reference in references]
    now = clock.now()
    deleted: list[dict[str, Any]] = []
    failures: list[dict[str, str]] = []
    for reference, definition in resolved:
        if definition is None:
            failures.append({"arn": reference, "reason": "MISSING"})
        elif definition.status == "ACTIVE":
            # Mock decision: ECS documents that a revision must be deregistered first, not the
            # failure's wording.
            failures.append(
                {
                    "arn": definition.arn,
                    "reason": "ACTIVE",
                    "detail": "Deregister the task definition revision before deleting it.",
                }
            )
        else:
            if definition.status == "INACTIVE":
                definition.body["status"] = DELETE_IN_PROGRESS
                if "deleteRequestedAt" in shape_members("TaskDefinition"):
                    # Absent from older models (botocore 1.34.17's): not answered there.
                    definition.body["deleteRequestedAt"] = now
                region.touch(definition)
            # Mock decision: deleting a revision already DELETE_IN_PROGRESS answers it again.
            deleted.append(definition.to_wire())
    return {"taskDefinitions": deleted, "failures": failures}

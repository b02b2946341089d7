"""DescribeDaemonDeployments, ListDaemonDeployments, DescribeDaemonRevisions."""

from __future__ import annotations

from typing import Any

from .. import clock
from ..errors import EcsError, invalid_parameter
from .daemon_lookup import DAEMON_NOT_FOUND, find_daemon, find_deployment, find_revision
from .paging import paged
from .state import Region

MAX_DESCRIBED = 20  # "You can specify up to 20 ARNs." (model)


def _check_references(name: str, references: list[str]) -> None:
    # Mock decision: an empty list is refused, like DescribeTasks' empty tasks.
    if not references:
        raise invalid_parameter(f"{name} can not be empty.")
    if len(references) > MAX_DESCRIBED:
        raise invalid_parameter(f"{name} can have at most {MAX_DESCRIBED} items.")


def _missing(arn: str) -> dict[str, str]:
    # Mock decision: any ARN that names nothing here (unknown, malformed, another account's, or
    # of a daemon that is gone) is a MISSING failure, as in DescribeClusters.
    return {"arn": arn, "reason": "MISSING"}


def describe_daemon_deployments(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    now = clock.now()
    references = params["daemonDeploymentArns"]
    _check_references("daemonDeploymentArns", references)
    found, failures = [], []
    for reference in references:
        match = find_deployment(region, reference, now)
        if match is None:
            failures.append(_missing(reference))
        else:
            daemon, deployment = match
            found.append(daemon.deployment_wire(deployment, now))
    return {"daemonDeployments": found, "failures": failures}


def describe_daemon_revisions(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    now = clock.now()
    references = params["daemonRevisionArns"]
    _check_references("daemonRevisionArns", references)
    found, failures = [], []
    for reference in references:
        match = find_revision(region, reference, now)
        if match is None:
            failures.append(_missing(reference))
        else:
            daemon, revision = match
            found.append(daemon.revision_wire(revision))
    return {"daemonRevisions": found, "failures": failures}


def list_daemon_deployments(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    now = clock.now()
    # The model lists no DaemonNotFoundException for this operation: a ClientException it is.
    daemon = find_daemon(
        region, params["daemonArn"], now, missing=EcsError("ClientException", DAEMON_NOT_FOUND)
    )
    statuses = params.get("status")
    window = params.get("createdAt", {})
    after, before = window.get("after"), window.get("before")
    summaries = [
        daemon.deployment_summary(deployment, now)
        # Mock decision: newest first; "after"/"before" exclude the bound itself.
        for deployment in reversed(daemon.deployments)
        if (not statuses or deployment.status(now) in statuses)
        and (after is None or deployment.created_at > after)
        and (before is None or deployment.created_at < before)
    ]
    # "If this parameter isn't used, then ListDaemonDeployments returns up to 20 results" (model)
    return paged("daemonDeployments", summaries, params, default=20)

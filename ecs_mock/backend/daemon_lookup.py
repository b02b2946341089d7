"""Resolving daemon, daemon task definition, revision and deployment references to state.

Every miss is a modeled ECS error (or None where the caller reports a MISSING failure).
"""

from __future__ import annotations

from collections.abc import Iterator

from ..arns import parse_arn
from ..errors import EcsError, client_error, invalid_parameter
from .daemon_models import Daemon, DaemonDeployment, DaemonRevision, DaemonTaskDefinition
from .lookup import NAME_PATTERN, find_cluster
from .state import Region

# Mock decision: ECS documents these errors, not their messages.
DAEMON_NOT_FOUND = "Daemon not found."
DEFINITION_NOT_FOUND = "Daemon task definition not found."


def daemon_not_found() -> EcsError:
    return EcsError("DaemonNotFoundException", DAEMON_NOT_FOUND)


def daemon_name_of(region: Region, reference: str) -> tuple[str, str]:
    """(cluster name, daemon name) from a daemon ARN of this account and region."""
    parsed = parse_arn(reference)
    parts = parsed.rest.split("/") if parsed is not None else []
    if (
        parsed is None
        or parsed.kind != "daemon"
        or len(parts) != 2
        or not all(NAME_PATTERN.fullmatch(part) for part in parts)
    ):
        # Mock decision: the operations take ARNs only (the parameter is daemonArn).
        raise invalid_parameter(f"Invalid daemon ARN: {reference}")
    if parsed.prefix != region.arns.prefix:
        raise daemon_not_found()  # another account's, region's or partition's daemon
    return parts[0], parts[1]


def find_daemon(
    region: Region, reference: str, now: float, missing: EcsError | None = None
) -> Daemon:
    """A daemon that exists (ACTIVE or DELETE_IN_PROGRESS) in a cluster that exists."""
    cluster_name, _ = daemon_name_of(region, reference)
    cluster = find_cluster(region, cluster_name)
    daemon = region.daemons.get(reference)
    if daemon is None or daemon.cluster is not cluster or daemon.is_gone(now):
        raise missing or daemon_not_found()
    return daemon


def is_live(region: Region, daemon: Daemon, now: float) -> bool:
    """Not yet gone, and in a cluster that still exists (the same cluster, not a new one of the
    same name): Mock decision: a daemon goes with its deleted cluster."""
    cluster = daemon.cluster
    # A deleted cluster stays INACTIVE in region.clusters for a while: the daemon is gone.
    return (
        region.clusters.get(cluster.name) is cluster
        and cluster.status == "ACTIVE"
        and not daemon.is_gone(now)
    )


def live_daemons(region: Region, now: float) -> Iterator[Daemon]:
    """Live daemons in creation order."""
    return (daemon for daemon in region.daemons.values() if is_live(region, daemon, now))


def _daemon_child(region: Region, reference: str, kind: str, now: float) -> Daemon | None:
    """The live daemon a deployment or revision ARN belongs to, or None."""
    parsed = parse_arn(reference)
    if parsed is None or parsed.kind != kind or parsed.prefix != region.arns.prefix:
        return None
    parts = parsed.rest.split("/")
    if len(parts) != 3:
        return None
    daemon = region.daemons.get(region.arns.daemon(parts[0], parts[1]))
    if daemon is None or not is_live(region, daemon, now):
        return None
    return daemon


def find_deployment(
    region: Region, reference: str, now: float
) -> tuple[Daemon, DaemonDeployment] | None:
    daemon = _daemon_child(region, reference, "daemon-deployment", now)
    if daemon is None:
        return None
    for deployment in daemon.deployments:
        if deployment.arn == reference:
            return daemon, deployment
    return None


def find_revision(
    region: Region, reference: str, now: float
) -> tuple[Daemon, DaemonRevision] | None:
    daemon = _daemon_child(region, reference, "daemon-revision", now)
    if daemon is None:
        return None
    for revision in daemon.revisions:
        if revision.arn == reference:
            return daemon, revision
    return None


# -- daemon task definitions --------------------------------------------------------------


def split_definition(region: Region, reference: str) -> tuple[str, int | None]:
    """(family, revision or None) from `family`, `family:revision` or a full ARN."""
    text = reference
    if reference.startswith("arn:"):
        parsed = parse_arn(reference)
        if (
            parsed is None
            or parsed.kind != "daemon-task-definition"
            or parsed.prefix != region.arns.prefix
        ):
            raise client_error(DEFINITION_NOT_FOUND)
        text = parsed.rest
    family, separator, revision = text.partition(":")
    if not NAME_PATTERN.fullmatch(family) or (separator and not revision.isdigit()):
        raise client_error(DEFINITION_NOT_FOUND)
    return family, int(revision) if separator else None


def find_definition(region: Region, reference: str, now: float) -> DaemonTaskDefinition:
    """A family resolves to its latest ACTIVE revision; a named revision may be in any status."""
    family, revision = split_definition(region, reference)
    revisions = region.daemon_families.get(family, [])
    if revision is None:
        for candidate in reversed(revisions):
            if definition_status(region, candidate, now) == "ACTIVE":
                return candidate
    elif 1 <= revision <= len(revisions):
        return revisions[revision - 1]
    raise client_error(DEFINITION_NOT_FOUND)


def definition_status(region: Region, definition: DaemonTaskDefinition, now: float) -> str:
    """ACTIVE until deleted; then DELETE_IN_PROGRESS while a daemon still runs it, DELETED once
    none does ("Existing daemons that reference the deleted daemon task definition continue to
    run", DeleteDaemonTaskDefinition).

    Mock decision: "runs it" means one of a live daemon's current revisions uses it.
    """
    if definition.delete_requested_at is None:
        return "ACTIVE"
    for daemon in live_daemons(region, now):
        if any(r.task_definition_arn == definition.arn for r in daemon.current_revisions(now)):
            return "DELETE_IN_PROGRESS"
    return "DELETED"

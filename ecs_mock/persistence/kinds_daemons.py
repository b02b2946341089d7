"""Row kinds for daemons and daemon task definitions (see kinds.py for how a kind is declared).

A daemon's state is read off the clock (a deployment is IN_PROGRESS until `finishes_at`), so its
row keeps the stable members of its API shape (`daemonArn`, `clusterArn`, `createdAt`,
`updatedAt`, `tags`) and, internally, what the states are computed from: the settings, every
revision and every deployment (whose target and sources name revisions by ARN).
"""

from __future__ import annotations

from typing import Any

from ..backend.daemon_models import Daemon, DaemonDeployment, DaemonRevision, DaemonTaskDefinition
from ..backend.state import Region
from .codec import field_type, from_json
from .fields import (
    Api,
    Derived,
    Fields,
    Internal,
    Json,
    Kind,
    Loading,
    api_body,
    cluster_live,
    cluster_ref,
    ident,
    no_extra,
    require,
)

# -- daemon task definitions ----------------------------------------------------------------

DAEMON_TASK_DEFINITION_FIELDS: Fields = {
    "family": Api("family"),
    "revision": Api("revision"),
    "arn": Api("daemonTaskDefinitionArn"),
    "body": Derived("the whole body: the definition is stored in its API shape"),
    "tags": Internal(),
    "delete_requested_at": Internal(),
}


def _find_definition(region: Region, key: str) -> DaemonTaskDefinition | None:
    family, _, revision = key.rpartition(":")
    revisions = region.daemon_families.get(family, [])
    number = int(revision) if revision.isdigit() else 0
    return revisions[number - 1] if 1 <= number <= len(revisions) else None


def _link_definition(
    loading: Loading, definition: DaemonTaskDefinition, body: Json, internal: Json
) -> None:
    region = loading.region
    where = f"daemon task definition {definition.arn}"
    revisions = region.daemon_families.setdefault(definition.family, [])
    require(
        definition.revision == len(revisions) + 1,
        f"{where}: revisions of {definition.family} are not 1, 2, ...",
    )
    require(
        definition.arn
        == region.arns.daemon_task_definition(definition.family, definition.revision),
        f"{where}: the ARN does not match its family and revision",
    )
    revisions.append(definition)


DAEMON_TASK_DEFINITIONS = Kind(
    name="daemon-task-definition",
    model=DaemonTaskDefinition,
    fields=DAEMON_TASK_DEFINITION_FIELDS,
    key=lambda d: f"{d.family}:{d.revision}",
    find=_find_definition,
    every=lambda region: (
        (f"{d.family}:{d.revision}", d)
        for revisions in region.daemon_families.values()
        for d in revisions
    ),
    body=lambda region, d: d.body,
    extra=no_extra,
    derive=lambda region, key, body, internal: {"body": body},
    link=_link_definition,
    # The status is read off the clock and the daemons; any valid one checks the shape.
    schema=(
        "DescribeDaemonTaskDefinition",
        lambda b, i: {"daemonTaskDefinition": {**b, "status": "ACTIVE"}},
    ),
)

# -- daemons --------------------------------------------------------------------------------

DAEMON_FIELDS: Fields = {
    "name": Derived("the ARN's last part"),
    "arn": Api("daemonArn"),
    "cluster": Derived("clusterArn, and internal.cluster_live"),
    "created_at": Api("createdAt"),
    "updated_at": Api("updatedAt"),
    "configuration": Internal(),
    "client_token": Internal(),
    "tags": Api("tags"),
    "revisions": Internal(),
    "deployments": Derived("internal.deployments, their revisions named by ARN"),
    "deleted_at": Internal(),
}
# A deployment in the internal column: its own values, and its revisions by ARN.
DEPLOYMENT_FIELDS: Fields = {
    "arn": Internal(),
    "created_at": Internal(),
    "finishes_at": Internal(),
    "target": Derived("the revision whose ARN internal target names (null: a deletion)"),
    "sources": Derived("the revisions whose ARNs internal sources name"),
    "configuration": Internal(),
    "stopped_at": Internal(),
}


def _daemon_body(region: Region, daemon: Daemon) -> Json:
    return {**api_body(DAEMON_FIELDS, daemon), "clusterArn": daemon.cluster.arn}


def _deployment(deployment: DaemonDeployment) -> Json:
    return {
        "arn": deployment.arn,
        "created_at": deployment.created_at,
        "finishes_at": deployment.finishes_at,
        "target": None if deployment.target is None else deployment.target.arn,
        "sources": [revision.arn for revision in deployment.sources],
        "configuration": deployment.configuration,
        "stopped_at": deployment.stopped_at,
    }


def _daemon_extra(region: Region, daemon: Daemon) -> Json:
    return {
        "cluster_live": cluster_live(region, daemon.cluster),
        "deployments": [_deployment(d) for d in daemon.deployments],
    }


def _deployments(revisions: list[DaemonRevision], internal: Json, where: str) -> Any:
    by_arn = {revision.arn: revision for revision in revisions}

    def revision(arn: Any, at: str) -> DaemonRevision:
        found = by_arn.get(arn) if isinstance(arn, str) else None
        require(found is not None, f"{at}: {arn!r} is not one of the daemon's revisions")
        assert found is not None
        return found

    deployments = []
    rows = from_json(list[dict[str, Any]], internal.get("deployments"), f"{where}.deployments")
    for n, row in enumerate(rows):
        at = f"{where}.deployments[{n}]"
        require(set(row) == set(DEPLOYMENT_FIELDS), f"{at}: not a deployment's members")
        values = {
            name: from_json(field_type(DaemonDeployment, name), row[name], f"{at}.{name}")
            for name, spec in DEPLOYMENT_FIELDS.items()
            if isinstance(spec, Internal)
        }
        target = row["target"]
        values["target"] = None if target is None else revision(target, f"{at}.target")
        sources = from_json(list[str], row["sources"], f"{at}.sources")
        values["sources"] = [revision(arn, f"{at}.sources") for arn in sources]
        deployments.append(DaemonDeployment(**values))
    require(bool(deployments), f"{where}: a daemon has at least one deployment")
    return deployments


def _derive_daemon(region: Region, key: str, body: Json, internal: Json) -> Json:
    where = f"daemon {key}"
    parts = ident(body.get("daemonArn"), "daemon", region, where)
    require(len(parts) == 2 and body.get("daemonArn") == key, f"{where}: the ARN does not match")
    cluster = cluster_ref(region, body.get("clusterArn"), internal.get("cluster_live"), where)
    require(cluster.name == parts[0], f"{where}: the daemon and cluster ARNs disagree")
    revisions = from_json(list[DaemonRevision], internal.get("revisions"), f"{where}.revisions")
    return {
        "name": parts[1],
        "cluster": cluster,
        "deployments": _deployments(revisions, internal, where),
    }


def _link_daemon(loading: Loading, daemon: Daemon, body: Json, internal: Json) -> None:
    region = loading.region
    require(daemon.arn not in region.daemons, f"daemon {daemon.arn}: duplicate")
    region.daemons[daemon.arn] = daemon


DAEMONS = Kind(
    name="daemon",
    model=Daemon,
    fields=DAEMON_FIELDS,
    key=lambda daemon: daemon.arn,
    find=lambda region, key: region.daemons.get(key),
    every=lambda region: region.daemons.items(),
    body=_daemon_body,
    extra=_daemon_extra,
    derive=_derive_daemon,
    link=_link_daemon,
    schema=None,  # the API shapes are read off the clock: no stable one to check
    nested={"deployments": DEPLOYMENT_FIELDS},
)

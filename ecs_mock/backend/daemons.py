"""CreateDaemon, UpdateDaemon, DeleteDaemon, DescribeDaemon, ListDaemons.

Each change starts a daemon deployment (daemon_models explains their clock); Create and Update
also snapshot the settings as a new daemon revision. Every check runs before anything is
written, so a refused request changes nothing.
"""

from __future__ import annotations

import copy
from typing import Any

from .. import clock
from ..arns import parse_arn
from ..errors import EcsError, invalid_parameter
from .capacity import FARGATE_PROVIDERS
from .daemon_lookup import definition_status, find_daemon, find_definition, live_daemons
from .daemon_models import (
    DEFAULT_DRAIN_PERCENT,
    Daemon,
    DaemonDeployment,
    DaemonRevision,
    DaemonTaskDefinition,
)
from .lookup import NAME_PATTERN, find_cluster
from .paging import paged
from .state import Region
from .tags import check_tags

MAX_BAKE_MINUTES = 1440  # the bake-time range ECS documents for service deployments


def _capacity_providers(region: Region, values: list[str]) -> list[str]:
    if not values:
        raise invalid_parameter("capacityProviderArns can not be empty.")
    for value in values:
        parsed = parse_arn(value)
        if (
            parsed is None
            or parsed.kind != "capacity-provider"
            or not NAME_PATTERN.fullmatch(parsed.rest)
            or parsed.prefix != region.arns.prefix
        ):
            raise invalid_parameter(
                f"Invalid capacity provider ARN: {value}. Give the full ARN of a capacity "
                "provider in this account and Region."
            )
        if parsed.rest in FARGATE_PROVIDERS or parsed.rest in region.capacity_providers:
            # "ECS Managed Daemons is only supported for Amazon ECS Managed Instances Capacity
            # Providers" (model); the mock's own providers are all Auto Scaling group ones.
            raise invalid_parameter(
                "Daemons are only supported on Amazon ECS Managed Instances capacity providers."
            )
    if len(set(values)) != len(values):
        raise invalid_parameter("capacityProviderArns must not contain duplicates.")
    # Mock decision: ecs_mock creates no Managed Instances capacity providers, so a well-formed
    # ARN of this account and Region that names none of its providers is taken as one.
    return list(values)


def _configuration(given: dict[str, Any] | None, previous: dict[str, Any] | None) -> dict[str, Any]:
    """The deployment configuration with the documented defaults filled in."""
    if given is None:
        if previous is not None:
            return copy.deepcopy(previous)  # Mock decision: UpdateDaemon without one keeps it
        given = {}
    bake = given.get("bakeTimeInMinutes", 0)
    if not 0 <= bake <= MAX_BAKE_MINUTES:
        raise invalid_parameter(
            f"bakeTimeInMinutes must be between 0 and {MAX_BAKE_MINUTES}, but was {bake}."
        )
    alarms = given.get("alarms", {})
    return {
        "drainPercent": float(given.get("drainPercent", DEFAULT_DRAIN_PERCENT)),
        "alarms": {
            "alarmNames": list(alarms.get("alarmNames", [])),
            "enable": bool(alarms.get("enable", False)),
        },
        "bakeTimeInMinutes": bake,
    }


def _check_token(token: str | None) -> None:
    # "Up to 36 ASCII characters in the range of 33-126 (inclusive) are allowed." (model)
    if token is not None and not (
        1 <= len(token) <= 36 and all(33 <= ord(c) <= 126 for c in token)
    ):
        raise invalid_parameter("clientToken must be 1 to 36 ASCII characters from '!' to '~'.")


def _active_definition(region: Region, reference: str, now: float) -> DaemonTaskDefinition:
    definition = find_definition(region, reference, now)
    status = definition_status(region, definition, now)
    if status != "ACTIVE":
        # "After a daemon task definition is deleted, no new daemons can be created using this
        # definition." (model) Mock decision: the text; UpdateDaemon is held to it too.
        raise EcsError("ClientException", f"Daemon task definition {definition.arn} is {status}.")
    return definition


def _revision(
    region: Region,
    daemon: tuple[str, str],
    params: dict[str, Any],
    previous: DaemonRevision | None,
    now: float,
) -> DaemonRevision:
    """A new revision of the daemon (cluster name, daemon name) from a Create/Update request."""
    definition = _active_definition(region, params["daemonTaskDefinitionArn"], now)
    providers = _capacity_providers(region, params["capacityProviderArns"])
    images = []
    for container in definition.body["containerDefinitions"]:
        # Mock decision: no registry is asked, so imageDigest is left out.
        image = {"image": container["image"]}
        if "name" in container:
            image["containerName"] = container["name"]
        images.append(image)
    # Defaults: propagateTags NONE (documented example), critical true (model); Mock
    # decision: an UpdateDaemon that omits a setting keeps the current one.
    settings: dict[str, Any] = {
        "propagateTags": "NONE",
        "enableECSManagedTags": False,
        "enableExecuteCommand": False,
        "critical": True,
    }
    if previous is not None:
        settings = {
            "propagateTags": previous.propagate_tags,
            "enableECSManagedTags": previous.managed_tags,
            "enableExecuteCommand": previous.execute_command,
            "critical": previous.critical,
        }
    settings.update({key: params[key] for key in settings if key in params})
    cluster, name = daemon
    return DaemonRevision(
        arn=region.arns.daemon_revision(cluster, name, region.ids.digits(19)),
        created_at=now,
        task_definition_arn=definition.arn,
        container_images=images,
        capacity_providers=providers,
        propagate_tags=settings["propagateTags"],
        managed_tags=settings["enableECSManagedTags"],
        execute_command=settings["enableExecuteCommand"],
        critical=settings["critical"],
    )


def _deploy(region: Region, daemon: Daemon, target: DaemonRevision | None, now: float) -> None:
    sources = daemon.current_revisions(now) if daemon.deployments else []
    daemon.stop_rollout(now)
    minutes = daemon.configuration["bakeTimeInMinutes"]
    daemon.deployments.append(
        DaemonDeployment(
            arn=region.arns.daemon_deployment(
                daemon.cluster.name, daemon.name, region.ids.alphanumeric(16)
            ),
            created_at=now,
            finishes_at=round(now + minutes * 60, 3),
            target=target,
            sources=sources,
            configuration=copy.deepcopy(daemon.configuration),
        )
    )
    if target is not None:
        daemon.revisions.append(target)


def create_daemon(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    now = clock.now()
    name = params["daemonName"]
    if not NAME_PATTERN.match(name):
        raise invalid_parameter("Daemon name must match ^[a-zA-Z0-9\\-_]{1,255}$, but was " + name)
    # The model does not say; Mock decision: like ListDaemons, the default cluster when omitted.
    cluster = find_cluster(region, params.get("clusterArn"))
    arn = region.arns.daemon(cluster.name, name)
    token = params.get("clientToken")
    _check_token(token)
    existing = region.daemons.get(arn)
    if existing is not None and existing.cluster is cluster and not existing.is_gone(now):
        if token is not None and token == existing.client_token:
            return _created(existing)  # the same request again (clientToken idempotency)
        if existing.deleted_at is not None:
            raise invalid_parameter(f"Daemon {name} is being deleted; create it once it is gone.")
        # Mock decision: CreateService's text for a name already taken.
        raise invalid_parameter("Creation of daemon was not idempotent.")
    configuration = _configuration(params.get("deploymentConfiguration"), None)
    revision = _revision(region, (cluster.name, name), params, None, now)
    tags = check_tags(params.get("tags", []))
    daemon = Daemon(
        name=name,
        arn=arn,
        cluster=cluster,
        created_at=now,
        updated_at=now,
        configuration=configuration,
        client_token=token,
        tags=tags,
    )
    _deploy(region, daemon, revision, now)
    region.daemons[arn] = daemon  # a daemon of the same name that is gone is forgotten
    region.touch(daemon)
    return _created(daemon)


def _created(daemon: Daemon) -> dict[str, Any]:
    first = daemon.deployments[0]
    return {
        "daemonArn": daemon.arn,
        "status": "ACTIVE",
        "createdAt": daemon.created_at,
        "deploymentArn": first.arn,
    }


def _changed(daemon: Daemon) -> dict[str, Any]:
    return {
        "daemonArn": daemon.arn,
        "status": daemon.status,
        "createdAt": daemon.created_at,
        "updatedAt": daemon.updated_at,
        "deploymentArn": daemon.latest.arn,
    }


def update_daemon(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    now = clock.now()
    daemon = find_daemon(region, params["daemonArn"], now)
    if daemon.deleted_at is not None:
        # Mock decision: the text follows the observed one for services
        # ("Cannot perform this operation on a service in INACTIVE status").
        raise EcsError(
            "DaemonNotActiveException",
            "Cannot perform this operation on a daemon in DELETE_IN_PROGRESS status.",
        )
    configuration = _configuration(params.get("deploymentConfiguration"), daemon.configuration)
    revision = _revision(
        region, (daemon.cluster.name, daemon.name), params, daemon.revisions[-1], now
    )
    daemon.configuration = configuration
    daemon.updated_at = now
    _deploy(region, daemon, revision, now)
    region.touch(daemon)
    return _changed(daemon)


def delete_daemon(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    now = clock.now()
    daemon = find_daemon(region, params["daemonArn"], now)
    if daemon.deleted_at is not None:
        # Observed: deleting again while the deletion runs is an InvalidParameterException
        # containing "deployment deletion is ongoing" (tools match on it). The rest is ours.
        raise invalid_parameter(
            f"Daemon {daemon.name} cannot be deleted: deployment deletion is ongoing."
        )
    daemon.updated_at = now
    _deploy(region, daemon, None, now)
    daemon.deleted_at = now
    region.touch(daemon)
    return _changed(daemon)


def describe_daemon(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    now = clock.now()
    return {"daemon": find_daemon(region, params["daemonArn"], now).detail(now)}


def list_daemons(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    now = clock.now()
    cluster = find_cluster(region, params.get("clusterArn"))  # "the default cluster is assumed"
    wanted = params.get("capacityProviderArns")
    if wanted is not None:
        _capacity_providers(region, wanted)
    summaries = [
        daemon.summary()
        for daemon in live_daemons(region, now)
        if daemon.cluster is cluster
        # Mock decision: a daemon matches when any of its capacity providers is listed.
        and (wanted is None or set(wanted) & set(daemon.revisions[-1].capacity_providers))
    ]
    return paged("daemonSummariesList", summaries, params)

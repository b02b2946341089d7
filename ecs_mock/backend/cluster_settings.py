"""UpdateCluster and UpdateClusterSettings, and the checks CreateCluster shares with them:
settings (Container Insights), configuration (ECS Exec, managed storage) and the default
Service Connect namespace."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ..arns import partition_for
from ..errors import EcsError, invalid_parameter, shown
from .lookup import find_cluster
from .state import Region

INSIGHTS = "containerInsights"  # the one cluster setting
INSIGHTS_VALUES = ("enhanced", "enabled", "disabled")
MAX_NAMESPACE = 1024
_NAMESPACE_ARN = re.compile(
    r"arn:(?P<partition>aws[a-z-]*):servicediscovery:(?P<region>[a-z0-9-]+):"
    r"(?P<account>\d{12}):namespace/ns-[A-Za-z0-9]+\Z"
)


def update_cluster(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    cluster = find_cluster(region, params["cluster"])
    settings = check_settings(params["settings"]) if "settings" in params else None
    configuration = check_configuration(params.get("configuration"))
    defaults = params.get("serviceConnectDefaults")
    # Every check is made before anything changes (a namespace name is only remembered last).
    if defaults is not None:
        check_namespace(region, defaults["namespace"])
    if settings is not None:
        cluster.settings = merge_settings(cluster.settings, settings)
    if configuration is not None:
        # Mock decision: each configuration given (executeCommandConfiguration,
        # managedStorageConfiguration) replaces the cluster's; the others stay.
        cluster.configuration = {**(cluster.configuration or {}), **configuration}
    if defaults is not None:
        cluster.service_connect_defaults = service_connect_defaults(region, defaults["namespace"])
    region.touch(cluster)
    return {"cluster": cluster.to_wire()}


def update_cluster_settings(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    cluster = find_cluster(region, params["cluster"])
    cluster.settings = merge_settings(cluster.settings, check_settings(params["settings"]))
    region.touch(cluster)
    return {"cluster": cluster.to_wire()}


def check_settings(settings: Sequence[dict[str, Any]]) -> list[dict[str, str]]:
    """Container Insights is `enhanced`, `enabled` or `disabled` (the model's documentation).

    Mock decision: another value, or none, is refused with this message."""
    checked = []
    for setting in settings:
        value = setting.get("value")
        if value not in INSIGHTS_VALUES:
            raise invalid_parameter(
                f"Invalid value {shown(value)!r} for cluster setting "
                f"{shown(setting.get('name'))}: it must be one of {', '.join(INSIGHTS_VALUES)}."
            )
        checked.append({"name": str(setting["name"]), "value": str(value)})
    return checked


def merge_settings(
    current: Sequence[dict[str, str]], given: Sequence[dict[str, str]]
) -> list[dict[str, str]]:
    """Settings given replace the current ones of the same name; the rest stay."""
    merged = {setting["name"]: setting for setting in current}
    merged.update({setting["name"]: setting for setting in given})
    return list(merged.values())


def check_configuration(configuration: dict[str, Any] | None) -> dict[str, Any] | None:
    """Logging OVERRIDE needs a logConfiguration ("When logging=OVERRIDE is specified, a
    logConfiguration must be provided", API reference). Mock decision: the message."""
    if configuration is None:
        return None
    execute = configuration.get("executeCommandConfiguration") or {}
    if execute.get("logging") == "OVERRIDE" and not execute.get("logConfiguration"):
        raise invalid_parameter(
            "executeCommandConfiguration with logging OVERRIDE requires a logConfiguration."
        )
    return dict(configuration)


def check_namespace(region: Region, namespace: str) -> None:
    """A namespace name (up to 1024 characters, none of > < " /) or a Cloud Map namespace ARN
    of this account and Region (documented rules); "" removes the defaults."""
    if namespace.startswith("arn:"):
        match = _NAMESPACE_ARN.match(namespace)
        if match is None:
            raise invalid_parameter(f"Invalid namespace ARN: {shown(namespace)}")
        here = (partition_for(region.region), region.region, region.account_id)
        if (match["partition"], match["region"], match["account"]) != here:
            # "The namespace must be in this account and this Amazon Web Services Region."
            # Mock decision: the text.
            raise EcsError(
                "NamespaceNotFoundException",
                "The namespace was not found in this account and Region.",
            )
        return
    if len(namespace) > MAX_NAMESPACE or any(c in namespace for c in '<>"/'):
        raise invalid_parameter(
            f'Invalid namespace name: up to {MAX_NAMESPACE} characters, without >, <, " or /.'
        )


def service_connect_defaults(region: Region, namespace: str) -> dict[str, str] | None:
    """What the cluster reports for a checked namespace: its ARN, as ECS answers even when it
    was given a name (AWS CLI update-cluster example: `namespace=test` answers an ARN).

    Mock decision: there is no Cloud Map in the mock. A name is given an ARN of this account
    and Region (`.../namespace/ns-<16 hex digits>`), the same one each time the name is used
    in the Region, as ECS reuses an existing namespace of that name; an ARN is echoed as given.
    "" removes the defaults (documented for UpdateCluster; CreateCluster sets none)."""
    check_namespace(region, namespace)
    if not namespace:
        return None
    if namespace.startswith("arn:"):
        return {"namespace": namespace}
    arn = region.namespaces.get(namespace)
    if arn is None:
        arn = region.namespaces[namespace] = region.arns.namespace("ns-" + region.ids.hex(16))
        region.touch(region)
    return {"namespace": arn}

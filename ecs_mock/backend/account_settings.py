"""Account settings: PutAccountSetting, PutAccountSettingDefault, DeleteAccountSetting and
ListAccountSettings, per account and region, for the root user and named IAM principals.

Settings are stored and echoed. The long ARN format settings have their effect (arn_format.py),
and so do two others: containerInsights is the setting a new cluster gets when CreateCluster
names none (clusters.py), and with awsvpcTrunking enabled a container instance of a supported
type registered then gets a trunk ENI and more ENI slots (trunking.py). The others are stored and
echoed only.

Mock decision: the mock has no IAM identities, so "the authenticated user" (a request without
`principalArn`) is the account's root user; a root setting is the account default, as
PutAccountSettingDefault's documented answer shows. That root user is also the principal that
registers container instances, so a setting for a named user or role does not reach them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ..arns import partition_for
from ..errors import invalid_parameter, shown
from .paging import page
from .state import Region

# What current AWS reports for an account that never changed a setting (developer guide:
# ecs-account-settings; retirement wait 7 days; default log driver mode non-blocking since 2025).
DEFAULTS: dict[str, str] = {
    "awsvpcTrunking": "disabled",
    "containerInsights": "disabled",
    "containerInstanceLongArnFormat": "enabled",
    "defaultLogDriverMode": "non-blocking",
    "fargateEventWindows": "disabled",
    "fargateFIPSMode": "disabled",
    "fargateTaskRetirementWaitPeriod": "7",
    "guardDutyActivate": "off",
    "serviceLongArnFormat": "enabled",
    "tagResourceAuthorization": "on",
    "taskLongArnFormat": "enabled",
}
_ENABLED = ("enabled", "disabled")
VALUES: dict[str, tuple[str, ...]] = {
    "awsvpcTrunking": _ENABLED,
    "containerInsights": ("enabled", "disabled", "enhanced"),
    "containerInstanceLongArnFormat": _ENABLED,
    "defaultLogDriverMode": ("blocking", "non-blocking"),
    "fargateEventWindows": _ENABLED,
    "fargateFIPSMode": _ENABLED,
    "fargateTaskRetirementWaitPeriod": ("0", "7", "14"),
    "guardDutyActivate": ("on", "off"),
    "serviceLongArnFormat": _ENABLED,
    "tagResourceAuthorization": ("on", "off"),
    "taskLongArnFormat": _ENABLED,
}
AWS_MANAGED = frozenset({"guardDutyActivate"})  # "read-only, as AWS manages" it (model docs)
_PRINCIPAL = re.compile(r"arn:(?P<partition>[a-z-]+):iam::(?P<account>\d{12}):(?P<rest>.+)\Z")
_MAX_RESULTS = 10


def _all_known() -> tuple[frozenset[str], bool]:
    return frozenset(DEFAULTS), True


# (setting names the installed model has, whether its Setting shape has `type`): set by the
# dispatcher from the service model, so an older botocore is never sent what it lacks.
model_facts: Callable[[], tuple[frozenset[str], bool]] = _all_known


def root(region: Region) -> str:
    return f"arn:{partition_for(region.region)}:iam::{region.account_id}:root"


def _principal(region: Region, params: dict[str, Any]) -> str:
    arn = params.get("principalArn")
    if arn is None:
        return root(region)
    match = _PRINCIPAL.match(arn)
    # Mock decision: a principal of another account (or not an IAM ARN) is refused; ECS lets
    # only the root user or the principal itself set it, and the caller here is the root user.
    if (
        match is None
        or match["account"] != region.account_id
        or match["partition"] != partition_for(region.region)
        or not (match["rest"] == "root" or match["rest"].startswith(("user/", "role/")))
    ):
        raise invalid_parameter(
            f"principalArn {shown(arn)} is not the root user, an IAM user or a role of this "
            "account."
        )
    return str(arn)


def _setting(name: str, value: str, principal: str, with_type: bool) -> dict[str, str]:
    setting = {"name": name, "value": value, "principalArn": principal}
    if with_type:
        setting["type"] = "aws_managed" if name in AWS_MANAGED else "user"
    return setting


def _check_value(name: str, value: str) -> None:
    if name in AWS_MANAGED:
        raise invalid_parameter(f"The account setting {name} is managed by AWS and is read-only.")
    allowed = VALUES[name]
    if value not in allowed:
        # Mock decision: the wording is ECS-like; the accepted values are the documented ones.
        raise invalid_parameter(
            f"Invalid value {shown(value)} for account setting {name}. "
            f"Valid values are: {', '.join(allowed)}."
        )


def _store(region: Region, principal: str, name: str, value: str) -> dict[str, Any]:
    _check_value(name, value)
    if name == "fargateTaskRetirementWaitPeriod" and principal != root(region):
        raise invalid_parameter("You must use the root user when you set the Fargate wait time.")
    region.account_settings[(principal, name)] = value
    region.touch(region)  # the state file keeps account settings in the region's row
    return {"setting": _setting(name, value, principal, model_facts()[1])}


def put_account_setting(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    return _store(region, _principal(region, params), params["name"], params["value"])


def put_account_setting_default(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    return _store(region, root(region), params["name"], params["value"])


def effective(region: Region, principal: str, name: str) -> str:
    """The value in force for `principal`: its own, else the account's (root), else AWS's."""
    stored = region.account_settings
    own = stored.get((principal, name))
    if own is not None:
        return own
    return stored.get((root(region), name), DEFAULTS[name])


def delete_account_setting(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    principal = _principal(region, params)
    name = params["name"]
    if name in AWS_MANAGED:
        raise invalid_parameter(f"The account setting {name} is managed by AWS and is read-only.")
    # Mock decision: the answer carries the value removed; with nothing set for the principal,
    # the value in force (nothing changes).
    removed = region.account_settings.pop((principal, name), None)
    region.touch(region)
    value = removed if removed is not None else effective(region, principal, name)
    return {"setting": _setting(name, value, principal, model_facts()[1])}


def list_account_settings(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    name, value = params.get("name"), params.get("value")
    if value is not None and name is None:
        raise invalid_parameter("You must also specify an account setting name to use value.")
    max_results = params.get("maxResults")
    if max_results is not None and not 1 <= max_results <= _MAX_RESULTS:
        raise invalid_parameter(f"maxResults must be between 1 and {_MAX_RESULTS}.")
    principal = _principal(region, params)
    known, with_type = model_facts()
    names = sorted(n for n in DEFAULTS if n in known and (name is None or n == name))
    settings = []
    for each in names:
        if params.get("effectiveSettings"):
            found: str | None = effective(region, principal, each)
        else:
            found = region.account_settings.get((principal, each))
        if found is not None and (value is None or found == value):
            settings.append(_setting(each, found, principal, with_type))
    window, token = page(settings, params.get("nextToken"), max_results, _MAX_RESULTS)
    result: dict[str, Any] = {"settings": window}
    if token:
        result["nextToken"] = token
    return result

"""The rules CreateService and UpdateService share (ecs-services.md §1.2), as pure checks.

Each raises the modeled ECS error and changes nothing. Texts marked observed are ECS's own; the
others are Mock decisions that name the rule broken.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from typing import Any

from ..errors import invalid_parameter
from .capacity import FARGATE_PROVIDERS
from .models import TaskDefinition

NAME = re.compile(r"[A-Za-z0-9_-]{1,255}\Z")
MAX_TOKEN = 36
# Mock decision: the "tasks per service" quota (5,000) bounds desiredCount, so a typo cannot
# make the scheduler start millions of tasks.
MAX_DESIRED = 5000
MAX_TARGET_GROUPS = 5
DAEMON_DESIRED = (
    "The daemon scheduling strategy does not support a desired count for services. Remove the "
    "desired count value and try again"
)
DAEMON_MAXIMUM = (
    "The daemon scheduling strategy does not support values above 100 for maximumPercent on a "
    "deployment configuration. Change the maximumPercent value to 100, and try again"
)
DAEMON_STRATEGY = (
    "The daemon scheduling strategy does not support placement strategies. Remove the "
    "placement strategy and try again"
)
GRACE_WITHOUT_LB = (
    "Health check grace period is only valid for services configured to use load balancers"
)
ROLE_WITH_AWSVPC = "You cannot specify an IAM role for services that require a service linked role."
REPLICA_DEFAULTS: dict[str, Any] = {
    "deploymentCircuitBreaker": {"enable": False, "rollback": False},
    "maximumPercent": 200,
    "minimumHealthyPercent": 100,
}
DAEMON_DEFAULTS: dict[str, Any] = {
    "deploymentCircuitBreaker": {"enable": False, "rollback": False},
    "maximumPercent": 100,
    "minimumHealthyPercent": 0,
}
# Members of newer ECS APIs the mock does not model; refused rather than ignored.
UNMODELLED_REQUEST = ("gatewayConnectors", "monitoring")


def check_name(name: str) -> None:
    if not NAME.match(name):
        # Mock decision: the rule is the model's; the text mirrors ECS's cluster-name message.
        raise invalid_parameter(
            f"Service name must match ^[a-zA-Z0-9\\-_]{{1,255}}$, but was {name}"
        )


def check_unmodelled(params: dict[str, Any]) -> None:
    for member in UNMODELLED_REQUEST:
        if params.get(member):
            raise invalid_parameter(
                f"ecs_mock does not model {member}; remove it from the request."
            )


def check_desired(desired: int | None) -> None:
    if desired is None:
        return
    if desired < 0:
        raise invalid_parameter("desiredCount must be 0 or greater.")
    if desired > MAX_DESIRED:
        raise invalid_parameter(
            f"desiredCount {desired} is above the {MAX_DESIRED} tasks a service may run."
        )


def is_fargate(params: dict[str, Any]) -> bool:
    strategy = params.get("capacityProviderStrategy") or []
    if strategy:
        return any(item.get("capacityProvider") in FARGATE_PROVIDERS for item in strategy)
    return params.get("launchType") == "FARGATE"


def check_daemon(params: dict[str, Any], controller: str, fargate: bool) -> None:
    """C10-C13 and C24 for a DAEMON service (create, and update of one)."""
    if params.get("desiredCount") is not None:
        raise invalid_parameter(DAEMON_DESIRED)
    if params.get("placementStrategy"):
        raise invalid_parameter(DAEMON_STRATEGY)
    maximum = (params.get("deploymentConfiguration") or {}).get("maximumPercent")
    if maximum is not None and maximum > 100:
        raise invalid_parameter(DAEMON_MAXIMUM)
    if fargate:
        # Mock decision: the rule is documented, the text is an emulator's.
        raise invalid_parameter(
            "The daemon scheduling strategy does not support the FARGATE launch type. Change "
            "the launch type and try again"
        )
    if controller != "ECS":
        raise invalid_parameter(
            f"The daemon scheduling strategy does not support the {controller} deployment "
            "controller. Change the deployment controller and try again"
        )
    if params.get("volumeConfigurations"):
        raise invalid_parameter(
            "The daemon scheduling strategy does not support volume configurations."
        )
    if params.get("capacityProviderStrategy"):
        # Mock decision: a daemon task goes on every instance, so no strategy chooses where;
        # ECS's rule and text for this are not published.
        raise invalid_parameter(
            "The daemon scheduling strategy does not support capacity provider strategies. "
            "Remove the capacity provider strategy and try again"
        )


def deployment_configuration(
    given: dict[str, Any] | None, scheduling: str, current: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The service's deploymentConfiguration after `given` (members not sent keep their value;
    defaults REPLICA 200/100, DAEMON 100/0, breaker off)."""
    base = REPLICA_DEFAULTS if scheduling == "REPLICA" else DAEMON_DEFAULTS
    config = copy.deepcopy(current if current is not None else base)
    given = given or {}
    for key in ("maximumPercent", "minimumHealthyPercent"):
        value = given.get(key)
        if value is None:
            continue
        if value < 0:
            raise invalid_parameter(f"{key} must be 0 or greater.")
        config[key] = value
    if config["minimumHealthyPercent"] > 100:
        raise invalid_parameter("minimumHealthyPercent must be 100 or less.")
    if scheduling == "DAEMON" and config["maximumPercent"] > 100:
        raise invalid_parameter(DAEMON_MAXIMUM)
    strategy = given.get("strategy")
    if strategy not in (None, "ROLLING"):
        raise invalid_parameter(
            f"ecs_mock models ROLLING deployments only, not the {strategy} strategy."
        )
    for member in ("lifecycleHooks", "linearConfiguration", "canaryConfiguration"):
        if given.get(member):
            raise invalid_parameter(
                f"ecs_mock models ROLLING deployments only; {member} is not supported."
            )
    if given.get("bakeTimeInMinutes"):
        raise invalid_parameter(
            "ecs_mock models ROLLING deployments only; bakeTimeInMinutes applies to blue/green "
            "deployments."
        )
    if (given.get("earlySuccessCriteria") or {}).get("enable"):
        raise invalid_parameter("ecs_mock does not model earlySuccessCriteria.")
    if strategy is not None:
        config["strategy"] = strategy
    if "bakeTimeInMinutes" in given:
        config["bakeTimeInMinutes"] = given["bakeTimeInMinutes"]
    breaker = given.get("deploymentCircuitBreaker")
    if breaker is not None:
        threshold = breaker.get("thresholdConfiguration")
        if threshold is not None and threshold.get("value", 50) < (
            1 if threshold.get("type") == "COUNT" else 0
        ):
            raise invalid_parameter("thresholdConfiguration value is out of range.")
        config["deploymentCircuitBreaker"] = dict(breaker)
    alarms = given.get("alarms")
    if alarms is not None:
        if alarms.get("enable") and not alarms.get("alarmNames"):
            raise invalid_parameter("alarmNames can not be empty when alarms are enabled.")
        config["alarms"] = dict(alarms)
    return config


def check_load_balancers(
    load_balancers: Sequence[dict[str, Any]], definition: TaskDefinition | None
) -> list[dict[str, Any]]:
    """C19: shape, and the container and port against the task definition. No load balancer
    exists anywhere in the mock: target groups and names are not looked up."""
    if len(load_balancers) > MAX_TARGET_GROUPS:
        raise invalid_parameter(f"loadBalancers can have at most {MAX_TARGET_GROUPS} items.")
    for item in load_balancers:
        target_group, name = item.get("targetGroupArn"), item.get("loadBalancerName")
        if target_group and name:
            raise invalid_parameter(
                "A load balancer must have either a targetGroupArn or a loadBalancerName, not both."
            )
        if not target_group and not name:
            raise invalid_parameter(
                "A load balancer must have a targetGroupArn or a loadBalancerName."
            )
        if target_group and not re.match(
            r"arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:targetgroup/.+", target_group
        ):
            raise invalid_parameter(f"Invalid target group ARN: {target_group}")
        if item.get("containerName") is None or item.get("containerPort") is None:
            raise invalid_parameter("A load balancer must name a containerName and containerPort.")
        if definition is None:
            continue
        if name and definition.network_mode == "awsvpc":
            raise invalid_parameter(
                "Classic Load Balancers are not supported for tasks using the awsvpc network mode."
            )
        container = next(
            (c for c in definition.containers if c["name"] == item["containerName"]), None
        )
        if container is None:
            raise invalid_parameter(
                f"The container {item['containerName']} does not exist in the task definition."
            )
        ports = {m.get("containerPort") for m in container.get("portMappings", [])}
        if item["containerPort"] not in ports:
            raise invalid_parameter(
                f"The container {item['containerName']} did not have a container port "
                f"{item['containerPort']} defined."
            )
    return [dict(item) for item in load_balancers]


def check_registries(
    registries: Sequence[dict[str, Any]], definition: TaskDefinition | None
) -> list[dict[str, Any]]:
    """C20: "Each service may be associated with one service registry" (documented). No Cloud
    Map in the mock: the registry ARN is not looked up."""
    if len(registries) > 1:
        raise invalid_parameter("serviceRegistries can have at most 1 item.")
    for item in registries:
        if not item.get("registryArn"):
            raise invalid_parameter("A service registry must have a registryArn.")
        name = item.get("containerName")
        known = {c["name"] for c in definition.containers} if definition is not None else None
        if known is not None and name is not None and name not in known:
            raise invalid_parameter(f"The container {name} does not exist in the task definition.")
    return [dict(item) for item in registries]


def check_role(role: str | None, load_balancers: Sequence[Any], awsvpc: bool) -> None:
    if role is None:
        return
    if awsvpc:
        raise invalid_parameter(ROLE_WITH_AWSVPC)
    if not load_balancers:
        raise invalid_parameter(
            "A role can only be specified for services configured to use load balancers."
        )


def check_grace(grace: int | None, load_balancers: Sequence[Any]) -> None:
    if grace is None:
        return
    if grace and not load_balancers:
        raise invalid_parameter(GRACE_WITHOUT_LB)


def network_echo(network: dict[str, Any] | None) -> dict[str, Any] | None:
    """The networkConfiguration as deployments echo it: `assignPublicIp` DISABLED by default."""
    if not network:
        return None
    vpc = dict(network.get("awsvpcConfiguration") or {})
    vpc.setdefault("assignPublicIp", "DISABLED")
    vpc["subnets"] = list(vpc.get("subnets", []))
    if "securityGroups" in vpc:
        vpc["securityGroups"] = list(vpc["securityGroups"])
    return {"awsvpcConfiguration": vpc}


def strategy_echo(strategy: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "capacityProvider": item["capacityProvider"],
            "weight": item.get("weight", 0),
            "base": item.get("base", 0),
        }
        for item in strategy
    ]

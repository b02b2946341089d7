"""An Express service's configuration: checked, defaults filled in, and the task definition
it runs (ECS-managed, registered here, or the caller's own).

`build` validates everything and registers nothing; `register_managed` is the one write, made
by the caller after every check has passed, so a refused request changes nothing.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from ..errors import client_error, invalid_parameter
from .express_models import ServiceRevision
from .lookup import check_role_arn, find_task_definition
from .models import TaskDefinition
from .state import Region
from .task_definitions import register_task_definition, task_size

MAIN = "Main"  # the container name ECS requires in a caller's task definition (model)
# Documented defaults: cpu 256, memory 512, containerPort 80, health check /ping, X86_64,
# log stream prefix "ecs", scaling target value 60 (metric CPUUtilization = AVERAGE_CPU).
# Mock decision: min 1 / max 20 tasks, the Express defaults Pulumi's provider documents.
DEFAULT_CPU, DEFAULT_MEMORY, DEFAULT_PORT = "256", "512", 80
DEFAULT_HEALTH_CHECK = "/ping"
DEFAULT_SCALING = {
    "minTaskCount": 1,
    "maxTaskCount": 20,
    "autoScalingMetric": "AVERAGE_CPU",
    "autoScalingTargetValue": 60,
}
_MANAGED_ONLY = (
    "primaryContainer",
    "executionRoleArn",
    "taskRoleArn",
    "cpu",
    "memory",
    "cpuArchitecture",
)


@dataclass
class Plan:
    """What a Create/Update will write: the configuration, and the managed task definition to
    register (None when the caller gave their own)."""

    configuration: dict[str, Any]
    managed: dict[str, Any] | None


def _container(given: dict[str, Any], cluster: str, service: str) -> dict[str, Any]:
    container = copy.deepcopy(given)
    if not container["image"].strip():
        raise invalid_parameter("primaryContainer.image can not be blank.")
    port = container.setdefault("containerPort", DEFAULT_PORT)
    if not 1 <= port <= 65535:
        raise invalid_parameter(f"containerPort must be between 1 and 65535, but was {port}.")
    # Mock decision: ECS creates a log group for the service; its name is not published.
    container.setdefault(
        "awsLogsConfiguration",
        {"logGroup": f"/aws/ecs/{cluster}/{service}", "logStreamPrefix": "ecs"},
    )
    return container


def _scaling(given: dict[str, Any] | None, previous: dict[str, Any]) -> dict[str, Any]:
    scaling = {**previous, **(given or {})}  # Mock decision: an update changes what it names
    low, high = scaling["minTaskCount"], scaling["maxTaskCount"]
    target = scaling["autoScalingTargetValue"]
    if low < 0 or high < 1 or low > high:
        raise invalid_parameter(
            f"scalingTarget needs 0 <= minTaskCount <= maxTaskCount and maxTaskCount >= 1, "
            f"but was {low} and {high}."
        )
    percent = scaling["autoScalingMetric"] in ("AVERAGE_CPU", "AVERAGE_MEMORY")
    if target < 1 or (percent and target > 100):
        raise invalid_parameter(f"autoScalingTargetValue {target} is out of range.")
    return scaling


def _customer(region: Region, params: dict[str, Any]) -> dict[str, Any]:
    """The parts of the configuration that come from the caller's task definition."""
    given = [key for key in _MANAGED_ONLY if key in params]
    if given:
        # "If you provide a task definition ARN, you cannot also specify primaryContainer,
        # executionRoleArn, taskRoleArn, cpu, memory, or cpuArchitecture." (model)
        raise invalid_parameter(f"taskDefinitionArn cannot be given with {', '.join(given)}.")
    definition = find_task_definition(region, params["taskDefinitionArn"])
    if definition.status != "ACTIVE":
        raise invalid_parameter("TaskDefinition is inactive")  # StartTask's observed text
    main = [c for c in definition.containers if c.get("name") == MAIN]
    ports = main[0].get("portMappings", []) if main else []
    if len(ports) != 1 or ports[0].get("protocol", "tcp") != "tcp" or not ports[0].get("name"):
        raise invalid_parameter(
            "The task definition must have a container named Main with a single TCP port "
            "mapping that includes a container port and port name."
        )
    if "FARGATE" not in definition.body.get("compatibilities", []):
        # "The task definition must also have FARGATE compatibility." (model); the text is
        # RunTask's for the same mismatch.
        raise client_error("Task definition does not support launch_type FARGATE.")
    return _from_definition(definition, main[0], ports[0])


def _from_definition(
    definition: TaskDefinition, main: dict[str, Any], port: dict[str, Any]
) -> dict[str, Any]:
    container: dict[str, Any] = {"image": main["image"], "containerPort": port["containerPort"]}
    for key in ("command", "environment", "secrets"):
        if main.get(key):
            container[key] = copy.deepcopy(main[key])
    if main.get("repositoryCredentials"):
        container["repositoryCredentials"] = copy.deepcopy(main["repositoryCredentials"])
    options = main.get("logConfiguration", {}).get("options", {})
    if (
        main.get("logConfiguration", {}).get("logDriver") == "awslogs"
        and "awslogs-group" in options
    ):
        container["awsLogsConfiguration"] = {
            "logGroup": options["awslogs-group"],
            "logStreamPrefix": options.get("awslogs-stream-prefix", "ecs"),
        }
    body = definition.body
    config: dict[str, Any] = {"taskDefinitionArn": definition.arn, "primaryContainer": container}
    for key in ("executionRoleArn", "taskRoleArn", "cpu", "memory"):
        if key in body:
            config[key] = body[key]
    # "This value isn't returned when the service uses a customer-provided task definition
    # that doesn't specify a CPU architecture." (model)
    architecture = body.get("runtimePlatform", {}).get("cpuArchitecture")
    if architecture is not None:
        config["cpuArchitecture"] = architecture
    return config


def _managed(
    params: dict[str, Any], previous: dict[str, Any] | None, cluster: str, service: str
) -> dict[str, Any]:
    """The managed parts of the configuration; previous: the last managed configuration."""
    base = previous or {}
    if "primaryContainer" in params:
        container = _container(params["primaryContainer"], cluster, service)
    elif "primaryContainer" in base:
        container = copy.deepcopy(base["primaryContainer"])
    else:
        # Mock decision: without a task definition of the caller's, a container is required
        # (the documentation: "requires only a container image, task execution role and
        # infrastructure role to get started").
        raise invalid_parameter("primaryContainer is required when no taskDefinitionArn is given.")
    role = params.get("executionRoleArn", base.get("executionRoleArn"))
    if role is None:
        raise invalid_parameter("executionRoleArn is required when no taskDefinitionArn is given.")
    config: dict[str, Any] = {
        "executionRoleArn": check_role_arn(role, "executionRoleArn"),
        "cpu": task_size(params.get("cpu", base.get("cpu", DEFAULT_CPU)), "cpu"),
        "memory": task_size(params.get("memory", base.get("memory", DEFAULT_MEMORY)), "memory"),
        "cpuArchitecture": params.get("cpuArchitecture", base.get("cpuArchitecture", "X86_64")),
        "primaryContainer": container,
    }
    task_role = params.get("taskRoleArn", base.get("taskRoleArn"))
    if task_role is not None:
        config["taskRoleArn"] = check_role_arn(task_role, "taskRoleArn")
    return config


def build(
    region: Region,
    params: dict[str, Any],
    previous: ServiceRevision | None,
    names: tuple[str, str],
    endpoint: str,
) -> Plan:
    """Check a Create (previous None) or Update request against the current revision.
    names: (cluster, service)."""
    cluster, service = names
    old = previous.configuration if previous is not None else {}
    if "taskDefinitionArn" in params:
        config, managed = _customer(region, params), None
    else:
        # An update keeps the managed settings it does not name; after a caller's task
        # definition there are none to keep.
        keep = old if previous is not None and not previous.customer_definition else None
        config = _managed(params, keep, cluster, service)
        managed = config
    path = params.get("healthCheckPath", old.get("healthCheckPath", DEFAULT_HEALTH_CHECK))
    if not path.startswith("/"):
        # "The health check path must start with a forward slash" (model).
        raise invalid_parameter(f"healthCheckPath must start with '/', but was {path}")
    network = params.get("networkConfiguration", old.get("networkConfiguration", {}))
    scaling = _scaling(params.get("scalingTarget"), old.get("scalingTarget", DEFAULT_SCALING))
    config.update(
        healthCheckPath=path,
        # Mock decision: ecs_mock knows no default VPC; left out, both lists are empty.
        networkConfiguration={
            "securityGroups": list(network.get("securityGroups", [])),
            "subnets": list(network.get("subnets", [])),
        },
        scalingTarget=scaling,
        ingressPaths=[{"accessType": "PUBLIC", "endpoint": endpoint}],
    )
    return Plan(configuration=config, managed=managed)


def register_managed(region: Region, plan: Plan, names: tuple[str, str]) -> None:
    """Register the ECS-managed task definition and point the configuration at it."""
    if plan.managed is None:
        return
    cluster, service = names
    config = plan.managed
    container = config["primaryContainer"]
    port = container["containerPort"]
    logs = container["awsLogsConfiguration"]
    definition: dict[str, Any] = {
        "name": MAIN,
        "image": container["image"],
        "essential": True,
        # Mock decision: the port name follows the console's <container>-<port>-<protocol>.
        "portMappings": [{"containerPort": port, "protocol": "tcp", "name": f"{MAIN}-{port}-tcp"}],
        "environment": copy.deepcopy(container.get("environment", [])),
        "secrets": copy.deepcopy(container.get("secrets", [])),
        "logConfiguration": {
            "logDriver": "awslogs",
            "options": {
                "awslogs-group": logs["logGroup"],
                "awslogs-region": region.region,
                "awslogs-stream-prefix": logs["logStreamPrefix"],
            },
        },
    }
    if "command" in container:
        definition["command"] = list(container["command"])
    credentials = container.get("repositoryCredentials", {}).get("credentialsParameter")
    if credentials:
        definition["repositoryCredentials"] = {"credentialsParameter": credentials}
    request: dict[str, Any] = {
        # Mock decision: one family per service, named after it; ECS's naming is not published.
        "family": f"express-{cluster}-{service}"[:255],
        "containerDefinitions": [definition],
        "networkMode": "awsvpc",
        "requiresCompatibilities": ["FARGATE"],
        "cpu": config["cpu"],
        "memory": config["memory"],
        "executionRoleArn": config["executionRoleArn"],
        "runtimePlatform": {
            "cpuArchitecture": config["cpuArchitecture"],
            "operatingSystemFamily": "LINUX",  # "always LINUX" (model)
        },
    }
    if "taskRoleArn" in config:
        request["taskRoleArn"] = config["taskRoleArn"]
    registered = register_task_definition(region, request)
    config["taskDefinitionArn"] = registered["taskDefinition"]["taskDefinitionArn"]

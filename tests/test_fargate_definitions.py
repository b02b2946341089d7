"""RegisterTaskDefinition refuses for FARGATE what Fargate does not support (issue 15 defect 3),
leaves FARGATE out of the compatibilities of a definition that does not ask for it, and gives
an EFS volume without rootDirectory the default `/` (defect 4)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

PREFIX = "Tasks using the Fargate launch type do not support"


def _container(**extra: Any) -> dict[str, Any]:
    return {"name": "app", "image": "busybox", **extra}


def _register(ecs: Any, containers: list[dict[str, Any]] | None = None, **params: Any) -> Any:
    return ecs.register_task_definition(
        family="app",
        containerDefinitions=containers or [_container()],
        networkMode="awsvpc",
        cpu="256",
        memory="512",
        **params,
    )["taskDefinition"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"pidMode": "host"},
            f"{PREFIX} pidMode 'host'. The supported value for pidMode is 'task'.",
        ),
        ({"ipcMode": "task"}, f"{PREFIX} ipcMode."),
        ({"ipcMode": "none"}, f"{PREFIX} ipcMode."),
        (
            {"containerDefinitions": [_container(privileged=True)]},
            f"{PREFIX} privileged containers (container 'app').",
        ),
        (
            {"containerDefinitions": [_container(dnsServers=["10.0.0.2"])]},
            f"{PREFIX} dnsServers (container 'app').",
        ),
        (
            {"containerDefinitions": [_container(links=["db"])]},
            f"{PREFIX} links (container 'app').",
        ),
        (
            {
                "containerDefinitions": [
                    _container(
                        linuxParameters={"capabilities": {"add": ["SYS_PTRACE", "NET_ADMIN"]}}
                    )
                ]
            },
            f"{PREFIX} adding the kernel capability 'NET_ADMIN' (container 'app'). "
            "The only capability that can be added is 'SYS_PTRACE'.",
        ),
        (
            {
                "containerDefinitions": [
                    _container(linuxParameters={"devices": [{"hostPath": "/dev/fuse"}]})
                ]
            },
            f"{PREFIX} linuxParameters devices (container 'app').",
        ),
        (
            {"containerDefinitions": [_container(linuxParameters={"sharedMemorySize": 64})]},
            f"{PREFIX} linuxParameters sharedMemorySize (container 'app').",
        ),
        (
            {
                "containerDefinitions": [
                    _container(resourceRequirements=[{"type": "GPU", "value": "1"}])
                ]
            },
            f"{PREFIX} GPU resource requirements (container 'app').",
        ),
        (
            {"volumes": [{"name": "data", "host": {"sourcePath": "/data"}}]},
            f"{PREFIX} host volumes with a sourcePath (volume 'data').",
        ),
        (
            {"volumes": [{"name": "data", "dockerVolumeConfiguration": {"scope": "task"}}]},
            f"{PREFIX} dockerVolumeConfiguration (volume 'data').",
        ),
        (
            {"placementConstraints": [{"type": "memberOf", "expression": "attribute:x == y"}]},
            f"{PREFIX} placementConstraints.",
        ),
    ],
)
def test_fargate_refuses_what_it_does_not_support(
    ecs_mock: Any, ecs: Any, params: dict[str, Any], message: str
) -> None:
    containers = params.pop("containerDefinitions", None)
    with pytest.raises(ClientError) as caught:
        _register(ecs, containers, requiresCompatibilities=["FARGATE"], **params)
    assert caught.value.response["Error"]["Code"] == "ClientException"
    assert caught.value.response["Error"]["Message"] == message
    assert ecs.list_task_definition_families()["families"] == []
    # Without requiresCompatibilities FARGATE it registers, for EC2 only.
    assert _register(ecs, containers, **params)["compatibilities"] == ["EC2"]


def test_what_fargate_supports_registers(ecs_mock: Any, ecs: Any) -> None:
    definition = _register(
        ecs,
        [_container(linuxParameters={"capabilities": {"add": ["SYS_PTRACE"], "drop": ["ALL"]}})],
        requiresCompatibilities=["FARGATE"],
        pidMode="task",
        volumes=[{"name": "scratch", "host": {}}],
    )
    assert definition["compatibilities"] == ["EC2", "FARGATE"]
    assert definition["pidMode"] == "task"


def test_an_efs_volume_gets_root_directory_slash(ecs_mock: Any, ecs: Any) -> None:
    definition = _register(
        ecs,
        volumes=[
            {"name": "plain", "efsVolumeConfiguration": {"fileSystemId": "fs-1"}},
            {
                "name": "sub",
                "efsVolumeConfiguration": {"fileSystemId": "fs-2", "rootDirectory": "/x"},
            },
        ],
    )
    roots = {v["name"]: v["efsVolumeConfiguration"]["rootDirectory"] for v in definition["volumes"]}
    assert roots == {"plain": "/", "sub": "/x"}
    described = ecs.describe_task_definition(taskDefinition="app:1")["taskDefinition"]
    assert described["volumes"] == definition["volumes"]

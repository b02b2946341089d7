"""The state the local server starts with unless told `--empty`.

Enough for `aws ecs start-task` to work at once: a `default` cluster, two container instances
(m5.large, as the agent would register them) and an `example` task definition that fits on them.
Everything is made through the API path (setup shortcuts), so it is exactly what a client could
have created itself.
"""

from __future__ import annotations

import copy

from .testing import TestControls

CLUSTER = "default"
FAMILY = "example"
INSTANCE_TYPE = "m5.large"
EXAMPLE_CONTAINERS = [
    {
        "name": "web",
        "image": "public.ecr.aws/nginx/nginx:latest",
        "cpu": 256,
        "memory": 512,
        "essential": True,
        # hostPort 0: dynamic host ports, so many copies fit on one instance.
        "portMappings": [{"containerPort": 80, "hostPort": 0, "protocol": "tcp"}],
    }
]


def seed(controls: TestControls) -> None:
    """Create the default cluster, two container instances and the example task definition."""
    controls.create_cluster(CLUSTER)
    for zone in ("a", "b"):
        controls.add_container_instance(
            CLUSTER,
            instance_type=INSTANCE_TYPE,
            availability_zone=f"{controls.region}{zone}",
        )
    controls.register_task_definition(FAMILY, containers=copy.deepcopy(EXAMPLE_CONTAINERS))

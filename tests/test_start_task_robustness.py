"""Whatever a caller sends, StartTask answers with a result or a modeled 4xx error: never a
crash (500), never a response outside the service model, never a negative remaining."""

from __future__ import annotations

from typing import Any

from budget import budget
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecs_mock import mock_ecs
from ecs_mock.errors import EcsError

JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 10**6) | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)
NAMES = st.sampled_from(["app", "sidecar", "", "vpc"])
OVERRIDE = st.fixed_dictionaries(
    {},
    optional={
        "name": NAMES,
        "cpu": st.integers(-10, 5000),
        "memory": st.integers(-10, 5000),
        "memoryReservation": st.integers(-10, 5000),
        "resourceRequirements": st.lists(
            st.fixed_dictionaries(
                {
                    "type": st.sampled_from(["GPU", "InferenceAccelerator", "CPU"]),
                    "value": st.sampled_from(["1", "0", "-1", "x", "2", ""]),
                }
            ),
            max_size=2,
        ),
        "command": st.lists(st.text(max_size=5), max_size=2),
    },
)
PARAMS = st.fixed_dictionaries(
    {
        "taskDefinition": st.sampled_from(["app", "app:1", "app:2", "vpc", "nope", "", "a:b:c"])
        | st.text(max_size=10),
        "containerInstances": st.lists(
            st.sampled_from(["INSTANCE", "INSTANCE", "f" * 32, "", "x/y", "arn:aws:ecs:bad"]),
            max_size=12,
        ),
    },
    optional={
        "cluster": st.sampled_from(["default", "nope", "bad name", "arn:aws:ecs:x"]),
        "startedBy": st.text(max_size=40),
        "group": st.text(max_size=5),
        "tags": st.lists(
            st.fixed_dictionaries({"key": st.text(max_size=6), "value": st.text(max_size=4)}),
            max_size=4,
        ),
        "propagateTags": st.sampled_from(["TASK_DEFINITION", "SERVICE", "NONE", "X"]),
        "enableECSManagedTags": st.booleans() | JSON,
        "enableExecuteCommand": st.booleans(),
        "overrides": st.fixed_dictionaries(
            {},
            optional={
                "containerOverrides": st.lists(OVERRIDE, max_size=3),
                "cpu": st.sampled_from(["256", "1 vCPU", "0", "x", "99999"]),
                "memory": st.sampled_from(["512", "1 GB", "-1", "y"]),
            },
        ),
        "networkConfiguration": st.fixed_dictionaries(
            {
                "awsvpcConfiguration": st.fixed_dictionaries(
                    {"subnets": st.lists(st.just("subnet-1"), max_size=2)},
                    optional={"assignPublicIp": st.sampled_from(["ENABLED", "DISABLED"])},
                )
            }
        ),
        "volumeConfigurations": st.lists(
            st.fixed_dictionaries({"name": st.sampled_from(["data", "x"])}), max_size=2
        ),
        "referenceId": JSON,
    },
)


@settings(max_examples=budget(150, 30), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(requests=st.lists(PARAMS, min_size=1, max_size=4))
def test_any_request_gets_a_result_or_a_modeled_client_error(
    requests: list[dict[str, Any]],
) -> None:
    with mock_ecs() as mock:
        instance = mock.add_container_instance("default", cpu=1024, memory=1024, gpus=1)
        mock.register_task_definition("app")
        mock.register_task_definition(
            "app", containers=[{"name": "app", "image": "x", "memory": 64, "cpu": 10}]
        )
        mock.register_task_definition(
            "vpc",
            networkMode="awsvpc",
            volumes=[{"name": "data", "configuredAtLaunch": True}],
            containers=[{"name": "app", "image": "x", "memory": 64}],
        )
        for params in requests:
            params["containerInstances"] = [
                instance if ref == "INSTANCE" else ref for ref in params["containerInstances"]
            ]
            try:
                result = mock.call("StartTask", **params)
            except EcsError as error:
                refused: EcsError | None = error
            else:
                refused = None
                assert len(result["tasks"]) + len(result["failures"]) == len(
                    params["containerInstances"]
                )
            assert refused is None or refused.status == 400, refused
            (found,) = mock.call("DescribeContainerInstances", containerInstances=[instance])[
                "containerInstances"
            ]
            for resource in found["remainingResources"]:
                assert resource.get("integerValue", 0) >= 0

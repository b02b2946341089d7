"""What one StartTask costs inside ecs_mock, piece by piece (the issue's "known likely costs")."""

from __future__ import annotations

import json
import timeit
import uuid
from collections.abc import Callable
from typing import Any

from _workload import INSTANCES_PER_CALL, client, ec2_ids, set_up, start_params

from ecs_mock import _schema, mock_ecs
from ecs_mock.backend import lookup
from ecs_mock.backend.operations import OPERATIONS
from ecs_mock.protocol import TARGET_PREFIX, new_request_id, reply


def _each(fn: Callable[[], object], number: int) -> float:
    """Best of five runs, seconds per call: these are tight loops with no I/O."""
    fn()
    return min(timeit.repeat(fn, number=number, repeat=5)) / number


def start_task_costs(number: int) -> dict[str, float]:
    with mock_ecs(seed=7) as mock:
        ecs = client()
        instances = set_up(ecs, ec2_ids(INSTANCES_PER_CALL))
        params = start_params(instances[0])
        body = json.dumps(params).encode()
        dispatcher = mock.dispatcher
        region = mock._backend_region()
        result = OPERATIONS["StartTask"](region, params)
        task_id = result["tasks"][0]["taskArn"].rsplit("/", 1)[1]
        task = lookup.find_task(region, lookup.find_cluster(region, "bench"), task_id)
        assert task is not None
        emitter = ecs.meta.events
        costs = {
            "Dispatcher.handle (whole, no botocore)": _each(
                lambda: dispatcher.handle(TARGET_PREFIX + "StartTask", body, "us-east-1", None),
                number,
            ),
            "backend StartTask handler": _each(
                lambda: OPERATIONS["StartTask"](region, params), number
            ),
            "request schema check": _each(
                lambda: _schema.request_violation("StartTask", params), number
            ),
            "response schema check (jsonschema-rs gate)": _each(
                lambda: _schema.check_response("StartTask", result), number
            ),
            "json encode + headers (protocol.reply)": _each(
                lambda: reply(200, result, "id"), number
            ),
            "json decode of the request": _each(lambda: json.loads(body), number),
            "request id (protocol.new_request_id)": _each(new_request_id, number),
            "a uuid4, for comparison": _each(lambda: str(uuid.uuid4()), number),
            "Task.to_wire": _each(task.to_wire, number),
            "emit, one non-ECS event, mock active": _each(
                lambda: emitter.emit("benchmark-noop.ecs.StartTask"), number
            ),
        }
    costs["emit, one non-ECS event, no mock"] = _each(
        lambda: emitter.emit("benchmark-noop.ecs.StartTask"), number
    )
    return costs


def table(costs: dict[str, Any]) -> str:
    width = max(len(name) for name in costs)
    lines = ["inside one StartTask (best of 5, no botocore unless named)"]
    lines += [f"  {name:<{width}}  {value * 1e6:8.1f} us" for name, value in costs.items()]
    return "\n".join(lines)

"""The bytes round trip, measured: what answering at `before-call` with the checked dict (and no
JSON, no HTTP response, no botocore parser) would save. A prototype for the benchmark only: it
answers successful calls alone and is not part of ecs_mock (README: *Performance*)."""

from __future__ import annotations

import base64
import json
import statistics
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from _workload import CLUSTER, INSTANCES_PER_CALL, client, ec2_ids, fill, set_up, start_params
from botocore.awsrequest import AWSResponse
from botocore.utils import parse_timestamp

from ecs_mock import _schema, clock, mock_ecs
from ecs_mock.backend import lifecycle
from ecs_mock.backend.operations import OPERATIONS
from ecs_mock.controls import Call
from ecs_mock.protocol import CONTENT_TYPE, new_request_id


def _parsed(shape: Any, value: Any) -> Any:
    """What botocore's JSON parser makes of `value`: datetimes for timestamps, bytes for blobs."""
    kind = shape.type_name
    if kind == "structure":
        members = shape.members
        return {k: _parsed(members[k], v) for k, v in value.items() if k in members}
    if kind == "list":
        return [_parsed(shape.member, v) for v in value]
    if kind == "map":
        return {k: _parsed(shape.value, v) for k, v in value.items()}
    if kind == "timestamp":
        return parse_timestamp(value)
    if kind == "blob":
        return base64.b64decode(value)
    return value


def dict_door(mock: Any) -> Callable[..., Any]:
    """A `before-call` handler doing the dispatcher's work and answering with parsed data."""
    dispatcher = mock.dispatcher

    def before_call(model: Any, params: dict[str, Any], **_: Any) -> Any:
        operation = model.name
        body = params["body"]
        request = json.loads(body or b"{}")
        arrived = clock.now()
        assert _schema.request_violation(operation, request) is None
        with dispatcher.backend.lock:
            state = dispatcher.backend.region(dispatcher.account_id, "us-east-1")
            lifecycle.tick(state, clock.now())
            result = OPERATIONS[operation](state, request)
            _schema.check_response(operation, result)
            parsed = _parsed(model.output_shape, result)
        # Logged as the dispatcher logs (no answer bytes here: this door encodes none).
        dispatcher.controls.record(
            Call.received(
                operation=operation,
                params=request,
                body=body,
                region="us-east-1",
                account_id=dispatcher.account_id,
                source="client",
                time=arrived,
                status=200,
                error=None,
                response=None,
            )
        )
        request_id = new_request_id()
        headers = {"x-amzn-requestid": request_id, "content-type": CONTENT_TYPE}
        parsed["ResponseMetadata"] = {
            "RequestId": request_id,
            "HTTPStatusCode": 200,
            "HTTPHeaders": headers,
            "RetryAttempts": 0,
        }
        return AWSResponse(params["url"], 200, headers, None), parsed  # type: ignore[arg-type]

    return before_call


def _cpu(fn: Callable[[], object], number: int) -> float:
    start = time.process_time()
    for _ in range(number):
        fn()
    return (time.process_time() - start) / number


def _without_metadata(answer: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in answer.items() if k != "ResponseMetadata"}


def measure(number: int, rounds: int) -> dict[str, Any]:
    with mock_ecs(seed=21) as mock:
        bytes_client = client()
        dict_client = client()
        dict_client.meta.events.register_first("before-call.ecs.*", dict_door(mock))
        instances = set_up(bytes_client, ec2_ids(INSTANCES_PER_CALL))
        arns = fill(bytes_client, instances, 100, started_by="rt")
        calls: dict[str, tuple[str, dict[str, Any], int]] = {
            "StartTask": ("start_task", start_params(instances[0]), number),
            "DescribeTasks (100)": (
                "describe_tasks",
                {"cluster": CLUSTER, "tasks": arns},
                max(5, number // 20),
            ),
            "ListTasks (100)": ("list_tasks", {"cluster": CLUSTER, "startedBy": "rt"}, number),
        }
        for method, params, _n in calls.values():
            if method != "start_task":  # same state, same answer: the two doors must agree
                answers = [getattr(c, method)(**params) for c in (bytes_client, dict_client)]
                assert _without_metadata(answers[0]) == _without_metadata(answers[1]), method
        runs: dict[str, list[float]] = {f"{n}|{d}": [] for n in calls for d in ("bytes", "dict")}
        for _ in range(rounds):
            for door, ecs in (("bytes", bytes_client), ("dict", dict_client)):
                for name, (method, params, n) in calls.items():
                    runs[f"{name}|{door}"].append(_cpu(partial(getattr(ecs, method), **params), n))
    out: dict[str, Any] = {}
    for name in calls:
        ratios = [b / d for b, d in zip(runs[f"{name}|bytes"], runs[f"{name}|dict"], strict=True)]
        out[name] = {
            "bytes": statistics.median(runs[f"{name}|bytes"]),
            "dict": statistics.median(runs[f"{name}|dict"]),
            "speedup": statistics.median(ratios),
        }
    return out


def table(result: dict[str, Any]) -> str:
    lines = ["bytes round trip vs the checked dict at before-call (prototype; CPU per call)"]
    for name, row in result.items():
        lines.append(
            f"  {name:<20} bytes {row['bytes'] * 1e6:8.0f} us   dict {row['dict'] * 1e6:8.0f} us"
            f"   {row['speedup']:.2f}x"
        )
    return "\n".join(lines)

"""Fixed costs: a process's first ECS calls (fresh interpreters) and the interception itself."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
from botocore.awsrequest import AWSRequest, AWSResponse

from ecs_mock import intercept
from ecs_mock.protocol import TARGET_PREFIX, reply

_PROBE = Path(__file__).with_name("_first_call_probe.py")


def first_calls(runs: int) -> dict[str, float]:
    """CPU of the first test's seven calls in a fresh process, cold and then warm, both through
    the dispatcher alone (ecs_mock's own lazy costs) and through boto3 (botocore's too)."""
    out: dict[str, float] = {}
    for door in ("dispatcher", "boto3"):
        samples = []
        for _ in range(runs):
            done = subprocess.run(
                [sys.executable, str(_PROBE), door], capture_output=True, text=True, check=True
            )
            samples.append(json.loads(done.stdout))
        out[f"{door}_first"] = statistics.median(s["first"] for s in samples)
        out[f"{door}_again"] = statistics.median(s["again"] for s in samples)
    return out


def _cpu_per_call(fn: Callable[[], object], number: int) -> float:
    start = time.process_time()
    for _ in range(number):
        fn()
    return (time.process_time() - start) / number


def interception(number: int, rounds: int) -> dict[str, float]:
    """What the class-level wrapper adds: per event of another service and per ECS event that
    it lets through, per answered ECS `before-send` (the answer itself canned), and a whole
    ListClusters answered by it next to botocore's own before-send handler (the canned floor).
    Rounds interleave the variants; the figures are medians of CPU time."""
    canned = reply(200, {"clusterArns": []}, "00000000-0000-4000-8000-000000000000")

    def answer(*_: Any) -> Any:
        return canned

    session = boto3.Session(
        aws_access_key_id="x", aws_secret_access_key="y", region_name="us-east-1"
    )
    ecs, floor, s3 = session.client("ecs"), session.client("ecs"), session.client("s3")
    headers: Any = canned.headers
    floor.meta.events.register(
        "before-send.ecs.ListClusters",
        lambda request, **_: AWSResponse(
            request.url, 200, headers, intercept._RawBody(canned.body, canned.headers)
        ),
    )
    request = AWSRequest(
        "POST",
        "https://ecs.us-east-1.amazonaws.com/",
        data=b"{}",
        headers={
            "X-Amz-Target": TARGET_PREFIX + "ListClusters",
            intercept.REGION_HEADER: "us-east-1",
            intercept.ACCESS_KEY_HEADER: "x",
        },
    ).prepare()
    cases: dict[str, tuple[Callable[[], object], int]] = {
        "other_event": (
            lambda: s3.meta.events.emit("before-send.s3.PutObject", request=request),
            number * 20,
        ),
        "ecs_event": (
            lambda: ecs.meta.events.emit("after-call-error.ecs.ListClusters", context={}),
            number * 20,
        ),
        "ecs_before_send": (
            lambda: ecs.meta.events.emit("before-send.ecs.ListClusters", request=request),
            number * 5,
        ),
        "call": (ecs.list_clusters, number),
        "floor_call": (floor.list_clusters, number),
    }
    runs: dict[str, list[float]] = {f"{k}_{v}": [] for k in cases for v in ("off", "on")}
    intercept.INTERCEPTOR.install(answer)
    try:  # warm botocore's lazy caches; `ecs` must never be called without the interceptor
        for fn, _n in cases.values():
            fn()
    finally:
        intercept.INTERCEPTOR.uninstall()
    for _ in range(rounds):
        for state in ("off", "on"):
            if state == "on":
                intercept.INTERCEPTOR.install(answer)
            try:
                for name, (fn, n) in cases.items():
                    if state == "off" and name in ("ecs_before_send", "call"):
                        continue  # without the wrapper these would go to the network
                    runs[f"{name}_{state}"].append(_cpu_per_call(fn, n))
            finally:
                intercept.INTERCEPTOR.uninstall()
    median = {k: statistics.median(v) for k, v in runs.items() if v}
    return {
        "per_other_event": median["other_event_on"] - median["other_event_off"],
        "per_ecs_event": median["ecs_event_on"] - median["ecs_event_off"],
        "ecs_before_send_answer": median["ecs_before_send_on"],
        "call": median["call_on"],
        "floor_call": median["floor_call_off"],
        "call_over_floor": median["call_on"] / median["floor_call_off"],
    }


def table(first: dict[str, float], icpt: dict[str, float]) -> str:
    return "\n".join(
        [
            "fixed costs (CPU time)",
            "  first test's 7 calls in a fresh process, dispatcher only:"
            f" {first['dispatcher_first'] * 1e3:.0f} ms"
            f" (again: {first['dispatcher_again'] * 1e3:.1f} ms); through boto3:"
            f" {first['boto3_first'] * 1e3:.0f} ms (again: {first['boto3_again'] * 1e3:.1f} ms)",
            f"  interception: +{icpt['per_other_event'] * 1e6:.2f} us per other service's event,"
            f" +{icpt['per_ecs_event'] * 1e6:.2f} us per ECS event passed on,"
            f" {icpt['ecs_before_send_answer'] * 1e6:.1f} us per answered before-send",
            f"  ListClusters answered by the interceptor (canned answer):"
            f" {icpt['call'] * 1e6:.0f} us; by a before-send handler, signed (canned floor):"
            f" {icpt['floor_call'] * 1e6:.0f} us ({icpt['call_over_floor']:.2f}x)",
        ]
    )

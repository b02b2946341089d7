"""Each contender doing the same boto3 work; each function returns plain numbers (s, bytes)."""

from __future__ import annotations

import gc
import json
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

from _floor import canned_call, interception_suspended, time_canned, time_stubber
from _workload import (
    CLUSTER,
    FAMILY,
    INSTANCES_PER_CALL,
    client,
    cpu_per_call,
    ec2_ids,
    fill,
    moto_ec2_ids,
    moto_ecs,
    moto_set_up,
    once,
    per_call,
    register_instance,
    register_params,
    set_up,
    start_one,
    start_params,
)

from ecs_mock import mock_ecs

WANTED = "wanted"  # the startedBy whose tasks ListTasks looks for
WANTED_COUNT = 10


@dataclass(frozen=True)
class Sizes:
    """How much work each row does; --quick shrinks it."""

    calls: int  # calls per repeat for fast operations
    repeat: int
    tasks: int  # "among N tasks" for DescribeTasks / ListTasks
    moto_tasks: int  # moto's DescribeTasks/ListTasks cluster size (it is O(cluster))
    write_rounds: int  # alternating mock/floor rounds of the write rows
    write_calls: int  # calls of each write per round
    read_rounds: int  # alternating mock/floor rounds of DescribeTasks(100)
    read_calls: int  # its calls per round
    moto_rounds: int  # moto's StartTask rounds (its set-up, EC2 instances first, is slow)
    moto_calls: int
    memory_tasks: int
    moto_memory_tasks: int
    enter_exit: int
    imports: int


FULL = Sizes(1000, 5, 10_000, 10_000, 60, 20, 12, 20, 11, 200, 10_000, 10_000, 500, 7)
QUICK = Sizes(200, 3, 10_000, 10_000, 25, 20, 8, 8, 5, 40, 2_000, 500, 100, 3)


def _describe_params(arns: list[str]) -> dict[str, Any]:
    step = max(1, len(arns) // 100)
    return {"cluster": CLUSTER, "tasks": arns[::step][:100]}


LIST_PARAMS = {"cluster": CLUSTER, "startedBy": WANTED}
RUN_PARAMS: dict[str, Any] = {"cluster": CLUSTER, "taskDefinition": FAMILY, "count": 1}


def _populate(ecs: Any, instances: list[str], others: int) -> list[str]:
    """`others` filler tasks plus WANTED_COUNT tasks started by WANTED, in the middle."""
    arns = fill(ecs, instances, others // 2)
    fill(ecs, instances, WANTED_COUNT, started_by=WANTED)
    return arns + fill(ecs, instances, others - others // 2)


def _registrar(ecs: Any, spare: Iterator[str]) -> Callable[[], object]:
    return lambda: register_instance(ecs, next(spare))


def paired_writes(sizes: Sizes) -> dict[str, Any]:
    """StartTask, RunTask(count=1) and RegisterContainerInstance beside their canned-bytes
    floors, in alternating rounds: each round times `write_calls` calls of each on a fresh mock
    (set up outside the timing), then as many of each floor. Each ratio is the median of the
    rounds' ratios, in CPU time, so it holds on a machine whose speed drifts from second to
    second. RunTask places on the same 10-instance cluster StartTask names instances of."""
    names = ("start", "run", "register", "c_start", "c_run", "c_reg")
    runs: dict[str, list[float]] = {k: [] for k in names}
    calls = sizes.write_calls
    spare = iter(ec2_ids((calls + 1) * sizes.write_rounds + 2, start=1000))
    out: dict[str, Any] = {}
    canned: dict[str, Callable[[], object]] = {}
    for seed in range(sizes.write_rounds):
        with mock_ecs(seed=seed):
            ecs = client()
            instances = set_up(ecs, ec2_ids(INSTANCES_PER_CALL))
            runs["start"].append(cpu_per_call(partial(start_one, ecs, instances[0]), calls))
            runs["run"].append(cpu_per_call(partial(ecs.run_task, **RUN_PARAMS), calls))
            runs["register"].append(cpu_per_call(_registrar(ecs, spare), calls))
            if not canned:
                out["start_task_params"] = start_params(instances[0])
                out["start_task_response"] = start_one(ecs, instances[0])
                out["run_task_response"] = ecs.run_task(**RUN_PARAMS)
                out["register_params"] = register_params("i-0")
                out["register_response"] = ecs.register_container_instance(**out["register_params"])
                canned["start"] = canned_call(
                    "StartTask", "start_task", out["start_task_params"], out["start_task_response"]
                )
                canned["run"] = canned_call(
                    "RunTask", "run_task", RUN_PARAMS, out["run_task_response"]
                )
                canned["register"] = canned_call(
                    "RegisterContainerInstance",
                    "register_container_instance",
                    out["register_params"],
                    out["register_response"],
                )
        runs["c_start"].append(cpu_per_call(canned["start"], calls))
        runs["c_run"].append(cpu_per_call(canned["run"], calls))
        runs["c_reg"].append(cpu_per_call(canned["register"], calls))
    for mine, floor, name in (
        ("start", "c_start", "start_task"),
        ("run", "c_run", "run_task"),
        ("register", "c_reg", "register"),
    ):
        out[name] = statistics.median(runs[mine])
        out[f"canned_{name}"] = statistics.median(runs[floor])
        out[f"{mine}_over_canned"] = statistics.median(
            m / c for m, c in zip(runs[mine], runs[floor], strict=True)
        )
    return out


def ecs_mock_reads(sizes: Sizes) -> dict[str, Any]:
    """ListTasks and DescribeTasks in a full cluster, plus the responses the floor replays."""
    out: dict[str, Any] = {}
    with mock_ecs(seed=2):
        ecs = client()
        instances = set_up(ecs, ec2_ids(INSTANCES_PER_CALL))
        _populate(ecs, instances, 1_000)
        out["list_1k"] = per_call(lambda: ecs.list_tasks(**LIST_PARAMS), sizes.calls, sizes.repeat)
        arns = _populate(ecs, instances, sizes.tasks - 1_000)
        out["list"] = per_call(lambda: ecs.list_tasks(**LIST_PARAMS), sizes.calls, sizes.repeat)
        out["list_response"] = ecs.list_tasks(**LIST_PARAMS)
        described = _describe_params(arns)
        out["describe_response"] = ecs.describe_tasks(**described)
        out["describe_params"] = described
        # Timed in alternating rounds with its canned floor (CPU time), as the write rows are.
        canned = canned_call("DescribeTasks", "describe_tasks", described, out["describe_response"])
        mine: list[float] = []
        floor: list[float] = []
        for _ in range(sizes.read_rounds):
            mine.append(cpu_per_call(lambda: ecs.describe_tasks(**described), sizes.read_calls))
            with interception_suspended():
                floor.append(cpu_per_call(canned, sizes.read_calls))
        out["describe"] = statistics.median(mine)
        out["canned_describe"] = statistics.median(floor)
        out["describe_over_canned"] = statistics.median(
            m / c for m, c in zip(mine, floor, strict=True)
        )
    return out


def moto_calls(sizes: Sizes) -> dict[str, float]:
    out: dict[str, float] = {}
    # StartTask as ecs_mock's is timed: rounds of `write_calls` calls, each on a fresh mock set
    # up outside the timing, in CPU time (both answer in this process).
    rounds = []
    for _ in range(sizes.moto_rounds):
        with moto_ecs() as ecs:
            instances = moto_set_up(ecs)
            rounds.append(cpu_per_call(partial(start_one, ecs, instances[0]), sizes.write_calls))
    out["start_task"] = statistics.median(rounds)
    with moto_ecs() as ecs:
        instances = moto_set_up(ecs)
        spare = iter(moto_ec2_ids(sizes.moto_calls * sizes.repeat + 1))
        out["register"] = per_call(
            lambda: register_instance(ecs, next(spare)), sizes.moto_calls, sizes.repeat
        )
    with moto_ecs() as ecs:
        instances = moto_set_up(ecs)
        arns = _populate(ecs, instances, sizes.moto_tasks)
        out["list"] = per_call(lambda: ecs.list_tasks(**LIST_PARAMS), 5, sizes.repeat)
        described = _describe_params(arns)
        # moto scans every task for every reference: seconds per call, so single calls.
        out["describe"] = once(lambda: ecs.describe_tasks(**described), 1 if sizes is QUICK else 3)
    return out


def floor_calls(writes: dict[str, Any], reads: dict[str, Any], sizes: Sizes) -> dict[str, Any]:
    """The canned-bytes and Stubber floors, replaying ecs_mock's own answers."""
    cases = {
        "start_task": ("start_task", writes["start_task_params"], writes["start_task_response"]),
        "register": (
            "register_container_instance",
            writes["register_params"],
            writes["register_response"],
        ),
        "list": ("list_tasks", LIST_PARAMS, reads["list_response"]),
        "describe": ("describe_tasks", reads["describe_params"], reads["describe_response"]),
    }
    canned = {
        "start_task": writes["canned_start_task"],
        "register": writes["canned_register"],
        "list": time_canned("ListTasks", *cases["list"], sizes.calls, sizes.repeat),
        "describe": reads["canned_describe"],  # timed in rounds beside ecs_mock's
    }
    stubber = {}
    for key, (method, params, response) in cases.items():
        n = sizes.calls if key != "describe" else max(10, sizes.calls // 10)
        stubber[key] = time_stubber(method, params, response, n, sizes.repeat)
    return {"canned": canned, "stubber": stubber}


def enter_exit(sizes: Sizes) -> dict[str, float]:
    from moto import mock_aws

    def ours() -> None:
        with mock_ecs():
            pass

    def theirs() -> None:
        with mock_aws():
            pass

    return {
        "ecs_mock": per_call(ours, sizes.enter_exit, sizes.repeat),
        "moto": per_call(theirs, max(10, sizes.enter_exit // 10), sizes.repeat),
    }


_IMPORT_PROBE = """
import json, sys, time
t0 = time.perf_counter(); import boto3; t1 = time.perf_counter()
{extra}
t2 = time.perf_counter()
print(json.dumps({{"boto3": t1 - t0, "added": t2 - t1, "moto": "moto" in sys.modules}}))
"""


def import_times(sizes: Sizes) -> dict[str, Any]:
    """Fresh interpreters: `import boto3` alone, and what `import ecs_mock` / moto add to it."""

    def probe(extra: str) -> list[dict[str, Any]]:
        code = _IMPORT_PROBE.format(extra=extra)
        runs = []
        for _ in range(sizes.imports):
            done = subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, check=True
            )
            runs.append(json.loads(done.stdout))
        return runs

    ours = probe("import ecs_mock")
    # moto's mock_aws imports its backends lazily on start; this is what a test file pays.
    theirs = probe("from moto import mock_aws")
    return {
        "boto3": statistics.median(r["boto3"] for r in ours),
        "ecs_mock": statistics.median(r["added"] for r in ours),
        "moto": statistics.median(r["added"] for r in theirs),
        "ecs_mock_imports_moto": any(r["moto"] for r in ours),
    }


def _stopped(ecs: Any, instances: list[str], count: int, started_by: str) -> None:
    """Start `count` tasks and stop them all; the next call sees them STOPPED (zero timings),
    kept describable for their hour as ECS keeps them."""
    for arn in fill(ecs, instances, count, started_by=started_by):
        ecs.stop_task(cluster=CLUSTER, task=arn)
    ecs.describe_clusters(clusters=[CLUSTER])  # the lifecycle step that stops them


def _traced_bytes_per_task(
    ecs: Any, instances: list[str], count: int, stopped: bool = False
) -> float:
    """What each further task adds: traced from before a warm-up of `2 * count` tasks, and
    measured over `count` more. Bounded buffers (ecs_mock's call log, its last 1,000 task
    events) are full by then, and tracing from the start lets the entries they drop count
    against the ones they take in (tracemalloc does not subtract frees of objects allocated
    before it started); botocore's lazy caches are warm. Only what grows with the tasks counts."""
    make = partial(_stopped, ecs, instances) if stopped else partial(fill, ecs, instances)
    start_one(ecs, instances[0])
    gc.collect()
    tracemalloc.start()
    try:
        make(2 * count, started_by="warm-up")
        gc.collect()
        before = tracemalloc.get_traced_memory()[0]
        make(count, started_by="measured")
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    return (after - before) / count


def stopped_tasks(sizes: Sizes) -> int:
    return min(sizes.memory_tasks, 2_000)


def memory(sizes: Sizes) -> dict[str, float]:
    with mock_ecs(seed=3):
        ecs = client()
        instances = set_up(ecs, ec2_ids(INSTANCES_PER_CALL))
        ours = _traced_bytes_per_task(ecs, instances, sizes.memory_tasks)
    with mock_ecs(seed=3):
        ecs = client()
        instances = set_up(ecs, ec2_ids(INSTANCES_PER_CALL))
        # (capped: a StopTask per task makes this the slower measure)
        stopped = _traced_bytes_per_task(ecs, instances, stopped_tasks(sizes), stopped=True)
    with moto_ecs() as ecs:
        theirs = _traced_bytes_per_task(ecs, moto_set_up(ecs), sizes.moto_memory_tasks)
    return {"ecs_mock": ours, "moto": theirs, "ecs_mock_stopped": stopped}


def clock_note() -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S")

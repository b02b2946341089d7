"""What one write costs with `--state-file`: it should follow what the write changed, not what
the file holds. A StartTask (one task) is timed through the server's dispatcher (no HTTP, no
botocore) with 100 and with 10,000 tasks stored, and without a state file at all. CPU time
(time.process_time), as the machines this runs on are shared and noisy."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from ecs_mock.backend import Timings
from ecs_mock.server import ServerApp, ServerOptions

INSTANCES = 100
FAMILY = "bench"  # no port mappings: placing a task never scans the instance's other tasks


def _stocked(path: Path | None, tasks: int) -> tuple[ServerApp, list[str]]:
    app = ServerApp(ServerOptions(state_file=path, empty=True, seed=7, timings=Timings()))
    view = app.view()
    view.create_cluster("bench")
    view.register_task_definition(
        FAMILY, containers=[{"name": "c", "image": "busybox", "cpu": 1, "memory": 1}]
    )
    instances = [
        view.add_container_instance("bench", cpu=1_000_000, memory=1_000_000)
        for _ in range(INSTANCES)
    ]
    for start in range(0, tasks, 10):
        batch = [instances[(start + n) % INSTANCES] for n in range(min(10, tasks - start))]
        view.call("StartTask", cluster="bench", taskDefinition=FAMILY, containerInstances=batch)
    view.call("ListTasks", cluster="bench")  # every task RUNNING: nothing left due
    return app, instances


def _per_write(path: Path | None, tasks: int, calls: int, repeat: int) -> tuple[float, float]:
    """(median CPU seconds per StartTask, rows written per StartTask)."""
    app, instances = _stocked(path, tasks)
    try:
        view = app.view()
        db = app.state_file._db if app.state_file is not None else None
        runs, rows = [], 0
        for _ in range(repeat):
            before = db.total_changes if db is not None else 0
            started = time.process_time()
            for n in range(calls):
                view.call(
                    "StartTask",
                    cluster="bench",
                    taskDefinition=FAMILY,
                    containerInstances=[instances[n % INSTANCES]],
                )
            runs.append((time.process_time() - started) / calls)
            rows = (db.total_changes - before) if db is not None else 0
        runs.sort()
        return runs[len(runs) // 2], rows / calls
    finally:
        app.close()


def measure(quick: bool) -> dict[str, Any]:
    calls, repeat = (100, 3) if quick else (500, 5)
    with tempfile.TemporaryDirectory() as directory:
        small, small_rows = _per_write(Path(directory) / "small.db", 100, calls, repeat)
        large, large_rows = _per_write(Path(directory) / "large.db", 10_000, calls, repeat)
    in_memory, _ = _per_write(None, 10_000, calls, repeat)
    return {
        "stored_100": small,
        "stored_10k": large,
        "in_memory_10k": in_memory,
        "rows_per_write_100": small_rows,
        "rows_per_write_10k": large_rows,
    }

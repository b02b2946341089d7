"""Server requests per second with 8 concurrent clients, their p99 latency, and the server's
CPU time per request.

The load comes from a separate process (8 threads, one keep-alive connection each, prepared
awsJson DescribeTasks requests), so the server keeps this process's GIL to itself and client-side
botocore cost does not cap the figure. Contenders: ecs_mock's server, moto's ThreadedMotoServer,
and a floor: a stdlib ThreadingHTTPServer answering canned bytes.
"""

from __future__ import annotations

import http.client
import importlib
import json
import logging
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import boto3
from _workload import CLUSTER, REGION, ec2_ids, moto_ec2_ids, set_up, start_one

CLIENTS = 8
TARGET = "AmazonEC2ContainerServiceV20141113.DescribeTasks"
AUTH = (
    "AWS4-HMAC-SHA256 Credential=AKIABENCHMARK0000000/20250101/us-east-1/ecs/aws4_request, "
    "SignedHeaders=host;x-amz-date;x-amz-target, Signature=" + "0" * 64
)


def _prepare(endpoint: str, moto: bool) -> bytes:
    """A cluster with one task on the server; returns the DescribeTasks body for it."""
    ecs = boto3.client("ecs", region_name=REGION, endpoint_url=endpoint)
    instances = set_up(ecs, moto_ec2_ids(1, endpoint) if moto else ec2_ids(1))
    arn = start_one(ecs, instances[0])["tasks"][0]["taskArn"]
    return json.dumps({"cluster": CLUSTER, "tasks": [arn]}).encode()


def _load(host: str, port: int, body: bytes, seconds: float) -> tuple[int, int, float]:
    """(answered, errors, p99 seconds) from CLIENTS threads hammering host:port for `seconds`."""
    headers = {
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": TARGET,
        "X-Amz-Date": "20250101T000000Z",
        "Authorization": AUTH,
    }
    counts = [[0, 0] for _ in range(CLIENTS)]
    latencies: list[list[float]] = [[] for _ in range(CLIENTS)]
    deadline = time.perf_counter() + seconds

    def worker(slot: list[int], spent: list[float]) -> None:
        connection = http.client.HTTPConnection(host, port, timeout=30)
        while (started := time.perf_counter()) < deadline:
            connection.request("POST", "/", body, headers)
            response = connection.getresponse()
            response.read()
            spent.append(time.perf_counter() - started)
            slot[0 if response.status == 200 else 1] += 1
        connection.close()

    threads = [
        threading.Thread(target=worker, args=(slot, spent))
        for slot, spent in zip(counts, latencies, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = sorted(t for spent in latencies for t in spent)
    p99 = every[min(len(every) - 1, int(len(every) * 0.99))] if every else 0.0
    return sum(s[0] for s in counts), sum(s[1] for s in counts), p99


def _rps(host: str, port: int, seconds: float, moto: bool = False) -> dict[str, float]:
    """Requests per second, p99 latency (s) and this process's CPU per request (s): every
    contender's server runs in this process, the load in another."""
    body = _prepare(f"http://{host}:{port}", moto)
    cpu = time.process_time()
    done = subprocess.run(
        [sys.executable, __file__, host, str(port), body.decode(), str(seconds)],
        capture_output=True,
        text=True,
        check=True,
    )
    cpu = time.process_time() - cpu
    answered, errors, p99 = json.loads(done.stdout)
    if errors:
        raise RuntimeError(f"{errors} of {answered + errors} requests to {host}:{port} failed")
    return {"rps": answered / seconds, "p99": p99, "cpu_per_request": cpu / max(1, answered)}


@contextmanager
def _canned() -> Iterator[tuple[str, int]]:
    """The floor: an HTTP server that answers every POST with the same bytes."""
    ecs_answer: dict[str, bytes] = {}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out as two writes; with Nagle on, the second waits for the
        # client's delayed ACK (~40 ms) on every keep-alive request.
        disable_nagle_algorithm = True

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            target = self.headers.get("X-Amz-Target", "")
            body = ecs_answer.get(target, b"{}")
            self.send_response(200)
            self.send_header("Content-Type", "application/x-amz-json-1.1")
            self.send_header("x-amzn-RequestId", "00000000-0000-4000-8000-000000000000")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    # Answers _prepare's set-up calls well enough to go on: a task ARN for StartTask.
    task = {"taskArn": "arn:aws:ecs:us-east-1:123456789012:task/bench/" + "0" * 32}
    instance = {"containerInstanceArn": "arn:aws:ecs:us-east-1:123456789012:container-instance/x"}
    prefix = "AmazonEC2ContainerServiceV20141113."
    ecs_answer[prefix + "StartTask"] = json.dumps({"tasks": [task], "failures": []}).encode()
    ecs_answer[prefix + "RegisterContainerInstance"] = json.dumps(
        {"containerInstance": instance}
    ).encode()
    ecs_answer[TARGET] = json.dumps({"tasks": [task], "failures": []}).encode()
    try:
        yield "127.0.0.1", server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def _moto() -> Iterator[tuple[str, int]]:
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one access-log line per request
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        yield server.get_host_and_port()
    finally:
        server.stop()


def _ecs_mock_server() -> Callable[[], Any] | None:
    """ecs_mock's in-process threaded server helper, if the server has landed yet."""
    try:
        module = importlib.import_module("ecs_mock.server")
    except ImportError:
        return None
    for name in ("ThreadedServer", "ThreadedEcsServer", "ThreadedEcsMockServer"):
        helper = getattr(module, name, None)
        if helper is not None:
            return helper  # type: ignore[no-any-return]
    return None


@contextmanager
def _ours(helper: Callable[..., Any]) -> Iterator[tuple[str, int]]:
    server = helper(host="127.0.0.1", port=0)
    server.start()
    try:
        yield server.host, server.port
    finally:
        server.stop()


def _split(figures: dict[str, float]) -> tuple[float, dict[str, float]]:
    return figures["rps"], figures


def measure(quick: bool) -> dict[str, Any]:
    seconds = 2.0 if quick else 5.0
    out: dict[str, Any] = {}
    with _canned() as (host, port):
        out["canned"], out["detail_canned"] = _split(_rps(host, port, seconds))
    try:
        with _moto() as (host, port):
            out["moto"], out["detail_moto"] = _split(_rps(host, port, seconds, moto=True))
    except ImportError:  # ThreadedMotoServer needs moto[server] (flask)
        out["moto_note"] = "moto: n/a (moto[server] not installed)"
    notes = [f"DescribeTasks of 1 task, {CLIENTS} keep-alive connections"]
    helper = _ecs_mock_server()
    if helper is None:
        notes.append("ecs_mock: n/a (server not available)")
    else:
        with _ours(helper) as (host, port):
            out["ecs_mock"], out["detail_ecs_mock"] = _split(_rps(host, port, seconds))
    out["note"] = "; ".join([*notes, out.pop("moto_note")] if "moto_note" in out else notes)
    return out


if __name__ == "__main__":
    # The load process: python _server.py HOST PORT BODY SECONDS
    host_arg, port_arg, body_arg, seconds_arg = sys.argv[1:5]
    print(json.dumps(_load(host_arg, int(port_arg), body_arg.encode(), float(seconds_arg))))

"""`ecs-mock` / `python -m ecs_mock`: run the local ECS server in the foreground."""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from .._version import __version__
from ..backend import Timings
from ..dispatch import DEFAULT_ACCOUNT_ID, DEFAULT_REGION
from ..persistence import StateFileError
from .app import DEFAULT_HOST, DEFAULT_MAX_CALLS, DEFAULT_PORT, Credential, ServerOptions
from .http import EcsServer

# The first releases that read AWS_ENDPOINT_URL_<SERVICE> (AWS developer blog announcing
# service-specific endpoints: AWS CLI 1.29.0 / 2.13.0; botocore 1.31.0, boto3 1.28.0).
MIN_CLI_V2 = "2.13.0"
MIN_CLI_V1 = "1.29.0"
MIN_BOTO3 = "1.28.0 (botocore 1.31.0)"


def _account(value: str) -> str:
    if len(value) != 12 or not value.isdigit():
        raise argparse.ArgumentTypeError(f"an account id is 12 digits, got {value!r}")
    return value


def _credential(value: str) -> tuple[str, Credential]:
    parts = value.split(":")
    if len(parts) not in (2, 3) or not all(parts[:2]):
        raise argparse.ArgumentTypeError("use KEY_ID:SECRET or KEY_ID:SECRET:ACCOUNT_ID")
    account = _account(parts[2]) if len(parts) == 3 else None
    return parts[0], Credential(parts[1], account)


def _seconds(value: str) -> float:
    seconds = float(value)
    if seconds < 0:
        raise argparse.ArgumentTypeError("seconds cannot be negative")
    return seconds


def _count(value: str) -> int:
    count = int(value)
    if count < 0:
        raise argparse.ArgumentTypeError("a count cannot be negative")
    return count


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="ecs-mock",
        description="A local Amazon ECS endpoint for the AWS CLI and every SDK. "
        "Point clients at it with --endpoint-url or AWS_ENDPOINT_URL_ECS.",
    )
    p.add_argument("--version", action="version", version=f"ecs-mock {__version__}")
    p.add_argument("--host", default=DEFAULT_HOST, help="address to bind (default %(default)s)")
    p.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help="port; 0 picks a free one (default %(default)s)",
    )
    p.add_argument(
        "--region",
        default=DEFAULT_REGION,
        help="region of the built-in state and of unsigned requests (default %(default)s)",
    )
    p.add_argument(
        "--account-id",
        type=_account,
        default=DEFAULT_ACCOUNT_ID,
        help="account of every request not mapped by --access-key (default %(default)s)",
    )
    p.add_argument(
        "--empty",
        action="store_true",
        help="start with no clusters, instances or task definitions",
    )
    p.add_argument("--seed", type=int, help="seed ids and ARNs (same seed, same ARNs)")
    p.add_argument(
        "--state-file",
        type=Path,
        help="load state from PATH at start and save it there on every change and at exit",
    )
    p.add_argument(
        "--access-key",
        dest="credentials",
        action="append",
        type=_credential,
        default=[],
        metavar="KEY_ID:SECRET[:ACCOUNT_ID]",
        help="require SigV4 signatures by this key (repeatable); "
        "by default any credentials are accepted",
    )
    for step in ("provisioning", "pending", "stopping", "deprovisioning"):
        p.add_argument(
            f"--{step}-seconds",
            type=_seconds,
            default=0.0,
            help=f"seconds a task spends {step.upper()} (default 0)",
        )
    p.add_argument(
        "--capacity-wait-seconds",
        type=_seconds,
        default=1800.0,
        help="seconds a task waits in PROVISIONING for an Auto Scaling group capacity "
        "provider's room before it stops with TaskFailedToStart (default %(default)s)",
    )
    p.add_argument(
        "--service-step-seconds",
        type=_seconds,
        default=0.0,
        help="least clock time between two service scheduler steps of a service (default 0)",
    )
    p.add_argument(
        "--service-healthy-after-seconds",
        type=_seconds,
        default=0.0,
        help="seconds a service task must be RUNNING to count as healthy (default 0)",
    )
    p.add_argument(
        "--request-timeout",
        type=_seconds,
        default=10.0,
        help="seconds a connection may stay silent before it is closed (default %(default)s)",
    )
    p.add_argument(
        "--max-calls",
        type=_count,
        default=DEFAULT_MAX_CALLS,
        help="requests kept for /_ecs_mock/calls, the most recent; 0 keeps all "
        "(default %(default)s)",
    )
    p.add_argument(
        "--allow-host",
        dest="allowed_hosts",
        action="append",
        default=[],
        metavar="NAME",
        help="also answer requests whose Host header names NAME (repeatable); by default only "
        "localhost, 127.0.0.1, [::1] and --host are answered (a guard against DNS rebinding)",
    )
    p.add_argument(
        "--verbose",
        action="store_true",
        help="log one line per request to stderr: operation, HTTP status, error code, duration",
    )
    return p


def options_from(args: argparse.Namespace) -> ServerOptions:
    return ServerOptions(
        host=args.host,
        port=args.port,
        region=args.region,
        account_id=args.account_id,
        seed=args.seed,
        empty=args.empty,
        state_file=args.state_file,
        credentials=dict(args.credentials),
        timings=Timings(
            provisioning=args.provisioning_seconds,
            pending=args.pending_seconds,
            stopping=args.stopping_seconds,
            deprovisioning=args.deprovisioning_seconds,
            capacity_wait=args.capacity_wait_seconds,
            service_step=args.service_step_seconds,
            service_healthy_after=args.service_healthy_after_seconds,
        ),
        request_timeout=args.request_timeout or None,
        max_calls=args.max_calls,
        verbose=args.verbose,
        allowed_hosts=tuple(args.allowed_hosts),
    )


def banner_hints(url: str, options: ServerOptions) -> list[str]:
    """The start banner's "try" lines: flags every client honours (awscli v1 and v2, boto3 and
    the SDKs ignore AWS_REGION in different ways, and older CLIs ignore AWS_ENDPOINT_URL_ECS)."""
    credentials = "AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x"
    if options.credentials:
        key = next(iter(options.credentials))
        credentials = f"AWS_ACCESS_KEY_ID={key} AWS_SECRET_ACCESS_KEY=<its secret>"
    lines = [
        f"  try: {credentials} aws --endpoint-url {url} --region {options.region} "
        "ecs list-container-instances",
        f"  (AWS_ENDPOINT_URL_ECS={url} works too with AWS CLI v2 >= {MIN_CLI_V2}, "
        f"awscli v1 >= {MIN_CLI_V1}, boto3 >= {MIN_BOTO3}; older clients ignore it and call "
        "real AWS)",
    ]
    if options.host in ("0.0.0.0", "::"):
        lines.append(
            "  requests from other machines name this one in their Host header: "
            "add --allow-host NAME for each name they use"
        )
    return lines


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    options = options_from(args)
    try:
        server = EcsServer(options)
    except StateFileError as error:
        print(f"ecs-mock: error: {error} The file was left as it is.", file=sys.stderr)
        return 2
    except OSError as error:
        print(
            f"ecs-mock: error: cannot listen on {options.host}:{options.port}: {error.strerror}",
            file=sys.stderr,
        )
        return 2
    if options.state_file is not None and server.app.loaded_from_file:
        state = f"loaded from {options.state_file}"
    elif options.empty:
        state = "empty"
    else:
        state = "a 'default' cluster with 2 container instances; task definition 'example'"
    auth = "SigV4 by --access-key keys" if options.credentials else "any credentials"
    print(f"ecs-mock listening on {server.url}", flush=True)
    print(f"  region {options.region}, account {options.account_id}; {state}; accepts {auth}")
    for line in banner_hints(server.url, options):
        print(line)
    print("  Ctrl-C to stop", flush=True)
    signal.signal(signal.SIGTERM, _interrupt)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    print("ecs-mock stopped", flush=True)
    return 0

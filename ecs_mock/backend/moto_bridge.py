"""The one place the backend touches moto: CloudWatch Logs, EventBridge and EC2 ENIs.

Only a moto that the test already imported and activated (`mock_aws`) is used; this module never
imports moto when it is not imported yet, and reaches moto's in-memory backends the way
`subnets.py` reads subnets. moto's internals are not a public API: every access is guarded, and
on any surprise the mock falls back to its own records, logs a warning once per kind of problem
(logger `ecs_mock`) and adds it to `problems`, and the ECS request goes on as if moto were absent.
"""

from __future__ import annotations

import importlib
import json
import logging
import sys
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger("ecs_mock")
_CORE = "moto.core.models"
# What went wrong talking to moto, oldest first (kept short: a test reads it to see why).
problems: list[str] = []
_MAX_PROBLEMS = 100
_warned: set[str] = set()
_lock = threading.Lock()


class MotoUnavailable(Exception):
    """moto is absent, inactive, or its internals were not where expected."""


def active() -> bool:
    """True while moto's `mock_aws` is active in this process (moto already imported)."""
    core = sys.modules.get(_CORE)
    if core is None:
        return False
    return bool(getattr(getattr(core, "MockAWS", None), "_mocks_active", False))


def note(kind: str, error: BaseException | str) -> None:
    """Record a problem with moto; warn once per kind."""
    text = f"{kind}: {error!r}" if isinstance(error, BaseException) else f"{kind}: {error}"
    with _lock:
        problems.append(text)
        del problems[:-_MAX_PROBLEMS]
        first = kind not in _warned
        _warned.add(kind)
    if first:
        logger.warning("ecs_mock could not use moto (%s); kept in ecs_mock only.", text)


def _backend(module: str, name: str, account_id: str, region: str, *, load: bool) -> Any:
    """moto's backend object for one service, account and region.

    `load`: import the service's models module when moto has not loaded it yet (moto itself
    imports it lazily on the first request to that service). Only while moto is active."""
    if not active():
        raise MotoUnavailable("mock_aws is not active")
    loaded = sys.modules.get(module)
    if loaded is None:
        if not load:
            raise MotoUnavailable(f"{module} is not loaded")
        loaded = importlib.import_module(module)
    backends = getattr(loaded, name)
    return backends[account_id][region]


# -- CloudWatch Logs --------------------------------------------------------------------------


def log_group_exists(account_id: str, region: str, group: str) -> bool | None:
    """Whether moto's CloudWatch Logs has `group`; None when moto cannot be asked."""
    try:
        logs = _backend("moto.logs.models", "logs_backends", account_id, region, load=True)
        return group in logs.groups
    except MotoUnavailable:
        return None
    except Exception as error:
        note("CloudWatch Logs lookup", error)
        return None


def write_logs(
    account_id: str,
    region: str,
    group: str,
    stream: str,
    lines: Iterable[tuple[int, str]],
    create_group: bool,
) -> bool:
    """Create the stream (and the group when asked) and put `lines` ((ms, text)) in moto.

    False when moto is not active or refused; the caller keeps its own copy either way."""
    try:
        logs = _backend("moto.logs.models", "logs_backends", account_id, region, load=True)
        if group not in logs.groups:
            if not create_group:
                return False
            logs.create_log_group(group, {})
        if stream not in logs.groups[group].streams:
            logs.create_log_stream(group, stream)
        events = [{"timestamp": at, "message": text} for at, text in lines]
        if events:
            logs.put_log_events(group, stream, events)
        return True
    except MotoUnavailable:
        return False
    except Exception as error:
        note("CloudWatch Logs write", error)
        return False


# -- EventBridge ------------------------------------------------------------------------------


def put_event(
    account_id: str, region: str, detail_type: str, resources: list[str], detail: Any, at: float
) -> bool:
    """Put one `aws.ecs` event on moto's default event bus, so its rules deliver it.

    Skipped when moto has not loaded EventBridge (then no rule exists to deliver to)."""
    try:
        events = _backend("moto.events.models", "events_backends", account_id, region, load=False)
        entry = {
            "Source": "aws.ecs",
            "DetailType": detail_type,
            "Detail": json.dumps(detail),
            "Resources": resources,
            "Time": at,  # moto keeps epoch seconds and formats them for each target
        }
        answers = events.put_events([entry])
        failed = [a for a in answers if "ErrorCode" in a]
        if failed:
            note("EventBridge put", str(failed[0]))
            return False
        return True
    except MotoUnavailable:
        return False
    except Exception as error:
        note("EventBridge put", error)
        return False


# -- EC2 network interfaces -------------------------------------------------------------------


@dataclass(frozen=True)
class Eni:
    eni_id: str
    mac_address: str
    private_ip: str
    private_dns_name: str | None


def create_eni(
    account_id: str,
    region: str,
    subnet: str,
    security_groups: list[str],
    public_ip: bool,
    description: str,
) -> Eni | None:
    """An ENI in moto's EC2 in `subnet`; None when moto is inactive or has no such subnet."""
    try:
        ec2 = _backend("moto.ec2.models", "ec2_backends", account_id, region, load=False)
    except MotoUnavailable:
        return None
    except Exception as error:
        note("EC2 lookup", error)
        return None
    try:
        found = ec2.get_subnet(subnet)
    except Exception:  # moto does not know this subnet: the mock invents the ENI, as before
        return None
    try:
        eni = ec2.create_network_interface(
            found,
            None,
            group_ids=list(security_groups) or None,
            description=description,
            public_ip_auto_assign=public_ip,
        )
        # Mock decision: a task ENI is in use while the task holds it and, as ECS creates it,
        # managed by the requester (ECS), not by the account's own code.
        eni.status = "in-use"
        eni.requester_managed = True
        dns = getattr(eni, "private_dns_name", None)
        return Eni(str(eni.id), str(eni.mac_address), str(eni.private_ip_address), dns)
    except Exception as error:
        note("EC2 create network interface", error)
        return None


def delete_eni(account_id: str, region: str, eni_id: str) -> None:
    """Delete an ENI this module created; nothing when moto is inactive or forgot it."""
    try:
        ec2 = _backend("moto.ec2.models", "ec2_backends", account_id, region, load=False)
        if eni_id in ec2.enis:
            ec2.delete_network_interface(eni_id)
    except MotoUnavailable:
        return
    except Exception as error:
        note("EC2 delete network interface", error)

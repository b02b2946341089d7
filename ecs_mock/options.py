"""The options of an in-process mock, checked once: every bad one is a TypeError or ValueError
that names it."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .backend.state import Timings

DEFAULT_ACCOUNT_ID = "123456789012"
DEFAULT_REGION = "us-east-1"
# Mock decision: a region option must look like an AWS region name (all so far do: us-east-1,
# eu-central-2, us-gov-west-1, cn-north-1, us-isob-east-1), so a typo fails at once.
_REGION = re.compile(r"[a-z]{2}(?:-[a-z]+)+-[0-9]{1,2}")
# Each lifecycle or scheduler duration option: (the Timings field it sets, its default).
_TIMING_OPTIONS: dict[str, tuple[str, float]] = {
    "provisioning_seconds": ("provisioning", 0.0),
    "pending_seconds": ("pending", 0.0),
    "stopping_seconds": ("stopping", 0.0),
    "deprovisioning_seconds": ("deprovisioning", 0.0),
    "capacity_wait_seconds": ("capacity_wait", 1800.0),
    "service_step_seconds": ("service_step", 0.0),
    "service_healthy_after_seconds": ("service_healthy_after", 0.0),
}


@dataclass(frozen=True)
class MockOptions:
    """What one mock was asked for; two mocks with equal options can share one state."""

    account_id: str = DEFAULT_ACCOUNT_ID
    region: str = DEFAULT_REGION
    seed: int | None = None
    access_keys: tuple[tuple[str, str], ...] = ()
    timings: Timings = field(default_factory=Timings)
    default_cluster: bool = False  # a `default` cluster exists from the start

    def described(self) -> str:
        """`mock_ecs(...)` with the options that differ from the defaults, for messages."""
        shown: list[str] = []
        if self.account_id != DEFAULT_ACCOUNT_ID:
            shown.append(f"account_id={self.account_id!r}")
        if self.region != DEFAULT_REGION:
            shown.append(f"region={self.region!r}")
        if self.seed is not None:
            shown.append(f"seed={self.seed!r}")
        if self.access_keys:
            shown.append(f"access_keys={dict(self.access_keys)!r}")
        for option, (name, default) in _TIMING_OPTIONS.items():
            value = getattr(self.timings, name)
            if value != default:
                shown.append(f"{option}={value!r}")
        if self.default_cluster:
            shown.append("default_cluster=True")
        return f"mock_ecs({', '.join(shown)})"


def check_account_id(value: Any, option: str = "account_id") -> str:
    if not isinstance(value, str):
        raise TypeError(
            f"{option} must be a string of 12 digits, got {value!r} ({type(value).__name__})"
        )
    if not (len(value) == 12 and value.isascii() and value.isdigit()):
        raise ValueError(f"{option} must be a string of 12 digits, got {value!r}")
    return value


_checked: dict[tuple[tuple[Any, type], ...], MockOptions] = {}  # options without access_keys


def mock_options(
    *,
    account_id: Any = DEFAULT_ACCOUNT_ID,
    region: Any = DEFAULT_REGION,
    seed: Any = None,
    access_keys: Any = None,
    provisioning_seconds: Any = 0.0,
    pending_seconds: Any = 0.0,
    stopping_seconds: Any = 0.0,
    deprovisioning_seconds: Any = 0.0,
    capacity_wait_seconds: Any = 1800.0,
    service_step_seconds: Any = 0.0,
    service_healthy_after_seconds: Any = 0.0,
    default_cluster: Any = False,
) -> MockOptions:
    """Check every option; the first bad one raises, naming itself. (Checked options without
    access keys are remembered: most mocks of a suite share a few.)"""
    seconds = (
        provisioning_seconds,
        pending_seconds,
        stopping_seconds,
        deprovisioning_seconds,
        capacity_wait_seconds,
        service_step_seconds,
        service_healthy_after_seconds,
    )
    if access_keys is None:
        values: tuple[Any, ...] = (account_id, region, seed, default_cluster, *seconds)
        key = tuple((value, type(value)) for value in values)
        try:
            return _checked[key]
        except KeyError:
            pass
        except TypeError:  # an unhashable (so bad) option: checked below
            key = ()
        options = _check(account_id, region, seed, seconds, default_cluster, access_keys=None)
        if key and len(_checked) < 256:
            _checked[key] = options
        return options
    return _check(account_id, region, seed, seconds, default_cluster, access_keys=access_keys)


def _check(
    account_id: Any,
    region: Any,
    seed: Any,
    seconds: tuple[Any, ...],
    default_cluster: Any,
    *,
    access_keys: Any,
) -> MockOptions:
    if not isinstance(default_cluster, bool):
        raise ValueError(f"default_cluster must be True or False, got {default_cluster!r}")
    check_account_id(account_id)
    if not isinstance(region, str):
        raise TypeError(f"region must be a string such as 'us-east-1', got {region!r}")
    if not _REGION.fullmatch(region):
        raise ValueError(f"region must be an AWS region name such as 'us-east-1', got {region!r}")
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
        raise TypeError(f"seed must be an int or None, got {seed!r}")
    keys: list[tuple[str, str]] = []
    if access_keys is not None:
        if not isinstance(access_keys, Mapping):
            raise TypeError(
                f"access_keys must map access key ids to account ids, got {access_keys!r}"
            )
        for key, account in access_keys.items():
            if not isinstance(key, str) or not key:
                raise TypeError(f"access_keys: each key must be an access key id, got {key!r}")
            check_account_id(account, f"access_keys[{key!r}]")
            keys.append((key, account))
    durations: dict[str, float] = {}
    for (option, (name, _)), value in zip(_TIMING_OPTIONS.items(), seconds, strict=True):
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise TypeError(f"{option} must be a number of seconds, got {value!r}")
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"{option} must be a finite number >= 0, got {value!r}")
        durations[name] = value
    return MockOptions(
        account_id, region, seed, tuple(sorted(keys)), Timings(**durations), default_cluster
    )

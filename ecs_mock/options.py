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
_TIMING_OPTIONS = (
    "provisioning_seconds",
    "pending_seconds",
    "stopping_seconds",
    "deprovisioning_seconds",
)


@dataclass(frozen=True)
class MockOptions:
    """What one mock was asked for; two mocks with equal options can share one state."""

    account_id: str = DEFAULT_ACCOUNT_ID
    region: str = DEFAULT_REGION
    seed: int | None = None
    access_keys: tuple[tuple[str, str], ...] = ()
    timings: Timings = field(default_factory=Timings)

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
        for option in _TIMING_OPTIONS:
            value = getattr(self.timings, option.removesuffix("_seconds"))
            if value:
                shown.append(f"{option}={value!r}")
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
) -> MockOptions:
    """Check every option; the first bad one raises, naming itself. (Checked options without
    access keys are remembered: most mocks of a suite share a few.)"""
    if access_keys is None:
        values: tuple[Any, ...] = (
            account_id,
            region,
            seed,
            provisioning_seconds,
            pending_seconds,
            stopping_seconds,
            deprovisioning_seconds,
        )
        key = tuple((value, type(value)) for value in values)
        try:
            return _checked[key]
        except KeyError:
            pass
        except TypeError:  # an unhashable (so bad) option: checked below
            key = ()
        options = _check(*values, access_keys=None)
        if key and len(_checked) < 256:
            _checked[key] = options
        return options
    return _check(
        account_id,
        region,
        seed,
        provisioning_seconds,
        pending_seconds,
        stopping_seconds,
        deprovisioning_seconds,
        access_keys=access_keys,
    )


def _check(
    account_id: Any,
    region: Any,
    seed: Any,
    provisioning_seconds: Any,
    pending_seconds: Any,
    stopping_seconds: Any,
    deprovisioning_seconds: Any,
    *,
    access_keys: Any,
) -> MockOptions:
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
    seconds = {
        "provisioning_seconds": provisioning_seconds,
        "pending_seconds": pending_seconds,
        "stopping_seconds": stopping_seconds,
        "deprovisioning_seconds": deprovisioning_seconds,
    }
    for option, value in seconds.items():
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise TypeError(f"{option} must be a number of seconds, got {value!r}")
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"{option} must be a finite number >= 0, got {value!r}")
    timings = Timings(
        provisioning=provisioning_seconds,
        pending=pending_seconds,
        stopping=stopping_seconds,
        deprovisioning=deprovisioning_seconds,
    )
    return MockOptions(account_id, region, seed, tuple(sorted(keys)), timings)

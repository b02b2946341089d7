"""`EcsMock`: one object that is a decorator, a context manager and what the fixture yields."""

from __future__ import annotations

import functools
import inspect
import os
import threading
import unittest
from collections.abc import Callable, Mapping
from typing import Any, TypeVar, overload

from .backend import Backend, Timings
from .controls import Controls
from .dispatch import DEFAULT_ACCOUNT_ID, DEFAULT_REGION, Dispatcher
from .intercept import FAKE_CREDENTIALS, INTERCEPTOR
from .testing import TestControls

F = TypeVar("F", bound=Callable[..., Any])
_FAKE_ENV = {
    "AWS_ACCESS_KEY_ID": FAKE_CREDENTIALS.access_key,
    "AWS_SECRET_ACCESS_KEY": FAKE_CREDENTIALS.secret_key,
}


class _Activation:
    """State shared by every mock active at once; dropped when the outermost one stops."""

    def __init__(self, owner: EcsMock) -> None:
        self.backend = Backend(seed=owner.seed, timings=owner.timings)
        self.controls = Controls()
        self.dispatcher = Dispatcher(
            self.backend, owner.account_id, owner.access_keys, self.controls
        )
        self.stack: list[EcsMock] = []
        self.saved_env: dict[str, str | None] = {}


_lock = threading.RLock()
_current: _Activation | None = None


class EcsMock(TestControls):
    """Mock Amazon ECS for every boto3/botocore client in this process while active.

    Options: `account_id` (default 123456789012), `region` (where the setup shortcuts act),
    `seed` (same seed, same ids and ARNs), `access_keys` (access key id -> account id),
    and lifecycle step durations in clock seconds (`provisioning_seconds`, `pending_seconds`,
    `stopping_seconds`, `deprovisioning_seconds`; all 0 by default),
    `capacity_wait_seconds` (1800): how long a task waits in PROVISIONING for an Auto Scaling
    group capacity provider's room before it stops with TaskFailedToStart, and the service
    scheduler's (`service_step_seconds`: least time between two steps of a service;
    `service_healthy_after_seconds`: how long a task runs before it counts as healthy).
    Nested activations share one state, created with the outermost one's options.
    """

    def __init__(
        self,
        *,
        account_id: str = DEFAULT_ACCOUNT_ID,
        region: str = DEFAULT_REGION,
        seed: int | None = None,
        access_keys: Mapping[str, str] | None = None,
        provisioning_seconds: float = 0.0,
        pending_seconds: float = 0.0,
        stopping_seconds: float = 0.0,
        deprovisioning_seconds: float = 0.0,
        capacity_wait_seconds: float = 1800.0,
        service_step_seconds: float = 0.0,
        service_healthy_after_seconds: float = 0.0,
    ) -> None:
        if not (isinstance(account_id, str) and len(account_id) == 12 and account_id.isdigit()):
            raise ValueError(f"account_id must be 12 digits, got {account_id!r}")
        self.account_id = account_id
        self.region = region
        self.seed = seed
        self.access_keys = dict(access_keys or {})
        self.timings = Timings(
            provisioning=provisioning_seconds,
            pending=pending_seconds,
            stopping=stopping_seconds,
            deprovisioning=deprovisioning_seconds,
            capacity_wait=capacity_wait_seconds,
            service_step=service_step_seconds,
            service_healthy_after=service_healthy_after_seconds,
        )
        self._started = False

    # -- activation -------------------------------------------------------------------------

    def start(self) -> EcsMock:
        global _current
        with _lock:
            if self._started:
                return self
            if _current is None:
                _current = _Activation(self)
                _current.saved_env = _lend_environment()
                INTERCEPTOR.install(_current.dispatcher.handle)
            _current.stack.append(self)
            self._started = True
        return self

    def stop(self) -> None:
        global _current
        with _lock:
            if not self._started or _current is None:
                return
            self._started = False
            if self in _current.stack:
                _current.stack.remove(self)
            if _current.stack:
                return
            activation, _current = _current, None
            INTERCEPTOR.uninstall()
            _restore_environment(activation.saved_env)

    def __enter__(self) -> EcsMock:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def active(self) -> bool:
        return self._started

    @property
    def dispatcher(self) -> Dispatcher:
        if _current is None or not self._started:
            raise RuntimeError("This EcsMock is not active: use it as `with mock_ecs():` first.")
        return _current.dispatcher

    @property
    def backend(self) -> Backend:
        return self.dispatcher.backend

    def reset(self) -> None:
        """Forget every resource and recorded call, keeping the mock active."""
        dispatcher = self.dispatcher
        with dispatcher.backend.lock:
            fresh = Backend(seed=self.seed, timings=self.timings)
            dispatcher.backend.__dict__.update(
                {k: v for k, v in fresh.__dict__.items() if k != "lock"}
            )
        dispatcher.controls.clear()

    # -- decorator --------------------------------------------------------------------------

    def __call__(self, target: F) -> F:
        if isinstance(target, type):
            return self._decorate_class(target)  # type: ignore[return-value]
        if inspect.iscoroutinefunction(target):

            @functools.wraps(target)
            async def run_async(*args: Any, **kwargs: Any) -> Any:
                with self._fresh():
                    return await target(*args, **kwargs)

            return run_async  # type: ignore[return-value]

        @functools.wraps(target)
        def run(*args: Any, **kwargs: Any) -> Any:
            with self._fresh():
                return target(*args, **kwargs)

        return run  # type: ignore[return-value]

    def _fresh(self) -> EcsMock:
        """A new activation per decorated call, with this mock's options."""
        return EcsMock(
            account_id=self.account_id,
            region=self.region,
            seed=self.seed,
            access_keys=self.access_keys,
            provisioning_seconds=self.timings.provisioning,
            pending_seconds=self.timings.pending,
            stopping_seconds=self.timings.stopping,
            deprovisioning_seconds=self.timings.deprovisioning,
            service_step_seconds=self.timings.service_step,
            service_healthy_after_seconds=self.timings.service_healthy_after,
        )

    def _decorate_class(self, cls: type) -> type:
        if issubclass(cls, unittest.TestCase):
            original_setup = cls.setUp

            def setUp(test: unittest.TestCase) -> None:
                mock = self._fresh().start()
                test.addCleanup(mock.stop)
                original_setup(test)

            cls.setUp = setUp  # type: ignore[method-assign,assignment]
            return cls
        for name, value in list(vars(cls).items()):
            if name.startswith("test") and callable(value):
                setattr(cls, name, self(value))
        return cls


@overload
def mock_ecs(target: F, /) -> F: ...
@overload
def mock_ecs(
    *,
    account_id: str = ...,
    region: str = ...,
    seed: int | None = ...,
    access_keys: Mapping[str, str] | None = ...,
    provisioning_seconds: float = ...,
    pending_seconds: float = ...,
    stopping_seconds: float = ...,
    deprovisioning_seconds: float = ...,
    service_step_seconds: float = ...,
    service_healthy_after_seconds: float = ...,
) -> EcsMock: ...
def mock_ecs(target: Any = None, /, **options: Any) -> Any:
    """`@mock_ecs`, `@mock_ecs(...)`, `with mock_ecs(...):` and `mock_ecs().start()`."""
    mock = EcsMock(**options)
    return mock if target is None else mock(target)


def _lend_environment() -> dict[str, str | None]:
    """Fake credentials (and a region) when none are configured; restored on stop."""
    wanted: dict[str, str] = {}
    has_credentials = any(os.environ.get(name) for name in ("AWS_ACCESS_KEY_ID", "AWS_PROFILE"))
    if not has_credentials:
        wanted.update(_FAKE_ENV)
    if not (os.environ.get("AWS_DEFAULT_REGION") or os.environ.get("AWS_REGION")):
        wanted["AWS_DEFAULT_REGION"] = DEFAULT_REGION
    saved = {name: os.environ.get(name) for name in wanted}
    os.environ.update(wanted)
    return saved


def _restore_environment(saved: dict[str, str | None]) -> None:
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value

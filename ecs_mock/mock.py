"""`EcsMock`: one object that is a decorator, a context manager and what the fixture yields.

Activations form one process-wide stack (botocore's interception is process-wide): calls go
to the state of the innermost active mock. A mock started while another is active joins its
state when both have the same options and the active one was started for the same test;
otherwise it gets a state of its own, in force until it stops.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any, TypeVar, overload

from . import _decorate
from ._activation import Origin, caller, describe, lend_environment, restore_environment
from .backend import Backend, Timings, clusters
from .controls import MOCK_MAX_BYTES, Controls
from .dispatch import Dispatcher
from .errors import EcsError
from .intercept import INTERCEPTOR
from .options import DEFAULT_ACCOUNT_ID, DEFAULT_REGION, MockOptions, mock_options
from .protocol import Reply, error_reply
from .testing import TestControls

F = TypeVar("F", bound=Callable[..., Any])


def create_default_cluster(backend: Backend, options: MockOptions) -> None:
    """The `default` cluster of `default_cluster=True`: made in the backend directly, so it is
    not among the calls a test asserts on."""
    with backend.lock:
        region = backend.region(options.account_id, options.region)
        clusters.create_cluster(region, {})
        backend.settle(region)


class _State:
    """One mock state: the backend, the call log and the options they were made with."""

    def __init__(self, options: MockOptions, serial: int) -> None:
        self.options = options
        self.serial = serial
        self.backend = Backend(seed=options.seed, timings=options.timings)
        self.controls = Controls(max_bytes=MOCK_MAX_BYTES)
        self.dispatcher = Dispatcher(
            self.backend, options.account_id, dict(options.access_keys), self.controls
        )
        self.scoped = False  # made by a session/package/module/class-scoped pytest fixture
        if options.default_cluster:
            create_default_cluster(self.backend, options)


_lock = threading.RLock()
_stack: list[EcsMock] = []  # active entries, innermost last; one mock may be entered twice
_top: _State | None = None  # the innermost entry's state: where calls go
_saved_env: dict[str, str | None] = {}
_next_serial = 1  # numbers activations in start order
# Set by the pytest plugin while a test runs: a mock it starts never joins a state made before
# the test began, nor one a wider-scoped fixture made (unless that fixture is being set up).
_join_floor = 0
_scoped_setups = 0


def _answer(target: str | None, body: bytes | None, region: str | None, key: str | None) -> Reply:
    state = _top
    if state is None:  # the last mock stopped while this request was on its way
        error = EcsError("ServerException", "ecs_mock stopped while the request ran", 500)
        return error_reply(error)
    return state.dispatcher.handle(target, body, region, key)


class EcsMock(TestControls):
    """Mock Amazon ECS for every boto3/botocore client in this process while active.

    Options: `account_id` (default 123456789012), `region` (where the setup shortcuts act),
    `seed` (same seed, same ids and ARNs), `access_keys` (access key id -> account id),
    and lifecycle step durations in clock seconds (`provisioning_seconds`, `pending_seconds`,
    `stopping_seconds`, `deprovisioning_seconds`; all 0 by default),
    `capacity_wait_seconds` (1800): how long a task waits in PROVISIONING for an Auto Scaling
    group capacity provider's room before it stops with TaskFailedToStart, and the service
    scheduler's (`service_step_seconds`: least time between two steps of a service;
    `service_healthy_after_seconds`: how long a task runs before it counts as healthy), and
    `default_cluster` (True: a `default` cluster exists from the start, and again after `reset()`).

    Started inside another active mock, it shares that mock's state when their options are
    equal (and, in a pytest test, the other was started for the same test); otherwise it gets
    a state of its own until it stops.
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
        default_cluster: bool = False,
    ) -> None:
        self._options = mock_options(
            account_id=account_id,
            region=region,
            seed=seed,
            access_keys=access_keys,
            provisioning_seconds=provisioning_seconds,
            pending_seconds=pending_seconds,
            stopping_seconds=stopping_seconds,
            deprovisioning_seconds=deprovisioning_seconds,
            capacity_wait_seconds=capacity_wait_seconds,
            service_step_seconds=service_step_seconds,
            service_healthy_after_seconds=service_healthy_after_seconds,
            default_cluster=default_cluster,
        )
        self.account_id = self._options.account_id
        self.region = self._options.region
        self.seed = self._options.seed
        self.access_keys = dict(self._options.access_keys)
        self.timings: Timings = self._options.timings
        self._state: _State | None = None
        self._entries = 0
        self._serial = 0
        self._origin: Origin = ""
        self._scoped = False

    def __repr__(self) -> str:
        return f"<{self._described()}>"

    def _described(self) -> str:
        where = f", started at {describe(self._origin)}" if self._state is not None else ""
        return f"{self._options.described()}{where}"

    # -- activation -------------------------------------------------------------------------

    def start(self) -> EcsMock:
        """Activate; starting an active mock does nothing (one `stop()` ends it)."""
        with _lock:
            if self._state is None:
                self._push(caller())
        return self

    def stop(self) -> None:
        """Deactivate, whatever entered it; its state is dropped unless another mock shares it."""
        with _lock:
            if self._state is None:
                return
            _stack[:] = [entry for entry in _stack if entry is not self]
            self._entries = 0
            self._release()

    def __enter__(self) -> EcsMock:
        with _lock:
            self._push(caller())
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._pop()

    @property
    def active(self) -> bool:
        return self._state is not None

    def _enter(self, origin: Origin) -> None:
        """One more entry, as `with` makes (the decorator's); left with `_pop`."""
        with _lock:
            self._push(origin)

    def _push(self, origin: Origin) -> None:
        """Enter once more (the decorator and `with` nest); the first entry joins or makes a
        state. Caller holds _lock."""
        global _top, _next_serial
        if self._state is None:
            # Mock decision: the same options join the innermost state (moto's nested mocks
            # share one); other options get a state of their own, so the inner mock's options
            # apply inside it and its controls act where its calls go.
            serial, _next_serial = _next_serial, _next_serial + 1
            top = _top
            if top is not None and top.options == self._options and _joinable(top):
                self._state = top
            else:
                self._state = _State(self._options, serial)
            self._serial, self._origin, self._scoped = serial, origin, False
        if not _stack:
            _saved_env.clear()
            _saved_env.update(lend_environment())
            INTERCEPTOR.install(_answer)
        _stack.append(self)
        self._entries += 1
        _top = self._state

    def _pop(self) -> None:
        """Leave the innermost entry of this mock; the last one stops it."""
        with _lock:
            for at in range(len(_stack) - 1, -1, -1):
                if _stack[at] is self:
                    del _stack[at]
                    break
            else:
                return
            self._entries -= 1
            if self._entries == 0:
                self._release()
            _retop()

    def _release(self) -> None:
        self._state = None
        _retop()
        if not _stack:
            INTERCEPTOR.uninstall()
            restore_environment(_saved_env)
            _saved_env.clear()

    # -- what the controls act on -----------------------------------------------------------

    @property
    def dispatcher(self) -> Dispatcher:
        """Internal: where this mock's shortcuts and controls act."""
        state = self._state
        if state is None:
            raise RuntimeError(self._inactive())
        top = _top
        if top is not state:
            inner = next(entry for entry in reversed(_stack) if entry._state is top)
            raise RuntimeError(
                f"{self!r} is shadowed by {inner!r}, which has a state of its own: calls go "
                "there until it stops, so this mock's shortcuts and controls would act where "
                "no call looks. Use that mock (mock_ecs.current() gives it) or stop it first."
            )
        return state.dispatcher

    def _log(self) -> Controls:
        state = self._state
        if state is None:
            raise RuntimeError(self._inactive())
        return state.controls

    @property
    def backend(self) -> Backend:
        """Internal: the in-memory state (its types change between releases)."""
        return self.dispatcher.backend

    def _inactive(self) -> str:
        return (
            f"This mock, {self._options.described()}, is not active: it is active inside "
            "`with mock:`, between `mock.start()` and `mock.stop()`, and while a function or "
            "class it decorates runs (its state is dropped when it stops). Inside a decorated "
            "function, `mock_ecs.current()` returns the active mock."
        )

    def reset(self) -> None:
        """Forget every resource and recorded call, keeping the mock active."""
        dispatcher = self.dispatcher
        with dispatcher.backend.lock:
            fresh = Backend(seed=self.seed, timings=self.timings)
            dispatcher.backend.__dict__.update(
                {k: v for k, v in fresh.__dict__.items() if k != "lock"}
            )
            if self._options.default_cluster:
                create_default_cluster(dispatcher.backend, self._options)
        dispatcher.controls.clear()

    # -- decorator --------------------------------------------------------------------------

    def __call__(self, target: F) -> F:
        if isinstance(target, type):
            return _decorate.decorate_class(target, self)  # type: ignore[return-value]
        if not callable(target):
            raise TypeError(
                f"mock_ecs decorates functions and classes, got {target!r}; "
                "options are keyword arguments: mock_ecs(account_id=...)"
            )
        return _decorate.wrap(target, lambda _: self)  # type: ignore[return-value]


class EcsMockFactory:
    """The type of `mock_ecs`: `@mock_ecs`, `@mock_ecs(...)`, `with mock_ecs(...):`,
    `mock_ecs(...).start()`, and `mock_ecs.current()`."""

    @overload
    def __call__(self, target: F, /) -> F: ...
    @overload
    def __call__(
        self,
        /,
        *,
        account_id: str = ...,
        region: str = ...,
        seed: int | None = ...,
        access_keys: Mapping[str, str] | None = ...,
        provisioning_seconds: float = ...,
        pending_seconds: float = ...,
        stopping_seconds: float = ...,
        deprovisioning_seconds: float = ...,
        capacity_wait_seconds: float = ...,
        service_step_seconds: float = ...,
        service_healthy_after_seconds: float = ...,
        default_cluster: bool = ...,
    ) -> EcsMock: ...
    def __call__(self, target: Any = None, /, **options: Any) -> Any:
        mock = EcsMock(**options)
        return mock if target is None else mock(target)

    @staticmethod
    def current() -> EcsMock:
        """The innermost active mock: the one whose state calls go to now."""
        with _lock:
            if not _stack:
                raise RuntimeError(
                    "No ecs_mock mock is active: mock_ecs.current() works inside "
                    "`with mock_ecs():`, a @mock_ecs function or class, or a test using the "
                    "ecs_mock fixture."
                )
            return _stack[-1]

    def __repr__(self) -> str:
        return "mock_ecs"


mock_ecs = EcsMockFactory()


def _joinable(state: _State) -> bool:
    if _scoped_setups:  # a wider-scoped fixture composing others: its choice
        return True
    return not state.scoped and state.serial >= _join_floor


def _retop() -> None:
    global _top
    _top = _stack[-1]._state if _stack else None


# -- for the pytest plugin (ecs_mock.plugin), which imports this module only once in use ------


def _test_began() -> tuple[int, int]:
    """A test starts: mocks it starts never join a state made before now. Returns a token."""
    global _join_floor
    with _lock:
        token = (_join_floor, _next_serial)
        _join_floor = _next_serial
        return token


def _test_ended(token: tuple[int, int] | None) -> list[str]:
    """The test ended: stop every mock it started and left active (unless a wider-scoped
    fixture started it); returns a description of each."""
    global _join_floor
    previous, since = token if token is not None else (0, 0)
    with _lock:
        _join_floor = previous
        leaked = [
            entry for entry in dict.fromkeys(_stack) if entry._serial >= since and not entry._scoped
        ]
        described = [entry._described() for entry in leaked]
        for entry in leaked:
            entry.stop()
        return described


def _scoped_setup_began() -> int:
    """A session/package/module/class-scoped fixture is being set up; returns a token."""
    global _scoped_setups
    with _lock:
        _scoped_setups += 1
        return _next_serial


def _scoped_setup_ended(since: int | None) -> None:
    """Mocks that fixture started (and left active) belong to it: tests do not join them, and
    they may outlive a test."""
    global _scoped_setups
    with _lock:
        if since is None:  # this module was imported during that set-up
            since = 0
        else:
            _scoped_setups -= 1
        for entry in _stack:
            if entry._serial >= since:
                entry._scoped = True
                if entry._state is not None and entry._state.serial >= since:
                    entry._state.scoped = True

"""What tests use to steer and inspect the mock: the call log and injected errors."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from .errors import EcsError


@dataclass(frozen=True)
class Call:
    """One request the mock received, as decoded (even when it was then refused)."""

    operation: str
    params: dict[str, Any]
    region: str
    account_id: str


@dataclass
class _Injection:
    error: EcsError
    remaining: int


@dataclass
class Controls:
    # None keeps every call (a test's mock lives for one test); the long-running server keeps
    # the most recent ones only, so its memory does not grow with every request.
    max_calls: int | None = None
    received: int = 0  # every call ever recorded, including those the bounded log dropped
    calls: deque[Call] = field(init=False)
    _injections: dict[str, list[_Injection]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        if self.max_calls is not None and self.max_calls < 0:
            raise ValueError("max_calls cannot be negative")
        self.calls = deque(maxlen=self.max_calls)

    def record(self, call: Call) -> None:
        with self._lock:
            self.calls.append(call)
            self.received += 1

    def recorded(self) -> list[Call]:
        """The calls kept, oldest first: a copy taken under the lock, safe while calls arrive."""
        with self._lock:
            return list(self.calls)

    def inject(self, operation: str, error: EcsError, count: int) -> None:
        if count < 1:
            raise ValueError("count must be at least 1")
        with self._lock:
            self._injections.setdefault(operation, []).append(_Injection(error, count))

    def take_injected(self, operation: str) -> EcsError | None:
        """The error to answer this attempt with, counting it down."""
        with self._lock:
            queue = self._injections.get(operation)
            if not queue:
                return None
            head = queue[0]
            head.remaining -= 1
            if head.remaining == 0:
                queue.pop(0)
            return head.error

    def clear_calls(self) -> None:
        with self._lock:
            self.calls.clear()
            self.received = 0

    def clear(self) -> None:
        with self._lock:
            self.calls.clear()
            self.received = 0
            self._injections.clear()

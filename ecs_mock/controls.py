"""What tests use to steer and inspect the mock: the call log and injected errors.

The log is bounded so that no request can make it grow without limit: a request body over
`MAX_BODY_KEPT` is kept shrunk (strings cut to `MAX_STRING` characters, lists to `MAX_ITEMS`
items, then the rest elided), a response over it is not kept, and the oldest calls are
dropped when the log holds more than `max_bytes` (calls still counted in `received` and
`count`).
"""

from __future__ import annotations

import json
import threading
from collections import Counter, deque
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

from .errors import EcsError

Source = Literal["client", "shortcut"]
# Mock decision: the bounds below (ECS has no call log; these keep a test's log useful and a
# long-running server's memory flat).
MAX_BODY_KEPT = 64 * 1024  # characters of one request or response body kept whole
MAX_STRING = 1024  # characters of one string kept from a request body over MAX_BODY_KEPT
MAX_ITEMS = 100  # items of one list (or keys of one object) kept from such a body
MAX_DEPTH = 32  # levels of nesting kept from such a body
# Bodies a log keeps before dropping its oldest calls: the local server's (long-running, with
# its --max-calls) and an in-process mock's (one test; kept small so that it does not weigh on
# the mock's memory per task).
DEFAULT_MAX_BYTES = 16 * 1024 * 1024
MOCK_MAX_BYTES = 2 * 1024 * 1024
_OVERHEAD = 256  # bytes one call costs besides its bodies, for the log's budget


@dataclass(frozen=True, eq=False)
class Call:
    """One ECS request the mock received (also when it was refused) and how it was answered.

    `source` is "client" for a request from a boto3/botocore client (or, on the local server,
    over HTTP) and "shortcut" for one a setup shortcut made (`create_cluster`, `call`, ...).
    `time` is the mock's clock (epoch seconds, `time.time()`) when the request arrived.
    `params` is the request as decoded; `response` the answer's body (None for an error, or
    when the answer was over 64 KiB: then `truncated` is true). `truncated` is also true when
    the request was over 64 KiB and `params` holds a shrunk copy.
    """

    operation: str
    region: str
    account_id: str
    source: Source
    time: float
    status: int
    error_code: str | None
    error_message: str | None
    truncated: bool
    _request: str | bytes = field(repr=False)
    _response: bytes | None = field(repr=False)

    @cached_property
    def params(self) -> dict[str, Any]:
        decoded: dict[str, Any] = json.loads(self._request) if self._request else {}
        return decoded

    @cached_property
    def response(self) -> dict[str, Any] | None:
        if self._response is None:
            return None
        decoded: dict[str, Any] = json.loads(self._response)
        return decoded

    @property
    def ok(self) -> bool:
        return self.error_code is None

    @property
    def size(self) -> int:
        """What this call costs the log's byte budget (its bodies, plus a fixed overhead)."""
        return len(self._request) + len(self._response or b"") + _OVERHEAD

    def to_json(self) -> dict[str, Any]:
        """The call as the server's `/_ecs_mock/calls` shows it."""
        return {
            "operation": self.operation,
            "params": self.params,
            "region": self.region,
            "accountId": self.account_id,
            "source": self.source,
            "time": self.time,
            "status": self.status,
            "errorCode": self.error_code,
            "errorMessage": self.error_message,
            "response": self.response,
            "truncated": self.truncated,
        }

    @classmethod
    def received(
        cls,
        *,
        operation: str,
        params: dict[str, Any],
        body: str | bytes | None,
        region: str,
        account_id: str,
        source: Source,
        time: float,
        status: int,
        error: EcsError | None,
        response: bytes | None,
    ) -> Call:
        """A call to log: bodies are kept as received (no copy, decoded when read), except
        those too long to keep whole."""
        truncated = False
        request: str | bytes = body or ""
        if len(request) > MAX_BODY_KEPT:
            request = json.dumps(shrink(params, [MAX_BODY_KEPT]), separators=(",", ":"))
            truncated = True
        if error is not None:
            response = None
        elif response is not None and len(response) > MAX_BODY_KEPT:
            response = None
            truncated = True
        # Filled in one step: a frozen dataclass's __init__ sets each field through
        # object.__setattr__, which doubled what logging a call costs. (Still frozen to callers.)
        call = object.__new__(cls)
        call.__dict__.update(
            operation=operation,
            region=region,
            account_id=account_id,
            source=source,
            time=time,
            status=status,
            error_code=None if error is None else error.code,
            error_message=None if error is None else error.message[:MAX_STRING],
            truncated=truncated,
            _request=request,
            _response=response,
        )
        return call


def shrink(value: Any, budget: list[int], depth: int = 0) -> Any:
    """A copy of decoded JSON small enough to keep: long strings cut, long lists and objects
    cut, nesting cut at MAX_DEPTH, and everything after `budget` characters elided (budget is
    spent in place)."""
    if isinstance(value, dict | list) and depth == MAX_DEPTH:
        budget[0] -= 32
        return "(nested too deep to keep)"
    if isinstance(value, str):
        if len(value) > MAX_STRING:
            value = f"{value[:MAX_STRING]}... ({len(value):,} characters)"
        budget[0] -= len(value) + 3
        return value
    if isinstance(value, dict):
        kept: dict[str, Any] = {}
        for key, item in value.items():
            if len(kept) == MAX_ITEMS or budget[0] <= 0:
                kept["..."] = f"{len(value) - len(kept):,} more keys not kept"
                break
            kept[shrink(key, budget)] = shrink(item, budget, depth + 1)
        return kept
    if isinstance(value, list):
        items: list[Any] = []
        for item in value:
            if len(items) == MAX_ITEMS or budget[0] <= 0:
                items.append(f"... {len(value) - len(items):,} more items not kept")
                break
            items.append(shrink(item, budget, depth + 1))
        return items
    budget[0] -= 8
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        return f"(an integer of {value.bit_length():,} bits)"
    return value


@dataclass
class _Injection:
    error: EcsError
    remaining: int


@dataclass
class Controls:
    # max_calls None keeps every call (a test's mock lives for one test); the long-running
    # server keeps the most recent ones only. Either way the bodies kept are bounded by
    # max_bytes: the oldest calls are dropped first.
    max_calls: int | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    received: int = 0  # every call ever recorded, including those the bounded log dropped
    calls: deque[Call] = field(init=False)
    count: Counter[tuple[Source, str]] = field(init=False)  # every call, by source, operation
    _bytes: int = 0
    _injections: dict[str, list[_Injection]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        if self.max_calls is not None and self.max_calls < 0:
            raise ValueError("max_calls cannot be negative")
        if self.max_bytes < 0:
            raise ValueError("max_bytes cannot be negative")
        self.calls = deque()
        self.count = Counter()

    @property
    def dropped(self) -> int:
        """Calls received but no longer in the log (the oldest go first)."""
        return self.received - len(self.calls)

    def record(self, call: Call) -> None:
        size = call.size
        with self._lock:
            self.calls.append(call)
            self.received += 1
            self.count[call.source, call.operation] += 1
            self._bytes += size
            while self.calls and (
                self._bytes > self.max_bytes
                or (self.max_calls is not None and len(self.calls) > self.max_calls)
            ):
                self._bytes -= self.calls.popleft().size

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
        if not self._injections:  # nothing was ever injected (a dict's length reads atomically)
            return None
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
            self.count.clear()
            self.received = 0
            self._bytes = 0

    def clear(self) -> None:
        self.clear_calls()
        with self._lock:
            self._injections.clear()

"""The one place the mock reads the time.

`time.time()` is read at call time (never cached, never `time.monotonic()`), so freezegun and
time-machine both move the mock's clock.
"""

from __future__ import annotations

import time


def now() -> float:
    """Epoch seconds, rounded to milliseconds as ECS serialises them."""
    return round(time.time(), 3)

"""The one place the mock reads the time.

`time.time()` is read at call time (never cached, never `time.monotonic()`), so freezegun and
time-machine both move the mock's clock.
"""

from __future__ import annotations

import time


def now() -> float:
    """Epoch seconds, rounded to milliseconds as ECS serialises them. (`round(t, 3)` rounds the
    decimal text, several times the cost; the two differ by a millisecond at most, and only for
    a reading within a rounding error of half a millisecond. Either is a whole millisecond that
    `round(x, 3)` leaves as it is.)"""
    return round(time.time() * 1000) / 1000

"""How much the randomised tests do.

The README's test command runs the quick budget (the default run in a few CPU-minutes on two
cores). `ECS_MOCK_FUZZ=full` runs the full one, which `.ci/run` does as a second pass over the
fuzz, stateful, concurrency and schema tests. The seeds do not change with the budget: a quick
run draws a prefix of what the full run draws.
"""

from __future__ import annotations

import os

FULL = os.environ.get("ECS_MOCK_FUZZ", "").strip().lower() == "full"


def budget(full: int, quick: int) -> int:
    """`full` examples (or requests, or threads' operations) in a full run, `quick` otherwise."""
    return full if FULL else quick

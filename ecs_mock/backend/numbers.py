"""Numbers written as text by callers (revisions, GPU counts, ports, task sizes, page tokens).

ECS's digits are ASCII only: `str.isdigit` and `int()` also take '²' or Arabic-Indic digits,
and `int()` refuses text of more than 4,300 digits with a ValueError, so every caller-written
number is read here, never with a bare int().
"""

from __future__ import annotations

import re

_DIGITS = re.compile(r"[0-9]+")
INT32_MAX = 2**31 - 1  # ECS's Integer members are 32-bit; their text forms are held to it too


def parse_digits(text: object, maximum: int = INT32_MAX) -> int | None:
    """The value of `text` when it is ASCII digits only and at most `maximum`, else None."""
    if not isinstance(text, str) or not _DIGITS.fullmatch(text):
        return None
    significant = text.lstrip("0")
    if len(significant) > len(str(maximum)):  # too long to be in range: never convert it
        return None
    value = int(significant or "0")
    return value if value <= maximum else None

"""AWS (Java-regex) patterns rewritten for Python's ``re``, Unicode categories made explicit."""

from __future__ import annotations

import re
import sys
import threading
import unicodedata
from collections.abc import Iterable
from typing import Final

# Java-style Unicode general categories: \p{L}, \p{Lu}, \P{N}, ...
_UNICODE_PROPERTY: Final = re.compile(r"\\([pP])\{([A-Z][a-z]?)\}")
_CATEGORY_RANGES: dict[str, list[tuple[int, int]]] = {}
_category_lock = threading.Lock()


def _scan_categories() -> dict[str, list[tuple[int, int]]]:
    """Code-point ranges per two-letter general category, from the interpreter's Unicode data.

    Deriving the classes from ``unicodedata`` keeps them exact for whatever Unicode version the
    running Python ships, instead of a hand-written approximation such as ``\\w`` or ``\\s``.
    """
    ranges: dict[str, list[tuple[int, int]]] = {}
    start, current = 0, unicodedata.category("\0")
    for codepoint in range(1, sys.maxunicode + 1):
        category = unicodedata.category(chr(codepoint))
        if category != current:
            ranges.setdefault(current, []).append((start, codepoint - 1))
            start, current = codepoint, category
    ranges.setdefault(current, []).append((start, sys.maxunicode))
    return ranges


def _category_ranges(category: str) -> list[tuple[int, int]]:
    """Ranges for a general category; one letter means the union of its sub-categories."""
    with _category_lock:
        if not _CATEGORY_RANGES:
            _CATEGORY_RANGES.update(_scan_categories())
    picked = [r for name, rs in _CATEGORY_RANGES.items() if name.startswith(category) for r in rs]
    if not picked:
        raise ValueError(f"unknown Unicode general category {category!r}")
    return _merge_ranges(picked)


def _merge_ranges(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for low, high in sorted(ranges):
        if merged and low <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return merged


def _escape_codepoint(codepoint: int) -> str:
    return f"\\u{codepoint:04x}" if codepoint <= 0xFFFF else f"\\U{codepoint:08x}"


def _class_body(category: str) -> str:
    """The inside of a ``[...]`` set matching exactly the code points of ``category``."""
    parts = []
    for low, high in _category_ranges(category):
        parts.append(_escape_codepoint(low))
        if high != low:
            parts.append("-" + _escape_codepoint(high))
    return "".join(parts)


def translate_pattern(pattern: str) -> str:
    r"""Rewrite an AWS (Java regex) pattern for Python's ``re`` and anchor it as a full match.

    ``\p{X}`` / ``\P{X}`` become explicit code-point sets. AWS patterns must match the whole
    value, while JSON Schema's ``pattern`` is a search, hence the anchors; ``\Z`` rather than
    ``$`` because ``$`` would also accept a trailing newline.
    """
    out: list[str] = []
    index, in_set = 0, False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            match = _UNICODE_PROPERTY.match(pattern, index)
            if match is None:
                out.append(pattern[index : index + 2])
                index += 2
                continue
            negated, body = match.group(1) == "P", _class_body(match.group(2))
            if in_set and negated:
                raise ValueError(f"cannot translate a negated property inside a set: {pattern!r}")
            out.append(body if in_set else f"[{'^' if negated else ''}{body}]")
            index = match.end()
            continue
        if char == "[" and not in_set:
            in_set = True
            # A ']' straight after '[' or '[^' is a literal, not the end of the set.
            opening = re.match(r"\[\^?\]?", pattern[index:])
            assert opening is not None
            out.append(opening.group())
            index += len(opening.group())
            continue
        if char == "]" and in_set:
            in_set = False
        out.append(char)
        index += 1
    return f"^(?:{''.join(out)})\\Z"

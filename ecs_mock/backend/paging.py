"""nextToken pagination shared by the List* operations.

The token is the position after the last returned item, base64-wrapped so callers treat it as
opaque; a token that does not decode is refused the way ECS refuses a bad one.

Lists built per call page by offset (`paged`). Walks over stored collections page by position
(`paged_entries`): the token holds where the next page starts in the collection itself (an
instance's ordinal and an attribute's index, say), so each page starts there instead of
re-walking everything before it, and walking every page costs what the items cost.

Mock decision: ECS does not say how a token behaves when the collection changes between pages;
here a page resumes at the stored position, so an item added at the end is listed later, and
one removed before that position (a deleted cluster or attribute) makes the next page skip one.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Iterator, Mapping
from itertools import islice
from typing import Any, TypeVar

from ..errors import invalid_parameter

T = TypeVar("T")


Position = tuple[int, ...]


def decode(token: str | None) -> int:
    return decode_position(token, 1)[0]


def encode(offset: int) -> str:
    return encode_position((offset,))


def decode_position(token: str | None, width: int) -> Position:
    """The position a token names: `width` whole numbers >= 0 (all 0 without a token)."""
    if token is None:
        return (0,) * width
    try:
        parts = base64.urlsafe_b64decode(token.encode()).decode().split(".")
        position = tuple(int(part) for part in parts)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise invalid_parameter("Invalid nextToken provided.") from None
    if len(position) != width or min(position) < 0:
        raise invalid_parameter("Invalid nextToken provided.")
    return position


def encode_position(position: Position) -> str:
    return base64.urlsafe_b64encode(".".join(map(str, position)).encode()).decode()


def page(
    items: Iterable[T], token: str | None, max_results: int | None, limit: int = 100
) -> tuple[list[T], str | None]:
    """One page of `items` and the token for the next, or None at the end."""
    start = decode(token)
    size = page_size(max_results, limit)
    iterator: Iterator[T] = iter(items)
    window = list(islice(iterator, start, start + size + 1))
    if len(window) > size:
        return window[:size], encode(start + size)
    return window, None


def page_size(max_results: int | None, limit: int = 100) -> int:
    size = limit if max_results is None else max_results
    if not 1 <= size <= limit:
        raise invalid_parameter(f"maxResults must be between 1 and {limit}.")
    return size


def paged_entries(
    key: str, entries: Iterable[tuple[Position, T]], params: Mapping[str, Any]
) -> dict[str, Any]:
    """A List* answer from `(position, item)` pairs that start at the token's position (the
    caller reads it with `decode_position`); `nextToken` names the first position not returned."""
    size = page_size(params.get("maxResults"))
    window = list(islice(entries, size + 1))
    result: dict[str, Any] = {key: [item for _, item in window[:size]]}
    if len(window) > size:
        result["nextToken"] = encode_position(window[size][0])
    return result


def paged(key: str, items: Iterable[T], params: Mapping[str, Any]) -> dict[str, Any]:
    """A List* answer: one page of `items` under `key`, plus `nextToken` when more remain."""
    window, token = page(items, params.get("nextToken"), params.get("maxResults"))
    result: dict[str, Any] = {key: window}
    if token:
        result["nextToken"] = token
    return result

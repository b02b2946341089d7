"""nextToken pagination shared by the List* operations.

The token is the position after the last returned item, base64-wrapped so callers treat it as
opaque; a token that does not decode is refused the way ECS refuses a bad one.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Iterator, Mapping
from itertools import islice
from typing import Any, TypeVar

from ..errors import invalid_parameter

T = TypeVar("T")


def decode(token: str | None) -> int:
    if token is None:
        return 0
    try:
        offset = int(base64.urlsafe_b64decode(token.encode()).decode())
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise invalid_parameter("Invalid nextToken provided.") from None
    if offset < 0:
        raise invalid_parameter("Invalid nextToken provided.")
    return offset


def encode(offset: int) -> str:
    return base64.urlsafe_b64encode(str(offset).encode()).decode()


def page(
    items: Iterable[T],
    token: str | None,
    max_results: int | None,
    limit: int = 100,
    default: int | None = None,
) -> tuple[list[T], str | None]:
    """One page of `items` and the token for the next, or None at the end."""
    start = decode(token)
    size = page_size(max_results, limit, default)
    iterator: Iterator[T] = iter(items)
    window = list(islice(iterator, start, start + size + 1))
    if len(window) > size:
        return window[:size], encode(start + size)
    return window, None


def page_size(max_results: int | None, limit: int = 100, default: int | None = None) -> int:
    """`maxResults` checked against 1..limit; without it, `default` (the limit unless given)."""
    size = (limit if default is None else default) if max_results is None else max_results
    if not 1 <= size <= limit:
        raise invalid_parameter(f"maxResults must be between 1 and {limit}.")
    return size


def paged(
    key: str,
    items: Iterable[T],
    params: Mapping[str, Any],
    limit: int = 100,
    default: int | None = None,
) -> dict[str, Any]:
    """A List* answer: one page of `items` under `key`, plus `nextToken` when more remain."""
    window, token = page(items, params.get("nextToken"), params.get("maxResults"), limit, default)
    result: dict[str, Any] = {key: window}
    if token:
        result["nextToken"] = token
    return result

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
from .numbers import parse_digits

T = TypeVar("T")
# Far beyond any list the mock holds, and well within what itertools.islice accepts (sys.maxsize,
# less a page).
MAX_OFFSET = 10**15


def decode(token: str | None) -> int:
    if token is None:
        return 0
    try:
        text = base64.urlsafe_b64decode(token.encode()).decode()
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise invalid_parameter("Invalid nextToken provided.") from None
    # Only tokens this module could have written are valid: ASCII digits, a sane offset.
    offset = parse_digits(text, MAX_OFFSET)
    if offset is None:
        raise invalid_parameter("Invalid nextToken provided.")
    return offset


def encode(offset: int) -> str:
    return base64.urlsafe_b64encode(str(offset).encode()).decode()


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


def paged(key: str, items: Iterable[T], params: Mapping[str, Any]) -> dict[str, Any]:
    """A List* answer: one page of `items` under `key`, plus `nextToken` when more remain."""
    window, token = page(items, params.get("nextToken"), params.get("maxResults"))
    result: dict[str, Any] = {key: window}
    if token:
        result["nextToken"] = token
    return result

"""The state file's layout: its SQL schema and statements, and the JSON text of its rows
(written compact and NaN-free; read back only as JSON objects, any failure the file's)."""

from __future__ import annotations

import base64
import contextlib
import json
import struct
from collections.abc import Iterator
from typing import Any

from .. import _schema
from .codec import json_default

APPLICATION_ID = 0x45435331  # "ECS1", in the SQLite header (`PRAGMA application_id`)
SCHEMA_VERSION = 1
SQLITE_MAGIC = b"SQLite format 3\x00"
PICKLE_MAGIC = b"ECS-MOCK-STATE\n"  # the format before SQLite: never read
SCHEMA = """
CREATE TABLE ecs_mock_schema (version INTEGER NOT NULL, written_by TEXT NOT NULL);
CREATE TABLE backend (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE regions (
    account_id TEXT NOT NULL,
    region TEXT NOT NULL,
    internal TEXT NOT NULL,
    UNIQUE (account_id, region)
);
CREATE TABLE resources (
    account_id TEXT NOT NULL,
    region TEXT NOT NULL,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    body TEXT NOT NULL,
    internal TEXT NOT NULL,
    UNIQUE (account_id, region, kind, key)
);
"""
# Rows are read in rowid order: an upsert keeps a row's place, so clusters, instances and tasks
# come back in the order the API lists them.
UPSERT_RESOURCE = """
INSERT INTO resources (account_id, region, kind, key, body, internal) VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (account_id, region, kind, key) DO UPDATE SET body = excluded.body,
    internal = excluded.internal
"""
DELETE_RESOURCE = (
    "DELETE FROM resources WHERE account_id = ? AND region = ? AND kind = ? AND key = ?"
)
UPSERT_REGION = """
INSERT INTO regions (account_id, region, internal) VALUES (?, ?, ?)
ON CONFLICT (account_id, region) DO UPDATE SET internal = excluded.internal
"""
UPSERT_BACKEND = """
INSERT INTO backend (key, value) VALUES (?, ?)
ON CONFLICT (key) DO UPDATE SET value = excluded.value
"""


class StateFileError(Exception):
    """The state file cannot be used; it is left untouched."""


# allow_nan=False: the file stays JSON; a value that is not (NaN) fails the request instead.
_ENCODER = json.JSONEncoder(separators=(",", ":"), allow_nan=False, default=json_default)


def dumps(value: Any) -> str:
    return _ENCODER.encode(value)


def ids_text(state: list[Any]) -> str:
    """The id generator's position: its 625 words packed (a quarter of the JSON list's size,
    as it is written with every request that draws an id)."""
    version, words, gauss = state
    packed = base64.b64encode(struct.pack(f"<{len(words)}I", *words)).decode()
    return dumps({"version": version, "words": packed, "gauss": gauss})


def ids_state(text: Any, where: str) -> list[Any]:
    value = loads(text, where)
    try:
        packed = base64.b64decode(value["words"], validate=True)
        words = list(struct.unpack(f"<{len(packed) // 4}I", packed))
    except (KeyError, TypeError, ValueError, struct.error) as error:
        raise StateFileError(f"{where} is malformed: {error!r}") from None
    return [value.get("version"), words, value.get("gauss")]


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def loads(text: Any, where: str) -> dict[str, Any]:
    if not isinstance(text, str):
        raise StateFileError(f"{where} is not text")
    try:
        value = json.loads(text, parse_constant=_refuse_constant)
    except (ValueError, RecursionError) as error:
        raise StateFileError(f"{where} is not valid JSON: {error}") from None
    if not isinstance(value, dict):
        raise StateFileError(f"{where} is not a JSON object")
    return value


@contextlib.contextmanager
def reading(where: str) -> Iterator[None]:
    """Reading one row: any failure is the file's, reported as such (never a traceback)."""
    try:
        yield
    except StateFileError:
        raise
    except _schema.ResponseSchemaError as error:
        raise StateFileError(f"{where}: not in the ECS API's shape: {error}") from None
    except Exception as error:  # data we do not trust: every failure is a malformed file
        raise StateFileError(f"{where}: {error}") from None

"""`--state-file`: the server's state in SQLite, written request by request.

Schema (layout.py, `SCHEMA_VERSION`; the file's `application_id` marks it as ecs_mock's):

    ecs_mock_schema(version, written_by)        one row
    backend(key, value)                         "ids": the seeded id generator's position
    regions(account_id, region, internal)       one row per account and region holding state
    resources(account_id, region, kind, key,    one row per resource: `body` is its API shape,
              body, internal)                   `internal` what that shape lacks (kinds.py)

Each accepted request is one transaction writing only the rows of what it touched. The file is
opened in WAL mode with an exclusive lock held until the server stops, so a second server on the
same file is refused. Loading reads JSON and checks it against the models' types and the ECS
model's response shapes; nothing in the file is ever executed, imported or looked up by name.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .. import _schema
from ..arns import Ids
from ..backend import Backend, Region
from ..backend.state import Ref
from ..errors import server_error
from .fields import Loading
from .kinds import (
    KIND_NAMED,
    KIND_OF_MODEL,
    KINDS,
    decode,
    encode,
    finish,
    region_internal,
    restore_region,
)
from .layout import (
    APPLICATION_ID,
    DELETE_RESOURCE,
    PICKLE_MAGIC,
    SCHEMA,
    SCHEMA_VERSION,
    SQLITE_MAGIC,
    UPSERT_BACKEND,
    UPSERT_REGION,
    UPSERT_RESOURCE,
    StateFileError,
    dumps,
    ids_state,
    ids_text,
    loads,
    reading,
)

logger = logging.getLogger("ecs_mock.server")


class StateFile:
    """One open, locked state file; the Backend's journal while the server runs."""

    def __init__(self, path: Path, written_by: str = "ecs_mock") -> None:
        self.path = path
        self.source = f"state file {path}"
        self._refuse_foreign_bytes()
        existed = path.exists()
        try:
            self._db = sqlite3.connect(
                path, isolation_level=None, timeout=0, check_same_thread=False
            )
        except sqlite3.Error as error:
            raise StateFileError(f"cannot open {self.source}: {error}") from None
        try:
            self.is_new = self._open(written_by)
        except BaseException:
            self._db.close()
            if not existed:
                self._remove()
            raise
        self._saved_ids: list[Any] | None = None

    # -- opening --------------------------------------------------------------------------

    def _refuse_foreign_bytes(self) -> None:
        """Say what a file that is not ours is, before SQLite gets to it."""
        path = self.path
        if path.is_dir():
            raise StateFileError(f"{self.source} is a directory.")
        if not path.exists():
            if not path.parent.is_dir():
                raise StateFileError(f"cannot create {self.source}: no directory {path.parent}.")
            return
        try:
            with path.open("rb") as handle:
                head = handle.read(len(SQLITE_MAGIC))
        except OSError as error:
            raise StateFileError(f"cannot read {self.source}: {error.strerror}") from None
        if head.startswith(PICKLE_MAGIC):
            raise StateFileError(
                f"{self.source} is in the pickle format of older ecs_mock versions, which is no "
                "longer read (a pickle can run code). Delete it or choose another path."
            )
        if head != SQLITE_MAGIC:
            what = "empty" if not head else "not an SQLite database"
            raise StateFileError(f"{self.source} is not an ecs_mock state file ({what}).")

    @contextlib.contextmanager
    def _sqlite_errors(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.OperationalError as error:
            with contextlib.suppress(sqlite3.Error):
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
            if "locked" in str(error) or "busy" in str(error):
                raise StateFileError(
                    f"{self.source} is in use by another ecs-mock server (or another program "
                    "has it open); stop that one first, or choose another --state-file."
                ) from None
            raise StateFileError(f"cannot use {self.source}: {error}") from None
        except sqlite3.DatabaseError as error:
            raise StateFileError(
                f"{self.source} is not a readable SQLite database: {error}"
            ) from None

    def _open(self, written_by: str) -> bool:
        """Check (or create) the schema; True when the file is new. An existing file is only
        read here, so one that is refused (or fails to load) is left exactly as it was."""
        db = self._db
        self._written_by = written_by
        with self._sqlite_errors():
            db.execute("PRAGMA locking_mode=EXCLUSIVE")
            new = self._check_schema()
            db.execute("PRAGMA journal_mode=WAL")  # ecs_mock's files are WAL already
            # Mock decision: NORMAL, not FULL: in WAL mode an acknowledged write survives the
            # server being killed; an OS crash or power loss may lose the last few.
            db.execute("PRAGMA synchronous=NORMAL")
            if new:
                db.execute("BEGIN IMMEDIATE")
                db.execute(f"PRAGMA application_id={APPLICATION_ID}")
                for statement in SCHEMA.split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute(
                    "INSERT INTO ecs_mock_schema VALUES (?, ?)", (SCHEMA_VERSION, written_by)
                )
                db.execute("COMMIT")  # this write takes the exclusive lock, held until close
        self._claimed = new
        return new

    def _claim(self) -> None:
        """After a successful load: one write, which takes the file's exclusive lock for as
        long as the server runs (a second server then cannot even read it)."""
        if self._claimed:
            return
        with self._sqlite_errors():
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute("UPDATE ecs_mock_schema SET written_by = ?", (self._written_by,))
            self._db.execute("COMMIT")
        self._claimed = True

    def _check_schema(self) -> bool:
        db = self._db
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
        application = db.execute("PRAGMA application_id").fetchone()[0]
        if not tables and application == 0:
            return True
        if application != APPLICATION_ID or "ecs_mock_schema" not in tables:
            raise StateFileError(
                f"{self.source} is not an ecs_mock state file (an SQLite database of something "
                "else)."
            )
        rows = db.execute("SELECT version FROM ecs_mock_schema").fetchall()
        version = rows[0][0] if len(rows) == 1 else None
        if version != SCHEMA_VERSION:
            raise StateFileError(
                f"{self.source} has schema version {version!r}; this ecs_mock reads version "
                f"{SCHEMA_VERSION}. Delete it, or use the ecs_mock version that wrote it."
            )
        return False

    def _remove(self) -> None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            with contextlib.suppress(OSError):
                Path(f"{self.path}{suffix}").unlink()

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._db.close()

    # -- loading --------------------------------------------------------------------------

    def load(self, backend: Backend) -> None:
        """Replace the backend's state with the file's; the backend is unchanged on error."""
        try:
            ids, regions = self._read(backend)
        except StateFileError:
            raise
        except sqlite3.OperationalError as error:
            if "locked" not in str(error):
                raise StateFileError(f"{self.source} is corrupt: {error}") from None
            with self._sqlite_errors():
                raise
        except sqlite3.DatabaseError as error:
            raise StateFileError(f"{self.source} is corrupt: {error}") from None
        self._claim()
        with backend.lock:
            backend.replace(ids, regions)
            backend.cleared = False
        self._saved_ids = ids.state()

    def _read(self, backend: Backend) -> tuple[Ids, list[Region]]:
        db = self._db
        rows = dict(db.execute("SELECT key, value FROM backend").fetchall())
        ids = Ids()
        if "ids" in rows:
            where = f"{self.source}, the id generator's state"
            try:
                ids = Ids.restored(ids_state(rows["ids"], where))
            except ValueError as error:
                raise StateFileError(f"{where}: {error}") from None
        regions: dict[tuple[str, str], Loading] = {}
        for account_id, name, internal in db.execute(
            "SELECT account_id, region, internal FROM regions ORDER BY rowid"
        ):
            loading = Loading(Region(str(account_id), str(name), ids, backend.timings))
            where = f"{self.source}, region {account_id}/{name}"
            with reading(where):
                restore_region(loading, loads(internal, where))
            regions[(str(account_id), str(name))] = loading
        known = ", ".join(KIND_NAMED)
        for (kind_name,) in db.execute("SELECT DISTINCT kind FROM resources"):
            if kind_name not in KIND_NAMED:
                raise StateFileError(
                    f"{self.source} holds resources of kind {kind_name!r}, which this ecs_mock "
                    f"does not know (it knows {known}): a newer version wrote it."
                )
        for kind in KINDS:
            for account_id, name, key, body_text, internal_text in db.execute(
                "SELECT account_id, region, key, body, internal FROM resources WHERE kind = ? "
                "ORDER BY rowid",
                (kind.name,),
            ):
                where = f"{self.source}, {kind.name} {key!r} in {account_id}/{name}"
                owner = regions.get((account_id, name))
                if owner is None:
                    raise StateFileError(f"{where}: no such account and region in the file")
                body = loads(body_text, f"{where}: body")
                internal = loads(internal_text, f"{where}: internal")
                if kind.schema is not None and kind.schema[0] not in _schema.known_operations():
                    raise StateFileError(
                        f"{where}: the installed botocore's ECS model has no {kind.schema[0]}, "
                        "so these rows cannot be checked or served: upgrade botocore."
                    )
                with reading(where):
                    if kind.schema is not None:
                        operation, response = kind.schema
                        _schema.check_response(operation, response(body, internal))
                    decode(kind, owner, str(key), body, internal)
        for loading in regions.values():
            where = f"{self.source}, region {loading.region.account_id}/{loading.region.region}"
            with reading(where):
                finish(loading)
        return ids, [loading.region for loading in regions.values()]

    # -- writing (the Backend's journal) --------------------------------------------------

    def commit(self, backend: Backend) -> None:
        db = self._db
        ids = backend.ids.state()
        try:
            db.execute("BEGIN IMMEDIATE")
            if backend.cleared:
                self._write_all(backend)
            else:
                self._write_changes(backend)
            if ids != self._saved_ids:
                db.execute(UPSERT_BACKEND, ("ids", ids_text(ids)))
            db.execute("COMMIT")
        except Exception as error:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            if not isinstance(error, sqlite3.Error):
                logger.exception("ecs_mock could not encode its state for %s", self.source)
            self.restore(backend)
            raise server_error(
                f"ecs_mock could not write its state file ({error}); the request changed nothing."
            ) from error
        backend.changes.clear()
        backend.cleared = False
        self._saved_ids = ids

    def restore(self, backend: Backend) -> None:
        try:
            self.load(backend)
        except StateFileError as error:
            # Reading back what this server wrote failed too: keep serving what is in memory.
            logger.error("ecs_mock could not restore its state from %s: %s", self.source, error)
            backend.changes.clear()
            backend.cleared = True  # the next commit that can write rewrites everything

    def _write_all(self, backend: Backend) -> None:
        db = self._db
        db.execute("DELETE FROM resources")
        db.execute("DELETE FROM regions")
        for region in backend.regions():
            self._write_region(region)
            for kind in KINDS:
                db.executemany(
                    UPSERT_RESOURCE,
                    [self._row(kind, region, key, obj) for key, obj in kind.every(region)],
                )

    def _write_changes(self, backend: Backend) -> None:
        db = self._db
        upserts: dict[tuple[str, str, str, str], tuple[str, ...]] = {}
        deletes: set[tuple[str, str, str, str]] = set()
        regions: dict[tuple[str, str], Region] = {}
        for region, obj in backend.changes.values():
            if isinstance(obj, Region):
                regions[(obj.account_id, obj.region)] = obj
                continue
            if isinstance(obj, Ref):
                kind = KIND_NAMED[obj.kind]
                key = kind.key(obj.key)
            else:
                kind = KIND_OF_MODEL[type(obj)]
                key = kind.key(obj)
            ident = (region.account_id, region.region, kind.name, key)
            if ident in upserts or ident in deletes:
                continue  # the old and the new object under one key (a re-registration)
            live = kind.find(region, key)
            if live is None:
                deletes.add(ident)
            else:
                upserts[ident] = self._row(kind, region, key, live)
        for region in regions.values():
            self._write_region(region)
        if deletes:
            db.executemany(DELETE_RESOURCE, sorted(deletes))
        if upserts:
            db.executemany(UPSERT_RESOURCE, list(upserts.values()))

    def _write_region(self, region: Region) -> None:
        self._db.execute(
            UPSERT_REGION,
            (region.account_id, region.region, dumps(region_internal(region))),
        )

    @staticmethod
    def _row(kind: Any, region: Region, key: str, obj: Any) -> tuple[str, ...]:
        body, internal = encode(kind, region, obj)
        return (region.account_id, region.region, kind.name, key, dumps(body), dumps(internal))

"""The Backend: every account's regions, the one lock that makes each call atomic, and where
accepted changes go.

A request or control acts on one Region and ends with `Backend.settle`. A region nothing was ever
stored in is handed out detached and joins the backend only when an accepted change stores
something in it, so refused and read-only requests leave no account or region behind. With a
journal attached (the server's `--state-file`), settling commits exactly what was touched; a
commit that fails restores the last committed state and answers ServerException.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from ..arns import Ids
from .state import Changes, Region, Timings


class Journal(Protocol):
    """Where accepted changes are kept (ecs_mock.persistence.StateFile)."""

    def commit(self, backend: Backend) -> None:
        """Write `backend.changes` (everything when `backend.cleared`) in one transaction, then
        empty them; on failure restore the backend's last committed state and raise EcsError
        (ServerException)."""

    def restore(self, backend: Backend) -> None:
        """Put the backend back to its last committed state."""


class Backend:
    """All regions of all accounts, behind one re-entrant lock."""

    def __init__(self, seed: int | None = None, timings: Timings | None = None) -> None:
        self.lock = threading.RLock()
        self.ids = Ids(seed)
        self.timings = timings or Timings()
        self._regions: dict[tuple[str, str], Region] = {}
        self.changes: Changes = {}
        self.cleared = False  # everything was replaced: the journal rewrites it all
        self.journal: Journal | None = None
        self._batch_depth = 0

    def region(self, account_id: str, region: str) -> Region:
        """The state of one account in one region; detached (not yet part of the backend) when
        nothing was stored there yet."""
        found = self._regions.get((account_id, region))
        if found is None:
            found = Region(account_id, region, self.ids, self.timings, changes={})
        return found

    def regions(self) -> list[Region]:
        return list(self._regions.values())

    def replace(self, ids: Ids, regions: list[Region]) -> None:
        """Install a whole new state (a reset, or a state file being loaded)."""
        self.ids = ids
        self._regions = {}
        for region in regions:
            region.ids, region.timings, region.changes = ids, self.timings, self.changes
            self._regions[(region.account_id, region.region)] = region
        self.changes.clear()
        self.cleared = True

    def settle(self, region: Region, accepted: bool = True) -> None:
        """End of one request or control on `region` (the caller holds the lock): a detached
        region joins when an accepted change stored something in it, and the changes are
        committed (unless inside `batch`)."""
        key = (region.account_id, region.region)
        if self._regions.get(key) is not region:
            if not (accepted and region.changes):
                region.changes.clear()
                return
            self._regions[key] = region
            self.changes.update(region.changes)
            region.changes = self.changes
            region.touch(region)
        if self._batch_depth == 0:
            self.commit()

    def commit(self) -> None:
        if not self.changes and not self.cleared:
            return
        if self.journal is None:
            self.changes.clear()
            self.cleared = False
            return
        self.journal.commit(self)

    def abandon(self) -> None:
        """Something failed half-way (a bug): go back to the last committed state where a journal
        keeps one; in memory alone, what was done stays done."""
        if self.journal is not None and (self.changes or self.cleared):
            self.journal.restore(self)
        self.changes.clear()
        self.cleared = False

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Several settles committed as one (a reset and its re-seeding), all or nothing."""
        with self.lock:
            self._batch_depth += 1
            try:
                yield
            except BaseException:
                self._batch_depth -= 1
                if self._batch_depth == 0:
                    self.abandon()
                raise
            self._batch_depth -= 1
            if self._batch_depth == 0:
                self.commit()

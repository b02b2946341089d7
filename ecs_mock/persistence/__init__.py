"""`--state-file`: the local server's state in SQLite (see store.py for the format and kinds.py
for what each resource row holds)."""

from .store import APPLICATION_ID, SCHEMA_VERSION, StateFile, StateFileError

__all__ = ["APPLICATION_ID", "SCHEMA_VERSION", "StateFile", "StateFileError"]

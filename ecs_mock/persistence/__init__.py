"""`--state-file`: the local server's state in SQLite (store.py writes and reads it, layout.py
holds its format, kinds.py what each resource row holds)."""

from .layout import APPLICATION_ID, SCHEMA_VERSION, StateFileError
from .store import StateFile

__all__ = ["APPLICATION_ID", "SCHEMA_VERSION", "StateFile", "StateFileError"]

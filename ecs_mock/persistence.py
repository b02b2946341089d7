"""`--state-file`: the server's backend saved atomically and loaded at the next start.

Format: a text header (magic line, then one JSON line with the format version and a fingerprint
of the backend's dataclasses) followed by a pickle of the backend's state. Pickle keeps the
seeded id generator, shared task-definition objects and the lifecycle event queue exactly,
which a hand-written JSON mapping would have to re-derive and keep in step with every model
change. It is a local development file, and it is guarded as one: the loader only rebuilds
classes of `ecs_mock.backend` and `ecs_mock.arns` (plus `random.Random`), so a tampered file
cannot run code, and a file from another model version is refused by its fingerprint.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import inspect
import io
import json
import os
import pickle
import pkgutil
import tempfile
from pathlib import Path
from typing import Any

from . import backend as backend_package
from .backend import Backend

MAGIC = b"ECS-MOCK-STATE\n"
FORMAT = 1
_ALLOWED_MODULES = ("ecs_mock.backend.", "ecs_mock.arns")
_ALLOWED_CLASSES = {("random", "Random"), ("collections", "Counter"), ("collections", "deque")}


class StateFileError(Exception):
    """The state file cannot be used; it is left untouched."""


def fingerprint() -> str:
    """Changes whenever a persisted class gains, loses or renames a field."""
    parts: list[str] = []
    names = ["ecs_mock.arns"] + [
        f"{backend_package.__name__}.{info.name}"
        for info in pkgutil.iter_modules(backend_package.__path__)
    ]
    for name in sorted(names):
        module = importlib.import_module(name)
        for attribute, value in sorted(vars(module).items()):
            if not isinstance(value, type) or value.__module__ != name:
                continue
            if dataclasses.is_dataclass(value):
                fields = ",".join(f.name for f in dataclasses.fields(value))
                parts.append(f"{name}.{attribute}({fields})")
            elif issubclass(value, tuple) and hasattr(value, "_fields"):  # a NamedTuple (Event)
                parts.append(f"{name}.{attribute}({','.join(value._fields)})")
            elif "__init__" in vars(value):
                # A plain class keeps its fields in __init__ (Region, TaskIndex): any change there
                # may add an attribute an old file's objects lack.
                source = inspect.getsource(vars(value)["__init__"])
                parts.append(f"{name}.{attribute}:{source}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def dumps(backend: Backend) -> bytes:
    """The backend's state as file bytes; the caller holds the backend lock."""
    state = {key: value for key, value in vars(backend).items() if key != "lock"}
    header = json.dumps({"format": FORMAT, "fingerprint": fingerprint()}).encode()
    return MAGIC + header + b"\n" + pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)


def loads(data: bytes, backend: Backend, source: str = "state file") -> None:
    """Replace the backend's state with the one in `data`; the backend is unchanged on error."""
    if not data.startswith(MAGIC):
        raise StateFileError(f"{source} is not an ecs_mock state file (bad magic line).")
    header_line, _, payload = data[len(MAGIC) :].partition(b"\n")
    try:
        header = json.loads(header_line)
    except ValueError:
        raise StateFileError(f"{source} has a corrupt header.") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise StateFileError(f"{source} has an unknown format {header!r}.")
    if header.get("fingerprint") != fingerprint():
        raise StateFileError(
            f"{source} was written by an ecs_mock version with different models; "
            "delete it or start without --state-file."
        )
    try:
        state = _Unpickler(io.BytesIO(payload)).load()
    except StateFileError:
        raise
    except Exception as error:
        raise StateFileError(f"{source} is corrupt: {error!r}") from None
    if not isinstance(state, dict) or "_regions" not in state:
        raise StateFileError(f"{source} holds no backend state.")
    with backend.lock:
        timings = backend.timings
        vars(backend).update(state)
        # Lifecycle step durations are the running server's options, not the saved ones.
        backend.timings = timings
        for region in backend.regions():
            region.timings = timings


def load(path: Path, backend: Backend) -> bool:
    """Load `path` into `backend`; False when the file does not exist yet."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return False
    except OSError as error:
        raise StateFileError(f"cannot read state file {path}: {error.strerror}") from None
    loads(data, backend, f"state file {path}")
    return True


def save(path: Path, data: bytes) -> None:
    """Write atomically: a reader (or a crash) sees the old file or the new one, never half."""
    directory = path.parent if str(path.parent) else Path(".")
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        allowed = module.startswith(_ALLOWED_MODULES) or (module, name) in _ALLOWED_CLASSES
        if allowed:
            found = super().find_class(module, name)
            if isinstance(found, type):
                return found
        raise StateFileError(f"state file refers to {module}.{name}, which it may not load.")

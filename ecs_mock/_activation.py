"""What a mock's activation needs from around it: where the code that started it is (for the
messages naming it), and the fake credentials and region it lends the environment."""

from __future__ import annotations

import os
import sys

from .intercept import FAKE_CREDENTIALS
from .options import DEFAULT_REGION

Origin = str | tuple[str, int, str]  # where a mock was started: text, or (path, line, function)
_FAKE_ENV = {
    "AWS_ACCESS_KEY_ID": FAKE_CREDENTIALS.access_key,
    "AWS_SECRET_ACCESS_KEY": FAKE_CREDENTIALS.secret_key,
}
_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


def caller() -> Origin:
    """Where the code that started a mock is: the first frame outside ecs_mock and contextlib
    (formatted only when a message needs it)."""
    frame = sys._getframe(2)
    while frame is not None:
        path = frame.f_code.co_filename
        if not (path.startswith(_PACKAGE_DIR) or path.endswith("contextlib.py")):
            return (path, frame.f_lineno, frame.f_code.co_name)
        frame = frame.f_back  # type: ignore[assignment]
    return "an unknown place"


def describe(origin: Origin) -> str:
    if isinstance(origin, str):
        return origin
    path, line, function = origin
    return f"{_short(path)}:{line} (in {function})"


def _short(path: str) -> str:
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return path
    return path if relative.startswith("..") else relative


def lend_environment() -> dict[str, str | None]:
    """Fake credentials (and a region) when none are configured; restored on stop."""
    wanted: dict[str, str] = {}
    has_credentials = any(os.environ.get(name) for name in ("AWS_ACCESS_KEY_ID", "AWS_PROFILE"))
    if not has_credentials:
        wanted.update(_FAKE_ENV)
    if not (os.environ.get("AWS_DEFAULT_REGION") or os.environ.get("AWS_REGION")):
        wanted["AWS_DEFAULT_REGION"] = DEFAULT_REGION
    saved = {name: os.environ.get(name) for name in wanted}
    os.environ.update(wanted)
    return saved


def restore_environment(saved: dict[str, str | None]) -> None:
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value

"""Every Python block in the README runs as pasted.

Each ```python block becomes a module of its own in an empty directory (no conftest, no
configuration: a newcomer's project), and one pytest run imports them all, running module-level
code and every test function with the installed plugin's fixture. A block that cannot run alone
would be marked `<!-- not run: why -->` on the line before it; none is today, and this test
keeps count so that a new one is a decision, not an accident.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from botocore import xform_name
from test_operations_coverage import ADDED_SINCE_OLDEST

from ecs_mock._schema import known_operations

ROOT = Path(__file__).resolve().parent.parent
FENCE = re.compile(r"^```python\n(.*?)^```$", re.DOTALL | re.MULTILINE)
NOT_RUN = "<!-- not run:"


def python_blocks() -> list[tuple[int, str, bool]]:
    """(line of the fence, code, runs) for every ```python block of the README."""
    text = (ROOT / "README.md").read_text()
    blocks = []
    for match in FENCE.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        before = text[: match.start()].rstrip("\n").rsplit("\n", 1)[-1]
        blocks.append((line, match.group(1), not before.startswith(NOT_RUN)))
    return blocks


def test_the_readme_has_python_blocks_and_none_is_skipped() -> None:
    blocks = python_blocks()
    assert len(blocks) >= 8
    assert [line for line, _, runs in blocks if not runs] == []


def _needs_a_newer_model(code: str) -> bool:
    """A block calling an operation this botocore's ECS model lacks (the oldest supported one
    has no daemons, for instance) cannot run here; it runs on every newer botocore."""
    missing = {xform_name(name) for name in ADDED_SINCE_OLDEST - known_operations()}
    return any(f".{name}(" in code for name in missing)


@pytest.mark.slow
def test_every_python_block_runs_as_pasted(tmp_path: Path) -> None:
    modules = {}
    for line, code, runs in python_blocks():
        if runs and not _needs_a_newer_model(code):
            name = f"test_readme_line_{line}"
            (tmp_path / f"{name}.py").write_text(code)
            modules[name] = line
    report = tmp_path / "report.xml"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ECS_MOCK_"))}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:xdist",
            f"--junitxml={report}",
            str(tmp_path),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    ran = {
        case.get("classname", "").split(".")[0]
        for case in ET.parse(report).getroot().iter("testcase")
    }
    # Blocks without test functions ran at import; the ones with tests ran them.
    with_tests = {name for name in modules if "def test_" in (tmp_path / f"{name}.py").read_text()}
    assert with_tests <= ran, sorted(modules[n] for n in with_tests - ran)

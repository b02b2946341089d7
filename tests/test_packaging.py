"""Packaging: the version has one source, the CLI reports it, and the sdist runs its own tests."""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

import ecs_mock

ROOT = Path(__file__).resolve().parent.parent


def test_version_is_the_installed_distributions() -> None:
    assert ecs_mock.__version__ == importlib.metadata.version("ecs_mock")
    assert ecs_mock.__version__.count(".") == 2


def test_cli_version() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "ecs_mock", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert out.stdout.strip() == f"ecs-mock {ecs_mock.__version__}"


def test_metadata_declares_license_and_classifiers() -> None:
    meta = importlib.metadata.metadata("ecs_mock")
    assert meta["License-Expression"] == "Apache-2.0"
    classifiers = meta.get_all("Classifier") or []
    assert "Typing :: Typed" in classifiers
    assert "Framework :: Pytest" in classifiers
    assert "Apache License" in (ROOT / "LICENSE").read_text()


@pytest.fixture(scope="module")
def sdist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sdist")
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from setuptools import build_meta; build_meta.build_sdist(sys.argv[1])",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        timeout=300,
        check=True,
    )
    (archive,) = out.glob("*.tar.gz")
    return archive


def test_sdist_carries_tests_corpus_examples_and_license(sdist: Path) -> None:
    with tarfile.open(sdist) as tar:
        names = {name.split("/", 1)[1] for name in tar.getnames() if "/" in name}
    tracked = subprocess.run(
        ["git", "ls-files", "tests", "examples", "benchmarks"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if tracked.returncode != 0:  # not a git checkout (e.g. the sdist itself): use the tree
        pytest.skip("no git checkout to compare the sdist against")
    expected = set(tracked.stdout.split())
    assert expected, "git lists no test files"
    assert expected <= names, sorted(expected - names)[:10]
    for required in ("LICENSE", "CHANGELOG.md", "README.md", "conftest.py", "ecs_mock/py.typed"):
        assert required in names
    assert not any("node_modules" in name or "__pycache__" in name for name in names)


@pytest.mark.slow
def test_sdist_runs_its_own_tests(sdist: Path, tmp_path: Path) -> None:
    with tarfile.open(sdist) as tar:
        tar.extractall(tmp_path, filter="data")
    (unpacked,) = (p for p in tmp_path.iterdir() if p.is_dir())
    env = {**os.environ, "PYTHONPATH": str(unpacked)}
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
            "tests/test_ids.py",
            "tests/test_fuzz_corpus.py",
            "examples",
        ],
        cwd=unpacked,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert " passed" in result.stdout
    # The tests ran against the unpacked copy, not this checkout.
    probe = subprocess.run(
        [sys.executable, "-c", "import ecs_mock; print(ecs_mock.__file__)"],
        cwd=unpacked,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(probe.stdout.strip()).is_relative_to(unpacked)

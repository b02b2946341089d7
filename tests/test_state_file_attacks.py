"""Hostile and broken `--state-file`s: a file cannot run code, and every file that cannot be used
gets a clear message and exit status 2, never a traceback, and is left exactly as it was.

On commit 5717414 the file was a pickle: the protocol-4 chain below ran `os.system` through the
restricted unpickler (only classes reachable from `ecs_mock.backend` modules by dotted names),
several broken files exited 1 with a traceback, and a full disk lost acknowledged writes.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import pickle
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import pytest

from ecs_mock import persistence
from ecs_mock.persistence import StateFileError
from ecs_mock.protocol import CONTENT_TYPE, TARGET_PREFIX
from ecs_mock.server import ServerApp, ServerOptions

OLD_MAGIC = b"ECS-MOCK-STATE\n"


def _text(value: str) -> bytes:
    data = value.encode()
    return b"\x8c" + bytes([len(data)]) + data  # SHORT_BINUNICODE


def gadget_chain(command: str) -> bytes:
    """A protocol-4 pickle that calls os.system(command) using only STACK_GLOBAL lookups of
    *classes* reachable by dotted names from ecs_mock.backend modules, which is all the old
    loader's find_class allowed: operator.attrgetter (via dataclasses.inspect) and dict (via
    Region.__init__.__globals__), chained through module globals to inspect.os.system."""
    out = bytearray(b"\x80\x04")
    memo = 0

    def remember() -> int:
        nonlocal memo
        out.extend(b"\x94")  # MEMOIZE
        memo += 1
        return memo - 1

    def load(slot: int) -> None:
        out.extend(b"h" + bytes([slot]))  # BINGET

    def find(module: str, name: str) -> int:
        out.extend(_text(module) + _text(name) + b"\x93")  # STACK_GLOBAL
        return remember()

    attrgetter = find("ecs_mock.backend.container_instances", "dataclasses.inspect.attrgetter")
    dict_type = find("ecs_mock.backend.state", "Region.__init__.__globals__.__class__")
    region = find("ecs_mock.backend.state", "Region")

    def attribute(path: str, of: int) -> int:  # attrgetter(path)(of)
        load(attrgetter)
        out.extend(_text(path) + b"\x85R")
        load(of)
        out.extend(b"\x85R")
        return remember()

    def item(of: int, key: str) -> int:  # dict.get(of, key)
        load(attrgetter)
        out.extend(_text("get") + b"\x85R")
        load(dict_type)
        out.extend(b"\x85R")
        load(of)
        out.extend(_text(key) + b"\x86R")
        return remember()

    state_globals = attribute("__init__.__globals__", region)
    dataclasses_globals = attribute("__globals__", item(state_globals, "dataclass"))
    system = attribute("os.system", item(dataclasses_globals, "inspect"))
    load(system)
    out.extend(_text(command) + b"\x85R.")
    return bytes(out)


class Reduce:
    """The textbook pickle gadget."""

    def __init__(self, command: str) -> None:
        self.command = command

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        import os

        return (os.system, (self.command,))


def old_header() -> bytes:
    """The old format's header; with the old fingerprint where that code still exists (so on
    commit 5717414 the loader gets as far as unpickling)."""
    fingerprint = getattr(persistence, "fingerprint", lambda: "0" * 16)()
    return json.dumps({"format": 1, "fingerprint": fingerprint}).encode() + b"\n"


def start(path: Path, *extra: str, **popen: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ecs_mock", "--port", "0", "--state-file", str(path), *extra],
        capture_output=True,
        text=True,
        timeout=60,
        **popen,
    )


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_refused(result: subprocess.CompletedProcess[str], path: Path, before: str) -> None:
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("ecs-mock: error: ")
    assert "left as it is" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""  # it never started listening
    assert digest(path) == before


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param(lambda cmd: OLD_MAGIC + old_header() + gadget_chain(cmd), id="old-format"),
        pytest.param(gadget_chain, id="bare-protocol-4-chain"),
        pytest.param(lambda cmd: pickle.dumps(Reduce(cmd), protocol=2), id="reduce-os-system"),
    ],
)
def test_a_pickle_gadget_chain_never_runs(tmp_path: Path, payload: Callable[[str], bytes]) -> None:
    proof, attack = tmp_path / "the-gadget-works", tmp_path / "pwned"
    # The chain is real: plain pickle runs it (in a throwaway interpreter).
    raw = payload(f"touch {proof}")
    if raw.startswith(OLD_MAGIC):
        raw = raw.split(b"\n", 2)[2]
    unpickle = "import pickle, sys; pickle.loads(sys.stdin.buffer.read())"
    subprocess.run([sys.executable, "-c", unpickle], input=raw, capture_output=True, timeout=60)
    assert proof.exists()
    state = tmp_path / "state"
    state.write_bytes(payload(f"touch {attack}"))
    before = digest(state)
    assert_refused(start(state), state, before)
    assert not attack.exists()


# -- JSON that names classes: data, or refused; never looked up -----------------------------


@pytest.fixture
def good_file(tmp_path: Path) -> Path:
    """A real state file: the default state plus one running task."""
    path = tmp_path / "state.db"
    app = ServerApp(ServerOptions(state_file=path, seed=3))
    view = app.view()
    instance = view.call("ListContainerInstances")["containerInstanceArns"][0]
    view.call("StartTask", taskDefinition="example", containerInstances=[instance])
    view.call("ListTasks")
    app.close()
    return path


def tamper(path: Path, sql: str, *args: Any) -> None:
    db = sqlite3.connect(path)
    with db:
        changed = db.execute(sql, args).rowcount
    db.close()
    assert changed >= 1, sql


SENTINEL = "__SENTINEL__"
CLASS_NAMING = {
    "jsonpickle-object": ("internal", "task", "$.holding", {"py/object": "subprocess.Popen",
                                                          "args": ["touch", SENTINEL]}),
    "jsonpickle-reduce": ("internal", "task", "$.holding",
                          {"py/reduce": [{"py/function": "os.system"}, ["touch " + SENTINEL]]}),
    "class-and-module": ("body", "cluster", "$.settings[0]",
                         {"__class__": "system", "__module__": "os", "args": [SENTINEL]}),
    "dotnet-type": ("body", "task", "$.overrides", {"$type": "System.Diagnostics.Process"}),
    "import-by-name": ("internal", "container-instance", "$.resources.eni_slots",
                       {"__import__": "os", "call": "system"}),
}  # fmt: skip


@pytest.mark.parametrize("case", CLASS_NAMING, ids=str)
def test_json_that_names_classes_is_refused(good_file: Path, tmp_path: Path, case: str) -> None:
    column, kind, where, value = CLASS_NAMING[case]
    value = json.loads(json.dumps(value).replace(SENTINEL, str(tmp_path / "pwned")))
    tamper(
        good_file,
        f"UPDATE resources SET {column} = json_set({column}, ?, json(?)) WHERE kind = ?",
        where,
        json.dumps(value),
        kind,
    )
    before = digest(good_file)
    with pytest.raises(StateFileError) as refused:
        ServerApp(ServerOptions(state_file=good_file))
    assert str(good_file) in str(refused.value)
    assert digest(good_file) == before
    assert not (tmp_path / "pwned").exists()


def test_code_in_a_string_stays_a_string(good_file: Path, tmp_path: Path) -> None:
    code = f"__import__('os').system('touch {tmp_path / 'pwned'}')"
    tamper(
        good_file,
        "UPDATE resources SET body = json_set(body, '$.containerDefinitions[0].command', json(?))"
        " WHERE kind = 'task-definition'",
        json.dumps(["python", "-c", code]),
    )
    app = ServerApp(ServerOptions(state_file=good_file))
    try:
        shown = app.view().call("DescribeTaskDefinition", taskDefinition="example")
    finally:
        app.close()
    assert shown["taskDefinition"]["containerDefinitions"][0]["command"][2] == code
    assert not (tmp_path / "pwned").exists()


# -- broken files -----------------------------------------------------------------------------


def _foreign(path: Path) -> None:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE notes (text TEXT)")
    db.commit()
    db.close()


def _truncated(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:700])


def _garbled(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[4096:8192] = b"\xa5" * 4096  # the second page: a table's b-tree
    path.write_bytes(bytes(data))


def _sql(statement: str, *args: Any) -> Callable[[Path], None]:
    return lambda path: tamper(path, statement, *args)


BROKEN: dict[str, Callable[[Path], None]] = {
    "empty": lambda path: path.write_bytes(b""),
    "text": lambda path: path.write_text("clusters: [default]\n"),
    "truncated-sqlite": _truncated,
    "garbled-pages": _garbled,
    "schema-version-99": _sql("UPDATE ecs_mock_schema SET version = 99"),
    "unknown-kind": _sql(
        "INSERT INTO resources SELECT account_id, region, 'service', key, body, internal "
        "FROM resources WHERE kind = 'cluster'"
    ),
    "row-of-a-missing-region": _sql("DELETE FROM regions"),
    "body-not-json": _sql("UPDATE resources SET body = '{\"clusterName\": ' WHERE kind='cluster'"),
    "body-an-array": _sql("UPDATE resources SET body = '[1, 2]' WHERE kind = 'task'"),
    "body-with-nan": _sql(
        'UPDATE resources SET body = replace(body, \'"version":\', \'"version":NaN,"x":\') '
        "WHERE kind = 'task'"
    ),
    "huge-integer": _sql(
        "UPDATE resources SET body = replace(body, '\"version\":', ?) WHERE kind = 'task'",
        '"version":' + "9" * 5000 + ',"v":',
    ),
    "deeply-nested": _sql(
        "UPDATE resources SET internal = ? WHERE kind = 'cluster'", "[" * 100_000 + "]" * 100_000
    ),
    "wrong-type": _sql(
        "UPDATE resources SET body = json_set(body, '$.version', '2') WHERE kind = 'task'"
    ),
    "member-the-api-lacks": _sql(
        "UPDATE resources SET body = json_set(body, '$.shell', 'rm -rf /') WHERE kind = 'task'"
    ),
    "task-of-a-missing-cluster": _sql("DELETE FROM resources WHERE kind = 'cluster'"),
    "revision-gap": _sql(
        "UPDATE resources SET body = json_set(body, '$.revision', 2), key = 'example:2' "
        "WHERE kind = 'task-definition'"
    ),
    "holding-missing": _sql(
        "UPDATE resources SET internal = json_remove(internal, '$.holding') WHERE kind = 'task'"
    ),
    "ids-malformed": _sql("UPDATE backend SET value = '[3, [1, 2], null]' WHERE key = 'ids'"),
    "ids-short": _sql(
        "UPDATE backend SET value = json_set(value, '$.words', 'AAAA') WHERE key = 'ids'"
    ),
    "negative-task-number": _sql(
        "UPDATE resources SET internal = json_set(internal, '$.index_number', -1) "
        "WHERE kind = 'task'"
    ),
    "foreign-sqlite": lambda path: (path.unlink(), _foreign(path)),  # type: ignore[func-returns-value]
}


@pytest.mark.parametrize("case", BROKEN, ids=str)
def test_a_broken_file_is_reported_and_left_alone(good_file: Path, case: str) -> None:
    BROKEN[case](good_file)
    before = digest(good_file)
    with pytest.raises(StateFileError) as refused:
        ServerApp(ServerOptions(state_file=good_file))
    assert str(good_file) in str(refused.value)
    assert digest(good_file) == before


@pytest.mark.parametrize("case", ["truncated-sqlite", "deeply-nested", "foreign-sqlite"])
def test_a_broken_file_exits_2_without_a_traceback(good_file: Path, case: str) -> None:
    BROKEN[case](good_file)
    before = digest(good_file)
    assert_refused(start(good_file), good_file, before)


def test_an_unwritable_path_exits_2(tmp_path: Path) -> None:
    cases = [tmp_path / "no-such-directory" / "state.db", tmp_path]
    if Path("/proc/self").is_dir():
        cases.append(Path("/proc/ecs-mock-state.db"))  # not creatable, even by root
    for path in cases:
        result = start(path)
        assert result.returncode == 2, result.stderr
        assert result.stderr.startswith("ecs-mock: error: ")
        assert "Traceback" not in result.stderr


# -- a full disk --------------------------------------------------------------------------------


def _limit_file_size() -> None:
    import resource

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of being killed
    resource.setrlimit(resource.RLIMIT_FSIZE, (160 * 1024, 160 * 1024))


def _create(port: int, name: str, tags: list[dict[str, str]]) -> tuple[int, dict[str, Any]]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(
            "POST",
            "/",
            json.dumps({"clusterName": name, "tags": tags}),
            {"Content-Type": CONTENT_TYPE, "X-Amz-Target": TARGET_PREFIX + "CreateCluster"},
        )
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is POSIX")
def test_every_acknowledged_write_survives_a_full_disk(tmp_path: Path) -> None:
    """The server may write files of at most 160 KiB (RLIMIT_FSIZE, as a small disk would):
    what it answered 200 is exactly what a restart finds; the rest was answered 500."""
    from test_server_process import server_process

    state = tmp_path / "state.db"
    accepted, refused = [], []
    tags = [{"key": f"k{n}", "value": "v" * 250} for n in range(40)]
    with server_process("--empty", "--state-file", str(state), preexec_fn=_limit_file_size) as (
        url,
        process,
    ):
        port = int(url.rsplit(":", 1)[1])
        for n in range(60):
            status, answer = _create(port, f"c{n}", tags)
            if status == 200:
                accepted.append(f"c{n}")
            else:
                assert (status, answer["__type"]) == (500, "ServerException")
                refused.append(f"c{n}")
        process.send_signal(signal.SIGTERM)
        _, errors = process.communicate(timeout=30)
    assert accepted
    assert refused
    assert "Traceback" not in errors
    with server_process("--state-file", str(state)) as (url, process):
        ecs = boto3.client(
            "ecs",
            endpoint_url=url,
            region_name="us-east-1",
            aws_access_key_id="x",
            aws_secret_access_key="x",
        )
        names = [arn.rsplit("/", 1)[1] for arn in ecs.list_clusters()["clusterArns"]]
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=30)
    assert names == accepted


def test_ecs_mock_never_unpickles() -> None:
    """Pickle is gone from the package entirely (the old loader was the hole): no module imports
    pickle, shelve or marshal, so no file can reach an unpickler through ecs_mock."""
    import ast

    import ecs_mock

    root = Path(ecs_mock.__file__).parent
    imported: set[tuple[str, str]] = set()
    for source in root.rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            imported.update((name.split(".")[0], source.name) for name in names)
    assert not {pair for pair in imported if pair[0] in {"pickle", "shelve", "marshal", "dill"}}

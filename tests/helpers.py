"""What tests share besides fixtures: paths, the session's environment, process and store helpers.

Test modules import these from here, never from tests/conftest.py: pytest loads conftest.py itself (as the
module ``conftest``), so importing it by its package path (``tests.conftest``) ran it a second time, with its
own copy of every module-level value (a second pseudonym secret file, a second ``_Neo4jContent``).
:func:`duplicated_modules` finds a file imported under two names; tests/test_imports_once.py checks it.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import psutil
import pytest

from graph.store.embedded import EmbeddedStore
from graph.store.snapshot import canonical_lines
from ingest.pipeline import ingest

# Pseudonyms are keyed by a secret (graph/pseudonyms.py): the tests and the CLI they start use a session one,
# never the user's own (~/.config/tnr-graph/pseudonym.key).
os.environ["TNR_SECRET_FILE"] = str(Path(tempfile.mkdtemp(prefix="tnr-test-secret-")) / "pseudonym.key")

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
REQUIRE_NEO4J = os.environ.get("TNR_REQUIRE_NEO4J") == "1"
BACKENDS = ["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)]
# Every process this test session starts inherits this mark, so one that outlives the session is found at
# the end even after its parent died and it was re-parented (pytest_sessionfinish in tests/conftest.py).
SESSION_MARK = "TNR_TEST_SESSION"
os.environ.setdefault(SESSION_MARK, uuid.uuid4().hex)
STRAGGLER_GRACE = 10.0


def _marked(mark: str) -> list[psutil.Process]:
    """Processes other than this one that carry this session's mark in their environment."""
    out = []
    for p in psutil.process_iter():
        try:
            if p.pid != os.getpid() and p.environ().get(SESSION_MARK) == mark:
                out.append(p)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    return out


def leftover_processes() -> list[psutil.Process]:
    """Children of the test session (recursive) and processes it started that were re-parented."""
    found = {p.pid: p for p in psutil.Process().children(recursive=True)}
    found.update({p.pid: p for p in _marked(os.environ[SESSION_MARK])})
    return list(found.values())


def _describe(p: psutil.Process) -> str:
    try:
        return f"pid {p.pid}: {' '.join(p.cmdline())[:200]}"
    except psutil.Error:
        return f"pid {p.pid}"


def stop_process_group(proc: subprocess.Popen, timeout: float = 30) -> None:
    """SIGTERM the process group a test started with ``start_new_session=True``; SIGKILL what is left after ``timeout``."""
    try:
        group = [p for p in psutil.process_iter() if _pgid(p) == proc.pid]
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    _, alive = psutil.wait_procs(group, timeout=timeout)
    for p in alive:
        try:
            p.kill()
        except psutil.NoSuchProcess:
            pass
    proc.wait(timeout=10)


def _pgid(p: psutil.Process) -> int | None:
    try:
        return os.getpgid(p.pid)
    except (ProcessLookupError, PermissionError):
        return None


def load(db: Path, *paths: Path, **kw) -> None:
    with EmbeddedStore(db, write=True) as store:
        report = ingest(store, list(paths), **kw)
    assert report.rejected == 0, [str(r) for r in report.rejects]


def tnr(*args: str, env: dict | None = None, cwd: Path = ROOT, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run the real ``tnr`` CLI in a child process."""
    return subprocess.run([sys.executable, "-m", "graph.cli", *args], capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, **(env or {})}, timeout=timeout)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_script_env(server: dict) -> dict:
    """The environment for ``python -m graph.neo4j_server stop|start`` on the test server. A server this
    session did not start (``TNR_TEST_NEO4J_URI``, as in CI) is restarted without the session's mark, so
    the end-of-session check does not take the caller's server for a straggler."""
    env = {**os.environ, "TNR_NEO4J_HOME": server["TNR_NEO4J_HOME"], "TNR_NEO4J_PORT": server["TNR_NEO4J_PORT"],
           "NEO4J_PASSWORD": server["NEO4J_PASSWORD"]}
    if os.environ.get("TNR_TEST_NEO4J_URI"):
        env.pop(SESSION_MARK, None)
    return env


def neo4j_store(server: dict, write: bool = False):
    from graph.store.neo4j import Neo4jStore

    return Neo4jStore(server["NEO4J_URI"], server["NEO4J_USER"], server["NEO4J_PASSWORD"], write=write)


class _Neo4jContent:
    """What the shared test server holds now: "sample", or None after a test wrote to it."""

    now: str | None = None


def ensure_neo4j_sample(server: dict) -> None:
    """Load the sample into the test server unless it holds exactly that already."""
    if _Neo4jContent.now != "sample":
        with neo4j_store(server, write=True) as w:
            w.clear()
            ingest(w, [SAMPLE])
        _Neo4jContent.now = "sample"


PAYLOADS = FIXTURES / "payloads"


def duplicated_modules(modules: dict | None = None) -> dict[str, list[str]]:
    """Files under tests/ that ``modules`` (default ``sys.modules``) holds under more than one name: file -> names."""
    names: dict[str, list[str]] = {}
    here = Path(__file__).resolve().parent
    for name, module in list((sys.modules if modules is None else modules).items()):
        f = getattr(module, "__file__", None)
        if f and Path(f).resolve().parent == here:
            names.setdefault(str(Path(f).resolve().relative_to(here.parent)), []).append(name)
    return {f: sorted(n) for f, n in names.items() if len(n) > 1}


def snapshot(store) -> list[str]:
    """Every node and relationship with all its properties, for comparing two states of a graph."""
    return list(canonical_lines(store))


def one_error_line(res: subprocess.CompletedProcess, *needles: str, code: int = 2) -> str:
    """The command failed with ``code``, no traceback, and exactly one ``error:`` line holding every needle."""
    assert res.returncode == code, (res.returncode, res.stdout[-2000:], res.stderr[-2000:])
    assert "Traceback" not in res.stderr, res.stderr
    lines = [line for line in res.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, res.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    # the line is the whole message: nothing of it spills onto the next line
    after = res.stderr.split(lines[0], 1)[1]
    assert not after.strip(), res.stderr
    return lines[0]


# A writer that claims the marker (as an ingest does before its first read of the graph) and waits.
HOLD = """
import os, sys, time
from graph.store.neo4j import Neo4jStore
s = Neo4jStore(os.environ["NEO4J_URI"], os.environ["NEO4J_USER"], os.environ["NEO4J_PASSWORD"], write=True)
with s.writing():
    print("claimed", flush=True)
    time.sleep(float(sys.argv[1]))
s.close()
"""


def _env(server: dict) -> dict:
    return {k: v for k, v in server.items() if k.startswith("NEO4J_")}


def _hold(server: dict, seconds: float) -> subprocess.Popen:
    p = subprocess.Popen([sys.executable, "-c", HOLD, str(seconds)], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                         env={**os.environ, **_env(server)}, start_new_session=True)
    assert p.stdout.readline().strip() == "claimed"
    return p

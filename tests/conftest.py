"""Shared fixtures.

Stores come in two backends. ``sample_store`` and ``empty_store`` are parametrised over the embedded
Ladybug store and a real Neo4j Community server, so a test that takes them runs on both. The Neo4j
server is the one named by ``TNR_TEST_NEO4J_URI``/``TNR_TEST_NEO4J_PASSWORD`` (``.ci/run`` starts one),
or else one this session starts itself with ``tnr neo4j`` (graph/neo4j_server.py) in a temporary home. Tests wipe it,
so it is never the server in ``NEO4J_URI``. Without Java and Maven the Neo4j half is skipped, except
when ``TNR_REQUIRE_NEO4J=1`` (CI), where it fails.

Constants and helpers that test modules import live in tests/helpers.py: a test module that imports this file
by its package path (``tests.conftest``) would run it a second time beside the copy pytest loaded.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

from graph.store.embedded import EmbeddedStore
from ingest.pipeline import ingest
from tests.helpers import (
    BACKENDS,
    FIXTURES,
    PAYLOADS,
    REQUIRE_NEO4J,
    SAMPLE,
    STRAGGLER_GRACE,
    _describe,
    _free_port,
    _Neo4jContent,
    ensure_neo4j_sample,
    leftover_processes,
    load,
    neo4j_store,
)


def pytest_sessionfinish(session, exitstatus):
    """Fail the run if any process it started is still alive after a short grace period; kill those."""
    left = leftover_processes()
    if not left:
        return
    _, alive = psutil.wait_procs(left, timeout=STRAGGLER_GRACE)
    if not alive:
        return
    described = [_describe(p) for p in alive]
    for p in alive:
        try:
            p.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(alive, timeout=5)
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    message = (f"{len(alive)} process(es) started by the tests outlived the session by {STRAGGLER_GRACE:g}s "
               "and were killed:\n  " + "\n  ".join(described))
    if reporter:
        reporter.write_line("")
        reporter.write_line(message, red=True, bold=True)
    else:
        print(message, file=sys.stderr)
    session.exitstatus = pytest.ExitCode.TESTS_FAILED


def _no_neo4j(reason: str):
    if REQUIRE_NEO4J:
        pytest.fail(f"TNR_REQUIRE_NEO4J=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory):
    """Environment variables (NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD) of a Neo4j server tests may wipe."""
    if os.environ.get("TNR_TEST_NEO4J_URI"):
        yield {"NEO4J_URI": os.environ["TNR_TEST_NEO4J_URI"], "NEO4J_USER": os.environ.get("TNR_TEST_NEO4J_USER", "neo4j"),
               "NEO4J_PASSWORD": os.environ.get("TNR_TEST_NEO4J_PASSWORD", ""),
               # where graph/neo4j_server.py keeps that server, if it does (lets the outage test stop and start it)
               "TNR_NEO4J_HOME": os.environ.get("TNR_TEST_NEO4J_HOME", ""),
               "TNR_NEO4J_PORT": os.environ.get("TNR_TEST_NEO4J_PORT", "")}
        return
    if not (shutil.which("java") and shutil.which("mvn")):
        _no_neo4j("Java and Maven are needed to run the Neo4j server")
    home = tmp_path_factory.mktemp("neo4j-home")
    env = {**os.environ, "TNR_NEO4J_HOME": str(home), "TNR_NEO4J_PORT": str(_free_port()), "TNR_NEO4J_HEAP": "768m"}
    env.pop("NEO4J_PASSWORD", None)
    script = [sys.executable, "-m", "graph.neo4j_server"]
    started = subprocess.run([*script, "start"], env=env, capture_output=True, text=True, timeout=900)
    if started.returncode != 0:
        _no_neo4j(f"the Neo4j server did not start:\n{started.stdout}\n{started.stderr}")
    try:
        yield {"NEO4J_URI": f"bolt://127.0.0.1:{env['TNR_NEO4J_PORT']}", "NEO4J_USER": "neo4j",
               "NEO4J_PASSWORD": (home / "password").read_text().strip(), "TNR_NEO4J_HOME": str(home),
               "TNR_NEO4J_PORT": env["TNR_NEO4J_PORT"]}
    finally:
        subprocess.run([*script, "stop"], env=env, capture_output=True, timeout=120)


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("sample") / "tnr.lbug"
    load(db, SAMPLE)
    return db


@pytest.fixture(scope="session")
def fx_db(tmp_path_factory) -> Path:
    """The invented 7-incident analysis fixture (tests/fixtures/analysis), ingested once."""
    db = tmp_path_factory.mktemp("analysis") / "fx.lbug"
    load(db, FIXTURES / "analysis")
    return db


@pytest.fixture()
def fx(fx_db):
    with EmbeddedStore(fx_db) as store:
        yield store


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture()
def sample_store(request, backend, sample_db):
    """The sample graph, read-only, on each backend."""
    if backend == "embedded":
        with EmbeddedStore(sample_db) as store:
            yield store
        return
    server = request.getfixturevalue("neo4j_server")
    ensure_neo4j_sample(server)
    with neo4j_store(server) as store:
        yield store


@pytest.fixture()
def empty_store(request, backend, tmp_path):
    """An empty, writable store on each backend."""
    if backend == "embedded":
        with EmbeddedStore(tmp_path / "empty.lbug", write=True) as store:
            yield store
        return
    server = request.getfixturevalue("neo4j_server")
    _Neo4jContent.now = None
    with neo4j_store(server, write=True) as store:
        store.clear()
        yield store


@pytest.fixture()
def cli_store(request, backend, tmp_path):
    """(arguments, environment) that point the ``tnr`` CLI at an empty store of each backend."""
    if backend == "embedded":
        return ["--db", str(tmp_path / "cli.lbug")], {}
    server = request.getfixturevalue("neo4j_server")
    _Neo4jContent.now = None
    with neo4j_store(server, write=True) as w:
        w.clear()
    return ["--backend", "neo4j"], {k: v for k, v in server.items() if k.startswith("NEO4J_")}


@pytest.fixture()
def sample_cli(request, backend, sample_store, sample_db):
    """(arguments, environment) that point the ``tnr`` CLI at the sample graph of each backend."""
    if backend == "embedded":
        return ["--db", str(sample_db)], {}
    server = request.getfixturevalue("neo4j_server")
    return ["--backend", "neo4j"], {k: v for k, v in server.items() if k.startswith("NEO4J_")}


@pytest.fixture(scope="session")
def payload_db(tmp_path_factory) -> Path:
    """tests/fixtures/payloads (script, markup, link, terminal and formula payloads in every text field)."""
    db = tmp_path_factory.mktemp("payloads") / "payloads.lbug"
    load(db, PAYLOADS)
    return db


@pytest.fixture()
def payload_cli(request, backend, payload_db):
    """(arguments, environment) that point the ``tnr`` CLI (or the app) at the payload graph of each backend."""
    if backend == "embedded":
        return ["--db", str(payload_db)], {}
    server = request.getfixturevalue("neo4j_server")
    _Neo4jContent.now = None
    with neo4j_store(server, write=True) as w:
        w.clear()
        ingest(w, [PAYLOADS])
    return ["--backend", "neo4j"], {k: v for k, v in server.items() if k.startswith("NEO4J_")}
collect_ignore = ["helpers.py", "app_helpers.py"]  # imported as tests.helpers, never collected under a second name

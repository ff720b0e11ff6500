"""The Neo4j "ingest in progress" marker through the real CLI: a reader is told to try again, a dead ingest's
marker says re-run it, a second ingest refuses clearly, and the graph hash ignores the marker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from graph.store.snapshot import graph_hash
from tests.helpers import ROOT, SAMPLE, ensure_neo4j_sample, neo4j_store, tnr

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

pytestmark = pytest.mark.neo4j


@pytest.fixture
def server(neo4j_server):
    ensure_neo4j_sample(neo4j_server)
    return neo4j_server


def _env(server: dict) -> dict:
    return {k: v for k, v in server.items() if k.startswith("NEO4J_")}


def _hold(server: dict, seconds: float) -> subprocess.Popen:
    p = subprocess.Popen([sys.executable, "-c", HOLD, str(seconds)], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                         env={**os.environ, **_env(server)}, start_new_session=True)
    assert p.stdout.readline().strip() == "claimed"
    return p


def test_a_reader_during_an_ingest_is_told_to_try_again(server):
    holder = _hold(server, 15)
    try:
        for args in (["stats"], ["query", "cross_border_reach"]):
            res = tnr(*args, "--backend", "neo4j", env=_env(server))
            assert res.returncode == 2, res.stderr
            assert "an ingest is in progress since" in res.stderr and "try again" in res.stderr
            assert "Traceback" not in res.stderr
        res = tnr("ingest", str(SAMPLE), "--backend", "neo4j", env={**_env(server), "TNR_LOCK_TIMEOUT": "0.5"})
        assert res.returncode == 2 and "another ingest is writing since" in res.stderr, res.stderr
    finally:
        assert holder.wait(timeout=60) == 0  # it releases the marker: the next readers get the graph
    res = tnr("stats", "--backend", "neo4j", "--format", "json", env=_env(server))
    assert res.returncode == 0, res.stderr


def test_a_killed_ingest_leaves_a_marker_that_says_re_run_it(server):
    holder = _hold(server, 60)
    os.killpg(holder.pid, signal.SIGKILL)
    holder.wait(timeout=30)
    res = tnr("stats", "--backend", "neo4j", env=_env(server))
    assert res.returncode == 2 and "stopped before it finished" in res.stderr and "re-run" in res.stderr, res.stderr
    assert "Traceback" not in res.stderr
    res = tnr("ingest", str(SAMPLE), "--backend", "neo4j", env=_env(server))  # takes the dead marker over
    assert res.returncode in (0, 1), res.stderr
    res = tnr("stats", "--backend", "neo4j", "--format", "json", env=_env(server))
    assert res.returncode == 0, res.stderr


def test_the_graph_hash_ignores_the_marker(server, sample_db):
    from graph.store.embedded import EmbeddedStore

    with neo4j_store(server) as s:
        assert s.rows("MATCH (m:TnrIngest) RETURN count(m)")[1] == [[1]]  # left by the sample's ingest
        on_neo4j = graph_hash(s)
    with EmbeddedStore(sample_db) as e:
        assert on_neo4j == graph_hash(e)

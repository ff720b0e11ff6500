"""The Neo4j "ingest in progress" marker through the real CLI: a reader is told to try again, a dead ingest's
marker says re-run it, a second ingest refuses clearly, and the graph hash ignores the marker."""

from __future__ import annotations

import os
import signal

import pytest

from graph.store.snapshot import graph_hash
from tests.helpers import SAMPLE, _env, _hold, ensure_neo4j_sample, neo4j_store, tnr

pytestmark = pytest.mark.neo4j


@pytest.fixture
def server(neo4j_server):
    ensure_neo4j_sample(neo4j_server)
    return neo4j_server


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

"""Crash safety (issue 14), the reduced count: SIGKILL an ingest once in each phase, on both backends.

bench/crash_trials.py runs the full count (20 trials per backend on 20,000 incidents; figures in
docs/reliability.md). Here each phase (reading, writing nodes, writing relationships, commit) is tried
once on a small synthetic input: the database must open after the kill and the re-run must converge to
exactly the hash of an uninterrupted run.
"""

from __future__ import annotations

import pytest

from bench.crash_trials import PHASES, run_trials
from tests.helpers import BACKENDS, _Neo4jContent

INCIDENTS = 800


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_killed_ingest_leaves_a_graph_the_next_run_completes(backend, tmp_path, request, monkeypatch):
    if backend == "neo4j":
        server = request.getfixturevalue("neo4j_server")
        _Neo4jContent.now = None  # the trials wipe the test server
        for k in ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD"):
            monkeypatch.setenv(k, server[k])  # the child ingest process opens the same server
    summary = run_trials(backend, INCIDENTS, len(PHASES), seed=3, work=tmp_path)
    assert summary["by_phase"] == dict.fromkeys(PHASES, 1)
    assert summary["all_opened"], summary["results"]
    assert summary["all_converged"], summary["results"]
    # a reader after the kill gets a whole graph or the marker's "re-run the ingest", never half a graph as the graph
    assert summary["partial_shown_as_graph"] == 0, summary["results"]
    assert all(r["reader"] in ("graph", "re-run message") for r in summary["results"]), summary["results"]
    if backend == "embedded":  # one transaction: a kill before the commit leaves the previous graph
        assert all(r["after_kill"] in ("previous", "new") for r in summary["results"]), summary["results"]
    else:  # the ingest holds its marker from its first read of the graph: a kill before the commit leaves it
        # (readers are told to re-run); at the commit the marker may already be gone with every row written
        assert [r["reader"] for r in summary["results"]][:3] == ["re-run message"] * 3, summary["results"]


def test_a_killed_embedded_ingest_that_commits_in_parts_is_completed_by_the_next_run(tmp_path, monkeypatch):
    """The same kills on an ingest large enough to commit in parts (TNR_COMMIT_ROWS, made small here): a kill
    after a committed part leaves part of the input, and the re-run still converges exactly."""
    monkeypatch.setenv("TNR_COMMIT_ROWS", "3000")
    summary = run_trials("embedded", INCIDENTS, len(PHASES), seed=3, work=tmp_path)
    assert summary["all_opened"], summary["results"]
    assert summary["all_converged"], summary["results"]
    assert all(r["after_kill"] in ("previous", "partial", "new") for r in summary["results"]), summary["results"]

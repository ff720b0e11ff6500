"""Readers during an ingest (issue 14), the reduced count: CLI and app readers in separate processes from a
real `tnr ingest`, on both backends. bench/reader_trials.py runs the full count (docs/reliability.md)."""

from __future__ import annotations

import pytest

from bench.reader_trials import run_trials
from tests.helpers import BACKENDS, _Neo4jContent


@pytest.mark.parametrize("backend", BACKENDS)
def test_readers_during_an_ingest_get_the_old_graph_the_new_one_or_the_message(backend, tmp_path, request,
                                                                                 monkeypatch):
    if backend == "neo4j":
        server = request.getfixturevalue("neo4j_server")
        _Neo4jContent.now = None  # the trials wipe the test server
        for k in ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD"):
            monkeypatch.setenv(k, server[k])
    summary = run_trials(backend, 300, 2, seed=5, work=tmp_path)
    reads = [x for r in summary["results"] for x in r["reads"]]
    assert reads and any(x["during"] for x in reads)  # someone read while the writer ran
    assert summary["failures"] == 0, [x for x in reads if x["outcome"] in ("half", "error")]
    assert summary["writers_ok"] == 2 and summary["all_converged"], summary["results"]
    assert {x["outcome"] for x in reads} <= {"old", "new", "in progress"}

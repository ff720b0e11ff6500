"""The two backends side by side: one query library, the same answers, a graph that moves between them,
and a clear message when the Neo4j server goes away."""

import subprocess
import sys

import pandas as pd
import pytest

from graph.output import records
from graph.queries import get_query, load_library, run_query
from graph.store.embedded import EmbeddedStore
from graph.store.snapshot import graph_hash
from graph.store.sync import copy_graph
from tests.helpers import ensure_neo4j_sample, neo4j_store, server_script_env, tnr

pytestmark = pytest.mark.neo4j


def _cases():
    """(query, parameters) pairs: defaults, each declared example, and a value that matches nothing."""
    for name, q in load_library().items():
        yield name, {}
        for example in getattr(q, "examples", ()) or ():
            yield name, example
        for p in q.parameters.values():
            for choice in p.choices:
                if choice != p.default:
                    yield name, {p.name: choice}
            if p.type == "string" and not p.choices:
                yield name, {p.name: "ZZ"}
            if p.type == "int" and p.default not in (None, 0):
                yield name, {p.name: 0}


def _canonical(df: pd.DataFrame, ordered: bool) -> list:
    rows = [repr(sorted(r.items())) for r in records(df)]
    return rows if ordered else sorted(rows)


@pytest.fixture(scope="module")
def both(neo4j_server, sample_db):
    ensure_neo4j_sample(neo4j_server)
    with EmbeddedStore(sample_db) as e, neo4j_store(neo4j_server) as n:
        yield e, n


@pytest.mark.parametrize("name,params", list(_cases()), ids=lambda v: v if isinstance(v, str) else repr(v))
def test_every_query_answers_the_same_on_both_backends(both, name, params):
    embedded, neo = both
    a, b = run_query(embedded, name, params), run_query(neo, name, params)
    assert list(a.columns) == list(b.columns)
    ordered = bool(get_query(name).order_by)
    assert _canonical(a, ordered) == _canonical(b, ordered)


def test_the_same_ingest_gives_the_same_counts(both):
    embedded, neo = both
    assert embedded.counts() == neo.counts()
    assert graph_hash(embedded) == graph_hash(neo)


def test_a_result_by_column_is_the_same_on_both_backends(both):
    # Store.columns: the embedded store reads it through Arrow, Neo4j through its rows
    q = "MATCH (c:Country) WHERE c.iso2 IN $codes RETURN c.iso2 AS code, c.name AS name ORDER BY code"
    for store in both:
        assert store.columns(q, {"codes": ["ZA", "RW", "XX"]}) == {"code": ["RW", "ZA"],
                                                                    "name": ["Rwanda", "South Africa"]}
        assert store.columns(q, {"codes": []}) == {"code": [], "name": []}


def test_sync_round_trip(neo4j_server, sample_db, tmp_path):
    from tests.helpers import snapshot

    with EmbeddedStore(sample_db) as source, neo4j_store(neo4j_server, write=True) as neo:
        neo.clear()
        copy_graph(source, neo)
        expected = snapshot(source)
        assert snapshot(neo) == expected
        with EmbeddedStore(tmp_path / "back.lbug", write=True) as back:
            copy_graph(neo, back)
            assert snapshot(back) == expected


def test_cli_sync(neo4j_server, sample_db):
    env = {k: v for k, v in neo4j_server.items() if k.startswith("NEO4J_")}
    res = tnr("sync", "--from", "embedded", "--to", "neo4j", "--db", str(sample_db), "--replace", env=env)
    assert res.returncode == 0, res.stderr
    assert "neo4j: 413 nodes, 1356 relationships" in res.stderr


def test_losing_the_server_gives_a_clear_error_and_recovers(neo4j_server):
    if not neo4j_server.get("TNR_NEO4J_HOME"):
        pytest.skip("the test server was not started by graph/neo4j_server.py, so this test cannot stop it")
    env = {k: v for k, v in neo4j_server.items() if k.startswith("NEO4J_")}
    script_env = server_script_env(neo4j_server)
    script = [sys.executable, "-m", "graph.neo4j_server"]
    with neo4j_store(neo4j_server) as store:  # a session that outlives the server
        assert subprocess.run([*script, "stop"], env=script_env, capture_output=True, timeout=120).returncode == 0
        try:
            res = tnr("stats", "--backend", "neo4j", env=env)
            assert res.returncode == 2
            assert f"cannot reach Neo4j at {neo4j_server['NEO4J_URI']}" in res.stderr and "Traceback" not in res.stderr
            from graph.store.base import StoreError

            with pytest.raises(StoreError, match="cannot reach Neo4j"):
                store.counts()
        finally:
            started = subprocess.run([*script, "start"], env=script_env, capture_output=True, text=True, timeout=300)
            assert started.returncode == 0, started.stdout + started.stderr
        assert store.counts()["nodes"]["Incident"] >= 0  # the same driver works again
    res = tnr("stats", "--backend", "neo4j", "--format", "json", env=env)
    assert res.returncode == 0, res.stderr

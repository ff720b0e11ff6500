"""Store.transaction(): commit at the end of the block, roll back on any exception (KeyboardInterrupt too).

The embedded store runs the block as one Ladybug transaction, so a failure leaves it unchanged. Neo4j
commits each upsert batch on its own (graph/store/neo4j.py): a batch is all or nothing, the batches before
a failure stay, and running the same ingest again completes it.
"""

from __future__ import annotations

import pytest

from graph.store.snapshot import graph_hash
from ingest.pipeline import ingest
from tests.helpers import SAMPLE

ONE = {"id": "company-one", "name": "One", "aliases": ["Uno"]}
TWO = {"id": "company-two", "name": "Two"}


def _companies(store) -> dict:
    _, rows = store.rows("MATCH (c:Company) RETURN c.id, c.name, c.aliases")
    return {r[0]: r[1:] for r in rows}


@pytest.fixture()
def one(empty_store):
    """An empty store holding company One, committed."""
    empty_store.ensure_schema()
    with empty_store.transaction():
        empty_store.upsert_nodes("Company", [ONE])
    return empty_store


def test_a_block_that_ends_commits(one):
    with one.transaction() as s:
        assert s is one
        one.upsert_nodes("Company", [TWO, {"id": "company-one", "name": None, "aliases": ["One Ltd"]}])
    assert _companies(one) == {"company-one": ["One", ["Uno", "One Ltd"]], "company-two": ["Two", None]}


@pytest.mark.parametrize("exc", [ValueError, KeyboardInterrupt])
def test_an_exception_rolls_back_on_embedded_and_keeps_earlier_batches_on_neo4j(one, exc):
    before = graph_hash(one)
    with pytest.raises(exc), one.transaction():
        one.upsert_nodes("Company", [TWO, {"id": "company-one", "name": "Renamed", "aliases": ["X"]}])
        raise exc("stop")
    if one.backend == "embedded":
        assert graph_hash(one) == before and _companies(one) == {"company-one": ["One", ["Uno"]]}
    else:  # the upsert batch was committed before the exception
        assert _companies(one) == {"company-one": ["Renamed", ["Uno", "X"]], "company-two": ["Two", None]}


def test_a_failing_batch_writes_none_of_its_rows(one):
    # a null key cannot be merged: the whole upsert call fails, on either backend, and its good row is not kept
    before = graph_hash(one)
    with pytest.raises(Exception), one.transaction():  # noqa: B017 - each backend raises its own error
        one.upsert_nodes("Company", [TWO, {"id": None, "name": "Nameless"}])
    assert graph_hash(one) == before


def test_ctrl_c_mid_ingest(empty_store):
    """KeyboardInterrupt while the batch is being written: embedded keeps the empty graph; on Neo4j the
    next run of the same ingest ends where a clean one does."""
    ingest(empty_store, [SAMPLE])
    clean = graph_hash(empty_store)
    empty_store.clear()
    empty_store.ensure_schema()
    empty = graph_hash(empty_store)

    def interrupt(stage, done, total):
        if stage == "write-rels" and done > 100:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        ingest(empty_store, [SAMPLE], progress=interrupt)
    if empty_store.backend == "embedded":
        assert graph_hash(empty_store) == empty
    else:
        assert graph_hash(empty_store) not in (empty, clean)  # part of it is there
    ingest(empty_store, [SAMPLE])
    assert graph_hash(empty_store) == clean


def test_a_large_embedded_ingest_commits_in_parts_marked_pending_and_the_next_run_completes_it(tmp_path, monkeypatch):
    """Past TNR_COMMIT_ROWS rows the embedded ingest commits in parts (Ladybug holds uncommitted rows in memory).
    Interrupted after a committed part, the graph holds part of the input, its files say so, readers are refused
    with the cure, and the same ingest run again ends where a clean one does."""
    from graph.queries import run_internal
    from graph.store import open_store
    from graph.store.base import StoreError
    from graph.store.embedded import EmbeddedStore
    from tests.helpers import tnr

    db = tmp_path / "parts.lbug"
    with EmbeddedStore(db, write=True) as store:
        ingest(store, [SAMPLE])
        clean = graph_hash(store)
        files = sorted(run_internal(store, "ingested_files").path)
        store.clear()

    def interrupt(stage, done, total):
        if stage == "write-rels" and done > 300:
            raise KeyboardInterrupt

    monkeypatch.setenv("TNR_COMMIT_ROWS", "50")
    with EmbeddedStore(db, write=True) as store, pytest.raises(KeyboardInterrupt):
        ingest(store, [SAMPLE], progress=interrupt)
    with open_store(db, whole=False) as store:
        assert graph_hash(store) != clean and store.counts()["nodes"]["Incident"] > 0  # parts were committed
        assert sorted(run_internal(store, "unfinished_inputs").path) == files
    with pytest.raises(StoreError, match="has not finished.*run the same `tnr ingest` again"):
        open_store(db)
    refused = tnr("stats", "--db", str(db))
    assert refused.returncode == 2 and "has not finished" in refused.stderr and "Traceback" not in refused.stderr

    with EmbeddedStore(db, write=True) as store:
        ingest(store, [SAMPLE])
    with open_store(db) as store:  # whole again: readers are served
        assert graph_hash(store) == clean and run_internal(store, "unfinished_inputs").empty

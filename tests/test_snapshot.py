"""The canonical graph hash: equal graphs, equal hashes, on either backend; any change shows."""

import hashlib
import json

from graph.store.snapshot import HASH_VERSION, canonical_lines, graph_hash
from ingest.pipeline import ingest
from tests.helpers import SAMPLE, tnr


def test_an_empty_graph_hashes_to_the_version_alone(empty_store):
    empty_store.ensure_schema()
    assert graph_hash(empty_store) == hashlib.sha256(HASH_VERSION.encode()).hexdigest()


def test_lines_leave_out_nulls_and_sort_lists(empty_store):
    empty_store.ensure_schema()
    empty_store.upsert_nodes("Company", [{"id": "company-x", "name": "X", "aliases": ["b", "a"], "sector": None}])
    lines = list(canonical_lines(empty_store))
    assert lines == [json.dumps(["node", "Company", {"aliases": ["a", "b"], "id": "company-x", "name": "X"}],
                                sort_keys=True)]


def test_list_order_does_not_matter_but_any_value_does(empty_store):
    empty_store.ensure_schema()
    empty_store.upsert_nodes("Company", [{"id": "company-x", "name": "X", "aliases": ["b", "a"]}])
    first = graph_hash(empty_store)
    empty_store.clear()
    empty_store.upsert_nodes("Company", [{"id": "company-x", "name": "X", "aliases": ["a", "b"]}])
    assert graph_hash(empty_store) == first
    empty_store.upsert_nodes("Company", [{"id": "company-x", "name": "X.", "aliases": None}])
    assert graph_hash(empty_store) != first


def test_ingesting_the_sample_again_keeps_the_hash(empty_store):
    ingest(empty_store, [SAMPLE])
    once = graph_hash(empty_store)
    ingest(empty_store, [SAMPLE])
    assert graph_hash(empty_store) == once


def test_cli_prints_the_hash(sample_cli, sample_store):
    args, env = sample_cli
    done = tnr("stats", "--hash", "-f", "json", *args, env=env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["hash"] == graph_hash(sample_store)

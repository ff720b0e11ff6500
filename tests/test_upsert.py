"""The upsert rule (graph/store/upsert.py) as a table, obeyed by the batch and by both stores.

Each row: the value stored, the value an upsert brings, the value stored after it. Rows are written by
hand from the rule "a null keeps the stored value, a list gains the new items it lacks".
"""

from __future__ import annotations

import pytest

from graph.schema import load_schema
from graph.store.upsert import merge_value, set_clause
from ingest.batch import Batch, RecordGraph

SCALAR = [  # (stored, incoming, expected) for a STRING property (Company.website)
    ("a.org", None, "a.org"),
    ("a.org", "b.org", "b.org"),
    (None, "b.org", "b.org"),
    (None, None, None),
    ("a.org", "a.org", "a.org"),
]
LIST = [  # the same for a STRING[] property (Company.aliases)
    (["a"], None, ["a"]),
    (["a"], ["b"], ["a", "b"]),
    (["a", "b"], ["b", "c"], ["a", "b", "c"]),
    (["b", "a"], ["a", "b"], ["b", "a"]),  # nothing new: order and content kept
    (None, ["a"], ["a"]),
    (None, None, None),
    (["a"], [], ["a"]),  # an empty list adds nothing
    (None, [], []),
    ([], ["a"], ["a"]),
    (["a"], ["b", "b", "a"], ["a", "b"]),  # incoming duplicates: each new item once
    (None, ["x", "x", "y"], ["x", "y"]),
]
TABLE = [("website", *r) for r in SCALAR] + [("aliases", *r) for r in LIST]
ROWS = list(enumerate(TABLE))


@pytest.mark.parametrize(("prop", "stored", "incoming", "expected"), TABLE)
def test_merge_value_follows_the_table(prop, stored, incoming, expected):
    assert merge_value(stored, incoming) == expected


@pytest.mark.parametrize(("prop", "stored", "incoming", "expected"), TABLE)
def test_the_batch_merges_records_by_the_rule(prop, stored, incoming, expected):
    batch = Batch()
    for value in (stored, incoming):
        rg = RecordGraph()
        rg.node("Company", {"id": "co-1", "name": "One", prop: value})
        batch.add(rg)
    assert batch.node_rows("Company")[0].get(prop) == expected


def _companies(step: int) -> list[dict]:
    """Company rows of every table row: step 0 brings the stored values, step 1 the incoming ones."""
    return [{"id": f"co-{i}", "name": f"Company {i}", "website": None, "aliases": None, prop: row[step]}
            for i, (prop, *row) in ROWS]


def _read(store, cypher: str) -> dict:
    _, rows = store.rows(cypher)
    return {r[0]: r[1:] for r in rows}


def test_both_stores_obey_the_table_for_node_properties(empty_store):
    empty_store.ensure_schema()
    for step in (0, 1):
        empty_store.upsert_nodes("Company", _companies(step))
    got = _read(empty_store, "MATCH (c:Company) RETURN c.id, c.website, c.aliases")
    mismatches = [(prop, stored, incoming, expected, got[f"co-{i}"])
                  for i, (prop, stored, incoming, expected) in ROWS
                  if got[f"co-{i}"][0 if prop == "website" else 1] != expected]
    assert not mismatches, f"(property, stored, incoming, expected, (website, aliases) read back): {mismatches}"


def test_both_stores_obey_the_table_for_relationship_properties(empty_store):
    # source_record (STRING) and source_records (STRING[]) of SUPPLIED, Company -> Country
    _relationship_table(empty_store)


@pytest.mark.parametrize("unwind_rows", [0, 2_000])
def test_both_embedded_lookups_of_existing_relationships_obey_the_table(tmp_path, unwind_rows):
    """A batch over ``unwind_rows`` is looked up with LOAD FROM of an Arrow table, a smaller one with UNWIND
    (graph/store/embedded.py, ``_existing_rels``): both find the stored relationships and merge them alike."""
    from graph.store.embedded import EmbeddedStore

    with EmbeddedStore(tmp_path / "u.lbug", write=True) as store:
        store.unwind_rows = unwind_rows
        _relationship_table(store)
        _, [[count]] = store.rows("MATCH (:Company)-[r:SUPPLIED]->(:Country) RETURN count(r)")
        assert count == len(ROWS)  # the second upsert found every relationship: none was added twice


def _relationship_table(empty_store):
    empty_store.ensure_schema()
    empty_store.upsert_nodes("Country", [{"iso2": "RW", "name": "Rwanda"}])
    empty_store.upsert_nodes("Company", _companies(0))
    names = {"website": "source_record", "aliases": "source_records"}
    for step in (0, 1):
        empty_store.upsert_rels("SUPPLIED", "Company", "Country", [
            {"_from": f"co-{i}", "_to": "RW", "source_record": None, "source_records": None, names[prop]: row[step]}
            for i, (prop, *row) in ROWS])
    got = _read(empty_store, "MATCH (c:Company)-[r:SUPPLIED]->(:Country) RETURN c.id, r.source_record, r.source_records")
    mismatches = [(prop, stored, incoming, expected, got[f"co-{i}"])
                  for i, (prop, stored, incoming, expected) in ROWS
                  if got[f"co-{i}"][0 if prop == "website" else 1] != expected]
    assert not mismatches, mismatches


def test_a_second_identical_upsert_changes_nothing(empty_store):
    empty_store.ensure_schema()
    for _ in range(2):
        empty_store.upsert_nodes("Company", _companies(1))
    got = _read(empty_store, "MATCH (c:Company) RETURN c.id, c.website, c.aliases")
    # over nothing, twice: each list once per item, in first-seen order (rows 14 and 15 of the table)
    assert got["co-14"] == [None, ["b", "a"]] and got["co-15"] == [None, ["x", "y"]] and got["co-1"] == ["b.org", None]


def test_the_neo4j_clause_is_generated_from_schema_names_only():
    assert set_clause("r", "source_record", is_list=False) == "r.source_record = coalesce(row.source_record, r.source_record)"


def _items(a: int, b: int) -> list[str]:
    return [f"line {n}" for n in range(a, b)]


CAPPED = [  # source_records keeps its first 100 (keep_first in graph/schema.yaml): (stored, incoming, expected)
    (_items(0, 99), ["line 98", "x", "y"], _items(0, 99) + ["x"]),  # room for one more: the first new one
    (_items(0, 100), ["z"], _items(0, 100)),  # full: nothing added
    (_items(0, 100), None, _items(0, 100)),
    (None, _items(0, 150), _items(0, 100)),  # one upsert over the cap: its first 100
    (["a"], ["b"], ["a", "b"]),  # under the cap the plain rule holds
]


def test_the_schema_caps_provenance_lists():
    rel = load_schema().rel("SUPPLIED")
    assert rel.keep_first == {"source_records": 100, "source_urls": 1000}
    assert load_schema().rel("SOURCED_FROM").keep_first["records"] == 100


@pytest.mark.parametrize(("stored", "incoming", "expected"), CAPPED)
def test_a_capped_list_keeps_its_first_items(stored, incoming, expected):
    assert merge_value(stored, incoming, keep_first=100) == expected
    batch = Batch()
    for value in (stored, incoming):
        rg = RecordGraph()
        rg.rel("SUPPLIED", "Company", "co-1", "Country", "RW", {"source_records": value})
        batch.add(rg)
    assert batch.rel_rows(("SUPPLIED", "Company", "Country"))[0].get("source_records") == expected


def test_both_stores_cap_provenance_lists(empty_store):
    empty_store.ensure_schema()
    empty_store.upsert_nodes("Country", [{"iso2": "RW", "name": "Rwanda"}])
    empty_store.upsert_nodes("Company", [{"id": f"co-{i}", "name": f"Company {i}"} for i in range(len(CAPPED))])
    for step in (0, 1):
        empty_store.upsert_rels("SUPPLIED", "Company", "Country", [
            {"_from": f"co-{i}", "_to": "RW", "source_records": row[step]} for i, row in enumerate(CAPPED)])
    got = _read(empty_store, "MATCH (c:Company)-[r:SUPPLIED]->(:Country) RETURN c.id, r.source_records")
    mismatches = [i for i, (_, _, expected) in enumerate(CAPPED) if got[f"co-{i}"][0] != expected]
    assert not mismatches, mismatches

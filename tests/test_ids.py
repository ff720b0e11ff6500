"""One id module: the same facts loaded through the case format and through a spreadsheet bundle make
one graph (same node keys and relationships), and one accountability action concerning an incident and a
company is one node."""

from __future__ import annotations

import json

from graph import ids
from graph.store.embedded import EmbeddedStore
from ingest.pipeline import ingest

CASE = {
    "id": "x-0001", "date": "2019-05-02", "summary": "Invented for the test.", "origin_state": "RW",
    "host_state": "BE", "attribution": "documented", "tactics": ["threats"],
    "sources": [{"url": "https://example.org/x-0001"}],
    "accountability": [{"kind": "prosecution", "date": "2021-03", "body": "Brussels court", "jurisdiction": "BE",
                        "against": "two agents", "outcome": "conviction"}],
}


def _bundle(path):
    path.mkdir()
    aid = ids.accountability_action_id("prosecution", "2021-03", "Brussels court", "two agents")
    (path / "Country.csv").write_text("iso2,name,region\nRW,,\nBE,,\n")
    (path / "Incident.csv").write_text("id,date,summary,physical,source_urls\n"
                                       "x-0001,2019-05-02,Invented for the test.,no,https://example.org/x-0001\n")
    # No id: the bundle derives it, with the same function as the case format.
    (path / "AccountabilityAction.csv").write_text(
        "kind,date,year,body,jurisdiction,against,outcome,source_urls\n"
        "prosecution,2021-03,2021,Brussels court,BE,two agents,conviction,https://example.org/x-0001\n")
    (path / "relationships.csv").write_text(
        "type,from_label,from_id,to_label,to_id,attribution,source_urls\n"
        "USED_TACTIC,Incident,x-0001,Tactic,threats,,\n"
        "PERPETRATED_BY,Incident,x-0001,Country,RW,documented,https://example.org/x-0001\n"
        "OCCURRED_IN,Incident,x-0001,Country,BE,,https://example.org/x-0001\n"
        f"CONCERNS,AccountabilityAction,{aid},Incident,x-0001,,https://example.org/x-0001\n"
        f"TAKEN_BY,AccountabilityAction,{aid},Country,BE,,https://example.org/x-0001\n")


def _facts(db):
    """Node keys per label and relationships (type, from, to), leaving out provenance: file Sources and
    SOURCED_FROM differ by nature (one JSON Lines file against five CSV files)."""
    with EmbeddedStore(db) as s:
        nodes, rels = set(), set()
        for label, node in s.schema.nodes.items():
            for (key,) in s.rows(f"MATCH (n:{label}) RETURN n.{node.key}")[1]:
                if not (label == "Source" and str(key).startswith("file-")):
                    nodes.add((label, key))
        for rtype, rel in s.schema.rels.items():
            if rtype == "SOURCED_FROM":
                continue
            for a in rel.from_labels:
                for b in rel.to_labels:
                    ka, kb = s.schema.node(a).key, s.schema.node(b).key
                    cypher = f"MATCH (x:{a})-[:{rtype}]->(y:{b}) RETURN x.{ka}, y.{kb}"
                    rels |= {(rtype, f, t) for f, t in s.rows(cypher)[1]}
    return nodes, rels


def test_the_same_facts_through_both_formats_make_one_graph(tmp_path):
    case_dir = tmp_path / "case"
    case_dir.mkdir()
    (case_dir / "cases.jsonl").write_text(json.dumps(CASE) + "\n")
    _bundle(tmp_path / "bundle")
    for name, path in (("a", case_dir), ("b", tmp_path / "bundle")):
        with EmbeddedStore(tmp_path / f"{name}.lbug", write=True) as store:
            assert ingest(store, [path]).rejected == 0
    case_nodes, case_rels = _facts(tmp_path / "a.lbug")
    bundle_nodes, bundle_rels = _facts(tmp_path / "b.lbug")
    assert case_nodes == bundle_nodes and case_rels == bundle_rels
    assert ("AccountabilityAction", ids.accountability_action_id("prosecution", "2021-03", "Brussels court",
                                                                 "two agents")) in case_nodes
    # Both formats into one store: still one action, one incident.
    with EmbeddedStore(tmp_path / "both.lbug", write=True) as store:
        ingest(store, [case_dir, tmp_path / "bundle"])
    assert _facts(tmp_path / "both.lbug") == (case_nodes, case_rels)


def test_one_action_concerning_an_incident_and_a_company_is_one_node(sample_store):
    # cases.jsonl ref-0032 and companies.jsonl GainJet both record the Rusesabagina family's lawsuit of
    # 2020-12 in a US court in Texas against GainJet: one action, concerning the incident and the company.
    rows = sorted(sample_store.rows("MATCH (a:AccountabilityAction {body: 'US court in Texas'})-[:CONCERNS]->(x) "
                                    "RETURN a.id AS a, x.id AS x")[1])
    aid = ids.accountability_action_id("lawsuit", "2020-12", "US court in Texas", "GainJet")
    assert rows == [[aid, "company-gainjet"], [aid, "ref-0032"]]


def test_company_names_fold_with_the_fields_libraries():
    # rigour's organisation types (S.r.l., B.V., GmbH, S.p.A.) and normality's transliteration.
    assert ids.company_id("Hacking Team S.r.l.") == ids.company_id("HACKING TEAM") == "company-hacking-team"
    assert ids.normalise_name("DigiVox B.V.") == ids.normalise_name("Digivox") == "digivox"
    assert ids.normalise_name("Área S.p.A.") == "area"
    # nothing but legal forms: only the trailing ones go, so a suffix still never changes the company
    assert ids.normalise_name("Pty Ltd") == ids.normalise_name("Pty") == "pty"
    assert ids.normalise_name("PP Ltd") == ids.normalise_name("PP") == "pp"

"""Export (issue 13): each format round-trips the analysis fixture (tests/fixtures/analysis), minus what
the format cannot carry (listed here and in docs/export.md); imports of FtM and neo4j-admin CSV; safety
(pseudonyms, formula guard, metadata, audit log); the CLI."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import stat
import subprocess
from pathlib import Path

import networkx as nx
import pytest
from followthemoney import model
from hypothesis import given
from hypothesis import strategies as st

from graph.export import FORMATS, Selection, export
from graph.export import gexf as gexf_mod
from graph.export import graphml as graphml_mod
from graph.export import nodelink as nodelink_mod
from graph.export.base import neutralise, unneutralise
from graph.export.cypher import read_meta, run_script
from graph.export.selection import ego_selection, path_selection, query_selection, whole_graph
from graph.store.embedded import EmbeddedStore
from graph.store.snapshot import graph_hash
from ingest.pipeline import ingest
from tests.helpers import FIXTURES, SAMPLE, _Neo4jContent, neo4j_store, tnr

FTM_FIXTURE = FIXTURES / "ftm" / "entity_list_and_ofac.ftm.jsonl"


def as_sets(g: nx.MultiDiGraph):
    """Nodes with their attributes and edges with theirs, as comparable values (list order ignored)."""
    def norm(d):
        return {k: sorted(v) if isinstance(v, list) else v for k, v in d.items()}
    return ({n: norm(d) for n, d in g.nodes(data=True)},
            {(u, k, v): norm(d) for u, v, k, d in g.edges(keys=True, data=True)})


@pytest.fixture()
def embedded_empty(tmp_path):
    """An empty embedded store, for tests of a file format (the round trips run on both backends)."""
    with EmbeddedStore(tmp_path / "empty.lbug", write=True) as store:
        yield store


@pytest.fixture()
def fx_graph(fx):
    return whole_graph(fx)


def test_the_fixture_selection_is_the_whole_fixture(fx, fx_graph):
    counts = fx.counts()
    assert fx_graph.number_of_nodes() == sum(counts["nodes"].values()) == 63
    assert fx_graph.number_of_edges() == sum(counts["relationships"].values()) == 94
    assert fx_graph.nodes["Tactic:spyware"] == {"node_label": "Tactic", "code": "spyware", "label": "Spyware",
                                                "physical": False}
    edge = fx_graph.edges["Company:company-beta", "Organization:org-mois", "SUPPLIED"]
    assert edge["rel_type"] == "SUPPLIED" and edge["source_urls"] == ["https://example.org/beta-mois"]
    assert edge["source_record"].endswith(":line 38")


# --- GraphML, GEXF, JSON: NetworkX readers ------------------------------------------------------


@pytest.mark.parametrize("fmt, reader", [("graphml", graphml_mod.read), ("gexf", gexf_mod.read),
                                         ("json", nodelink_mod.read)])
def test_networkx_readers_get_every_node_edge_label_and_property_back(fx, fx_graph, tmp_path, fmt, reader):
    out = tmp_path / f"fx.{fmt}"
    export(fx, Selection(fx_graph, "all"), fmt, out)
    back = reader(out)
    assert as_sets(back) == as_sets(fx_graph)  # nothing lost: GraphML/GEXF carry lists as JSON text


def test_graphml_declares_typed_keys_and_embeds_the_metadata(fx, fx_graph, tmp_path):
    out = tmp_path / "fx.graphml"
    export(fx, Selection(fx_graph, "all"), "graphml", out)
    text = out.read_text()
    assert '<key id="node_label" for="node" attr.name="node_label" attr.type="string"' in text
    assert '<key id="rel_type" for="edge" attr.name="rel_type" attr.type="string"' in text
    assert 'attr.name="year" attr.type="long"' in text and 'attr.name="physical" attr.type="boolean"' in text
    g = nx.read_graphml(out)
    assert g.graph["tnr_graph_hash"] == graph_hash(fx)
    assert g.graph["tnr_selection"] == "all" and json.loads(g.graph["tnr_redaction"])["persons"] == 1


def test_gexf_has_the_type_attribute_spells_and_metadata(fx, fx_graph, tmp_path):
    out = tmp_path / "fx.gexf"
    export(fx, Selection(fx_graph, "all"), "gexf", out)
    raw = nx.read_gexf(out)
    assert raw.nodes["Incident:f-1"]["node_label"] == "Incident"
    assert raw.nodes["Incident:f-1"]["prop_id"] == "f-1" and raw.nodes["Tactic:spyware"]["prop_label"] == "Spyware"
    # partial dates as whole intervals: 2018 is the year, 2019-05 the month
    assert raw.nodes["Incident:f-1"]["spells"] == [("2018-01-01", "2018-12-31")]
    assert raw.nodes["Incident:f-2"]["spells"] == [("2019-05-01", "2019-05-31")]
    assert "spells" not in raw.nodes["Country:SA"]
    assert re.search(r'<graph [^>]*mode="dynamic"[^>]*timeformat="date"', out.read_text())
    meta = gexf_mod.read_meta(out)
    assert meta["graph_hash"] == graph_hash(fx) and meta["format"] == "gexf"


def test_json_node_link_keeps_the_metadata(fx, fx_graph, tmp_path):
    out = tmp_path / "fx.json"
    export(fx, Selection(fx_graph, "all"), "json", out, data_version="v-test")
    data = json.loads(out.read_text())
    assert data["graph"]["tnr_export"]["graph_hash"] == "v-test"
    assert {"source", "target", "key", "rel_type"} <= set(data["edges"][0])


# --- neo4j-admin CSV: our importer and the real neo4j-admin ----------------------------------------


def _without_import_sources(g: nx.MultiDiGraph, folder: Path) -> nx.MultiDiGraph:
    """The graph less the Source nodes of the imported CSV files and the SOURCED_FROM edges to them."""
    files = {p.name for p in folder.glob("*.csv")}
    drop = [n for n, d in g.nodes(data=True) if d["node_label"] == "Source" and d.get("path") in files]
    h = g.copy()
    h.remove_nodes_from(drop)
    return h


def test_csv_round_trips_through_tnr_ingest(fx, fx_graph, tmp_path, empty_store):
    out = tmp_path / "csv"
    files, _ = export(fx, Selection(fx_graph, "all"), "csv", out)
    header = (out / "nodes_Company.csv").read_text().splitlines()[0]
    assert header == ("id:ID(Company),:LABEL,name:string,aliases:string[],sector:string,products:string[],"
                      "hq_country:string,technology:string[],offices:string[],trade_shows:string[],website:string,"
                      "merged_names:string[]")
    assert (out / "rels_SUPPLIED_Company_Country.csv").read_text().startswith(":START_ID(Company),:END_ID(Country),:TYPE,")
    report = ingest(empty_store, [out])  # on each backend
    assert report.rejected == 0, [str(r) for r in report.rejects]
    assert [f.source_type for f in report.files] == ["admin_csv"]
    assert as_sets(_without_import_sources(whole_graph(empty_store), out)) == as_sets(fx_graph)
    once = graph_hash(empty_store)
    ingest(empty_store, [out])
    assert graph_hash(empty_store) == once  # re-running the ingest changes nothing


def test_csv_neutralises_formulas_and_the_import_reverses_exactly(embedded_empty, tmp_path):
    empty_store = embedded_empty
    empty_store.ensure_schema()
    tricky = {"id": "company-eq", "name": "=HYPERLINK(\"http://x\")", "aliases": ["+1 alias", "@sum", "'quoted", "plain"],
              "sector": "-spyware", "website": "+44 shop"}
    empty_store.upsert_nodes("Company", [tricky])
    g = whole_graph(empty_store)
    files, meta = export(empty_store, Selection(g, "all"), "csv", tmp_path / "csv")
    row = (tmp_path / "csv" / "nodes_Company.csv").read_text().splitlines()[1]
    assert row.startswith("company-eq,Company,\"'=HYPERLINK(\"\"http://x\"\")\",'+1 alias;@sum;'quoted;plain,'-spyware")
    assert json.loads((tmp_path / "csv" / "export.meta.json").read_text())["neutralised_cells"] == 3 + 1
    assert unneutralise("'+1 alias;@sum") == "+1 alias;@sum"
    with EmbeddedStore(tmp_path / "back.lbug", write=True) as back:
        assert ingest(back, [tmp_path / "csv"]).rejected == 0
        _, rows = back.rows("MATCH (c:Company) RETURN c.name, c.aliases, c.sector, c.website")
    assert rows == [[tricky["name"], tricky["aliases"], "-spyware", "+44 shop"]]


def test_csv_picks_another_array_delimiter_when_an_item_has_a_semicolon(embedded_empty, tmp_path):
    empty_store = embedded_empty
    empty_store.ensure_schema()
    empty_store.upsert_nodes("Company", [{"id": "company-x", "name": "X", "aliases": ["a;b", "c"]}])
    export(empty_store, Selection(whole_graph(empty_store), "all"), "csv", tmp_path / "csv")
    assert json.loads((tmp_path / "csv" / "export.meta.json").read_text())["array_delimiter"] == "|"
    assert "--array-delimiter=|" in (tmp_path / "csv" / "import.sh").read_text()
    with EmbeddedStore(tmp_path / "back.lbug", write=True) as back:
        ingest(back, [tmp_path / "csv"])
        assert back.rows("MATCH (c:Company) RETURN c.aliases")[1] == [[["a;b", "c"]]]


def test_a_bad_csv_row_is_rejected_with_file_line_and_field(fx, fx_graph, tmp_path):
    out = tmp_path / "csv"
    export(fx, Selection(fx_graph, "all"), "csv", out)
    path = out / "nodes_Incident.csv"
    lines = path.read_text().splitlines()
    lines[1] = lines[1].replace(",year,2018,", ",year,twenty,", 1)
    path.write_text("\n".join(lines) + "\n")
    with EmbeddedStore(tmp_path / "back.lbug", write=True) as back:
        report = ingest(back, [out])
        assert [(Path(r.file).name, r.line, r.field) for r in report.rejects][:1] == [("nodes_Incident.csv", 2, "year")]
        assert "expected INT64, got 'twenty'" in report.rejects[0].reason
        assert back.rows("MATCH (i:Incident) RETURN count(i)")[1] == [[6]]  # the other six still load


def _neo4j_lib(server: dict, tmp_path_factory) -> Path:
    from graph import neo4j_server

    home = Path(server.get("TNR_NEO4J_HOME") or "")
    if (home / "lib").is_dir():
        return home / "lib"
    own = tmp_path_factory.mktemp("admin-neo4j")
    os.environ["TNR_NEO4J_HOME"], saved = str(own), os.environ.get("TNR_NEO4J_HOME")
    try:
        neo4j_server.install(quiet=True)
    finally:
        os.environ.pop("TNR_NEO4J_HOME") if saved is None else os.environ.update(TNR_NEO4J_HOME=saved)
    return own / "lib"


@pytest.mark.neo4j
def test_neo4j_admin_imports_the_csv_with_the_same_counts(fx, fx_graph, tmp_path, tmp_path_factory, neo4j_server):
    """The real neo4j-admin (org.neo4j.cli.AdminTool from the Maven-resolved jars) loads the folder into a
    throwaway home's empty database and reports the selection's node, relationship and property counts."""
    out = tmp_path / "csv"
    export(fx, Selection(fx_graph, "all"), "csv", out)
    lib = _neo4j_lib(neo4j_server, tmp_path_factory)
    home = tmp_path / "admin-home"
    (home / "conf").mkdir(parents=True)
    (home / "conf" / "neo4j.conf").write_text(f"server.directories.data={home / 'data'}\n"
                                               f"server.directories.logs={home / 'logs'}\n")
    script = (out / "import.sh").read_text()
    command = " ".join(x for x in script.replace("\\\n", " ").splitlines() if not x.startswith("#"))
    args = shlex.split(command)[1:]  # after "neo4j-admin"
    java = shutil.which("java")
    done = subprocess.run([java, "-Xmx384m", "-cp", f"{lib}/*", "org.neo4j.cli.AdminTool", *args,
                           "--max-off-heap-memory=256m", "--threads=1"], cwd=out, capture_output=True, text=True,
                          timeout=300, env={**os.environ, "NEO4J_HOME": str(home), "NEO4J_CONF": str(home / "conf")})
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    counts = re.search(r"Imported:\s+(\d+) nodes\s+(\d+) relationships\s+(\d+) properties", done.stdout)
    properties = sum(len(d) - 1 for _, d in fx_graph.nodes(data=True)) + sum(
        len(d) - 1 for _, _, d in fx_graph.edges(data=True))
    assert counts and tuple(map(int, counts.groups())) == (63, 94, properties)


# --- Cypher script: the real Neo4j ----------------------------------------------------------------


@pytest.mark.neo4j
def test_cypher_script_recreates_the_sample_in_an_empty_neo4j_with_the_same_hash(sample_db, tmp_path, neo4j_server):
    out = tmp_path / "sample.cypher"
    with EmbeddedStore(sample_db) as src:
        want = graph_hash(src)
        export(src, Selection(whole_graph(src), "all"), "cypher", out)
    assert read_meta(out)["graph_hash"] == want
    _Neo4jContent.now = None
    with neo4j_store(neo4j_server, write=True) as target:
        target.clear()
        statements = run_script(target._driver, out, target.database)
        assert statements > len(target.schema.nodes)
        assert graph_hash(target) == want
        run_script(target._driver, out, target.database)  # MERGE: a second run changes nothing
        assert graph_hash(target) == want


@pytest.mark.neo4j
def test_cypher_script_of_an_ego_network_recreates_exactly_that_subgraph(fx, tmp_path, neo4j_server):
    ego = ego_selection(fx, "company-beta", depth=1)
    out = tmp_path / "ego.cypher"
    export(fx, Selection(ego, "ego"), "cypher", out)
    _Neo4jContent.now = None
    with neo4j_store(neo4j_server, write=True) as target:
        target.clear()
        run_script(target._driver, out, target.database)
        assert as_sets(whole_graph(target)) == as_sets(ego)


# --- FtM -------------------------------------------------------------------------------------------

# What FtM carries of the fixture (everything else is listed as not mapped in docs/export.md).
FTM_NODE_PROPS = {"Company": {"id", "name", "aliases", "sector", "hq_country", "offices", "website"},
                  "Person": {"id", "name", "role", "public_figure", "pseudonymised"},
                  "Organization": {"id", "name", "kind", "country"},
                  "Incident": {"id", "date", "date_precision", "year", "month", "summary", "physical"},
                  "AccountabilityAction": {"id", "kind", "date", "year", "body", "jurisdiction", "against", "outcome"},
                  "Country": {"iso2"}, "Tactic": {"code"}}
FTM_RELS = {"PERPETRATED_BY": {"attribution"}, "OCCURRED_IN": set(), "TARGETED": set(), "FACILITATED": set(),
            "ATTRIBUTED_TO": set(), "NATIONAL_OF": set(), "HEADQUARTERED_IN": set(), "PART_OF": set(),
            "SUPPLIED": set(), "RESPONDED_TO": {"response"}, "USED_TACTIC": set(), "OWNED_BY": set(),
            "ATTRIBUTED": {"product"}, "CONCERNS": set()}
SANCTIONS = ("sanction", "export_control")  # the AccountabilityAction kinds FtM carries (as Sanction)
# Not carried: pseudonymised=false (comes back empty; true is carried), AccountabilityAction other than
# sanction/export_control, Source, Transfer, MENTIONS, SOURCED_FROM (only web URLs, as sourceUrl), relationship
# provenance (source_record(s)), FACILITATED role/product, SUPPLIED product/basis/years, CONCERNS and
# TAKEN_BY of non-sanction actions; Country name/region come back from the country table.


def _ftm_view(g: nx.MultiDiGraph):
    def carried(d):
        return d["node_label"] in FTM_NODE_PROPS and (d["node_label"] != "AccountabilityAction" or d["kind"] in SANCTIONS)
    nodes = {n: {k: v for k, v in d.items() if k in FTM_NODE_PROPS[d["node_label"]] and (k, v) != ("pseudonymised", False)}
             for n, d in g.nodes(data=True) if carried(d)}
    used = {n for n in nodes if not n.startswith(("Country:", "Tactic:"))}
    edges = {(u, k, v): {p: x for p, x in d.items() if p in FTM_RELS[k]}
             for u, v, k, d in g.edges(keys=True, data=True) if k in FTM_RELS and u in nodes and v in nodes}
    ends = {x for u, _, v in edges for x in (u, v)}
    nodes = {n: d for n, d in nodes.items() if n in used or n in ends}
    return nodes, edges


def test_ftm_entities_validate_with_followthemoney_and_round_trip(fx, fx_graph, tmp_path, empty_store):
    out = tmp_path / "fx.ftm.jsonl"
    files, meta = export(fx, Selection(fx_graph, "all"), "ftm", out)
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    assert {e["schema"] for e in lines} == {"Company", "Person", "Organization", "PublicBody", "Event", "Sanction",
                                            "UnknownLink"}
    for e in lines:
        schema = model.get(e["schema"])
        assert schema.validate(e) is None, e
        assert model.get_proxy(e).to_dict()["properties"] == e["properties"]  # already clean
    event = next(e for e in lines if e["id"] == "tnr-incident-f-5")
    assert event["properties"]["organizer"] == ["tnr-organization-org-mois"]
    assert event["properties"]["involved"] == ["tnr-company-company-gamma"]
    assert sorted(event["properties"]["keywords"]) == ["abduction", "detention", "rendition"]
    assert json.loads((tmp_path / "fx.ftm.jsonl.meta.json").read_text())["entities"] == len(lines) == 15
    report = ingest(empty_store, [out])  # on each backend
    assert report.rejected == 0, [str(r) for r in report.rejects]
    again = whole_graph(empty_store)
    got_nodes, got_edges = _ftm_view(again)
    want_nodes, want_edges = _ftm_view(fx_graph)
    assert {k: v for k, v in got_nodes.items()} == want_nodes
    assert got_edges == want_edges


def test_ftm_import_merges_companies_through_the_resolver_and_pseudonymises(embedded_empty, tmp_path):
    empty_store = embedded_empty
    ingest(empty_store, [SAMPLE])
    companies = {r[0] for r in empty_store.rows("MATCH (c:Company) RETURN c.id")[1]}
    report = ingest(empty_store, [FTM_FIXTURE])
    assert [f.source_type for f in report.files] == ["ftm"]
    assert [(r.line, r.field) for r in report.rejects] == [(15, "schema")]  # the Address: does not map
    merges = {(m["name"], m["merged_into"], m["rule"]) for m in report.merges}
    assert merges == {("NSO Group Technologies Ltd", "company-nso-group", "alias (in the graph)"),
                      ("Saito Tech Ltd.", "company-candiru", "known alias"),
                      ("Candiru Ltd", "company-candiru", "same name"), ("Sandvine Inc.", "company-sandvine", "same name"),
                      ("Intellexa S.A.", "company-intellexa-consortium", "alias (in the graph)")}
    now = {r[0] for r in empty_store.rows("MATCH (c:Company) RETURN c.id")[1]}
    # Candiru Ltd is Candiru by name; Intellexa S.A. (a legal form rigour strips) is the Intellexa the sample
    # lists with that alias
    assert now - companies == {"company-positive-technologies", "company-computer-security-initiative-consultancy",
                               "company-francisco-partners"}
    _, rows = empty_store.rows("MATCH (c:Company)-[:OWNED_BY]->(p:Company) WHERE c.id = 'company-sandvine' RETURN p.id")
    assert rows == [["company-francisco-partners"]]
    _, rows = empty_store.rows("MATCH (s:Source)<-[:SOURCED_FROM]-(a:AccountabilityAction)-[:CONCERNS]->(c:Company) "
                               "WHERE s.path = $f RETURN c.id, a.kind, a.date, a.jurisdiction ORDER BY c.id",
                               {"f": FTM_FIXTURE.name})
    assert rows == [["company-intellexa-consortium", "sanction", "2024-03-05", "US"],
                    ["company-nso-group", "export_control", "2021-11-04", "US"]]
    _, people = empty_store.rows("MATCH (p:Person)-[:NATIONAL_OF]->(c:Country) WHERE c.iso2 IN ['IL', 'PL', 'PT'] "
                                 "RETURN p.name, p.pseudonymised ORDER BY p.name")
    names = [p[0] for p in people]
    assert "Ana Exemplo" in names and "Tal Jonathan Dilian" not in names and "Sara Aleksandra Fayssal Hamou" not in names
    assert sum(1 for p in people if p[1]) >= 2
    once = graph_hash(empty_store)
    ingest(empty_store, [FTM_FIXTURE])
    assert graph_hash(empty_store) == once  # re-running the ingest changes nothing


# --- selections ------------------------------------------------------------------------------------


def test_path_selection_is_the_path_nodes_and_their_relationships(fx):
    # within 3 hops the one path is alpha -SUPPLIED-> SA <-SUPPLIED- beta -SUPPLIED-> mois
    g = path_selection(fx, "company-alpha", "org-mois", cutoff=3)
    assert set(g.nodes) == {"Company:company-alpha", "Company:company-beta", "Country:SA", "Organization:org-mois"}
    assert set(g.edges(keys=True)) == {
        ("Company:company-alpha", "Country:SA", "SUPPLIED"), ("Company:company-beta", "Country:SA", "SUPPLIED"),
        ("Company:company-beta", "Organization:org-mois", "SUPPLIED")}
    # within 4, also alpha -FACILITATED-> f-2 -PERPETRATED_BY-> SA, and so on: every edge between path neighbours
    g = path_selection(fx, "company-alpha", "org-mois", cutoff=4)
    assert {"Incident:f-2"} <= set(g.nodes)
    assert ("Incident:f-2", "Country:SA", "PERPETRATED_BY") in set(g.edges(keys=True))


def test_query_selection_takes_the_nodes_the_header_names(fx):
    g = query_selection(fx, "cross_border_reach", {"origin": "IR"})
    # IR's incidents abroad: f-5 in TR (abduction, rendition, detention) and f-6 in DE (assassination)
    assert set(g.nodes) == {"Country:TR", "Country:DE", "Tactic:abduction", "Tactic:rendition", "Tactic:detention",
                            "Tactic:assassination"}
    assert g.number_of_edges() == 0


def test_ego_selection_with_a_label_filter_and_sources(fx):
    g = ego_selection(fx, "company-gamma", depth=1)
    assert set(g.nodes) == {"Company:company-gamma", "Incident:f-5", "Country:DE"}
    only = ego_selection(fx, "company-gamma", depth=1, labels=["Incident"], sources=True)
    assert {n for n in only if not n.startswith("Source:")} == {"Company:company-gamma", "Incident:f-5"}
    assert any(k == "SOURCED_FROM" for _, _, k in only.edges(keys=True))


# --- safety ----------------------------------------------------------------------------------------


def test_a_real_name_never_leaves_in_any_format(tmp_path):
    db = tmp_path / "private.lbug"
    with EmbeddedStore(db, write=True) as w:
        ingest(w, [SAMPLE / "cases.jsonl"], keep_private_names=True)
    with EmbeddedStore(db) as store:
        private = [r for r in store.rows("MATCH (p:Person) WHERE NOT p.public_figure RETURN p.name, p.id")[1]]
        assert private, "the fixture should hold a non-public person"
        g = whole_graph(store)
        for fmt in FORMATS:
            out = tmp_path / f"out-{fmt}"
            files, meta = export(store, Selection(g, "all"), fmt, out)
            assert meta["redaction"]["pseudonymised_at_export"] == len(private)
            text = "".join(p.read_text(encoding="utf-8") for p in files)
            for name, pid in private:
                # never as a value or in an id; free text (summaries) is the redaction issue's, not the export's
                assert pid not in text, (fmt, pid)
                for quoted in (f'"{name}"', f">{name}<", f",{name},"):
                    assert quoted not in text, (fmt, quoted)


def test_the_audit_log_is_append_only_and_private(fx, fx_graph, tmp_path):
    log = tmp_path / "audit.jsonl"
    export(fx, Selection(fx_graph, "all"), "json", tmp_path / "a.json", audit_log=log)
    export(fx, Selection(fx_graph, "query", "cross_border_reach", {"origin": "SA"}), "gexf", tmp_path / "b.gexf",
           audit_log=log)
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    entries = [json.loads(x) for x in log.read_text().splitlines()]
    assert [(e["format"], e["selection"], e["query"], e["parameters"], e["rows"]) for e in entries] == [
        ("json", "all", None, {}, 63), ("gexf", "query", "cross_border_reach", {"origin": "SA"}, 63)]
    assert all(e["user"] and e["when"] and e["graph_hash"] == graph_hash(fx) for e in entries)


# --- CLI -------------------------------------------------------------------------------------------


def test_cli_exports_each_selection_and_logs_it(fx_db, tmp_path):
    db = tmp_path / "fx.lbug"
    shutil.copytree(fx_db, db) if fx_db.is_dir() else shutil.copy(fx_db, db)
    env = {"TNR_USER": "analyst-7"}
    runs = [("--query", "corporate_complicity", "-p", "state=SA"), ("--ego", "company-alpha", "--depth", "1"),
            ("--path", "company-alpha", "org-mois"), ("--all",)]
    for i, sel in enumerate(runs):
        done = tnr("export", "-f", "json", *sel, "-o", str(tmp_path / f"{i}.json"), "--db", str(db), env=env)
        assert done.returncode == 0, done.stderr
    log = [json.loads(x) for x in (tmp_path / "fx.lbug.audit.jsonl").read_text().splitlines()]
    assert [e["selection"] for e in log] == ["query", "ego", "path", "all"]
    assert {e["user"] for e in log} == {"analyst-7"}
    assert json.loads((tmp_path / "3.json").read_text())["graph"]["tnr_export"]["nodes"] == 63
    bad = tnr("export", "-f", "json", "--all", "--ego", "x", "-o", str(tmp_path / "x.json"), "--db", str(db))
    assert bad.returncode == 2 and "exactly one of" in bad.stderr
    bad = tnr("export", "-f", "pdf", "--all", "-o", str(tmp_path / "x.pdf"), "--db", str(db))
    assert bad.returncode == 2 and "unknown format" in bad.stderr


def test_every_query_nodes_header_names_result_columns_and_schema_labels():
    from graph.queries import load_library
    from graph.schema import load_schema

    declared = {name: q.nodes for name, q in load_library().items() if q.nodes}
    assert declared["corporate_complicity"] == {"company": "Company", "incident": "Incident", "state": "Country"}
    for name, nodes in declared.items():
        for column, label in nodes.items():
            assert column in load_library()[name].columns and label in load_schema().nodes, (name, column)


@given(st.text())
def test_unneutralise_inverts_neutralise_and_no_cell_starts_a_formula(text):
    cell = neutralise(text)
    assert unneutralise(cell) == text
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))

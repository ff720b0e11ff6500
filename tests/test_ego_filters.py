"""The Explore graph's library: Transfer folding, filters, the cap count, paths drawn and a seeded layout.

Tiny graphs are built by hand; the store tests use the SII fixture (tests/fixtures/external/sii, 8
transfer records kept, read by hand in tests/test_external_sii.py) on both backends.
"""

import networkx as nx
import pytest

from graph.analysis.ego import FOLDED, EgoFilter, apply_filter, ego_network, explore_graph, fold_transfers, with_path
from graph.analysis.paths import path_graph, paths
from graph.view import legend, node_name, positions, pyvis_html, truncate
from ingest.pipeline import ingest
from tests.helpers import FIXTURES

SII = FIXTURES / "external" / "sii"


def _tiny() -> nx.MultiDiGraph:
    """Two vendor records and two export-licence records to Iran; one vendor record already has a SUPPLIED edge."""
    g = nx.MultiDiGraph()
    for n, label in [("Company:a", "Company"), ("Company:b", "Company"), ("Country:IR", "Country"),
                     ("Country:DE", "Country"), ("Transfer:t1", "Transfer"), ("Transfer:t2", "Transfer"),
                     ("Transfer:t3", "Transfer"), ("Transfer:t4", "Transfer")]:
        g.add_node(n, label=label, key=n.split(":")[1], name=n.split(":")[1])
    g.nodes["Transfer:t3"]["year"], g.nodes["Transfer:t4"]["year"] = 2014, 2011
    g.add_edge("Company:a", "Transfer:t1", key="SUPPLIER_OF", type="SUPPLIER_OF")
    g.add_edge("Transfer:t1", "Country:IR", key="TRANSFER_TO", type="TRANSFER_TO", source_urls=["https://x.org/1"])
    g.add_edge("Company:a", "Country:IR", key="SUPPLIED", type="SUPPLIED", year=2012)
    g.add_edge("Company:b", "Transfer:t2", key="SUPPLIER_OF", type="SUPPLIER_OF")
    g.add_edge("Transfer:t2", "Country:IR", key="TRANSFER_TO", type="TRANSFER_TO")
    for t in ("Transfer:t3", "Transfer:t4"):
        g.add_edge(t, "Country:DE", key="EXPORTED_FROM", type="EXPORTED_FROM", source_urls=[f"https://x.org/{t[-1]}"])
        g.add_edge(t, "Country:IR", key="TRANSFER_TO", type="TRANSFER_TO")
    return g


def test_fold_transfers_makes_one_edge_per_supplier_and_recipient():
    out = fold_transfers(_tiny())
    assert sorted(out.nodes) == ["Company:a", "Company:b", "Country:DE", "Country:IR"]
    # t1 is stood for by the SUPPLIED edge a -> IR; t2 gives b -> IR; t3 and t4 give one DE -> IR edge
    assert sorted(out.edges(keys=True)) == [("Company:a", "Country:IR", "SUPPLIED"),
                                            ("Company:b", "Country:IR", FOLDED), ("Country:DE", "Country:IR", FOLDED)]
    de = out.edges["Country:DE", "Country:IR", FOLDED]
    assert (de["transfer_ids"], de["records"], de["year"], de["source_urls"]) == (
        ["t3", "t4"], 2, 2011, ["https://x.org/3", "https://x.org/4"])
    assert out.edges["Company:b", "Country:IR", FOLDED]["year"] is None
    # a Transfer asked to stay (the centre of an ego network) is kept whole
    kept = fold_transfers(_tiny(), keep=["Transfer:t3"])
    assert "Transfer:t3" in kept and kept.edges["Country:DE", "Country:IR", FOLDED]["transfer_ids"] == ["t4"]


def test_filters_keep_labels_types_years_and_documented_attribution():
    g = nx.MultiDiGraph()
    g.add_node("Country:RW", label="Country", name="Rwanda")
    g.add_node("Incident:i1", label="Incident", name="i1", year=2010)
    g.add_node("Incident:i2", label="Incident", name="i2", year=2020)
    g.add_node("Company:c", label="Company", name="c")
    g.add_edge("Incident:i1", "Country:RW", key="PERPETRATED_BY", type="PERPETRATED_BY", attribution="documented")
    g.add_edge("Incident:i2", "Country:RW", key="PERPETRATED_BY", type="PERPETRATED_BY", attribution="suspected")
    g.add_edge("Company:c", "Country:RW", key="SUPPLIED", type="SUPPLIED", year=2015)
    g.add_edge("Company:c", "Incident:i2", key="FACILITATED", type="FACILITATED")
    assert sorted(apply_filter(g, EgoFilter(year_from=2012)).nodes) == ["Company:c", "Country:RW", "Incident:i2"]
    assert sorted(apply_filter(g, EgoFilter(year_to=2014)).edges(keys=True)) == [
        ("Incident:i1", "Country:RW", "PERPETRATED_BY")]  # SUPPLIED (2015) and i2 (2020) go
    assert sorted(apply_filter(g, EgoFilter(documented_only=True)).edges(keys=True)) == [
        ("Company:c", "Country:RW", "SUPPLIED"), ("Company:c", "Incident:i2", "FACILITATED"),
        ("Incident:i1", "Country:RW", "PERPETRATED_BY")]
    only = apply_filter(g, EgoFilter(labels=frozenset({"Country", "Company"}), rel_types=frozenset({"SUPPLIED"})))
    assert sorted(only.edges(keys=True)) == [("Company:c", "Country:RW", "SUPPLIED")]
    # the centre stays whatever the filter; a node reached only by a dropped edge goes with it
    assert sorted(apply_filter(g, EgoFilter(labels=frozenset({"Incident"})), keep=["Country:RW"]).nodes) == [
        "Country:RW", "Incident:i1", "Incident:i2"]
    assert sorted(apply_filter(g, EgoFilter(labels=frozenset({"Company"})), keep=["Incident:i1"]).nodes) == [
        "Incident:i1"]
    assert sorted(apply_filter(g, EgoFilter(rel_types=frozenset({"SUPPLIED"}))).nodes) == ["Company:c", "Country:RW"]
    # the store walk follows a Transfer's relationships when TRANSFERS is kept and folding is on
    f = EgoFilter(rel_types=frozenset({"SUPPLIED", FOLDED}), fold_transfers=True)
    assert f.walked(("SUPPLIED", "SUPPLIER_OF", "TRANSFER_TO", "EXPORTED_FROM", "OCCURRED_IN")) == (
        "SUPPLIED", "SUPPLIER_OF", "TRANSFER_TO", "EXPORTED_FROM")
    assert EgoFilter(rel_types=frozenset({"SUPPLIED"}), fold_transfers=True).walked(("SUPPLIED", "TRANSFER_TO")) == (
        "SUPPLIED",)


@pytest.fixture()
def sii_store(empty_store):
    assert ingest(empty_store, [SII]).rejected == 1  # Datong__2015 has no recipient (test_external_sii.py)
    return empty_store


def test_folded_ego_network_and_its_cap_on_the_sii_fixture(sii_store):
    # Germany: FinFisher is headquartered there (with GB); Norway's 2009 export licence came from it.
    g, e = ego_network(sii_store, "Country:DE", depth=2)
    assert sum(1 for n in g if n.startswith("Transfer:")) == 3 and e.attrs["found"] == 9
    g, e = ego_network(sii_store, "Country:DE", depth=2, filters=EgoFilter(fold_transfers=True))
    assert sorted(g.nodes) == ["Company:company-finfisher", "Country:BH", "Country:DE", "Country:GB", "Country:NO",
                               "Organization:org-ma-conseil-superieur-de-la-defense-nationale-csdn"]
    assert g.edges["Country:DE", "Country:NO", FOLDED]["transfer_ids"] == ["sii-_Norwat_2009"]
    assert (g.nodes["Country:NO"]["hop"], e.attrs["found"], e.attrs["cut_hop"], e.attrs["truncated"]) == (1, 6, None, False)
    # the cap: hop 1 has FinFisher and Norway; hop 2 Bahrain, GB and the CSDN
    g, e = ego_network(sii_store, "Country:DE", depth=2, max_nodes=3, filters=EgoFilter(fold_transfers=True))
    assert (g.number_of_nodes(), e.attrs["found"], e.attrs["cut_hop"], e.attrs["reached"]) == (3, 6, 2, 1)
    g, e = ego_network(sii_store, "Country:DE", depth=3, max_nodes=2, filters=EgoFilter(fold_transfers=True))
    assert sorted(g.nodes) == ["Company:company-finfisher", "Country:DE"]
    assert (e.attrs["found"], e.attrs["cut_hop"], e.attrs["reached"]) == (3, 1, 1)
    # a span of years drops the Transfer records outside it before folding: Norway's is from 2009
    g, e = ego_network(sii_store, "Country:DE", depth=1, filters=EgoFilter(fold_transfers=True, year_from=2010))
    assert sorted(g.nodes) == ["Company:company-finfisher", "Country:DE"]
    # expanding Bahrain (hop 2) from a depth-1 network adds nothing new; expanding FinFisher adds its clients
    g, e = ego_network(sii_store, "Country:DE", depth=1, filters=EgoFilter(fold_transfers=True),
                       expand=["Company:company-finfisher"])
    assert sorted(n for n, h in g.nodes(data="hop") if h == 2) == [
        "Country:BH", "Country:GB", "Organization:org-ma-conseil-superieur-de-la-defense-nationale-csdn"]
    assert e.attrs["found"] == 6


def test_unfolded_transfers_are_named_by_their_title(sii_store):
    # transfers.json: "Hacking Team Sales to Ethiopia" (Hacking_Team_Ethiopia_2012), to the INSA
    g, e = explore_graph(sii_store, "Organization:org-et-information-network-security-agency", depth=1)
    assert g.nodes["Transfer:sii-Hacking_Team_Ethiopia_2012"]["name"] == "Hacking Team Sales to Ethiopia"
    assert "Hacking Team Sales to Ethiopia" in set(e.from_name) | set(e.to_name)


def test_a_path_is_drawn_on_the_ego_network(sample_store):
    # GainJet to the United States, as the paths analysis explains it first
    first = paths(sample_store, "company-gainjet", "Country:US").iloc[0]
    p = path_graph(sample_store, "company-gainjet", "Country:US")
    assert sorted(p.nodes) == sorted(first.nodes) and p.number_of_edges() == first.length
    assert sorted(k for _, _, k in p.edges(keys=True)) == sorted(first.relationships)
    g, _ = ego_network(sample_store, "company-gainjet", depth=1)
    drawn = with_path(g, p)
    assert {n for n, d in drawn.nodes(data=True) if d.get("on_path")} == set(first.nodes)
    assert sum(1 for *_, d in drawn.edges(keys=True, data=True) if d.get("on_path")) == first.length
    assert drawn.nodes["Country:US"]["hop"] is None if "Country:US" not in g else True
    assert path_graph(sample_store, "company-gainjet", "Tactic:travel_restriction").number_of_nodes() == 0


def test_layout_is_seeded_and_labels_are_names():
    g = fold_transfers(_tiny())
    for n in g:
        g.nodes[n]["hop"] = 0 if n == "Country:IR" else 1
    assert positions(g) == positions(g.copy()) and len(set(positions(g).values())) == 4
    # the same graph built in another order draws the same page
    h = nx.MultiDiGraph()
    h.add_nodes_from(reversed(list(g.nodes(data=True))))
    h.add_edges_from(reversed(list(g.edges(keys=True, data=True))))
    assert pyvis_html(g) == pyvis_html(h) and positions(g) == positions(h)
    assert positions(g, seed=1) != positions(g)
    html = pyvis_html(g)
    assert 'var options = {"physics": {"enabled": false}, "layout": {"randomSeed": 12}' in html
    assert '"label": "TRANSFERS \\u00d72"' in html  # DE -> IR folds t3 and t4
    x, y = positions(g)["Country:IR"]
    assert (f'"id": "Country:IR", "label": "IR", "physics": false, "shape": "dot", "size": 25, '
            f'"title": "Country: IR", "x": {x}, "y": {y}') in html
    assert node_name({"label": "AccountabilityAction", "name": "un_naming", "year": 2019}) == "UN naming 2019"
    assert node_name({"label": "AccountabilityAction", "name": "export_control"}) == "export control"
    assert truncate("x" * 30) == "x" * 23 + "…" and truncate("Iran") == "Iran"
    nodes, rels = legend(g)
    assert nodes == [("Company", "#e7298a", 2), ("Country", "#66c2a5", 2)]
    assert rels == [("SUPPLIED", 1), (FOLDED, 2)]

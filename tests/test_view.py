"""graph.view: an ego network's NetworkX graph (kept from the analysis, not rebuilt from its table), as
self-contained pyvis HTML and as GraphML, on both backends."""

import io

import networkx as nx

from graph.analysis import run_analysis
from graph.analysis.ego import ego_network
from graph.schema import load_schema
from graph.view import LABEL_COLOURS, OTHER_COLOUR, graphml_bytes, pyvis_html, remote_urls

# companies.jsonl co-0009 and cases.jsonl ref-0032, by hand: GainJet's neighbours at depth 1.
GAINJET_HOPS = {"Company:company-gainjet": 0, "Country:GR": 1, "Country:RW": 1, "Incident:ref-0032": 1}


def _gainjet(store, depth=1) -> nx.MultiDiGraph:
    return run_analysis(store, "ego_network", {"entity": "company-gainjet", "depth": depth}).attrs["graph"]


def test_the_analysis_result_carries_the_graph_its_table_lists(sample_store):
    g, edges = ego_network(sample_store, "company-gainjet", depth=1)
    assert edges.attrs["graph"] is g
    assert sorted(zip(edges["from"], edges["type"], edges["to"])) == sorted((u, k, v) for u, v, k in g.edges(keys=True))
    for r in edges.to_dict("records"):
        d = g.edges[r["from"], r["to"], r["type"]]
        assert (d["hop"], d["sources"]) == (r["hop"], r["sources"])
    nodes = run_analysis(sample_store, "ego_network", {"entity": "company-gainjet", "depth": 1, "view": "nodes"})
    assert sorted(nodes.attrs["graph"].nodes) == sorted(nodes.node)


def test_ego_graph_has_labels_hops_and_sources(sample_store):
    g = _gainjet(sample_store)
    hops = dict(g.nodes(data="hop"))
    lawsuit = [n for n in hops if n.startswith("AccountabilityAction:")]
    assert len(lawsuit) == 1 and g.nodes[lawsuit[0]]["name"] == "lawsuit"
    assert {n: h for n, h in hops.items() if n not in lawsuit} == GAINJET_HOPS and hops[lawsuit[0]] == 1
    assert g.nodes["Country:GR"] == {"label": "Country", "key": "GR", "name": "Greece", "region": "Southern Europe",
                                     "hop": 1}
    assert sorted((u, k, v) for u, v, k in g.edges(keys=True) if not u.startswith("Accountability")) == [
        ("Company:company-gainjet", "FACILITATED", "Incident:ref-0032"),
        ("Company:company-gainjet", "HEADQUARTERED_IN", "Country:GR"),
        ("Company:company-gainjet", "SUPPLIED", "Country:RW"),
        ("Incident:ref-0032", "PERPETRATED_BY", "Country:RW")]
    assert g.edges["Company:company-gainjet", "Country:RW", "SUPPLIED"]["sources"] == [
        "http://skynewsug.com/kagame-govt-admits-kidnapping-hotel-rwanda-hero/"]
    # at depth 2 a node's hop is still its distance from the centre
    g2 = _gainjet(sample_store, depth=2)
    assert g2.nodes["Country:AE"]["hop"] == 2 and g2.nodes["Country:RW"]["hop"] == 1


def test_an_isolated_centre_is_still_a_node(sample_store):
    # the sample's seeded tactics include travel_restriction, which no incident uses
    edges = run_analysis(sample_store, "ego_network", {"entity": "Tactic:travel_restriction"})
    g = edges.attrs["graph"]
    assert edges.empty and dict(g.nodes(data=True)) == {
        "Tactic:travel_restriction": {"label": "Tactic", "key": "travel_restriction", "name": "travel_restriction",
                                      "hop": 0}}
    assert "new vis.Network" in pyvis_html(g)


def test_colours_come_from_the_schema():
    schema = load_schema()
    assert LABEL_COLOURS == {label: n.colour for label, n in schema.nodes.items()}
    assert LABEL_COLOURS["Company"] == "#e7298a" and OTHER_COLOUR == "#999999"  # graph/schema.yaml, by hand


def test_pyvis_html_is_self_contained_coloured_labelled_and_settles(sample_store):
    html = pyvis_html(_gainjet(sample_store), height=480)
    assert remote_urls(html) == []  # pyvis's template links Bootstrap from a CDN: it is removed
    assert "cdn.jsdelivr" not in html and "cdnjs" not in html
    assert "vis-network" in html and "new vis.Network" in html  # vis inlined
    assert LABEL_COLOURS["Company"] in html and LABEL_COLOURS["Country"] in html
    assert '"label": "SUPPLIED"' in html and '"label": "GainJet"' in html
    assert '"physics": {"enabled": false}' in html and 'setAttribute("data-stabilised", "true")' in html
    assert "height: 480px" in html


def test_graphml_round_trips_types_labels_and_sources(sample_store):
    g = _gainjet(sample_store)
    back = nx.read_graphml(io.BytesIO(graphml_bytes(g)), force_multigraph=True)
    assert set(back.nodes) == set(g.nodes)
    assert back.nodes["Country:RW"]["label"] == "Country" and back.nodes["Country:RW"]["hop"] == 1
    types = sorted(d["type"] for _, _, d in back.edges(data=True))
    # the lawsuit is one action concerning GainJet and ref-0032 (both files record it): two CONCERNS
    assert types == ["CONCERNS", "CONCERNS", "FACILITATED", "HEADQUARTERED_IN", "PERPETRATED_BY", "SUPPLIED"]
    supplied = [d for u, v, d in back.edges(data=True) if d["type"] == "SUPPLIED"][0]
    assert supplied["sources"] == "http://skynewsug.com/kagame-govt-admits-kidnapping-hotel-rwanda-hero/"


def test_graphml_of_names_with_control_characters_is_still_xml():
    # A name or id from data may hold an ANSI escape or a NUL, which XML 1.0 cannot hold (the lxml writer
    # refused the whole download): such characters become U+FFFD, the rest is kept.
    g = nx.MultiDiGraph()
    g.add_node("Person:p\x1b[31m", label="Person", key="p\x1b[31m", name="red\x1b[31m\x00", hop=0)
    g.add_node("Country:RU", label="Country", key="RU", name="Russia", hop=1)
    g.add_edge("Person:p\x1b[31m", "Country:RU", key="NATIONAL_OF", type="NATIONAL_OF", hop=1, sources=[])
    back = nx.read_graphml(io.BytesIO(graphml_bytes(g)))
    assert sorted(back.nodes) == ["Country:RU", "Person:p\ufffd[31m"]
    assert back.nodes["Person:p\ufffd[31m"]["name"] == "red\ufffd[31m\ufffd"

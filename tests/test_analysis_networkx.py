"""The NetworkX analyses (issue 4), on the hand-made fixture (see tests/test_analysis_queries.py for a
summary of tests/fixtures/analysis) and on the sample. Expected values worked out by hand.

The accountability core of the fixture (PERPETRATED_BY, OCCURRED_IN, ATTRIBUTED_TO, PART_OF,
FACILITATED, SUPPLIED), undirected, has 17 nodes: f-1..f-7, SA, IR, TR, GB, CA, DE, the Ministry,
Alpha, Beta, Gamma (IL and FR appear only through HEADQUARTERED_IN, which the core leaves out).
"""

import json

import networkx as nx
import pandas as pd
import pytest

from graph.analysis import ANALYSES, run_analysis
from graph.analysis.centrality import brokerage
from graph.analysis.communities import communities
from graph.analysis.complicity import complicity_scores
from graph.analysis.ego import ego_network, ego_nodes
from graph.analysis.paths import paths
from graph.analysis.projections import company_state, state_state
from graph.analysis.reach import reach
from graph.output import records
from graph.queries import QueryError
from graph.store.base import StoreError
from graph.store.embedded import EmbeddedStore
from tests.helpers import tnr


def test_ego_network_depths_and_cap(fx):
    # depth 1 from Alpha: f-2 (FACILITATED), SA (SUPPLIED), IL (HEADQUARTERED_IN); relationships among
    # them: those three plus f-2 -PERPETRATED_BY-> SA = 4.
    g, edges = ego_network(fx, "Alpha Spyware", depth=1)
    assert sorted(g.nodes) == ["Company:company-alpha", "Country:IL", "Country:SA", "Incident:f-2"]
    assert len(edges) == 4 and not edges.attrs["truncated"]
    # depth 2 adds from f-2: GB, Dissident One, spyware; from SA: f-1, f-3, f-4, Beta, act-5 (UN naming)
    # and again the person (NATIONAL_OF): 12 nodes. Relationships among the 12: the 4 above, f-2->GB,
    # f-2->person, f-2->spyware, act-5->SA, Beta->SA, f-1/f-3/f-4->SA, person->SA, f-3->person,
    # f-3->spyware, f-4->GB = 16.
    g, edges = ego_network(fx, "Company:company-alpha", depth=2)
    assert g.number_of_nodes() == 12 and len(edges) == 16
    assert set(edges[edges.type == "SUPPLIED"]["from_name"]) == {"Alpha Spyware", "Beta Systems"}
    # cap 5: the four of hop 0-1, then the first hop-2 node by name: AccountabilityAction:act-5
    g, edges = ego_network(fx, "Alpha Spyware", depth=2, max_nodes=5)
    nodes = ego_nodes(g)
    assert len(nodes) == 5 and edges.attrs["truncated"]
    assert nodes.node.iloc[-1] == "AccountabilityAction:act-5"


def test_ego_network_rejects_unknown_or_ambiguous(fx):
    with pytest.raises(StoreError, match="no node"):
        ego_network(fx, "Nobody At All")


def test_brokerage(fx):
    # Alpha touches f-2 and SA, which are adjacent: it lies on no shortest path -> betweenness 0.
    # Gamma touches only f-5 -> 0. Beta is the only 2-step link from SA to the Ministry (SA's neighbours
    # are f-1..f-4, Alpha, Beta; none touches the Ministry) -> Beta > 0, the top company.
    got = brokerage(fx).set_index("node")
    assert got.loc["Company:company-alpha", "betweenness"] == 0
    assert got.loc["Company:company-gamma", "betweenness"] == 0
    assert got.loc["Company:company-beta", "betweenness"] > 0
    assert brokerage(fx, labels="Company").node.iloc[0] == "Company:company-beta"
    assert got.loc["Company:company-beta", ["degree", "states"]].tolist() == [2, 1]  # the Ministry is no state
    assert got.loc["Organization:org-mois", ["degree", "incidents", "states"]].tolist() == [3, 1, 1]
    assert not got.approximate.any() and set(got.sample_size) == {17}
    assert set(got.betweenness_se) == {0.0}
    sampled = brokerage(fx, exact_limit=5, sample_size=5)
    assert sampled.approximate.all() and set(sampled.sample_size) == {5}


@pytest.mark.parametrize("seed", range(4))
def test_sparse_sampled_betweenness_gives_networkx_figures(seed):
    # The same pivots (NetworkX's draw for the seed) and the same rescaling: the figures of
    # networkx.betweenness_centrality(g, k, seed), on random graphs with an isolated pair and a multigraph.
    import networkx as nx

    from graph.analysis.sampled_betweenness import sampled_betweenness_centrality

    g = nx.gnm_random_graph(60, 120, seed=seed) if seed % 2 else nx.barabasi_albert_graph(80, 2, seed=seed)
    g.add_edge("iso1", "iso2")
    for k in (2, 7, 20):
        want = nx.betweenness_centrality(g, k=k, seed=seed, normalized=True)
        got = sampled_betweenness_centrality(g, k, seed, batch=3)
        assert got == pytest.approx(want, abs=1e-12, nan_ok=True)


def test_sampled_betweenness_is_the_mean_of_its_batches_with_their_standard_error():
    # A path a-b-c-d-e (exact: b lies on the shortest paths a-c, a-d, a-e: 3 / C(4, 2) = 0.5; c on 4 -> 4/6).
    # Ten pivots in five batches of two: the estimate is the mean of the five seeded two-pivot estimates
    # and the standard error their sample deviation over sqrt(5).
    import networkx as nx

    from graph.analysis.centrality import sampled_betweenness

    g = nx.path_graph("abcde")
    exact = nx.betweenness_centrality(g, normalized=True)
    mean, se = sampled_betweenness(g, 10, seed=1)
    draws = [nx.betweenness_centrality(g, k=2, seed=1 + i, normalized=True) for i in range(5)]
    for v in g:
        xs = [d[v] for d in draws]
        m = sum(xs) / 5
        assert mean[v] == pytest.approx(m)
        assert se[v] == pytest.approx((sum((x - m) ** 2 for x in xs) / 4 / 5) ** 0.5)
    assert exact["c"] == pytest.approx(4 / 6) and exact["b"] == pytest.approx(0.5)
    one_batch_mean, one_batch_se = sampled_betweenness(g, 3, seed=1)  # 3 pivots: one batch, no error known
    assert one_batch_mean == pytest.approx(nx.betweenness_centrality(g, k=3, seed=1, normalized=True))
    assert all(x != x for x in one_batch_se.values())


def test_communities_are_stable_and_split_the_two_states(fx):
    # Two halves joined only through Beta (SA-Beta-Ministry) and Türkiye (f-1-TR-f-5): SA and IR must not
    # share a community; Alpha goes with SA (both its links are SA's), Gamma and the Ministry with IR.
    a, b = communities(fx), communities(fx)
    assert records(a) == records(b)
    assert len(a) == 17 and a.node.is_unique
    comm = dict(zip(a.node, a.community))
    assert comm["Country:SA"] != comm["Country:IR"]
    assert comm["Company:company-alpha"] == comm["Country:SA"]
    assert comm["Company:company-gamma"] == comm["Organization:org-mois"] == comm["Country:IR"]
    assert 0 < a.attrs["modularity"] <= 1


def test_reach(fx):
    # SA abroad: TR (Western Asia), GB (Northern Europe), CA (Northern America); f-1..f-4, 2015-2020,
    # physical f-1 only. IR abroad: TR, DE (Western Europe); f-5, f-6 (2021, both physical); f-7 at home.
    got = records(reach(fx))
    assert got == [
        {"origin": "SA", "origin_name": "Saudi Arabia", "hosts": 3, "regions": 3, "incidents_abroad": 4,
         "physical_abroad": 1, "incidents_at_home": 0, "first_year": 2015, "last_year": 2020, "span_years": 5,
         "host_list": ["CA", "GB", "TR"], "region_list": ["Northern America", "Northern Europe", "Western Asia"]},
        {"origin": "IR", "origin_name": "Iran", "hosts": 2, "regions": 2, "incidents_abroad": 2,
         "physical_abroad": 2, "incidents_at_home": 1, "first_year": 2021, "last_year": 2021, "span_years": 0,
         "host_list": ["DE", "TR"], "region_list": ["Western Asia", "Western Europe"]},
    ]


def test_reach_on_the_sample(sample_store):
    # Rwanda (cases.jsonl): ZA x2 (2010, 2013), AE (2020), US (2021) -> 3 hosts in 3 sub-regions
    # (Southern Africa, Western Asia, Northern America), span 11 years.
    rw = records(reach(sample_store, "RW"))[0]
    assert (rw["hosts"], rw["regions"], rw["incidents_abroad"], rw["span_years"]) == (3, 3, 4, 11)


def test_paths_between_a_company_and_a_target(fx):
    # Alpha's neighbours: f-2, SA, IL. Dissident One's: f-2, f-3 (TARGETED), SA (NATIONAL_OF).
    # Length 2: via f-2 and via SA. Length 3: Alpha-f-2-SA-person, Alpha-SA-f-2-person, Alpha-SA-f-3-person.
    got = paths(fx, "Alpha Spyware", "Dissident One", cutoff=3)
    assert list(got.length) == [2, 2, 3, 3, 3]
    assert got.explanation.iloc[0] == "(Alpha Spyware)-[FACILITATED]->(f-2)-[TARGETED]->(Dissident One)"
    assert got.explanation.iloc[1] == "(Alpha Spyware)-[SUPPLIED]->(Saudi Arabia)<-[NATIONAL_OF]-(Dissident One)"
    assert got.sources.iloc[1] == ["https://example.org/alpha-sa", "https://example.org/f-2"]
    assert len(paths(fx, "Alpha Spyware", "Dissident One", cutoff=2)) == 2
    assert list(paths(fx, "Alpha Spyware", "Dissident One", max_paths=1).length) == [2]
    assert paths(fx, "Alpha Spyware", "Alpha Spyware").empty


def test_complicity_score(fx):
    # score = 3F + W + A + P; W counts a sale only inside its documented window and when its goods fit a
    # tactic of the incident (graph/data/supply_links.yaml).
    # Alpha: F = {f-2}; supply to SA 2017-2021, "X-Spy intrusion software" (intrusion: spyware, digital_attack):
    #        f-1 (2018, assassination) does not fit -> context; f-3 (2020, spyware) fits -> W = {f-3};
    #        f-4 (2015, threats) is outside the period and fits nothing -> context; A = 0; P = {}
    #        -> 3 + 1 + 0 + 0 = 4; f-3 is suspected -> 1
    # Beta:  the Ministry supply has no documented period -> f-5, f-6, f-7 are context; SA 2010-2012 is
    #        outside every SA incident -> f-1..f-4 context too: 7 context, 0 + 0 + 0 + 0 = 0
    # Gamma: F = {f-5}; W = {}; A = 0; P = {f-5} -> 3 + 0 + 0 + 1 = 4
    got = records(complicity_scores(fx))
    assert [(r["company_name"], r["score"], r["facilitated"], r["supply_linked"], r["agency_attributed"],
             r["physical"], r["suspected"], r["context"]) for r in got] == [
        ("Alpha Spyware", 4, 1, 1, 0, 0, 1, 2), ("Gamma Air", 4, 1, 0, 0, 1, 0, 0),
        ("Beta Systems", 0, 0, 0, 0, 0, 0, 7)]
    alpha, _, beta = got
    assert alpha["supply_linked_incidents"] == ["f-3"] and alpha["formula"] == "3*1 + 1 + 0 + 0 = 4"
    assert alpha["supply_evidence"] == ["Saudi Arabia: intrusion fits spyware; 2020 within 2017-2021: f-3"]
    assert alpha["context_reasons"] == [
        "Saudi Arabia: intrusion fits none of assassination: f-1",
        "Saudi Arabia: outside the window 2017-2021; intrusion fits none of threats: f-4"]
    assert beta["context_reasons"] == [
        "Ministry of Intelligence: no documented supply period; interception and monitoring fits none of abduction, "
        "assassination, detention, family_intimidation, rendition: f-5, f-6, f-7",
        "Saudi Arabia: outside the window 2010-2012; interception and monitoring fits none of assassination, "
        "family_intimidation, spyware, threats: f-1, f-2, f-3, f-4"]
    assert beta["actions_concerning"] == 1  # act-4, shown but not scored
    assert alpha["sources"] == ["https://example.org/alpha-sa", "https://example.org/f-2", "https://example.org/f-3"]
    # Documented attribution only: f-3 (suspected) leaves Alpha's W.
    documented = records(complicity_scores(fx, attribution="documented"))
    assert [(r["company_name"], r["score"], r["suspected"]) for r in documented] == [
        ("Gamma Air", 4, 0), ("Alpha Spyware", 3, 0), ("Beta Systems", 0, 0)]


def test_distinct_incidents_across_links_and_states():
    # Link A (SA): groups {a, b} and {c}; link B (AE): {c, d}, c being perpetrated by both states;
    # link C (SA, an agency): {b, e}. Leaving out b: A and B reach a, c, d -> 3; with C too: a, c, d, e -> 4.
    from graph.analysis.complicity import Group, Judged, _distinct

    a, b, c = ({"state": "SA"}, {"state": "AE"}, {"state": "SA"})
    js = [Judged(a, "context", "x", Group([{"incident": "a"}, {"incident": "b"}])),
          Judged(a, "context", "y", Group([{"incident": "c"}])),
          Judged(b, "context", "x", Group([{"incident": "c"}, {"incident": "d"}]))]
    assert _distinct(js, {"b"}, frozenset({"c"})) == 3
    assert _distinct(js + [Judged(c, "context", "x", Group([{"incident": "b"}, {"incident": "e"}]))],
                     {"b"}, frozenset({"c"})) == 4
    assert _distinct(js, set(), frozenset({"c"})) == 4


def test_complicity_score_counts_distinct_incidents_across_links(fx):
    # Beta reaches SA's four incidents through one link and IR's three through another: 7 distinct
    # context incidents; an incident evidence under one link is not context under another (Alpha's f-2 is
    # evidence by the window and in F, so it is neither W nor context).
    alpha = complicity_scores(fx).set_index("company_name").loc["Alpha Spyware"]
    assert "f-2" not in " ".join(alpha.context_reasons) and alpha.supply_linked_incidents == ["f-3"]


def test_complicity_score_on_the_sample(sample_store):
    # The reference companies.jsonl gives no supply period for any client, so no sale is evidence for an
    # incident: every supply link is context (it was 6 incidents for NSO and 3 for GainJet before the rule).
    # NSO Group: F = ref-0013, -0016, -0034, -0035 (4); W = 0; P = ref-0013 (assault) -> 12 + 0 + 0 + 1 = 13.
    # GainJet: F = ref-0032 (physical) -> 3 + 0 + 0 + 1 = 4.
    got = complicity_scores(sample_store).set_index("company_name")
    assert got.loc["NSO Group", "score"] == 13 and got.index[0] == "NSO Group"
    assert got.loc["GainJet", "score"] == 4
    assert got.loc["NSO Group", "context"] == 6 and got.loc["GainJet", "context"] == 3
    # RW's ref-0002, ref-0004 (assassinations) and ref-0032 (abduction, detention, rendition) fail the rule
    # for the same reasons but their tactics: one line, naming the tactics; ref-0035 is in F
    assert got.loc["NSO Group", "context_reasons"][0] == ("Rwanda: no documented supply period; intrusion fits "
                                                         "none of abduction, assassination, detention, rendition: "
                                                         "ref-0002, ref-0004, ref-0032")


def test_complicity_links_say_what_the_score_counts(sample_store):
    # The same sample: NSO's four incidents are `facilitated`; every supply link (no supply period in the
    # reference companies file) is `context`, with the reason the score lists for ref-0002.
    links = run_analysis(sample_store, "complicity_links", {"state": ""})
    nso = links[links.company == "company-nso-group"]
    assert sorted(nso[nso.counts_as == "facilitated"].incident) == ["ref-0013", "ref-0016", "ref-0034", "ref-0035"]
    assert set(nso.counts_as) == {"facilitated", "context"}
    # one row per link and verdict: RW's ref-0002, ref-0004 and ref-0032 get the same verdict
    row = nso[nso.incident_ids.map(lambda ids: "ref-0002" in ids)].iloc[0]
    assert row.why == "no documented supply period; intrusion fits none of abduction, assassination, detention, rendition"
    assert (row.counts_as, row.incidents, row.incident_ids, row.supplied_to) == (
        "context", 3, ["ref-0002", "ref-0004", "ref-0032"], "Rwanda")
    assert pd.isna(row.incident)  # a row of two incidents names none
    assert list(links.columns[links.columns.get_loc("link"):][:3]) == ["link", "counts_as", "why"]


def test_projections(fx):
    # Alpha-SA: facilitated f-2 and supplied (2 links); Beta-IR via the Ministry; Beta-SA supplied (the
    # projection ignores the supply window); Gamma-IR facilitated f-5.
    cs = company_state(fx)
    assert list(zip(cs.company_name, cs.state, cs.weight)) == [
        ("Alpha Spyware", "SA", 2), ("Beta Systems", "IR", 1), ("Beta Systems", "SA", 1), ("Gamma Air", "IR", 1)]
    # SA and IR share the host TR (f-1, f-5) and the supplier Beta.
    assert records(state_state(fx, "hosts")) == [{"state_a": "IR", "state_b": "SA", "shared": 1, "shared_with": ["TR"]}]
    assert records(state_state(fx, "suppliers")) == [
        {"state_a": "IR", "state_b": "SA", "shared": 1, "shared_with": ["Beta Systems"]}]


def test_registry_checks_parameters(fx):
    assert {"ego_network", "brokerage", "company_state", "state_projection", "communities", "reach", "paths",
            "complicity_score", "complicity_links"} == set(ANALYSES)
    with pytest.raises(QueryError, match="required"):
        run_analysis(fx, "paths", {"source": "Alpha Spyware"})
    with pytest.raises(QueryError, match="unknown parameter"):
        run_analysis(fx, "reach", {"host": "TR"})
    with pytest.raises(QueryError, match="expected int"):
        run_analysis(fx, "ego_network", {"entity": "SA", "depth": "two"})
    assert list(run_analysis(fx, "reach", {"origin": "IR"}).hosts) == [2]


def test_cli_analyze(fx_db):
    res = tnr("analyze", "--list", "-f", "json")
    assert res.returncode == 0, res.stderr
    assert [r["name"] for r in json.loads(res.stdout)] == list(ANALYSES)
    res = tnr("analyze", "complicity_score", "-f", "json", "--db", str(fx_db))
    assert res.returncode == 0, res.stderr
    assert [(r["company_name"], r["score"]) for r in json.loads(res.stdout)] == [
        ("Alpha Spyware", 4), ("Gamma Air", 4), ("Beta Systems", 0)]
    res = tnr("analyze", "ego_network", "-p", "entity=Gamma Air", "-p", "depth=1", "-p", "view=nodes", "-f", "csv",
              "--db", str(fx_db))
    assert res.returncode == 0, res.stderr
    assert res.stdout.splitlines()[0] == "node,label,name,hop,degree" and len(res.stdout.splitlines()) == 4
    res = tnr("analyze", "paths", "-p", "source=Alpha Spyware", "--db", str(fx_db))
    assert res.returncode == 2 and "required" in res.stderr
    res = tnr("queries", "-f", "json")
    listed = {r["name"]: r["command"] for r in json.loads(res.stdout)}
    assert listed["complicity_score"] == "analyze" and listed["corporate_complicity"] == "query"


NX_CASES = [("brokerage", {}), ("company_state", {}), ("state_projection", {"via": "hosts"}),
            ("state_projection", {"via": "suppliers"}), ("communities", {}), ("reach", {}),
            ("paths", {"source": "NSO Group", "target": "Carine Kanimba"}), ("complicity_score", {}),
            ("ego_network", {"entity": "RW", "depth": 2, "max_nodes": 40}),
            ("ego_network", {"entity": "GainJet", "view": "nodes"})]


@pytest.mark.neo4j
@pytest.mark.parametrize("name,params", NX_CASES, ids=lambda v: v if isinstance(v, str) else repr(v))
def test_analyses_answer_the_same_on_both_backends(neo4j_server, sample_db, name, params):
    from tests.helpers import ensure_neo4j_sample, neo4j_store

    ensure_neo4j_sample(neo4j_server)
    with EmbeddedStore(sample_db) as e, neo4j_store(neo4j_server) as n:
        a, b = run_analysis(e, name, params), run_analysis(n, name, params)
    assert not a.empty
    assert records(a) == records(b)


def test_a_subgraph_cut_from_the_cached_core_is_the_subgraph_a_pull_gives(fx):
    # load_graph serves parts of the accountability core from one pull of the core: node and edge order,
    # attributes and all must be what a pull of just those types gives.
    from graph.analysis.subgraph import _PULLED, _pull, load_graph

    _PULLED.clear()
    for rels in (("PERPETRATED_BY", "OCCURRED_IN"), ("SUPPLIED", "PART_OF", "FACILITATED", "PERPETRATED_BY")):
        cut, pulled = load_graph(fx, rels), _pull(fx, tuple(sorted(rels)))
        assert list(cut.nodes(data=True)) == list(pulled.nodes(data=True))
        assert list(cut.edges(keys=True, data=True)) == list(pulled.edges(keys=True, data=True))
        assert cut.number_of_edges() > 0 and nx.is_frozen(cut)


def test_paths_search_the_pulled_graph_made_of_keys(fx):
    # paths searches load_structure: it must be simple_undirected(load_graph(...)) node for node and neighbour
    # for neighbour in the same order (NetworkX's search follows it), each step naming the relationship
    # explain() named on the full graph (first by type, then by start node).
    from graph.analysis.subgraph import factual_rels, load_graph, load_structure, simple_undirected

    rels = factual_rels(fx)
    s, full = load_structure(fx, rels), simple_undirected(load_graph(fx, rels))
    assert [(n, list(s[n])) for n in s] == [(n, list(full[n])) for n in full]
    for u, v, d in full.edges(data=True):
        first = sorted(d["rels"], key=lambda r: r["type"])[0]
        assert s[u][v]["rel"] == (first["type"], first["from"], first["to"])
    # TR: act-1 TAKEN_BY it, it RESPONDED_TO f-1 and f-5, which OCCURRED_IN it; OCCURRED_IN < RESPONDED_TO
    assert list(s["Country:TR"]) == ["AccountabilityAction:act-1", "Incident:f-1", "Incident:f-5"]
    assert s["Country:TR"]["Incident:f-1"]["rel"] == ("OCCURRED_IN", "Incident:f-1", "Country:TR")
    assert s.nodes["Country:TR"] == {} and nx.is_frozen(s)

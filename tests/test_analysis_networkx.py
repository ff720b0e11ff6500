"""The NetworkX analyses (issue 4), on the hand-made fixture (see tests/test_analysis_queries.py for a
summary of tests/fixtures/analysis) and on the sample. Expected values worked out by hand.

The accountability core of the fixture (PERPETRATED_BY, OCCURRED_IN, ATTRIBUTED_TO, PART_OF,
FACILITATED, SUPPLIED), undirected, has 17 nodes: f-1..f-7, SA, IR, TR, GB, CA, DE, the Ministry,
Alpha, Beta, Gamma (IL and FR appear only through HEADQUARTERED_IN, which the core leaves out).
"""

import json

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
    sampled = brokerage(fx, exact_limit=5, sample_size=5)
    assert sampled.approximate.all() and set(sampled.sample_size) == {5}


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
    #        f-4 (2015) is outside the period; A = 0; P = {} -> 3 + 1 + 0 + 0 = 4; f-3 is suspected -> 1
    # Beta:  the Ministry supply has no documented period -> f-5, f-6, f-7 are context; SA 2010-2012 is
    #        outside every SA incident -> 0 + 0 + 0 + 0 = 0
    # Gamma: F = {f-5}; W = {}; A = 0; P = {f-5} -> 3 + 0 + 0 + 1 = 4
    got = records(complicity_scores(fx))
    assert [(r["company_name"], r["score"], r["facilitated"], r["supply_linked"], r["agency_attributed"],
             r["physical"], r["suspected"]) for r in got] == [
        ("Alpha Spyware", 4, 1, 1, 0, 0, 1), ("Gamma Air", 4, 1, 0, 0, 1, 0), ("Beta Systems", 0, 0, 0, 0, 0, 0)]
    alpha, _, beta = got
    assert alpha["supply_linked_incidents"] == ["f-3"] and alpha["formula"] == "3*1 + 1 + 0 + 0 = 4"
    assert alpha["supply_evidence"] == ["f-3: intrusion fits spyware; 2020 within 2017-2021"]
    assert alpha["context_incidents"] == ["f-1: intrusion fits none of assassination"]
    assert [c.split(":")[0] for c in beta["context_incidents"]] == ["f-5", "f-6", "f-7"]
    assert beta["context_incidents"][0].startswith("f-5: no documented supply period; interception and monitoring")
    assert beta["actions_concerning"] == 1  # act-4, shown but not scored
    assert "https://example.org/alpha-sa" in alpha["sources"]
    # Documented attribution only: f-3 (suspected) leaves Alpha's W.
    documented = records(complicity_scores(fx, attribution="documented"))
    assert [(r["company_name"], r["score"], r["suspected"]) for r in documented] == [
        ("Gamma Air", 4, 0), ("Alpha Spyware", 3, 0), ("Beta Systems", 0, 0)]


def test_complicity_score_on_the_sample(sample_store):
    # The reference companies.jsonl gives no supply period for any client, so no sale is evidence for an
    # incident: every supply link is context (it was 6 incidents for NSO and 3 for GainJet before the rule).
    # NSO Group: F = ref-0013, -0016, -0034, -0035 (4); W = 0; P = ref-0013 (assault) -> 12 + 0 + 0 + 1 = 13.
    # GainJet: F = ref-0032 (physical) -> 3 + 0 + 0 + 1 = 4.
    got = complicity_scores(sample_store).set_index("company_name")
    assert got.loc["NSO Group", "score"] == 13 and got.index[0] == "NSO Group"
    assert got.loc["GainJet", "score"] == 4
    assert got.loc["NSO Group", "context_incidents"][0] == (
        "ref-0002: no documented supply period; intrusion fits none of assassination")


def test_complicity_links_say_what_the_score_counts(sample_store):
    # The same sample: NSO's four incidents are `facilitated`; every supply link (no supply period in the
    # reference companies file) is `context`, with the reason the score lists for ref-0002.
    links = run_analysis(sample_store, "complicity_links", {"state": ""})
    nso = links[links.company == "company-nso-group"]
    assert sorted(nso[nso.counts_as == "facilitated"].incident) == ["ref-0013", "ref-0016", "ref-0034", "ref-0035"]
    assert set(nso.counts_as) == {"facilitated", "context"}
    row = nso[(nso.incident == "ref-0002") & (nso.counts_as == "context")].iloc[0]
    assert row.why == "no documented supply period; intrusion fits none of assassination"
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

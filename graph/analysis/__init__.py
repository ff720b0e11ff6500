"""NetworkX analyses of the graph, each pulling its subgraph from the store once with portable Cypher.

One algorithm family per module:

- :mod:`~graph.analysis.subgraph` — pulling subgraphs from any store into NetworkX
- :mod:`~graph.analysis.ego` — ego networks with a node cap
- :mod:`~graph.analysis.centrality` — degree and betweenness (brokerage)
- :mod:`~graph.analysis.projections` — bipartite projections company–state and state–state
- :mod:`~graph.analysis.communities` — Louvain communities with a fixed seed
- :mod:`~graph.analysis.reach` — reach of origin states (hosts, regions, span)
- :mod:`~graph.analysis.paths` — shortest and simple paths as explanations with sources
- :mod:`~graph.analysis.complicity` — the complicity score of companies

:data:`ANALYSES` is the registry behind ``tnr analyze``; :func:`run_analysis` runs one by name with
parameters checked and typed like the Cypher queries' (see :mod:`graph.queries`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from graph.analysis.complicity import LINK_COLUMNS, LISTED, TERMS, formula
from graph.queries import Param, QueryError, bind_params, get_query
from graph.store.base import Store


@dataclass(frozen=True)
class Analysis:
    name: str
    description: str
    run: Callable[..., pd.DataFrame]
    parameters: dict[str, Param]
    # column -> node label of the result columns that hold node keys ("node": a ``Label:key`` node name),
    # as a query header's ``nodes:`` (the app links them to entity pages)
    nodes: dict[str, str] = field(default_factory=dict)
    # column -> meaning of every column the analysis can return (a query header's ``columns:``), in order;
    # the Analyses page, ``tnr analyze --help`` and docs/analyses.md show them, tests/test_docs.py checks
    # that every analysis returns only columns declared here
    columns: dict[str, str] = field(default_factory=dict)

    def __post_init__(self):
        undeclared = set(self.nodes) - set(self.columns)
        if undeclared:
            raise ValueError(f"analysis {self.name}: nodes names columns it does not declare: {sorted(undeclared)}")


def _p(name: str, ptype: str, default: Any = None, description: str = "", required: bool = False,
       choices: tuple[Any, ...] = (), picks: tuple[str, ...] = ()) -> Param:
    return Param(name, ptype, default, description, required, choices, picks)


def _ego(store: Store, entity: str, depth: int, max_nodes: int, include_sources: bool, view: str) -> pd.DataFrame:
    from graph.analysis.ego import ego_network, ego_nodes

    g, edges = ego_network(store, entity, depth, max_nodes, include_sources)
    if view == "nodes":
        df = ego_nodes(g)
        df.attrs.update(edges.attrs)
        return df
    if view != "edges":
        raise QueryError(f"ego_network: view must be edges or nodes, not {view!r}")
    return edges


def _brokerage(store: Store, **kw) -> pd.DataFrame:
    from graph.analysis.centrality import brokerage

    return brokerage(store, **kw)


def _company_state(store: Store) -> pd.DataFrame:
    from graph.analysis.projections import company_state

    return company_state(store)


def _state_state(store: Store, via: str) -> pd.DataFrame:
    from graph.analysis.projections import state_state

    if via not in ("hosts", "suppliers"):
        raise QueryError(f"state_projection: via must be hosts or suppliers, not {via!r}")
    return state_state(store, via)


def _communities(store: Store, **kw) -> pd.DataFrame:
    from graph.analysis.communities import communities

    return communities(store, **kw)


def _reach(store: Store, origin: str) -> pd.DataFrame:
    from graph.analysis.reach import reach

    return reach(store, origin)


def _paths(store: Store, **kw) -> pd.DataFrame:
    from graph.analysis.paths import paths

    return paths(store, **kw)


def _complicity(store: Store, state: str, attribution: str) -> pd.DataFrame:
    from graph.analysis.complicity import complicity_scores

    return complicity_scores(store, state, attribution)


def _complicity_links(store: Store, state: str, attribution: str) -> pd.DataFrame:
    from graph.analysis.complicity import complicity_links

    return complicity_links(store, state, attribution)


# The columns of each analysis's result and what they mean (one place: the page, --help and docs show these).
_NODE = {"node": "the node, as Label:key (Company:company-nso-group, Country:RW)", "label": "its label (node type)",
         "name": "its name"}
_EGO_COLUMNS = {
    "from": "view=edges: the relationship's start node (Label:key)", "from_name": "view=edges: its name",
    "type": "view=edges: the relationship type", "to": "view=edges: the relationship's end node (Label:key)",
    "to_name": "view=edges: its name",
    **{k: f"view=nodes: {v}" for k, v in _NODE.items()},
    "hop": "relationships from the entity to the node (edges: to the farther end)",
    "degree": "view=nodes: relationships of the node inside the ego network",
    "sources": "view=edges: the web pages the relationship cites"}
_BROKERAGE_COLUMNS = {
    **_NODE, "degree": "its neighbours in the accountability core", "incidents": "of these, incidents",
    "states": "of these, states (Country)", "betweenness": "betweenness centrality (normalised; sampled when "
    "approximate): how often it lies on shortest paths between other nodes",
    "betweenness_se": "standard error of a sampled betweenness across its 5 batches (0 when exact)",
    "approximate": "true when betweenness was sampled (graph above exact_limit nodes)",
    "sample_size": "pivots used (every node when exact)"}
_COMPANY_STATE_COLUMNS = {
    "company": "the company (Company:key)", "company_name": "its name", "state": "ISO2 of the state",
    "state_name": "its name", "weight": "distinct links between them (supplies and facilitated incidents)",
    "via": "each link: supplied (the state or a named agency), detected [in_country_detection], or facilitated "
           "and the incident"}
_STATE_STATE_COLUMNS = {
    "state_a": "ISO2 of one origin state", "state_b": "ISO2 of the other",
    "shared": "host states (via=hosts) or suppliers (via=suppliers) both have",
    "shared_with": "those hosts (ISO2) or suppliers (names)"}
_COMMUNITY_COLUMNS = {
    "community": "Louvain community number (0 is the largest)", "size": "nodes in that community", **_NODE,
    "degree": "its neighbours in the accountability core"}
_REACH_COLUMNS = {
    "origin": "ISO2 of the origin (perpetrator) state", "origin_name": "its name",
    "hosts": "host states other than itself where its incidents happened",
    "regions": "UN sub-regions of those hosts", "incidents_abroad": "its incidents in another state",
    "physical_abroad": "of these, incidents with a physical tactic (Freedom House's count)",
    "incidents_at_home": "its incidents on its own soil (not reach)",
    "first_year": "year of its earliest dated incident abroad", "last_year": "year of its latest dated incident abroad",
    "span_years": "last_year - first_year (0 for a single year)", "host_list": "the host states (ISO2)",
    "region_list": "their UN sub-regions"}
_PATH_COLUMNS = {
    "rank": "1 for the shortest; ties in length ordered by explanation", "length": "relationships on the path",
    "explanation": "the path, each relationship in its real direction: (NSO Group)-[FACILITATED]->(ref-0035)",
    "relationships": "the relationship types in order", "nodes": "the nodes in order (Label:key)",
    "sources": "the web pages cited by the relationships on the path"}
_SCORE_COLUMNS = {
    "company": "company id", "company_name": "company name",
    "score": f"complicity score, {formula()} (docs/analyses.md)",
    **{col: f"{sym}: {what}" for col, (sym, what) in TERMS.items()},
    "suspected": "incidents in F or W attributed to the state on suspicion only",
    "attribution": "the attribution parameter the score was computed with (any or documented)",
    "context": "supply-linked incidents the rule keeps as context, not scored (context_reasons says why)",
    "detection_only": "incidents linked only by an in-country detection of the vendor's device, not scored",
    "states": "the perpetrator states of the linked incidents", "roles": "its roles in the facilitated incidents",
    "facilitated_incidents": "the incidents behind F", "supply_linked_incidents": "the incidents behind W",
    "supply_evidence": "for each supply link and reason, the incidents of W it counts",
    "context_reasons": "for each link and reason of the rule, the incidents it keeps as context",
    "actions_concerning": "accountability actions concerning the company (not scored)",
    "sources": "every web source behind its links", "formula": "the formula with this company's numbers"}
# complicity_links: corporate_complicity's columns with that query's meanings, and the verdict's
_LINK_COLUMNS = {c: get_query("corporate_complicity").columns.get(c, "") for c in LINK_COLUMNS}
_LINK_COLUMNS.update({
    "counts_as": "what the link counts as in the score: facilitated (F), evidence (W), context or detection_only "
                 "(not scored)",
    "why": "why: the role in the incident, or the time-and-tactic rule's verdict",
    "incidents": "the incidents it counts so", "incident": "the incident, when it is one (always, for a facilitated link)",
    "incident_ids": f"their ids (the first {LISTED})",
    "agency_attributed": "of those, incidents also attributed to the agency supplied (A)"})

_COMPLICITY_PARAMS = {
    "state": _p("state", "string", "", "ISO2 of one origin state ('' for all)", picks=("Country",)),
    "attribution": _p("attribution", "string", "any", "documented: only incidents attributed to the state on "
                      "documented evidence; any: suspected ones too (they weigh the same)",
                      choices=("any", "documented"))}

ANALYSES: dict[str, Analysis] = {a.name: a for a in [
    Analysis("ego_network", "Everything within depth hops of one entity (edges with sources, or nodes), capped at "
             "max_nodes; the cut is reproducible and reported.", _ego, {
                 "entity": _p("entity", "string", None, "Label:key, or a key or exact name (RW, NSO Group, ref-0032)", True),
                 "depth": _p("depth", "int", 2, "hops to follow"),
                 "max_nodes": _p("max_nodes", "int", 100, "node cap"),
                 "include_sources": _p("include_sources", "bool", False, "also follow provenance to Source nodes"),
                 "view": _p("view", "string", "edges", "edges or nodes")}, {"from": "node", "to": "node", "node": "node"},
             _EGO_COLUMNS),
    Analysis("brokerage", "Degree and betweenness of companies and agencies in the accountability core (exact up to "
             "exact_limit nodes, sampled above it; the result says which).", _brokerage, {
                 "labels": _p("labels", "string", "Company,Organization", "labels to return, comma-separated ('' for all)"),
                 "exact_limit": _p("exact_limit", "int", 2000, "largest graph for exact betweenness"),
                 "sample_size": _p("sample_size", "int", 100, "pivots for sampled betweenness (in 5 batches: "
                                  "betweenness_se is their standard error)"),
                 "seed": _p("seed", "int", 42, "seed for sampled betweenness")}, {"node": "node"}, _BROKERAGE_COLUMNS),
    Analysis("company_state", "Bipartite company–state links (supplied the state or its agency, or facilitated its "
             "incidents), weighted by the number of distinct links.", _company_state, {},
             {"company": "node", "state": "Country"}, _COMPANY_STATE_COLUMNS),
    Analysis("state_projection", "Origin states linked by shared host states or shared suppliers (bipartite "
             "projection).", _state_state, {
                 "via": _p("via", "string", "hosts", "hosts or suppliers")}, {"state_a": "Country", "state_b": "Country"},
             _STATE_STATE_COLUMNS),
    Analysis("communities", "Louvain communities of states, agencies, companies and incidents (fixed seed).", _communities, {
        "seed": _p("seed", "int", 42, "Louvain seed"),
        "resolution": _p("resolution", "float", 1.0, "Louvain resolution"),
        "labels": _p("labels", "string", "", "labels to return, comma-separated ('' for all)")}, {"node": "node"},
        _COMMUNITY_COLUMNS),
    Analysis("reach", "Reach of each origin state: host states, regions, incidents abroad and at home, span of years.",
             _reach, {"origin": _p("origin", "string", "", "ISO2 of one origin state ('' for all)", picks=("Country",))},
             {"origin": "Country"}, _REACH_COLUMNS),
    Analysis("paths", "Shortest and further simple paths between two entities (bounded), as explanations with "
             "sources.", _paths, {
                 "source": _p("source", "string", None, "Label:key, or a key or exact name", True),
                 "target": _p("target", "string", None, "Label:key, or a key or exact name", True),
                 "cutoff": _p("cutoff", "int", 4, "longest path, in relationships"),
                 "max_paths": _p("max_paths", "int", 10, "most paths to return")}, {}, _PATH_COLUMNS),
    Analysis("complicity_score", "Complicity score of companies, 3*F + W + A + P (see docs/analyses.md), next to the "
             "facts and sources behind it; supply counts only under the time-and-tactic rule.", _complicity,
             _COMPLICITY_PARAMS, {"company": "Company"}, _SCORE_COLUMNS),
    Analysis("complicity_links", "Every company-incident link of corporate_complicity with what it counts as in the "
             "complicity score (facilitated, evidence, context, detection_only) and why.", _complicity_links,
             _COMPLICITY_PARAMS, {"company": "Company", "incident": "Incident", "state": "Country"}, _LINK_COLUMNS),
]}


def columns_markdown() -> str:
    """The column meanings of every analysis as Markdown: the generated section of docs/analyses.md
    (``make docs`` writes it; tests/test_docs.py checks it is current)."""
    out = []
    for a in ANALYSES.values():
        out += [f"#### `{a.name}`", "", "| column | meaning |", "|---|---|"]
        out += [f"| `{c}` | {m} |" for c, m in a.columns.items()] + [""]
    return "\n".join(out)


COLUMNS_BEGIN = "<!-- analysis columns: generated by `make docs` from graph/analysis/__init__.py -->"
COLUMNS_END = "<!-- end of analysis columns -->"


def with_columns_section(doc: str) -> str:
    """``doc`` (docs/analyses.md) with its generated section of column meanings made current."""
    before, rest = doc.split(COLUMNS_BEGIN, 1)
    _, after = rest.split(COLUMNS_END, 1)
    return f"{before}{COLUMNS_BEGIN}\n\n{columns_markdown()}\n{COLUMNS_END}{after}"


def columns_help() -> str:
    """The columns of every analysis, one paragraph each (``tnr analyze --help``)."""
    return "\n\n".join(f"{a.name}: {', '.join(a.columns)}." for a in ANALYSES.values())


def get_analysis(name: str) -> Analysis:
    if name not in ANALYSES:
        raise QueryError(f"no analysis named {name!r}; `tnr analyze --list` lists them: {', '.join(ANALYSES)}")
    return ANALYSES[name]


def bind_analysis(analysis: Analysis, given: dict[str, Any]) -> dict[str, Any]:
    """Typed parameter values, defaults filled in; unknown or missing required parameters raise QueryError."""
    return bind_params(analysis.name, analysis.parameters, given)


def run_analysis(store: Store, name: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
    """Run a registered analysis by name on any store."""
    analysis = get_analysis(name)
    return analysis.run(store, **bind_analysis(analysis, params or {}))

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

from graph.queries import Param, QueryError, bind_params
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
                 "view": _p("view", "string", "edges", "edges or nodes")}, {"from": "node", "to": "node", "node": "node"}),
    Analysis("brokerage", "Degree and betweenness of companies and agencies in the accountability core (exact up to "
             "exact_limit nodes, sampled above it; the result says which).", _brokerage, {
                 "labels": _p("labels", "string", "Company,Organization", "labels to return, comma-separated ('' for all)"),
                 "exact_limit": _p("exact_limit", "int", 2000, "largest graph for exact betweenness"),
                 "sample_size": _p("sample_size", "int", 100, "pivots for sampled betweenness (in 5 batches: "
                                  "betweenness_se is their standard error)"),
                 "seed": _p("seed", "int", 42, "seed for sampled betweenness")}, {"node": "node"}),
    Analysis("company_state", "Bipartite company–state links (supplied the state or its agency, or facilitated its "
             "incidents), weighted by the number of distinct links.", _company_state, {},
             {"company": "Company", "state": "Country"}),
    Analysis("state_projection", "Origin states linked by shared host states or shared suppliers (bipartite "
             "projection).", _state_state, {
                 "via": _p("via", "string", "hosts", "hosts or suppliers")}, {"state_a": "Country", "state_b": "Country"}),
    Analysis("communities", "Louvain communities of states, agencies, companies and incidents (fixed seed).", _communities, {
        "seed": _p("seed", "int", 42, "Louvain seed"),
        "resolution": _p("resolution", "float", 1.0, "Louvain resolution"),
        "labels": _p("labels", "string", "", "labels to return, comma-separated ('' for all)")}, {"node": "node"}),
    Analysis("reach", "Reach of each origin state: host states, regions, incidents abroad and at home, span of years.",
             _reach, {"origin": _p("origin", "string", "", "ISO2 of one origin state ('' for all)", picks=("Country",))},
             {"origin": "Country"}),
    Analysis("paths", "Shortest and further simple paths between two entities (bounded), as explanations with "
             "sources.", _paths, {
                 "source": _p("source", "string", None, "Label:key, or a key or exact name", True),
                 "target": _p("target", "string", None, "Label:key, or a key or exact name", True),
                 "cutoff": _p("cutoff", "int", 4, "longest path, in relationships"),
                 "max_paths": _p("max_paths", "int", 10, "most paths to return")}),
    Analysis("complicity_score", "Complicity score of companies, 3*F + W + A + P (see docs/analyses.md), next to the "
             "facts and sources behind it; supply counts only under the time-and-tactic rule.", _complicity,
             _COMPLICITY_PARAMS, {"company": "Company"}),
    Analysis("complicity_links", "Every company-incident link of corporate_complicity with what it counts as in the "
             "complicity score (facilitated, evidence, context, detection_only) and why.", _complicity_links,
             _COMPLICITY_PARAMS, {"company": "Company", "incident": "Incident", "state": "Country"}),
]}


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

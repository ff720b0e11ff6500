"""Bipartite projections: company–state links, and state–state links through shared hosts or suppliers.

A company is linked to a state when it supplied the state or one of its agencies (SUPPLIED, directly
or to an Organization PART_OF the state) or facilitated an incident the state perpetrated. Two origin
states are linked when they reached the same host state, or bought from the same company.
"""

from __future__ import annotations

import networkx as nx
import pandas as pd
from networkx.algorithms import bipartite

from graph.analysis.subgraph import load_graph
from graph.store.base import Store


def company_state_graph(store: Store) -> nx.Graph:
    """The bipartite company–state graph; edge attribute ``via`` lists how each link is made."""
    g = load_graph(store, ("SUPPLIED", "PART_OF", "FACILITATED", "PERPETRATED_BY"))
    b = nx.Graph()
    for u, v, k, d in sorted(g.edges(keys=True, data=True), key=lambda e: e[:3]):
        if k == "SUPPLIED":
            states = [v] if g.nodes[v]["label"] == "Country" else [
                w for _, w, kk in g.out_edges(v, keys=True) if kk == "PART_OF"]
            # Detections are not sales: the link says what it rests on (basis_kind).
            verb = "detected" if d.get("basis_kind") == "in_country_detection" else "supplied"
            basis = f" [{d['basis_kind']}]" if d.get("basis_kind") else ""
            for s in states:
                _link(b, g, u, s, (verb if s == v else f"{verb} {g.nodes[v]['name']}") + basis)
        elif k == "FACILITATED":
            for _, s, kk in g.out_edges(v, keys=True):
                if kk == "PERPETRATED_BY":
                    _link(b, g, u, s, f"facilitated {g.nodes[v]['key']}")
    return b


def _link(b: nx.Graph, g: nx.MultiDiGraph, company: str, state: str, via: str) -> None:
    for n, part in ((company, 0), (state, 1)):
        if n not in b:
            b.add_node(n, bipartite=part, **g.nodes[n])
    if b.has_edge(company, state):
        if via not in b[company][state]["via"]:
            b[company][state]["via"].append(via)
    else:
        b.add_edge(company, state, via=[via])


def company_state(store: Store) -> pd.DataFrame:
    """Company–state links: company, state, weight (number of distinct supplies and incidents), via.

    Returns
    -------
    pandas.DataFrame
        company, company_name, state, state_name, weight, via; heaviest first.
    """
    b = company_state_graph(store)
    rows = [{"company": c, "company_name": b.nodes[c]["name"], "state": b.nodes[s]["key"], "state_name": b.nodes[s]["name"],
             "weight": len(d["via"]), "via": sorted(d["via"])}
            for c, s, d in ((u, v, d) if b.nodes[u]["bipartite"] == 0 else (v, u, d) for u, v, d in b.edges(data=True))]
    df = pd.DataFrame(rows, columns=["company", "company_name", "state", "state_name", "weight", "via"])
    return df.sort_values(["weight", "company", "state"], ascending=[False, True, True], kind="stable").reset_index(drop=True)


def state_state(store: Store, via: str = "hosts") -> pd.DataFrame:
    """Origin states linked by shared host states (``via="hosts"``) or shared suppliers (``via="suppliers"``).

    The weighted projection of the bipartite origin–host (or company–state) graph onto the states:
    ``shared`` is the number of hosts (companies) both states have, listed in ``shared_with``.
    Incidents inside the origin state do not make it a host.
    """
    if via == "suppliers":
        b = company_state_graph(store)
        states = sorted(n for n, d in b.nodes(data=True) if d["bipartite"] == 1)
    elif via == "hosts":
        g = load_graph(store, ("PERPETRATED_BY", "OCCURRED_IN"))
        b = nx.Graph()
        for inc in sorted(n for n, d in g.nodes(data=True) if d["label"] == "Incident"):
            origins = [v for _, v, k in g.out_edges(inc, keys=True) if k == "PERPETRATED_BY"]
            hosts = [v for _, v, k in g.out_edges(inc, keys=True) if k == "OCCURRED_IN"]
            for o in origins:
                for h in hosts:
                    if o != h:
                        b.add_node(("origin", o), **g.nodes[o])
                        b.add_node(("host", h), **g.nodes[h])
                        b.add_edge(("origin", o), ("host", h))
        states = sorted(n for n in b if n[0] == "origin")
    else:
        raise ValueError(f"via must be hosts or suppliers, not {via!r}")
    p = bipartite.weighted_projected_graph(b, states)
    rows = []
    for u, v, d in p.edges(data=True):
        a, c = sorted([u, v])
        shared = sorted(set(b[a]) & set(b[c]))
        rows.append({"state_a": b.nodes[a]["key"], "state_b": b.nodes[c]["key"], "shared": d["weight"],
                     "shared_with": [x[1].split(":", 1)[1] if isinstance(x, tuple) else b.nodes[x]["name"] for x in shared]})
    df = pd.DataFrame(rows, columns=["state_a", "state_b", "shared", "shared_with"])
    return df.sort_values(["shared", "state_a", "state_b"], ascending=[False, True, True], kind="stable").reset_index(drop=True)

"""Centrality and brokerage: which companies, agencies and states sit between many others.

Computed on the accountability core (incidents, states, agencies, companies and the relationships
PERPETRATED_BY, OCCURRED_IN, ATTRIBUTED_TO, PART_OF, FACILITATED, SUPPLIED), as an undirected simple
graph. Betweenness is exact up to ``exact_limit`` nodes; above it NetworkX's sampled estimate
(``k`` pivot nodes, fixed seed) is used and the result says so in ``approximate`` and ``sample_size``.
The pivots are drawn in :data:`BATCHES` batches, each its own estimate: the result is their mean and
``betweenness_se`` their standard error, so a reader sees how far a sampled figure can be trusted.
The estimate is NetworkX's, computed in sparse-matrix form (:mod:`graph.analysis.sampled_betweenness`).
"""

from __future__ import annotations

import networkx as nx
import pandas as pd

from graph.analysis.sampled_betweenness import Adjacency, sampled_betweenness_centrality
from graph.analysis.subgraph import CORE_RELS, load_graph, simple_undirected
from graph.store.base import Store

COLUMNS = ["node", "label", "name", "degree", "incidents", "states", "betweenness", "betweenness_se", "approximate",
           "sample_size"]
BATCHES = 5


def sampled_betweenness(g: nx.Graph, k: int, seed: int) -> tuple[dict, dict]:
    """Betweenness from ``k`` pivots drawn in up to :data:`BATCHES` seeded batches: (mean, standard error)."""
    batches = max(1, min(BATCHES, k // 2))  # NetworkX's estimate needs 2 pivots (k - 1 divides)
    sizes = [k // batches + (1 if i < k % batches else 0) for i in range(batches)]
    adj = Adjacency(g)
    estimates = [sampled_betweenness_centrality(g, size, seed + i, adj=adj) for i, size in enumerate(sizes)]
    mean, se = {}, {}
    weights = [size / k for size in sizes]
    for v in g:
        m = sum(w * e[v] for w, e in zip(weights, estimates))
        mean[v] = m
        spread = sum(w * (e[v] - m) ** 2 for w, e in zip(weights, estimates))
        se[v] = (spread / (batches - 1)) ** 0.5 if batches > 1 else float("nan")
    return mean, se


def brokerage_from_graph(g: nx.Graph, exact_limit: int = 2000, sample_size: int = 100, seed: int = 42) -> pd.DataFrame:
    """Degree, reach into incidents and states, and betweenness of every node of an undirected graph.

    ``incidents`` and ``states`` count the node's neighbours labelled Incident and Country.

    >>> g = nx.path_graph(["Country:A", "Company:b", "Country:C"])
    >>> nx.set_node_attributes(g, {"Country:A": "Country", "Company:b": "Company", "Country:C": "Country"}, "label")
    >>> row = brokerage_from_graph(g).set_index("node").loc["Company:b"]
    >>> int(row.degree), int(row.states), float(row.betweenness)
    (2, 2, 1.0)
    """
    n = g.number_of_nodes()
    approximate = n > exact_limit
    k = min(sample_size, n) if approximate else None
    if approximate:
        bc, se = sampled_betweenness(g, k, seed)
    else:
        bc, se = nx.betweenness_centrality(g, normalized=True), dict.fromkeys(g, 0.0)
    rows = []
    for node, d in g.nodes(data=True):
        labels = [g.nodes[m].get("label") for m in g.neighbors(node)]
        rows.append({"node": node, "label": d.get("label"), "name": d.get("name", node), "degree": g.degree(node),
                     "incidents": labels.count("Incident"), "states": labels.count("Country"),
                     "betweenness": float(bc[node]), "betweenness_se": float(se[node]), "approximate": approximate,
                     "sample_size": k or n})
    df = pd.DataFrame(rows, columns=COLUMNS)
    return df.sort_values(["betweenness", "degree", "node"], ascending=[False, False, True], kind="stable").reset_index(drop=True)


def brokerage(store: Store, labels: str = "Company,Organization", exact_limit: int = 2000, sample_size: int = 100,
              seed: int = 42) -> pd.DataFrame:
    """Betweenness and degree of companies and agencies (or any labels) in the accountability core.

    Parameters
    ----------
    labels : str
        Comma-separated labels to return (``Company,Organization,Country,Incident``); all are used in the
        computation.
    exact_limit : int
        Up to this many nodes betweenness is exact; above, it is sampled from ``sample_size`` pivots with ``seed``.

    Returns
    -------
    pandas.DataFrame
        node, label, name, degree, incidents (neighbouring incidents), states (neighbouring states),
        betweenness (normalised), betweenness_se (its standard error across the pivot batches; 0 when
        exact), approximate, sample_size; highest betweenness first.
    """
    g = simple_undirected(load_graph(store, CORE_RELS))
    df = brokerage_from_graph(g, exact_limit, sample_size, seed)
    keep = {x.strip() for x in labels.split(",") if x.strip()}
    return df[df.label.isin(keep)].reset_index(drop=True) if keep else df

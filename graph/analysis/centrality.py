"""Centrality and brokerage: which companies, agencies and states sit between many others.

Computed on the accountability core (incidents, states, agencies, companies and the relationships
PERPETRATED_BY, OCCURRED_IN, ATTRIBUTED_TO, PART_OF, FACILITATED, SUPPLIED), as an undirected simple
graph. Betweenness is exact up to ``exact_limit`` nodes; above it NetworkX's sampled estimate
(``k`` pivot nodes, fixed seed) is used and the result says so in ``approximate`` and ``sample_size``.
"""

from __future__ import annotations

import networkx as nx
import pandas as pd

from graph.analysis.subgraph import CORE_RELS, load_graph, simple_undirected
from graph.store.base import Store

COLUMNS = ["node", "label", "name", "degree", "incidents", "states", "betweenness", "approximate", "sample_size"]


def brokerage_from_graph(g: nx.Graph, exact_limit: int = 2000, sample_size: int = 500, seed: int = 42) -> pd.DataFrame:
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
    bc = nx.betweenness_centrality(g, k=k, seed=seed if approximate else None, normalized=True)
    rows = []
    for node, d in g.nodes(data=True):
        labels = [g.nodes[m].get("label") for m in g.neighbors(node)]
        rows.append({"node": node, "label": d.get("label"), "name": d.get("name", node), "degree": g.degree(node),
                     "incidents": labels.count("Incident"), "states": labels.count("Country"),
                     "betweenness": float(bc[node]), "approximate": approximate, "sample_size": k or n})
    df = pd.DataFrame(rows, columns=COLUMNS)
    return df.sort_values(["betweenness", "degree", "node"], ascending=[False, False, True], kind="stable").reset_index(drop=True)


def brokerage(store: Store, labels: str = "Company,Organization", exact_limit: int = 2000, sample_size: int = 500,
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
        betweenness (normalised), approximate, sample_size; highest betweenness first.
    """
    g = simple_undirected(load_graph(store, CORE_RELS))
    df = brokerage_from_graph(g, exact_limit, sample_size, seed)
    keep = {x.strip() for x in labels.split(",") if x.strip()}
    return df[df.label.isin(keep)].reset_index(drop=True) if keep else df

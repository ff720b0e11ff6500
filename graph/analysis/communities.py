"""Communities of states, agencies, companies and incidents (Louvain modularity, fixed seed).

Computed on the accountability core (see :mod:`graph.analysis.centrality`) as an undirected simple
graph whose nodes and edges are added in sorted order; with the same data and seed the partition is
the same on every backend and every run. Communities are numbered by size (largest first), ties by
their first node name.
"""

from __future__ import annotations

import networkx as nx
import pandas as pd

from graph.analysis.subgraph import CORE_RELS, load_graph, simple_undirected
from graph.store.base import Store


def communities_from_graph(g: nx.Graph, seed: int = 42, resolution: float = 1.0) -> pd.DataFrame:
    """Louvain communities of ``g``: one row per node with its community number and the community size.

    >>> g = nx.Graph([("a", "b"), ("b", "c"), ("a", "c"), ("x", "y"), ("y", "z"), ("x", "z"), ("c", "x")])
    >>> df = communities_from_graph(g)
    >>> sorted(df.groupby("community").node.apply(list).tolist())
    [['a', 'b', 'c'], ['x', 'y', 'z']]
    """
    parts = nx.community.louvain_communities(g, seed=seed, resolution=resolution)
    parts = sorted((sorted(p) for p in parts), key=lambda p: (-len(p), p[0]))
    rows = []
    for i, part in enumerate(parts):
        for n in part:
            d = g.nodes[n]
            rows.append({"community": i, "size": len(part), "node": n, "label": d.get("label"),
                         "name": d.get("name", n), "degree": g.degree(n)})
    return pd.DataFrame(rows, columns=["community", "size", "node", "label", "name", "degree"])


def communities(store: Store, seed: int = 42, resolution: float = 1.0, labels: str = "") -> pd.DataFrame:
    """Louvain communities of the accountability core.

    Parameters
    ----------
    seed : int
        Louvain's random seed (fixed, so results are reproducible).
    resolution : float
        Louvain resolution; above 1 gives smaller communities.
    labels : str
        Comma-separated labels to return (all by default); all nodes take part in the computation.

    Returns
    -------
    pandas.DataFrame
        community, size, node, label, name, degree; ``attrs['modularity']`` holds the partition's modularity.
    """
    g = simple_undirected(load_graph(store, CORE_RELS))
    df = communities_from_graph(g, seed, resolution)
    parts = [set(grp.node) for _, grp in df.groupby("community")]
    modularity = nx.community.modularity(g, parts) if g.number_of_edges() else 0.0
    keep = {x.strip() for x in labels.split(",") if x.strip()}
    if keep:
        df = df[df.label.isin(keep)].reset_index(drop=True)
    df.attrs["modularity"] = modularity
    return df

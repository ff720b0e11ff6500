"""Ego networks: everything within ``depth`` hops of one entity, with a node cap.

The ego network is grown breadth-first from the store, one hop at a time (one query per relationship
triple and direction per hop), so a hub never pulls the whole graph: when the cap is reached the
remaining nodes of the last hop are dropped in a fixed order (by node name) and the result says so.
"""

from __future__ import annotations

import networkx as nx
import pandas as pd

from graph.analysis.subgraph import PROVENANCE, factual_rels, neighbours, resolve, split_node_id
from graph.store.base import Store


def ego_network(store: Store, entity: str, depth: int = 2, max_nodes: int = 100,
                include_sources: bool = False) -> tuple[nx.MultiDiGraph, pd.DataFrame]:
    """The ego network of ``entity`` up to ``depth`` hops, at most ``max_nodes`` nodes.

    Parameters
    ----------
    store : Store
        Any backend.
    entity : str
        ``"Label:key"`` (``"Company:company-nso-group"``) or a key or exact name (``"RW"``, ``"NSO Group"``).
    depth : int
        Number of hops (relationships followed in either direction).
    max_nodes : int
        Node cap. Nodes are admitted hop by hop; within the hop that crosses the cap, in order of their
        node name (``Label:key``), so the cut is reproducible.
    include_sources : bool
        Also follow provenance (``SOURCED_FROM``, ``MENTIONS``) to Source nodes (off by default: sources are hubs).

    Returns
    -------
    graph : networkx.MultiDiGraph
        Nodes (``Label:key``) carry ``label``, ``key``, ``name``, ``hop`` and the few properties
        :mod:`~graph.analysis.subgraph` pulls; edges, keyed by relationship type, carry ``type``, their
        properties (``source_urls``, ``source_record``...), ``hop`` (of the farther end) and ``sources``
        (``source_urls`` sorted). This is the graph the Explore page draws and exports.
    edges : pandas.DataFrame
        One row per edge of ``graph``: ``from``, ``type``, ``to``, names, ``hop``, ``sources``.
        ``edges.attrs`` holds ``truncated``, ``nodes``, ``centre`` and ``graph`` (the same graph, so the
        result of ``run_analysis(store, "ego_network")`` carries it).
    """
    if depth < 0 or max_nodes < 1:
        raise ValueError("depth must be >= 0 and max_nodes >= 1")
    rels = factual_rels(store) + (PROVENANCE if include_sources else ())
    centre = resolve(store, entity)
    hops = {centre: 0}
    pulled = nx.MultiDiGraph()
    frontier = [centre]
    truncated = False
    for hop in range(1, depth + 1):
        if not frontier:
            break
        step = neighbours(store, frontier, rels)
        pulled = nx.compose(pulled, step)
        new = sorted(n for n in step.nodes if n not in hops)
        room = max_nodes - len(hops)
        if len(new) > room:
            new, truncated = new[:room], True
        for n in new:
            hops[n] = hop
        frontier = new
        if truncated:
            break
    if frontier:  # relationships among the nodes of the last hop (and back to earlier hops)
        pulled = nx.compose(pulled, neighbours(store, frontier, rels))
    if centre not in pulled:  # an isolated node
        label, key = split_node_id(centre)
        pulled.add_node(centre, label=label, key=key, name=key)
    g = nx.MultiDiGraph()
    for n in sorted(hops):
        g.add_node(n, **pulled.nodes[n], hop=hops[n])
    for u, v, k, d in sorted(pulled.edges(keys=True, data=True), key=lambda e: (e[0], e[2], e[1])):
        if u in hops and v in hops:
            g.add_edge(u, v, key=k, **d, hop=max(hops[u], hops[v]), sources=sorted(d.get("source_urls") or []))
    rows = [{"from": u, "from_name": g.nodes[u]["name"], "type": k, "to": v, "to_name": g.nodes[v]["name"],
             "hop": d["hop"], "sources": d["sources"]} for u, v, k, d in g.edges(keys=True, data=True)]
    edges = pd.DataFrame(rows, columns=["from", "from_name", "type", "to", "to_name", "hop", "sources"])
    edges = edges.sort_values(["hop", "from", "type", "to"], kind="stable").reset_index(drop=True)
    edges.attrs.update(truncated=truncated, nodes=g.number_of_nodes(), centre=centre, graph=g)
    return g, edges


def ego_nodes(g: nx.MultiDiGraph) -> pd.DataFrame:
    """The nodes of an ego network as a table: node, label, name, hop, degree inside the ego network."""
    rows = [{"node": n, "label": d["label"], "name": d["name"], "hop": d["hop"], "degree": g.degree(n)}
            for n, d in g.nodes(data=True)]
    df = pd.DataFrame(rows, columns=["node", "label", "name", "hop", "degree"])
    return df.sort_values(["hop", "node"], kind="stable").reset_index(drop=True)

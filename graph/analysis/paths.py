"""Paths between two entities, as explanations with their sources.

The graph is every relationship except provenance (SOURCED_FROM, MENTIONS), taken as undirected: a path may
follow a relationship either way, and the explanation shows each one in its real direction. Paths
come shortest first (NetworkX's ``shortest_simple_paths``), bounded by ``cutoff`` relationships and
``max_paths`` paths; ties in length are ordered by their text.
"""

from __future__ import annotations

import networkx as nx
import pandas as pd

from graph.analysis.subgraph import factual_rels, load_graph, resolve, simple_undirected
from graph.store.base import Store


def explain(g: nx.Graph, path: list[str]) -> tuple[str, list[str], list[str]]:
    """The text of a path, the relationships on it and the web sources of every step."""
    parts, rels, sources = [f"({g.nodes[path[0]]['name']})"], [], set()
    for u, v in zip(path, path[1:]):
        rel = sorted(g[u][v]["rels"], key=lambda r: r["type"])[0]
        rels.append(rel["type"])
        sources.update(rel.get("source_urls") or [])
        arrow = f"-[{rel['type']}]->" if rel["from"] == u else f"<-[{rel['type']}]-"
        parts.append(f"{arrow}({g.nodes[v]['name']})")
    return "".join(parts), rels, sorted(sources)


def _search(g: nx.Graph, s: str, t: str, cutoff: int, max_paths: int) -> list[list[str]]:
    """Simple paths from ``s`` to ``t``, shortest first, at most ``cutoff`` long (before the sort by text)."""
    if s not in g or t not in g or s == t:
        return []
    found: list[list[str]] = []
    try:
        for p in nx.shortest_simple_paths(g, s, t):
            # past max_paths, keep only paths as long as the last one kept (so ties are cut by text, not
            # by NetworkX's internal order), with a hard stop for hubs
            if len(p) - 1 > cutoff or len(found) >= 10 * max_paths:
                break
            if len(found) >= max_paths and len(p) > len(found[-1]):
                break
            found.append(p)
    except nx.NetworkXNoPath:
        return []
    return found


def paths(store: Store, source: str, target: str, cutoff: int = 4, max_paths: int = 10) -> pd.DataFrame:
    """Shortest and further simple paths between two entities, up to ``cutoff`` hops.

    Parameters
    ----------
    source, target : str
        ``"Label:key"`` or a key or exact name (``"NSO Group"``, ``"Carine Kanimba"``, ``"ref-0035"``).
    cutoff : int
        Longest path, in relationships.
    max_paths : int
        At most this many paths (the shortest first).

    Returns
    -------
    pandas.DataFrame
        rank, length, explanation (``(NSO Group)-[FACILITATED]->(ref-0035)-[TARGETED]->(...)``),
        relationships, nodes, sources (web pages cited by the relationships on the path).
        Empty when the two are not connected within ``cutoff``.
    """
    g = simple_undirected(load_graph(store, factual_rels(store)))
    found = _search(g, resolve(store, source), resolve(store, target), cutoff, max_paths)
    cols = ["rank", "length", "explanation", "relationships", "nodes", "sources"]
    rows = []
    for p in found:
        text, rels, srcs = explain(g, p)
        rows.append({"length": len(p) - 1, "explanation": text, "relationships": rels, "nodes": p, "sources": srcs})
    rows.sort(key=lambda r: (r["length"], r["explanation"]))
    rows = rows[:max_paths]
    for i, r in enumerate(rows, 1):
        r["rank"] = i
    return pd.DataFrame(rows, columns=cols)


def path_graph(store: Store, source: str, target: str, cutoff: int = 4) -> nx.MultiDiGraph:
    """The first path :func:`paths` gives (shortest, then by text) as a graph to draw: its nodes (``label``,
    ``key``, ``name``...) and, per step, the relationship its explanation names, in its real direction
    (keyed by type, with its properties). Empty when the two are not connected within ``cutoff``."""
    g = simple_undirected(load_graph(store, factual_rels(store)))
    found = _search(g, resolve(store, source), resolve(store, target), cutoff, 10)
    out = nx.MultiDiGraph()
    if not found:
        return out
    best = min(found, key=lambda p: (len(p), explain(g, p)[0]))
    out.add_nodes_from((n, g.nodes[n]) for n in best)
    for u, v in zip(best, best[1:]):
        rel = sorted(g[u][v]["rels"], key=lambda r: r["type"])[0]
        out.add_edge(rel["from"], rel["to"], key=rel["type"], **{k: x for k, x in rel.items() if k not in ("from", "to")})
    return out

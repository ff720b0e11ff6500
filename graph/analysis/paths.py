"""Paths between two entities, as explanations with their sources.

The graph is every relationship except provenance (SOURCED_FROM, MENTIONS), taken as undirected: a path may
follow a relationship either way, and the explanation shows each one in its real direction. Paths
come shortest first (NetworkX's ``shortest_simple_paths``), bounded by ``cutoff`` relationships and
``max_paths`` paths; ties in length are ordered by their text.

The search runs on the graph's structure alone (keys and types, :func:`~graph.analysis.subgraph.load_structure`,
built in the order the whole pulled graph has, so NetworkX finds the same paths in the same order); names and
sources are read afterwards for the relationships on the paths found.
"""

from __future__ import annotations

import networkx as nx
import pandas as pd

from graph.analysis.subgraph import factual_rels, load_structure, relationships, resolve
from graph.store.base import Store


def explain(g: nx.Graph, found: nx.MultiDiGraph, path: list[str]) -> tuple[str, list[str], list[str]]:
    """The text of a path, the relationships on it and the web sources of every step: the steps from the
    searched structure ``g`` (:func:`~graph.analysis.subgraph.load_structure`), names and sources from
    ``found`` (:func:`~graph.analysis.subgraph.relationships` of those steps)."""
    parts, rels, sources = [f"({found.nodes[path[0]]['name']})"], [], set()
    for u, v in zip(path, path[1:]):
        rtype, a, b = g[u][v]["rel"]
        rels.append(rtype)
        sources.update(found[a][b][rtype].get("source_urls") or [])
        arrow = f"-[{rtype}]->" if a == u else f"<-[{rtype}]-"
        parts.append(f"{arrow}({found.nodes[v]['name']})")
    return "".join(parts), rels, sorted(sources)


def _found(store: Store, source: str, target: str, cutoff: int,
           max_paths: int) -> tuple[nx.Graph, nx.MultiDiGraph, list[list[str]]]:
    """The structure searched, the relationships on the paths found (with names and properties), the paths."""
    g = load_structure(store, factual_rels(store))
    found = _search(g, resolve(store, source), resolve(store, target), cutoff, max_paths)
    return g, relationships(store, {g[u][v]["rel"] for p in found for u, v in zip(p, p[1:])}), found


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
    g, steps, found = _found(store, source, target, cutoff, max_paths)
    cols = ["rank", "length", "explanation", "relationships", "nodes", "sources"]
    rows = []
    for p in found:
        text, rels, srcs = explain(g, steps, p)
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
    g, steps, found = _found(store, source, target, cutoff, 10)
    out = nx.MultiDiGraph()
    if not found:
        return out
    best = min(found, key=lambda p: (len(p), explain(g, steps, p)[0]))
    out.add_nodes_from((n, steps.nodes[n]) for n in best)
    for u, v in zip(best, best[1:]):
        rtype, a, b = g[u][v]["rel"]
        out.add_edge(a, b, key=rtype, **steps[a][b][rtype])
    return out

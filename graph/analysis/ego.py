"""Ego networks: everything within ``depth`` hops of one entity, with a node cap.

The ego network is grown breadth-first from the store, one hop at a time (one query per relationship
triple and direction per hop), so a hub never pulls the whole graph: when the cap is reached the
remaining nodes of the last hop are dropped in a fixed order (by node name) and the result says so.

The Explore page narrows the walk with an :class:`EgoFilter` (node labels, relationship types, a span of
years, documented attribution only), applied hop by hop before the cap, so the cap counts what is
drawn; and it folds the Surveillance Industry Index's Transfer records (:func:`fold_transfers`): a
state with hundreds of transfer records is one edge per supplier, not a hairball of Transfer nodes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx
import pandas as pd

from graph.analysis.subgraph import PROVENANCE, factual_rels, neighbours, resolve, split_node_id
from graph.store.base import Store

# The relationships of a Transfer record, and the one edge type they fold into when no SUPPLIED edge
# already joins the two ends (an export-licence record: licensing state to recipient).
TRANSFER_RELS = ("SUPPLIER_OF", "TRANSFER_TO", "EXPORTED_FROM")
FOLDED = "TRANSFERS"


@dataclass(frozen=True)
class EgoFilter:
    """What an ego network keeps. ``None`` keeps everything of that kind.

    ``labels``: node labels (the centre is always kept); ``rel_types``: relationship types (``TRANSFERS``
    is the folded one); ``year_from``/``year_to``: nodes and edges with a ``year`` outside the span go
    (undated ones stay); ``documented_only``: PERPETRATED_BY edges whose attribution is not documented go;
    ``fold_transfers``: Transfer records become edges (:func:`fold_transfers`).
    """

    labels: frozenset[str] | None = None
    rel_types: frozenset[str] | None = None
    year_from: int | None = None
    year_to: int | None = None
    documented_only: bool = False
    fold_transfers: bool = False

    def _in_span(self, year) -> bool:
        return year is None or ((self.year_from is None or year >= self.year_from)
                                and (self.year_to is None or year <= self.year_to))

    def keeps_node(self, attrs: dict) -> bool:
        return (self.labels is None or attrs.get("label") in self.labels) and self._in_span(attrs.get("year"))

    def keeps_edge(self, attrs: dict) -> bool:
        if self.rel_types is not None and attrs.get("type") not in self.rel_types:
            return False
        if self.documented_only and attrs.get("type") == "PERPETRATED_BY" and attrs.get("attribution") != "documented":
            return False
        return self._in_span(attrs.get("year"))

    def walked(self, rels: Iterable[str]) -> tuple[str, ...]:
        """The relationship types to follow in the store (a Transfer's own are followed to fold them)."""
        keep = [r for r in rels if self.rel_types is None or r in self.rel_types or
                (self.fold_transfers and r in TRANSFER_RELS and FOLDED in self.rel_types)]
        if self.fold_transfers and (self.rel_types is None or FOLDED in self.rel_types):
            keep += [r for r in TRANSFER_RELS if r in rels and r not in keep]
        return tuple(keep)


def fold_transfers(g: nx.MultiDiGraph, keep: Iterable[str] = ()) -> nx.MultiDiGraph:
    """``g`` with each Transfer node (but those in ``keep``) replaced by edges from its suppliers (the
    companies SUPPLIER_OF it, the state it is EXPORTED_FROM) to its recipients (TRANSFER_TO).

    Where a SUPPLIED edge already joins a supplier and a recipient it stands for them (the SII ingest made
    it from the same records: its ``transfer_ids``); otherwise one ``TRANSFERS`` edge per supplier and
    recipient carries ``transfer_ids``, ``year`` (the earliest) and ``source_urls`` of its records.
    """
    keep = set(keep)
    transfers = sorted(n for n, d in g.nodes(data=True) if d.get("label") == "Transfer" and n not in keep)
    out = g.copy()
    folded: dict[tuple[str, str], dict] = {}
    for t in transfers:
        suppliers = sorted({u for u, _, k in g.in_edges(t, keys=True) if k == "SUPPLIER_OF"} |
                           {v for _, v, k in g.out_edges(t, keys=True) if k == "EXPORTED_FROM"})
        recipients = sorted({v for _, v, k in g.out_edges(t, keys=True) if k == "TRANSFER_TO"})
        urls = {u for _, _, d in g.in_edges(t, data=True) for u in d.get("source_urls") or []}
        urls |= {u for _, _, d in g.out_edges(t, data=True) for u in d.get("source_urls") or []}
        for s in suppliers:
            for r in recipients:
                if g.has_edge(s, r, key="SUPPLIED"):
                    continue
                f = folded.setdefault((s, r), {"transfer_ids": set(), "years": set(), "source_urls": set()})
                f["transfer_ids"].add(g.nodes[t].get("key", t))
                if g.nodes[t].get("year") is not None:
                    f["years"].add(g.nodes[t]["year"])
                f["source_urls"] |= urls
        out.remove_node(t)
    for (s, r), f in sorted(folded.items()):
        out.add_edge(s, r, key=FOLDED, type=FOLDED, transfer_ids=sorted(f["transfer_ids"]),
                     year=min(f["years"]) if f["years"] else None, source_urls=sorted(f["source_urls"]))
    return out


def _step(store: Store, frontier: list[str], rels: tuple[str, ...], f: EgoFilter, keep: set[str]) -> nx.MultiDiGraph:
    """The filtered (and folded) relationships touching ``frontier``."""
    step = neighbours(store, frontier, rels)
    if f.fold_transfers:
        reached = [n for n, d in step.nodes(data=True) if d.get("label") == "Transfer" and n not in keep]
        if reached:  # a Transfer's other ends, so that it can be folded into edges between them
            step = nx.compose(step, neighbours(store, reached, TRANSFER_RELS))
        step = fold_transfers(step, keep)
    out = nx.MultiDiGraph()
    out.add_nodes_from((n, d) for n, d in step.nodes(data=True) if n in keep or f.keeps_node(d))
    out.add_edges_from((u, v, k, d) for u, v, k, d in step.edges(keys=True, data=True)
                       if u in out and v in out and f.keeps_edge(d))
    return out


def ego_network(store: Store, entity: str, depth: int = 2, max_nodes: int = 100,
                include_sources: bool = False, filters: EgoFilter | None = None,
                expand: Iterable[str] = ()) -> tuple[nx.MultiDiGraph, pd.DataFrame]:
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
    filters : EgoFilter
        What to keep, applied hop by hop before the cap (default: everything, Transfers not folded).
    expand : nodes (``Label:key``)
        Nodes of the network whose own neighbours are added too (one hop further from them; each
        expansion admits at most ``max_nodes`` more nodes, the same reproducible cut).

    Returns
    -------
    graph : networkx.MultiDiGraph
        Nodes (``Label:key``) carry ``label``, ``key``, ``name``, ``hop`` and the few properties
        :mod:`~graph.analysis.subgraph` pulls; edges, keyed by relationship type, carry ``type``, their
        properties (``source_urls``, ``source_record``...), ``hop`` (of the farther end) and ``sources``
        (``source_urls`` sorted). This is the graph the Explore page draws and exports.
    edges : pandas.DataFrame
        One row per edge of ``graph``: ``from``, ``type``, ``to``, names, ``hop``, ``sources``.
        ``edges.attrs`` holds ``truncated``, ``nodes``, ``centre``, ``graph`` (the same graph, so the
        result of ``run_analysis(store, "ego_network")`` carries it), ``found`` (the nodes found up to the
        hop where the cap was reached: "showing nodes of found") and ``cut_hop`` (that hop, else None).
    """
    if depth < 0 or max_nodes < 1:
        raise ValueError("depth must be >= 0 and max_nodes >= 1")
    f = filters or EgoFilter()
    rels = f.walked(factual_rels(store) + (PROVENANCE if include_sources else ()))
    centre = resolve(store, entity)
    keep = {centre}
    hops = {centre: 0}
    pulled = nx.MultiDiGraph()
    frontier = [centre]
    truncated, found, cut_hop = False, 1, None
    for hop in range(1, depth + 1):
        if not frontier:
            break
        step = _step(store, frontier, rels, f, keep)
        pulled = nx.compose(pulled, step)
        new = sorted(n for n in step.nodes if n not in hops)
        room = max_nodes - len(hops)
        found = len(hops) + len(new)
        if len(new) > room:
            new, truncated, cut_hop = new[:room], True, hop
        for n in new:
            hops[n] = hop
        frontier = new
        if truncated:
            break
    if frontier:  # relationships among the nodes of the last hop (and back to earlier hops)
        pulled = nx.compose(pulled, _step(store, frontier, rels, f, keep))
    for node in expand:
        if node not in hops:
            continue
        step = _step(store, [node], rels, f, keep | {node})
        new = sorted(n for n in step.nodes if n not in hops)
        if len(new) > max_nodes:
            new, truncated = new[:max_nodes], True
        for n in new:
            hops[n] = hops[node] + 1
        pulled = nx.compose(pulled, step)
        if new:
            pulled = nx.compose(pulled, _step(store, new, rels, f, keep))
        found = max(found, len(hops))
    if centre not in pulled:  # an isolated node
        label, key = split_node_id(centre)
        pulled.add_node(centre, label=label, key=key, name=key)
    g = nx.MultiDiGraph()
    for n in sorted(hops):
        g.add_node(n, **pulled.nodes[n], hop=hops[n])
    for u, v, k, d in sorted(pulled.edges(keys=True, data=True), key=lambda e: (e[0], e[2], e[1])):
        if u in hops and v in hops:
            g.add_edge(u, v, key=k, **d, hop=max(hops[u], hops[v]), sources=sorted(d.get("source_urls") or []))
    edges = edge_table(g)
    edges.attrs.update(truncated=truncated, nodes=g.number_of_nodes(), centre=centre, graph=g,
                       found=max(found, g.number_of_nodes()), cut_hop=cut_hop)
    return g, edges


def edge_table(g: nx.MultiDiGraph) -> pd.DataFrame:
    """One row per edge of an ego network: from, from_name, type, to, to_name, hop, sources."""
    rows = [{"from": u, "from_name": g.nodes[u]["name"], "type": k, "to": v, "to_name": g.nodes[v]["name"],
             "hop": d.get("hop"), "sources": d.get("sources", [])} for u, v, k, d in g.edges(keys=True, data=True)]
    edges = pd.DataFrame(rows, columns=["from", "from_name", "type", "to", "to_name", "hop", "sources"])
    return edges.sort_values(["hop", "from", "type", "to"], kind="stable").reset_index(drop=True)


def ego_nodes(g: nx.MultiDiGraph) -> pd.DataFrame:
    """The nodes of an ego network as a table: node, label, name, hop, degree inside the ego network."""
    rows = [{"node": n, "label": d["label"], "name": d["name"], "hop": d["hop"], "degree": g.degree(n)}
            for n, d in g.nodes(data=True)]
    df = pd.DataFrame(rows, columns=["node", "label", "name", "hop", "degree"])
    return df.sort_values(["hop", "node"], kind="stable").reset_index(drop=True)

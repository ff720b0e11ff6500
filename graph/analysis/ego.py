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

from graph.analysis.subgraph import PROVENANCE, factual_rels, neighbours, node_properties, resolve, split_node_id
from graph.safe_text import strip_controls
from graph.store.base import Store

# The relationships of a Transfer record, and the one edge type they fold into when no SUPPLIED edge
# already joins the two ends (an export-licence record: licensing state to recipient).
TRANSFER_RELS = ("SUPPLIER_OF", "TRANSFER_TO", "EXPORTED_FROM")
FOLDED = "TRANSFERS"


@dataclass(frozen=True)
class EgoFilter:
    """What an ego network keeps. ``None`` keeps everything of that kind.

    ``labels``: node labels (the centre is always kept); ``rel_types``: relationship types (``TRANSFERS``
    is the folded one); ``year_from``/``year_to``: nodes, relationships and Transfer records with a
    ``year`` outside the span go (undated ones stay); ``documented_only``: relationships with an
    ``attribution`` other than ``documented`` (PERPETRATED_BY ... suspected) go; ``fold_transfers``:
    Transfer records become edges (:func:`fold_transfers`).
    """

    labels: frozenset[str] | None = None
    rel_types: frozenset[str] | None = None
    year_from: int | None = None
    year_to: int | None = None
    documented_only: bool = False
    fold_transfers: bool = False

    def in_span(self, year) -> bool:
        return year is None or ((self.year_from is None or year >= self.year_from)
                                and (self.year_to is None or year <= self.year_to))

    def keeps_node(self, attrs: dict) -> bool:
        return (self.labels is None or attrs.get("label") in self.labels) and self.in_span(attrs.get("year"))

    def keeps_edge(self, attrs: dict) -> bool:
        if self.rel_types is not None and attrs.get("type") not in self.rel_types:
            return False
        if self.documented_only and attrs.get("attribution") not in (None, "documented"):
            return False
        return self.in_span(attrs.get("year"))

    def walked(self, rels: Iterable[str]) -> tuple[str, ...]:
        """The relationship types to follow in the store (a Transfer's own too when they fold into a kept type)."""
        folds = self.fold_transfers and (self.rel_types is None or FOLDED in self.rel_types)
        return tuple(r for r in rels if self.rel_types is None or r in self.rel_types or (folds and r in TRANSFER_RELS))


def fold_transfers(g: nx.MultiDiGraph, keep: Iterable[str] = ()) -> nx.MultiDiGraph:
    """``g`` with each Transfer node (but those in ``keep``) replaced by edges from its suppliers (the
    companies SUPPLIER_OF it, the state it is EXPORTED_FROM) to its recipients (TRANSFER_TO).

    Where a SUPPLIED edge already joins a supplier and a recipient it stands for them (the SII ingest made
    it from the same records: its ``transfer_ids``); otherwise one ``TRANSFERS`` edge per supplier and
    recipient carries ``transfer_ids``, ``records`` (how many), ``year`` (the earliest) and ``source_urls``.
    A Transfer with no supplier or no recipient in ``g`` leaves no edge.
    """
    keep = set(keep)
    transfers = sorted(n for n, d in g.nodes(data=True) if d.get("label") == "Transfer" and n not in keep)
    out = g.copy()
    folded: dict[tuple[str, str], dict] = {}
    for t in transfers:
        suppliers = sorted({u for u, _, k in g.in_edges(t, keys=True) if k == "SUPPLIER_OF"} |
                           {v for _, v, k in g.out_edges(t, keys=True) if k == "EXPORTED_FROM"})
        recipients = sorted({v for _, v, k in g.out_edges(t, keys=True) if k == "TRANSFER_TO"})
        urls = {u for _, _, d in [*g.in_edges(t, data=True), *g.out_edges(t, data=True)]
                for u in d.get("source_urls") or []}
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
                     records=len(f["transfer_ids"]), year=min(f["years"]) if f["years"] else None,
                     source_urls=sorted(f["source_urls"]))
    return out


def apply_filter(g: nx.MultiDiGraph, f: EgoFilter, keep: Iterable[str] = ()) -> nx.MultiDiGraph:
    """The edges of ``g`` that ``f`` keeps between nodes it keeps, with their ends and the nodes in ``keep``:
    a node that only a dropped edge reached goes with it."""
    keep = set(keep)
    nodes = {n for n, d in g.nodes(data=True) if n in keep or f.keeps_node(d)}
    out = nx.MultiDiGraph()
    out.add_nodes_from((n, g.nodes[n]) for n in sorted(keep & set(g.nodes)))
    for u, v, k, d in g.edges(keys=True, data=True):
        if u in nodes and v in nodes and f.keeps_edge(d):
            out.add_node(u, **g.nodes[u])
            out.add_node(v, **g.nodes[v])
            out.add_edge(u, v, key=k, **d)
    return out


def _step(store: Store, frontier: list[str], rels: tuple[str, ...], f: EgoFilter, keep: set[str]) -> nx.MultiDiGraph:
    """The filtered (and folded) relationships touching ``frontier``."""
    step = neighbours(store, frontier, rels)
    if f.fold_transfers:
        reached = sorted(n for n, d in step.nodes(data=True) if d.get("label") == "Transfer" and n not in keep)
        if reached:  # a Transfer's year and its other ends, so that it can be folded into edges between them
            years = {t: d.get("year") for t, d in node_properties(store, reached, ("year",)).items()}
            step.remove_nodes_from([t for t in reached if not f.in_span(years.get(t))])
            kept = [t for t in reached if t in step]
            if kept:
                step = nx.compose(step, neighbours(store, kept, TRANSFER_RELS))
            for t in kept:
                step.nodes[t]["year"] = years.get(t)
        step = fold_transfers(step, keep)
    return apply_filter(step, f, keep | set(frontier))


def ego_network(store: Store, entity: str, depth: int = 2, max_nodes: int = 100,
                include_sources: bool = False, filters: EgoFilter | None = None,
                expand: Iterable[str] = ()) -> tuple[nx.MultiDiGraph, pd.DataFrame]:
    """The ego network of ``entity`` up to ``depth`` hops, at most ``max_nodes`` nodes.

    Parameters
    ----------
    entity : str
        ``"Label:key"`` or a key or exact name (``"NSO Group"``, ``"RW"``).
    depth : int
        Hops from the entity.
    max_nodes : int
        Node cap. When a hop would pass it, that hop keeps the first nodes by
        node name (``Label:key``), so the cut is reproducible, and the walk stops there.
    include_sources : bool
        Also follow provenance (``SOURCED_FROM``, ``MENTIONS``) to Source nodes (off by default: sources are hubs).
    filters : EgoFilter
        What to keep, applied hop by hop before the cap, so the cap counts what is drawn (default:
        everything, Transfers not folded).
    expand : nodes (``Label:key``)
        Nodes of the network whose own neighbours are added too, in this order (one hop further from
        them; each expansion admits at most ``max_nodes`` more nodes, cut the same reproducible way).

    Returns
    -------
    graph : networkx.MultiDiGraph
        The ego network: nodes ``Label:key`` with ``label``, ``key``, ``name`` and ``hop`` (distance from
        the centre, 0 for it); edges keyed by relationship type with ``type``, their properties,
        ``hop`` (the farther end's) and ``sources`` (``source_urls`` sorted). This is the graph the Explore
        page draws and exports.
    edges : pandas.DataFrame
        One row per edge of ``graph``: ``from``, ``type``, ``to``, names, ``hop``, ``sources``.
        ``edges.attrs`` holds ``truncated``, ``nodes`` (drawn), ``centre``, ``graph`` (the same graph, so
        the result of ``run_analysis(store, "ego_network")`` carries it), ``found`` (the nodes found:
        drawn plus those the cap left out, "showing nodes of found"), ``cut_hop`` (the hop at which the
        cap stopped the walk, else None: no node farther than it was looked for) and ``reached`` (the
        farthest hop drawn).
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
    dropped, cut_hop = 0, None
    for hop in range(1, depth + 1):
        if not frontier:
            break
        step = _step(store, frontier, rels, f, keep)
        pulled = nx.compose(pulled, step)
        new = sorted(n for n in step.nodes if n not in hops)
        room = max_nodes - len(hops)
        if len(new) > room:
            dropped, cut_hop, new = len(new) - room, hop, new[:room]
        for n in new:
            hops[n] = hop
        frontier = new
        if cut_hop is not None:
            break
    if frontier:  # relationships among the nodes of the last hop (and back to earlier hops)
        pulled = nx.compose(pulled, _step(store, frontier, rels, f, keep))
    for node in expand:
        if node not in hops:
            continue
        step = _step(store, [node], rels, f, keep | {node})
        new = sorted(n for n in step.nodes if n not in hops)
        if len(new) > max_nodes:
            dropped, new = dropped + len(new) - max_nodes, new[:max_nodes]
        for n in new:
            hops[n] = hops[node] + 1
        pulled = nx.compose(pulled, step)
        if new:
            pulled = nx.compose(pulled, _step(store, new, rels, f, keep))
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
    edges.attrs.update(truncated=cut_hop is not None or dropped > 0, nodes=g.number_of_nodes(), centre=centre,
                       graph=g, found=g.number_of_nodes() + dropped, cut_hop=cut_hop, reached=max(hops.values()))
    return g, edges


def with_path(g: nx.MultiDiGraph, path: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """``g`` with a path's nodes and relationships (graph.analysis.paths.path_graph) added and marked
    ``on_path``; a node of the path that ``g`` lacks comes with ``hop`` None."""
    out = g.copy()
    for n, d in path.nodes(data=True):
        if n not in out:
            out.add_node(n, **d, hop=None)
        out.nodes[n]["on_path"] = True
    for u, v, k, d in path.edges(keys=True, data=True):
        if not out.has_edge(u, v, key=k):
            out.add_edge(u, v, key=k, **d, hop=None, sources=sorted(d.get("source_urls") or []))
        out.edges[u, v, k]["on_path"] = True
    return out


def node_name(d: dict) -> str:
    """What names a node of a pulled graph: its name, and for an accountability action (whose caption is its
    kind) the kind in words with its year.

    >>> node_name({"label": "AccountabilityAction", "name": "un_naming", "year": 2019})
    'UN naming 2019'
    >>> node_name({"label": "Company", "name": "NSO Group", "key": "company-nso-group"})
    'NSO Group'
    """
    name = strip_controls(str(d.get("name") or d.get("key") or ""))
    if d.get("label") == "AccountabilityAction":
        kind = name.replace("_", " ").replace("un ", "UN ", 1) if name.startswith("un_") else name.replace("_", " ")
        return f"{kind} {d['year']}" if d.get("year") is not None else kind
    return name


def edge_table(g: nx.MultiDiGraph, named=lambda d: d["name"]) -> pd.DataFrame:
    """One row per edge of an ego network: from, from_name, type, to, to_name, hop, sources (names by ``named``,
    of a node's attributes: the stored name by default, :func:`node_name` on the Explore page)."""
    rows = [{"from": u, "from_name": named(g.nodes[u]), "type": k, "to": v, "to_name": named(g.nodes[v]),
             "hop": d.get("hop"), "sources": d.get("sources", [])} for u, v, k, d in g.edges(keys=True, data=True)]
    edges = pd.DataFrame(rows, columns=["from", "from_name", "type", "to", "to_name", "hop", "sources"])
    return edges.sort_values(["hop", "from", "type", "to"], kind="stable").reset_index(drop=True)


def ego_nodes(g: nx.MultiDiGraph) -> pd.DataFrame:
    """The nodes of an ego network as a table: node, label, name, hop, degree inside the ego network."""
    rows = [{"node": n, "label": d["label"], "name": d["name"], "hop": d["hop"], "degree": g.degree(n)}
            for n, d in g.nodes(data=True)]
    df = pd.DataFrame(rows, columns=["node", "label", "name", "hop", "degree"])
    return df.sort_values(["hop", "node"], kind="stable").reset_index(drop=True)


def explore_graph(store: Store, entity: str, depth: int = 1, max_nodes: int = 100, filters: EgoFilter | None = None,
                  expand: Iterable[str] = (), path_to: str | None = None) -> tuple[nx.MultiDiGraph, pd.DataFrame]:
    """What the Explore page draws: the ego network (:func:`ego_network` with ``filters`` and ``expand``;
    a Transfer record drawn unfolded is named by its title, not its id) and, when ``path_to`` is given, the
    first path from the entity to it (graph.analysis.paths.path_graph, over the whole graph, unfiltered)
    added and marked ``on_path``. ``edges.attrs`` as :func:`ego_network`'s
    (``nodes`` counts the ego network's), plus ``path`` (the path's nodes in order, empty when there is none
    within 4 relationships) and ``path_added`` (its nodes that the ego network lacked)."""
    from graph.analysis.paths import path_graph

    g, edges = ego_network(store, entity, depth, max_nodes, filters=filters, expand=expand)
    transfers = [n for n, d in g.nodes(data=True) if d.get("label") == "Transfer"]
    for t, props in node_properties(store, transfers, ("title",)).items():  # unfolded: named, not by their id
        if props.get("title"):
            g.nodes[t]["name"] = props["title"]
    order: list[str] = []
    if path_to:
        p = path_graph(store, edges.attrs["centre"], path_to)
        if p.number_of_nodes():
            g = with_path(g, p)
            order = _walk(p, edges.attrs["centre"])
    attrs = dict(edges.attrs, graph=g, path=order, path_added=g.number_of_nodes() - edges.attrs["nodes"])
    edges = edge_table(g, node_name)
    edges["hop"] = edges["hop"].astype("Int64")  # a path's own steps have none
    edges.attrs.update(attrs)
    return g, edges


def _walk(p: nx.MultiDiGraph, start: str) -> list[str]:
    """The nodes of a path graph in order from ``start`` (its edges may point either way)."""
    u = p.to_undirected(as_view=True)
    order, prev = [start], None
    while True:
        nxt = [n for n in sorted(u.neighbors(order[-1])) if n != prev and n not in order]
        if not nxt:
            return order
        prev = order[-1]
        order.append(nxt[0])

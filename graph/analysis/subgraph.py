"""Pull a subgraph from any store into NetworkX with portable Cypher, one query per relationship triple.

Labels and relationship types come from the schema (never from the user), so they are safe to put in
query text; keys travel as parameters. The queries are one per schema triple, with the schema's
properties and captions, which is why they are built here and not kept in ``queries/internal/``.
Nodes are named ``"Label:key"`` (``"Country:RW"``, ``"Company:company-nso-group"``) and carry ``label``,
``key``, ``name`` (from the label's caption in schema.yaml) and a few useful properties.
"""

from __future__ import annotations

import gc
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import networkx as nx

from graph.store.base import Store, StoreError

# The extra properties pulled with a node, per label (what names it is its caption in schema.yaml).
EXTRA_PROPS = {"Country": ("region",), "Incident": ("year", "physical"), "Company": ("hq_country",),
               "Organization": ("kind",), "AccountabilityAction": ("year",)}
# The relationships that make up "who did what, where, with whose help": the accountability core.
CORE_RELS = ("PERPETRATED_BY", "OCCURRED_IN", "ATTRIBUTED_TO", "PART_OF", "FACILITATED", "SUPPLIED")
# Provenance and text-mining relationships, left out of paths and ego networks unless asked for.
PROVENANCE = ("SOURCED_FROM", "MENTIONS")


def factual_rels(store: Store) -> tuple[str, ...]:
    """Every relationship type of the schema except provenance (:data:`PROVENANCE`)."""
    return tuple(r for r in store.schema.rels if r not in PROVENANCE)


def node_id(label: str, key: Any) -> str:
    """The NetworkX node name of a graph node.

    >>> node_id("Country", "RW")
    'Country:RW'
    """
    return f"{label}:{key}"


def split_node_id(nid: str) -> tuple[str, str]:
    """``(label, key)`` of a node name.

    >>> split_node_id("Incident:ref-0002")
    ('Incident', 'ref-0002')
    """
    label, key = nid.split(":", 1)
    return label, key


def triples(store: Store, rel_types: Iterable[str]) -> list[tuple[str, str, str]]:
    """Every ``(type, from_label, to_label)`` the schema allows for the given relationship types."""
    out = []
    for rtype in rel_types:
        rel = store.schema.rel(rtype)
        for a in rel.from_labels:
            for b in rel.to_labels:
                out.append((rtype, a, b))
    return out


def _node_return(store: Store, var: str, label: str, prefix: str) -> list[str]:
    node = store.schema.node(label)
    caption = ", ".join(f"{var}.{p}" for p in node.caption or (node.key,))
    cols = [f"{var}.{node.key} AS {prefix}_key", f"coalesce({caption}) AS {prefix}_name"]
    cols += [f"{var}.{p} AS {prefix}_x_{p}" for p in EXTRA_PROPS.get(label, ())]
    return cols


def _triple_cypher(store: Store, rtype: str, a: str, b: str, where: str = "") -> str:
    props = list(store.schema.rel(rtype).props)
    cols = _node_return(store, "a", a, "a") + _node_return(store, "b", b, "b") + [f"r.{p} AS r_{p}" for p in props]
    return f"MATCH (a:{a})-[r:{rtype}]->(b:{b}) {where} RETURN " + ", ".join(cols)


def _add_node(g: nx.MultiDiGraph, label: str, row: dict[str, Any], prefix: str) -> str:
    nid = node_id(label, row[f"{prefix}_key"])
    if nid not in g:
        attrs = {"label": label, "key": row[f"{prefix}_key"], "name": row[f"{prefix}_name"] or row[f"{prefix}_key"]}
        attrs.update({p: row.get(f"{prefix}_x_{p}") for p in EXTRA_PROPS.get(label, ())})
        g.add_node(nid, **attrs)
    return nid


def _add_rows(g: nx.MultiDiGraph, rtype: str, a: str, b: str, columns: list[str], rows: list[list[Any]]) -> int:
    n = 0
    for values in rows:
        row = dict(zip(columns, values))
        u, v = _add_node(g, a, row, "a"), _add_node(g, b, row, "b")
        props = {k[2:]: val for k, val in row.items() if k.startswith("r_")}
        if not g.has_edge(u, v, key=rtype):
            g.add_edge(u, v, key=rtype, type=rtype, **props)
            n += 1
    return n


# Pulled subgraphs, per store, graph content and relationship types: the analyses of one process (the
# app, `tnr analyze`, a benchmark) share one pull per data version instead of one each (11-67 s at 100k).
_PULLED: OrderedDict[tuple, nx.MultiDiGraph] = OrderedDict()
PULLED_MAX = 4


def _content(store: Store) -> tuple:
    """Where the store is and what it holds (:func:`graph_version`): the cache key of a pulled subgraph."""
    from graph.queries import run_internal

    where = (store.backend, str(getattr(store, "path", "")), getattr(store, "uri", ""), getattr(store, "database", ""))
    v = run_internal(store, "graph_version").iloc[0]
    return where, tuple(v["files"] or ()), int(v["nodes"]), int(v["relationships"])


def load_graph(store: Store, rel_types: Iterable[str] = CORE_RELS) -> nx.MultiDiGraph:
    """The subgraph made of the given relationship types, as a directed multigraph (frozen: callers that
    want to change it copy it first).

    One query per schema triple; nodes and edges are added in sorted order so that every algorithm
    run on the result (and every seeded one) is reproducible on either backend. The result is kept for
    the next call with the same store, graph content (ingested files and counts) and types.
    """
    rel_types = tuple(sorted(set(rel_types)))
    if set(rel_types) < set(CORE_RELS):  # every analysis but paths reads part of the core: pull it once
        return _kept((_content(store), rel_types), lambda: _only(load_graph(store, CORE_RELS), rel_types))
    return _kept((_content(store), rel_types), lambda: _pull(store, rel_types))


def _kept(key: tuple, build) -> nx.Graph:
    """The graph kept under ``key`` in :data:`_PULLED`, built (without garbage collection: :func:`_no_gc`) and
    frozen when it is not there; the least recently used beyond :data:`PULLED_MAX` are dropped."""
    if key not in _PULLED:
        with _no_gc():
            _PULLED[key] = nx.freeze(build())
    _PULLED.move_to_end(key)
    while len(_PULLED) > PULLED_MAX:
        _PULLED.popitem(last=False)
    return _PULLED[key]


def _only(g: nx.MultiDiGraph, rel_types: tuple[str, ...]) -> nx.MultiDiGraph:
    """The part of ``g`` made of ``rel_types``: the graph a pull of those types gives (the same nodes and
    edges in the same sorted order, since ``g``'s order is sorted and filtering keeps it)."""
    keep = set(rel_types)
    edges = [(u, v, k, d) for u, v, k, d in g.edges(keys=True, data=True) if k in keep]
    ends = {u for u, *_ in edges} | {v for _, v, *_ in edges}
    out = nx.MultiDiGraph()
    out.add_nodes_from((n, d) for n, d in g.nodes(data=True) if n in ends)
    out.add_edges_from(edges)
    return out


@contextmanager
def _no_gc() -> Iterator[None]:
    """No cyclic garbage collection while a large graph is built: its hundreds of thousands of new tuples and
    dicts would start a full collection over the growing heap again and again (at 100k incidents the loop
    of :func:`_pull_structure` took 6.6 s with it, 0.9 s without). Nothing built here is garbage."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _row_order(row: list[Any]) -> tuple[str, str]:
    return str(row[0]), str(row[len(row) // 2])


def _pull(store: Store, rel_types: tuple[str, ...]) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    batches = []
    for rtype, a, b in triples(store, rel_types):
        columns, rows = store.rows(_triple_cypher(store, rtype, a, b))
        batches.append((rtype, a, b, columns, sorted(rows, key=_row_order)))
    # add nodes first in a fixed order, then edges, so insertion order does not depend on the backend
    staged = nx.MultiDiGraph()
    for rtype, a, b, columns, rows in batches:
        _add_rows(staged, rtype, a, b, columns, rows)
    for nid in sorted(staged.nodes):
        g.add_node(nid, **staged.nodes[nid])
    for u, v, k, d in sorted(staged.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2])):
        g.add_edge(u, v, key=k, **d)
    return g


def load_structure(store: Store, rel_types: Iterable[str]) -> nx.Graph:
    """What ``simple_undirected(load_graph(store, rel_types))`` gives, made of keys alone: the same nodes, and
    the same neighbours of each node in the same order, so that a search on it (NetworkX's, whose order follows
    the adjacency) finds the same paths in the same order; but no node attributes, and on each edge only
    ``rel``: ``(type, from, to)`` of the relationship an explanation of that step names (the first of the two
    nodes' relationships by type, then by the name of its start node, as ``sorted(rels)[0]`` on the
    ``simple_undirected`` graph). Names and properties of what a search finds: :func:`relationships`.

    One query per schema triple returning two keys (at 100k incidents: 778k relationships in 0.6 s on the
    embedded store, where :func:`load_graph` of the same types takes 50 s); kept like a pulled subgraph.
    """
    rel_types = tuple(sorted(set(rel_types)))
    return _kept(("structure", _content(store), rel_types), lambda: _pull_structure(store, rel_types))


def _pull_structure(store: Store, rel_types: tuple[str, ...]) -> nx.Graph:
    edges: set[tuple[str, str, str]] = set()
    for rtype, a, b in triples(store, rel_types):
        cols = store.columns(f"MATCH (a:{a})-[r:{rtype}]->(b:{b}) "
                             f"RETURN a.{store.schema.node(a).key} AS a, b.{store.schema.node(b).key} AS b")
        edges.update((node_id(a, u), node_id(b, v), rtype) for u, v in zip(cols["a"], cols["b"]))
    # load_graph adds nodes sorted, then edges sorted by (from, to, type); simple_undirected adds its nodes in
    # that order, then each pair of nodes at its first relationship in that order: the same here
    data: dict[tuple[str, str], dict[str, tuple[str, str, str]]] = {}
    added = []
    for u, v, k in sorted(edges):
        if u == v:
            continue
        pair = (u, v) if u < v else (v, u)
        d = data.get(pair)
        if d is None:
            data[pair] = d = {"rel": (k, u, v)}
            added.append((u, v, d))
        elif (k, u) < d["rel"][:2]:
            d["rel"] = (k, u, v)
    g = nx.Graph()
    g.add_nodes_from(sorted({u for u, _, _ in edges} | {v for _, v, _ in edges}))
    g.add_edges_from(added)
    return g


def relationships(store: Store, rels: Iterable[tuple[str, str, str]]) -> nx.MultiDiGraph:
    """The given relationships (``(type, from, to)``, node names) and their end nodes as :func:`load_graph`
    has them: node attributes, the relationship's properties (of the first relationship in load_graph's row
    order, when two of one type join the same nodes). One query per triple, keys as parameters."""
    wanted: dict[tuple[str, str, str], set[tuple[str, str]]] = {}
    for rtype, u, v in rels:
        (a, ka), (b, kb) = split_node_id(u), split_node_id(v)
        wanted.setdefault((rtype, a, b), set()).add((ka, kb))
    g = nx.MultiDiGraph()
    for (rtype, a, b), pairs in sorted(wanted.items()):
        where = f"WHERE a.{store.schema.node(a).key} IN $froms AND b.{store.schema.node(b).key} IN $tos"
        columns, rows = store.rows(_triple_cypher(store, rtype, a, b, where),
                                   {"froms": sorted({p[0] for p in pairs}), "tos": sorted({p[1] for p in pairs})})
        ia, ib = columns.index("a_key"), columns.index("b_key")
        rows = [r for r in rows if (str(r[ia]), str(r[ib])) in pairs]
        _add_rows(g, rtype, a, b, columns, sorted(rows, key=_row_order))
    return g


def neighbours(store: Store, nodes: list[str], rel_types: Iterable[str]) -> nx.MultiDiGraph:
    """Edges of the given types touching ``nodes`` (both directions), one query per triple and direction."""
    g = nx.MultiDiGraph()
    by_label: dict[str, list[str]] = {}
    for nid in nodes:
        label, key = split_node_id(nid)
        by_label.setdefault(label, []).append(key)
    for rtype, a, b in triples(store, rel_types):
        for side, label in (("a", a), ("b", b)):
            keys = by_label.get(label)
            if not keys:
                continue
            key_prop = store.schema.node(label).key
            cypher = _triple_cypher(store, rtype, a, b, f"WHERE {side}.{key_prop} IN $keys")
            columns, rows = store.rows(cypher, {"keys": keys})
            _add_rows(g, rtype, a, b, columns, rows)
    return g


def resolve(store: Store, ref: str) -> str:
    """The node name for ``ref``: ``"Label:key"``, or a bare key or exact name looked up in every label.

    Raises ``StoreError`` when nothing or more than one node matches.
    """
    if ":" in ref and ref.split(":", 1)[0] in store.schema.nodes:
        label, key = split_node_id(ref)
        kp = store.schema.node(label).key
        _, rows = store.rows(f"MATCH (n:{label}) WHERE n.{kp} = $key RETURN n.{kp}", {"key": key})
        if not rows:
            raise StoreError(f"no {label} with {kp} {key!r}")
        return node_id(label, rows[0][0])
    found = []
    for label in store.schema.nodes:
        kp = store.schema.node(label).key
        cond = f"n.{kp} = $ref"
        if "name" in store.schema.node(label).props:
            cond += " OR n.name = $ref"
        _, rows = store.rows(f"MATCH (n:{label}) WHERE {cond} RETURN n.{kp}", {"ref": ref})
        found += [node_id(label, r[0]) for r in rows]
    if not found:
        raise StoreError(f"no node with key or name {ref!r}")
    if len(found) > 1:
        raise StoreError(f"{ref!r} is ambiguous: {', '.join(sorted(found))}; write it as Label:key")
    return found[0]


def simple_undirected(g: nx.MultiDiGraph) -> nx.Graph:
    """An undirected simple graph; each edge keeps the list of relationships between its two nodes."""
    h = nx.Graph()
    with _no_gc():
        h.add_nodes_from(g.nodes(data=True))
        for u, v, d in g.edges(data=True):
            if u == v:
                continue
            if h.has_edge(u, v):
                h[u][v]["rels"].append({"from": u, "to": v, **d})
            else:
                h.add_edge(u, v, rels=[{"from": u, "to": v, **d}])
    return h


def node_properties(store: Store, nodes: Iterable[str], props: Iterable[str] | None = None) -> dict[str, dict[str, Any]]:
    """The stored properties of ``nodes`` (``Label:key`` names), by node: ``props`` (schema properties of
    each label; all of them by default), one query per label, keys as parameters. Unknown nodes are absent."""
    by_label: dict[str, list[str]] = {}
    for nid in nodes:
        label, key = split_node_id(nid)
        by_label.setdefault(label, []).append(key)
    out: dict[str, dict[str, Any]] = {}
    for label, keys in sorted(by_label.items()):
        node = store.schema.node(label)
        wanted = [p for p in (props if props is not None else node.props) if p in node.props]
        cols = [f"n.{node.key} AS key"] + [f"n.{p} AS {p}" for p in wanted if p != node.key]
        columns, rows = store.rows(f"MATCH (n:{label}) WHERE n.{node.key} IN $keys RETURN " + ", ".join(cols),
                                   {"keys": keys})
        for row in rows:
            d = dict(zip(columns, row))
            key = d.pop("key")
            out[node_id(label, key)] = {node.key: key, **d} if node.key in wanted else d
    return out

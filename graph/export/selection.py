"""What to export, as one NetworkX ``MultiDiGraph`` with every property of every node and relationship.

A selection is a set of nodes and the relationships among them, read in full from the store (the
analyses' graphs carry only a few properties). Nodes are named ``"Label:key"`` and carry
``node_label`` (the label) and every non-null schema property; relationships are keyed by type and carry
``rel_type`` and every non-null property, provenance (``source_record``, ``source_records``,
``source_urls``) included. ``node_label``/``rel_type`` are no schema property's name, so they never clash
(a Tactic has a property called ``label``).

- :func:`whole_graph`: every node and relationship (``--all``);
- :func:`ego_selection`: an ego network (``graph/analysis/ego.py``) with optional label filter;
- :func:`path_selection`: the nodes of the paths between two entities (``graph/analysis/paths.py``)
  and every relationship between consecutive nodes of a path;
- :func:`query_selection`: a named query's result: the nodes named by the columns that the query's header
  lists under ``nodes:`` (column -> label; a list column names several), and every relationship among them.

Provenance relationships (SOURCED_FROM, MENTIONS) and their Source nodes come along with ``sources=True``
(always for the whole graph).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from graph import ids
from graph.analysis.subgraph import PROVENANCE, factual_rels, node_id, split_node_id
from graph.store.base import Store, StoreError
from graph.store.snapshot import node_rows, rel_rows, triples

NODE_LABEL = "node_label"
REL_TYPE = "rel_type"


@dataclass
class Selection:
    """A graph to export and how it was chosen (what the export's metadata says)."""

    graph: nx.MultiDiGraph
    kind: str  # all, ego, path, query
    query: str | None = None
    parameters: dict[str, Any] = field(default_factory=dict)
    redaction: dict[str, Any] = field(default_factory=dict)


def _add_node(g: nx.MultiDiGraph, label: str, row: dict[str, Any], key_prop: str) -> None:
    g.add_node(node_id(label, row[key_prop]), **{NODE_LABEL: label},
               **{k: v for k, v in row.items() if v is not None})


def _add_rel(g: nx.MultiDiGraph, rtype: str, a: str, b: str, row: dict[str, Any]) -> None:
    props = {k: v for k, v in row.items() if v is not None and k not in ("_from", "_to")}
    g.add_edge(node_id(a, row["_from"]), node_id(b, row["_to"]), key=rtype, **{REL_TYPE: rtype}, **props)


def _sorted(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The same graph with nodes and edges in sorted order, so every export is byte-for-byte reproducible."""
    out = nx.MultiDiGraph()
    out.add_nodes_from(sorted(g.nodes(data=True), key=lambda n: n[0]))
    out.add_edges_from(sorted(g.edges(keys=True, data=True), key=lambda e: (e[0], e[2], e[1])))
    return out


def whole_graph(store: Store) -> nx.MultiDiGraph:
    """Every node and relationship of the store, with all properties."""
    g = nx.MultiDiGraph()
    for label, node in store.schema.nodes.items():
        for row in node_rows(store, label):
            _add_node(g, label, row, node.key)
    for rtype, a, b in triples(store):
        for row in rel_rows(store, rtype, a, b):
            _add_rel(g, rtype, a, b, row)
    return _sorted(g)


def fill(store: Store, nodes: Iterable[str], rel_types: Iterable[str],
         pairs: set[frozenset[str]] | None = None) -> nx.MultiDiGraph:
    """The given nodes (``Label:key``) in full, and the relationships of ``rel_types`` among them.

    ``pairs``, when given, keeps only relationships between those pairs of nodes (either direction).
    """
    by_label: dict[str, list[str]] = defaultdict(list)
    for nid in sorted(set(nodes)):
        label, key = split_node_id(nid)
        by_label[label].append(key)
    g = nx.MultiDiGraph()
    for label, keys in by_label.items():
        for row in node_rows(store, label, keys):
            _add_node(g, label, row, store.schema.node(label).key)
    wanted = set(rel_types)
    for rtype, a, b in triples(store):
        if rtype not in wanted or a not in by_label or b not in by_label:
            continue
        for row in rel_rows(store, rtype, a, b, by_label[a], by_label[b]):
            u, v = node_id(a, row["_from"]), node_id(b, row["_to"])
            if pairs is None or frozenset((u, v)) in pairs:
                _add_rel(g, rtype, a, b, row)
    return _sorted(g)


def _rel_types(store: Store, sources: bool) -> tuple[str, ...]:
    return factual_rels(store) + (PROVENANCE if sources else ())


def _with_sources(store: Store, g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Add the Source nodes the selection's nodes are SOURCED_FROM or MENTIONED by, and those relationships."""
    nodes = set(g.nodes)
    for rtype, a, b in triples(store):
        if rtype not in PROVENANCE:
            continue
        inner = a if rtype == "SOURCED_FROM" else b
        keys = [split_node_id(n)[1] for n in nodes if split_node_id(n)[0] == inner]
        if keys:
            rows = rel_rows(store, rtype, a, b, *((keys, None) if rtype == "SOURCED_FROM" else (None, keys)))
            nodes |= {node_id("Source", r["_to" if rtype == "SOURCED_FROM" else "_from"]) for r in rows}
    return fill(store, nodes, _rel_types(store, True))


def ego_selection(store: Store, entity: str, depth: int = 2, max_nodes: int = 100, sources: bool = False,
                  labels: Iterable[str] = ()) -> nx.MultiDiGraph:
    """An ego network in full: the nodes ``ego_network`` admits (``labels``, if given, keeps only nodes of
    those labels, the centre always) and the relationships among them that it followed."""
    from graph.analysis.ego import ego_network

    labels = set(labels)
    for label in labels:
        store.schema.node(label)  # unknown labels raise with the list of known ones
    ego, edges = ego_network(store, entity, depth, max_nodes)
    keep = {n for n, d in ego.nodes(data=True) if not labels or d["label"] in labels or n == edges.attrs["centre"]}
    g = fill(store, keep, _rel_types(store, False), {frozenset((u, v)) for u, v in ego.edges() if u in keep and v in keep})
    return _with_sources(store, g) if sources else g


def path_selection(store: Store, source: str, target: str, cutoff: int = 4, max_paths: int = 10,
                   sources: bool = False) -> nx.MultiDiGraph:
    """The nodes on the paths ``paths`` finds and every factual relationship between consecutive nodes."""
    from graph.analysis.paths import paths

    df = paths(store, source, target, cutoff, max_paths)
    if df.empty:
        raise StoreError(f"no path between {source!r} and {target!r} within {cutoff} relationships")
    nodes, pairs = set(), set()
    for p in df["nodes"]:
        nodes |= set(p)
        pairs |= {frozenset((u, v)) for u, v in zip(p, p[1:])}
    g = fill(store, nodes, _rel_types(store, False), pairs)
    return _with_sources(store, g) if sources else g


def query_selection(store: Store, name: str, params: dict[str, Any], sources: bool = False) -> nx.MultiDiGraph:
    """The nodes a named query's result names (header ``nodes:``) and every relationship among them."""
    from graph.queries import QueryError, get_query, run_query

    query = get_query(name)
    if not query.nodes:
        raise QueryError(f"query {name} declares no node columns (header `nodes:`), so it has no subgraph to export")
    df = run_query(store, name, params)
    nodes = set()
    for column, label in query.nodes.items():
        store.schema.node(label)
        for value in df[column]:
            for key in value if isinstance(value, list) else [value]:
                if key not in (None, "") and not (isinstance(key, float) and key != key):
                    nodes.add(node_id(label, key))
    g = fill(store, nodes, _rel_types(store, sources))
    return _with_sources(store, g) if sources else g


def redact(g: nx.MultiDiGraph) -> tuple[nx.MultiDiGraph, dict[str, Any]]:
    """Pseudonymise every non-public Person that still has a real name (a store ingested with
    ``--keep-private-names``): new key and name as at ingest, so no export carries the name.

    Returns the graph and what was done (the export's ``redaction`` metadata).
    """
    persons = [(n, d) for n, d in g.nodes(data=True) if d[NODE_LABEL] == "Person"]
    already = sum(1 for _, d in persons if d.get("pseudonymised"))
    mapping, out = {}, g.copy()
    for n, d in persons:
        if d.get("public_figure") or d.get("pseudonymised"):
            continue
        key = ids.private_person_id(d["name"])
        out.nodes[n].update(id=key, name=ids.pseudonym(d["name"]), pseudonymised=True)
        mapping[n] = node_id("Person", key)
    if mapping:
        out = _sorted(nx.relabel_nodes(out, mapping))
    return out, {"persons": len(persons), "pseudonymised_at_ingest": already,
                 "pseudonymised_at_export": len(mapping),
                 "rule": "non-public persons carry their pseudonym, never their name",
                 "free_text_redacted": False}


"""Read a whole graph out of any store, label by label and triple by triple, and fingerprint it.

:func:`node_rows` and :func:`rel_rows` are what ``tnr sync`` copies; :func:`graph_hash` is the canonical
hash of ``tnr stats --hash``: equal graphs give equal hashes on either backend, so a test (or an
operator) can tell that two databases hold the same graph, or that a re-run ingest changed nothing.

The Cypher here is one query per label and per relationship triple, with every property of the schema,
so it is built from the schema's names (never from input) rather than kept in ``queries/internal/``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import Any

from graph.store.base import Store

HASH_VERSION = "tnr-graph-hash-1"


def node_rows(store: Store, label: str, keys: list[Any] | None = None) -> list[dict[str, Any]]:
    """Every node of ``label`` (or only those whose key is in ``keys``) as a dict of all its schema properties."""
    node = store.schema.node(label)
    cols = ", ".join(f"n.{p} AS {p}" for p in node.props)
    where = f" WHERE n.{node.key} IN $keys" if keys is not None else ""
    names, rows = store.rows(f"MATCH (n:{label}){where} RETURN {cols}", {"keys": list(keys)} if keys is not None else None)
    return [dict(zip(names, r)) for r in rows]


def rel_rows(store: Store, rel_type: str, from_label: str, to_label: str, from_keys: list[Any] | None = None,
             to_keys: list[Any] | None = None) -> list[dict[str, Any]]:
    """Every ``rel_type`` relationship from ``from_label`` to ``to_label``: ``_from``, ``_to`` and its properties.

    ``from_keys``/``to_keys``, when given, keep only relationships between those nodes.
    """
    ka, kb = store.schema.node(from_label).key, store.schema.node(to_label).key
    cols = "".join(f", r.{p} AS {p}" for p in store.schema.rel(rel_type).props)
    conds, params = [], {}
    if from_keys is not None:
        conds.append(f"a.{ka} IN $from_keys")
        params["from_keys"] = list(from_keys)
    if to_keys is not None:
        conds.append(f"b.{kb} IN $to_keys")
        params["to_keys"] = list(to_keys)
    where = f" WHERE {' AND '.join(conds)}" if conds else ""
    names, rows = store.rows(
        f"MATCH (a:{from_label})-[r:{rel_type}]->(b:{to_label}){where} RETURN a.{ka} AS _from, b.{kb} AS _to{cols}",
        params or None)
    return [dict(zip(names, r)) for r in rows]


def triples(store: Store) -> list[tuple[str, str, str]]:
    """Every (relationship type, from label, to label) the schema allows."""
    return [(r.type, a, b) for r in store.schema.rels.values() for a, b in r.pairs()]


def _canonical(value: Any) -> Any:
    # List properties are sets in meaning (provenance, aliases, goods): their order depends on load order.
    if isinstance(value, list):
        return sorted((_canonical(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def canonical_lines(store: Store) -> Iterator[str]:
    """One JSON line per node and per relationship, sorted; nulls left out, lists as sorted sets."""
    for label in store.schema.nodes:
        lines = []
        for row in node_rows(store, label):
            props = {k: _canonical(v) for k, v in row.items() if v is not None}
            lines.append(json.dumps(["node", label, props], sort_keys=True, ensure_ascii=False))
        yield from sorted(lines)
    for rtype, a, b in triples(store):
        lines = []
        for row in rel_rows(store, rtype, a, b):
            props = {k: _canonical(v) for k, v in row.items() if v is not None and k not in ("_from", "_to")}
            lines.append(json.dumps(["rel", rtype, a, row["_from"], b, row["_to"], props], sort_keys=True,
                                    ensure_ascii=False))
        yield from sorted(lines)


def graph_hash(store: Store) -> str:
    """The sha256 of :func:`canonical_lines`: every node, relationship and property, in a fixed order."""
    h = hashlib.sha256(HASH_VERSION.encode())
    for line in canonical_lines(store):
        h.update(line.encode("utf-8"))
        h.update(b"\n")
    return h.hexdigest()

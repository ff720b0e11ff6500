"""Copy a whole graph from one store to another (a laptop's embedded store to a team's Neo4j, and back)."""

from __future__ import annotations

from collections.abc import Callable

from graph.store.base import Store

Progress = Callable[[str, int, int], None]


def copy_graph(source: Store, target: Store, replace: bool = False, progress: Progress | None = None) -> dict:
    """Upsert every node and relationship of ``source`` into ``target``; return the target's counts.

    With ``replace`` the target is emptied first, so it ends up equal to the source; without it the
    source is merged into what the target holds (upserts on keys, as an ingest does).
    """
    schema = source.schema
    steps = list(schema.nodes) + [(r.type, a, b) for r in schema.rels.values() for a, b in r.pairs()]
    target.ensure_schema()
    target.begin()
    try:
        if replace:
            target.clear()
        for n, step in enumerate(steps, start=1):
            if isinstance(step, str):
                node = schema.node(step)
                cols = ", ".join(f"n.{p} AS {p}" for p in node.props)
                names, rows = source.rows(f"MATCH (n:{step}) RETURN {cols}")
                target.upsert_nodes(step, [dict(zip(names, r)) for r in rows])
            else:
                rtype, a, b = step
                ka, kb = schema.node(a).key, schema.node(b).key
                cols = "".join(f", r.{p} AS {p}" for p in schema.rel(rtype).props)
                names, rows = source.rows(
                    f"MATCH (a:{a})-[r:{rtype}]->(b:{b}) RETURN a.{ka} AS _from, b.{kb} AS _to{cols}")
                target.upsert_rels(rtype, a, b, [dict(zip(names, r)) for r in rows])
            if progress:
                progress("copy", n, len(steps))
        target.commit()
    except BaseException:
        target.rollback()
        raise
    return target.counts()

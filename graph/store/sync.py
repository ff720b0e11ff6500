"""Copy a whole graph from one store to another (a laptop's embedded store to a team's Neo4j, and back)."""

from __future__ import annotations

from collections.abc import Callable

from graph.store.base import Store
from graph.store.snapshot import node_rows, rel_rows, triples

Progress = Callable[[str, int, int], None]


def copy_graph(source: Store, target: Store, replace: bool = False, progress: Progress | None = None) -> dict:
    """Upsert every node and relationship of ``source`` into ``target``; return the target's counts.

    With ``replace`` the target is emptied first, so it ends up equal to the source; without it the
    source is merged into what the target holds (upserts on keys, as an ingest does).
    """
    steps: list = list(source.schema.nodes) + triples(source)
    target.ensure_schema()
    with target.transaction():
        if replace:
            target.clear()
        for n, step in enumerate(steps, start=1):
            if isinstance(step, str):
                target.upsert_nodes(step, node_rows(source, step))
            else:
                target.upsert_rels(*step, rel_rows(source, *step))
            if progress:
                progress("copy", n, len(steps))
    return target.counts()

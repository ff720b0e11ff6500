"""Stores: the embedded default (Ladybug) and a Neo4j server, behind one interface."""

from __future__ import annotations

import os
from pathlib import Path

from graph.store.base import Store, StoreError

DEFAULT_DB = Path("data/tnr.lbug")
BACKENDS = ("embedded", "neo4j")


def default_db() -> Path:
    return Path(os.environ.get("TNR_DB", DEFAULT_DB))


def default_backend() -> str:
    return os.environ.get("TNR_BACKEND", "embedded")


def open_store(db: str | Path | None = None, write: bool = False, backend: str | None = None,
               whole: bool = True) -> Store:
    """Open the configured store. ``db`` is the Ladybug path (embedded backend only). A reader (``write`` false)
    is refused a graph that holds part of an unfinished ingest unless ``whole`` is false."""
    backend = backend or default_backend()
    if backend == "embedded":
        from graph.store.embedded import EmbeddedStore

        store: Store = EmbeddedStore(db or default_db(), write=write)
    elif backend == "neo4j":
        from graph.store.neo4j import Neo4jStore

        store = Neo4jStore.from_env(write=write)
    else:
        raise StoreError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")
    if not write and whole:
        try:
            refuse_unfinished(store)
        except BaseException:
            store.close()
            raise
    return store


def refuse_unfinished(store: Store) -> None:
    """Raise :class:`StoreError` if an ingest wrote part of some file and has not finished it (see
    queries/internal/unfinished_inputs.cypher): answers from such a graph would silently miss the rest."""
    from graph.queries import run_internal

    try:
        files = sorted(set(run_internal(store, "unfinished_inputs").path))
    except StoreError:  # a graph made before ingests marked their files pending (no Source.loaded_with yet)
        return
    if files:
        shown = ", ".join(files[:5]) + (f" and {len(files) - 5} more" if len(files) > 5 else "")
        raise StoreError(f"the graph holds part of an ingest of {shown} that has not finished (it is still running, "
                         f"or it stopped part-way); if none is running, run the same `tnr ingest` again to complete it")


__all__ = ["Store", "StoreError", "open_store", "refuse_unfinished", "default_db", "default_backend", "BACKENDS"]

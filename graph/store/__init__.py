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


def open_store(db: str | Path | None = None, write: bool = False, backend: str | None = None) -> Store:
    """Open the configured store. ``db`` is the Ladybug path (embedded backend only)."""
    backend = backend or default_backend()
    if backend == "embedded":
        from graph.store.embedded import EmbeddedStore

        return EmbeddedStore(db or default_db(), write=write)
    if backend == "neo4j":
        from graph.store.neo4j import Neo4jStore

        return Neo4jStore.from_env(write=write)
    raise StoreError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")


__all__ = ["Store", "StoreError", "open_store", "default_db", "default_backend", "BACKENDS"]

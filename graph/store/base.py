"""What every backend offers: read Cypher into a DataFrame, upsert batches, count."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pandas as pd

from graph.schema import Schema, load_schema


class StoreError(RuntimeError):
    """A store problem with a message fit for a user (no traceback needed)."""


class QueryTimedOut(StoreError):
    """A read stopped at its time limit (:meth:`Store.bounded_rows`)."""


class QueryFailed(StoreError):
    """The engine refused the query text itself (syntax, unknown function, a write in a read transaction): the
    store is fine (:meth:`Store.bounded_rows`)."""


class Store(ABC):
    backend: str = "?"
    write_rows = 20_000  # rows per upsert call an ingest makes (graph/store/neo4j.py splits them further)

    def __init__(self, schema: Schema | None = None):
        self.schema = schema or load_schema()

    # reads -------------------------------------------------------------------------------------
    @abstractmethod
    def rows(self, cypher: str, params: dict[str, Any] | None = None) -> tuple[list[str], list[list[Any]]]:
        """Run a read query; return column names and rows of plain Python values."""

    def columns(self, cypher: str, params: dict[str, Any] | None = None) -> dict[str, list[Any]]:
        """Run a read query; return its result by column (name to values, in row order). For large results of
        scalars (keys), which a backend may read without making a Python row each (the embedded one: Arrow)."""
        names, rows = self.rows(cypher, params)
        return {c: [r[i] for r in rows] for i, c in enumerate(names)}

    def bounded_rows(self, cypher: str, params: dict[str, Any], max_rows: int,
                     timeout: float) -> tuple[list[str], list[list[Any]]]:
        """Run a read query as the engine returns it (nodes, relationships, paths as the driver gives them), at most
        ``max_rows`` rows, stopped after ``timeout`` seconds (:class:`QueryTimedOut`); a query the engine refuses
        raises :class:`QueryFailed`, any other fault the store's own :class:`StoreError`. The console's reads
        (graph/console.py)."""
        raise StoreError(f"the {self.backend} store cannot run console queries")

    def query(self, cypher: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
        columns, rows = self.rows(cypher, params)
        # object dtype keeps ints as ints and nulls as None (pandas would turn an int column with a null into floats)
        return pd.DataFrame(rows, columns=columns, dtype=object)

    # writes ------------------------------------------------------------------------------------
    @abstractmethod
    def ensure_schema(self) -> None: ...

    @abstractmethod
    def upsert_nodes(self, label: str, rows: list[dict[str, Any]]) -> None:
        """Merge nodes on the label's key; set each non-null property (nulls keep what is there)."""

    @abstractmethod
    def upsert_rels(self, rel_type: str, from_label: str, to_label: str, rows: list[dict[str, Any]]) -> None:
        """Merge relationships; each row has ``_from`` and ``_to`` keys plus properties."""

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """Group writes: commit when the block ends, roll back on any exception (KeyboardInterrupt too).

        On the embedded store the block is one Ladybug transaction up to ``TNR_COMMIT_ROWS`` rows written, an
        exception leaving the store as it was; a larger block commits every ``TNR_COMMIT_ROWS`` rows (Ladybug
        holds a transaction's uncommitted rows in memory), and an exception keeps the parts committed before
        it. Neo4j writes each upsert batch (``TNR_NEO4J_BATCH`` rows) in its own managed transaction,
        which the driver retries on transient errors; so there each batch is atomic, a failure keeps the
        batches written before it, and running the same ingest or sync again completes it (upserts are
        idempotent).
        """
        self._begin()
        try:
            yield self
        except BaseException:
            self._rollback()
            raise
        self._commit()

    @contextmanager
    def writing(self) -> Iterator[Store]:
        """Hold off other writers, and tell readers an ingest is under way, from an ingest's first read of the
        graph (names to resolve, inputs already loaded) to its last write, so that what it read stays true.
        The embedded store's lock file does so from the moment it opens for writing; Neo4j claims its ingest
        marker (graph/store/ingest_marker.py)."""
        yield self

    def _begin(self) -> None:  # noqa: B027 - backends without a long transaction keep these no-ops
        pass

    def _commit(self) -> None:  # noqa: B027
        pass

    def _rollback(self) -> None:  # noqa: B027
        pass

    @abstractmethod
    def clear(self) -> None:
        """Delete every node and relationship."""

    def start_afresh(self) -> None:
        """Empty the graph for a rebuild (``tnr ingest --rebuild``). A backend that can, leaves no trace of the old
        graph behind (the embedded store starts a new file); the default deletes everything. Neo4j, which cannot put
        a deleted graph back, deletes it at the rebuild's first write and reads as empty until then."""
        self.clear()

    def forget_previous(self) -> None:  # noqa: B027 - the rebuild succeeded: drop what start_afresh set aside
        pass

    def restore_previous(self) -> None:  # noqa: B027 - the rebuild failed: put back what start_afresh set aside
        pass

    # counts ------------------------------------------------------------------------------------
    def counts(self) -> dict[str, dict[str, int]]:
        """Nodes per label and relationships per type, every schema name present (0 if none).

        One query per schema label and type, so the text is built from the schema's names here.
        """
        nodes = {}
        for label in self.schema.nodes:
            _, r = self.rows(f"MATCH (n:{label}) RETURN count(n) AS c")
            nodes[label] = int(r[0][0])
        rels = {}
        for rtype in self.schema.rels:
            _, r = self.rows(f"MATCH ()-[r:{rtype}]->() RETURN count(r) AS c")
            rels[rtype] = int(r[0][0])
        return {"nodes": nodes, "relationships": rels}

    def close(self) -> None:  # noqa: B027 - optional for backends
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

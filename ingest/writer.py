"""The graph writer: mapped records in, upserts out.

Records are merged in an in-memory :class:`~ingest.batch.Batch` of at most ``chunk`` records, then set aside
on disk (:mod:`ingest.spill`) and forgotten, so the mapped rows held follow the chunk, not the input. At the
end (or when a later input needs the graph complete, see :meth:`GraphWriter.drain`) each table is read back,
its rows merged by key with the upsert rule and written in slices of the store's ``write_rows``: file
``Source`` nodes first, then the other nodes by label, then relationships by type and endpoint labels. The
upsert rule makes the result independent of the chunk size.

    with store.transaction(), GraphWriter(store, schema) as writer:
        writer.add(record_graph)  # sets the chunk aside every ``chunk`` records; leaving the block writes it all
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from graph.schema import Schema
from graph.store.base import Store
from ingest.batch import Batch, RecordError, RecordGraph, Reject
from ingest.spill import Spill, TableKey

CHUNK_RECORDS = int(os.environ.get("TNR_INGEST_CHUNK", "20000"))

Progress = Callable[[str, int, int], None]  # (stage, done, total)


class GraphWriter:
    def __init__(self, store: Store, schema: Schema, chunk: int | None = None, progress: Progress | None = None):
        self.store, self.schema, self.progress = store, schema, progress
        self.chunk = chunk or CHUNK_RECORDS
        self.batch = Batch(schema)
        self.spill = Spill(schema)
        self.rejects: list[Reject] = []
        self.pending = 0  # records in the current chunk
        self.records = 0  # records added in all
        self.written = 0  # node and relationship rows upserted
        self._keys: dict[str, set[str]] = {}  # per label an endpoint check asked: keys in the store or set aside
        self._completed: list[dict[str, Any]] = []  # Source rows marking inputs complete, written after the rest

    def __enter__(self) -> GraphWriter:
        return self

    def __exit__(self, exc_type, *_):
        try:
            if exc_type is None:
                self.drain()
        finally:
            self.spill.close()

    def add(self, rg: RecordGraph) -> None:
        self.batch.add(rg)
        self.pending += 1
        self.records += 1
        if self.pending >= self.chunk:
            self.flush()

    def reject(self, reject: Reject) -> None:
        self.rejects.append(reject)

    def has_node(self, label: str, key: str) -> bool:
        """Is there such a node in this chunk, in an earlier one or in the store."""
        if self.batch.has_node(label, key):
            return True
        if label not in self._keys:  # one query per label: built from the schema's names, not a file
            node = self.schema.node(label)
            _, rows = self.store.rows(f"MATCH (n:{label}) RETURN n.{node.key} AS k")
            self._keys[label] = {r[0] for r in rows}
            if label in self.spill.rows:
                self._keys[label].update(self.spill.key_column(label).to_pylist())
        return key in self._keys[label]

    def check_endpoints(self, rg: RecordGraph) -> None:
        """Refuse a record whose relationship ends neither in the record, nor in the input, nor in the graph."""
        local = {(label, props[self.schema.node(label).key]) for label, props in rg.nodes}
        for _type, fl, fk, tl, tk, _ in rg.rels:
            for label, key, side in ((fl, fk, "from_id"), (tl, tk, "to_id")):
                if (label, key) not in local and not self.has_node(label, key):
                    raise RecordError(side, f"{side}: no {label} with key {key!r} in this input or the graph")

    def flush(self) -> None:
        """Set the current chunk aside and start an empty one."""
        batch, self.batch, self.pending = self.batch, Batch(self.schema), 0
        if not batch.size():
            return
        if self.progress:
            self.progress("records", self.records, 0)
        for label in self.schema.nodes:
            self.spill.add(label, batch.node_rows(label))
            if label in self._keys:
                self._keys[label].update(batch.nodes[label])
        for key in sorted(batch.rels):
            self.spill.add(key, batch.rel_rows(key))

    def drain(self) -> None:
        """Write everything set aside, then the completion marks of the inputs finished so far."""
        self.flush()
        keys = self.spill.keys()
        for key in sorted(keys, key=lambda k: k != "Source"):  # an input's file Source before any of its rows
            table = self.spill.merged(key)
            for i in range(0, table.num_rows, self.store.write_rows):
                self._write(key, table.slice(i, self.store.write_rows).to_pylist())
            self.spill.forget(key)
        done, self._completed = self._completed, []
        self._write("Source", done)

    def complete(self, rows: list[dict[str, Any]]) -> None:
        """File Source rows that mark an input's load as complete: written after every row of the input."""
        self._completed.extend(rows)

    def _write(self, key: TableKey, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        if isinstance(key, str):
            self.store.upsert_nodes(key, rows)
        else:
            self.store.upsert_rels(*key, rows)
        self.written += len(rows)
        if self.progress:
            self.progress("write-nodes" if isinstance(key, str) else "write-rels", self.written, 0)

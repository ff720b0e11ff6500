"""The graph writer: mapped records in, upserts out, a chunk at a time.

Records are merged in an in-memory :class:`~ingest.batch.Batch` of at most ``chunk`` records, then written
(nodes by label, then relationships by type and endpoint labels, each in ``WRITE_ROWS`` slices) and
forgotten, so the mapped rows held follow the chunk, not the input. The upsert rule makes the result independent of
the chunk size: a chunk merges into what earlier chunks stored exactly as into an in-memory batch.

    with store.transaction(), GraphWriter(store, schema) as writer:
        writer.add(record_graph)  # flushes every ``chunk`` records; leaving the block flushes the rest
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from graph.schema import Schema
from graph.store.base import Store
from ingest.batch import Batch, RecordError, RecordGraph, Reject

CHUNK_RECORDS = int(os.environ.get("TNR_INGEST_CHUNK", "20000"))
WRITE_ROWS = 20_000

Progress = Callable[[str, int, int], None]  # (stage, done, total)


class GraphWriter:
    def __init__(self, store: Store, schema: Schema, chunk: int | None = None, progress: Progress | None = None):
        self.store, self.schema, self.progress = store, schema, progress
        self.chunk = chunk or CHUNK_RECORDS
        self.batch = Batch(schema)
        self.rejects: list[Reject] = []
        self.pending = 0  # records in the current chunk
        self.records = 0  # records added in all
        self.written = 0  # node and relationship rows upserted (a row met in several chunks counts each time)
        self._keys: dict[str, set[str]] = {}  # per label, the keys in the store, for labels an endpoint check asked

    def __enter__(self) -> GraphWriter:
        return self

    def __exit__(self, exc_type, *_):
        if exc_type is None:
            self.flush()

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
        return key in self._keys[label]

    def check_endpoints(self, rg: RecordGraph) -> None:
        """Refuse a record whose relationship ends neither in the record, nor in the input, nor in the graph."""
        local = {(label, props[self.schema.node(label).key]) for label, props in rg.nodes}
        for _type, fl, fk, tl, tk, _ in rg.rels:
            for label, key, side in ((fl, fk, "from_id"), (tl, tk, "to_id")):
                if (label, key) not in local and not self.has_node(label, key):
                    raise RecordError(side, f"{side}: no {label} with key {key!r} in this input or the graph")

    def flush(self) -> None:
        """Write the current chunk and start an empty one."""
        batch, self.batch, self.pending = self.batch, Batch(self.schema), 0
        if not batch.size():
            return
        if self.progress:
            self.progress("records", self.records, 0)
        for label in self.schema.nodes:
            rows = batch.node_rows(label)
            self._write("write-nodes", lambda part, _l=label: self.store.upsert_nodes(_l, part), rows)
            if label in self._keys:
                self._keys[label].update(batch.nodes[label])
        for key in sorted(batch.rels):
            self._write("write-rels", lambda part, _k=key: self.store.upsert_rels(*_k, part), batch.rel_rows(key))

    def complete(self, rows: list[dict[str, Any]]) -> None:
        """Upsert file Source rows that mark an input's load as complete: written after every row of the input."""
        self.flush()
        self._write("write-nodes", lambda part: self.store.upsert_nodes("Source", part), rows)

    def _write(self, stage: str, upsert: Callable[[list[dict[str, Any]]], None], rows: list[dict[str, Any]]) -> None:
        for i in range(0, len(rows), WRITE_ROWS):
            upsert(rows[i:i + WRITE_ROWS])
            self.written += len(rows[i:i + WRITE_ROWS])
            if self.progress:
                self.progress(stage, self.written, 0)

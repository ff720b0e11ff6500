"""The embedded default store: a Ladybug database in one file on disk."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import ladybug
import pyarrow as pa

from graph.schema import Prop, Schema, ladybug_ddl
from graph.store.base import Store, StoreError
from graph.store.locking import DatabaseBusy, DbLock, IngestInProgress

_ARROW = {"STRING": pa.string(), "INT64": pa.int64(), "DOUBLE": pa.float64(), "BOOL": pa.bool_(),
          "STRING[]": pa.list_(pa.string())}


def _column(prop: Prop, rows: list[dict[str, Any]], name: str) -> pa.Array:
    return pa.array([r.get(name) for r in rows], type=_ARROW[prop.type])


class EmbeddedStore(Store):
    """Ladybug on disk. Readers open it read-only under a shared lock, the writer under an exclusive one.

    Writes happen in one transaction per :meth:`transaction` block, so a crash mid-ingest leaves the
    previous graph.
    """

    backend = "embedded"
    dialect = "ladybug"

    def __init__(self, path: str | Path, write: bool = False, schema: Schema | None = None,
                 lock_timeout: float | None = None):
        super().__init__(schema)
        self.path = Path(path)
        self.write = write
        if lock_timeout is None:
            lock_timeout = float(os.environ.get("TNR_LOCK_TIMEOUT", "120" if write else "10"))
        if not write and not self.path.exists():
            raise StoreError(f"no database at {self.path}; load data first with `tnr ingest PATH`")
        self._lock = DbLock(self.path, exclusive=write, timeout=lock_timeout)
        try:
            self._lock.acquire()
        except (IngestInProgress, DatabaseBusy) as e:
            raise StoreError(str(e)) from None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = ladybug.Database(str(self.path), read_only=not write)
            self._conn = ladybug.Connection(self._db)
        except Exception as e:  # ladybug raises RuntimeError with its own text
            self._lock.release()
            raise StoreError(f"cannot open {self.path}: {e}") from None

    def close(self) -> None:
        if getattr(self, "_conn", None) is not None:
            self._conn.close()
            self._db.close()
            self._conn = None
        self._lock.release()

    # reads -------------------------------------------------------------------------------------
    def rows(self, cypher, params=None):
        try:
            res = self._conn.execute(cypher, params or {})
        except RuntimeError as e:
            raise StoreError(f"query failed on {self.path}: {e}") from None
        columns = res.get_column_names()
        rows = res.get_all()
        res.close()
        return columns, rows

    # writes ------------------------------------------------------------------------------------
    def _exec(self, cypher: str, params: dict | None = None) -> None:
        if not self.write:
            raise StoreError(f"{self.path} is open read-only")
        self._conn.execute(cypher, params or {})

    def ensure_schema(self) -> None:
        for stmt in ladybug_ddl(self.schema):
            self._exec(stmt)

    def begin(self) -> None:
        self._exec("BEGIN TRANSACTION")

    def commit(self) -> None:
        self._exec("COMMIT")

    def rollback(self) -> None:
        self._exec("ROLLBACK")

    def clear(self) -> None:
        """Delete every node and relationship."""
        self._exec("MATCH (n) DETACH DELETE n")

    def upsert_nodes(self, label, rows):
        if not rows:
            return
        node = self.schema.node(label)
        others = [p for p in node.props.values() if p.name != node.key]
        table = pa.table(
            {"k": pa.array([r[node.key] for r in rows], type=pa.string()),
             **{f"p_{p.name}": _column(p, rows, p.name) for p in others}}
        )
        sets = ", ".join(f"n.{p.name} = coalesce(p_{p.name}, n.{p.name})" for p in others)
        self._load(table, f"MERGE (n:{label} {{{node.key}: k}})" + (f" SET {sets}" if sets else ""))

    def upsert_rels(self, rel_type, from_label, to_label, rows):
        if not rows:
            return
        rel = self.schema.rel(rel_type)
        a, b = self.schema.node(from_label), self.schema.node(to_label)
        props = list(rel.props.values())
        table = pa.table(
            {"src": pa.array([r["_from"] for r in rows], type=pa.string()),
             "dst": pa.array([r["_to"] for r in rows], type=pa.string()),
             **{f"p_{p.name}": _column(p, rows, p.name) for p in props}}
        )
        sets = ", ".join(f"r.{p.name} = coalesce(p_{p.name}, r.{p.name})" for p in props)
        self._load(
            table,
            f"MATCH (a:{from_label} {{{a.key}: src}}), (b:{to_label} {{{b.key}: dst}}) "
            f"MERGE (a)-[r:{rel_type}]->(b)" + (f" SET {sets}" if sets else ""),
        )

    def _load(self, table: pa.Table, body: str) -> None:
        # LOAD FROM scans a Python variable by name; the Arrow table carries the exact column types.
        if not self.write:
            raise StoreError(f"{self.path} is open read-only")
        self._conn.execute(f"LOAD FROM $rows {body}", {"rows": table})

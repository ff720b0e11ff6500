"""Mapped rows set aside on disk between the chunks of an ingest and merged once per table at the end.

Ladybug writes large COPYs fast and small updates slowly: a row updated chunk after chunk inside one long
transaction costs more the more the transaction holds, and the uncommitted rows stay in memory (measured in
BENCHMARKS.md). So the writer does not write each chunk: it appends the chunk's rows, one Arrow stream per
table, to a private folder, and :meth:`Spill.merged` later reads one table back and merges the rows that
several chunks gave the same key with the upsert rule, in chunk order: the result is what writing the chunks
one after another would have stored.

>>> from graph.schema import load_schema
>>> schema = load_schema()
>>> with Spill(schema) as spill:
...     spill.add("Company", [{"id": "c1", "name": "One", "aliases": ["A"]}])
...     spill.add("Company", [{"id": "c2", "name": "Two"}, {"id": "c1", "name": None, "aliases": ["B", "A"]}])
...     [(r["id"], r["name"], r["aliases"]) for r in spill.merged("Company").to_pylist()]
[('c2', 'Two', None), ('c1', 'One', ['A', 'B'])]
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from graph.private_files import private_umask
from graph.schema import ARROW_TYPES, Prop, Schema
from graph.store.upsert import merge_props

TableKey = str | tuple[str, str, str]  # a node label, or (relationship type, from label, to label)


PREFIX = "tnr-ingest-"


class Spill:
    def __init__(self, schema: Schema, folder: str | Path | None = None):
        self.schema = schema
        with private_umask():
            self.folder = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=folder))  # 0700
        _remove_orphans(self.folder.parent)
        self._writers: dict[TableKey, pa.ipc.RecordBatchStreamWriter] = {}
        self._paths: dict[TableKey, list[Path]] = {}  # a table read back while rows still come gets another file
        self._files = 0
        self.rows: dict[TableKey, int] = {}

    def __enter__(self) -> Spill:
        return self

    def __exit__(self, *_):
        self.close()

    def close(self) -> None:
        for w in self._writers.values():
            w.close()
        self._writers.clear()
        shutil.rmtree(self.folder, ignore_errors=True)

    def props(self, key: TableKey) -> list[Prop]:
        owner = self.schema.node(key) if isinstance(key, str) else self.schema.rel(key[0])
        return list(owner.props.values())

    def arrow_schema(self, key: TableKey) -> pa.Schema:
        ends = [] if isinstance(key, str) else [pa.field("_from", pa.string()), pa.field("_to", pa.string())]
        return pa.schema(ends + [pa.field(p.name, ARROW_TYPES[p.type]) for p in self.props(key)])

    def add(self, key: TableKey, rows: list[dict[str, Any]]) -> None:
        """Append ``rows`` (as :class:`~ingest.batch.Batch` gives them) to ``key``'s table."""
        if not rows:
            return
        schema = self.arrow_schema(key)
        if key not in self._writers:
            self._files += 1
            path = self.folder / f"{self._files}.arrow"
            self._paths.setdefault(key, []).append(path)
            with private_umask():
                self._writers[key] = pa.ipc.new_stream(str(path), schema)
        self._writers[key].write_batch(pa.RecordBatch.from_pylist(rows, schema=schema))
        self.rows[key] = self.rows.get(key, 0) + len(rows)

    def keys(self) -> list[TableKey]:
        """Tables with rows: node labels in schema order, then relationships."""
        nodes = [k for k in self.schema.nodes if k in self._paths]
        return nodes + sorted(k for k in self._paths if not isinstance(k, str))

    def key_column(self, key: TableKey) -> pa.ChunkedArray:
        """The keys of ``key``'s rows as one string column (a relationship's two ends joined by a NUL)."""
        return _keys(self._read(key), key, self.schema)

    def merged(self, key: TableKey) -> pa.Table:
        """``key``'s rows, one per node key or relationship ends; rows that came several times merged in order."""
        table = self._read(key)
        keys = _keys(table, key, self.schema)
        counts = pc.value_counts(keys)
        repeated = counts.field("values").filter(pc.greater(counts.field("counts"), 1))
        if not len(repeated):
            return table
        again = pc.is_in(keys, value_set=repeated)
        merged: dict[str, dict[str, Any]] = {}
        cut = self.schema.node(key).keep_first if isinstance(key, str) else self.schema.rel(key[0]).keep_first
        for k, row in zip(keys.filter(again).to_pylist(), table.filter(again).to_pylist(), strict=True):
            merge_props(merged.setdefault(k, {}), row, cut)
        rest = table.filter(pc.invert(again))
        return pa.concat_tables([rest, pa.Table.from_pylist(list(merged.values()), schema=table.schema)])

    def _read(self, key: TableKey) -> pa.Table:
        if key in self._writers:  # finish the stream so that it can be read
            self._writers.pop(key).close()
        parts = []
        for path in self._paths[key]:
            with pa.ipc.open_stream(str(path)) as reader:
                parts.append(reader.read_all())
        return pa.concat_tables(parts)

    def forget(self, key: TableKey) -> None:
        """Drop ``key``'s rows once they are written."""
        if key in self._writers:
            self._writers.pop(key).close()
        for path in self._paths.pop(key):
            path.unlink(missing_ok=True)
        self.rows.pop(key, None)

    def __iter__(self) -> Iterator[TableKey]:
        return iter(self.keys())


def _keys(table: pa.Table, key: TableKey, schema: Schema) -> pa.ChunkedArray:
    if isinstance(key, str):
        return table.column(schema.node(key).key)
    return pc.binary_join_element_wise(table.column("_from"), table.column("_to"), "\x00")


def _remove_orphans(parent: Path) -> None:
    """Delete what killed ingests of this user set aside: their folders name a process that is gone."""
    for d in parent.glob(f"{PREFIX}*-*"):
        try:
            if d.stat().st_uid != os.getuid():
                continue
            os.kill(int(d.name[len(PREFIX):].split("-", 1)[0]), 0)
        except ProcessLookupError:
            shutil.rmtree(d, ignore_errors=True)
        except (ValueError, OSError):  # not a name we make, or a live process
            continue

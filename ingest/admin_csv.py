"""``tnr ingest`` of a folder of CSV files in the ``neo4j-admin database import`` header convention, as
``tnr export --format csv`` writes (docs/export.md) or as made for neo4j-admin by hand.

- A node file has an ``:ID`` column (``id:ID``, ``iso2:ID(Country)``, ``:ID(Person)``); the label is
  the ``:LABEL`` cell (the first schema label among its ``;``-separated labels) or else the ID space. A
  named ID column is also a property; the node's key is its key property, else the ID value.
- A relationship file has ``:START_ID``, ``:END_ID`` and ``:TYPE`` (cell, or nothing else); ends are
  found by ID (within the ID space, if named) among the folder's nodes, else as keys of the ID space's
  label in the graph.
- Other columns are ``name:type`` (``long``, ``int``, ``boolean``, ``double``, ``string``, ``string[]``...;
  untyped columns take the schema's type). The array delimiter is the sidecar's (``export.meta.json``,
  ``array_delimiter``), else ``;``. Text cells lose the leading quote that
  :func:`graph.export.base.neutralise` adds against spreadsheet formulas.
- Every node is SOURCED_FROM its CSV file; a relationship keeps the provenance the file gives it and
  gets this file's record where the file gives none.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from graph.export.base import unneutralise
from graph.schema import Prop, load_schema
from ingest import readers
from ingest.batch import RecordError, RecordGraph
from ingest.common import Context, sourced

SIDECAR = "export.meta.json"
COLUMN = re.compile(r"^(?P<name>[^:]*)(?::(?P<type>[A-Za-z_]+(?:\[\])?)(?:\((?P<space>[^)]*)\))?)?$")
TYPES = {"string": "STRING", "long": "INT64", "int": "INT64", "short": "INT64", "byte": "INT64",
         "double": "DOUBLE", "float": "DOUBLE", "boolean": "BOOL", "string[]": "STRING[]"}
META_TYPES = ("ID", "LABEL", "START_ID", "END_ID", "TYPE", "IGNORE")


def _text(path: Path) -> str:
    text, err = readers.read_text(path)  # all of a file or none of it
    if err:
        raise readers.UnreadableFile(f"{path}: {err}")
    return text


def _header(path: Path) -> list[str]:
    try:
        return next(csv.reader(io.StringIO(_text(path), newline="")), [])
    except (readers.UnreadableFile, csv.Error):
        return []


def _kind(header: list[str]) -> str | None:
    types = {m.group("type") for c in header if (m := COLUMN.match(c))}
    if {"START_ID", "END_ID"} <= types:
        return "rels"
    return "nodes" if "ID" in types else None


def is_admin_csv_dir(path: Path) -> bool:
    return path.is_dir() and any(_kind(_header(p)) for p in sorted(path.glob("*.csv")))


def _delimiter(folder: Path) -> str:
    meta = folder / SIDECAR
    if meta.is_file():
        return json.loads(meta.read_text(encoding="utf-8")).get("array_delimiter", ";")
    return ";"


class _Columns:
    def __init__(self, header: list[str], where: Path):
        self.cols = []
        for i, raw in enumerate(header):
            m = COLUMN.match(raw)
            if not m:
                raise RecordError(raw, f"{where}: column {i + 1} {raw!r} is not name:type")
            self.cols.append((m.group("name"), m.group("type") or "", m.group("space")))

    def find(self, kind: str) -> tuple[int, str | None, str] | None:
        for i, (name, t, space) in enumerate(self.cols):
            if t == kind:
                return i, space, name
        return None


def _value(prop: Prop, declared: str, raw: str, delimiter: str) -> Any:
    if raw == "":
        return None
    ptype = TYPES.get(declared, prop.type) if declared else prop.type
    if ptype in ("STRING", "STRING[]"):
        raw = unneutralise(raw)
    try:
        if ptype == "STRING[]":
            return [x for x in raw.split(delimiter)]
        if ptype == "INT64":
            return int(raw)
        if ptype == "DOUBLE":
            return float(raw)
        if ptype == "BOOL":
            if raw.lower() not in ("true", "false"):
                raise ValueError
            return raw.lower() == "true"
    except ValueError:
        raise RecordError(prop.name, f"{prop.name}: expected {ptype}, got {raw!r}") from None
    return raw


def _props(cols: _Columns, row: list[str], owner_props: dict[str, Prop], owner: str, delimiter: str) -> dict[str, Any]:
    out = {}
    for (name, t, _), raw in zip(cols.cols, row):
        if not name or t in META_TYPES and t != "ID":
            continue
        if name not in owner_props:
            if raw != "":
                raise RecordError(name, f"{name}: not a property of {owner} in the schema")
            continue
        out[name] = _value(owner_props[name], "" if t == "ID" else t, raw, delimiter)
    return out


def _node_label(cols: _Columns, row: list[str]) -> str:
    schema = load_schema()
    lab = cols.find("LABEL")
    candidates = unneutralise(row[lab[0]]).split(";") if lab else []
    idc = cols.find("ID")
    candidates.append(idc[1] or "")
    for c in candidates:
        if c in schema.nodes:
            return c
    raise RecordError(":LABEL", f":LABEL: no schema label among {candidates!r}")


def _node_key(cols: _Columns, row: list[str], label: str, delimiter: str) -> tuple[str, str | None, str, dict[str, Any]]:
    node = load_schema().node(label)
    props = _props(cols, row, node.props, label, delimiter)
    i, space, _ = cols.find("ID")
    ident = unneutralise(row[i])
    props.setdefault(node.key, ident)
    return ident, space, props[node.key], props


def _rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(_text(path), newline=""))
    next(reader, None)
    try:
        for row in reader:
            yield reader.line_num, row
    except csv.Error as e:
        raise readers.UnreadableFile(f"{path}: row {reader.line_num}: not CSV: {e}") from None


def records(folder: Path) -> Iterator[tuple[Path, str, int, Any, str | None, Any]]:
    delimiter = _delimiter(folder)
    files = [(p, _kind(_header(p))) for p in sorted(folder.glob("*.csv"))]
    ids: dict[tuple[str | None, str], tuple[str, str]] = {}
    for p, kind in files:  # the id of every node of the folder, for the relationship files
        if kind != "nodes":
            continue
        cols = _Columns(_header(p), p)
        for _, row in _rows(p):
            try:
                label = _node_label(cols, row)
                ident, space, key, _ = _node_key(cols, row, label, delimiter)
            except (RecordError, IndexError):
                continue  # the row is rejected with its reason when it is mapped below
            ids[(space, ident)] = (label, key)
    for kind in ("nodes", "rels"):
        for p, k in files:
            if k != kind:
                continue
            try:
                cols = _Columns(_header(p), p)
            except RecordError as e:
                yield p, str(p), 1, None, e.reason, None
                continue
            for line, row in _rows(p):
                if len(row) != len(cols.cols):
                    yield p, str(p), line, row, f"expected {len(cols.cols)} cells, got {len(row)}", None
                    continue
                mapper = _map_node if kind == "nodes" else _map_rel
                yield p, str(p), line, row, None, (lambda r, ctx, _c=cols, _m=mapper: _m(_c, r, ctx, ids, delimiter))


def _map_node(cols: _Columns, row: list[str], ctx: Context, _ids, delimiter: str) -> RecordGraph:
    rg = RecordGraph()
    label = _node_label(cols, row)
    _, _, key, props = _node_key(cols, row, label, delimiter)
    rg.node(label, props)
    if label != "Source":  # provenance nodes are not themselves sourced
        sourced(rg, ctx, label, key)
    return rg


def _end(cols: _Columns, row: list[str], which: str, ids) -> tuple[str, str]:
    i, space, _ = cols.find(which)
    ident = unneutralise(row[i])
    if (space, ident) in ids:
        return ids[(space, ident)]
    if space in load_schema().nodes:
        return space, ident
    raise RecordError(f":{which}", f":{which}: no node with id {ident!r} in this folder")


def _map_rel(cols: _Columns, row: list[str], ctx: Context, ids, delimiter: str) -> RecordGraph:
    schema = load_schema()
    t = cols.find("TYPE")
    rtype = unneutralise(row[t[0]]) if t else ""
    if rtype not in schema.rels:
        raise RecordError(":TYPE", f":TYPE: {rtype!r} is not a relationship type of the schema")
    (fl, fk), (tl, tk) = _end(cols, row, "START_ID", ids), _end(cols, row, "END_ID", ids)
    props = _props(cols, row, schema.rel(rtype).props, rtype, delimiter)
    given = {k: v for k, v in props.items() if v is not None}
    rg = RecordGraph()
    prov = ctx.provenance() if "source_record" not in given else {}
    rg.rel(rtype, fl, fk, tl, tk, {**prov, **given})
    return rg

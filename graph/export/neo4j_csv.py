"""CSV in the ``neo4j-admin database import`` header convention: a folder with one node file per label
and one relationship file per (type, from label, to label), and ``import.sh``, the neo4j-admin command
that bulk-loads them into an empty database.

- Node files ``nodes_<Label>.csv``: ``<key>:ID(<Label>)`` (the key property, also the ID in the label's
  ID space), ``:LABEL``, then one column per property with its type: ``year:long``, ``physical:boolean``,
  ``aliases:string[]`` (items joined by the array delimiter).
- Relationship files ``rels_<TYPE>_<From>_<To>.csv``: ``:START_ID(<From>)``, ``:END_ID(<To>)``, ``:TYPE``,
  then typed property columns.
- Every text cell (strings, list cells, ids) that a spreadsheet would run as a formula (starts with
  ``= + - @``, tab or CR, or a quote) gets a leading single quote (:func:`graph.export.base.neutralise`);
  ``tnr ingest`` removes exactly that quote again. neo4j-admin keeps it, so a bulk load carries the quote
  in those few values (counted in the sidecar as ``neutralised_cells``).
- The array delimiter is ``;`` unless an item contains one; then the first of ``|``, ``\\x1f`` no item
  contains. It is in ``import.sh`` and in the sidecar ``export.meta.json`` (``array_delimiter``).
"""

from __future__ import annotations

import csv
import shlex
from pathlib import Path
from typing import Any

from graph.export.base import Exporter, neutralise, write_sidecar
from graph.export.selection import NODE_LABEL, REL_TYPE, Selection
from graph.schema import Prop

ADMIN_TYPES = {"STRING": "string", "INT64": "long", "DOUBLE": "double", "BOOL": "boolean", "STRING[]": "string[]"}
DELIMITERS = (";", "|", "\x1f")


def node_file(label: str) -> str:
    return f"nodes_{label}.csv"


def rel_file(rtype: str, a: str, b: str) -> str:
    return f"rels_{rtype}_{a}_{b}.csv"


def array_delimiter(selection: Selection) -> str:
    items = set()
    for _, d in selection.graph.nodes(data=True):
        items |= {x for v in d.values() if isinstance(v, list) for x in v}
    for _, _, d in selection.graph.edges(data=True):
        items |= {x for v in d.values() if isinstance(v, list) for x in v}
    for delim in DELIMITERS:
        if not any(delim in str(x) for x in items):
            return delim
    raise ValueError("every array delimiter (; | \\x1f) occurs in a list item; cannot write neo4j-admin CSV")


class _Cells:
    """Cell text for one export, counting the cells it neutralises."""

    def __init__(self, delimiter: str):
        self.delimiter, self.neutralised = delimiter, 0

    def text(self, value: str) -> str:
        out = neutralise(value)
        self.neutralised += out != value
        return out

    def cell(self, prop: Prop, value: Any) -> str:
        if value is None:
            return ""
        if prop.type == "STRING[]":
            return self.text(self.delimiter.join(map(str, value)))
        if prop.type == "BOOL":
            return "true" if value else "false"
        if prop.type == "STRING":
            return self.text(str(value))
        return str(value)


class Neo4jCSVExporter(Exporter):
    name = "csv"
    suffix = ""

    def write(self, selection: Selection, path: Path, meta: dict[str, Any]) -> list[Path]:
        path.mkdir(parents=True, exist_ok=True)
        delim = array_delimiter(selection)
        cells = _Cells(delim)
        g = selection.graph
        by_label: dict[str, list[dict[str, Any]]] = {}
        for _, d in g.nodes(data=True):
            by_label.setdefault(d[NODE_LABEL], []).append(d)
        by_triple: dict[tuple[str, str, str], list[tuple[str, str, dict[str, Any]]]] = {}
        for u, v, d in g.edges(data=True):
            key = (d[REL_TYPE], g.nodes[u][NODE_LABEL], g.nodes[v][NODE_LABEL])
            by_triple.setdefault(key, []).append((g.nodes[u], g.nodes[v], d))
        written, node_files, rel_files = [], [], []
        for label in self.schema.nodes:
            if label not in by_label:
                continue
            node = self.schema.node(label)
            others = [p for p in node.props.values() if p.name != node.key]
            header = [f"{node.key}:ID({label})", ":LABEL", *(f"{p.name}:{ADMIN_TYPES[p.type]}" for p in others)]
            rows = [[cells.cell(node.props[node.key], d[node.key]), label, *(cells.cell(p, d.get(p.name)) for p in others)]
                    for d in by_label[label]]
            written.append(_write(path / node_file(label), header, rows))
            node_files.append(node_file(label))
        for rtype, a, b in sorted(by_triple):
            rel = self.schema.rel(rtype)
            ka, kb = self.schema.node(a).key, self.schema.node(b).key
            header = [f":START_ID({a})", f":END_ID({b})", ":TYPE",
                      *(f"{p.name}:{ADMIN_TYPES[p.type]}" for p in rel.props.values())]
            rows = [[cells.cell(self.schema.node(a).props[ka], da[ka]), cells.cell(self.schema.node(b).props[kb], db[kb]),
                     rtype, *(cells.cell(p, d.get(p.name)) for p in rel.props.values())]
                    for da, db, d in by_triple[(rtype, a, b)]]
            written.append(_write(path / rel_file(rtype, a, b), header, rows))
            rel_files.append(rel_file(rtype, a, b))
        script = path / "import.sh"
        script.write_text(import_command(node_files, rel_files, delim), encoding="utf-8")
        meta = {**meta, "array_delimiter": delim, "neutralised_cells": cells.neutralised,
                "files": node_files + rel_files}
        return [*written, script, write_sidecar(path, meta)]


def import_command(node_files: list[str], rel_files: list[str], delimiter: str, database: str = "neo4j") -> str:
    """The neo4j-admin command (Neo4j 5) that loads the folder into a new database, run from the folder.

    No ``--overwrite-destination``: neo4j-admin refuses to replace a database that exists, so running it by
    mistake against a live one destroys nothing.
    """
    args = ["neo4j-admin", "database", "import", "full", database, f"--array-delimiter={delimiter}",
            "--multiline-fields=true",
            *(f"--nodes={f}" for f in node_files), *(f"--relationships={f}" for f in rel_files)]
    return ("#!/bin/sh\n# Bulk-load this tnr-graph export into an EMPTY Neo4j database (run from this folder, "
            "server stopped).\n" + " \\\n  ".join(shlex.quote(a) for a in args) + "\n")


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    return path

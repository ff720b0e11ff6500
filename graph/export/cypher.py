"""A Cypher script that recreates the selection in Neo4j: ``cypher-shell -f export.cypher`` or
:func:`run_script` (the Python driver).

No ``:param`` (a cypher-shell-only command): each statement is ``UNWIND <rows> AS row MERGE ...`` with
its rows inline as a Cypher list of map literals, at most :data:`CHUNK` rows a statement, one label or
(type, from label, to label) per statement, so the statement text is fixed and the data are literals
(strings written as JSON strings, which are valid Cypher string literals; labels, types and property
names come from the schema, never from the data). The header comment holds the export's metadata. The
script starts with the schema's uniqueness constraints (idempotent) so MERGE finds nodes by key.
Running it twice changes nothing. One statement per line, each ending with ``;``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from graph.export.base import Exporter
from graph.export.selection import NODE_LABEL, REL_TYPE, Selection
from graph.schema import neo4j_constraints

CHUNK = 500


def literal(value: Any) -> str:
    """A Cypher literal of a property value or map of them.

    >>> literal({"name": 'Say "hi"', "year": 2019, "ok": True, "tags": ["a"]})
    '{name: "Say \\\\"hi\\\\"", year: 2019, ok: true, tags: ["a"]}'
    """
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def _chunks(rows: list[Any]) -> Iterator[list[Any]]:
    for i in range(0, len(rows), CHUNK):
        yield rows[i:i + CHUNK]


class CypherExporter(Exporter):
    name = "cypher"
    suffix = ".cypher"

    def statements(self, selection: Selection) -> Iterator[str]:
        g = selection.graph
        yield from neo4j_constraints(self.schema)
        by_label: dict[str, list[dict[str, Any]]] = {}
        for _, d in g.nodes(data=True):
            by_label.setdefault(d[NODE_LABEL], []).append(d)
        for label in self.schema.nodes:
            key = self.schema.node(label).key
            rows = [{"key": d[key], "props": {k: v for k, v in d.items() if k not in (NODE_LABEL, key)}}
                    for d in by_label.get(label, [])]
            for chunk in _chunks(rows):
                yield (f"UNWIND {literal(chunk)} AS row MERGE (n:{label} {{{key}: row.key}}) SET n += row.props")
        by_triple: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
        for u, v, d in g.edges(data=True):
            a, b = g.nodes[u][NODE_LABEL], g.nodes[v][NODE_LABEL]
            by_triple.setdefault((d[REL_TYPE], a, b), []).append(
                {"from": g.nodes[u][self.schema.node(a).key], "to": g.nodes[v][self.schema.node(b).key],
                 "props": {k: x for k, x in d.items() if k != REL_TYPE}})
        for (rtype, a, b), rows in sorted(by_triple.items()):
            ka, kb = self.schema.node(a).key, self.schema.node(b).key
            for chunk in _chunks(rows):
                yield (f"UNWIND {literal(chunk)} AS row MATCH (a:{a} {{{ka}: row.from}}) MATCH (b:{b} {{{kb}: row.to}}) "
                       f"MERGE (a)-[r:{rtype}]->(b) SET r += row.props")

    def write(self, selection: Selection, path: Path, meta: dict[str, Any]) -> list[Path]:
        with path.open("w", encoding="utf-8") as f:
            f.write("// tnr-graph export: a Cypher script that recreates this subgraph (cypher-shell -f FILE)\n")
            for line in json.dumps(meta, indent=1, ensure_ascii=False).splitlines():
                f.write(f"// {line}\n")
            for stmt in self.statements(selection):
                f.write(stmt + ";\n")
        return [path]


def read_meta(path: Path) -> dict[str, Any]:
    lines = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            if not line.startswith("// "):
                break
            lines.append(line[3:])
    return json.loads("".join(lines[1:]))


def script_statements(path: Path) -> Iterator[str]:
    """The statements of a script written by :class:`CypherExporter` (one a line, comments skipped)."""
    with path.open(encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("//"):
                yield line.removesuffix(";")


def run_script(driver, path: Path, database: str | None = None) -> int:
    """Run a script on a Neo4j server through the Python driver, each statement in its own write
    transaction; return the number of statements run."""
    n = 0
    with driver.session(database=database) as session:
        for stmt in script_statements(path):
            session.execute_write(lambda tx, s=stmt: tx.run(s).consume())
            n += 1
    return n

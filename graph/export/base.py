"""What every export format shares: the metadata an export embeds, the schema types of properties, the
spreadsheet-formula guard, and the :class:`Exporter` base each format module subclasses (as
followthemoney's ``export/`` modules share ``export/common.py``)."""

from __future__ import annotations

import getpass
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import networkx as nx

from graph.export.selection import NODE_LABEL, REL_TYPE, Selection
from graph.safe_text import formula_start
from graph.schema import Prop, Schema, load_schema

TOOL = "tnr-graph"
META_VERSION = "tnr-export-1"
# A cell starting with one of these is read as a formula by spreadsheets (OWASP's CSV injection list);
# a leading quote is guarded too, so that removing one leading quote on the way back is exact.
def _quoted(text: str) -> bool:
    # graph/safe_text.py's formula rule, plus a leading quote, so that the quote added is always removable
    return text.startswith("'") or formula_start(text)


def neutralise(text: str) -> str:
    """``text`` with a leading single quote when a spreadsheet would run it as a formula (the rule of
    :func:`graph.safe_text.formula_start`); losslessly, unlike the display CSV's
    :func:`graph.safe_text.spreadsheet_cell`, so that an import gives back the exact value.

    >>> neutralise("=HYPERLINK(1)"), neutralise("'quoted"), neutralise("NSO Group")
    ("'=HYPERLINK(1)", "''quoted", 'NSO Group')
    """
    return "'" + text if _quoted(text) else text


def unneutralise(text: str) -> str:
    """The inverse of :func:`neutralise`.

    >>> unneutralise(neutralise("-5 days")), unneutralise(neutralise("''")), unneutralise("plain")
    ('-5 days', "''", 'plain')
    """
    return text[1:] if text.startswith("'") and _quoted(text[1:]) else text


def export_user() -> str:
    """Who exports: ``$TNR_USER``, else the login name (``$USER``), else ``unknown``."""
    try:
        return os.environ.get("TNR_USER") or os.environ.get("USER") or getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def metadata(selection: Selection, fmt: str, graph_hash: str, backend: str) -> dict[str, Any]:
    """What an export is: the selection, its parameters, when, the data version and the redaction applied."""
    g = selection.graph
    return {"meta_version": META_VERSION, "tool": TOOL, "format": fmt, "selection": selection.kind,
            "query": selection.query, "parameters": selection.parameters,
            "exported_at": datetime.now(UTC).isoformat(timespec="seconds"), "user": export_user(),
            "backend": backend, "graph_hash": graph_hash, "redaction": selection.redaction,
            "nodes": g.number_of_nodes(), "relationships": g.number_of_edges()}


def sidecar(path: Path) -> Path:
    """Where the metadata of a format without a place for it goes: ``export.meta.json`` inside a CSV
    folder, ``FILE.meta.json`` beside a file."""
    return path / "export.meta.json" if path.is_dir() else path.with_name(path.name + ".meta.json")


def write_sidecar(path: Path, meta: dict[str, Any]) -> Path:
    out = sidecar(path)
    out.write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return out


def prop_of(schema: Schema, element: str, name: str, prop: str) -> Prop | None:
    """The schema property ``prop`` of node label or relationship type ``name`` (None if not in the schema)."""
    owner = schema.node(name) if element == "node" else schema.rel(name)
    return owner.props.get(prop)


class Exporter:
    """One format. ``write`` writes ``selection`` (with ``meta``) to ``path`` and returns the files written."""

    name = "?"
    suffix = ""

    def __init__(self, schema: Schema | None = None):
        self.schema = schema or load_schema()

    def write(self, selection: Selection, path: Path, meta: dict[str, Any]) -> list[Path]:
        raise NotImplementedError

    # helpers for the formats -----------------------------------------------------------------
    @staticmethod
    def nodes(g: nx.MultiDiGraph):
        """(node name, label, properties without the label) for every node."""
        for n, d in g.nodes(data=True):
            yield n, d[NODE_LABEL], {k: v for k, v in d.items() if k != NODE_LABEL}

    @staticmethod
    def edges(g: nx.MultiDiGraph):
        """(from, to, type, properties without the type) for every relationship."""
        for u, v, k, d in g.edges(keys=True, data=True):
            yield u, v, k, {p: x for p, x in d.items() if p != REL_TYPE}

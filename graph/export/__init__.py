"""Subgraph export: a selection (:mod:`graph.export.selection`) written in one of :data:`FORMATS`, with
its metadata embedded and an entry in the audit log (:mod:`graph.export.audit`). One module per format,
on the shared base :mod:`graph.export.base`; the CLI (``tnr export``) and the app call :func:`export`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from graph.export import audit
from graph.export.base import Exporter, metadata
from graph.export.cypher import CypherExporter
from graph.export.ftm import FtMExporter
from graph.export.gexf import GEXFExporter
from graph.export.graphml import GraphMLExporter
from graph.export.neo4j_csv import Neo4jCSVExporter
from graph.export.nodelink import NodeLinkExporter
from graph.export.selection import Selection, redact
from graph.store.base import Store
from graph.store.snapshot import graph_hash

EXPORTERS: dict[str, type[Exporter]] = {e.name: e for e in (GraphMLExporter, GEXFExporter, Neo4jCSVExporter,
                                                            NodeLinkExporter, CypherExporter, FtMExporter)}
FORMATS = tuple(EXPORTERS)


def export(store: Store, selection: Selection, fmt: str, path: Path, audit_log: Path | None = None,
           data_version: str | None = None) -> tuple[list[Path], dict[str, Any]]:
    """Write ``selection`` as ``fmt`` to ``path`` (a folder for csv); return the files and the metadata.

    Non-public persons still under a real name are pseudonymised first (:func:`redact`). ``data_version``
    is the graph hash, computed from ``store`` when not given. ``audit_log``, when given, gets one entry.
    """
    if fmt not in EXPORTERS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    graph, redaction = redact(selection.graph)
    selection = Selection(graph, selection.kind, selection.query, selection.parameters, redaction)
    meta = metadata(selection, fmt, data_version or graph_hash(store), store.backend)
    path = Path(path)
    files = EXPORTERS[fmt](store.schema).write(selection, path, meta)
    if audit_log is not None:
        audit.append(audit_log, {"when": meta["exported_at"], "user": meta["user"], "action": "export",
                                 "format": fmt, "selection": selection.kind, "query": selection.query,
                                 "parameters": selection.parameters, "rows": graph.number_of_nodes(),
                                 "relationships": graph.number_of_edges(), "path": str(path.resolve()),
                                 "graph_hash": meta["graph_hash"], "backend": store.backend})
    return files, meta


__all__ = ["EXPORTERS", "FORMATS", "Selection", "export"]

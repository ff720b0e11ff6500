"""JSON node-link (the networkx and d3 convention): ``{"directed", "multigraph", "graph", "nodes", "edges"}``.

Node ``id`` is ``Label:key``; each node carries ``node_label`` and its properties, each edge ``source``,
``target``, ``key`` (the relationship type), ``rel_type`` and its properties. JSON holds every value as it
is (lists stay lists). ``graph`` holds the export's metadata under ``tnr_export``. Read it back with
``networkx.node_link_graph(data, edges="edges")``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import networkx as nx

from graph.export.base import Exporter
from graph.export.selection import Selection


class NodeLinkExporter(Exporter):
    name = "json"
    suffix = ".json"

    def write(self, selection: Selection, path: Path, meta: dict[str, Any]) -> list[Path]:
        g = nx.MultiDiGraph(selection.graph, tnr_export=meta)
        data = nx.node_link_data(g, edges="edges")
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        return [path]


def read(path: Path) -> nx.MultiDiGraph:
    return nx.node_link_graph(json.loads(path.read_text(encoding="utf-8")), edges="edges")

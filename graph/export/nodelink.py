"""JSON node-link (the networkx and d3 convention): ``{"directed", "multigraph", "graph", "nodes", "edges"}``.

Node ``id`` is ``Label:key``; each node carries ``node_label`` and its properties, each edge ``source``,
``target``, ``key`` (the relationship type), ``rel_type`` and its properties. A property named ``id`` (the
key of most labels) is written ``prop_id``, as in GEXF, since ``id`` is the node's name here. JSON holds
every other value as it is (lists stay lists). ``graph`` holds the export's metadata under ``tnr_export``.
Read it back with ``networkx.node_link_graph(data, edges="edges")`` (and ``prop_id`` is the key) or :func:`read`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import networkx as nx

from graph.export.base import Exporter
from graph.export.gexf import attr_name, prop_name
from graph.export.selection import Selection


class NodeLinkExporter(Exporter):
    name = "json"
    suffix = ".json"

    def write(self, selection: Selection, path: Path, meta: dict[str, Any]) -> list[Path]:
        g = nx.MultiDiGraph(tnr_export=meta)
        g.add_nodes_from((n, {attr_name(k): v for k, v in d.items()}) for n, d in selection.graph.nodes(data=True))
        g.add_edges_from(selection.graph.edges(keys=True, data=True))
        data = nx.node_link_data(g, edges="edges")
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        return [path]


def read(path: Path) -> nx.MultiDiGraph:
    """A node-link export read back with ``networkx.node_link_graph``, ``prop_id`` renamed ``id``."""
    g = nx.node_link_graph(json.loads(path.read_text(encoding="utf-8")), edges="edges")
    out = nx.MultiDiGraph(**g.graph)
    out.add_nodes_from((n, {prop_name(k): v for k, v in d.items()}) for n, d in g.nodes(data=True))
    out.add_edges_from(g.edges(keys=True, data=True))
    return out

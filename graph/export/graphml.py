"""GraphML for Gephi, yEd, Cytoscape and ``networkx.read_graphml``.

Node ids are ``Label:key``; the label and the relationship type are explicit data keys (``node_label``,
``rel_type``; Gephi drops edge labels on the way back), each key is declared with its GraphML type
(``boolean``, ``long``, ``double``, ``string``), and lists (``STRING[]``), which GraphML cannot hold, are
JSON arrays in a string. The export's metadata are graph-level keys named ``tnr_<field>``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import networkx as nx

from graph.export.base import Exporter
from graph.export.selection import NODE_LABEL, REL_TYPE, Selection
from graph.safe_text import xml_text
from graph.schema import Schema, load_schema

GRAPHML_TYPES = {"STRING": "string", "INT64": "long", "DOUBLE": "double", "BOOL": "boolean", "STRING[]": "string"}


def encode(value: Any) -> Any:
    """A value as an XML attribute holds it: lists as JSON text, characters XML forbids replaced."""
    return xml_text(json.dumps(value, ensure_ascii=False) if isinstance(value, list) else value)


def xml_graph(g: nx.MultiDiGraph, value=xml_text) -> nx.MultiDiGraph:
    """A copy of ``g`` that an XML writer accepts: node ids and edge keys through :func:`xml_text`, values
    through ``value`` (the lxml writer refuses control characters, which names and ids from data may hold)."""
    out = nx.MultiDiGraph(**{k: value(v) for k, v in g.graph.items()})
    out.add_nodes_from((xml_text(n), {k: value(v) for k, v in d.items()}) for n, d in g.nodes(data=True))
    out.add_edges_from((xml_text(u), xml_text(v), xml_text(k), {a: value(x) for a, x in d.items()})
                       for u, v, k, d in g.edges(keys=True, data=True))
    return out


def meta_attrs(meta: dict[str, Any]) -> dict[str, Any]:
    """The metadata as flat graph attributes (dicts and lists as JSON text)."""
    return {f"tnr_{k}": json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) or v is None else v
            for k, v in meta.items()}


def flat(selection: Selection, meta: dict[str, Any]) -> nx.MultiDiGraph:
    """A copy of the selection whose values GraphML and GEXF can hold: lists become JSON text."""
    out = xml_graph(selection.graph, encode)
    out.graph.clear()  # the graph's attributes are the export's metadata only
    out.graph.update({k: encode(v) for k, v in meta_attrs(meta).items()})
    return out


def _xml_type(prop_type: str) -> type:
    return {"STRING": str, "INT64": int, "DOUBLE": float, "BOOL": bool, "STRING[]": str}[prop_type]


def decode(schema: Schema, g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A graph read back from GraphML/GEXF with its lists and numbers restored from the schema's types."""
    out = nx.MultiDiGraph(**g.graph)
    for n, d in g.nodes(data=True):
        node = schema.node(d[NODE_LABEL])
        out.add_node(n, **{k: _typed(node.props.get(k), v) for k, v in d.items()})
    for u, v, d in g.edges(data=True):
        rel = schema.rel(d[REL_TYPE])
        out.add_edge(u, v, key=d[REL_TYPE], **{a: _typed(rel.props.get(a), x) for a, x in d.items()})
    return out


def _typed(prop, value: Any) -> Any:
    if prop is None:
        return value
    if prop.type == "STRING[]":
        return json.loads(value)
    if prop.type == "INT64":
        return int(value)
    if prop.type == "DOUBLE":
        return float(value)
    return value


class GraphMLExporter(Exporter):
    name = "graphml"
    suffix = ".graphml"

    def write(self, selection: Selection, path: Path, meta: dict[str, Any]) -> list[Path]:
        g = flat(selection, meta)
        # GraphML keys take the type of the first value written; "long" for INT64 is set explicitly below
        nx.write_graphml(g, path, encoding="utf-8", named_key_ids=True, infer_numeric_types=False)
        _declare_long(path, self.schema)
        return [path]


def _declare_long(path: Path, schema: Schema) -> None:
    """networkx declares Python ints as GraphML ``int`` (32 bits); the schema's INT64 is ``long``."""
    ints = {p.name for owner in [*schema.nodes.values(), *schema.rels.values()] for p in owner.props.values()
            if p.type == "INT64"}
    text = path.read_text(encoding="utf-8")
    for name in ints:
        text = text.replace(f'attr.name="{name}" attr.type="int"', f'attr.name="{name}" attr.type="long"')
    path.write_text(text, encoding="utf-8")


def read(path: Path, schema: Schema | None = None) -> nx.MultiDiGraph:
    """A GraphML export read back with ``networkx.read_graphml``, lists and types restored."""
    g = nx.read_graphml(path, force_multigraph=True)
    return decode(schema or load_schema(), g)

"""GEXF 1.2 for Gephi (``networkx.write_gexf``), with incident dates as spells for Gephi's timeline.

- Node ``id`` is ``Label:key``, the GEXF ``label`` is the node's name (an incident's id); the node label is
  the attribute ``node_label``, the relationship type the edge attribute ``rel_type`` and the edge label.
- Properties whose names GEXF or networkx reserve (``id``, ``label``, ``pid``, ``start``, ``end``,
  ``spells``, ``viz``, ``type``, ``weight``, ``key``) are written as ``prop_<name>`` (a Tactic's ``label``,
  every node's ``id`` key).
- Lists are JSON arrays in a string attribute (as in GraphML).
- An Incident's ``date`` is a spell covering what the date says: ``2019`` is 2019-01-01..2019-12-31,
  ``2019-03`` is 2019-03-01..2019-03-31, a day is that day (timeformat ``date``). Undated incidents and
  other nodes have no spell (Gephi shows them throughout).
- The metadata are a JSON object in ``<meta><description>``, which GEXF provides for that.
"""

from __future__ import annotations

import calendar
import json
from io import BytesIO
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET
from xml.sax.saxutils import escape

import networkx as nx

from graph.export.base import Exporter
from graph.export.graphml import decode, encode, xml_graph
from graph.export.selection import NODE_LABEL, REL_TYPE, Selection
from graph.schema import Schema, load_schema

RESERVED = frozenset({"id", "label", "pid", "start", "end", "spells", "viz", "type", "weight", "key", "networkx_key"})
PREFIX = "prop_"
NS = "http://www.gexf.net/1.2draft"


def attr_name(prop: str) -> str:
    """The GEXF attribute name of a property.

    >>> attr_name("label"), attr_name("name")
    ('prop_label', 'name')
    """
    return PREFIX + prop if prop in RESERVED else prop


def prop_name(attr: str) -> str:
    return attr[len(PREFIX):] if attr.startswith(PREFIX) and attr[len(PREFIX):] in RESERVED else attr


def spell(date: str | None) -> tuple[str, str] | None:
    """The interval a partial ISO date stands for.

    >>> spell("2019"), spell("2020-02"), spell("2021-07-04"), spell(None)
    (('2019-01-01', '2019-12-31'), ('2020-02-01', '2020-02-29'), ('2021-07-04', '2021-07-04'), None)
    """
    if not date:
        return None
    parts = date.split("-")
    if len(parts) == 1:
        return f"{date}-01-01", f"{date}-12-31"
    if len(parts) == 2:
        last = calendar.monthrange(int(parts[0]), int(parts[1]))[1]
        return f"{date}-01", f"{date}-{last:02d}"
    return date, date


class GEXFExporter(Exporter):
    name = "gexf"
    suffix = ".gexf"

    def write(self, selection: Selection, path: Path, meta: dict[str, Any]) -> list[Path]:
        g = selection.graph
        out = nx.MultiDiGraph()
        for n, d in g.nodes(data=True):
            attrs = {attr_name(k): encode(v) for k, v in d.items()}
            attrs["label"] = str(d.get("name") or d.get("id") or n)
            span = spell(d.get("date")) if d[NODE_LABEL] == "Incident" else None
            if span:
                attrs["spells"] = [span]
            out.add_node(n, **attrs)
        for u, v, k, d in g.edges(keys=True, data=True):
            attrs = {attr_name(a): encode(x) for a, x in d.items()}
            out.add_edge(u, v, key=k, id=f"{u}|{k}|{v}", label=k, **attrs)
        buf = BytesIO()
        nx.write_gexf(xml_graph(out), buf, encoding="utf-8", prettyprint=False, version="1.2draft")
        path.write_bytes(_with_meta(buf.getvalue(), meta))
        return [path]


def _with_meta(xml: bytes, meta: dict[str, Any]) -> bytes:
    """Put the metadata in ``<meta>``: networkx writes only its own ``<creator>`` there (string surgery on
    that one element: parsing 20 MB of XML again to add it would double the time)."""
    start, end = xml.index(b"<creator>"), xml.index(b"</creator>") + len(b"</creator>")
    ours = (f"<creator>tnr-graph ({xml[start + 9:end - 10].decode()})</creator>"
            f"<description>{escape(json.dumps(meta, ensure_ascii=False))}</description>").encode()
    return xml[:start] + ours + xml[end:]


def read_meta(path: Path) -> dict[str, Any]:
    desc = ET.parse(path).getroot().find(f"{{{NS}}}meta/{{{NS}}}description")
    return json.loads(desc.text)


def read(path: Path, schema: Schema | None = None) -> nx.MultiDiGraph:
    """A GEXF export read back with ``networkx.read_gexf``: reserved names, lists and types restored;
    the GEXF label and spells (derived from name and date) are dropped."""
    raw = nx.read_gexf(path)
    g = nx.MultiDiGraph(**raw.graph)
    for n, d in raw.nodes(data=True):
        g.add_node(n, **{prop_name(k): v for k, v in d.items() if k not in ("label", "spells")})
    for u, v, d in raw.edges(data=True):
        attrs = {prop_name(k): x for k, x in d.items() if k not in ("label", "id")}
        g.add_edge(u, v, key=attrs[REL_TYPE], **attrs)
    return decode(schema or load_schema(), g)
